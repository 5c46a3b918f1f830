"""End-to-end tests of `allot serve`'s HTTP side (SPEC.md §7.1, issue 11): the
book's journey, every route, every bad input, security, shutdown.  The real binary
on a free port; the store read back through the allot command line.

Usage: test_serve_http.py ALLOT_BINARY [unittest options]
"""

import concurrent.futures
import json
import os
import signal
import socket
import subprocess
import threading
import time

from serve_util import ALLOT, Http, ServeCase, run


def random_id(prefix):
    return prefix + "-" + os.urandom(4).hex()


class BookJourney(ServeCase):
    """The reference service's end-to-end tests (the book's test_api.py), as written
    there: post batches, allocate, read the allocation back."""

    def setUp(self):
        super().setUp()
        self.s = self.serve()
        self.api = Http(self.s.port)

    def tearDown(self):
        self.api.close()
        self.assertEqual(self.stop_serve(self.s), 0)
        super().tearDown()

    def add_batch(self, ref, sku, qty, eta):
        r = self.api.post("/add_batch", {"ref": ref, "sku": sku, "qty": qty, "eta": eta})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.text, "OK")

    def test_happy_path_returns_202_and_batch_is_allocated(self):
        orderid, sku, othersku = random_id("order"), random_id("sku"), random_id("sku-other")
        earlybatch, laterbatch, otherbatch = random_id("b1"), random_id("b2"), random_id("b3")
        self.add_batch(laterbatch, sku, 100, "2011-01-02")
        self.add_batch(earlybatch, sku, 100, "2011-01-01")
        self.add_batch(otherbatch, othersku, 100, None)
        r = self.api.post("/allocate", {"orderid": orderid, "sku": sku, "qty": 3})
        self.assertEqual((r.status, r.text), (202, "OK"))
        r = self.api.get("/allocations/" + orderid)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json(), [{"sku": sku, "batchref": earlybatch}])

    def test_unhappy_path_returns_400_and_error_message(self):
        unknown_sku, orderid = random_id("sku"), random_id("order")
        r = self.api.post("/allocate", {"orderid": orderid, "sku": unknown_sku, "qty": 20})
        self.assertEqual(r.status, 400)
        self.assertEqual(r.json(), {"message": "Invalid sku " + unknown_sku})
        r = self.api.get("/allocations/" + orderid)
        self.assertEqual((r.status, r.text), (404, "not found"))

    def test_a_backordered_line_is_accepted_and_not_listed_as_allocated(self):
        self.add_batch("B1", "LAMP", 2, None)
        r = self.api.post("/allocate", {"orderid": "o1", "sku": "LAMP", "qty": 5})
        self.assertEqual(r.status, 202)
        self.assertEqual(self.api.get("/allocations/o1").status, 404)
        self.assertEqual(self.export("backorders")[1:], [["o1", "LAMP", "5"]])

    def test_the_status_names_the_version_and_the_store(self):
        r = self.api.get("/")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.headers["content-type"], "application/json")
        st = r.json()
        self.assertEqual(st["service"], "allot")
        self.assertEqual(st["store"], "sqlite")
        version = self.ok("--version", db=False).out.split()[1]
        self.assertEqual(st["version"], version)

    def test_a_get_right_after_a_post_sees_it_and_the_cli_sees_it_too(self):
        for i in range(30):
            self.add_batch("B%d" % i, "LAMP", 10, None)
            r = self.api.post("/allocate", {"orderid": "o%d" % i, "sku": "LAMP", "qty": 10})
            self.assertEqual(r.status, 202)
            self.assertEqual(self.api.get("/allocations/o%d" % i).json(),
                             [{"sku": "LAMP", "batchref": "B%d" % i}])
        self.assertEqual(len(self.export("allocations")), 31)

    def test_refusals_of_the_book_routes_keep_their_message_format(self):
        self.add_batch("B1", "LAMP", 10, None)
        r = self.api.post("/add_batch", {"ref": "B1", "sku": "DESK", "qty": 1, "eta": None})
        self.assertEqual(r.status, 409)
        self.assertEqual(list(r.json()), ["message"])
        self.assertIn("duplicate batch reference B1", r.json()["message"])
        r = self.api.post("/allocate", {"orderid": "o1", "sku": "LAMP", "qty": "3"})
        self.assertEqual(r.status, 400)
        self.assertEqual(r.json(), {"message": "allocate: qty must be a whole number, not a string"})


class ApiV1(ServeCase):
    def setUp(self):
        super().setUp()
        self.s = self.serve()
        self.api = Http(self.s.port)

    def tearDown(self):
        self.api.close()
        self.assertEqual(self.stop_serve(self.s), 0)
        super().tearDown()

    def cmd(self, name, obj, status=200):
        r = self.api.post("/api/v1/undo" if name == "undo" else "/api/v1/commands/" + name, obj)
        self.assertEqual(r.status, status, r)
        return r.json()

    def test_every_bus_command_runs_through_the_bus_and_tells_what_happened(self):
        out = self.cmd("add-batch", {"ref": "B1", "sku": "LAMP", "qty": 10})
        self.assertEqual(out["command"], "add-batch")
        self.assertEqual([e["type"] for e in out["events"]], ["BatchCreated"])
        self.cmd("add-batch", {"ref": "B2", "sku": "LAMP", "qty": 10, "eta": "2027-01-05"})
        out = self.cmd("allocate", {"orderid": "o1", "sku": "LAMP", "qty": 4})
        self.assertEqual(out["batchref"], "B1")
        self.assertEqual(out["events"][0]["type"], "Allocated")
        self.cmd("allocate", {"orderid": "o2", "sku": "LAMP", "qty": 5})
        out = self.cmd("change-qty", {"ref": "B1", "qty": 4})
        self.assertEqual([e["type"] for e in out["events"]],
                         ["BatchQuantityChanged", "Reallocated"])
        self.assertEqual((out["events"][1]["from"], out["events"][1]["to"]), ("B1", "B2"))
        out = self.cmd("set-eta", {"ref": "B2", "eta": None})
        self.assertEqual(out["events"][0], {**out["events"][0], "type": "BatchEtaChanged",
                                            "old": "2027-01-05", "new": None})
        self.cmd("cancel", {"orderid": "o1", "sku": "LAMP"})
        self.assertEqual(self.export("allocations")[1:], [["o2", "LAMP", "5", "B2"]])
        self.assertEqual(self.export("batches")[1:], [["B1", "LAMP", "4", ""], ["B2", "LAMP", "10", ""]])
        out = self.cmd("allocate", {"orderid": "o9", "sku": "LAMP", "qty": 99, "need": "2027-06-01"})
        self.assertIsNone(out["batchref"])
        self.assertEqual(out["events"][0]["need"], "2027-06-01")
        self.assertEqual(out["events"][0]["type"], "OutOfStock")

    def test_atp_and_promise_answer_as_the_cli_and_change_nothing(self):
        self.cmd("add-batch", {"ref": "B1", "sku": "LAMP", "qty": 10})
        self.cmd("add-batch", {"ref": "B2", "sku": "LAMP", "qty": 5, "eta": "2030-01-01"})
        self.cmd("allocate", {"orderid": "o1", "sku": "LAMP", "qty": 8})
        before = self.snapshot()
        atp = self.api.get("/api/v1/products/LAMP/atp").json()
        self.assertEqual([(r["date"], r["first_ref"], r["arriving"], r["allocated"], r["free"],
                           r["projected"]) for r in atp["timeline"]],
                         [(atp["today"], "B1", 10, 8, 2, 2), ("2030-01-01", "B2", 5, 0, 5, 7)])
        self.assertIn(atp["today"], self.run_allot("atp", "LAMP").out)
        p = self.api.get("/api/v1/products/LAMP/promise?qty=3").json()
        self.assertEqual((p["batchref"], p["promised"]), ("B2", "2030-01-01"))
        self.assertEqual(self.run_allot("promise", "LAMP", "3").out.split(), ["B2", "2030-01-01"])
        p = self.api.get("/api/v1/products/LAMP/promise?qty=30").json()
        self.assertEqual((p["batchref"], p["could_ref"]), (None, None))
        for path, status in (("/api/v1/products/LAMP/promise", 400),
                             ("/api/v1/products/LAMP/promise?qty=x", 400),
                             ("/api/v1/products/LAMP/promise?qty=0", 400),
                             ("/api/v1/products/DESK/promise?qty=1", 404),
                             ("/api/v1/products/DESK/atp", 404)):
            r = self.api.get(path)
            self.assertEqual(r.status, status, (path, r))
        r = self.api.get("/api/v1/products/LAMP/promise?qty=x")
        self.assertEqual(r.json()["message"], self.run_allot("promise", "LAMP", "x").err[len("allot: "):].strip())
        self.assertEqual(self.snapshot(), before)

    def test_undo_and_why_over_http_are_the_cli_s(self):
        self.cmd("add-batch", {"ref": "B1", "sku": "LAMP", "qty": 10})
        self.cmd("allocate", {"orderid": "o1", "sku": "LAMP", "qty": 4})
        r = self.api.get("/api/v1/orders/o1/lines/LAMP/history")
        self.assertEqual(r.status, 200, r)
        hist = r.json()
        self.assertEqual([e["type"] for e in hist["events"]], ["Allocated"])
        cid = hist["events"][0]["command_id"]
        self.assertIsInstance(cid, int)
        out = self.cmd("undo", {"command_id": cid})
        self.assertEqual(out["undone"], cid)
        self.assertEqual(self.export("allocations")[1:], [])
        self.assertEqual(self.api.get("/api/v1/orders/o1").status, 404)
        out = self.cmd("undo", {})        # the latest: the undo itself, i.e. redo
        self.assertEqual(self.export("allocations")[1:][0][:4], ["o1", "LAMP", "4", "B1"])
        r = self.api.post("/api/v1/undo", {"command_id": 999})
        self.assertEqual((r.status, r.json()["error"]), (404, "unknown_command"))
        r = self.api.post("/api/v1/undo", {"command_id": "7"})
        self.assertEqual(r.status, 400)
        r = self.api.post("/api/v1/undo", {"command_id": 0})
        self.assertEqual(r.status, 400)
        cli = self.run_allot("why", "o1", "LAMP")
        self.assertEqual(cli.rc, 0)
        self.assertEqual(len(self.api.get("/api/v1/orders/o1/lines/LAMP/history").json()["events"]), 3)
        r = self.api.get("/api/v1/orders/o1/lines/DESK/history")
        self.assertEqual((r.status, r.json()["error"]), (404, "unknown_line"))

    def test_the_actor_is_the_clients_header_else_the_servers_own(self):
        self.cmd("add-batch", {"ref": "B1", "sku": "LAMP", "qty": 10})
        r = self.api.post("/api/v1/commands/allocate", {"orderid": "o1", "sku": "LAMP", "qty": 1},
                          headers={"X-Allot-Actor": "shop@web"})
        self.assertEqual(r.status, 200, r)
        r = self.api.post("/allocate", {"orderid": "o2", "sku": "LAMP", "qty": 1},
                          headers={"X-Allot-Actor": "book@web"})
        self.assertEqual(r.status, 202, r)
        ev = self.events()
        self.assertEqual([e["actor"] for e in ev[1:]], ["shop@web", "book@web"])
        self.assertNotIn(ev[0]["actor"], (None, "shop@web"))
        r = self.api.post("/allocate", {"orderid": "o3", "sku": "LAMP", "qty": 1},
                          headers={"X-Allot-Actor": "a\tb" + "x" * 70})
        self.assertEqual(r.status, 400)
        self.assertIn("X-Allot-Actor", r.json()["message"])

    def test_command_refusals_carry_the_cli_message_and_status(self):
        self.cmd("add-batch", {"ref": "B1", "sku": "LAMP", "qty": 10})
        cli = self.run_allot("allocate", "o1", "DESK", "1")
        out = self.cmd("allocate", {"orderid": "o1", "sku": "DESK", "qty": 1}, 404)
        self.assertEqual(out, {"error": "invalid_sku", "message": cli.err[len("allot: "):].strip()})
        out = self.cmd("add-batch", {"ref": "B1", "sku": "LAMP", "qty": 1}, 409)
        self.assertEqual(out["error"], "duplicate_batch")
        out = self.cmd("change-qty", {"ref": "NOPE", "qty": 1}, 404)
        self.assertEqual(out["error"], "unknown_batch")
        out = self.cmd("cancel", {"orderid": "zz", "sku": "LAMP"}, 404)
        self.assertEqual(out["error"], "unknown_line")
        self.cmd("allocate", {"orderid": "o1", "sku": "LAMP", "qty": 1})
        out = self.cmd("allocate", {"orderid": "o1", "sku": "LAMP", "qty": 2}, 409)
        self.assertEqual(out["error"], "line_qty_mismatch")
        cli = self.run_allot("allocate", "o1", "LAMP", "12x")
        out = self.cmd("allocate", {"orderid": "o1", "sku": "LAMP", "qty": 0}, 400)
        self.assertEqual(out["error"], "invalid")
        self.assertEqual(out["message"], 'allocate: qty "0" must be between 1 and 1000000000')
        out = self.cmd("export", {}, 404)
        self.assertEqual(out["error"], "unknown_command")
        self.assertIn("add-batch", out["message"])

    def test_the_read_model_lists_products_batches_lines_orders_and_backorders(self):
        self.cmd("add-batch", {"ref": "B1", "sku": "LAMP", "qty": 10})
        self.cmd("add-batch", {"ref": "B2", "sku": "LAMP", "qty": 5, "eta": "2027-02-01"})
        self.cmd("add-batch", {"ref": "C1", "sku": "DESK", "qty": 1})
        for i in range(7):
            self.cmd("allocate", {"orderid": "o%d" % i, "sku": "LAMP", "qty": 2})
        self.cmd("allocate", {"orderid": "o1", "sku": "DESK", "qty": 5})
        p = self.api.get("/api/v1/products").json()
        self.assertEqual([x["sku"] for x in p["items"]], ["DESK", "LAMP"])
        lamp = p["items"][1]
        self.assertEqual((lamp["batches"], lamp["qty"], lamp["allocated"], lamp["available"],
                          lamp["backorder_lines"], lamp["next_eta"]), (2, 15, 14, 1, 0, "2027-02-01"))
        self.assertIsNone(p["next"])
        p = self.api.get("/api/v1/products?limit=1").json()
        self.assertEqual(([x["sku"] for x in p["items"]], p["next"]), (["DESK"], "DESK"))
        p = self.api.get("/api/v1/products?limit=1&after=DESK").json()
        self.assertEqual([x["sku"] for x in p["items"]], ["LAMP"])
        p = self.api.get("/api/v1/products?backordered=true").json()
        self.assertEqual([x["sku"] for x in p["items"]], ["DESK"])
        b = self.api.get("/api/v1/products/LAMP/batches").json()
        self.assertEqual([(x["ref"], x["eta"], x["lines"]) for x in b["batches"]],
                         [("B1", None, 5), ("B2", "2027-02-01", 2)])
        lines = self.api.get("/api/v1/batches/B1/lines?limit=3").json()
        self.assertEqual([x["orderid"] for x in lines["items"]], ["o0", "o1", "o2"])
        more = self.api.get("/api/v1/batches/B1/lines?limit=3&after=" + lines["next"]).json()
        self.assertEqual([x["orderid"] for x in more["items"]], ["o3", "o4"])
        self.assertIsNone(more["next"])
        o = self.api.get("/api/v1/orders/o1").json()
        self.assertEqual(o["lines"], [{"orderid": "o1", "sku": "DESK", "qty": 5, "batchref": None, "eta": None},
                                      {"orderid": "o1", "sku": "LAMP", "qty": 2, "batchref": "B1", "eta": None}])
        bo = self.api.get("/api/v1/backorders").json()
        self.assertEqual([(x["orderid"], x["sku"]) for x in bo["items"]], [("o1", "DESK")])
        self.assertEqual(self.api.get("/api/v1/backorders?sku=LAMP").json()["items"], [])

    def test_backorders_page_oldest_first_over_every_sku_and_one(self):
        self.cmd("add-batch", {"ref": "B1", "sku": "LAMP", "qty": 0})
        self.cmd("add-batch", {"ref": "C1", "sku": "DESK", "qty": 0})
        for i in range(5):
            self.cmd("allocate", {"orderid": "o%d" % i, "sku": ("LAMP", "DESK")[i % 2], "qty": 1})
        got, after = [], None
        while True:
            page = self.api.get("/api/v1/backorders?limit=2" + ("&after=" + after if after else "")).json()
            got += [x["orderid"] for x in page["items"]]
            after = page["next"]
            if not after:
                break
        self.assertEqual(got, ["o0", "o1", "o2", "o3", "o4"])
        page = self.api.get("/api/v1/backorders?sku=LAMP&limit=2").json()
        self.assertEqual([x["orderid"] for x in page["items"]], ["o0", "o2"])
        page = self.api.get("/api/v1/backorders?sku=LAMP&limit=2&after=" + page["next"]).json()
        self.assertEqual([x["orderid"] for x in page["items"]], ["o4"])

    def test_unknown_things_of_the_read_model_are_404(self):
        self.cmd("add-batch", {"ref": "B10", "sku": "LAMP", "qty": 1})
        for path, error in (("/api/v1/products/NOPE/batches", "invalid_sku"),
                            ("/api/v1/batches/B1/lines", "unknown_batch"),
                            ("/api/v1/orders/nobody", "unknown_order")):
            r = self.api.get(path)
            self.assertEqual((r.status, r.json()["error"]), (404, error), path)
        self.assertEqual(self.api.get("/api/v1/batches/B10/lines").json()["items"], [])

    def test_the_event_log_is_a_json_list_after_since_the_same_as_events_json(self):
        self.cmd("add-batch", {"ref": "B1", "sku": "LAMP", "qty": 10})
        for i in range(5):
            self.cmd("allocate", {"orderid": "o%d" % i, "sku": "LAMP", "qty": 1})
        self.assertEqual(self.api.get("/api/v1/events").json(), self.events())
        self.assertEqual(self.api.get("/api/v1/events?since=3").json(), self.events(since=3))
        page = self.api.get("/api/v1/events?since=1&limit=2").json()
        self.assertEqual([e["id"] for e in page], [2, 3])
        self.assertEqual(self.api.get("/api/v1/events?since=99").json(), [])

    def test_the_event_stream_sends_the_log_then_each_new_event(self):
        self.cmd("add-batch", {"ref": "B1", "sku": "LAMP", "qty": 10})
        self.cmd("allocate", {"orderid": "o1", "sku": "LAMP", "qty": 1})
        sock = socket.create_connection(("127.0.0.1", self.s.port), timeout=10)
        sock.sendall(b"GET /api/v1/events/stream?since=1 HTTP/1.1\r\nHost: x\r\n\r\n")
        got = b""

        def frames():
            return [f for f in got.split(b"\r\n") if f.startswith(b"id: ") or b"\nid: " in f]

        deadline = time.time() + 10
        while b"event: Allocated" not in got and time.time() < deadline:
            got += sock.recv(65536)
        self.assertIn(b"HTTP/1.1 200", got)
        self.assertIn(b"Content-Type: text/event-stream", got)
        self.assertNotIn(b"BatchCreated", got)
        # Another process (the CLI) commits: the stream sends it.
        self.ok("allocate", "o2", "LAMP", "1")
        deadline = time.time() + 10
        while b'"orderid":"o2"' not in got and time.time() < deadline:
            got += sock.recv(65536)
        sock.close()
        text = got.decode()
        self.assertIn("id: 3\nevent: Allocated\ndata: ", text)
        data = [json.loads(l[len("data: "):]) for l in text.split("\n") if l.startswith("data: ")]
        self.assertEqual(data, self.events(since=1))

    def test_a_reconnecting_event_source_resumes_after_last_event_id(self):
        self.cmd("add-batch", {"ref": "B1", "sku": "LAMP", "qty": 10})
        for i in range(3):
            self.cmd("allocate", {"orderid": "o%d" % i, "sku": "LAMP", "qty": 1})
        sock = socket.create_connection(("127.0.0.1", self.s.port), timeout=10)
        sock.sendall(b"GET /api/v1/events/stream HTTP/1.1\r\nHost: x\r\nLast-Event-ID: 3\r\n\r\n")
        got = b""
        deadline = time.time() + 10
        while b"id: 4\n" not in got and time.time() < deadline:
            got += sock.recv(65536)
        sock.close()
        self.assertNotIn(b"id: 3\n", got)
        self.assertIn(b"id: 4\n", got)


class HostileInput(ServeCase):
    """Every bad input of issue 11 "Hostile input": a clear 4xx, nothing changed,
    the server keeps serving."""

    def setUp(self):
        super().setUp()
        self.ok("add-batch", "B1", "LAMP", "10")
        self.ok("allocate", "o1", "LAMP", "2")
        self.s = self.serve()
        self.api = Http(self.s.port)
        self.before = self.snapshot()

    def tearDown(self):
        self.api.close()
        # The server still serves, and nothing changed.
        r = Http(self.s.port).post("/allocate", {"orderid": "ok", "sku": "LAMP", "qty": 1})
        self.assertEqual(r.status, 202, r)
        self.assertEqual(self.stop_serve(self.s), 0)
        super().tearDown()

    def unchanged(self):
        self.assertEqual(self.snapshot(), self.before)

    def raw(self, data, read_until_close=True, timeout=15):
        sock = socket.create_connection(("127.0.0.1", self.s.port), timeout=timeout)
        sock.sendall(data)
        got = b""
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                got += chunk
                if not read_until_close and b"\r\n\r\n" in got:
                    break
        except socket.timeout:
            pass
        sock.close()
        return got

    def test_bodies_that_are_not_what_the_command_takes_are_400_naming_the_problem(self):
        cases = [
            (b'{"orderid": "o2", "sku": "LAMP", "qty": 3', "invalid JSON"),
            (b'{"orderid": "o2", "sku": "LAMP", "qty": "3"}', "qty must be a whole number, not a string"),
            (b'{"orderid": "o2", "sku": "LAMP", "qty": 3.5}', "qty must be a whole number, not a number with a fraction"),
            (b'{"orderid": "o2", "sku": "LAMP", "qty": 1e99}', "qty must be a whole number, not a number with a fraction"),
            (b'{"orderid": "o2", "sku": "LAMP", "qty": 99999999999999999999999}', "invalid JSON"),
            (b'{"orderid": "o2", "sku": "LAMP", "qty": -3}', 'qty "-3"'),
            (b'{"orderid": "o2", "qty": 3}', 'missing field "sku"'),
            (b'{"orderid": "o2", "sku": "LAMP", "qty": 3, "extra": 1}', 'unknown field "extra"'),
            (b'{"orderid": "o\xff2", "sku": "LAMP", "qty": 3}', "invalid JSON"),
            (b'{"orderid": "o\\u00012", "sku": "LAMP", "qty": 3}', "control character"),
            (b'{"orderid": "o\\u0000", "sku": "LAMP", "qty": 3}', "invalid JSON"),
            (b'{"orderid": "o2", "orderid": "o3", "sku": "LAMP", "qty": 3}', "invalid JSON"),
            (b'[' * 30000 + b']' * 30000, "maximum parsing depth"),
            (b'{"a":' * 10000 + b'1' + b'}' * 10000, "invalid JSON"),
            (b'{"orderid": {"a": [[[[1]]]]}, "sku": "LAMP", "qty": 3}', "orderid must be a string"),
            (b'"just a string"', "invalid JSON"),
            (b'[{"orderid": "o2"}]', "must be a JSON object, not an array"),
            (b'', "invalid JSON"),
            (b'{"orderid": "' + b"x" * 65 + b'", "sku": "LAMP", "qty": 3}', "longer than 64 bytes"),
        ]
        for body, words in cases:
            for path in ("/allocate", "/api/v1/commands/allocate"):
                r = self.api.request("POST", path, body=body,
                                     headers={"Content-Type": "application/json"})
                self.assertEqual(r.status, 400, (path, body[:60], r))
                self.assertIn(words, r.json()["message"], (path, body[:60]))
                if path.startswith("/api"):
                    self.assertEqual(r.json()["error"], "invalid")
                else:
                    self.assertEqual(list(r.json()), ["message"])
                msg = r.json()["message"]
                self.assertTrue(all(0x20 <= ord(c) != 0x7f for c in msg), msg)
        self.unchanged()

    def test_whole_numbers_written_with_a_fraction_or_an_exponent_are_400(self):
        """3.0, 2.0, 1E3, 4e1 are whole, but JSON numbers with a fraction or an
        exponent: docs/api.md refuses them on every route that takes a quantity."""
        words = "qty must be a whole number, not a number with a fraction or an exponent"
        cases = [
            ("/allocate", b'{"orderid": "o2", "sku": "LAMP", "qty": 3.0}'),
            ("/add_batch", b'{"ref": "B2", "sku": "LAMP", "qty": 5.0, "eta": null}'),
            ("/api/v1/commands/allocate", b'{"orderid": "o2", "sku": "LAMP", "qty": 2.0}'),
            ("/api/v1/commands/add-batch", b'{"ref": "B2", "sku": "LAMP", "qty": 5E0}'),
            ("/api/v1/commands/change-qty", b'{"ref": "B1", "qty": 1E3}'),
            ("/api/v1/commands/change-qty", b'{"ref": "B1", "qty": 4e1}'),
            ("/api/v1/commands/change-qty", b'{"ref": "B1", "qty": 20.00}'),
        ]
        for path, body in cases:
            r = self.api.request("POST", path, body=body, headers={"Content-Type": "application/json"})
            self.assertEqual(r.status, 400, (path, body, r))
            self.assertIn(words, r.json()["message"], (path, body))
        r = self.api.post("/api/v1/undo", {"command_id": 1.0})
        self.assertEqual(r.status, 400, r)
        self.assertIn("command_id must be a whole number, not a number with a fraction",
                      r.json()["message"])
        self.unchanged()

    def test_a_date_is_yyyy_mm_dd_or_null_never_the_command_lines_dash_or_empty(self):
        cases = [
            ("/add_batch", {"ref": "B2", "sku": "LAMP", "qty": 5, "eta": ""}, 'eta ""'),
            ("/add_batch", {"ref": "B2", "sku": "LAMP", "qty": 5, "eta": "-"}, 'eta "-"'),
            ("/api/v1/commands/add-batch", {"ref": "B2", "sku": "LAMP", "qty": 5, "eta": " "}, 'eta " "'),
            ("/api/v1/commands/set-eta", {"ref": "B1", "eta": "-"}, 'eta "-"'),
            ("/api/v1/commands/allocate", {"orderid": "o2", "sku": "LAMP", "qty": 1, "need": ""}, 'need ""'),
            ("/api/v1/commands/allocate", {"orderid": "o2", "sku": "LAMP", "qty": 1, "need": "-"}, 'need "-"'),
        ]
        for path, body, words in cases:
            r = self.api.post(path, body)
            self.assertEqual(r.status, 400, (path, body, r))
            self.assertIn(words + " is not a date (YYYY-MM-DD); null means none", r.json()["message"])
        self.unchanged()

    def test_a_body_over_64_kib_is_413_with_a_length_or_chunked(self):
        big = b'{"orderid": "o2", "sku": "LAMP", "qty": 3, "x": "' + b"a" * 70000 + b'"}'
        r = self.api.request("POST", "/allocate", body=big, headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 413)
        self.assertEqual(r.json(), {"message": "the request body is larger than 64 KiB (65536 bytes)"})
        chunks = b"".join(b"%x\r\n%s\r\n" % (len(big[i:i + 8192]), big[i:i + 8192])
                          for i in range(0, len(big), 8192)) + b"0\r\n\r\n"
        got = self.raw(b"POST /api/v1/commands/allocate HTTP/1.1\r\nHost: x\r\n"
                       b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks)
        self.assertTrue(got.startswith(b"HTTP/1.1 413"), got[:200])
        self.assertIn(b'"error":"too_large"', got)
        # Exactly 64 KiB is still read (and refused for what it says, not its size).
        body = b'{"orderid": "o2", "sku": "LAMP", "qty": 3}'
        body += b" " * (65536 - len(body))
        r = self.api.request("POST", "/allocate", body=body, headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 202, r)
        self.before = self.snapshot()

    def test_a_body_that_is_not_declared_json_is_415(self):
        body = b'{"orderid": "o2", "sku": "LAMP", "qty": 3}'
        for ct in (None, "text/plain", "application/x-www-form-urlencoded", "application/jsonx"):
            h = {"Content-Type": ct} if ct else {}
            r = self.api.request("POST", "/allocate", body=body, headers=h)
            self.assertEqual(r.status, 415, (ct, r))
            r = self.api.request("POST", "/api/v1/commands/allocate", body=body, headers=h)
            self.assertEqual((r.status, r.json()["error"]), (415, "unsupported_media_type"), ct)
        self.unchanged()
        r = self.api.request("POST", "/allocate", body=body,
                             headers={"Content-Type": "Application/JSON; charset=utf-8"})
        self.assertEqual(r.status, 202)
        self.before = self.snapshot()

    def test_bad_paths_methods_and_query_parameters_are_4xx(self):
        for method, path, status in (
                ("GET", "/nope", 404), ("GET", "/allocations/", 404), ("DELETE", "/allocate", 405),
                ("GET", "/allocate", 405), ("PUT", "/", 405), ("GET", "/allocations/o%001", 400),
                ("GET", "/allocations/" + "x" * 65, 400), ("GET", "/api/v1/events?since=abc", 400),
                ("GET", "/api/v1/events?since=-1", 400), ("GET", "/api/v1/events?since=1%002", 400),
                ("GET", "/api/v1/events?limit=0", 400), ("GET", "/api/v1/events?limit=10001", 400),
                ("GET", "/api/v1/products?limit=x", 400), ("GET", "/api/v1/products?backordered=2", 400),
                ("GET", "/api/v1/batches/B1/lines?after=x", 400),
                ("GET", "/api/v1/events/stream?since=x", 400)):
            r = self.api.request(method, path)
            self.assertEqual(r.status, status, (method, path, r))
            self.assertIn("message", r.json())
        r = self.api.request("DELETE", "/allocate")
        self.assertEqual(r.headers.get("allow"), "POST")
        self.unchanged()

    def test_query_parameters_are_checked_as_path_parts_and_only_those_a_route_takes(self):
        cases = [
            ("/api/v1/products?limit=2&after=%00", 'query parameter "after" ("%00") has an escaped control character'),
            ("/api/v1/products?after=A%0aB", 'query parameter "after" ("A%0aB") has an escaped control character'),
            ("/api/v1/products?after=%zz", 'query parameter "after" ("%zz") has a malformed percent escape'),
            ("/api/v1/events?since=1%2", 'query parameter "since" ("1%2") has a malformed percent escape'),
            ("/api/v1/products?bogus=1", 'unknown query parameter "bogus" (this route takes: limit after backordered)'),
            ("/api/v1/products?limit=1&Limit=2", 'unknown query parameter "Limit"'),
            ("/api/v1/orders/o1?limit=1", 'unknown query parameter "limit" (this route takes none)'),
            ("/api/v1/events?since=1&since=2", 'query parameter "since" is given twice'),
            ("/api/v1/backorders?sku", 'query parameter "sku" has no value'),
            ("/api/v1/products/LAMP/promise?qty=1&colour=red", 'unknown query parameter "colour"'),
            ("/healthz?verbose=1", 'unknown query parameter "verbose"'),
            ("/api/v1/orders/%zz", "the path has a malformed percent escape"),
            ("/api/v1/orders/o1%2", "the path has a malformed percent escape"),
            ("/api/v1/orders/o%001", "the path has an escaped control character"),
        ]
        for path, words in cases:
            r = self.api.get(path)
            self.assertEqual((r.status, r.json()["error"]), (400, "invalid"), (path, r))
            self.assertIn(words, r.json()["message"], path)
        # The book's routes answer in their own format.
        for path, words in (("/allocations/o1?x=1", 'unknown query parameter "x"'),
                            ("/allocations/%zz", "malformed percent escape"),
                            ("/?a=%00", 'unknown query parameter "a"')):
            r = self.api.get(path)
            self.assertEqual(r.status, 400, (path, r))
            self.assertEqual(list(r.json()), ["message"], path)
            self.assertIn(words, r.json()["message"], path)
        r = self.api.request("POST", "/allocate?dry=1", body=b'{"orderid": "q", "sku": "LAMP", "qty": 1}',
                             headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 400, r)
        self.assertIn('unknown query parameter "dry"', r.json()["message"])
        # What a route takes still works, escaped or not.
        self.assertEqual(self.api.get("/api/v1/products?limit=1&after=%41").status, 200)
        self.assertEqual(self.api.get("/api/v1/orders/o%31").json()["orderid"], "o1")
        self.unchanged()

    def test_headers_too_large_and_garbage_requests_are_refused(self):
        got = self.raw(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100000 + b"\r\n\r\n")
        self.assertRegex(got[:20], rb"HTTP/1.1 4\d\d")
        got = self.raw(b"\x00\x01\x02 garbage \xff\r\n\r\n")
        self.assertTrue(got == b"" or got.startswith(b"HTTP/1.1 4"), got[:100])
        self.unchanged()

    def test_a_client_sending_one_byte_a_second_is_cut_while_others_are_served(self):
        sock = socket.create_connection(("127.0.0.1", self.s.port), timeout=30)
        req = b'POST /allocate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n'
        t0 = time.time()
        closed_at = None
        for i in range(60):
            try:
                sock.sendall(req[i:i + 1] if i < len(req) else b" ")
            except OSError:
                closed_at = time.time()
                break
            sock.settimeout(1.0)
            try:
                if sock.recv(1) == b"":
                    closed_at = time.time()
                    break
            except socket.timeout:
                pass
            except OSError:
                closed_at = time.time()
                break
            if i == 3:  # meanwhile another client is served
                self.assertEqual(Http(self.s.port).get("/").status, 200)
        sock.close()
        self.assertIsNotNone(closed_at, "the slow client was never cut")
        self.assertLess(closed_at - t0, 20)
        self.unchanged()

    def test_thousands_of_idle_connections_are_bounded_and_the_server_comes_back(self):
        socks = []
        for i in range(2000):
            try:
                socks.append(socket.create_connection(("127.0.0.1", self.s.port), timeout=5))
            except OSError:
                break
        pid = self.s.proc.pid
        fds = len(os.listdir("/proc/%d/fd" % pid))
        self.assertLess(fds, 512 + 100, "the server holds %d descriptors" % fds)
        # The idle ones are closed by the server within its request time.
        deadline = time.time() + 30
        r = None
        while time.time() < deadline:
            try:
                r = Http(self.s.port, timeout=5).get("/")
                if r.status == 200:
                    break
            except OSError:
                time.sleep(0.5)
        self.assertEqual(r.status if r else None, 200)
        closed = 0
        for s in socks:
            s.settimeout(0.1)
            try:
                if s.recv(1) == b"":
                    closed += 1
            except (socket.timeout, OSError):
                pass
            s.close()
        self.assertGreater(closed, 400)
        self.unchanged()

    def test_a_body_shorter_than_its_length_is_cut_after_the_request_time(self):
        got = self.raw(b"POST /allocate HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 5\r\n\r\n{\"or")
        self.assertNotIn(b"HTTP/1.1 2", got)
        self.unchanged()


class Security(ServeCase):
    def test_listening_beyond_loopback_without_a_token_refuses_to_start(self):
        r = self.run_allot("serve", "--listen", "0.0.0.0:0", timeout=30)
        self.assertEqual(r.rc, 2, r)
        self.assertIn("needs a bearer token", r.err)
        self.assertNotIn("listening on http", r.err)

    def test_with_a_token_every_request_needs_it_and_it_is_never_logged(self):
        token = "t0k3n-" + os.urandom(8).hex()
        env = dict(self.env, ALLOT_API_TOKEN=token)
        s = self.serve(listen="0.0.0.0:0", env=env)
        for t in (None, "wrong", token + "x", token[:-1], ""):
            h = {"Authorization": "Bearer " + t} if t is not None else {}
            for method, path, obj in (("GET", "/", None), ("GET", "/api/v1/events", None),
                                      ("POST", "/allocate", {"orderid": "o", "sku": "S", "qty": 1})):
                r = Http(s.port).request(method, path, headers=h,
                                         json_body=obj)
                self.assertEqual(r.status, 401, (t, path))
                self.assertEqual(r.headers.get("www-authenticate"), 'Bearer realm="allot"')
        api = Http(s.port, token=token)
        self.assertEqual(api.get("/").status, 200)
        self.assertEqual(api.post("/add_batch", {"ref": "B1", "sku": "S", "qty": 1, "eta": None}).status, 201)
        r = Http(s.port).get("/", headers={"Authorization": "bearer  " + token})
        self.assertEqual(r.status, 200)
        self.assertEqual(self.stop_serve(s), 0)
        self.assertNotIn(token, "\n".join(s.log()))

    def test_the_token_file_wins_over_the_environment_and_bad_files_are_refused(self):
        token = "from-file-" + os.urandom(6).hex()
        path = self.write("token", token + "\n")
        env = dict(self.env, ALLOT_API_TOKEN="from-env")
        s = self.serve("--token-file", path, env=env)
        self.assertEqual(Http(s.port, token="from-env").get("/").status, 401)
        self.assertEqual(Http(s.port, token=token).get("/").status, 200)
        self.assertEqual(self.stop_serve(s), 0)
        for content, words in (("", "the token is empty"), ("sec ret%\n", "cannot hold"),
                               ("x" * 5000, "longer than")):
            p = self.write("bad", content)
            r = self.run_allot("serve", "--listen", "127.0.0.1:0", "--token-file", p, timeout=30)
            self.assertEqual(r.rc, 2, r)
            self.assertIn(words, r.err)
            if content.strip():
                self.assertNotIn(content.strip()[:20], r.err)
        r = self.run_allot("serve", "--listen", "127.0.0.1:0", "--token-file", self.path("missing"), timeout=30)
        self.assertEqual(r.rc, 2)
        self.assertIn("cannot read", r.err)


class Life(ServeCase):
    def test_help_serve_and_bad_options(self):
        r = self.ok("help", "serve", db=False)
        self.assertIn("usage: allot serve [--listen ADDR:PORT] [--redis HOST:PORT] [--token-file FILE]", r.out)
        for args in (["serve", "--listen", "nope"], ["serve", "--listen", "127.0.0.1:70000"],
                     ["serve", "--redis", "localhost"], ["serve", "extra"]):
            r = self.run_allot(*args, timeout=30)
            self.assertEqual(r.rc, 2, (args, r))

    def test_a_port_in_use_is_a_clear_error(self):
        with socket.socket() as busy:
            busy.bind(("127.0.0.1", 0))
            busy.listen()
            port = busy.getsockname()[1]
            r = self.run_allot("serve", "--listen", "127.0.0.1:%d" % port, timeout=30)
        self.assertEqual(r.rc, 3, r)
        # What holds it is not an allot serve: the system's words.
        self.assertIn("cannot listen on 127.0.0.1:%d: Address already in use" % port, r.err)

    def test_sigterm_lets_a_request_in_flight_finish_and_exits_0(self):
        self.ok("add-batch", "B1", "LAMP", "10")
        s = self.serve()
        sock = socket.create_connection(("127.0.0.1", s.port), timeout=10)
        body = b'{"orderid": "late", "sku": "LAMP", "qty": 1}'
        sock.sendall(b"POST /allocate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: %d\r\n\r\n" % len(body) + body[:10])
        time.sleep(0.3)
        s.proc.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        sock.sendall(body[10:])
        got = sock.recv(65536)
        sock.close()
        self.assertTrue(got.startswith(b"HTTP/1.1 202"), got)
        self.assertEqual(self.stop_serve(s), 0)
        self.assertEqual(self.export("allocations")[1:], [["late", "LAMP", "1", "B1"]])
        # No new connection is taken once stopping.
        with self.assertRaises(OSError):
            socket.create_connection(("127.0.0.1", s.port), timeout=2).close()

    def test_parallel_clients_never_lose_or_double_a_line(self):
        self.ok("add-batch", "B1", "LAMP", "100")
        self.ok("add-batch", "B2", "LAMP", "100", "2027-01-01")
        s = self.serve()

        def client(k):
            api = Http(s.port)
            codes = []
            for i in range(30):
                r = api.post("/allocate", {"orderid": "c%d-%d" % (k, i), "sku": "LAMP", "qty": 1})
                codes.append(r.status)
            api.close()
            return codes

        with concurrent.futures.ThreadPoolExecutor(8) as ex:
            codes = sum(ex.map(client, range(8)), [])
        self.assertEqual(codes, [202] * 240)
        self.assertEqual(self.stop_serve(s), 0)
        allocs = self.export("allocations")[1:]
        backs = self.export("backorders")[1:]
        self.assertEqual(len(allocs), 200)
        self.assertEqual(len(backs), 40)
        self.assertEqual(len({a[0] for a in allocs} | {b[0] for b in backs}), 240)

    def test_the_store_is_opened_at_start_and_a_bad_one_is_a_clear_error(self):
        os.makedirs(self.path("adir"))
        r = self.run_allot("--db", self.path("adir"), "serve", "--listen", "127.0.0.1:0", db=False, timeout=30)
        self.assertEqual(r.rc, 3, r)
        self.assertIn("is a directory", r.err)


if __name__ == "__main__":
    run()
