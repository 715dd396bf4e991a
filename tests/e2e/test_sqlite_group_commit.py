"""SQLite group commit (src/httpd/pamps_db.c, src/core/pamps_group.c):
writes of one child that queue while another of its writes runs commit
together, in one transaction, and each request still gets the answer it
would have had alone.

To make writes queue without timing, the test holds SQLite's write lock
itself (BEGIN IMMEDIATE on the file, as any other process could): the first
writer of each child waits for it, the others queue behind, and the status
page counts them. Committing lets them through."""
import sqlite3
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from pampsenv import (BACKEND, STATUS_LOCATION, TEST_DIRECTIVES, HttpdServer, new_user,
                      status_values, wait_until)

pytestmark = pytest.mark.skipif(BACKEND != "sqlite3", reason="SQLite's group commit")

WRITES = 12


@pytest.fixture
def server():
    """A server of each test's own, with the status page; conftest's error
    log check applies to it as to the shared one."""
    srv = HttpdServer(extra=TEST_DIRECTIVES + STATUS_LOCATION).start()
    yield srv
    srv.stop()
    srv.cleanup()


def counter(srv, name):
    return int(status_values(srv)["Pamps SQLite " + name])


def queued_behind_a_lock(srv, requests_to_send, while_held=None):
    """Sends the requests at once while this test holds SQLite's write lock;
    once all of them wait, runs while_held(connection) inside the lock and
    commits. Returns the responses, in order."""
    con = sqlite3.connect(srv.db_path, isolation_level=None, timeout=10)
    try:
        con.execute("BEGIN IMMEDIATE")
        with ThreadPoolExecutor(len(requests_to_send)) as pool:
            futures = [pool.submit(send) for send in requests_to_send]
            try:
                wait_until(lambda: counter(srv, "writes waiting") == len(requests_to_send),
                           what="every write to queue")
                if while_held:
                    while_held(con)
            finally:
                con.execute("COMMIT")
            return [f.result() for f in futures]
    finally:
        con.close()


def post(user, path, body):
    return lambda: requests.post(user.server.url(path), json=body, headers=user.headers(),
                                 timeout=60)


def test_writes_that_queue_commit_together(server):
    user = new_user(server)
    batches, writes = counter(server, "write batches"), counter(server, "writes batched")
    sends = [post(user, "/tasks", {"title": "task %d" % i}) for i in range(WRITES)]
    responses = queued_behind_a_lock(server, sends)
    assert [r.status_code for r in responses] == [201] * WRITES
    # each request got its own task back
    assert [r.json()["title"] for r in responses] == ["task %d" % i for i in range(WRITES)]
    assert len({r.json()["id"] for r in responses}) == WRITES
    assert counter(server, "writes batched") - writes == WRITES
    # one child's first writer waited alone; the rest of its writers, one batch
    assert counter(server, "write batches") - batches < WRITES / 2
    assert counter(server, "writes waiting") == 0
    assert user.get("/tasks?limit=100").json()["total"] == WRITES
    assert server.sql("SELECT COUNT(*) FROM tasks")[0][0] == WRITES


def test_a_write_that_fails_leaves_the_rest_of_its_batch(server):
    user = new_user(server)
    parent = user.post("/posts", json={"text": "soon gone"}).json()["id"]
    sends = [post(user, "/posts", {"text": "reply %d" % i, "parent_id": parent})
             if i % 2 else post(user, "/tasks", {"title": "task %d" % i})
             for i in range(WRITES)]
    # the replies were checked against a parent that exists; deleted now,
    # their inserts fail in the batch (a foreign key), the tasks' do not
    responses = queued_behind_a_lock(
        server, sends, lambda con: con.execute("DELETE FROM posts WHERE id = ?", (parent,)))
    codes = [r.status_code for r in responses]
    assert codes == [404 if i % 2 else 201 for i in range(WRITES)], codes
    assert user.get("/tasks?limit=100").json()["total"] == WRITES // 2
    assert server.sql("SELECT COUNT(*) FROM posts")[0][0] == 0
    me = user.get("/users/%s" % user.username).json()
    assert me["posts_count"] == 0, me


def test_a_schema_change_under_a_batch(server):
    user = new_user(server)
    sends = [post(user, "/tasks", {"title": "task %d" % i}) for i in range(WRITES)]
    # the sqlite3 driver's statements stop working once the schema changed
    responses = queued_behind_a_lock(
        server, sends, lambda con: con.execute("CREATE INDEX test_tasks_title ON tasks (title)"))
    assert [r.status_code for r in responses] == [201] * WRITES
    assert user.get("/tasks?limit=100").json()["total"] == WRITES
