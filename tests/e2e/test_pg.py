"""End-to-end tests of allot on PostgreSQL (SPEC.md §3.1; issue 10): `allot copy`
SQLite -> PostgreSQL -> SQLite on the demo and on a random 100,000-line store, the
faults of a command line (exit 3, a message naming the database, host and port), a
server killed in the middle of an import, and `events --follow` across a restart.

Runs beside a throwaway cluster: tests/support/pg_cluster.sh test_pg.py ALLOT.
"""

import os
import random
import subprocess
import sys
import threading
import time
import unittest

from e2e_util import ALLOT, AllotCase

PG_DIR = os.environ.get("ALLOT_TEST_PG_DIR")
_next_db = [0]


def new_database():
    """A fresh database of the throwaway cluster, as a URI."""
    _next_db[0] += 1
    name = f"allot_e2e_{os.getpid()}_{_next_db[0]}"
    subprocess.run(["createdb", name], check=True)
    return f"postgresql:///{name}"


def pg_ctl(*args):
    argv = (os.environ["ALLOT_TEST_PG_AS"].split() + [os.path.join(os.environ["ALLOT_TEST_PG_BIN"], "pg_ctl"),
            "-D", os.environ["ALLOT_TEST_PG_DATA"], "-w"] + list(args))
    subprocess.run(argv, check=True, capture_output=True, timeout=120)


def stop_server():
    pg_ctl("-m", "immediate", "stop")


def start_server():
    pg_ctl("-l", os.path.join(PG_DIR, "server.log"), "-o", os.environ["ALLOT_TEST_PG_OPTS"], "start")


def random_store_files(folder, nlines, seed):
    """batches.csv and orders.csv of a random store with about `nlines` order lines."""
    rng = random.Random(seed)
    nskus = max(10, nlines // 50)
    skus = [f"SKU-{i:05d}" for i in range(nskus)]
    with open(os.path.join(folder, "batches.csv"), "w", encoding="utf-8") as f:
        f.write("ref,sku,qty,eta\n")
        n = 0
        for s in skus:
            for _ in range(rng.randint(1, 5)):
                n += 1
                eta = "" if rng.random() < 0.4 else f"2027-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                f.write(f"B{n},{s},{rng.randint(0, 400)},{eta}\n")
    with open(os.path.join(folder, "orders.csv"), "w", encoding="utf-8") as f:
        f.write("orderid,sku,qty,need\n")
        for i in range(nlines):
            need = "" if rng.random() < 0.5 else f"2027-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            # three lines an order, on three different SKUs
            f.write(f"o{i // 3},{skus[(i // 3 * 3 + i % 3 * 7919) % nskus]},{rng.randint(1, 20)},{need}\n")


class Copy(AllotCase):
    def dump(self, db):
        """What must be the same on both sides: the exports and the whole event log."""
        out = {}
        for what in ("batches", "allocations", "backorders"):
            out[what] = self.ok("--db", db, "export", what, db=False).out
        out["events"] = self.ok("--db", db, "events", "--json", db=False).out
        return out

    def round_trip(self, src):
        pg = new_database()
        back = self.path("back.db")
        r = self.ok("copy", src, pg, db=False)
        self.assertIn("copy: ", r.out)
        self.ok("copy", pg, back, db=False)
        a, b, c = self.dump(src), self.dump(pg), self.dump(back)
        for what in a:
            self.assertEqual(a[what], b[what], f"{what}: SQLite -> PostgreSQL")
            self.assertEqual(a[what], c[what], f"{what}: PostgreSQL -> SQLite")
        return pg, back

    def later_commands_do_the_same(self, dbs, lines):
        outs = []
        for db in dbs:
            r = self.run_allot("--db", db, "exec", "-", stdin="".join(l + "\n" for l in lines), db=False)
            u = self.run_allot("--db", db, "undo", db=False)
            ev = self.ok("--db", db, "events", "--json", db=False).out.splitlines()
            # the times of the new events differ by the clock; everything else may not
            outs.append((r.rc, r.err, u.rc, u.out,
                         [l.split('"at":')[0] + l.split('"type"', 1)[1] for l in ev]))
        for o in outs[1:]:
            self.assertEqual(outs[0], o)

    def test_the_demo_goes_to_postgresql_and_back_identical(self):
        self.ok("demo")
        self.ok("exec", "-", stdin="allocate z1 Chai 5 2027-01-01\nchange-qty WH-01 3\n"
                                   "set-eta PO-02 -\ncancel z1 Chai\n")
        self.ok("undo")
        pg, back = self.round_trip(self.db)
        self.later_commands_do_the_same(
            [self.db, pg, back],
            ["allocate late1 Chai 7", "change-qty WH-02 1", "add-batch NEW1 Chai 40"])

    def test_a_random_100000_line_store_goes_to_postgresql_and_back_identical(self):
        random_store_files(self.dir, 100000, seed=10)
        self.ok("import", "batches", self.path("batches.csv"), timeout=900)
        self.ok("import", "orders", self.path("orders.csv"), timeout=900)
        rng = random.Random(11)
        cmds = []
        for i in range(300):
            k = rng.random()
            if k < 0.4:
                cmds.append(f"change-qty B{rng.randint(1, 3000)} {rng.randint(0, 300)}")
            elif k < 0.6:
                cmds.append(f"set-eta B{rng.randint(1, 3000)} 2027-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}")
            elif k < 0.8:
                cmds.append(f"cancel o{rng.randint(0, 33000)} SKU-{rng.randint(0, 1999):05d}")
            else:
                cmds.append(f"allocate x{i} SKU-{rng.randint(0, 1999):05d} {rng.randint(1, 30)}")
        self.run_allot("exec", "-", stdin="\n".join(cmds) + "\n", timeout=900)
        pg, back = self.round_trip(self.db)
        self.later_commands_do_the_same([self.db, pg, back],
                                        ["change-qty B7 0", "allocate y1 SKU-00007 5"])

    def test_copy_refuses_a_store_that_holds_data_and_changes_nothing(self):
        self.ok("add-batch", "B1", "LAMP", "5")
        pg = new_database()
        self.ok("copy", self.db, pg, db=False)
        before = self.ok("--db", pg, "events", "--json", db=False).out
        r = self.run_allot("copy", self.db, pg, db=False)
        self.assertEqual(r.rc, 1, r)
        self.assertIn("already holds data", r.err)
        self.assertEqual(self.ok("--db", pg, "events", "--json", db=False).out, before)


class Faults(AllotCase):
    def test_a_missing_database_and_a_server_not_running_exit_3_naming_them(self):
        r = self.run_allot("--db", "postgresql:///nosuchdb", "allocate", "o1", "LAMP", "1", db=False)
        self.assertEqual(r.rc, 3, r)
        self.assertRegex(r.err, r"database nosuchdb on host \S+ port \d+: .*does not exist")
        r = self.run_allot("--db", f"postgresql:///x?host={PG_DIR}/nowhere&port=5999", "events", db=False)
        self.assertEqual(r.rc, 3, r)
        self.assertIn("database x on host ", r.err)
        self.assertIn("port 5999", r.err)

    def test_a_server_that_never_answers_fails_the_command_after_the_connect_timeout(self):
        # A listener whose connections the kernel accepts and nobody reads: libpq's
        # own default would wait for the startup reply for ever.
        import socket
        with socket.socket() as silent:
            silent.bind(("127.0.0.1", 0))
            silent.listen(8)
            port = silent.getsockname()[1]
            env = {k: v for k, v in self.env.items() if k != "PGCONNECT_TIMEOUT"}
            t0 = time.monotonic()
            r = self.run_allot("--db", f"postgresql://127.0.0.1:{port}/x", "events",
                               db=False, env=env, timeout=60)
            waited = time.monotonic() - t0
            self.assertEqual(r.rc, 3, r)
            self.assertIn(f"port {port}", r.err)
            self.assertIn("timeout", r.err)
            self.assertGreaterEqual(waited, 9, "the default is 10 s")
            r = self.run_allot("--db", f"postgresql://127.0.0.1:{port}/x?connect_timeout=2", "events",
                               db=False, env=env, timeout=60)
            self.assertEqual(r.rc, 3, r)
            self.assertIn("timeout", r.err)

    def test_a_server_killed_during_an_import_fails_it_cleanly(self):
        pg = new_database()
        random_store_files(self.dir, 60000, seed=3)
        self.ok("--db", pg, "import", "batches", self.path("batches.csv"), db=False)
        before = {w: self.ok("--db", pg, "export", w, db=False).out for w in ("allocations", "backorders")}
        events = self.ok("--db", pg, "events", "--json", db=False).out
        p = subprocess.Popen([ALLOT, "--db", pg, "import", "orders", self.path("orders.csv")],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=self.env)
        time.sleep(1.0)
        self.assertIsNone(p.poll(), "the import ended before the server was stopped")
        stop_server()
        try:
            out, err = p.communicate(timeout=120)
        finally:
            start_server()
        self.assertEqual(p.returncode, 3, err)
        self.assertIn("PostgreSQL", err)
        self.assertNotIn("Sanitizer", err)
        # allot's own messages only: no server notice printed raw
        self.assertNotRegex(err, r"(?m)^(WARNING|FATAL|ERROR|NOTICE):", err)
        # nothing of it was written
        for w in before:
            self.assertEqual(self.ok("--db", pg, "export", w, db=False).out, before[w])
        self.assertEqual(self.ok("--db", pg, "events", "--json", db=False).out, events)
        # and the store works again
        self.ok("--db", pg, "import", "orders", self.path("orders.csv"), db=False, timeout=600)

    def test_events_follow_goes_on_after_a_restart_with_no_gap_and_no_repeat(self):
        pg = new_database()
        self.ok("--db", pg, "add-batch", "B1", "LAMP", "1000", db=False)
        f = subprocess.Popen([ALLOT, "--db", pg, "events", "--follow", "--json"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=self.env)
        got = []
        reader = threading.Thread(target=lambda: got.extend(iter(f.stdout.readline, "")), daemon=True)
        reader.start()
        try:
            for i in range(5):
                self.ok("--db", pg, "allocate", f"a{i}", "LAMP", "1", db=False)
            stop_server()
            time.sleep(1.5)
            start_server()
            for i in range(5):
                self.ok("--db", pg, "allocate", f"b{i}", "LAMP", "1", db=False)
            want = self.ok("--db", pg, "events", "--json", db=False).out.splitlines()
            deadline = time.monotonic() + 30
            while len(got) < len(want) and time.monotonic() < deadline:
                time.sleep(0.1)
        finally:
            f.terminate()
            f.wait(timeout=10)
            reader.join(timeout=10)
            err = f.stderr.read()
            f.stdout.close()
            f.stderr.close()
        self.assertEqual([l.rstrip("\n") for l in got], want)
        self.assertIn("reconnecting", err)
        self.assertNotRegex(err, r"(?m)^(WARNING|FATAL|ERROR|NOTICE):", err)


if __name__ == "__main__":
    if not PG_DIR:
        print("SKIPPED: run through tests/support/pg_cluster.sh (no throwaway PostgreSQL cluster)")
        sys.exit(77)
    sys.argv[1:] = sys.argv[2:]
    unittest.main(verbosity=2)
