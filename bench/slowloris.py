#!/usr/bin/python3
"""/health latency while slow clients hold connections (slowloris).

Starts one private httpd from conf/httpd-dev.conf.in (the test helpers of
tests/e2e), opens N sockets on loopback that each send a request a trickle
at a time -- one header line every --interval seconds (--mode header), or
complete headers and then a body one byte per interval (--mode body) --
and reopens a socket the server closed, for --duration seconds. Meanwhile
a probe sends GET /api/v1/health on a fresh connection every 0.2 s and
records its latency. Prints p50, p99 and max, probes that failed, and how
often the server closed a slow socket. Not a test: no assertions.

    /usr/bin/python3 bench/slowloris.py [--sockets 200] [--mode header|body]
        [--interval 5] [--duration 30] [--extra 'Directive value']
"""
import argparse
import os
import selectors
import socket
import statistics
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "e2e"))

from pampsenv import HttpdServer, TEST_DIRECTIVES  # noqa: E402

PROBE_EVERY = 0.2
PROBE_TIMEOUT = 60.0


class Slow:
    """One trickling client: a socket, what it sent, when it sends next."""

    def __init__(self, port, mode):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.sock.setblocking(False)
        if mode == "header":
            self.sock.send(b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        else:
            self.sock.send(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                           b"Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
        self.sent = 0

    def trickle(self, mode):
        self.sent += 1
        data = b"X-Slow-%d: y\r\n" % self.sent if mode == "header" else b"{"
        self.sock.send(data)

    def close(self):
        self.sock.close()


def attack(port, args, stop, stats):
    """Keeps args.sockets slow clients open until stop is set."""
    sel = selectors.DefaultSelector()
    clients = {}

    def open_one():
        try:
            c = Slow(port, args.mode)
        except OSError:
            stats["connect_errors"] += 1
            return
        clients[c.sock.fileno()] = c
        sel.register(c.sock, selectors.EVENT_READ, c)
        stats["opened"] += 1

    def drop(c):
        sel.unregister(c.sock)
        clients.pop(c.sock.fileno(), None)
        c.close()
        stats["closed_by_server"] += 1

    for _ in range(args.sockets):
        open_one()
    next_tick = time.monotonic() + args.interval
    while not stop.is_set():
        for key, _ in sel.select(timeout=0.1):
            c = key.data
            try:
                if not c.sock.recv(65536):
                    drop(c)
            except (ConnectionResetError, BlockingIOError):
                drop(c)
        while len(clients) < args.sockets and not stop.is_set():
            open_one()
        if time.monotonic() >= next_tick:
            next_tick += args.interval
            for c in list(clients.values()):
                try:
                    c.trickle(args.mode)
                except OSError:
                    drop(c)
    for c in list(clients.values()):
        c.close()


def probe(port):
    """Seconds for one GET /health on a new connection, or None on failure."""
    t0 = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=PROBE_TIMEOUT) as s:
            s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        if not data.startswith(b"HTTP/1.1 200"):
            return None
    except OSError:
        return None
    return time.monotonic() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sockets", type=int, default=200)
    ap.add_argument("--mode", choices=("header", "body"), default="header")
    ap.add_argument("--interval", type=float, default=5.0, help="seconds between trickles")
    ap.add_argument("--duration", type=float, default=30.0)
    ap.add_argument("--extra", default="", help="more httpd directives (appended last)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print each slow probe")
    args = ap.parse_args()
    assert 0 < args.sockets <= 2000 and 0 < args.duration <= 600

    server = HttpdServer(extra=TEST_DIRECTIVES + args.extra).start()
    stats = {"opened": 0, "closed_by_server": 0, "connect_errors": 0}
    stop = threading.Event()
    attacker = threading.Thread(target=attack, args=(server.port, args, stop, stats))
    latencies, failed = [], 0
    try:
        attacker.start()
        time.sleep(1.0)          # let the slow sockets take their workers
        end = time.monotonic() + args.duration
        while time.monotonic() < end:
            t = probe(server.port)
            if t is None:
                failed += 1
            else:
                latencies.append(t)
            if args.verbose and (t is None or t > 0.1):
                print("  %.1f s: /health %s" % (args.duration - (end - time.monotonic()),
                                               "failed" if t is None else "%.3f s" % t))
            time.sleep(PROBE_EVERY)
    finally:
        stop.set()
        attacker.join()
        server.stop()
        notes = [line for line in server.read_log().splitlines()
                 if "mpm_" in line or ":warn" in line or ":error" in line]
        server.cleanup()
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1] if latencies else float("nan")
    print("slowloris: %d sockets, mode %s, one trickle per %.1f s, %.0f s" % (
        args.sockets, args.mode, args.interval, args.duration))
    print("/health: %d probes, %d failed; p50 %.3f s, p99 %.3f s, max %.3f s" % (
        len(latencies) + failed, failed,
        statistics.median(latencies) if latencies else float("nan"), p99,
        latencies[-1] if latencies else float("nan")))
    print("slow sockets: %d opened, %d closed by the server, %d connect errors" % (
        stats["opened"], stats["closed_by_server"], stats["connect_errors"]))
    for line in notes[:10]:
        print("  log: " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
