"""End-to-end tests of CSV import and export (SPEC.md §4 "CSV formats") and of the
book's CSV folder mode (`allot csv FOLDER`).

Usage: test_csv.py ALLOT_BINARY [unittest options]
"""

import csv
import os
import pty
import subprocess

from e2e_util import ALLOT, AllotCase, main

SETUP = "add-batch B1 LAMP 10\nadd-batch B2 LAMP 10 2027-01-05\nallocate o1 LAMP 4\nallocate o2 LAMP 9\n"


class BadFiles(AllotCase):
    """Each bad file gives its documented result; a refused file leaves the database
    exactly as it was (the three exports and the event count compared)."""

    def setUp(self):
        super().setUp()
        self.ok("exec", "-", stdin=SETUP)
        self.before = self.snapshot()

    def refused(self, kind, text, message, mode="w"):
        name = f"{kind}.csv"
        self.write(name, text, mode)
        r = self.run_allot("import", kind, name)
        self.assertEqual(r.rc, 1, r)
        self.assertEqual(r.err.splitlines()[0], "allot: " + message)
        self.assertIn("the file was refused, nothing changed", r.err)
        self.assertEqual(self.snapshot(), self.before)

    def accepted(self, kind, text, mode="w"):
        self.write(f"{kind}.csv", text, mode)
        r = self.run_allot("import", kind, f"{kind}.csv")
        self.assertEqual(r.rc, 0, r)
        return r

    def test_a_utf8_bom_is_accepted(self):
        self.accepted("batches", b"\xef\xbb\xbfref,sku,qty,eta\nB3,LAMP,5,\n", "wb")
        self.assertIn(["B3", "LAMP", "5", ""], self.export("batches"))

    def test_crlf_line_ends_are_accepted(self):
        self.accepted("orders", "orderid,sku,qty\r\no3,LAMP,2\r\n")
        self.assertIn(["o3", "LAMP", "2", "B1"], self.export("allocations"))

    def test_a_semicolon_separated_file_is_refused_at_its_header(self):
        self.refused("batches", "ref;sku;qty;eta\nB3;LAMP;5;\n",
                     'batches.csv:1: missing column "ref" (the header is "ref;sku;qty;eta"; '
                     'columns are separated by commas)')

    def test_a_thousands_separator_is_refused(self):
        self.refused("batches", 'ref,sku,qty,eta\nB3,LAMP,"1,000",\n',
                     'batches.csv:2: qty "1,000" is not a whole number')

    def test_a_decimal_is_refused(self):
        self.refused("orders", "orderid,sku,qty\no3,LAMP,1\no4,LAMP,2.5\n",
                     'orders.csv:3: qty "2.5" is not a whole number')

    def test_a_negative_batch_qty_is_refused(self):
        self.refused("batches", "ref,sku,qty,eta\nB3,LAMP,-3,\n",
                     'batches.csv:2: qty "-3" must be between 0 and 1000000000')

    def test_a_zero_order_line_qty_is_refused(self):
        self.refused("orders", "orderid,sku,qty\no3,LAMP,0\n",
                     'orders.csv:2: qty "0" must be between 1 and 1000000000')

    def test_a_date_that_is_not_on_the_calendar_is_refused(self):
        self.refused("batches", "ref,sku,qty,eta\nB3,LAMP,3,2027-02-30\n",
                     'batches.csv:2: eta "2027-02-30" is not a calendar date (YYYY-MM-DD)')

    def test_a_slashed_date_is_refused(self):
        self.refused("batches", "ref,sku,qty,eta\nB3,LAMP,3,03/04/2027\n",
                     'batches.csv:2: eta "03/04/2027" is not a date (YYYY-MM-DD)')

    def test_a_quoted_field_with_a_comma_is_one_value(self):
        self.accepted("batches", 'ref,sku,qty,eta\n"B,3","LAMP, red",3,\n')
        self.assertIn(["B,3", "LAMP, red", "3", ""], self.export("batches"))
        r = self.ok("export", "batches")
        self.assertIn('"B,3","LAMP, red",3,,1\n', r.out)

    def test_a_newline_inside_an_identifier_is_refused(self):
        self.refused("batches", 'ref,sku,qty,eta\nB3,"LA\nMP",3,\n',
                     "batches.csv:2: sku contains a control character U+000A (byte 3)")

    def test_a_reference_twice_in_one_file_is_refused(self):
        self.refused("batches", "ref,sku,qty,eta\nB3,LAMP,3,\nB4,LAMP,3,\nB3,LAMP,4,\n",
                     'batches.csv:4: ref "B3" appears again in the file (first on line 2)')

    def test_a_column_twice_in_the_header_is_refused(self):
        self.refused("orders", "orderid,sku,qty,SKU\no3,LAMP,1,LAMP\n",
                     'orders.csv:1: column "sku" appears again in the header (first as field 2, '
                     'again as field 4)')

    def test_a_second_byte_order_mark_is_shown_in_the_quoted_header(self):
        # the first BOM is skipped; the second is part of the first column's name
        self.refused("batches", "\ufeff\ufeffref,sku,qty,eta\nB3,LAMP,3,\n",
                     'batches.csv:1: missing column "ref" (the header is "<U+FEFF>ref,sku,qty,eta"; '
                     'columns are separated by commas)')
        self.refused("batches", "re\u200bf,sku,qty,eta\tx\nB3,LAMP,3,\n",
                     'batches.csv:1: missing column "ref" (the header is '
                     '"re<U+200B>f,sku,qty,eta<U+0009>x"; columns are separated by commas)')

    def test_a_missing_column_is_refused(self):
        self.refused("orders", "orderid,sku\no3,LAMP\n",
                     'orders.csv:1: missing column "qty" (the header is "orderid,sku"; '
                     'columns are separated by commas)')

    def test_a_bad_row_late_in_the_file_refuses_the_rows_before_it_too(self):
        self.refused("orders", "orderid,sku,qty\no3,LAMP,1\no4,LAMP,1\no5,DESK,1\n",
                     "orders.csv:4: invalid sku DESK")

    def test_a_row_with_an_unquoted_comma_is_refused(self):
        self.refused("orders", "orderid,sku,qty\no3,LAMP,1,000\n",
                     "orders.csv:2: the row has 4 fields, the header 3 (an unquoted comma, or "
                     "a missing one?)")

    def test_an_unclosed_quote_is_refused_with_the_line_it_opened_on(self):
        self.refused("orders", 'orderid,sku,qty\no3,LAMP,1\n"o4,LAMP,1\no5,LAMP,1\n',
                     'orders.csv:3: a quoted field is not closed (a missing ")')

    def test_another_sku_for_an_existing_ref_is_refused(self):
        self.refused("batches", "ref,sku,qty,eta\nB1,DESK,10,\n",
                     'batches.csv:2: sku "DESK" differs: batch B1 holds sku LAMP')

    def test_an_allocation_without_room_or_batch_is_refused(self):
        self.refused("allocations", "orderid,sku,qty,batchref\no9,LAMP,9,B1\n",
                     "allocations.csv:2: batch B1 has 6 available, order line o9 LAMP needs 9")

    def test_an_allocation_on_an_unknown_batch_is_refused(self):
        self.refused("allocations", "orderid,sku,qty,batchref\no9,LAMP,1,B7\n",
                     "allocations.csv:2: unknown batch reference B7")

    def test_an_empty_file_is_refused(self):
        self.refused("orders", "", "orders.csv:1: the file is empty (a header row is required)")


class EveryBadRow(AllotCase):
    """A refused file names every bad row (the first 100 by line, then how many
    more), and its counts add up to the rows of the file."""

    def setUp(self):
        super().setUp()
        self.ok("exec", "-", stdin=SETUP)
        self.before = self.snapshot()

    def refuse(self, kind, text, mode="w"):
        self.write(f"{kind}.csv", text, mode)
        r = self.run_allot("import", kind, f"{kind}.csv")
        self.assertEqual(r.rc, 1, r)
        self.assertEqual(r.out, "")
        self.assertEqual(self.snapshot(), self.before)
        return r.err.splitlines()

    def test_a_file_with_50_bad_dates_names_all_50(self):
        rows = []
        for i in range(80):
            eta = f"2027-02-{29 + i % 3}" if i % 8 < 5 else "2027-03-01"  # 50 bad
            rows.append(f"N{i},LAMP,1,{eta}")
        err = self.refuse("batches", "ref,sku,qty,eta\n" + "\n".join(rows) + "\n")
        bad = [i for i in range(80) if i % 8 < 5]
        self.assertEqual(len(bad), 50)
        self.assertEqual(err[:-1], [f'allot: batches.csv:{i + 2}: eta "2027-02-{29 + i % 3}" is not '
                                    f'a calendar date (YYYY-MM-DD)' for i in bad])
        self.assertEqual(err[-1], "allot: batches.csv: 80 rows read, 0 created, 0 changed, "
                                  "0 unchanged, 80 refused (50 bad); the file was refused, "
                                  "nothing changed")

    def test_past_100_bad_rows_the_rest_are_counted(self):
        rows = "".join(f"n{i},LAMP,{'x' if i % 2 else 1}\n" for i in range(300))  # 150 bad
        err = self.refuse("orders", "orderid,sku,qty\n" + rows)
        self.assertEqual(len(err), 102)
        self.assertEqual(err[0], 'allot: orders.csv:3: qty "x" is not a whole number')
        self.assertEqual(err[99], 'allot: orders.csv:201: qty "x" is not a whole number')
        self.assertEqual(err[100], "allot: orders.csv: and 50 more bad rows")
        self.assertIn("300 rows read, 0 created, 0 changed, 0 unchanged, 300 refused (150 bad)",
                      err[101])

    def test_the_counts_add_up_to_the_rows_when_one_row_is_bad(self):
        err = self.refuse("orders", "orderid,sku,qty\no3,LAMP,1\no4,LAMP,x\no5,LAMP,1\no6,LAMP,1\n")
        self.assertEqual(err, ['allot: orders.csv:3: qty "x" is not a whole number',
                               "allot: orders.csv: 4 rows read, 0 created, 0 changed, 0 unchanged, "
                               "4 refused (1 bad); the file was refused, nothing changed"])

    def test_problems_of_every_kind_are_named_in_line_order(self):
        err = self.refuse("orders", "orderid,sku,qty\n"
                                    "o3,LAMP,1\n"         # 2 fine
                                    "o4,DESK,1\n"         # 3 unknown sku
                                    "o5,LAMP,1,000\n"     # 4 a field too many
                                    "o1,LAMP,9\n"         # 5 o1 exists with 4
                                    "o6,LAMP,\"1\"x\n"     # 6 bad quoting
                                    "o3,LAMP,1\n"         # 7 twice
                                    "o7,,1\n"             # 8 empty sku
                                    "o8,LAMP,1\n")        # 9 fine
        self.assertEqual([e.split(": ")[1] for e in err[:-1]],
                         [f"orders.csv:{n}" for n in (3, 4, 5, 6, 7, 8)])
        self.assertEqual(err[1], "allot: orders.csv:4: the row has 4 fields, the header 3 (an "
                                 "unquoted comma, or a missing one?)")
        self.assertEqual(err[4], "allot: orders.csv:7: order line o3 LAMP appears again in the "
                                 "file (first on line 2)")
        self.assertIn("8 rows read, 0 created, 0 changed, 0 unchanged, 8 refused (6 bad)", err[-1])

    def test_every_later_copy_of_a_reference_names_the_first(self):
        err = self.refuse("batches", "ref,sku,qty,eta\nB3,LAMP,3,\nB3,LAMP,3,\nB4,LAMP,1,\n"
                                     "B3,LAMP,3,\nB3,LAMP,5,\n")
        self.assertEqual(err[:3], [f'allot: batches.csv:{n}: ref "B3" appears again in the file '
                                   f'(first on line 2)' for n in (3, 5, 6)])

    def test_identical_duplicate_rows_are_refused_like_differing_ones(self):
        for kind, header, row in (("orders", "orderid,sku,qty", "o3,LAMP,1"),
                                  ("allocations", "orderid,sku,qty,batchref", "o3,LAMP,1,B1"),
                                  ("batches", "ref,sku,qty,eta", "B3,LAMP,1,")):
            key = "ref \"B3\"" if kind == "batches" else "order line o3 LAMP"
            for second in (row, row.replace(",1", ",2", 1)):
                err = self.refuse(kind, f"{header}\n{row}\n{second}\n")
                self.assertEqual(err[0], f"allot: {kind}.csv:3: {key} appears again in the file "
                                         f"(first on line 2)", (kind, second))

    def test_a_line_already_stored_is_still_unchanged(self):
        self.write("o.csv", "orderid,sku,qty\no1,LAMP,4\no9,LAMP,1\n")
        r = self.ok("import", "orders", "o.csv")
        self.assertEqual(r.out, "o.csv: 2 rows read, 1 created, 0 changed, 1 unchanged, 0 refused\n")


class LineEnds(AllotCase):
    """LF, CRLF and lone CR end lines alike, and line numbers count them all."""

    def setUp(self):
        super().setUp()
        self.ok("exec", "-", stdin=SETUP)

    def test_a_cr_only_file_is_read_line_by_line_with_its_line_numbers(self):
        self.write("o.csv", "orderid,sku,qty\ro3,LAMP,1\r\ro4,DESK,1\ro5,LAMP,x\r")
        r = self.run_allot("import", "orders", "o.csv")
        self.assertEqual(r.rc, 1, r)
        self.assertEqual(r.err.splitlines()[:2], ["allot: o.csv:4: invalid sku DESK",
                                                  'allot: o.csv:5: qty "x" is not a whole number'])
        self.write("o.csv", "orderid,sku,qty\ro3,LAMP,1\r\ro4,LAMP,2\r")
        self.assertEqual(self.ok("import", "orders", "o.csv").out,
                         "o.csv: 2 rows read, 2 created, 0 changed, 0 unchanged, 0 refused\n")

    def test_mixed_line_ends_and_a_quoted_line_break_count_every_line(self):
        self.write("b.csv", 'ref,sku,qty,eta\r\nB3,LAMP,1,\rB4,"LA\r\nMP",1,\nB5,LAMP,1,x\r\n')
        r = self.run_allot("import", "batches", "b.csv")
        self.assertEqual(r.rc, 1, r)
        self.assertEqual(r.err.splitlines()[:2],
                         ["allot: b.csv:3: sku contains a control character U+000D (byte 3)",
                          'allot: b.csv:5: eta "x" is not a date (YYYY-MM-DD)'])


class Imports(AllotCase):
    def test_columns_in_any_order_and_case_with_extra_columns_and_blank_lines(self):
        self.write("b.csv", "Note,ETA,QTY,Sku,REF\nx,2027-01-05,10,LAMP,B1\n\n,,,,\ny,,5,LAMP,B2\n")
        r = self.ok("import", "batches", "b.csv")
        self.assertEqual(r.out, "b.csv: 2 rows read, 2 created, 0 changed, 0 unchanged, 0 refused\n")
        self.assertEqual(self.export("batches")[1:],
                         [["B1", "LAMP", "10", "2027-01-05"], ["B2", "LAMP", "5", ""]])

    def test_batches_import_is_an_upsert_through_change_quantity_and_change_eta(self):
        self.ok("exec", "-", stdin=SETUP)
        n = len(self.events())
        self.write("b.csv", "ref,sku,qty,eta\nB1,LAMP,3,\nB2,LAMP,10,2027-02-01\nB3,DESK,1,-\n"
                            "B4,LAMP,0,\n")
        self.write("b2.csv", "ref,sku,qty,eta\nB4,LAMP,0,\n")
        r = self.ok("import", "batches", "b.csv")
        self.assertEqual(r.out, "b.csv: 4 rows read, 2 created, 2 changed, 0 unchanged, 0 refused"
                                "; order lines: 1 backordered\n")
        types = [e["type"] for e in self.events(since=n)]
        self.assertEqual(types[:2], ["BatchQuantityChanged", "Deallocated"])
        self.assertIn("BatchEtaChanged", types)
        self.assertEqual(self.ok("import", "batches", "b2.csv").out,
                         "b2.csv: 1 row read, 0 created, 0 changed, 1 unchanged, 0 refused\n")

    def test_batches_import_summary_counts_the_lines_reallocated_backordered_and_filled(self):
        self.ok("exec", "-", stdin="add-batch B1 LAMP 10\nadd-batch B2 LAMP 10 2027-01-05\n"
                                   "allocate o1 LAMP 3\nallocate o2 LAMP 3\nallocate o3 LAMP 3\n"
                                   "add-batch B3 DESK 1\nallocate d1 DESK 1\nallocate d2 DESK 5\n")
        n = len(self.events())
        # B1 10 -> 1 removes o1, o2, o3; the retry moves all three to B2 (3 Reallocated).
        # B2 10 -> 3 removes o3 and o2, which find no room (2 Deallocated).  B3 1 -> 6:
        # the backorder d2 fits (1 Allocated).
        self.write("b.csv", "ref,sku,qty,eta\nB1,LAMP,1,\nB2,LAMP,3,2027-01-05\nB3,DESK,6,\n")
        r = self.ok("import", "batches", "b.csv")
        types = [e["type"] for e in self.events(since=n)]
        counts = (types.count("Reallocated"), types.count("Deallocated"), types.count("Allocated"))
        self.assertEqual(counts, (3, 2, 1), types)
        # Each line counts once, for where it ended: o1 B1 -> B2 (reallocated), o2 and
        # o3 B1 -> backorder (backordered, though they went through B2), d2 filled.
        self.assertEqual(r.out, "b.csv: 3 rows read, 0 created, 3 changed, 0 unchanged, 0 refused"
                                "; order lines: 1 reallocated, 2 backordered, "
                                "1 backorders allocated\n")

    def test_a_line_moved_twice_counts_once(self):
        self.ok("exec", "-", stdin="add-batch B1 LAMP 10\nadd-batch B2 LAMP 10 2027-01-05\n"
                                   "allocate o1 LAMP 4\nallocate o2 LAMP 4\n")
        # B1 10 -> 4 moves o2 to B2; B2's later ETA then moves it on to B3: two
        # Reallocated events, one line reallocated.
        self.write("b.csv", "ref,sku,qty,eta\nB1,LAMP,4,\nB3,LAMP,10,2027-01-01\nB2,LAMP,10,2027-03-01\n")
        r = self.ok("import", "batches", "b.csv")
        self.assertEqual(r.out, "b.csv: 3 rows read, 1 created, 2 changed, 0 unchanged, 0 refused"
                                "; order lines: 1 reallocated\n")
        self.assertIn(["o2", "LAMP", "4", "B3"], self.export("allocations"))

    def test_orders_import_allocates_and_counts_backorders_and_unchanged_lines(self):
        self.ok("add-batch", "B1", "LAMP", "10")
        self.write("o.csv", "orderid,sku,qty\no1,LAMP,4\no2,LAMP,9\n")
        r = self.ok("import", "orders", "o.csv")
        self.assertEqual(r.out, "o.csv: 2 rows read, 2 created, 0 changed, 0 unchanged, 0 refused "
                                "(1 of the created lines backordered)\n")
        r = self.ok("import", "orders", "o.csv")
        self.assertIn("0 created, 0 changed, 2 unchanged", r.out)

    def test_exports_are_sorted_with_lf_and_reimport_to_the_same_state(self):
        self.ok("exec", "-", stdin="add-batch Z9 LAMP 10\nadd-batch A1 LAMP 5 2027-01-05\n"
                                   "add-batch M5 \"Zoë sofa\" 3\nallocate o2 LAMP 3\n"
                                   "allocate o10 LAMP 4\nallocate \"o,1\" LAMP 5\n"
                                   "allocate o1 \"Zoë sofa\" 2\nallocate o3 \"Zoë sofa\" 7\n")
        files = {}
        for what in ("batches", "allocations", "backorders"):
            self.ok("export", what, f"{what}.csv")
            with open(self.path(f"{what}.csv"), "rb") as f:
                files[what] = f.read()
            self.assertNotIn(b"\r", files[what])
            self.assertEqual(self.ok("export", what).out.encode(), files[what])
        self.assertEqual(files["batches"].decode().splitlines(),
                         ["ref,sku,qty,eta,created", "A1,LAMP,5,2027-01-05,2", "M5,Zoë sofa,3,,1",
                          "Z9,LAMP,10,,1"])
        self.assertEqual([r[:2] for r in self.export("allocations")[1:]],
                         [["o,1", "LAMP"], ["o1", "Zoë sofa"], ["o10", "LAMP"], ["o2", "LAMP"]])
        # A second database restored from the exports holds the same state.
        other = self.path("other.db")
        self.ok("--db", other, "import", "batches", "batches.csv", db=False)
        self.ok("--db", other, "import", "allocations", "allocations.csv", db=False)
        self.ok("--db", other, "import", "orders", "backorders.csv", db=False)
        for what in ("batches", "allocations", "backorders"):
            r = self.ok("--db", other, "export", what, db=False)
            self.assertEqual(r.out.encode(), files[what], what)

    def test_restoring_exports_keeps_the_order_of_service_not_the_order_of_the_file(self):
        # zz-first asked before aa-second; exports sort by orderid, so a restore that
        # ran the file's order would let aa-second jump the queue (issue 14).
        self.ok("add-batch", "B1", "LAMP", "2")
        self.ok("allocate", "zz-first", "LAMP", "3")
        self.ok("allocate", "aa-second", "LAMP", "3")
        self.ok("allocate", "mm-third", "LAMP", "2")  # B1
        for what in ("batches", "allocations", "backorders"):
            self.ok("export", what, f"{what}.csv")
        other = self.path("other.db")
        self.ok("--db", other, "import", "batches", "batches.csv", db=False)
        self.ok("--db", other, "import", "allocations", "allocations.csv", db=False)
        self.ok("--db", other, "import", "orders", "backorders.csv", db=False)
        for db in (self.db, other):
            r = self.ok("--db", db, "add-batch", "B2", "LAMP", "3", db=False)
            rows = self.ok("--db", db, "export", "allocations", db=False).out
            self.assertIn("zz-first,LAMP,3,B2", rows, db)
            self.assertNotIn("aa-second", rows, db)
        # and when B1 shrinks, the newest line on it (mm-third, asked last) comes off
        self.ok("--db", other, "change-qty", "B1", "0", db=False)
        self.ok("--db", other, "add-batch", "B3", "LAMP", "3", db=False)
        rows = self.ok("--db", other, "export", "allocations", db=False).out
        self.assertIn("aa-second,LAMP,3,B3", rows)

    def test_exports_carry_the_need_date_and_the_moment_of_first_request(self):
        self.ok("add-batch", "B1", "LAMP", "5")
        self.ok("allocate", "o2", "LAMP", "3", "2027-01-05")
        self.ok("allocate", "o1", "LAMP", "3")
        self.assertEqual(self.export("allocations", full=True),
                         [["orderid", "sku", "qty", "batchref", "need", "requested"],
                          ["o2", "LAMP", "3", "B1", "2027-01-05", "1"]])
        self.assertEqual(self.export("backorders", full=True),
                         [["orderid", "sku", "qty", "need", "requested"],
                          ["o1", "LAMP", "3", "", "2"]])
        # an orders file may carry need; a restore keeps it
        self.write("o.csv", "orderid,sku,qty,need\no9,LAMP,1,2027-02-01\no8,LAMP,9,\n")
        self.ok("import", "orders", "o.csv")
        rows = self.export("allocations", full=True) + self.export("backorders", full=True)
        self.assertIn(["o9", "LAMP", "1", "B1", "2027-02-01", "3"], rows)
        self.assertIn(["o8", "LAMP", "9", "", "4"], rows)
        # a cancelled line leaves no gap: requested is the rank of the moment
        self.ok("cancel", "o2", "LAMP")
        self.assertIn(["o1", "LAMP", "3", "B1", "", "1"], self.export("allocations", full=True))

    def test_a_bad_need_date_or_requested_is_refused_with_file_and_line(self):
        self.ok("add-batch", "B1", "LAMP", "5")
        self.write("o.csv", "orderid,sku,qty,need\no1,LAMP,1,2027-02-30\n")
        r = self.run_allot("import", "orders", "o.csv")
        self.assertEqual(r.rc, 1)
        self.assertIn('o.csv:2: need "2027-02-30" is not a calendar date', r.err)
        self.write("o.csv", "orderid,sku,qty,requested\no1,LAMP,1,0\n")
        r = self.run_allot("import", "orders", "o.csv")
        self.assertIn('o.csv:2: requested "0" must be between 1', r.err)
        self.write("o.csv", "orderid,sku,qty,requested\no1,LAMP,1,4\no2,LAMP,1,\n")
        r = self.run_allot("import", "orders", "o.csv")
        self.assertEqual(r.rc, 1)
        self.assertIn("o.csv:3: requested is empty, but given on line 2", r.err)
        self.assertEqual(self.export("allocations"), [["orderid", "sku", "qty", "batchref"]])

    def test_an_allocations_import_retries_the_backorders_it_leaves_room_for(self):
        # SPEC §1.2 rule 7: no line waits while stock that fits sits free
        self.ok("add-batch", "B1", "LAMP", "4")
        self.ok("add-batch", "B2", "LAMP", "2")
        self.ok("allocate", "o1", "LAMP", "2")  # B1
        self.ok("allocate", "o2", "LAMP", "3")  # waits: 2 free on each
        self.write("a.csv", "orderid,sku,qty,batchref\no1,LAMP,2,B2\n")
        r = self.ok("import", "allocations", "a.csv")
        self.assertIn("1 changed", r.out)
        self.assertIn("1 backorders allocated", r.out)
        self.assertEqual(self.export("allocations")[1:],
                         [["o1", "LAMP", "2", "B2"], ["o2", "LAMP", "3", "B1"]])
        self.assertEqual(self.export("backorders")[1:], [])

    def test_progress_shows_on_a_terminal_and_not_when_piped(self):
        self.ok("add-batch", "B1", "LAMP", "1000000000")
        rows = "".join(f"o{i},LAMP,1\n" for i in range(30000))
        self.write("big.csv", "orderid,sku,qty\n" + rows)
        r = self.ok("import", "orders", "big.csv")
        self.assertNotIn("\r", r.err)
        self.assertNotIn("importing", r.err)
        tty_db = self.path("tty.db")
        self.ok("--db", tty_db, "add-batch", "B1", "LAMP", "1000000000", db=False)
        master, slave = pty.openpty()
        p = subprocess.Popen([ALLOT, "--db", tty_db, "import", "orders", "big.csv"],
                             stderr=slave, stdout=subprocess.DEVNULL, env=self.env, cwd=self.dir)
        os.close(slave)
        seen = b""
        try:
            while True:
                chunk = os.read(master, 65536)
                if not chunk:
                    break
                seen += chunk
        except OSError:  # EIO once the child has closed the terminal
            pass
        os.close(master)
        self.assertEqual(p.wait(timeout=300), 0, seen)
        self.assertIn(b"importing big.csv:", seen)
        # the store's write phase shows on the same line, after every row was read
        self.assertRegex(seen, rb"\rallot: importing big\.csv: 100% \(30000 rows\), "
                               rb"writing \d+ rows to the store\.\.\.\x1b\[K")
        self.assertIn(b"\rallot: importing big.csv: 100% (30000 rows), committing...\x1b[K",
                      seen)


class CsvFolder(AllotCase):
    """The book's appendix, "Swapping Out the Infrastructure: Do Everything with CSVs"."""

    def make_csv(self, name, rows):
        with open(self.path(f"folder/{name}"), "w", newline="") as f:
            csv.writer(f, lineterminator="\n").writerows(rows)

    def read_allocations(self):
        with open(self.path("folder/allocations.csv"), newline="") as f:
            return list(csv.reader(f))

    def setUp(self):
        super().setUp()
        os.makedirs(self.path("folder"))

    def test_cli_app_reads_csvs_with_batches_and_orders_and_outputs_allocations(self):
        self.make_csv("batches.csv", [["ref", "sku", "qty", "eta"], ["b1", "s1", 100, ""],
                                      ["b2", "s2", 100, "2011-01-01"],
                                      ["b3", "s2", 100, "2011-01-02"]])
        self.make_csv("orders.csv", [["orderid", "sku", "qty"], ["o1", "s1", 3], ["o1", "s2", 12]])
        r = self.ok("csv", "folder", db=False)
        self.assertIn("2 allocated", r.out)
        self.assertEqual(self.read_allocations(), [["orderid", "sku", "qty", "batchref"],
                                                   ["o1", "s1", "3", "b1"],
                                                   ["o1", "s2", "12", "b2"]])
        self.assertFalse(os.path.exists(self.db) or os.path.exists(self.path("data")))

    def test_cli_app_also_reads_existing_allocations_and_can_append_to_them(self):
        self.make_csv("batches.csv", [["ref", "sku", "qty", "eta"],
                                      ["old-batch", "s1", 10, "2011-01-01"],
                                      ["newer-batch", "s1", 10, "2011-01-02"]])
        self.make_csv("allocations.csv", [["orderid", "sku", "qty", "batchref"],
                                          ["old-order", "s1", 10, "old-batch"]])
        self.make_csv("orders.csv", [["orderid", "sku", "qty"], ["old-order", "s1", 10],
                                     ["new-order", "s1", 7]])
        self.ok("csv", "folder", db=False)
        self.assertEqual(self.read_allocations(), [["orderid", "sku", "qty", "batchref"],
                                                   ["old-order", "s1", "10", "old-batch"],
                                                   ["new-order", "s1", "7", "newer-batch"]])

    def test_a_line_without_stock_is_reported_and_not_written(self):
        self.make_csv("batches.csv", [["ref", "sku", "qty", "eta"], ["b1", "s1", 5, ""]])
        self.make_csv("orders.csv", [["orderid", "sku", "qty"], ["o1", "s1", 3], ["o2", "s1", 3]])
        r = self.ok("csv", "folder", db=False)
        self.assertIn("backordered o2 s1 3", r.out)
        self.assertEqual(self.read_allocations()[1:], [["o1", "s1", "3", "b1"]])
        self.assertIn("folder/orders.csv: 2 rows read, 1 allocated, 1 backordered, 0 already "
                      "allocated\nfolder/allocations.csv: 0 lines kept, 1 appended\n", r.out)
        self.make_csv("orders.csv", [["orderid", "sku", "qty"], ["o3", "s1", 1]])
        r = self.ok("csv", "folder", db=False)
        self.assertIn("folder/orders.csv: 1 row read, 1 allocated, 0 backordered, 0 already "
                      "allocated\nfolder/allocations.csv: 1 line kept, 1 appended\n", r.out)

    def test_a_bad_folder_writes_nothing_and_names_the_file_and_line(self):
        self.make_csv("batches.csv", [["ref", "sku", "qty", "eta"], ["b1", "s1", "x", ""]])
        self.make_csv("orders.csv", [["orderid", "sku", "qty"], ["o1", "s1", 3]])
        r = self.run_allot("csv", "folder", db=False)
        self.assertEqual(r.rc, 1)
        self.assertIn('folder/batches.csv:2: qty "x" is not a whole number', r.err)
        self.assertFalse(os.path.exists(self.path("folder/allocations.csv")))
        self.make_csv("batches.csv", [["ref", "sku", "qty", "eta"], ["b1", "s1", 5, ""]])
        self.make_csv("orders.csv", [["orderid", "sku", "qty"], ["o1", "s1", 3], ["o2", "s9", 1]])
        r = self.run_allot("csv", "folder", db=False)
        self.assertEqual(r.rc, 1)
        self.assertIn("orders.csv:3: invalid sku s9 (nothing written)", r.err)
        self.assertFalse(os.path.exists(self.path("folder/allocations.csv")))
        self.assertEqual(sorted(os.listdir(self.path("folder"))), ["batches.csv", "orders.csv"])

    def test_a_missing_folder_is_an_error(self):
        r = self.run_allot("csv", "nowhere", db=False)
        self.assertEqual(r.rc, 3)
        self.assertIn("nowhere/orders.csv: cannot open", r.err)


if __name__ == "__main__":
    main()
