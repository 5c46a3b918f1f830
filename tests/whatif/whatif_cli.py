#!/usr/bin/env python3
"""End-to-end checks of `allot whatif FILE [--csv]` (SPEC.md §4, issue 6).

usage: whatif_cli.py ALLOT [CASES]

For each of CASES random cases (fixed seeds): build a random database, then
  1. `allot whatif FILE --csv` leaves the database file's bytes (and its WAL)
     identical; in every third case also `allot whatif FILE`, and the exports of
     batches, allocations and backorders and `allot events --json` are compared
     before and after;
  2. the --csv output equals the difference obtained by running the same FILE for
     real (`allot exec`) on a copy of the database: exports of allocations and
     backorders before and after, one row per line whose place changed;
  3. whatif refuses exactly the lines that exec refuses (same FILE:LINE).
FILE mixes valid commands with refused ones (unknown refs and SKUs, quantity
mismatches, duplicate batches, bad syntax, non-bus commands).
"""
import csv
import hashlib
import io
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

ALLOT = sys.argv[1]
CASES = int(sys.argv[2]) if len(sys.argv) > 2 else 60


def run(db, *args, check_rc=None, stdin=None):
    p = subprocess.run([ALLOT, "--db", db, *args], capture_output=True, text=True, input=stdin)
    if check_rc is not None and p.returncode not in check_rc:
        raise AssertionError(f"allot {' '.join(args)}: rc {p.returncode}\n{p.stderr}")
    return p


def snapshot(db):
    out = {}
    for kind in ("batches", "allocations", "backorders"):
        out[kind] = run(db, "export", kind, check_rc=(0,)).stdout
    out["events"] = run(db, "events", "--json", check_rc=(0,)).stdout
    return out


def file_hash(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def places(db=None, snap=None):
    """(orderid, sku) -> (qty, place) from the exports (of `db`, or of a snapshot)."""
    snap = snap or {k: run(db, "export", k, check_rc=(0,)).stdout
                    for k in ("allocations", "backorders")}
    res = {}
    for row in csv.DictReader(io.StringIO(snap["allocations"])):
        res[(row["orderid"], row["sku"])] = (row["qty"], row["batchref"])
    for row in csv.DictReader(io.StringIO(snap["backorders"])):
        res[(row["orderid"], row["sku"])] = (row["qty"], "backorder")
    return res


def expected_csv(before, after):
    rows = []
    for key in sorted(set(before) | set(after)):
        b, a = before.get(key), after.get(key)
        bp = b[1] if b else ""
        ap = a[1] if a else ""
        if bp != ap:
            rows.append([key[0], key[1], (a or b)[0], bp, ap])
    return rows


def check_layout(text, ctx=""):
    """The text report's spacing: the headline, then each section (a line that is
    not indented) after exactly one blank line, never two blank lines in a row,
    none at the end."""
    lines = text.split("\n")
    assert lines[-1] == "" and lines[-2] != "", ctx + f"\nthe report's end:\n{text}"
    lines = lines[:-1]
    for i, line in enumerate(lines[1:], 1):
        if line == "":
            assert lines[i - 1] != "", ctx + f"\ntwo blank lines before line {i + 1}:\n{text}"
        elif not line.startswith("  "):
            assert lines[i - 1] == "", ctx + f"\nno blank line before section {line!r}:\n{text}"


def rand_date(rng):
    return f"2027-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def make_case(rng):
    skus = [f"SKU{i}" for i in range(rng.randint(1, 4))]
    refs, setup = [], []
    for s in skus:
        for _ in range(rng.randint(1, 4)):
            ref = f"R{len(refs)}"
            refs.append(ref)
            eta = "-" if rng.random() < 0.3 else rand_date(rng)
            setup.append(f"add-batch {ref} {s} {rng.randint(0, 20)} {eta}")
    lines = {}
    for i in range(rng.randint(3, 25)):
        oid, s, q = f"o{rng.randint(1, 12)}", rng.choice(skus), rng.randint(1, 8)
        if (oid, s) not in lines:
            lines[(oid, s)] = q
            setup.append(f"allocate {oid} {s} {q}")
    cmds = []
    for _ in range(rng.randint(1, 15)):
        r = rng.random()
        if r < 0.22:
            ref = rng.choice(refs) if rng.random() < 0.9 else "NOPE"
            eta = "-" if rng.random() < 0.2 else rand_date(rng)
            cmds.append(f"set-eta {ref} {eta}")
        elif r < 0.40:
            ref = rng.choice(refs) if rng.random() < 0.9 else "NOPE"
            cmds.append(f"change-qty {ref} {rng.randint(0, 25)}")
        elif r < 0.62:
            s = rng.choice(skus) if rng.random() < 0.9 else "UNKNOWN"
            oid = f"o{rng.randint(1, 16)}"
            q = lines.get((oid, s), rng.randint(1, 8)) if rng.random() < 0.6 else rng.randint(1, 8)
            cmds.append(f"allocate {oid} {s} {q}")
        elif r < 0.75:
            if lines and rng.random() < 0.8:
                oid, s = rng.choice(sorted(lines))
            else:
                oid, s = f"o{rng.randint(1, 16)}", rng.choice(skus)
            cmds.append(f"cancel {oid} {s}")
        elif r < 0.87:
            ref = f"N{rng.randint(0, 3)}" if rng.random() < 0.8 else rng.choice(refs)
            s = rng.choice(skus) if rng.random() < 0.8 else "NEWSKU"
            eta = "-" if rng.random() < 0.3 else rand_date(rng)
            cmds.append(f"add-batch {ref} {s} {rng.randint(0, 20)} {eta}")
        else:
            cmds.append(rng.choice(["frobnicate", "allocate o1", "export batches", "# comment", "",
                                    "set-eta R0 2027-02-30", "change-qty R0 12x",
                                    'allocate "o 1" SKU0 2']))
    return setup, cmds


def refused_lines(stderr):
    return sorted(int(m.group(1)) for m in re.finditer(r"^[^:\n]*:(\d+): error:", stderr, re.M))


def one_case(seed, tmp):
    rng = random.Random(seed)
    setup, cmds = make_case(rng)
    a, b = os.path.join(tmp, "a.db"), os.path.join(tmp, "b.db")
    setup_file, cmd_file = os.path.join(tmp, "setup.txt"), os.path.join(tmp, "w.txt")
    with open(setup_file, "w") as f:
        f.write("\n".join(setup) + "\n")
    with open(cmd_file, "w") as f:
        f.write("\n".join(cmds) + "\n")
    run(a, "exec", setup_file, check_rc=(0, 1))
    shutil.copy(a, b)
    before_snap, before_hash = snapshot(a), file_hash(a)
    before_wal = file_hash(a + "-wal") if os.path.exists(a + "-wal") else None

    full = seed % 3 == 0  # every third case also compares exports and the event log
    text = run(a, "whatif", cmd_file, check_rc=(0, 1)) if full else None
    got = run(a, "whatif", cmd_file, "--csv", check_rc=(0, 1))
    # the database's bytes (main file and any WAL) are those of before ...
    assert file_hash(a) == before_hash, f"seed {seed}: whatif changed the database file"
    assert not os.path.exists(a + "-wal") or os.path.getsize(a + "-wal") == 0 or \
        file_hash(a + "-wal") == before_wal, f"seed {seed}: whatif wrote to the WAL"
    if full:  # ... and so are the exports and the event log
        assert snapshot(a) == before_snap, f"seed {seed}: whatif changed the live data"
        assert "the live data is untouched" in text.stdout, text.stdout
        check_layout(text.stdout, f"seed {seed}")
        assert text.returncode == got.returncode, f"seed {seed}: exit status of the text run"

    before = places(snap=before_snap)  # b is a byte copy of a
    real = run(b, "exec", cmd_file, check_rc=(0, 1))
    after = places(b)
    want = [["orderid", "sku", "qty", "before", "after"]] + expected_csv(before, after)
    have = list(csv.reader(io.StringIO(got.stdout)))
    assert have == want, (f"seed {seed}: --csv differs from a real run\nfile:\n" +
                          "\n".join(cmds) + f"\nwhatif --csv:\n{got.stdout}\nreal:\n{want}")
    assert refused_lines(got.stderr) == refused_lines(real.stderr), \
        f"seed {seed}: refused lines differ\n{got.stderr}\n---\n{real.stderr}"
    assert got.returncode == real.returncode, f"seed {seed}: exit status"
    return len(want) - 1, len(refused_lines(real.stderr))


def main():
    rows = refused = 0
    for seed in range(CASES):
        tmp = tempfile.mkdtemp(prefix="allot-whatif-")
        try:
            r, f = one_case(seed, tmp)
            rows += r
            refused += f
        finally:
            shutil.rmtree(tmp)
    print(f"{CASES} cases: {rows} changed lines, {refused} refused commands, all as a real run")
    assert rows > CASES, "the cases should change something"
    assert refused > CASES // 2, "the cases should mix in refused commands"


if __name__ == "__main__":
    main()
