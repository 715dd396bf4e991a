#!/usr/bin/python3
"""Requests that fail or wait during graceful restarts of httpd.

Starts one private httpd from conf/httpd-dev.conf.in (the test helpers of
tests/e2e), keeps --clients threads with keep-alive connections and as many
opening a connection per request requesting GET /api/v1/health, runs
`apache2 -k graceful` --restarts times, --every seconds apart, and prints
for each kind of client: requests, failures, and the latency p50 / p99 /
max; then, per restart, the longest wait of a request sent between that
restart and the next, and the failures meanwhile; and, for comparison,
the longest wait during --quiet seconds of the same load before the first
restart (what the machine does without restarts). A keep-alive client
whose reused connection the server closed counts a failure and
reconnects, as real clients retry. Not a test: no assertions.

    /usr/bin/python3 bench/graceful.py [--clients 16] [--restarts 5] [--every 2] [--quiet 5]
"""
import argparse
import http.client
import os
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "e2e"))

from pampsenv import HttpdServer, TEST_DIRECTIVES  # noqa: E402

PATH = "/api/v1/health"


class Tally:
    """Every request of one kind of client: when it was sent, how long it
    took, and whether it failed."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = []
        self.sent = []          # (sent at, seconds, failed)
        self.failures = 0
        self.errors = {}

    def ok(self, t0, seconds):
        with self.lock:
            self.latencies.append(seconds)
            self.sent.append((t0, seconds, False))

    def fail(self, t0, exc):
        with self.lock:
            self.failures += 1
            name = type(exc).__name__
            self.errors[name] = self.errors.get(name, 0) + 1
            self.sent.append((t0, time.monotonic() - t0, True))

    def window(self, start, end):
        """(longest wait, failures) of the requests sent in [start, end)."""
        inside = [(s, f) for t0, s, f in self.sent if start <= t0 < end]
        return max((s for s, _ in inside), default=0.0), sum(f for _, f in inside)


def one(conn, headers):
    conn.request("GET", PATH, headers=headers)
    resp = conn.getresponse()
    resp.read()
    if resp.status != 200:
        raise RuntimeError("status %d" % resp.status)


def keepalive_client(port, stop, tally):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while not stop.is_set():
        t0 = time.monotonic()
        try:
            one(conn, {})
            tally.ok(t0, time.monotonic() - t0)
        except (OSError, http.client.HTTPException, RuntimeError) as exc:
            tally.fail(t0, exc)
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.close()


def close_client(port, stop, tally):
    while not stop.is_set():
        t0 = time.monotonic()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            one(conn, {"Connection": "close"})
            tally.ok(t0, time.monotonic() - t0)
        except (OSError, http.client.HTTPException, RuntimeError) as exc:
            tally.fail(t0, exc)
        finally:
            conn.close()


def summary(name, tally):
    lat = sorted(tally.latencies)
    if not lat:
        return "%s: no request answered, %d failed" % (name, tally.failures)
    return "%s: %d requests, %d failed %s; p50 %.1f ms, p99 %.1f ms, max %.1f ms" % (
        name, len(lat) + tally.failures, tally.failures, tally.errors or "",
        lat[len(lat) // 2] * 1000, lat[int(len(lat) * 0.99) - 1] * 1000, lat[-1] * 1000)


def quiet_line(start, end, kept, fresh):
    k_wait, k_fail = kept.window(start, end)
    f_wait, f_fail = fresh.window(start, end)
    return ("no restart (%.0f s before the first): longest wait %.0f ms keep-alive, %.0f ms"
            " connection per request; failed %d keep-alive, %d connection per request" % (
                end - start, k_wait * 1000, f_wait * 1000, k_fail, f_fail))


def per_restart(marks, end, kept, fresh):
    """One line per restart: the longest wait and the failures of each kind
    of client among the requests sent from half the interval before it (a
    request sent just before the signal can be caught by it) to half the
    interval before the next."""
    lines, worst = [], []
    half = (marks[1][0] - marks[0][0]) / 2 if len(marks) > 1 else 1.0
    for i, (start, took) in enumerate(marks):
        start -= half
        stop = marks[i + 1][0] - half if i + 1 < len(marks) else end
        k_wait, k_fail = kept.window(start, stop)
        f_wait, f_fail = fresh.window(start, stop)
        worst.append(max(k_wait, f_wait))
        lines.append("restart %d (apache2 -k graceful took %.0f ms): longest wait"
                     " %.0f ms keep-alive, %.0f ms connection per request; failed %d"
                     " keep-alive, %d connection per request" % (
                         i + 1, took * 1000, k_wait * 1000, f_wait * 1000, k_fail, f_fail))
    worst.sort()
    lines.append("longest wait per restart: median %.0f ms, max %.0f ms (%s)" % (
        worst[len(worst) // 2] * 1000, worst[-1] * 1000,
        " ".join("%.0f" % (w * 1000) for w in worst)))
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=16, help="of each kind")
    ap.add_argument("--restarts", type=int, default=5)
    ap.add_argument("--every", type=float, default=2.0, help="seconds between restarts")
    ap.add_argument("--quiet", type=float, default=5.0,
                    help="seconds of load without restarts first, for comparison")
    ap.add_argument("--extra", default="", help="more httpd directives (appended last)")
    args = ap.parse_args()
    assert 0 < args.clients <= 128 and 0 < args.restarts <= 50

    server = HttpdServer(extra=TEST_DIRECTIVES + args.extra).start()
    kept, fresh = Tally(), Tally()
    stop = threading.Event()
    marks = []                  # (monotonic time of the restart, seconds it took)
    threads = ([threading.Thread(target=keepalive_client, args=(server.port, stop, kept))
                for _ in range(args.clients)]
               + [threading.Thread(target=close_client, args=(server.port, stop, fresh))
                  for _ in range(args.clients)])
    try:
        for t in threads:
            t.start()
        quiet = time.monotonic() + 1.0     # the clients' first connections aside
        time.sleep(1.0 + args.quiet + args.every / 2)
        for _ in range(args.restarts):
            t0 = time.monotonic()
            res = server._ctl("-k", "graceful")
            marks.append((t0, time.monotonic() - t0))
            if res.returncode != 0:
                print("graceful failed: " + res.stderr)
            time.sleep(args.every)
    finally:
        stop.set()
        for t in threads:
            t.join()
        end = time.monotonic()
        server.stop()
        notes = [line for line in server.read_log().splitlines()
                 if ":warn" in line or ":error" in line]
        server.cleanup()
    print("%d graceful restarts, %.1f s apart, %d clients of each kind on %s" % (
        args.restarts, args.every, args.clients, PATH))
    print(summary("keep-alive", kept))
    print(summary("connection per request", fresh))
    print(quiet_line(quiet, marks[0][0] - args.every / 2, kept, fresh))
    for line in per_restart(marks, end, kept, fresh):
        print(line)
    for line in notes[:10]:
        print("  log: " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
