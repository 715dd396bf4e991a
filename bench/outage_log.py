#!/usr/bin/python3
"""Error-log lines written while PostgreSQL is down, under load.

Starts a private PostgreSQL cluster and one httpd on it (the test helpers
of tests/e2e), keeps --clients threads requesting GET /api/v1/tasks with a
token, stops PostgreSQL for --outage seconds, starts it again, and counts
the error-log lines written meanwhile, by source (mod_pamps tag, mod_dbd,
other). Not a test: no assertions.

    /usr/bin/python3 bench/outage_log.py [--clients 16] [--outage 10]
"""
import argparse
import collections
import os
import re
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "e2e"))

import requests  # noqa: E402

from pampsenv import HttpdServer, TEST_DIRECTIVES, new_user  # noqa: E402
from pgcluster import PostgresCluster  # noqa: E402


def load(server, token, stop, counts):
    s = requests.Session()
    while not stop.is_set():
        try:
            r = s.get(server.url("/tasks"), headers={"Authorization": "Bearer " + token},
                      timeout=30)
            counts[r.status_code] += 1
        except requests.RequestException:
            counts["error"] += 1


def source(line):
    tag = re.search(r"(PAMPS\d+|AH\d+)", line)
    return tag.group(1) if tag else "untagged"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--outage", type=float, default=10.0)
    args = ap.parse_args()
    assert 0 < args.clients <= 256 and 0 < args.outage <= 300

    cluster = PostgresCluster().init().start()
    server = None
    try:
        params = cluster.create_database("pamps_outage")
        server = HttpdServer(extra=TEST_DIRECTIVES, db_driver="pgsql", db_params=params).start()
        token = new_user(server).access
        counts = collections.Counter()
        stop = threading.Event()
        threads = [threading.Thread(target=load, args=(server, token, stop, counts))
                   for _ in range(args.clients)]
        for t in threads:
            t.start()
        time.sleep(1.0)
        offset = len(server.read_log())
        cluster.stop()
        time.sleep(args.outage)
        cluster.start()
        time.sleep(2.0)
        stop.set()
        for t in threads:
            t.join()
        lines = server.read_log()[offset:].splitlines()
    finally:
        if server is not None:
            server.stop()
            server.cleanup()
        cluster.cleanup()
    by_source = collections.Counter(source(line) for line in lines)
    print("outage of %.0f s under %d clients: %s" % (
        args.outage, args.clients, dict(sorted(counts.items(), key=str))))
    print("error log: %d lines; by tag: %s" % (len(lines), dict(by_source.most_common())))
    for line in lines[:8]:
        print("  " + line[:240])
    return 0


if __name__ == "__main__":
    sys.exit(main())
