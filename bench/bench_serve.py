#!/usr/bin/env python3
"""bench_serve — `allot serve` under wrk (SPEC.md §6, issue 11 Deliver 9): POST
/allocate (a new order line each request, one unit of work each) and GET
/allocations/ID, requests/s and p99 latency, beside bench_const_server (the same
HTTP library, configured the same way, answering a constant: the limit) measured
in the same run.  The machine is shared: each figure is also given as the server's
CPU time per request (from /proc), which load elsewhere disturbs less than wall
time, and as a ratio to the constant server.  allot runs twice: with its default log (one
line per request on stderr, read by this script as the journal would read it) and
with --log-level warn (none), which gives the cost of the request log.

usage: bench_serve.py ALLOT CONST_SERVER WORKDIR [SECONDS]
"""

import os
import re
import shutil
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
THREADS, CONNECTIONS = 2, 16


def die(msg):
    sys.stderr.write("bench_serve: %s\n" % msg)
    sys.exit(1)


def cpu_seconds(pid):
    """utime + stime of a process, in seconds."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wrk(url, script, seconds, run="w"):
    """wrk's figures; `run` prefixes the order ids bench_serve_allocate.lua makes."""
    argv = ["wrk", "-t%d" % THREADS, "-c%d" % CONNECTIONS, "-d%ds" % seconds, "--latency",
            "-s", os.path.join(HERE, script), url]
    env = dict(os.environ, ALLOT_BENCH_RUN=run)
    out = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60,
                         env=env).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    total = re.search(r"(\d+) requests in", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    if not (rps and p99 and total):
        die("cannot read wrk's output:\n" + out)
    scale = {"us": 1e-3, "ms": 1.0, "s": 1e3}[p99.group(2)]
    return {"rps": float(rps.group(1)), "p99_ms": float(p99.group(1)) * scale,
            "requests": int(total.group(1)), "non2xx": int(non2xx.group(1)) if non2xx else 0,
            "errors": errors.group(1) if errors else ""}


def measure(pid, url, script, seconds, run="w"):
    c0 = cpu_seconds(pid)
    r = wrk(url, script, seconds, run)
    r["cpu_us"] = (cpu_seconds(pid) - c0) / max(r["requests"], 1) * 1e6
    return r


def start(argv, pattern, env=None):
    """Starts a server; returns it, its port and a counter of the log lines it
    writes after the one announcing the port (read all along, so that a full pipe
    never stops it)."""
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    stream = p.stderr if "serve" in argv else p.stdout
    deadline = time.time() + 30
    while time.time() < deadline:
        line = stream.readline()
        if not line:
            break
        m = re.search(pattern, line)
        if m:
            lines = {"requests": 0}

            def drain():
                for l in stream:
                    if "http: method=" in l:
                        lines["requests"] += 1

            lines["reader"] = threading.Thread(target=drain, daemon=True)
            lines["reader"].start()
            return p, int(m.group(1)), lines
    p.kill()
    die("%s did not start" % argv[0])


def main():
    if len(sys.argv) < 4:
        die("usage: bench_serve.py ALLOT CONST_SERVER WORKDIR [SECONDS]")
    allot, const_server, work = sys.argv[1:4]
    seconds = int(sys.argv[4]) if len(sys.argv) > 4 else 10
    if not shutil.which("wrk"):
        die("needs wrk (Debian package wrk)")
    os.makedirs(work, exist_ok=True)
    db = os.path.join(work, "bench_serve.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.unlink(db + suffix)
    env = dict(os.environ)
    env.pop("ALLOT_DB", None)

    def cli(*args, stdin=None):
        subprocess.run([allot, "--db", db] + list(args), input=stdin, text=True, env=env,
                       check=True, stdout=subprocess.DEVNULL)

    # 1000 SKUs with a batch of stock each (the book's API is used for many SKUs;
    # one hot SKU would measure the store's cost of a product with 50,000 lines).
    cli("exec", "-", stdin="".join("add-batch B%d S%d 1000000\n" % (i, i) for i in range(1, 1001)))
    cli("add-batch", "READ", "READS", "1000000")
    cli("exec", "-", stdin="".join("allocate r%d READS 1\n" % i for i in range(1, 1001)))

    results = {}
    logged = {}
    for server, extra, run in (("allot", [], "w"), ("allot warn", ["--log-level", "warn"], "q")):
        srv, port, lines = start([allot, "--db", db, "serve", "--listen", "127.0.0.1:0"] + extra,
                                 r"listening on http://[^:]+:(\d+)", env)
        try:
            base = "http://127.0.0.1:%d" % port
            wrk(base + "/allocations/r1", "bench_serve_read.lua", 2)  # warm up
            results[(server, "POST /allocate")] = measure(srv.pid, base + "/allocate",
                                                          "bench_serve_allocate.lua", seconds, run)
            results[(server, "GET /allocations/ID")] = measure(srv.pid, base, "bench_serve_read.lua",
                                                               seconds)
        finally:
            srv.terminate()
            srv.wait(30)
            lines["reader"].join(10)
        logged[server] = lines["requests"]
    const, port, _ = start([const_server], r"listening on (\d+)")
    try:
        base = "http://127.0.0.1:%d" % port
        wrk(base + "/", "bench_serve_read.lua", 2)
        results[("constant", "POST /allocate")] = measure(const.pid, base + "/allocate",
                                                          "bench_serve_allocate.lua", seconds)
        results[("constant", "GET /allocations/ID")] = measure(const.pid, base, "bench_serve_read.lua", seconds)
    finally:
        const.terminate()
        const.wait(30)

    committed = subprocess.run([allot, "--db", db, "export", "allocations"], capture_output=True,
                               text=True, env=env).stdout.count("\n") - 1 - 1000
    print("allot serve under wrk (%d threads, %d connections, %d s each; %d CPUs, load %.1f)"
          % (THREADS, CONNECTIONS, seconds, os.cpu_count(), os.getloadavg()[0]))
    print("%-22s %-10s %12s %10s %14s %8s" % ("route", "server", "requests/s", "p99 ms",
                                             "CPU us/req", "non-2xx"))
    for route in ("POST /allocate", "GET /allocations/ID"):
        for server in ("allot", "allot warn", "constant"):
            r = results[(server, route)]
            print("%-22s %-10s %12.0f %10.2f %14.1f %8d" % (route, server, r["rps"], r["p99_ms"],
                                                          r["cpu_us"], r["non2xx"]))
        a, c = results[("allot", route)], results[("constant", route)]
        print("%-22s %-10s %11.1f%% %9.1fx %13.1fx" % ("", "ratio", 100 * a["rps"] / c["rps"],
                                                      a["p99_ms"] / c["p99_ms"], a["cpu_us"] / c["cpu_us"]))
        w = results[("allot warn", route)]
        print("%-22s %-10s %11.1f%% %9.1fx %13.1fx" % ("", "log cost", 100 * a["rps"] / w["rps"],
                                                      a["p99_ms"] / w["p99_ms"], a["cpu_us"] / w["cpu_us"]))
    wrk_total = sum(r["requests"] for (server, _), r in results.items() if server == "allot")
    print("request log lines: %d for the %d requests wrk counted (and its warm-up); %d with "
          "--log-level warn" % (logged["allot"], wrk_total, logged["allot warn"]))
    print("POST /allocate: %d allocations committed (wrk counted %d requests)"
          % (committed, results[("allot", "POST /allocate")]["requests"] +
             results[("allot warn", "POST /allocate")]["requests"]))
    bad = [k for k, r in results.items() if r["non2xx"] or r["errors"]]
    if bad:
        die("errors or non-2xx answers: %s" % ", ".join("%s %s" % k for k in bad))


if __name__ == "__main__":
    main()
