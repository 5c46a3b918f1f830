"""Differential test of a restore (issue 14 acceptance): random commands on a store,
its three exports imported into a fresh store, then the same random commands on both:
the exports (every column: need dates, moments of first request, creation order)
and the events of the second script must be identical.  SPEC.md §4 "exports ...
re-import to the same state", §1.2 order of service, §1.4 need dates.

Usage: test_restore.py ALLOT_BINARY [--scripts N] [--commands N] [--seed S]
"""

import argparse
import concurrent.futures
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

from test_differential import DATES, gen_script


def run(allot, db, *args, stdin=None):
    return subprocess.run([allot, "--db", db] + list(args), capture_output=True, text=True,
                          input=stdin, timeout=300)


def with_need_dates(rng, lines):
    """Gives some well-formed allocate lines a need date (a 4th argument)."""
    out = []
    for line in lines:
        if line.startswith("allocate ") and rng.random() < 0.5 and line.count('"') % 2 == 0:
            line += " " + rng.choice(DATES)
        out.append(line)
    return out


def exports(allot, db):
    got = {}
    for what in ("batches", "allocations", "backorders"):
        p = run(allot, db, "export", what)
        assert p.returncode == 0, p.stderr
        got[what] = p.stdout
    return got


def events_after(allot, db, since):
    p = run(allot, db, "events", "--json", "--since", str(since))
    assert p.returncode == 0, p.stderr
    evs = []
    for line in p.stdout.splitlines():
        o = json.loads(line)
        for k in ("id", "at", "command_id", "actor"):  # the store's own, not the state's
            o.pop(k, None)
        evs.append(o)
    return evs


def last_event_id(allot, db):
    p = run(allot, db, "events", "--json")
    lines = p.stdout.splitlines()
    return json.loads(lines[-1])["id"] if lines else 0


def check_seed(allot, seed, ncommands):
    rng = random.Random(seed)
    first = with_need_dates(rng, gen_script(rng, ncommands))
    second = with_need_dates(rng, gen_script(rng, ncommands))
    d = tempfile.mkdtemp(prefix=f"allot-restore-{seed}-")
    try:
        a, b = os.path.join(d, "a.db"), os.path.join(d, "b.db")
        run(allot, a, "exec", "-", stdin="\n".join(first) + "\n")
        ex = exports(allot, a)
        if not ex["batches"].strip():
            run(allot, a, "add-batch", "B0", "LAMP", "1")
            ex = exports(allot, a)
        for what, kind in (("batches", "batches"), ("allocations", "allocations"),
                           ("backorders", "orders")):
            path = os.path.join(d, f"{what}.csv")
            with open(path, "w", encoding="utf-8") as f:
                f.write(ex[what])
            p = run(allot, b, "import", kind, path)
            if p.returncode != 0:
                return [f"seed {seed}: import {what} failed: {p.stderr}"]
        diffs = []
        got = exports(allot, b)
        for what in ex:
            if got[what] != ex[what]:
                diffs.append(f"seed {seed}: restored {what} differs:\n{ex[what]}---\n{got[what]}")
        since = {db: last_event_id(allot, db) for db in (a, b)}
        outs = {db: run(allot, db, "exec", "-", stdin="\n".join(second) + "\n") for db in (a, b)}
        if outs[a].returncode != outs[b].returncode or outs[a].stderr != outs[b].stderr:
            diffs.append(f"seed {seed}: the second script ran differently:\n"
                         f"{outs[a].stderr}---\n{outs[b].stderr}")
        ea, eb = exports(allot, a), exports(allot, b)
        for what in ea:
            if ea[what] != eb[what]:
                diffs.append(f"seed {seed}: {what} differs after the same commands:\n"
                             f"{ea[what]}---\n{eb[what]}")
        va, vb = events_after(allot, a, since[a]), events_after(allot, b, since[b])
        if [e["type"] for e in va] != [e["type"] for e in vb]:
            diffs.append(f"seed {seed}: event types differ")
        elif va != vb:
            k = next(i for i, (x, y) in enumerate(zip(va, vb)) if x != y)
            diffs.append(f"seed {seed}: events differ at #{k}: {va[k]} / {vb[k]}")
        return diffs
    finally:
        shutil.rmtree(d, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("allot")
    ap.add_argument("--scripts", type=int, default=30)
    ap.add_argument("--commands", type=int, default=150)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2)
    a = ap.parse_args()
    allot = os.path.abspath(a.allot)
    seeds = range(a.seed, a.seed + a.scripts)
    failures = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as ex:
        for diffs in ex.map(lambda s: check_seed(allot, s, a.commands), seeds):
            failures.extend(diffs)
    for f in failures[:10]:
        print(f)
    bad = len({f.split(":")[0] for f in failures})
    print(f"{a.scripts} restores, then {a.commands} more commands on both: "
          f"{a.scripts - bad} identical")
    print(f"{a.scripts - bad} passed, {bad} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
