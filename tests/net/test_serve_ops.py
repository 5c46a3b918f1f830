"""End-to-end tests of `allot serve` as an operator runs it (issue 16): GET /metrics
read by the Prometheus text parser (Debian python3-prometheus-client), counters that
move by exactly the requests driven; GET /healthz with the store up and gone; one log
line per request and relay batch, --log-level; SIGTERM during a stream of requests
(every 2xx stored, the relay's position saved, exit 0); SIGHUP and the token file; a
second server on the same store and port; the options from the environment.

The store is SQLite, or, run through tests/support/pg_cluster.sh (ALLOT_TEST_PG_DIR
set), a fresh database of a throwaway PostgreSQL cluster, "gone" meaning its server
stopped.  A real redis-server on a free private port; the real allot binary.

Usage: test_serve_ops.py ALLOT_BINARY [unittest options]
"""

import concurrent.futures
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
import unittest
import warnings

from serve_util import Http, ServeCase, free_port, run, sqlite_relay_position

try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError:  # the Debian package python3-prometheus-client
    text_string_to_metric_families = None

PG_DIR = os.environ.get("ALLOT_TEST_PG_DIR")
# The clients of these tests are dropped with their sockets open, on purpose and often.
warnings.simplefilter("ignore", ResourceWarning)
_next_db = [0]


class SqliteStore:
    kind = "sqlite"

    def __init__(self, case):
        self.path = case.path("allot.db")
        self.uri = self.path

    def relay_position(self):
        return sqlite_relay_position(self.path)

    def take_away(self):
        """The database file moved away under the running server (its open
        connections keep the old file)."""
        os.rename(self.path, self.path + ".away")

    def bring_back(self):
        os.rename(self.path + ".away", self.path)

    def gone_words(self):
        return self.path


class PgStore:
    kind = "postgresql"

    def __init__(self, case):
        _next_db[0] += 1
        self.name = "allot_ops_%d_%d" % (os.getpid(), _next_db[0])
        subprocess.run(["createdb", self.name], check=True)
        self.uri = "postgresql:///" + self.name

    def relay_position(self):
        out = subprocess.run(["psql", "-d", self.name, "-Atc",
                              "SELECT position FROM allot.relays WHERE name = 'redis'"],
                             check=True, capture_output=True, text=True).stdout.strip()
        return int(out) if out else 0

    def pg_ctl(self, *args):
        argv = (os.environ["ALLOT_TEST_PG_AS"].split() +
                [os.path.join(os.environ["ALLOT_TEST_PG_BIN"], "pg_ctl"),
                 "-D", os.environ["ALLOT_TEST_PG_DATA"], "-w"] + list(args))
        subprocess.run(argv, check=True, capture_output=True, timeout=120)

    def take_away(self):
        """The server stopped."""
        self.pg_ctl("-m", "fast", "stop")

    def bring_back(self):
        self.pg_ctl("-l", os.path.join(PG_DIR, "server.log"), "-o",
                    os.environ["ALLOT_TEST_PG_OPTS"], "start")

    def gone_words(self):
        return self.name


class Scrape:
    """One GET /metrics, parsed by prometheus_client's text parser."""

    def __init__(self, text):
        self.text = text
        self.families = {}
        self.samples = {}
        for f in text_string_to_metric_families(text):
            self.families[f.name] = f
            for s in f.samples:
                key = (s.name, frozenset(s.labels.items()))
                if key in self.samples:
                    raise AssertionError("sample %s %s twice" % (s.name, s.labels))
                self.samples[key] = s.value

    def get(self, name, **labels):
        """The value of a sample; 0 when absent (a counter not yet moved)."""
        return self.samples.get((name, frozenset(labels.items())), 0.0)

    def has(self, name, **labels):
        return (name, frozenset(labels.items())) in self.samples

    def type_of(self, family):
        return self.families[family].type

    def of(self, name):
        """Every sample named `name`: [(labels, value)]."""
        return [(dict(k[1]), v) for k, v in self.samples.items() if k[0] == name]


class OpsCase(ServeCase):
    def setUp(self):
        super().setUp()
        if text_string_to_metric_families is None:
            raise unittest.SkipTest("needs the Prometheus parser (Debian python3-prometheus-client)")
        self.store = PgStore(self) if PG_DIR else SqliteStore(self)
        self.db = self.store.uri

    def scrape(self, api):
        r = api.get("/metrics")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8")
        return Scrape(r.text)

    def wait_scrape(self, api, pred, timeout=15):
        deadline = time.time() + timeout
        while True:
            m = self.scrape(api)
            if pred(m) or time.time() > deadline:
                return m
            time.sleep(0.1)

    def serve_redis(self, *args, **kw):
        return self.serve("--redis", "127.0.0.1:%d" % self.r.port, *args, **kw)

    def request_lines(self, s):
        return [l for l in s.log() if l.startswith("allot: http: ")]


def read_response(sock):
    """One HTTP/1.1 response (headers and a Content-Length body) from `sock`."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    m = re.search(rb"(?i)content-length: *(\d+)", head)
    while m and len(body) < int(m.group(1)):
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return head, body


def fields(line):
    """The key=value pairs of a log line."""
    return dict(m.groups() for m in re.finditer(r"(\w+)=(\S+)", line))


class Metrics(OpsCase):
    def test_counters_move_by_exactly_the_requests_driven(self):
        s = self.serve()
        api = Http(s.port)
        before = self.scrape(api)
        for i in range(3):
            r = api.post("/add_batch", {"ref": "B%d" % i, "sku": "LAMP", "qty": 10, "eta": None})
            self.assertEqual(r.status, 201, r)
        for i in range(5):
            self.assertEqual(api.post("/allocate", {"orderid": "o%d" % i, "sku": "LAMP", "qty": 1}).status, 202)
        self.assertEqual(api.post("/allocate", {"orderid": "x", "sku": "NOPE", "qty": 1}).status, 400)
        self.assertEqual(api.get("/allocations/o1").status, 200)
        self.assertEqual(api.get("/no/such/route").status, 404)
        self.assertEqual(api.post("/api/v1/commands/change-qty", {"ref": "NOPE", "qty": 1}).status, 404)
        self.assertEqual(api.post("/api/v1/commands/change-qty", {"ref": "B1", "qty": 50}).status, 200)
        self.assertEqual(api.post("/api/v1/commands/allocate", {"orderid": "p", "sku": "LAMP"}).status, 400)
        after = self.scrape(api)

        def moved(name, **labels):
            return after.get(name, **labels) - before.get(name, **labels)

        req = "allot_http_requests_total"
        self.assertEqual(moved(req, method="POST", route="/add_batch", status="201"), 3)
        self.assertEqual(moved(req, method="POST", route="/allocate", status="202"), 5)
        self.assertEqual(moved(req, method="POST", route="/allocate", status="400"), 1)
        self.assertEqual(moved(req, method="GET", route="/allocations/{orderid}", status="200"), 1)
        self.assertEqual(moved(req, method="", route="none", status="404"), 1)
        self.assertEqual(moved(req, method="POST", route="/api/v1/commands/{name}", status="404"), 1)
        self.assertEqual(moved(req, method="POST", route="/api/v1/commands/{name}", status="200"), 1)
        self.assertEqual(moved(req, method="POST", route="/api/v1/commands/{name}", status="400"), 1)
        # The first scrape was answered before the second read the counters.
        self.assertEqual(moved(req, method="GET", route="/metrics", status="200"), 1)
        self.assertEqual(sum(v for _, v in after.of(req)) - sum(v for _, v in before.of(req)), 15)
        self.assertEqual(after.type_of("allot_http_requests"), "counter")

        # The latency histogram: one observation per answer, cumulative buckets.
        hist = "allot_http_request_duration_seconds"
        self.assertEqual(after.type_of(hist), "histogram")
        labels = dict(method="POST", route="/allocate")
        self.assertEqual(moved(hist + "_count", **labels), 6)
        buckets = sorted(((float(l["le"]), v) for l, v in after.of(hist + "_bucket")
                          if l["route"] == "/allocate"), key=lambda b: b[0])
        self.assertEqual(buckets[-1], (float("inf"), after.get(hist + "_count", **labels)))
        self.assertEqual([v for _, v in buckets], sorted(v for _, v in buckets))
        self.assertGreater(moved(hist + "_sum", **labels), 0)
        self.assertLess(moved(hist + "_sum", **labels), 6 * 10)

        # Commands by type and outcome: those that reached the bus (a body the
        # parser refused did not).
        cmd = "allot_commands_total"
        self.assertEqual(moved(cmd, command="CreateBatch", outcome="ok"), 3)
        self.assertEqual(moved(cmd, command="Allocate", outcome="ok"), 5)
        self.assertEqual(moved(cmd, command="Allocate", outcome="invalid_sku"), 1)
        self.assertEqual(moved(cmd, command="ChangeBatchQuantity", outcome="unknown_batch"), 1)
        self.assertEqual(moved(cmd, command="ChangeBatchQuantity", outcome="ok"), 1)
        self.assertEqual(sum(v for _, v in after.of(cmd)) - sum(v for _, v in before.of(cmd)), 11)
        retries = after.of("allot_command_retries_total")
        self.assertEqual({l["command"] for l, _ in retries},
                         {"Allocate", "CreateBatch", "ChangeBatchQuantity", "ChangeBatchEta",
                          "CancelOrderLine", "AllocateTo", "RetryBackorders", "Undo"})
        if self.store.kind == "sqlite":  # one writer at a time: no write conflict to retry
            self.assertEqual(sum(v for _, v in retries), 0)

        version = self.ok("--version", db=False).out.split()[1]
        self.assertEqual(after.get("allot_build_info", version=version), 1)
        self.assertEqual(after.get("allot_store_info", kind=self.store.kind), 1)
        self.assertEqual(after.type_of("allot_store_info"), "gauge")
        self.assertGreaterEqual(after.get("allot_http_requests_in_flight"), 1)  # this scrape
        self.assertEqual(after.get("allot_http_event_streams"), 0)
        self.assertGreater(after.get("process_resident_memory_bytes"), 1 << 20)
        self.assertGreater(after.get("process_open_fds"), 2)
        self.assertLessEqual(after.get("process_start_time_seconds"), time.time())
        self.assertGreater(after.get("process_start_time_seconds"), time.time() - 600)
        # Without --redis there is no relay to tell about.
        self.assertFalse(any(n.startswith(("allot_relay", "allot_redis")) for n in after.families))
        self.assertEqual(self.stop_serve(s), 0)

    def test_concurrent_clients_are_each_counted_once(self):
        self.ok("add-batch", "B1", "LAMP", "1000")
        s = self.serve()
        before = self.scrape(Http(s.port))

        def client(k):
            api = Http(s.port)
            for i in range(25):
                self.assertEqual(api.post("/allocate", {"orderid": "c%d-%d" % (k, i), "sku": "LAMP", "qty": 1}).status, 202)
                self.assertEqual(api.get("/allocations/c%d-%d" % (k, i)).status, 200)
            api.close()

        with concurrent.futures.ThreadPoolExecutor(6) as ex:
            list(ex.map(client, range(6)))
        after = self.scrape(Http(s.port))
        for route, status in (("/allocate", "202"), ("/allocations/{orderid}", "200")):
            m = "POST" if route == "/allocate" else "GET"
            self.assertEqual(after.get("allot_http_requests_total", method=m, route=route, status=status) -
                             before.get("allot_http_requests_total", method=m, route=route, status=status), 150)
            self.assertEqual(after.get("allot_http_request_duration_seconds_count", method=m, route=route) -
                             before.get("allot_http_request_duration_seconds_count", method=m, route=route), 150)
        self.assertEqual(after.get("allot_commands_total", command="Allocate", outcome="ok"), 150)
        self.assertEqual(self.stop_serve(s), 0)

    def test_write_conflicts_on_one_sku_are_counted_as_retries(self):
        if self.store.kind != "postgresql":
            self.skipTest("SQLite runs one writer at a time: there is no write conflict to retry")
        self.ok("add-batch", "B1", "LAMP", "100000")
        s = self.serve()
        n = [0]

        def client(k, rnd):
            api = Http(s.port)
            for i in range(50):
                self.assertEqual(api.post("/allocate", {"orderid": "r%d-%d-%d" % (rnd, k, i),
                                                        "sku": "LAMP", "qty": 1}).status, 202)
            api.close()

        m = None
        for rnd in range(5):  # four writers on one product: conflicts come, but by chance
            with concurrent.futures.ThreadPoolExecutor(4) as ex:
                list(ex.map(lambda k: client(k, rnd), range(4)))
            n[0] += 200
            m = self.scrape(Http(s.port))
            if m.get("allot_command_retries_total", command="Allocate") > 0:
                break
        self.assertGreater(m.get("allot_command_retries_total", command="Allocate"), 0)
        self.assertEqual(m.get("allot_commands_total", command="Allocate", outcome="ok"), n[0])
        self.assertEqual(len(self.export("allocations")) - 1, n[0])
        self.assertEqual(self.stop_serve(s), 0)

    def test_the_relay_lag_and_the_redis_links_follow_the_log_and_redis(self):
        self.r = self.redis()
        self.ok("add-batch", "B1", "LAMP", "100")
        sub = self.subscribe(self.r, "allot.events")
        s = self.serve_redis()
        api = Http(s.port)
        for i in range(4):
            self.assertEqual(api.post("/allocate", {"orderid": "o%d" % i, "sku": "LAMP", "qty": 1}).status, 202)
        last = self.events()[-1]["id"]
        m = self.wait_scrape(api, lambda m: m.get("allot_relay_position") == last and
                             m.get("allot_redis_connected", link="consumer") == 1)
        self.assertEqual(m.get("allot_relay_position"), last)
        self.assertEqual(m.get("allot_relay_lag_events"), 0)
        self.assertEqual(m.type_of("allot_relay_lag_events"), "gauge")
        self.assertEqual(m.get("allot_relay_leader"), 1)
        self.assertEqual(m.get("allot_relay_published_events_total"), last)
        self.assertGreaterEqual(m.get("allot_relay_batches_total"), 1)
        self.assertEqual(m.get("allot_redis_connected", link="relay"), 1)
        self.assertEqual(m.get("allot_redis_connected", link="consumer"), 1)
        self.assertEqual(len(sub.wait_for(lambda ms: len(ms) >= last and ms)), last)

        # Redis messages: one run, one refused.
        c = self.r.client()
        c.publish("change_batch_quantity", json.dumps({"batchref": "B1", "qty": 90}))
        c.publish("change_batch_quantity", b"not json")
        c.close()
        m = self.wait_scrape(api, lambda m: m.get("allot_redis_messages_total", outcome="refused") == 1)
        self.assertEqual(m.get("allot_redis_messages_total", outcome="ok"), 1)
        self.assertEqual(m.get("allot_redis_messages_total", outcome="refused"), 1)
        self.assertEqual(m.get("allot_commands_total", command="ChangeBatchQuantity", outcome="ok"), 1)

        # Redis gone: the links say so, and the events committed meanwhile wait: the
        # lag counts them exactly.
        sub.close()
        self.subs.remove(sub)
        self.r.stop()
        m = self.wait_scrape(api, lambda m: m.get("allot_redis_connected", link="consumer") == 0)
        self.assertEqual(m.get("allot_redis_connected", link="consumer"), 0)
        position = self.wait_scrape(api, lambda m: m.get("allot_relay_lag_events") == 0).get("allot_relay_position")
        for i in range(4, 7):
            self.assertEqual(api.post("/allocate", {"orderid": "o%d" % i, "sku": "LAMP", "qty": 1}).status, 202)
        waiting = len([e for e in self.events() if e["id"] > position])
        self.assertGreaterEqual(waiting, 3)
        m = self.wait_scrape(api, lambda m: m.get("allot_redis_connected", link="relay") == 0)
        self.assertEqual(m.get("allot_redis_connected", link="relay"), 0)
        self.assertEqual(m.get("allot_relay_lag_events"), waiting)
        self.assertEqual(m.get("allot_relay_position"), position)
        # Redis back on its port: the relay catches up, the lag is 0 again.
        self.r.start()
        m = self.wait_scrape(api, lambda m: m.get("allot_relay_lag_events") == 0 and
                             m.get("allot_redis_connected", link="relay") == 1, timeout=30)
        self.assertEqual(m.get("allot_relay_lag_events"), 0)
        self.assertEqual(m.get("allot_relay_position"), self.events()[-1]["id"])
        self.assertEqual(self.stop_serve(s), 0)

    def test_a_second_relay_tells_the_stored_position_and_its_lag(self):
        self.r = self.redis()
        self.ok("add-batch", "B1", "LAMP", "100")
        first = self.serve_redis()
        second = self.serve_redis()
        self.assertTrue(second.wait_log(r"redis: relay: waiting: .* publishes"), second.log())
        Http(first.port).post("/allocate", {"orderid": "o1", "sku": "LAMP", "qty": 1})
        last = self.events()[-1]["id"]
        m = self.wait_scrape(Http(second.port), lambda m: m.get("allot_relay_position") == last)
        self.assertEqual(m.get("allot_relay_leader"), 0)
        self.assertEqual(m.get("allot_relay_position"), last)
        self.assertEqual(m.get("allot_relay_lag_events"), 0)
        self.assertEqual(m.get("allot_relay_published_events_total"), 0)
        self.assertEqual(self.stop_serve(second), 0)
        self.assertEqual(self.stop_serve(first), 0)


class Health(OpsCase):
    def test_healthz_is_200_while_the_store_answers_and_503_naming_it_when_gone(self):
        self.ok("add-batch", "B1", "LAMP", "10")
        s = self.serve()
        api = Http(s.port)
        r = api.get("/healthz")
        self.assertEqual((r.status, r.json()), (200, {"status": "ok", "store": self.store.kind}))
        self.store.take_away()
        try:
            r = api.get("/healthz")
            self.assertEqual(r.status, 503, r)
            body = r.json()
            self.assertEqual((body["status"], body["store"], body["error"]),
                             ("unavailable", self.store.kind, "storage"))
            self.assertIn(self.store.gone_words(), body["message"])
            # The metrics still answer, and count the 503.
            m = self.scrape(api)
            self.assertEqual(m.get("allot_http_requests_total", method="GET", route="/healthz", status="503"), 1)
        finally:
            self.store.bring_back()
        deadline = time.time() + 20
        while api.get("/healthz").status != 200 and time.time() < deadline:
            time.sleep(0.2)
        self.assertEqual(api.get("/healthz").json()["status"], "ok")
        self.assertTrue(any("path=/healthz status=503" in l for l in self.request_lines(s)))
        self.assertEqual(self.stop_serve(s), 0)

    def test_a_command_while_the_store_is_gone_is_503_and_creates_nothing(self):
        """The store taken away before any command ran (so the workers open it
        then): the commands answer 503 storage, and no new empty database (nor its
        -wal, -shm) appears where the old one was."""
        self.ok("add-batch", "B1", "Chai", "10")
        s = self.serve()
        api = Http(s.port)
        folder = os.path.dirname(self.store.path) if self.store.kind == "sqlite" else None
        self.store.take_away()
        before = sorted(os.listdir(folder)) if folder else None
        try:
            self.assertEqual(api.get("/healthz").status, 503)
            r = api.post("/allocate", {"orderid": "o1", "sku": "Chai", "qty": 1})
            self.assertEqual(r.status, 503, r)
            self.assertIn(self.store.gone_words(), r.json()["message"])
            r = api.post("/api/v1/commands/add-batch", {"ref": "B2", "sku": "Chai", "qty": 5})
            self.assertEqual((r.status, r.json()["error"]), (503, "storage"), r)
            r = api.get("/api/v1/products")
            self.assertEqual((r.status, r.json()["error"]), (503, "storage"), r)
            if folder:
                self.assertFalse(os.path.exists(self.store.path))
                self.assertEqual(sorted(os.listdir(folder)), before)
        finally:
            self.store.bring_back()
        # Back: the commands work on the old database, whose batch is there.
        deadline = time.time() + 20
        while time.time() < deadline:
            r = api.post("/allocate", {"orderid": "o1", "sku": "Chai", "qty": 1})
            if r.status != 503:
                break
            time.sleep(0.2)
        self.assertEqual(r.status, 202, r)
        self.assertEqual(api.get("/allocations/o1").json(), [{"sku": "Chai", "batchref": "B1"}])
        self.assertEqual(self.stop_serve(s), 0)

    def test_healthz_answers_503_once_stopping(self):
        self.ok("add-batch", "B1", "LAMP", "10")
        s = self.serve()
        sock = socket.create_connection(("127.0.0.1", s.port), timeout=10)
        # A request held open keeps the server draining while /healthz is asked on
        # a connection that was open before SIGTERM.
        body = b'{"orderid": "late", "sku": "LAMP", "qty": 1}'
        sock.sendall(b"POST /allocate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: %d\r\n\r\n" % len(body) + body[:5])
        probe = socket.create_connection(("127.0.0.1", s.port), timeout=10)
        probe.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        head, _ = read_response(probe)
        self.assertTrue(head.startswith(b"HTTP/1.1 200"), head)
        s.proc.send_signal(signal.SIGTERM)
        self.assertTrue(s.wait_log("serve: stopping"))
        probe.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        head, answer = read_response(probe)
        self.assertTrue(head.startswith(b"HTTP/1.1 503"), head)
        self.assertEqual(json.loads(answer)["status"], "stopping")
        self.assertIn(b"\r\nConnection: close", head)
        probe.close()
        sock.sendall(body[5:])
        got = sock.recv(65536)
        self.assertTrue(got.startswith(b"HTTP/1.1 202"), (got, s.log()))
        sock.close()
        self.assertEqual(self.stop_serve(s), 0)


class Logs(OpsCase):
    def test_one_line_per_request_with_its_command_and_never_a_token_or_a_body(self):
        token = "tok-" + os.urandom(8).hex()
        marker = "body-" + os.urandom(6).hex()
        s = self.serve(env=dict(self.env, ALLOT_API_TOKEN=token))
        api = Http(s.port, token=token)
        self.assertEqual(api.post("/add_batch", {"ref": "B1", "sku": "LAMP", "qty": 10, "eta": None}).status, 201)
        self.assertEqual(api.post("/allocate", {"orderid": marker, "sku": "LAMP", "qty": 2}).status, 202)
        self.assertEqual(api.get("/api/v1/products").status, 200)
        self.assertEqual(Http(s.port).get("/").status, 401)
        self.assertEqual(api.get("/allocations/has%20space").status, 404)
        self.assertEqual(self.stop_serve(s), 0)
        lines = self.request_lines(s)
        self.assertEqual(len(lines), 5, lines)
        # Lines are written as requests end (answer sent), in that order.
        by_path = {x["path"]: x for x in map(fields, lines)}
        self.assertEqual(sorted((x["method"], p, x["status"]) for p, x in by_path.items()),
                         [("GET", "/", "401"), ("GET", "/allocations/has%20space", "404"),
                          ("GET", "/api/v1/products", "200"), ("POST", "/add_batch", "201"),
                          ("POST", "/allocate", "202")])
        for x in by_path.values():
            self.assertGreater(float(x["duration_ms"]), 0)
            self.assertEqual(x["peer"], "127.0.0.1")
        # The command id is the one the store gave the command (its events carry it).
        ids = {e["type"]: e["command_id"] for e in self.events()}
        self.assertEqual(int(by_path["/add_batch"]["command"]), ids["BatchCreated"])
        self.assertEqual(int(by_path["/allocate"]["command"]), ids["Allocated"])
        self.assertNotIn("command", by_path["/api/v1/products"])
        self.assertNotIn("command", by_path["/"])
        log = "\n".join(s.log())
        self.assertNotIn(token, log)
        self.assertNotIn(marker, log)
        self.assertNotIn('"qty"', log)

    def test_the_log_level_chooses_the_lines(self):
        self.ok("add-batch", "B1", "LAMP", "10")
        for level, want in (("error", []), ("warn", ["503"]), ("info", ["200", "404", "503"])):
            s = self.serve("--log-level", level)
            api = Http(s.port)
            api.get("/")
            api.get("/nope")
            self.store.take_away()
            try:
                self.assertEqual(api.get("/healthz").status, 503)
            finally:
                self.store.bring_back()
            self.assertEqual(self.stop_serve(s), 0)
            # (Lines come as requests end: a 404 closes its connection, which may end later.)
            got = sorted(fields(l)["status"] for l in self.request_lines(s))
            self.assertEqual(got, want, (level, s.log()))
            if level != "info":
                self.assertFalse(any("serve: stopping" in l for l in s.log()), s.log())
        # The environment gives it as well; a bad level is refused, naming its source.
        s = self.serve(env=dict(self.env, ALLOT_LOG_LEVEL="warn"))
        Http(s.port).get("/")
        self.assertEqual(self.stop_serve(s), 0)
        self.assertEqual(self.request_lines(s), [])
        r = self.run_allot("serve", "--listen", "127.0.0.1:0", "--log-level", "loud", timeout=30)
        self.assertEqual(r.rc, 2, r)
        self.assertIn('"loud" is not one of error|warn|info|debug', r.err)
        r = self.run_allot("serve", "--listen", "127.0.0.1:0", env=dict(self.env, ALLOT_LOG_LEVEL="loud"), timeout=30)
        self.assertEqual(r.rc, 2, r)
        self.assertIn("ALLOT_LOG_LEVEL", r.err)

    def test_one_line_per_relay_batch_and_debug_shows_the_lease(self):
        self.r = self.redis()
        self.ok("add-batch", "B1", "LAMP", "100")
        sub = self.subscribe(self.r, "allot.events")
        s = self.serve_redis("--log-level", "debug")
        api = Http(s.port)
        last = 0
        for i in range(3):
            api.post("/allocate", {"orderid": "o%d" % i, "sku": "LAMP", "qty": 1})
            last = self.events()[-1]["id"]
            sub.wait_for(lambda ms: any(d["id"] == last for c, d in ms))
        self.assertTrue(s.wait_log(r"relay: batch .* last=%d " % last), s.log())
        self.assertEqual(self.stop_serve(s), 0)
        batches = [fields(l) for l in s.log() if "redis: relay: batch " in l]
        self.assertEqual(sum(int(b["events"]) for b in batches), last)
        self.assertEqual([int(b["first"]) for b in batches],
                         [1] + [int(b["last"]) + 1 for b in batches[:-1]])
        self.assertEqual(int(batches[-1]["position"]), last)
        self.assertTrue(all(b["stored"] == "yes" and float(b["duration_ms"]) >= 0 for b in batches))
        self.assertTrue(any("redis: relay: lease held=1" in l for l in s.log()))
        self.assertTrue(any("redis: consumer: connected" in l for l in s.log()))
        self.assertTrue(any(re.search(r"redis: relay: stopped at position %d \(stored\)" % last, l)
                            for l in s.log()), s.log())


class Life(OpsCase):
    def test_sigterm_during_a_stream_of_requests_keeps_every_2xx_and_saves_the_relay_position(self):
        self.r = self.redis()
        self.ok("add-batch", "B1", "LAMP", "100000")
        sub = self.subscribe(self.r, "allot.events")
        s = self.serve_redis()
        acked, lock = set(), threading.Lock()
        stopped = threading.Event()

        def client(k):
            api = Http(s.port, timeout=30)
            i = 0
            while True:
                oid = "s%d-%05d" % (k, i)
                i += 1
                try:
                    r = api.post("/allocate", {"orderid": oid, "sku": "LAMP", "qty": 1})
                except OSError:
                    return  # the server is gone: no answer, nothing acknowledged
                if 200 <= r.status < 300:
                    with lock:
                        acked.add(oid)
                elif stopped.is_set():
                    return
                else:
                    raise AssertionError(r)

        with concurrent.futures.ThreadPoolExecutor(4) as ex:
            futures = [ex.submit(client, k) for k in range(4)]
            deadline = time.time() + 30
            while len(acked) < 200 and time.time() < deadline:
                time.sleep(0.05)
            stopped.set()
            s.proc.send_signal(signal.SIGTERM)
            for f in futures:
                f.result(timeout=60)
        rc = self.stop_serve(s)
        self.assertEqual(rc, 0, s.log())
        self.assertGreaterEqual(len(acked), 200)
        stored = {row[0] for row in self.export("allocations")[1:]}
        self.assertEqual(acked - stored, set())
        # The relay published every event committed and saved its position at the last.
        ids = {e["id"] for e in self.events()}  # on PostgreSQL ids may leave gaps
        last = max(ids)
        self.assertEqual(self.store.relay_position(), last)
        got = sub.wait_for(lambda ms: {d["id"] for c, d in ms} >= ids)
        self.assertTrue(got, "allot.events lacks %s" % sorted(ids - {d["id"] for c, d in sub.messages})[:10])
        self.assertTrue(any("redis: relay: stopped at position %d (stored)" % last in l for l in s.log()), s.log())
        self.assertTrue(any("serve: stopped" in l for l in s.log()))
        # A new start takes up from there: nothing left to publish.
        s2 = self.serve_redis()
        m = self.wait_scrape(Http(s2.port), lambda m: m.get("allot_relay_leader") == 1)
        self.assertEqual(m.get("allot_relay_position"), last)
        self.assertEqual(m.get("allot_relay_lag_events"), 0)
        self.assertEqual(self.stop_serve(s2), 0)

    def test_sighup_reads_the_token_file_again_and_a_bad_one_keeps_the_old_token(self):
        first, second = "first-" + os.urandom(6).hex(), "second-" + os.urandom(6).hex()
        path = self.write("token", first + "\n")
        s = self.serve("--token-file", path)
        self.assertEqual(Http(s.port, token=first).get("/").status, 200)
        self.write("token", second + "\n")
        self.assertEqual(Http(s.port, token=first).get("/").status, 200)  # not read yet
        s.proc.send_signal(signal.SIGHUP)
        self.assertTrue(s.wait_log(r"serve: SIGHUP: read the token file .* again"), s.log())
        self.assertEqual(Http(s.port, token=first).get("/").status, 401)
        self.assertEqual(Http(s.port, token=second).get("/").status, 200)
        for bad, words in (("", "the token is empty"), ("not a token!\n", "cannot hold")):
            self.write("token", bad)
            n = len(s.log())
            s.proc.send_signal(signal.SIGHUP)
            self.assertTrue(s.wait_log(r"serve: SIGHUP: .*%s.*; the token stays as it was" % words), s.log()[n:])
            self.assertEqual(Http(s.port, token=second).get("/").status, 200)
        os.remove(path)
        s.proc.send_signal(signal.SIGHUP)
        self.assertTrue(s.wait_log(r"serve: SIGHUP: .*cannot read.*the token stays"), s.log())
        self.assertEqual(Http(s.port, token=second).get("/").status, 200)
        self.assertEqual(self.stop_serve(s), 0)
        log = "\n".join(s.log())
        self.assertNotIn(first, log)
        self.assertNotIn(second, log)
        # Without a token file SIGHUP says so and changes nothing.
        s = self.serve()
        s.proc.send_signal(signal.SIGHUP)
        self.assertTrue(s.wait_log(r"serve: SIGHUP: no --token-file"), s.log())
        self.assertEqual(Http(s.port).get("/").status, 200)
        self.assertEqual(self.stop_serve(s), 0)

    def test_a_second_serve_on_the_same_store_and_port_fails_saying_so(self):
        self.r = self.redis()
        self.ok("add-batch", "B1", "LAMP", "10")
        first = self.serve_redis()
        api = Http(first.port)
        self.wait_scrape(api, lambda m: m.get("allot_relay_leader") == 1)
        t0 = time.time()
        r = self.run_allot("serve", "--listen", "127.0.0.1:%d" % first.port,
                           "--redis", "127.0.0.1:%d" % self.r.port, timeout=30)
        self.assertLess(time.time() - t0, 10)
        self.assertEqual(r.rc, 3, r)
        self.assertIn("cannot listen on 127.0.0.1:%d: another allot serve is already listening there"
                      % first.port, r.err)
        self.assertNotIn("listening on http", r.err)
        # The first goes on untouched: it answers, keeps the relay, the store is whole.
        self.assertEqual(api.get("/healthz").status, 200)
        self.assertEqual(api.post("/allocate", {"orderid": "o1", "sku": "LAMP", "qty": 1}).status, 202)
        self.assertEqual(self.scrape(api).get("allot_relay_leader"), 1)
        self.assertEqual(self.stop_serve(first), 0)
        # (Something else on the port: test_serve_http's test_a_port_in_use_is_a_clear_error.)

    def test_the_options_come_from_the_environment_and_the_command_line_wins(self):
        self.ok("add-batch", "B1", "LAMP", "10")
        token = "env-" + os.urandom(6).hex()
        tf = self.write("token", token)
        env = dict(self.env, ALLOT_LISTEN="127.0.0.1:0", ALLOT_TOKEN_FILE=tf, ALLOT_DB=self.db)
        s = self.serve(listen=None, env=env, db=self.db)
        self.assertEqual(Http(s.port).get("/").status, 401)
        self.assertEqual(Http(s.port, token=token).get("/").status, 200)
        self.assertEqual(self.stop_serve(s), 0)
        port = free_port()
        s = self.serve(listen="127.0.0.1:%d" % port, env=dict(self.env, ALLOT_LISTEN="nope"))
        self.assertEqual(s.port, port)
        self.assertEqual(self.stop_serve(s), 0)
        for var, value, words in (("ALLOT_LISTEN", "nope", "is not HOST:PORT"),
                                  ("ALLOT_REDIS", "localhost", "is not HOST:PORT"),
                                  ("ALLOT_TOKEN_FILE", self.path("missing"), "cannot read")):
            r = self.run_allot("serve", env=dict(self.env, **{var: value}), timeout=30)
            self.assertEqual(r.rc, 2, (var, r))
            self.assertIn(words, r.err)
            if var != "ALLOT_TOKEN_FILE":
                self.assertIn(var, r.err)
        # An empty value is none.
        s = self.serve(env=dict(self.env, ALLOT_REDIS="", ALLOT_TOKEN_FILE=""))
        self.assertEqual(Http(s.port).get("/").status, 200)
        self.assertNotIn("redis", Http(s.port).get("/").json())
        self.assertEqual(self.stop_serve(s), 0)


if __name__ == "__main__":
    run()
