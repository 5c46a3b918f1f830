"""Helpers for the end-to-end tests: run the built allot binary in a scratch
folder with its own database and configuration."""

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

ALLOT = os.environ.get("ALLOT_BIN") or (sys.argv[1] if len(sys.argv) > 1 else "build/allot")
ALLOT = os.path.abspath(ALLOT)


class Result:
    def __init__(self, proc):
        self.rc = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    def __repr__(self):
        return f"<rc={self.rc} out={self.out!r} err={self.err!r}>"


class AllotCase(unittest.TestCase):
    """Each test gets a scratch folder, a database in it, and an empty config home."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="allot-e2e-")
        self.db = os.path.join(self.dir, "allot.db")
        self.env = dict(os.environ)
        self.env.pop("ALLOT_DB", None)
        self.env["XDG_CONFIG_HOME"] = os.path.join(self.dir, "config")
        self.env["XDG_DATA_HOME"] = os.path.join(self.dir, "data")
        self.env["HOME"] = self.dir
        self.env.setdefault("ASAN_OPTIONS", "detect_leaks=1")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.dir, name)

    def write(self, name, text, mode="w"):
        p = self.path(name)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, mode, **({} if "b" in mode else {"encoding": "utf-8", "newline": ""})) as f:
            f.write(text)
        return p

    def run_allot(self, *args, stdin=None, db=True, env=None, timeout=120):
        argv = [ALLOT] + (["--db", self.db] if db else []) + list(args)
        proc = subprocess.run(argv, input=stdin, capture_output=True, text=True,
                              env=env or self.env, cwd=self.dir, timeout=timeout)
        r = Result(proc)
        # A sanitizer report is a failure whatever the exit status says.
        self.assertNotIn("Sanitizer", r.err, r.err)
        self.assertNotIn("runtime error:", r.err, r.err)
        return r

    def ok(self, *args, **kw):
        r = self.run_allot(*args, **kw)
        self.assertEqual(r.rc, 0, r)
        return r

    BASE_COLUMNS = {"batches": ("ref", "sku", "qty", "eta"),
                    "allocations": ("orderid", "sku", "qty", "batchref"),
                    "backorders": ("orderid", "sku", "qty")}

    def export(self, what, full=False):
        """The export as rows, header first: in the SPEC §4 base columns (picked by
        name), or with every column the export writes when `full`."""
        r = self.ok("export", what)
        rows = list(csv.reader(io.StringIO(r.out)))
        if full:
            return rows
        at = [rows[0].index(c) for c in self.BASE_COLUMNS[what]]
        return [[row[i] for i in at] for row in rows]

    def events(self, since=None):
        args = ["events", "--json"] + (["--since", str(since)] if since else [])
        r = self.ok(*args)
        return [json.loads(line) for line in r.out.splitlines()]

    def snapshot(self):
        """Everything observable about the database: the three exports and the events."""
        return (self.export("batches"), self.export("allocations"), self.export("backorders"),
                len(self.events()))


def main():
    unittest.main(argv=[sys.argv[0]] + sys.argv[2:], verbosity=2)
