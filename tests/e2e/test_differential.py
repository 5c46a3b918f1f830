"""Differential test (issue 4 acceptance): random command scripts run through
`allot exec`, compared with the independent reference model of SPEC.md §1
(refmodel.py): the final state (exports), which lines were refused, and the events.

Usage: test_differential.py ALLOT_BINARY [--scripts N] [--commands N] [--seed S] [--postgres]

--postgres runs each script on a new database of the PostgreSQL server that libpq's
PG* variables name (tests/support/pg_cluster.sh starts a throwaway one) instead of a
SQLite file.
"""

import argparse
import concurrent.futures
import csv
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

import refmodel

SKUS = ["LAMP", "DESK", "CHAIR", "Zoë sofa"]
GHOST = "GHOST"
DATES = ["2027-01-05", "2027-01-10", "2027-02-01", "2027-03-15", "2028-02-29"]
BAD_LINES = [
    "allocate o1 LAMP 0", "allocate o1 LAMP 2.5", "allocate o1 LAMP \"1,000\"",
    "add-batch B1 LAMP -3", "set-eta B1 2027-02-30", "set-eta B1 03/04/2027",
    "frobnicate x", "allocate o1 LAMP", "cancel", "change-qty B1 12x",
    "allocate \"\" LAMP 1", "add-batch B1 LAMP 5 2027-13-01", "change-qty B1 -1",
    "allocate o1 LAMP 1000000001", "cancel o1 LAMP extra", "allocate \"o 1 LAMP 3",
    "import batches x.csv",
]


def q(tok):
    if tok and not any(c in tok for c in " \t\"\\") and not tok.startswith("#"):
        return tok
    return '"' + tok.replace("\\", "\\\\").replace('"', '\\"') + '"'


def gen_script(rng, n):
    refs = [f"B{i}" for i in range(12)]
    orders = [f"o{i}" for i in range(30)] + ["order 7", "ordre \"x\""]
    asked = {}
    lines = []
    for _ in range(n):
        r = rng.random()
        if r < 0.38:
            o, s = rng.choice(orders), (GHOST if rng.random() < 0.04 else rng.choice(SKUS))
            if (o, s) in asked and rng.random() < 0.5:
                qty = asked[(o, s)]
            else:
                qty = rng.randint(1, 18)
            asked[(o, s)] = qty
            lines.append(f"allocate {q(o)} {q(s)} {qty}")
        elif r < 0.55:
            ref, s, qty = rng.choice(refs), rng.choice(SKUS), rng.randint(0, 40)
            e = rng.random()
            eta = "" if e < 0.35 else " -" if e < 0.45 else " " + rng.choice(DATES)
            lines.append(f"add-batch {ref} {q(s)} {qty}{eta}")
        elif r < 0.70:
            lines.append(f"change-qty {rng.choice(refs + ['NOPE'])} {rng.randint(0, 40)}")
        elif r < 0.80:
            eta = "-" if rng.random() < 0.3 else rng.choice(DATES)
            lines.append(f"set-eta {rng.choice(refs)} {eta}")
        elif r < 0.90:
            o, s = rng.choice(orders), rng.choice(SKUS + [GHOST])
            lines.append(f"cancel {q(o)} {q(s)}")
        elif r < 0.97:
            lines.append(rng.choice(BAD_LINES))
        else:
            lines.append(rng.choice(["", "# a comment", "   ", "  # indented comment"]))
    return lines


def run(allot, db, *args, stdin=None):
    return subprocess.run([allot, "--db", db] + list(args), capture_output=True, text=True,
                          input=stdin, timeout=300)


BASE_COLUMNS = {"batches": ("ref", "sku", "qty", "eta"),
                "allocations": ("orderid", "sku", "qty", "batchref"),
                "backorders": ("orderid", "sku", "qty")}


def export(allot, db, what):
    """The rows of an export, in the columns the reference model knows (the need
    date and request moment of SPEC.md §1.4 and §4 are checked elsewhere)."""
    p = run(allot, db, "export", what)
    assert p.returncode == 0, p.stderr
    rows = list(csv.reader(io.StringIO(p.stdout)))
    at = [rows[0].index(c) for c in BASE_COLUMNS[what]]
    return [tuple(r[i] for i in at) for r in rows[1:]]


LINE_EVENTS = {"Allocated", "Deallocated", "Reallocated", "OutOfStock"}


def check_seed(allot, seed, ncommands, postgres=False):
    """Returns a list of differences (empty when allot agrees with the model)."""
    rng = random.Random(seed)
    lines = gen_script(rng, ncommands)
    model = refmodel.Model()
    refused = {i + 1 for i, line in enumerate(lines) if refmodel.run_line(model, line)}
    d = tempfile.mkdtemp(prefix=f"allot-diff-{seed}-")
    try:
        script = os.path.join(d, "script.txt")
        with open(script, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        db = os.path.join(d, "allot.db")
        if postgres:
            name = f"allot_diff_{os.getpid()}_{seed}"
            subprocess.run(["createdb", name], check=True)
            db = f"postgresql:///{name}"
        p = run(allot, db, "exec", script)
        diffs = []
        if "Sanitizer" in p.stderr or "runtime error" in p.stderr:
            return [f"seed {seed}: sanitizer report:\n{p.stderr}"]
        got_refused = {int(m.group(1)) for m in re.finditer(r"^.*script\.txt:(\d+): error: ",
                                                             p.stderr, re.M)}
        if p.returncode != (1 if refused else 0):
            diffs.append(f"exit status {p.returncode}, expected {1 if refused else 0}")
        if got_refused != refused:
            extra = sorted(got_refused - refused)
            missing = sorted(refused - got_refused)
            diffs.append("refused lines differ: allot only "
                         + ", ".join(f"{i}: {lines[i-1]}" for i in extra[:5])
                         + "; model only " + ", ".join(f"{i}: {lines[i-1]}" for i in missing[:5]))
        for what, want in (("batches", model.export_batches()),
                           ("allocations", model.export_allocations()),
                           ("backorders", model.export_backorders())):
            got = export(allot, db, what)
            if got != want:
                diffs.append(f"export {what} differs:\n  allot {got}\n  model {want}")
        ev = run(allot, db, "events", "--json")
        got_events = []
        for line in ev.stdout.splitlines():
            o = json.loads(line)
            t = o.pop("type")
            o.pop("id"), o.pop("at")
            # the model has no need dates (none are given) and no provenance
            if o.pop("need", None) is not None:
                diffs.append(f"event {o} has a need date, none was given")
            if not isinstance(o.pop("command_id"), int) or not o.pop("actor"):
                diffs.append(f"event {o} has no command id or actor")
            got_events.append((t, o))
        want_events = [(t, dict(f)) for t, f in model.events]
        line_got = [e for e in got_events if e[0] in LINE_EVENTS]
        line_want = [e for e in want_events if e[0] in LINE_EVENTS]
        if line_got != line_want:
            k = next((i for i, (a, b) in enumerate(zip(line_got, line_want)) if a != b),
                     min(len(line_got), len(line_want)))
            diffs.append(f"line events differ at #{k}: allot {line_got[k:k+3]} model "
                         f"{line_want[k:k+3]}")
        elif got_events != want_events:
            k = next((i for i, (a, b) in enumerate(zip(got_events, want_events)) if a != b),
                     min(len(got_events), len(want_events)))
            diffs.append(f"events differ at #{k}: allot {got_events[k:k+3]} model "
                         f"{want_events[k:k+3]}")
        return [f"seed {seed}: {x}" for x in diffs]
    finally:
        shutil.rmtree(d, ignore_errors=True)
        if postgres:
            subprocess.run(["dropdb", "--if-exists", name], check=False)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("allot")
    ap.add_argument("--scripts", type=int, default=100)
    ap.add_argument("--commands", type=int, default=250)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--postgres", action="store_true")
    a = ap.parse_args()
    allot = os.path.abspath(a.allot)
    seeds = range(a.seed, a.seed + a.scripts)
    failures = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as ex:
        for diffs in ex.map(lambda s: check_seed(allot, s, a.commands, a.postgres), seeds):
            failures.extend(diffs)
    for f in failures[:20]:
        print(f)
    print(f"{a.scripts} scripts of {a.commands} commands"
          f"{' on PostgreSQL' if a.postgres else ''}: "
          f"{a.scripts - len({f.split(':')[0] for f in failures})} agree with the model")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
