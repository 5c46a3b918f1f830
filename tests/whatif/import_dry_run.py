#!/usr/bin/env python3
"""End-to-end checks of `allot import KIND FILE --dry-run [--csv]` (SPEC.md §4,
issue 15).

usage: import_dry_run.py ALLOT [CASES]

For each of CASES random cases (fixed seeds): build a random database and a random
CSV file of one kind (batches, orders or allocations; new and existing keys, other
quantities and ETAs, and in some cases bad rows: bad fields, a key twice, unknown
SKUs and batches, no room), then
  1. `import --dry-run --csv` and `import --dry-run` leave the database file's bytes
     (and its WAL) identical;
  2. the real import on a byte copy of the database ends with the same exit status;
     when it is refused, the dry run printed the same errors; when it is accepted,
     the --csv rows equal the places that changed between the exports before and
     after (one row per order line whose place changed), the text report's
     headline carries the same summary the real import printed, and its batches
     section names exactly the batches whose export row changed or that lines
     left or came to;
  3. a whatif file with the same import between two commands (`import KIND FILE`
     as a line) prints the --csv rows of the three steps run for real on a copy,
     refusing the same lines;
  4. while another connection holds the write lock (BEGIN IMMEDIATE, with a row
     written and not committed), both dry runs print what they printed without it:
     a dry run only reads, as last committed.
"""
import csv
import hashlib
import io
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile

from whatif_cli import check_layout, expected_csv, rand_date  # the same oracle as whatif's own test

ALLOT = sys.argv[1]
CASES = int(sys.argv[2]) if len(sys.argv) > 2 else 60


def run(db, *args, check_rc=None):
    p = subprocess.run([ALLOT, "--db", db, *args], capture_output=True, text=True)
    if check_rc is not None and p.returncode not in check_rc:
        raise AssertionError(f"allot {' '.join(args)}: rc {p.returncode}\n{p.stderr}")
    return p


def file_hash(path):
    if not os.path.exists(path):
        return None
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def exports(db):
    return {k: run(db, "export", k, check_rc=(0,)).stdout
            for k in ("batches", "allocations", "backorders")}


def places(snap):
    res = {}
    for row in csv.DictReader(io.StringIO(snap["allocations"])):
        res[(row["orderid"], row["sku"])] = (row["qty"], row["batchref"])
    for row in csv.DictReader(io.StringIO(snap["backorders"])):
        res[(row["orderid"], row["sku"])] = (row["qty"], "backorder")
    return res


def batches(snap):
    return {row["ref"]: (row["sku"], row["qty"], row["eta"])
            for row in csv.DictReader(io.StringIO(snap["batches"]))}


def make_case(rng):
    skus = [f"SKU{i}" for i in range(rng.randint(1, 4))]
    refs, setup, sku_of = [], [], {}
    for s in skus:
        for _ in range(rng.randint(1, 3)):
            ref = f"R{len(refs)}"
            refs.append(ref)
            sku_of[ref] = s
            eta = "-" if rng.random() < 0.3 else rand_date(rng)
            setup.append(f"add-batch {ref} {s} {rng.randint(0, 20)} {eta}")
    lines = {}
    for _ in range(rng.randint(3, 25)):
        oid, s, q = f"o{rng.randint(1, 12)}", rng.choice(skus), rng.randint(1, 8)
        if (oid, s) not in lines:
            lines[(oid, s)] = q
            setup.append(f"allocate {oid} {s} {q}")
    bad = rng.random() < 0.35  # a file with bad rows in it
    kind = rng.choice(["batches", "orders", "allocations"])
    rows = []
    if kind == "batches":
        header = "ref,sku,qty,eta"
        used = set()
        for _ in range(rng.randint(1, 8)):
            if rng.random() < 0.5:
                ref = rng.choice(refs)
                s = sku_of[ref] if not bad or rng.random() < 0.8 else "OTHER"
            else:
                ref, s = f"N{rng.randint(0, 9)}", rng.choice(skus + ["NEWSKU"])
            if ref in used and not bad:
                continue
            used.add(ref)
            eta = "" if rng.random() < 0.3 else rand_date(rng)
            qty = str(rng.randint(0, 25))
            if bad and rng.random() < 0.2:
                qty, eta = rng.choice([("x", eta), ("-1", eta), (qty, "2027-02-30")])
            rows.append(f"{ref},{s},{qty},{eta}")
    else:
        header = "orderid,sku,qty" + (",batchref" if kind == "allocations" else "")
        used = set()
        for _ in range(rng.randint(1, 10)):
            oid = f"o{rng.randint(1, 16)}"
            s = rng.choice(skus) if not bad or rng.random() < 0.85 else "UNKNOWN"
            if (oid, s) in used and not bad:
                continue
            used.add((oid, s))
            q = lines.get((oid, s), rng.randint(1, 8))
            if rng.random() < 0.15:
                q = rng.randint(1, 8)
            qty = str(q) if not bad or rng.random() < 0.85 else rng.choice(["0", "2.5", ""])
            row = f"{oid},{s},{qty}"
            if kind == "allocations":
                mine = [r for r in refs if sku_of[r] == s] or refs
                ref = rng.choice(mine) if not bad or rng.random() < 0.9 else "NOPE"
                row += f",{ref}"
            rows.append(row)
    return setup, kind, header + "\n" + "\n".join(rows) + "\n"


def check_whatif_file(seed, rng, tmp, a, kind, csv_file, a_hash, before):
    """An `import` line inside a whatif file, between two commands, gives what the
    three steps give for real on a copy, and leaves the database alone."""
    def command():
        r = rng.random()
        if r < 0.4:
            return f"change-qty R{rng.randint(0, 3)} {rng.randint(0, 20)}"
        if r < 0.7:
            return f"set-eta R{rng.randint(0, 3)} {'-' if rng.random() < 0.3 else rand_date(rng)}"
        return f"allocate w{rng.randint(1, 5)} SKU0 {rng.randint(1, 6)}"
    pre, post = command(), command()
    w = os.path.join(tmp, "w.txt")
    with open(w, "w") as f:
        f.write(f"{pre}\nimport {kind} {csv_file}\n{post}\n")
    got = run(a, "whatif", w, "--csv", check_rc=(0, 1))
    assert file_hash(a) == a_hash, f"seed {seed}: whatif with an import wrote to the database"
    c = os.path.join(tmp, "c.db")
    shutil.copy(a, c)
    refused = []
    for n, step in enumerate((["exec", "-"], ["import", kind, csv_file], ["exec", "-"]), 1):
        p = subprocess.run([ALLOT, "--db", c, *step], input=(pre if n == 1 else post) + "\n",
                           capture_output=True, text=True)
        if p.returncode != 0:
            refused.append(n)
    want = [["orderid", "sku", "qty", "before", "after"]] + \
        expected_csv(places(before), places(exports(c)))
    have = list(csv.reader(io.StringIO(got.stdout)))
    ctx = f"seed {seed}: whatif of\n{pre}\nimport {kind}\n{post}\n{got.stderr}"
    assert have == want, ctx + f"\nwhatif --csv: {have}\nwant: {want}"
    lines = sorted(int(m.group(1)) for m in re.finditer(r"^[^:\n]*w\.txt:(\d+): error:", got.stderr,
                                                        re.M))
    assert lines == refused, ctx + f"\nrefused for real: {refused}"
    assert got.returncode == (1 if refused else 0), ctx


def check_while_locked(seed, db, kind, csv_file, dry_csv, dry):
    """The dry runs give the same output while a writer holds the database."""
    writer = sqlite3.connect(db, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("INSERT INTO counters (name, value) VALUES ('import_dry_run', 1)")
        for args, want in (((), dry), (("--csv",), dry_csv)):
            got = run(db, "import", kind, csv_file, "--dry-run", *args)
            assert (got.returncode, got.stdout, got.stderr) == \
                (want.returncode, want.stdout, want.stderr), \
                f"seed {seed}: dry run {args} while another connection writes: rc " \
                f"{got.returncode}\n{got.stderr}\nwithout the writer: rc {want.returncode}\n" \
                f"{want.stderr}"
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def one_case(seed, tmp):
    rng = random.Random(seed)
    setup, kind, text = make_case(rng)
    a, b = os.path.join(tmp, "a.db"), os.path.join(tmp, "b.db")
    setup_file, csv_file = os.path.join(tmp, "setup.txt"), os.path.join(tmp, f"{kind}.csv")
    with open(setup_file, "w") as f:
        f.write("\n".join(setup) + "\n")
    with open(csv_file, "w") as f:
        f.write(text)
    run(a, "exec", setup_file, check_rc=(0, 1))
    shutil.copy(a, b)
    before = exports(a)
    hashes = (file_hash(a), file_hash(a + "-wal"))

    dry_csv = run(a, "import", kind, csv_file, "--dry-run", "--csv", check_rc=(0, 1))
    dry = run(a, "import", kind, csv_file, "--dry-run", check_rc=(0, 1))
    wal = a + "-wal"
    assert file_hash(a) == hashes[0], f"seed {seed}: the dry run wrote to the database"
    assert not os.path.exists(wal) or os.path.getsize(wal) == 0 or file_hash(wal) == hashes[1], \
        f"seed {seed}: the dry run wrote to the WAL"
    assert exports(a) == before, f"seed {seed}: the dry run changed the data"

    check_while_locked(seed, a, kind, csv_file, dry_csv, dry)
    check_whatif_file(seed, rng, tmp, a, kind, csv_file, hashes[0], before)
    real = run(b, "import", kind, csv_file, check_rc=(0, 1))
    after = exports(b)
    ctx = f"seed {seed} ({kind}):\n{text}\nreal: {real.stdout}{real.stderr}"
    assert dry.returncode == dry_csv.returncode == real.returncode, \
        ctx + f"\ndry: {dry.returncode} {dry.stderr}"
    if real.returncode != 0:
        assert dry.stderr == real.stderr == dry_csv.stderr, ctx + f"\ndry:\n{dry.stderr}"
        assert dry.stdout == dry_csv.stdout == "", ctx
        assert after == before, ctx
        return 0, 1
    want = [["orderid", "sku", "qty", "before", "after"]] + \
        expected_csv(places(before), places(after))
    have = list(csv.reader(io.StringIO(dry_csv.stdout)))
    assert have == want, ctx + f"\n--dry-run --csv:\n{dry_csv.stdout}\nwant: {want}"
    summary = real.stdout.strip()[len(csv_file) + 2:]
    head = dry.stdout.splitlines()[0]
    assert head == f"import --dry-run {csv_file}: {summary}; nothing was changed.", \
        ctx + f"\n{head}"
    check_layout(dry.stdout, ctx)
    bb, ba = batches(before), batches(after)
    changed = {r for r in set(bb) | set(ba) if bb.get(r) != ba.get(r)}
    for row in want[1:]:  # and the batches that lines left or came to
        changed |= {p for p in row[3:] if p not in ("", "backorder")}
    changed = sorted(changed)
    m = re.search(r"^Batches that would change \((\d+)\):\n((?:  .*\n)*)", dry.stdout, re.M)
    named = sorted(l.split()[0] for l in m.group(2).splitlines()) if m else []
    assert named == changed, ctx + f"\n{dry.stdout}\nchanged batches: {changed}"
    if len(want) == 1 and not changed:
        assert "Nothing would change." in dry.stdout or "Events that would be raised" in dry.stdout
    return len(want) - 1, 0


def main():
    rows = refused = 0
    for seed in range(CASES):
        tmp = tempfile.mkdtemp(prefix="allot-dryrun-")
        try:
            r, f = one_case(seed, tmp)
            rows += r
            refused += f
        finally:
            shutil.rmtree(tmp)
    print(f"{CASES} cases: {rows} changed lines, {refused} refused files, all as a real import")
    assert rows > CASES // 2, "the cases should move lines"
    assert refused > CASES // 6, "the cases should mix in refused files"


if __name__ == "__main__":
    main()
