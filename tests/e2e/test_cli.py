"""End-to-end tests of the allot command line (SPEC.md §4): every subcommand, the
exit statuses, the error format, events, --follow, the OutOfStock hook, demo.

Usage: test_cli.py ALLOT_BINARY [unittest options]
"""

import json
import os
import re
import shutil
import subprocess
import time

from e2e_util import ALLOT, AllotCase, Result, main


class Commands(AllotCase):
    def test_help_lists_every_command_of_the_table_and_demo_at_line_start(self):
        r = self.ok("--help", db=False)
        for name in ("add-batch", "allocate", "cancel", "change-qty", "set-eta", "import",
                     "export", "exec", "events", "whatif", "csv", "demo", "why", "undo", "atp", "promise",
                     "help"):
            self.assertRegex(r.out, rf"(?m)^ *{name}\b")
        self.assertEqual(self.ok("help", db=False).out, r.out)

    def test_help_summaries_line_up_and_a_long_usage_does_not_push_them_out(self):
        lines = self.ok("help", db=False).out.splitlines()
        rows = lines[lines.index("commands:") + 1:]
        rows = rows[:rows.index("")]
        # every summary starts at the same column, however long the longest usage
        starts = set()
        for r in rows:
            m = re.match(r"^  (?:\S.*?\S)?\s{2,}(\S)", r)
            if m:
                starts.add(m.start(1))
        self.assertEqual(len(starts), 1, rows)
        self.assertLessEqual(starts.pop(), 50)
        serve = next(i for i, r in enumerate(rows) if r.startswith("  serve "))
        self.assertNotIn("serve the HTTP API", rows[serve])
        self.assertIn("serve the HTTP API", rows[serve + 1])

    def test_help_command_explains_one_command_with_its_usage(self):
        r = self.ok("help", "allocate")
        self.assertIn("usage: allot allocate ORDERID SKU QTY", r.out)
        self.assertIn("backordered", r.out)
        r = self.run_allot("help", "nope")
        self.assertEqual(r.rc, 2)

    def test_version_prints_the_version(self):
        self.assertRegex(self.ok("--version", db=False).out, r"^allot \d+\.\d+\.\d+\n$")

    def test_allocate_prints_the_batch_or_backordered(self):
        self.ok("add-batch", "B1", "LAMP", "10")
        self.ok("add-batch", "B2", "LAMP", "10", "2027-01-05")
        self.assertEqual(self.ok("allocate", "o1", "LAMP", "8").out, "B1\n")
        self.assertEqual(self.ok("allocate", "o2", "LAMP", "8").out, "B2\n")
        self.assertEqual(self.ok("allocate", "o3", "LAMP", "8").out, "backordered\n")

    def test_cancel_change_qty_and_set_eta_change_the_state(self):
        self.ok("add-batch", "B1", "LAMP", "10")
        self.ok("add-batch", "B2", "LAMP", "10", "2027-01-05")
        self.ok("allocate", "o1", "LAMP", "4")
        self.ok("allocate", "o2", "LAMP", "5")
        self.ok("change-qty", "B1", "4")  # o2 (newest) moves to B2
        self.assertEqual(self.export("allocations")[1:],
                         [["o1", "LAMP", "4", "B1"], ["o2", "LAMP", "5", "B2"]])
        self.ok("set-eta", "B2", "-")
        self.ok("set-eta", "B2", "2027-02-01")
        self.ok("cancel", "o1", "LAMP")
        self.assertEqual(self.export("allocations")[1:], [["o2", "LAMP", "5", "B2"]])
        self.assertEqual(self.export("batches")[1:],
                         [["B1", "LAMP", "4", ""], ["B2", "LAMP", "10", "2027-02-01"]])

    def test_stock_commands_print_the_lines_they_moved_unless_quiet(self):
        self.ok("exec", "-", stdin="add-batch B1 LAMP 10\nadd-batch B2 LAMP 10 2027-01-05\n"
                                   "allocate o1 LAMP 4\nallocate o2 LAMP 5\nallocate o3 LAMP 8\n")
        # o2, the newest on B1, comes off; B2 holds o3 and has 2 free: o2 waits
        self.assertEqual(self.ok("change-qty", "B1", "4").out, "o2 LAMP ×5 B1 → backorder\n")
        self.assertEqual(self.ok("add-batch", "B3", "LAMP", "10", "2027-02-01").out,
                         "o2 LAMP ×5 backorder → B3\n")
        # o3 (B2) may only move to a batch that comes before B2 and has room: none yet
        self.assertEqual(self.ok("set-eta", "B2", "2027-03-01").out, "")
        self.assertEqual(self.ok("change-qty", "B3", "13").out, "")
        self.assertEqual(self.ok("set-eta", "B2", "2027-04-01").out, "o3 LAMP ×8 B2 → B3\n")
        self.assertEqual(self.ok("cancel", "o2", "LAMP").out, "")
        # B3 holds o3 (8); o5 (4) and o6 (1) come after it.  To 9: o6 then o5 come
        # off; o5 goes to B2, o6 fits back on B3: it did not move.
        self.ok("allocate", "o5", "LAMP", "4")
        self.ok("allocate", "o6", "LAMP", "1")
        self.assertEqual(self.ok("change-qty", "B3", "9").out, "o5 LAMP ×4 B3 → B2\n")
        before = self.snapshot()
        for args in (["change-qty", "B1", "0", "--quiet"], ["add-batch", "B4", "LAMP", "9", "--quiet"],
                     ["set-eta", "B4", "2027-01-01", "--quiet"], ["cancel", "o5", "LAMP", "--quiet"],
                     ["allocate", "o9", "LAMP", "1", "--quiet"]):
            r = self.ok(*args)
            self.assertEqual(r.out, "", args)
        self.assertNotEqual(self.snapshot(), before)

    def test_a_domain_refusal_exits_1_with_allot_message_and_changes_nothing(self):
        self.ok("add-batch", "B1", "LAMP", "10")
        before = self.snapshot()
        r = self.run_allot("allocate", "o1", "DESK", "1")
        self.assertEqual((r.rc, r.out, r.err), (1, "", "allot: invalid sku DESK\n"))
        r = self.run_allot("add-batch", "B1", "DESK", "1")
        self.assertEqual(r.rc, 1)
        self.assertRegex(r.err, r"^allot: duplicate batch reference B1")
        r = self.run_allot("change-qty", "B9", "1")
        self.assertEqual(r.rc, 1)
        self.assertEqual(self.snapshot(), before)

    def test_a_validation_error_exits_1_naming_the_argument(self):
        r = self.run_allot("allocate", "o1", "LAMP", "12x")
        self.assertEqual((r.rc, r.err), (1, 'allot: allocate: qty "12x" is not a whole number\n'))
        r = self.run_allot("set-eta", "B1", "2027-02-30")
        self.assertEqual(r.rc, 1)
        self.assertIn('eta "2027-02-30" is not a calendar date', r.err)

    def test_usage_errors_exit_2(self):
        for args in (["allocate", "o1", "LAMP"], ["frobnicate"], ["--frob"], ["import", "x", "f"],
                     ["events", "--since"], ["export"], ["--db"]):
            r = self.run_allot(*args, db=args != ["--db"])
            self.assertEqual(r.rc, 2, (args, r))
            self.assertTrue(r.err.startswith("allot: "), r.err)

    def test_whatif_prints_what_would_change_and_leaves_the_data_alone(self):
        # (issue 6; the thorough checks are in tests/whatif/whatif_cli.py)
        self.write("w.txt", "allocate o1 LAMP 1\n")
        r = self.run_allot("whatif", "w.txt")
        self.assertEqual(r.rc, 1)
        self.assertIn("w.txt:1: error: invalid sku LAMP", r.err)
        self.assertIn("Nothing would change", r.out)

    def test_a_dry_run_that_moves_no_line_keeps_one_blank_line_between_sections(self):
        self.ok("add-batch", "B1", "LAMP", "10")
        self.ok("allocate", "o1", "LAMP", "2")
        self.write("b.csv", "ref,sku,qty,eta\nB1,LAMP,12,\n")
        r = self.ok("import", "batches", "b.csv", "--dry-run")
        self.assertEqual(r.out, "import --dry-run b.csv: 1 row read, 0 created, 1 changed, "
                                "0 unchanged, 0 refused; nothing was changed.\n"
                                "\n"
                                "New backorders (0).\n"
                                "\n"
                                "Filled backorders (0).\n"
                                "\n"
                                "Batches that would change (1):\n"
                                "  B1 LAMP: qty 10 → 12\n"
                                "\n"
                                "Events that would be raised (1):\n"
                                "  BatchQuantityChanged B1 LAMP 10 → 12\n")
        r = self.ok("undo", "--dry-run")
        self.assertIn("untouched.\n\nOrder lines that would change (1):\n", r.out)
        self.assertIn(".\n\nFilled backorders (0).\n\nBatches", r.out)
        self.assertNotIn("\n\n\n", r.out)

    def test_whatif_counts_one_line_in_the_singular(self):
        self.ok("exec", "-", stdin="add-batch B1 LAMP 10\nadd-batch B2 LAMP 10 2027-01-05\n"
                                   "allocate o1 LAMP 4\nallocate o2 LAMP 4\nallocate o3 LAMP 1\n")
        self.write("w.txt", "change-qty B1 5\n")  # o2 moves to B2 (o3 comes back to B1)
        r = self.ok("whatif", "w.txt")
        self.assertIn("  B1 LAMP: qty 10 → 5; 1 line leaves\n", r.out)
        self.assertIn("  B2 LAMP: 1 line arrives\n", r.out)
        self.write("w.txt", "change-qty B1 0\n")
        r = self.ok("whatif", "w.txt")
        self.assertIn("  B1 LAMP: qty 10 → 0; 3 lines leave\n", r.out)
        self.assertIn("  B2 LAMP: 3 lines arrive\n", r.out)

    def test_whatif_reports_the_lateness_change_per_line_and_per_order(self):
        import datetime
        day = lambda n: (datetime.datetime.now(datetime.timezone.utc).date()
                         + datetime.timedelta(days=n)).isoformat()
        self.ok("add-batch", "B1", "LAMP", "5")
        self.ok("add-batch", "B2", "LAMP", "5", day(20))
        self.ok("add-batch", "D1", "DESK", "5", day(4))
        self.ok("allocate", "o1", "LAMP", "3", day(10))
        self.ok("allocate", "o1", "DESK", "1", day(6))
        self.ok("allocate", "o2", "LAMP", "2")  # no need date: never late
        self.write("w.txt", "change-qty B1 2\n")
        r = self.ok("whatif", "w.txt")
        self.assertIn("Lateness that would change (1 line, 1 order):\n"
                      f"  o1 LAMP (need {day(10)}): on time → late 10 days\n"
                      f"  order o1: on time → late 10 days, complete {day(4)} → {day(20)}\n",
                      r.out)
        self.write("w.txt", "change-qty B2 0\nchange-qty B1 0\n")
        r = self.ok("whatif", "w.txt")
        self.assertIn(f"  o1 LAMP (need {day(10)}): on time → at risk\n", r.out)
        self.assertIn(f"  order o1: on time → at risk, complete {day(4)} → none\n", r.out)

    def test_whatif_aligns_its_table_by_display_width(self):
        import unicodedata

        def cols(t):
            return sum(0 if unicodedata.combining(c) else
                       2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in t)

        self.ok("exec", "-", stdin='add-batch B1 "Zoë sofa" 10\nadd-batch B2 "Zoë sofa" 10 2027-01-05\n'
                                   'add-batch 倉庫1 椅子 6\nadd-batch B3 椅子 9 2027-01-05\n'
                                   'allocate o2 "Zoë sofa" 5\nallocate 注文7 椅子 3\n'
                                   'allocate "q\u0308x" 椅子 3\n')
        self.write("w.txt", "change-qty B1 0\nchange-qty 倉庫1 0\n")
        out = self.ok("whatif", "w.txt").out.splitlines()
        head = out.index("Order lines that would change (3):") + 1
        header, rows = out[head], out[head + 1:head + 4]
        at = {name: cols(header[:header.index(name)]) for name in ("SKU", "BEFORE", "AFTER", "SLIP")}
        want = {"o2": ("Zoë sofa", "B1 in warehouse", "B2 2027-01-05"),
                # a combining mark with no composed form (ids are kept in NFC)
                "q\u0308x": ("椅子", "倉庫1 in warehouse", "B3 2027-01-05"),
                "注文7": ("椅子", "倉庫1 in warehouse", "B3 2027-01-05")}
        self.assertEqual(sorted(r.split()[0] for r in rows), sorted(want), rows)
        # From a batch in the warehouse (promised today, UTC) to one due 2027-01-05.
        import datetime
        slip = "+%d" % (datetime.date(2027, 1, 5) - datetime.datetime.now(datetime.timezone.utc).date()).days
        for row in rows:
            sku, before, after = want[row.split()[0]]
            for name, value in (("SKU", sku), ("BEFORE", before), ("AFTER", after), ("SLIP", slip)):
                self.assertEqual(cols(row[:row.index(value)]), at[name], (name, row, header))

    def test_a_storage_error_exits_3(self):
        os.makedirs(self.path("adir.db"))
        r = self.run_allot("--db", self.path("adir.db"), "add-batch", "B1", "LAMP", "1", db=False)
        self.assertEqual(r.rc, 3, r)
        self.assertTrue(r.err.startswith("allot: "))
        self.write("junk.db", "this is not a database, just text " * 100)
        r = self.run_allot("--db", self.path("junk.db"), "events", db=False)
        self.assertEqual(r.rc, 3, r)

    def test_the_database_comes_from_allot_db_then_xdg_data_home(self):
        env = dict(self.env, ALLOT_DB=self.path("env.db"))
        self.assertEqual(self.run_allot("add-batch", "B1", "LAMP", "1", db=False, env=env).rc, 0)
        self.assertTrue(os.path.exists(self.path("env.db")))
        self.assertEqual(self.run_allot("add-batch", "B2", "LAMP", "1", db=False).rc, 0)
        self.assertTrue(os.path.exists(self.path("data/allot/allot.db")))

    def test_allot_alone_without_a_terminal_summarises_or_says_it_needs_one(self):
        self.ok("add-batch", "B1", "LAMP", "10")
        self.ok("allocate", "o1", "LAMP", "12")
        r = self.run_allot()
        if r.rc == 2:
            # built with the terminal UI (issue 5): no terminal here, a clear message
            self.assertIn("the terminal UI needs a terminal", r.err)
            self.assertEqual(r.out, "")
        else:
            # built without it: a summary of the database
            self.assertEqual(r.rc, 0, r)
            self.assertIn("backorders: 1 lines, 12 units", r.out)


class ReadOnlyCommands(AllotCase):
    def test_export_and_events_of_a_missing_database_create_nothing_and_exit_3(self):
        db = self.path("nonexistent/dir/x.db")
        for args in (["export", "batches"], ["events"]):
            r = self.run_allot("--db", db, *args, db=False)
            self.assertEqual((r.rc, r.out), (3, ""))
            self.assertEqual(r.err, f"allot: no database at {db}\n")
        self.assertFalse(os.path.exists(self.path("nonexistent")))
        env = dict(self.env, HOME=self.path("nohome"))
        env.pop("XDG_DATA_HOME")
        r = self.run_allot("export", "batches", db=False, env=env)
        self.assertEqual(r.rc, 3)
        self.assertIn("allot: no database at " + self.path("nohome/.local/share/allot/allot.db"),
                      r.err)
        self.assertFalse(os.path.exists(self.path("nohome")))

    def test_a_dry_run_on_a_missing_database_creates_nothing_and_exits_3(self):
        db = self.path("new.db")
        self.write("o.csv", "orderid,sku,qty\no1,LAMP,1\n")
        for extra in ([], ["--csv"]):
            r = self.run_allot("--db", db, "import", "orders", self.path("o.csv"), "--dry-run",
                               *extra, db=False)
            self.assertEqual((r.rc, r.out), (3, ""), r)
            self.assertEqual(r.err, f"allot: no database at {db}: a dry run reads the store, it "
                                    "creates none (the import itself would create it)\n")
        self.assertFalse([n for n in os.listdir(self.path(".")) if n.startswith("new.db")])

    def test_writing_commands_still_create_the_database_and_its_folder(self):
        db = self.path("new/dir/x.db")
        self.ok("--db", db, "add-batch", "B1", "LAMP", "5", db=False)
        self.assertEqual(self.ok("--db", db, "export", "batches", db=False).out.splitlines()[1],
                         "B1,LAMP,5,,1")

    def test_a_directory_as_database_is_named_as_such(self):
        for args in (["export", "batches"], ["add-batch", "B1", "LAMP", "5"]):
            r = self.run_allot("--db", self.dir, *args, db=False)
            self.assertEqual(r.rc, 3)
            self.assertIn(f"{self.dir} is a directory", r.err)

    def _as_nobody(self):
        if os.geteuid() != 0 or not shutil.which("setpriv"):
            self.skipTest("needs root and setpriv to run as another user")
        return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", ALLOT]

    def test_a_read_only_database_in_a_read_only_folder_can_be_exported_by_another_user(self):
        pre = self._as_nobody()
        os.chmod(self.dir, 0o755)
        folder = self.path("ro")
        os.mkdir(folder)
        db = os.path.join(folder, "x.db")
        self.ok("--db", db, "add-batch", "B1", "LAMP", "5", db=False)
        self.ok("--db", db, "allocate", "o1", "LAMP", "2", db=False)
        self.assertEqual(sorted(os.listdir(folder)), ["x.db"])
        os.chmod(db, 0o444)
        os.chmod(folder, 0o555)
        run = lambda *a: Result(subprocess.run(pre + ["--db", db] + list(a), capture_output=True,
                                               text=True, env=self.env, cwd="/"))
        r = run("export", "allocations")
        self.assertEqual((r.rc, r.err), (0, ""), r.err)
        self.assertEqual(r.out.splitlines()[1:], ["o1,LAMP,2,B1,,1"])
        r = run("events")
        self.assertEqual((r.rc, r.err), (0, ""), r.err)
        self.assertEqual(len(r.out.splitlines()), 2)
        r = run("add-batch", "B2", "LAMP", "1")
        self.assertEqual(r.rc, 3)
        self.assertIn(db, r.err)
        new = os.path.join(folder, "new.db")
        r = run("--db", new, "add-batch", "B2", "LAMP", "1")
        self.assertEqual(r.rc, 3)
        self.assertIn(new, r.err)
        self.assertIn("Permission denied", r.err)
        self.assertEqual(sorted(os.listdir(folder)), ["x.db"])


class Exec(AllotCase):
    def test_exec_runs_every_line_reports_failures_with_file_and_line_and_exits_1(self):
        self.write("cmds.txt", "# set up\n\nadd-batch B1 LAMP 10\nallocate o1 LAMP 3\n"
                               "allocate o2 DESK 1\n  # indented comment\n"
                               "allocate \"order 3\" LAMP 2\nallocate o4 LAMP 0\n")
        r = self.run_allot("exec", "cmds.txt")
        self.assertEqual(r.rc, 1)
        self.assertEqual(r.err, "cmds.txt:5: error: invalid sku DESK\n"
                                "cmds.txt:8: error: allocate: qty \"0\" must be between 1 and "
                                "1000000000\n")
        self.assertEqual(self.export("allocations")[1:],
                         [["o1", "LAMP", "3", "B1"], ["order 3", "LAMP", "2", "B1"]])

    def test_exec_reads_standard_input_and_exits_0_when_all_succeed(self):
        r = self.run_allot("exec", "-", stdin="add-batch B1 LAMP 5\nallocate o1 LAMP 5\n")
        self.assertEqual((r.rc, r.err), (0, ""))
        self.assertEqual(self.export("allocations")[1:], [["o1", "LAMP", "5", "B1"]])

    def test_exec_refuses_tools_and_bad_quotes_line_by_line(self):
        r = self.run_allot("exec", "-", stdin="import batches x.csv\nallocate \"o1 LAMP 1\n"
                                              "add-batch B1 LAMP 1\n")
        self.assertEqual(r.rc, 1)
        self.assertIn("stdin:1: error: import cannot run inside exec", r.err)
        self.assertIn("stdin:2: error: unterminated quote", r.err)
        self.assertEqual(len(self.export("batches")), 2)

    def test_exec_skips_a_utf8_byte_order_mark_at_the_start_of_the_file(self):
        self.write("bom.txt", b"\xef\xbb\xbfadd-batch B1 LAMP 5\nallocate o3 LAMP 1\n", "wb")
        r = self.run_allot("exec", "bom.txt")
        self.assertEqual((r.rc, r.err), (0, ""))
        self.assertEqual(self.export("allocations")[1:], [["o3", "LAMP", "1", "B1"]])
        r = self.run_allot("exec", "-", stdin="\ufeffallocate o4 LAMP 1\n")
        self.assertEqual((r.rc, r.err), (0, ""))
        self.write("mid.txt", b"allocate o5 LAMP 1\n\xef\xbb\xbfallocate o6 LAMP 1\n", "wb")
        r = self.run_allot("exec", "mid.txt")
        self.assertEqual(r.rc, 1)
        self.assertIn("mid.txt:2: error: unknown command", r.err)

    def test_whatif_reads_its_file_as_exec_does_bom_line_ends_comments(self):
        # exec and whatif share one script runner: a byte order mark, LF, CRLF or
        # CR-only line ends (numbered right), comments and blank lines
        self.run_allot("add-batch", "B1", "LAMP", "5")
        for name, data in (("bom.txt", b"\xef\xbb\xbfallocate o1 LAMP 1\n"),
                           ("crlf.txt", b"# a comment\r\n\r\nallocate o1 LAMP 1\r\n"),
                           ("cr.txt", b"# a comment\rallocate o1 LAMP 1\r")):
            self.write(name, data, "wb")
            r = self.run_allot("whatif", name)
            self.assertEqual((r.rc, r.err), (0, ""), name)
            self.assertIn("1 command run in a sandbox, 0 refused", r.out, name)
        self.write("bad.txt", b"\xef\xbb\xbf# first\r\rfoo\rallocate o2 LAMP 1\rbar\r", "wb")
        for tool in ("whatif", "exec"):
            r = self.run_allot(tool, "bad.txt")
            self.assertEqual(r.rc, 1, tool)
            self.assertIn("bad.txt:3: error: unknown command", r.err, tool)
            self.assertIn("bad.txt:5: error: unknown command", r.err, tool)
        self.assertEqual(self.export("allocations")[1:], [["o2", "LAMP", "1", "B1"]])

    def test_control_characters_of_files_and_arguments_never_reach_stderr(self):
        self.write("evil.txt", "foo\x1b]0;pwned\x07 x\n")
        r = self.run_allot("exec", "evil.txt")
        self.assertEqual(r.err, 'evil.txt:1: error: unknown command "foo<U+001B>]0;pwned<U+0007>" '
                                "(try allot help)\n")
        self.write("b.csv", 'ref,sku,qty,eta\nB1,LAMP,"1\x1b[2J",\n')
        r = self.run_allot("import", "batches", "b.csv")
        self.assertEqual(r.rc, 1)
        self.assertIn('qty "1<U+001B>[2J"', r.err)
        r = self.run_allot("allocate", "o1", "LAMP", "2\x1b[31m" + "9" * 60)
        self.assertEqual(r.rc, 1)
        self.assertIn('qty "2<U+001B>[31m' + "9" * 34 + '…"', r.err)
        r = self.run_allot("\x1b[2Jnope")
        self.assertEqual(r.rc, 2)
        self.assertIn('unknown command "<U+001B>[2Jnope"', r.err)

    def test_identifiers_with_invisible_format_characters_are_refused(self):
        import unicodedata
        cf = [c for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf"]
        lines = [f'add-batch "B{chr(c)}1" LAMP 1' for c in cf] + ["add-batch B1 LAMP 1"]
        self.write("cf.txt", "\n".join(lines) + "\n")
        r = self.run_allot("exec", "cf.txt")
        self.assertEqual(r.rc, 1)
        err = r.err.splitlines()
        self.assertEqual(len(err), len(cf), r.err[:2000])
        for n, (c, e) in enumerate(zip(cf, err), 1):
            self.assertEqual(e, f"cf.txt:{n}: error: add-batch: ref contains an invisible format "
                                f"character U+{c:04X} (byte 2)")
        self.assertEqual([row[0] for row in self.export("batches")[1:]], ["B1"])
        for args in (["allocate", "o\u200b1", "LAMP", "1"], ["allocate", "o1", "LA\u202eMP", "1"]):
            r = self.run_allot(*args)
            self.assertEqual(r.rc, 1, r)
            self.assertIn("invisible format character", r.err)
        self.write("o.csv", "orderid,sku,qty\no\u2060" "1,LAMP,1\n")
        r = self.run_allot("import", "orders", "o.csv")
        self.assertIn("allot: o.csv:2: orderid contains an invisible format character U+2060", r.err)

    def test_identifiers_that_look_alike_are_one_id_or_refused(self):
        import unicodedata
        # "Rössle" typed decomposed (o + U+0308) is the SKU typed composed
        nfc = unicodedata.normalize("NFC", "Rössle Sauerkraut")
        nfd = unicodedata.normalize("NFD", nfc)
        self.assertNotEqual(nfc.encode(), nfd.encode())
        self.ok("add-batch", "R0", nfc, "0")
        self.ok("allocate", "o1", nfc, "5")
        self.assertEqual(self.export("backorders")[1:], [["o1", nfc, "5"]])
        self.write("b.csv", f"ref,sku,qty,eta\nR1,{nfd},10,\n")
        self.ok("import", "batches", "b.csv")
        self.assertEqual(self.export("batches")[1:], [["R0", nfc, "0", ""], ["R1", nfc, "10", ""]])
        self.assertEqual(self.export("allocations")[1:], [["o1", nfc, "5", "R1"]])
        self.assertEqual(self.export("backorders")[1:], [])
        # a space other than the plain one is refused, named, wherever it is
        for sku, cp in (("LAMP\u00a0", "00A0"), ("Chai\u2003", "2003"), ("Chai\u3000Tea", "3000")):
            r = self.run_allot("add-batch", "B9", sku, "1")
            self.assertEqual(r.rc, 1, r)
            self.assertIn(f"sku contains the space character U+{cp}", r.err)
        self.write("o.csv", "orderid,sku,qty\no2,LAMP\u00a0,1\n")
        r = self.run_allot("import", "orders", "o.csv")
        self.assertEqual(r.rc, 1, r)
        self.assertIn("allot: o.csv:2: sku contains the space character U+00A0 (byte 5)", r.err)
        self.assertEqual([row[0] for row in self.export("batches")[1:]], ["R0", "R1"])

    def test_a_name_starting_with_two_dashes_is_usable_after_double_dash_or_quoted(self):
        self.write("b.csv", "ref,sku,qty,eta\n--json,LAMP,5,\n")
        self.ok("import", "batches", "b.csv")
        r = self.run_allot("change-qty", "--json", "3")
        self.assertEqual(r.rc, 2)
        self.ok("change-qty", "--", "--json", "3")
        self.assertEqual(self.export("batches")[1:], [["--json", "LAMP", "3", ""]])
        r = self.run_allot("exec", "-", stdin='change-qty "--json" 4\nallocate o1 LAMP -- 1\n'
                                              "allocate -- --o2 LAMP 1\n")
        self.assertEqual((r.rc, r.err), (0, ""))
        self.assertEqual(self.export("batches")[1:], [["--json", "LAMP", "4", ""]])
        self.assertEqual(sorted(self.export("allocations")[1:]),
                         [["--o2", "LAMP", "1", "--json"], ["o1", "LAMP", "1", "--json"]])

    def test_exec_of_a_missing_file_is_an_error(self):
        r = self.run_allot("exec", "nope.txt")
        self.assertEqual(r.rc, 3)
        self.assertIn("nope.txt: cannot open", r.err)


class Events(AllotCase):
    def test_events_json_has_the_fields_of_spec_per_type(self):
        self.ok("exec", "-", stdin="add-batch B1 LAMP 10\nadd-batch B2 LAMP 10 2027-01-05\n"
                                   "allocate o1 LAMP 6\nallocate o2 LAMP 6\nallocate o3 LAMP 9\n"
                                   "change-qty B1 5\nset-eta B2 2027-02-01\ncancel o3 LAMP\n"
                                   "set-eta B2 -\n")
        ev = self.events()
        self.assertEqual([e["id"] for e in ev], list(range(1, len(ev) + 1)))
        actors = set()
        for e in ev:
            self.assertRegex(e.pop("at"), r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
            e.pop("id")
            actors.add(e.pop("actor"))
        # one actor, user@host (SPEC §1.6); each line of the file is one command
        self.assertEqual(len(actors), 1)
        self.assertRegex(actors.pop(), r"^[^@\s]+@[^@\s]+$")
        self.assertEqual(ev, [
            {"type": "BatchCreated", "ref": "B1", "sku": "LAMP", "qty": 10, "eta": None,
             "command_id": 1},
            {"type": "BatchCreated", "ref": "B2", "sku": "LAMP", "qty": 10, "eta": "2027-01-05",
             "command_id": 2},
            {"type": "Allocated", "orderid": "o1", "sku": "LAMP", "qty": 6, "batchref": "B1",
             "need": None, "command_id": 3},
            {"type": "Allocated", "orderid": "o2", "sku": "LAMP", "qty": 6, "batchref": "B2",
             "need": None, "command_id": 4},
            {"type": "OutOfStock", "orderid": "o3", "sku": "LAMP", "qty": 9, "need": None,
             "command_id": 5},
            {"type": "BatchQuantityChanged", "ref": "B1", "old": 10, "new": 5, "command_id": 6},
            {"type": "Deallocated", "orderid": "o1", "sku": "LAMP", "qty": 6, "batchref": "B1",
             "need": None, "command_id": 6},
            {"type": "BatchEtaChanged", "ref": "B2", "old": "2027-01-05", "new": "2027-02-01",
             "command_id": 7},
            {"type": "OrderLineCancelled", "orderid": "o3", "sku": "LAMP", "qty": 9,
             "batchref": None, "need": None, "command_id": 8},
            {"type": "BatchEtaChanged", "ref": "B2", "old": "2027-02-01", "new": None,
             "command_id": 9},
        ])
        # a need date is carried by the line's events
        self.ok("allocate", "o4", "LAMP", "1", "2027-03-01")
        self.assertEqual(self.events()[-1]["need"], "2027-03-01")

    def test_why_prints_the_history_of_a_line_with_commands_and_actors(self):
        self.ok("exec", "-", stdin="add-batch B1 LAMP 10\nadd-batch B2 LAMP 10 2027-01-05\n"
                                   "allocate o1 LAMP 4\nallocate o2 LAMP 5\nchange-qty B1 4\n"
                                   "allocate o3 LAMP 1\n")
        r = self.ok("why", "o2", "LAMP")
        lines = r.out.splitlines()
        self.assertEqual(lines[0], "o2 LAMP, oldest first:")
        self.assertEqual(len(lines), 3, r.out)
        self.assertRegex(lines[1], r"^  \S+Z  #4  Allocated o2 LAMP ×5 B1  command 4 by \S+@\S+$")
        self.assertRegex(lines[2], r"^  \S+Z  #6  Reallocated o2 LAMP ×5 B1 → B2  command 5 by "
                                   r"\S+@\S+  \(BatchQuantityChanged B1 LAMP 10 → 4\)$")
        r = self.run_allot("why", "o9", "LAMP")
        self.assertEqual(r.rc, 1)
        self.assertEqual(r.err, "allot: order line o9 LAMP has no history: it never existed\n")

    def test_undo_puts_every_moved_line_back_and_undo_again_redoes(self):
        self.ok("exec", "-", stdin="add-batch B1 LAMP 10\nadd-batch B2 LAMP 10 2027-01-05\n"
                                   "allocate o1 LAMP 4 2027-01-01\nallocate o2 LAMP 5\n"
                                   "allocate o3 LAMP 9\nallocate o4 LAMP 2\n")
        before = self.snapshot()[:3]
        self.ok("change-qty", "B1", "3")
        after = self.snapshot()[:3]
        self.assertNotEqual(before, after)
        # a dry run changes nothing and says what would move back
        r = self.ok("undo", "--dry-run")
        self.assertIn("undo of command 7, in a sandbox; the live data is untouched.", r.out)
        self.assertIn("BatchQuantityChanged B1 LAMP 3 → 10", r.out)
        self.assertEqual(self.snapshot()[:3], after)
        r = self.ok("undo")
        self.assertTrue(r.out.startswith("command 7 undone by command 8:\n"), r.out)
        self.assertIn("  BatchQuantityChanged B1 LAMP 3 → 10\n", r.out)
        self.assertEqual(self.snapshot()[:3], before)
        # the change cannot be undone twice; undoing the undo redoes it
        r = self.run_allot("undo", "7")
        self.assertEqual((r.rc, r.err), (1, "allot: cannot undo command 7: command 8 changed LAMP "
                                            "since\n"))
        self.ok("undo", "8")
        self.assertEqual(self.snapshot()[:3], after)
        r = self.ok("why", "o2", "LAMP")
        self.assertIn("command 8 by", r.out)
        self.assertRegex(r.out, r"command 9 by \S+, undoing command 8")
        ev = self.events()
        self.assertEqual(ev[-1]["undoes"], 8)
        r = self.run_allot("undo", "999")
        self.assertEqual((r.rc, r.err), (1, "allot: no command 999 in the event log\n"))
        r = self.run_allot("undo", "0")
        self.assertEqual(r.rc, 1)
        self.assertIn("command id", r.err)

    def test_atp_and_promise_answer_without_changing_anything(self):
        import datetime
        today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
        self.ok("exec", "-", stdin="add-batch B1 LAMP 10\nadd-batch B2 LAMP 10 2027-01-01\n"
                                   "add-batch B3 LAMP 20 2027-01-01\nallocate o1 LAMP 9\n"
                                   "allocate o2 LAMP 9\nallocate o3 LAMP 30\n")
        before = self.snapshot()
        r = self.ok("atp", "LAMP", "--csv")
        self.assertEqual(r.out, "date,batches,arriving,allocated,free,projected\n"
                                f"{today},1,10,9,1,1\n2027-01-01,2,30,9,21,22\n")
        r = self.ok("atp", "LAMP")
        self.assertIn("Backorders: 1 line, 30 units waiting\n", r.out)
        self.assertIn("B1 (on hand)", r.out)
        self.assertEqual(self.ok("promise", "LAMP", "1").out, f"B1 {today}\n")
        self.assertEqual(self.ok("promise", "LAMP", "15").out, "B3 2027-01-01\n")
        self.assertIn("can hold 50", self.ok("promise", "LAMP", "50").out)
        self.assertEqual(self.snapshot(), before)
        self.ok("allocate", "o4", "LAMP", "15")  # B3, 5 left
        self.assertEqual(self.ok("promise", "LAMP", "15").out,
                         "backordered: no batch has room for 15 now; the earliest batch large "
                         "enough is B3 (2027-01-01), with 5 free\n")
        r = self.run_allot("promise", "NOPE", "1")
        self.assertEqual((r.rc, r.err), (1, "allot: invalid sku NOPE\n"))

    def test_events_since_prints_only_newer_events_and_text_by_default(self):
        self.ok("exec", "-", stdin="add-batch B1 LAMP 10\nallocate o1 LAMP 6\n")
        self.assertEqual([e["id"] for e in self.events(since=1)], [2])
        r = self.ok("events", "--since", "1")
        self.assertRegex(r.out, r"^2 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ Allocated o1 LAMP ×6 B1\n$")

    def test_events_follow_prints_events_of_other_processes_within_a_second(self):
        self.ok("add-batch", "B1", "LAMP", "10")
        p = subprocess.Popen([ALLOT, "--db", self.db, "events", "--follow", "--json"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=self.env)
        try:
            first = json.loads(p.stdout.readline())
            self.assertEqual(first["type"], "BatchCreated")
            self.ok("allocate", "o1", "LAMP", "3")
            t0 = time.monotonic()
            line = p.stdout.readline()
            self.assertLess(time.monotonic() - t0, 1.0)
            self.assertEqual(json.loads(line)["type"], "Allocated")
        finally:
            p.terminate()
            p.wait(timeout=10)
            p.stdout.close()
            p.stderr.close()


class Copy(AllotCase):
    def test_a_copy_from_a_missing_store_leaves_no_new_file_behind(self):
        r = self.run_allot("copy", "nonexist.db", "x.db", db=False)
        self.assertEqual(r.rc, 3, r)
        self.assertIn("nonexist.db", r.err)
        self.assertEqual(sorted(n for n in os.listdir(self.dir) if n.startswith("x.db")), [])

    def test_a_copy_counts_what_it_copied_in_words(self):
        self.ok("add-batch", "B1", "LAMP", "5")
        r = self.ok("copy", self.db, "to.db", db=False)
        self.assertEqual(r.out, f"copy: 1 product, 1 batch, 0 order lines, 1 event from {self.db} to to.db\n")

    def test_a_copy_into_an_existing_file_that_fails_keeps_that_file(self):
        self.ok("add-batch", "B1", "LAMP", "5")
        self.ok("--db", "to.db", "add-batch", "B9", "DESK", "1", db=False)
        r = self.run_allot("copy", self.db, "to.db", db=False)
        self.assertEqual(r.rc, 1, r)
        self.assertTrue(os.path.exists(self.path("to.db")))
        self.assertIn("B9", self.ok("--db", "to.db", "export", "batches", db=False).out)


class Notify(AllotCase):
    def hook_script(self, body):
        return self.write("hook.sh", "#!/bin/sh\n" + body)

    def test_an_out_of_stock_runs_the_hook_with_the_event_as_json_on_stdin(self):
        out = self.path("got.json")
        self.ok("add-batch", "B1", "LAMP", "1")
        self.ok("--notify", f"cat > {out}", "allocate", "o1", "LAMP", "5")
        for _ in range(100):
            if os.path.exists(out) and os.path.getsize(out):
                break
            time.sleep(0.05)
        with open(out) as f:
            e = json.loads(f.read())
        self.assertEqual((e["type"], e["orderid"], e["sku"], e["qty"]),
                         ("OutOfStock", "o1", "LAMP", 5))
        self.assertRegex(e["at"], r"Z$")

    def test_the_hook_comes_from_the_config_file(self):
        out = self.path("conf.json")
        self.write("config/allot/allot.conf", f"# allot\nnotify = cat > {out}\n")
        self.ok("add-batch", "B1", "LAMP", "1")
        self.ok("allocate", "o1", "LAMP", "5")
        with open(out) as f:
            self.assertEqual(json.loads(f.read())["type"], "OutOfStock")

    def test_a_failing_hook_is_logged_and_the_allocation_stands(self):
        self.ok("add-batch", "B1", "LAMP", "1")
        r = self.run_allot("--notify", "exit 7", "allocate", "o1", "LAMP", "5")
        self.assertEqual((r.rc, r.out), (0, "backordered\n"))
        self.assertIn("notify hook failed with exit status 7: `exit 7`", r.err)
        self.assertEqual(self.export("backorders")[1:], [["o1", "LAMP", "5"]])

    def test_a_slow_hook_is_stopped_after_the_timeout_and_the_allocation_stands(self):
        self.ok("add-batch", "B1", "LAMP", "1")
        t0 = time.monotonic()
        r = self.run_allot("--notify", "sleep 30", "allocate", "o1", "LAMP", "5")
        self.assertLess(time.monotonic() - t0, 10)
        self.assertEqual((r.rc, r.out), (0, "backordered\n"))
        self.assertIn("took longer than 2000 ms and was stopped", r.err)
        self.assertEqual(self.export("backorders")[1:], [["o1", "LAMP", "5"]])

    def test_an_import_notifies_only_once_it_is_committed(self):
        log = self.path("hook.log")
        self.ok("add-batch", "B1", "LAMP", "1")
        self.write("bad.csv", "orderid,sku,qty\no1,LAMP,5\no2,DESK,1\n")
        r = self.run_allot("--notify", f"cat >> {log}", "import", "orders", "bad.csv")
        self.assertEqual(r.rc, 1)
        self.assertFalse(os.path.exists(log), "a refused import told the hook")
        self.write("good.csv", "orderid,sku,qty\no1,LAMP,5\no2,LAMP,7\no3,LAMP,1\n")
        self.ok("--notify", f"cat >> {log}", "import", "orders", "good.csv")
        with open(log) as f:
            got = sorted(json.loads(line)["orderid"] for line in f)
        self.assertEqual(got, ["o1", "o2"])

    def test_no_hook_runs_for_an_allocation_that_fits(self):
        out = self.path("none.json")
        self.ok("add-batch", "B1", "LAMP", "10")
        self.ok("--notify", f"cat > {out}", "allocate", "o1", "LAMP", "5")
        self.assertFalse(os.path.exists(out))


class Demo(AllotCase):
    def test_demo_loads_northwind_and_its_shortfalls_are_the_backorders(self):
        import datetime
        today = datetime.datetime.now(datetime.timezone.utc).date()
        yesterday = today - datetime.timedelta(days=1)
        shift = (yesterday - datetime.date(1998, 5, 6)).days
        r = self.ok("demo")
        self.assertIn(f"every Northwind date moved by {shift} days: the last order date, "
                      f"1998-05-06, is yesterday, {yesterday.isoformat()}", r.out)
        self.assertIn("77 products, 77 batches in the warehouse, 17 incoming (2 overdue)", r.out)
        self.assertIn("21 open orders, 73 lines: 57 allocated, 16 backordered (515 units); "
                      "5 lines late", r.out)
        back = self.export("backorders")
        self.assertEqual(back[0], ["orderid", "sku", "qty"])
        self.assertEqual(len(back) - 1, 16)
        self.assertEqual(sum(int(row[2]) for row in back[1:]), 515)
        self.assertEqual(len({row[1] for row in back[1:]}), 14)
        self.assertIn(["11072", "Wimmers gute Semmelknödel", "130"], back)
        self.assertEqual(len(self.export("allocations")) - 1, 57)
        # RequiredDate became the need date, moved like every other date: order 11008
        # (required 1998-05-06) is needed yesterday; ETAs are invented around it
        full = self.export("backorders", full=True)
        self.assertIn(["11008", "Rössle Sauerkraut", "70", yesterday.isoformat(), "1"], full)
        etas = sorted(row[3] for row in self.export("batches")[1:] if row[3])
        self.assertEqual(etas[0], (yesterday - datetime.timedelta(days=7)).isoformat())
        self.assertEqual(etas[-1], (yesterday + datetime.timedelta(days=21)).isoformat())
        self.assertLess(etas[0], today.isoformat(), "an overdue shipment")

    def test_on_the_demo_why_tells_a_lines_history_and_undo_puts_a_change_back(self):
        self.ok("demo")
        full = lambda: [self.export(w, full=True) for w in ("batches", "allocations", "backorders")]
        before = full()
        r = self.ok("change-qty", "WH-46", "0")  # three lines leave Spegesild's stock
        self.assertNotEqual(full(), before)
        r = self.ok("undo")
        self.assertEqual(r.out.count("  Allocated "), 3, r.out)
        self.assertEqual(full(), before, "every moved line is back, with its moment and need")
        lines = self.ok("why", "11019", "Spegesild").out.splitlines()
        self.assertEqual(lines[0], "11019 Spegesild, oldest first:")
        self.assertEqual(len(lines), 4, lines)
        self.assertIn("Allocated 11019 Spegesild ×3 WH-46", lines[1])
        self.assertIn("Deallocated 11019 Spegesild ×3 WH-46", lines[2])
        self.assertIn("(BatchQuantityChanged WH-46 Spegesild 95 → 0)", lines[2])
        self.assertIn("undoing command", lines[3])

    def test_demo_refuses_a_database_that_holds_data(self):
        self.ok("add-batch", "B1", "LAMP", "1")
        r = self.run_allot("demo")
        self.assertEqual(r.rc, 1)
        self.assertIn("already holds data", r.err)

    def test_demo_reads_an_override_folder_from_allot_demo_dir(self):
        d = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "assets", "demo")
        env = dict(self.env, ALLOT_DEMO_DIR=os.path.abspath(d))
        r = self.run_allot("demo", env=env)
        self.assertEqual(r.rc, 0, r)
        env["ALLOT_DEMO_DIR"] = self.path("nowhere")
        r = self.run_allot("--db", self.path("other.db"), "demo", env=env, db=False)
        self.assertEqual(r.rc, 3)
        self.assertIn("products.csv: cannot open", r.err)


if __name__ == "__main__":
    main()
