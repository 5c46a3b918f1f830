"""Helpers for the end-to-end tests of `allot serve` (SPEC.md §7): the real binary
on a free port of 127.0.0.1, a real redis-server on a free private port with its
own folder, an HTTP client on raw http.client, and the store read back through the
allot command line (export, events)."""

import http.client
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
from e2e_util import ALLOT, AllotCase, main  # noqa: E402,F401

SKIP = 77


def free_port():
    """A port nobody listens on now (the kernel's pick); the caller binds it soon."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sqlite_relay_position(path):
    """The Redis relay's stored position in the SQLite store at `path` (its relays
    table), 0 before its first lease."""
    con = sqlite3.connect(path, timeout=10)
    try:
        row = con.execute("SELECT position FROM relays WHERE name = 'redis'").fetchone()
    finally:
        con.close()
    return row[0] if row else 0


def redis_module():
    try:
        import redis  # Debian python3-redis
        return redis
    except ImportError:
        return None


class Serve:
    """One `allot serve` process: its port, its stderr lines (read by a thread)."""

    def __init__(self, argv, env, timeout=30):
        self.argv = argv
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=env, text=True,
                                     errors="replace")
        self.lines = []
        self.cond = threading.Condition()
        self.port = None
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        deadline = time.time() + timeout
        with self.cond:
            while self.port is None and self.proc.poll() is None and time.time() < deadline:
                self.cond.wait(0.1)
        if self.port is None:
            self.proc.kill()
            self.proc.wait()
            self.reader.join(5)
            raise AssertionError("allot serve did not start: %r" % self.lines)

    def _read(self):
        for line in self.proc.stderr:
            with self.cond:
                self.lines.append(line.rstrip("\n"))
                m = re.search(r"listening on http://(\S+):(\d+)", line)
                if m and self.port is None:
                    self.port = int(m.group(2))
                self.cond.notify_all()
        with self.cond:
            self.cond.notify_all()

    def log(self):
        with self.cond:
            return list(self.lines)

    def wait_log(self, pattern, timeout=10):
        deadline = time.time() + timeout
        with self.cond:
            while time.time() < deadline:
                if any(re.search(pattern, l) for l in self.lines):
                    return True
                self.cond.wait(0.1)
        return False

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.reader.join(10)
        return rc


class Http:
    """A keep-alive HTTP/1.1 client to one port."""

    def __init__(self, port, host="127.0.0.1", token=None, timeout=30):
        self.host, self.port, self.token, self.timeout = host, port, token, timeout
        self.conn = None

    def request(self, method, path, body=None, headers=None, json_body=None):
        hdrs = dict(headers or {})
        if json_body is not None:
            body = json.dumps(json_body).encode()
            hdrs.setdefault("Content-Type", "application/json")
        if isinstance(body, str):
            body = body.encode()
        if self.token and "Authorization" not in hdrs:
            hdrs["Authorization"] = "Bearer " + self.token
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=body, headers=hdrs)
                r = self.conn.getresponse()
                data = r.read()
                if r.getheader("Connection", "").lower() == "close":
                    self.close()
                return Response(r.status, dict((k.lower(), v) for k, v in r.getheaders()), data)
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, obj=None, **kw):
        return self.request("POST", path, json_body=obj, **kw)

    def close(self):
        if self.conn:
            self.conn.close()
        self.conn = None


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return "<%d %r>" % (self.status, self.body[:300])


class RedisServer:
    """redis-server on a private port of 127.0.0.1 with its own folder; restartable
    on the same port.  `closed=True` starts it with the default user off, so that
    only the test's own user (tester, no password) gets in until open() is called."""

    def __init__(self, folder, port=None):
        self.folder = folder
        self.port = port
        self.proc = None
        self.exe = shutil.which("redis-server")

    def start(self, closed=False, tries=5):
        for attempt in range(tries):
            port = self.port or free_port()
            argv = [self.exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                    "--appendonly", "no", "--dir", self.folder, "--daemonize", "no",
                    "--client-output-buffer-limit", "pubsub", "0", "0", "0",
                    "--user", "tester", "on", "nopass", "~*", "&*", "+@all"]
            if closed:
                argv += ["--user", "default", "off"]
            self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL)
            deadline = time.time() + 10
            while time.time() < deadline and self.proc.poll() is None:
                try:
                    c = self.client(port)
                    c.ping()
                    c.close()
                    self.port = port
                    return self
                except Exception:
                    time.sleep(0.05)
            self.proc.kill()
            self.proc.wait()
            if self.port:  # a fixed port that did not come up: wait and retry
                time.sleep(1)
        raise AssertionError("redis-server did not start")

    def client(self, port=None):
        redis = redis_module()
        return redis.Redis(host="127.0.0.1", port=port or self.port, username="tester",
                           password=None, socket_timeout=10)

    def open(self):
        """Let everybody in (the default user on, no password)."""
        c = self.client()
        c.execute_command("ACL", "SETUSER", "default", "on", "nopass", "~*", "&*", "+@all")
        c.close()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


class Subscriber:
    """A thread that collects every message of some channels, in order."""

    def __init__(self, redis_server, *channels):
        self.client = redis_server.client()
        self.pubsub = self.client.pubsub(ignore_subscribe_messages=True)
        self.pubsub.subscribe(*channels)
        # Wait for the confirmations so that nothing published after this returns
        # is missed.
        deadline = time.time() + 10
        confirmed = 0
        while confirmed < len(channels) and time.time() < deadline:
            m = self.pubsub.parse_response(block=False, timeout=0.5)
            if m and m[0] in (b"subscribe", "subscribe"):
                confirmed += 1
        self.messages = []
        self.cond = threading.Condition()
        self.stopping = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stopping:
            try:
                m = self.pubsub.get_message(timeout=0.2)
            except Exception:
                return
            if m and m["type"] == "message":
                ch = m["channel"].decode()
                with self.cond:
                    self.messages.append((ch, json.loads(m["data"])))
                    self.cond.notify_all()

    def of(self, channel):
        with self.cond:
            return [d for c, d in self.messages if c == channel]

    def wait_for(self, pred, timeout=10):
        """Waits until pred(messages) is true; returns it."""
        deadline = time.time() + timeout
        with self.cond:
            while True:
                got = pred(self.messages)
                if got or time.time() >= deadline:
                    return got
                self.cond.wait(0.1)

    def close(self):
        self.stopping = True
        self.thread.join(5)
        try:
            self.pubsub.close()
            self.client.close()
        except Exception:
            pass


class ServeCase(AllotCase):
    """AllotCase (scratch folder, database) plus servers that are stopped after."""

    def setUp(self):
        super().setUp()
        self.serves = []
        self.redises = []
        self.subs = []

    def tearDown(self):
        for s in self.subs:
            s.close()
        for s in self.serves:
            rc = s.proc.poll()
            if rc is None:
                s.proc.kill()
                s.proc.wait()
            elif rc not in (0, -signal.SIGKILL):
                sys.stderr.write("allot serve ended with %d:\n  %s\n" % (rc, "\n  ".join(s.log())))
        for r in self.redises:
            r.stop()
        super().tearDown()

    def serve(self, *args, listen="127.0.0.1:0", env=None, db=None):
        argv = [ALLOT, "--db", db or self.db, "serve"] + (["--listen", listen] if listen else [])
        s = Serve(argv + list(args), env or self.env)
        self.serves.append(s)
        return s

    def stop_serve(self, s, sig=signal.SIGTERM):
        rc = s.stop(sig)
        log = "\n".join(s.log())
        self.assertNotIn("Sanitizer", log, log)
        self.assertNotIn("runtime error:", log, log)
        return rc

    def redis(self, closed=False, port=None):
        if not shutil.which("redis-server") or not redis_module():
            raise unittest.SkipTest("needs redis-server and python3-redis (Debian packages)")
        r = RedisServer(self.dir, port).start(closed=closed)
        self.redises.append(r)
        return r

    def subscribe(self, redis_server, *channels):
        s = Subscriber(redis_server, *channels)
        self.subs.append(s)
        return s


def run():
    """unittest main that exits 77 when every test was skipped (ctest SKIPPED)."""
    prog = unittest.main(argv=[sys.argv[0]] + sys.argv[2:], verbosity=2, exit=False)
    r = prog.result
    if r.testsRun and len(r.skipped) == r.testsRun:
        sys.exit(SKIP)
    sys.exit(0 if r.wasSuccessful() else 1)
