"""End-to-end tests of what allot must never do to the store (SPEC.md §4, issue 15):
write over its database (or its -wal, -shm, or any SQLite file) unless --force;
replace a symbolic link instead of writing through it; blame the wrong file; fail to
read on a full disk, or say anything but "disk full" naming the database when a
write fails for space; end on a signal with any status but 128+N.

Usage: test_safety.py ALLOT_BINARY [unittest options]
"""

import os
import shutil
import signal
import subprocess
import tempfile
import time

from e2e_util import ALLOT, AllotCase, main

SETUP = "add-batch B1 LAMP 10\nadd-batch B2 LAMP 10 2027-01-05\nallocate o1 LAMP 4\nallocate o2 LAMP 9\n"


class ExportNeverOverwritesTheStore(AllotCase):
    def setUp(self):
        super().setUp()
        self.ok("exec", "-", stdin=SETUP)
        self.before = self.snapshot()
        with open(self.db, "rb") as f:
            self.db_bytes = f.read()

    def refused(self, target, reason):
        r = self.run_allot("export", "batches", target)
        self.assertEqual(r.rc, 1, r)
        self.assertEqual(r.out, "")
        self.assertIn(f"allot: {target} is {reason}", r.err)
        self.assertIn("nothing was written (--force writes over it)", r.err)
        self.assertEqual(self.snapshot(), self.before)
        with open(self.db, "rb") as f:
            self.assertEqual(f.read(), self.db_bytes)

    def test_the_database_itself_is_refused_in_three_spellings(self):
        self.refused(self.db, f"the database {self.db}")
        self.refused("./allot.db", f"the database {self.db}")
        os.symlink("allot.db", self.path("link.csv"))
        self.refused("link.csv", f"the database {self.db} (through a symbolic link)")
        self.assertTrue(os.path.islink(self.path("link.csv")))

    def test_the_database_given_relatively_is_refused_by_its_absolute_name(self):
        r = self.run_allot("--db", "allot.db", "export", "batches", self.db, db=False)
        self.assertEqual(r.rc, 1, r)
        self.assertIn("is the database allot.db", r.err)
        self.assertEqual(self.snapshot(), self.before)

    def test_its_wal_and_shm_are_refused_whether_they_exist_or_not(self):
        for suffix, what in (("-wal", "the write-ahead log"), ("-shm", "the shared-memory index")):
            for present in (False, True):
                if present:
                    open(self.db + suffix, "ab").close()
                elif os.path.exists(self.db + suffix):
                    os.unlink(self.db + suffix)
                self.refused(self.db + suffix, f"{what} of the database {self.db}")
                if os.path.exists(self.db + suffix):
                    with open(self.db + suffix, "rb") as f:
                        self.assertFalse(f.read().startswith(b"ref,"))

    def refused_through(self, db, target, reason):
        """`export batches TARGET` with --db DB (as given) is refused naming TARGET."""
        r = self.run_allot("--db", db, "export", "batches", target, db=False)
        self.assertEqual(r.rc, 1, r)
        self.assertEqual(r.out, "")
        self.assertIn(f"allot: {target} is {reason} {db}", r.err)
        self.assertIn("nothing was written (--force writes over it)", r.err)
        if os.path.exists(self.path(target)):
            with open(self.path(target), "rb") as f:
                self.assertFalse(f.read().startswith(b"ref,"))
        self.assertEqual(self.snapshot(), self.before)

    def test_the_wal_and_shm_named_after_a_linked_database_are_refused(self):
        # SQLite names them after the file the --db link leads to, not after the link
        os.symlink("allot.db", self.path("link.db"))
        for suffix, what in (("-wal", "the write-ahead log"), ("-shm", "the shared-memory index"),
                             ("-journal", "the rollback journal")):
            for present in (False, True):
                if present:
                    open(self.db + suffix, "ab").close()
                elif os.path.exists(self.db + suffix):
                    os.unlink(self.db + suffix)
                self.refused_through("link.db", "allot.db" + suffix, f"{what} of the database")
                self.refused_through("link.db", self.db + suffix, f"{what} of the database")

    def test_the_wal_of_a_database_in_a_linked_folder_is_refused(self):
        os.mkdir(self.path("real"))
        os.symlink("real", self.path("folder"))
        os.rename(self.db, self.path("real/allot.db"))
        self.db = self.path("real/allot.db")
        os.symlink("folder/allot.db", self.path("link.db"))  # a link into the linked folder
        for db in ("folder/allot.db", "link.db", "./folder/../link.db"):
            for present in (False, True):
                if present:
                    open(self.path("real/allot.db-wal"), "ab").close()
                elif os.path.exists(self.path("real/allot.db-wal")):
                    os.unlink(self.path("real/allot.db-wal"))
                self.refused_through(db, "real/allot.db-wal", "the write-ahead log of the database")
                self.refused_through(db, self.path("real/allot.db-wal"),
                                     "the write-ahead log of the database")

    def test_a_live_wal_is_kept_while_a_reader_holds_it(self):
        # an open reader keeps the WAL with its committed frames; the export must not
        # write over it through a linked --db (the data of the frames would be lost)
        os.symlink("allot.db", self.path("link.db"))
        p = subprocess.Popen([ALLOT, "--db", self.db, "events", "--follow"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=self.env,
                             cwd=self.dir)
        try:
            self.assertTrue(p.stdout.readline())
            self.ok("add-batch", "B3", "LAMP", "20")
            self.ok("allocate", "o3", "LAMP", "5")
            self.before = self.snapshot()
            self.assertTrue(os.path.exists(self.db + "-wal"))
            for suffix in ("-wal", "-shm"):
                self.refused_through("link.db", "allot.db" + suffix,
                                     "the write-ahead log of the database" if suffix == "-wal"
                                     else "the shared-memory index of the database")
        finally:
            p.terminate()
            p.communicate(timeout=30)
        self.assertEqual(self.snapshot(), self.before)
        self.assertIn("B3", [row[0] for row in self.export("batches")])

    def test_another_sqlite_file_is_refused(self):
        other = self.path("other.db")
        self.ok("--db", other, "add-batch", "X", "LAMP", "1", db=False)
        with open(other, "rb") as f:
            other_bytes = f.read()
        self.refused(other, "an SQLite database")
        with open(other, "rb") as f:
            self.assertEqual(f.read(), other_bytes)

    def test_force_writes_over_it(self):
        other = self.path("other.db")
        shutil.copy(self.db, other)
        self.ok("export", "batches", other, "--force")
        with open(other) as f:
            self.assertEqual(f.readline(), "ref,sku,qty,eta,created\n")


class ExportNeverOverwritesAnotherStoresFiles(AllotCase):
    """The -wal, -shm and -journal of any SQLite database are refused whatever the --db,
    as are files that start with a write-ahead log's or a rollback journal's header."""

    def setUp(self):
        super().setUp()
        self.ok("exec", "-", stdin=SETUP)
        self.before = self.snapshot()

    def follow(self, db):
        """A follower on DB: it keeps DB's -wal and -shm alive with their frames."""
        p = subprocess.Popen([ALLOT, "--db", db, "events", "--follow"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=self.env, cwd=self.dir)
        self.assertTrue(p.stdout.readline())

        def stop():
            p.terminate()
            p.communicate(timeout=30)
        self.addCleanup(stop)
        return stop

    def refused(self, db, target, reason):
        r = self.run_allot("--db", db, "export", "batches", target, db=False)
        self.assertEqual(r.rc, 1, r)
        self.assertEqual(r.out, "")
        self.assertEqual(r.err, f"allot: {target} is {reason}: nothing was written "
                                "(--force writes over it)\n")
        return r

    def assert_not_a_csv(self, name):
        if os.path.exists(self.path(name)):
            with open(self.path(name), "rb") as f:
                self.assertFalse(f.read().startswith(b"ref,"), name)

    def test_the_wal_and_shm_of_another_store_are_refused_while_a_follower_holds_them(self):
        self.ok("--db", "a.db", "add-batch", "A1", "LAMP", "1", db=False)
        self.ok("--db", "b.db", "add-batch", "B1", "LAMP", "10", db=False)
        stop = self.follow("b.db")
        for i in range(2, 6):
            self.ok("--db", "b.db", "add-batch", f"B{i}", "LAMP", "10", db=False)
        self.assertTrue(os.path.getsize(self.path("b.db-wal")) > 0)
        self.refused("a.db", "b.db-wal", "the write-ahead log of the database b.db")
        self.refused("a.db", "b.db-shm", "the shared-memory index of the database b.db")
        self.refused("a.db", self.path("b.db-wal"),
                     f"the write-ahead log of the database {self.path('b.db')}")
        os.symlink("b.db-wal", self.path("out.csv"))
        self.refused("a.db", "out.csv",
                     "the write-ahead log of the database b.db (through a symbolic link)")
        for name in ("b.db-wal", "b.db-shm"):
            self.assert_not_a_csv(name)
        stop()
        rows = self.ok("--db", "b.db", "export", "batches", db=False).out.splitlines()
        self.assertEqual([r.split(",")[0] for r in rows[1:]], ["B1", "B2", "B3", "B4", "B5"])

    def test_the_wal_of_a_store_opened_through_a_hard_link_is_refused(self):
        os.link(self.db, self.path("hard.db"))
        stop = self.follow(self.db)
        self.ok("add-batch", "B3", "LAMP", "20")
        self.ok("allocate", "o3", "LAMP", "5")
        self.before = self.snapshot()
        self.refused("hard.db", "allot.db-wal", "the write-ahead log of the database allot.db")
        self.refused("hard.db", "allot.db-shm", "the shared-memory index of the database allot.db")
        self.assert_not_a_csv("allot.db-wal")
        stop()
        self.assertEqual(self.snapshot(), self.before)
        self.assertIn("B3", [row[0] for row in self.export("batches")])

    def test_a_journal_that_does_not_exist_yet_is_refused(self):
        self.ok("--db", "other.db", "add-batch", "X", "LAMP", "1", db=False)
        self.refused("other.db", "allot.db-journal", "the rollback journal of the database allot.db")
        os.symlink("allot.db-journal", self.path("j.csv"))  # a dangling link to it
        self.refused("other.db", "j.csv",
                     "the rollback journal of the database allot.db (through a symbolic link)")
        self.assertFalse(os.path.exists(self.path("allot.db-journal")))
        self.assertEqual(self.snapshot(), self.before)
        self.ok("add-batch", "B9", "LAMP", "1")  # and the store still takes writes

    def test_the_csv_folder_does_not_write_a_journal_through_a_dangling_link(self):
        os.mkdir(self.path("folder"))
        self.write("folder/batches.csv", "ref,sku,qty,eta\nb1,s1,100,\n")
        self.write("folder/orders.csv", "orderid,sku,qty\no1,s1,3\n")
        os.symlink("../allot.db-journal", self.path("folder/allocations.csv"))
        r = self.run_allot("csv", "folder", db=False)
        self.assertEqual(r.rc, 1, r)
        self.assertEqual(r.err, "allot: folder/allocations.csv is the rollback journal of the "
                                "database folder/../allot.db (through a symbolic link) "
                                "(nothing written)\n")
        self.assertFalse(os.path.exists(self.path("allot.db-journal")))
        self.assertTrue(os.path.islink(self.path("folder/allocations.csv")))
        self.assertEqual(self.snapshot(), self.before)
        self.ok("add-batch", "B9", "LAMP", "1")

    def test_a_file_with_a_write_ahead_log_header_is_refused(self):
        self.follow(self.db)
        self.ok("add-batch", "B3", "LAMP", "20")
        shutil.copy(self.db + "-wal", self.path("saved.log"))  # a real WAL, another name
        with open(self.path("saved.log"), "rb") as f:
            wal = f.read()
        self.assertIn(wal[:4], (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83"))
        self.refused(self.db, "saved.log", "the write-ahead log of an SQLite database")
        for magic in (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83"):
            self.write("w.bin", magic + bytes(28), mode="wb")
            self.refused(self.db, "w.bin", "the write-ahead log of an SQLite database")
        with open(self.path("saved.log"), "rb") as f:
            self.assertEqual(f.read(), wal)
        self.ok("export", "batches", "w.bin", "--force")
        with open(self.path("w.bin")) as f:
            self.assertEqual(f.readline(), "ref,sku,qty,eta,created\n")

    def test_a_file_with_a_rollback_journal_header_is_refused(self):
        import sqlite3
        # a real rollback journal, caught while its transaction is open
        con = sqlite3.connect(self.path("r.db"), isolation_level=None)
        con.execute("PRAGMA synchronous=OFF")  # the journal's header is written at once
        con.execute("CREATE TABLE t(x)")
        con.execute("BEGIN")
        con.execute("INSERT INTO t VALUES (1)")
        shutil.copy(self.path("r.db-journal"), self.path("saved.bak"))
        con.execute("ROLLBACK")
        con.close()
        with open(self.path("saved.bak"), "rb") as f:
            journal = f.read()
        self.assertEqual(journal[:8], bytes.fromhex("d9d505f920a163d7"))
        self.refused(self.db, "saved.bak", "the rollback journal of an SQLite database")
        os.symlink("saved.bak", self.path("to.csv"))
        self.refused(self.db, "to.csv",
                     "the rollback journal of an SQLite database (through a symbolic link)")
        with open(self.path("saved.bak"), "rb") as f:
            self.assertEqual(f.read(), journal)
        # a file that only looks a little like one is written
        self.write("near.bin", bytes.fromhex("d9d505f920a163") + b"x", mode="wb")
        self.ok("export", "batches", "near.bin")

    def test_force_writes_over_another_stores_wal(self):
        self.ok("--db", "b.db", "add-batch", "B1", "LAMP", "10", db=False)
        self.ok("export", "batches", "b.db-wal", "--force")
        with open(self.path("b.db-wal")) as f:
            self.assertEqual(f.readline(), "ref,sku,qty,eta,created\n")


class ExportFiles(AllotCase):
    def setUp(self):
        super().setUp()
        self.ok("exec", "-", stdin=SETUP)

    def test_an_export_writes_through_a_symbolic_link_to_its_file(self):
        os.mkdir(self.path("real"))
        self.write("real/batches.csv", "old\n")
        os.chmod(self.path("real/batches.csv"), 0o600)
        os.symlink("real/batches.csv", self.path("link.csv"))
        self.ok("export", "batches", "link.csv")
        self.assertTrue(os.path.islink(self.path("link.csv")))
        with open(self.path("real/batches.csv")) as f:
            self.assertEqual(f.read().splitlines()[0], "ref,sku,qty,eta,created")
        self.assertEqual(os.stat(self.path("real/batches.csv")).st_mode & 0o777, 0o600)
        self.assertEqual(sorted(os.listdir(self.path("real"))), ["batches.csv"])
        # a link to a file that does not exist yet creates that file
        os.symlink("real/new.csv", self.path("dangling.csv"))
        self.ok("export", "allocations", "dangling.csv")
        self.assertTrue(os.path.islink(self.path("dangling.csv")))
        self.assertTrue(os.path.isfile(self.path("real/new.csv")))

    def test_a_fifo_a_device_and_dev_stdout_are_written_to_never_replaced(self):
        import stat
        import threading
        expected = self.ok("export", "batches").out
        fifo = self.path("fifo")
        os.mkfifo(fifo)
        got = []
        reader = threading.Thread(target=lambda: got.append(open(fifo).read()), daemon=True)
        reader.start()
        self.ok("export", "batches", "fifo")
        reader.join(30)
        self.assertEqual(got, [expected])
        self.assertTrue(stat.S_ISFIFO(os.stat(fifo).st_mode))
        # /dev/stdout leads to the pipe the output goes to
        r = self.ok("export", "batches", "/dev/stdout")
        self.assertEqual(r.out, expected)
        if os.geteuid() != 0:
            return  # device nodes of our own (never the system's) need root
        # a null device through a link stays a device
        os.mknod(self.path("null"), 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        os.symlink("null", self.path("to-null"))
        self.ok("export", "batches", "to-null")
        self.assertTrue(stat.S_ISCHR(os.stat(self.path("null")).st_mode))
        # a device that refuses the data: the command fails, the device stays
        os.mknod(self.path("full"), 0o666 | stat.S_IFCHR, os.makedev(1, 7))
        r = self.run_allot("export", "batches", "full")
        self.assertEqual(r.rc, 3, r)
        self.assertIn("full: cannot write: No space left on device", r.err)
        self.assertTrue(stat.S_ISCHR(os.stat(self.path("full")).st_mode))

    def test_a_missing_folder_is_named_as_the_user_wrote_it(self):
        r = self.run_allot("export", "batches", "nowhere/b.csv")
        self.assertEqual(r.rc, 3, r)
        self.assertEqual(r.err, "allot: nowhere/b.csv: cannot write: No such file or directory\n")

    def test_a_file_whose_folder_takes_no_new_file_is_named_with_that_folder(self):
        # /proc/version exists; what fails is the new file beside it, in /proc
        r = self.run_allot("export", "batches", "/proc/version")
        self.assertEqual(r.rc, 3, r)
        # (the system's reason after the colon: ENOENT as root, EACCES otherwise)
        self.assertTrue(r.err.startswith("allot: /proc/version: cannot write: the new file that "
                                         "replaces it cannot be created in /proc: "), r)
        self.assertEqual(r.err.count("\n"), 1, r)
        os.symlink("/proc/version", self.path("v"))
        r = self.run_allot("export", "batches", "v")
        self.assertEqual(r.rc, 3, r)
        self.assertTrue(r.err.startswith("allot: v: cannot write: the new file that replaces it "
                                         "cannot be created in /proc: "), r)

    def test_a_folder_as_the_file_is_named_as_such(self):
        os.mkdir(self.path("d"))
        r = self.run_allot("export", "batches", "d")
        self.assertEqual(r.rc, 3, r)
        self.assertEqual(r.err, "allot: d: cannot write: it is a directory\n")

    def test_an_export_leaves_no_temporary_file(self):
        self.ok("export", "batches", "b.csv")
        self.assertEqual(sorted(n for n in os.listdir(self.dir) if n.startswith("b.csv")),
                         ["b.csv"])


def _mount_tmpfs(case, size):
    if os.geteuid() != 0:
        case.skipTest("mounting a tmpfs needs root")
    mnt = tempfile.mkdtemp(prefix="allot-full-")
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", mnt],
                       capture_output=True, text=True)
    if p.returncode != 0:
        os.rmdir(mnt)
        case.skipTest(f"cannot mount a tmpfs: {p.stderr.strip()}")
    case.addCleanup(os.rmdir, mnt)
    case.addCleanup(subprocess.run, ["umount", "-l", mnt])
    return mnt


def _fill(folder, keep=0):
    """Fills the file system of `folder` to the last byte (or leaves about `keep`
    bytes): big writes, then single bytes until ENOSPC."""
    with open(os.path.join(folder, "fill"), "wb", buffering=0) as f:
        for chunk in (1 << 20, 4096, 1):
            while True:
                if keep and shutil.disk_usage(folder).free <= keep + chunk:
                    break
                try:
                    f.write(b"\0" * chunk)
                except OSError:
                    break
    if not keep:
        with open(os.path.join(folder, "fill2"), "wb", buffering=0) as f:
            try:
                while True:
                    f.write(b"\0")
            except OSError:
                pass
        assert shutil.disk_usage(folder).free == 0


class FullDisk(AllotCase):
    def test_reads_work_and_writes_say_disk_full_naming_the_database(self):
        mnt = _mount_tmpfs(self, "2m")
        db = os.path.join(mnt, "full.db")
        self.ok("--db", db, "exec", "-", stdin=SETUP, db=False)
        want = {k: self.ok("--db", db, "export", k, db=False).out
                for k in ("batches", "allocations", "backorders")}
        events = self.ok("--db", db, "events", "--json", db=False).out
        # a writer closes last (a no-op command): it takes its -wal and -shm away, so
        # that a reader on the full disk has to make its own
        self.ok("--db", db, "allocate", "o1", "LAMP", "4", db=False)
        self.assertEqual(sorted(os.listdir(mnt)), ["full.db"])
        _fill(mnt)
        for k in want:
            self.assertEqual(self.ok("--db", db, "export", k, db=False).out, want[k])
        self.assertEqual(self.ok("--db", db, "events", "--json", db=False).out, events)
        orders = self.write("o.csv", "orderid,sku,qty\no5,LAMP,1\n")  # not on the full disk
        for args in (["add-batch", "B3", "LAMP", "1"], ["allocate", "o9", "LAMP", "1"],
                     ["import", "orders", orders]):
            r = self.run_allot("--db", db, *args, db=False)
            self.assertEqual(r.rc, 3, r)
            self.assertIn(f"allot: database {db}: disk full", r.err)
            self.assertNotIn(f"{orders}:", r.err.splitlines()[0])
        r = self.run_allot("--db", db, "export", "batches", os.path.join(mnt, "b.csv"), db=False)
        self.assertEqual(r.rc, 3)
        self.assertIn(os.path.join(mnt, "b.csv") + ": cannot write: No space left on device", r.err)
        self.assertFalse([n for n in os.listdir(mnt) if n.startswith("b.csv")])
        os.unlink(os.path.join(mnt, "fill"))
        for k in want:
            self.assertEqual(self.ok("--db", db, "export", k, db=False).out, want[k])

    def test_an_import_that_runs_out_of_space_says_so_and_changes_nothing(self):
        mnt = _mount_tmpfs(self, "4m")
        db = os.path.join(mnt, "full.db")
        self.ok("--db", db, "add-batch", "B1", "LAMP", "1000000", db=False)
        before = self.ok("--db", db, "export", "batches", db=False).out
        orders = self.write("o.csv", "orderid,sku,qty\n" +
                            "".join(f"order-{i:06d},LAMP,1\n" for i in range(40000)))
        _fill(mnt, keep=256 * 1024)
        r = self.run_allot("--db", db, "import", "orders", orders, db=False)
        self.assertEqual(r.rc, 3, r)
        self.assertEqual(r.err.splitlines()[0][:len(f"allot: database {db}: disk full")],
                         f"allot: database {db}: disk full")
        self.assertIn(f"allot: {orders}: not imported, nothing changed", r.err)
        os.unlink(os.path.join(mnt, "fill"))
        self.assertEqual(self.ok("--db", db, "export", "batches", db=False).out, before)
        self.assertEqual(self.ok("--db", db, "export", "allocations", db=False).out.splitlines()[1:],
                         [])


    def test_the_terminal_ui_opens_on_a_full_disk(self):
        if not shutil.which("tmux"):
            self.skipTest("tmux is not installed")
        if "opens the terminal UI" not in self.run_allot("--help", db=False).out:
            self.skipTest("built without the terminal UI")
        mnt = _mount_tmpfs(self, "2m")
        db = os.path.join(mnt, "full.db")
        self.ok("--db", db, "exec", "-", stdin=SETUP + "allocate o3 LAMP 20\n", db=False)
        _fill(mnt)
        sock = f"allot-full-{os.getpid()}"
        tmux = ["tmux", "-L", sock]
        self.addCleanup(subprocess.run, tmux + ["kill-server"], capture_output=True)
        env = {"PATH": os.environ["PATH"], "HOME": self.dir, "TERM": "screen",
               "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "ASAN_OPTIONS": "detect_leaks=0"}
        cmd = " ".join(f"{k}={v}" for k, v in env.items())
        subprocess.run(tmux + ["-f", "/dev/null", "new-session", "-d", "-s", "full", "-x", "100",
                               "-y", "30", f"env -i {cmd} {ALLOT} --db {db}; echo EXIT=$?; sleep 30"],
                       check=True)
        screen = ""
        for _ in range(200):
            screen = subprocess.run(tmux + ["capture-pane", "-p", "-t", "full"],
                                    capture_output=True, text=True).stdout
            if "o3" in screen or "EXIT=" in screen:
                break
            time.sleep(0.05)
        self.assertIn("o3", screen, screen)  # the backorder, on the first screen
        self.assertNotIn("EXIT=", screen)


class Signals(AllotCase):
    def follow(self, sig):
        p = subprocess.Popen([ALLOT, "--db", self.db, "events", "--follow"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=self.env, cwd=self.dir)
        self.assertTrue(p.stdout.readline())  # it runs
        p.send_signal(sig)
        out, err = p.communicate(timeout=30)
        self.assertNotIn(b"Sanitizer", err)
        return p.returncode

    def test_a_command_ended_by_a_signal_exits_128_plus_its_number(self):
        self.ok("add-batch", "B1", "LAMP", "1")
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            self.assertEqual(self.follow(sig), 128 + sig, sig)

    def test_an_interrupted_import_changes_nothing(self):
        self.ok("add-batch", "B1", "LAMP", "100000000")
        before = self.snapshot()
        self.write("o.csv", "orderid,sku,qty\n" + "".join(f"o{i},LAMP,1\n" for i in range(300000)))
        p = subprocess.Popen([ALLOT, "--db", self.db, "import", "orders", "o.csv"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=self.env,
                             cwd=self.dir)
        time.sleep(1.0)
        p.send_signal(signal.SIGINT)
        p.communicate(timeout=120)
        if p.returncode == 0:
            self.skipTest("the import ended before the signal")
        self.assertEqual(p.returncode, 128 + signal.SIGINT)
        self.assertEqual(self.snapshot(), before)


if __name__ == "__main__":
    main()
