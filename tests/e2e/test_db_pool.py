"""Requests take pooled connections in the order they came
(src/httpd/pamps_db.c, src/core/pamps_turn.c). mod_dbd's pool wakes its
waiters in no order and lets a request that was not waiting take a freed
connection first: with more requests in flight than DBDMax, some waited
seconds (wrk timeouts on PostgreSQL at 256 connections).

One child with one connection: a first request holds it (its token check
took it, and httpd waits for its body), the others line up one by one, as
the status page shows, and then run in that order: the ids of the tasks
they create say so. (glibc wakes pure waiters in order too: what the line
adds, that a newcomer never goes first, needs load to show and is checked
by tests/unit/test_turn.c.)"""
import socket
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from pampsenv import STATUS_LOCATION, extra_server, new_user, status_values, wait_until

ONE_CONNECTION = STATUS_LOCATION + """
StartServers 1
MaxRequestWorkers 384
DBDMin 1
DBDKeep 1
DBDMax 1
"""
LINE = 5


@pytest.fixture(scope="module")
def server():
    yield from extra_server(ONE_CONNECTION)


def gauge(srv, name):
    return int(status_values(srv)["Pamps DB connections " + name])


def held_by_a_slow_body(srv, user, body):
    """A POST /tasks whose body is not sent yet: it holds the connection
    from its token check on. Returns the socket."""
    sock = socket.create_connection(("127.0.0.1", srv.port), timeout=30)
    sock.sendall(("POST /api/v1/tasks HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
                  "Content-Length: %d\r\nConnection: close\r\n\r\n"
                  % (user.access, len(body))).encode())
    return sock


def test_waiting_requests_get_the_connection_in_arrival_order(server):
    me = new_user(server)
    body = b'{"title": "holder"}'
    sock = held_by_a_slow_body(server, me, body)
    try:
        wait_until(lambda: gauge(server, "held") == 1, what="the first request's connection")
        with ThreadPoolExecutor(LINE) as pool:
            futures = []
            for i in range(LINE):
                futures.append(pool.submit(
                    requests.post, server.url("/tasks"), json={"title": "t%d" % i},
                    headers=me.headers(), timeout=60))
                wait_until(lambda: gauge(server, "awaited") == i + 1,
                           what="request %d in line" % i)
            sock.sendall(body)
            first = sock.makefile("rb").readline()
            assert b" 201 " in first, first
            answers = [f.result() for f in futures]
    finally:
        sock.close()
    assert [r.status_code for r in answers] == [201] * LINE
    ids = [r.json()["id"] for r in answers]
    assert ids == sorted(ids), "served out of turn: %s" % ids
    assert [r.json()["title"] for r in answers] == ["t%d" % i for i in range(LINE)]
    assert gauge(server, "awaited") == 0


def test_many_requests_share_one_connection(server):
    """More requests at once than connections: all answered, none lost."""
    me = new_user(server)
    start = threading.Barrier(20)

    def work(i):
        start.wait(timeout=30)
        if i % 2:
            return requests.post(server.url("/tasks"), json={"title": "m%d" % i},
                                 headers=me.headers(), timeout=60).status_code
        return requests.get(server.url("/tasks"), headers=me.headers(),
                            timeout=60).status_code

    with ThreadPoolExecutor(20) as pool:
        statuses = list(pool.map(work, range(20)))
    assert statuses == [200, 201] * 10
    assert me.get("/tasks").json()["total"] == 10
