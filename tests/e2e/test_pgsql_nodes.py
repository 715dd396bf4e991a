"""Several httpd nodes on one PostgreSQL: tokens, revocations and login
throttling are shared through the database; an outage gives 503 and the
same httpd recovers when PostgreSQL is back."""
import os
import shutil
import tempfile

import pytest
import requests

from pampsenv import BACKEND, TEST_DIRECTIVES, Client, HttpdServer, new_user, unique, wait_until
from pgcluster import PostgresCluster

# these start clusters and nodes of their own: once, in the pgsql run
pytestmark = pytest.mark.skipif(BACKEND != "pgsql", reason="runs in the pgsql run")

# a small per-account limit, so the shared count shows quickly
NODE_DIRECTIVES = TEST_DIRECTIVES + "PampsLoginThrottle 5 100000 300\n"


@pytest.fixture(scope="module")
def cluster():
    pg = PostgresCluster().init().start()
    yield pg
    pg.cleanup()


def start_nodes(params, count):
    """count httpd nodes on one database, sharing one signing key."""
    first = HttpdServer(extra=NODE_DIRECTIVES, db_driver="pgsql", db_params=params).start()
    nodes = [first]
    for _ in range(count - 1):
        data = tempfile.mkdtemp(prefix="pamps-e2e-")
        shutil.copy(os.path.join(first.dir, "jwt.key"), os.path.join(data, "jwt.key"))
        nodes.append(HttpdServer(extra=NODE_DIRECTIVES, db_driver="pgsql", db_params=params,
                                 data_dir=data).start())
    return nodes


@pytest.fixture(scope="module")
def nodes(cluster):
    started = start_nodes(cluster.create_database("nodes"), 2)
    yield started
    for n in started:
        n.stop()
        n.cleanup()


@pytest.fixture(autouse=True)
def clean_logs(request):
    """The error-log check of conftest.py, for every node of this module."""
    servers = []
    for name in ("nodes", "outage_node"):
        if name in request.fixturenames:
            value = request.getfixturevalue(name)
            servers += value if isinstance(value, list) else [value]
    for s in servers:
        s.mark_log()
    yield servers
    for s in servers:
        bad = s.unexpected_log_lines()
        assert not bad, "unexpected lines in %s:\n%s" % (s.error_log, "\n".join(bad))


def on(node, client):
    """The same user (same tokens), talking to another node."""
    other = Client(node, username=client.username, password=client.password)
    other.access, other.refresh, other.id = client.access, client.refresh, client.id
    return other


def test_token_issued_by_one_node_works_on_the_other(nodes):
    a, b = nodes
    alice = new_user(a)
    r = on(b, alice).get("/users/me")
    assert r.status_code == 200
    assert r.json()["username"] == alice.username


def test_refresh_rotated_on_one_node_is_rejected_on_the_other(nodes):
    a, b = nodes
    alice = new_user(a)
    old = alice.refresh
    r = alice.post("/auth/refresh", json={"refresh_token": old})
    assert r.status_code == 200
    newer = r.json()["refresh_token"]
    r = on(b, alice).post("/auth/refresh", json={"refresh_token": old})
    assert r.status_code == 401
    # that reuse ended the whole chain, for every node
    assert alice.post("/auth/refresh", json={"refresh_token": newer}).status_code == 401


def test_logout_on_one_node_revokes_on_the_other(nodes):
    a, b = nodes
    alice = new_user(a)
    assert alice.post("/auth/logout", json={"refresh_token": alice.refresh}).status_code == 204
    r = on(b, alice).post("/auth/refresh", json={"refresh_token": alice.refresh})
    assert r.status_code == 401


def test_password_change_on_one_node_ends_tokens_on_the_other(nodes):
    a, b = nodes
    alice = new_user(a)
    alice_b = on(b, alice)
    assert alice_b.get("/users/me").status_code == 200
    r = alice.put("/users/me/password",
                  json={"current_password": alice.password, "new_password": "another-pass-1"})
    assert r.status_code == 204
    assert alice_b.get("/users/me").status_code == 401
    assert alice_b.post("/auth/refresh", json={"refresh_token": alice.refresh}).status_code == 401


def test_login_throttling_counts_failures_from_both_nodes(nodes):
    a, b = nodes
    alice = Client(a, username=unique("thr"))
    alice.register()
    wrong = {"username": alice.username, "password": "wrong-password"}
    for node in (a, b, a, b, a):    # five failures, split over the nodes
        r = requests.post(node.url("/auth/login"), json=wrong, timeout=30)
        assert r.status_code == 401
    for node in (a, b):
        r = requests.post(node.url("/auth/login"),
                          json={"username": alice.username, "password": alice.password},
                          timeout=30)
        assert r.status_code == 429
        assert int(r.headers["Retry-After"]) > 0


@pytest.fixture(scope="module")
def outage_node(cluster):
    node = start_nodes(cluster.create_database("outage"), 1)[0]
    yield node
    node.stop()
    node.cleanup()


def test_outage_gives_503_and_the_same_httpd_recovers(cluster, outage_node):
    node = outage_node
    alice = new_user(node)
    created = alice.post("/tasks", json={"title": "written before the outage"})
    assert created.status_code == 201

    cluster.stop()
    try:
        node.expect_log(r"PAMPS1\d\d|AH0\d+|DBD|dbd")
        health = requests.get(node.url("/health"), timeout=30)
        assert health.status_code == 503
        assert health.json()["status"] == "unhealthy"
        assert health.json()["database"] == "unavailable"
        r = alice.get("/tasks")
        assert r.status_code == 503
        assert isinstance(r.json()["detail"], str)
    finally:
        cluster.start()

    # no restart of httpd: dead pooled connections are replaced as they are met
    wait_until(lambda: requests.get(node.url("/health"), timeout=30).status_code == 200,
               timeout=20, what="health after PostgreSQL came back")
    # every pooled connection of both children serves again: those mod_dbd
    # reconnected (a new server session) prepare their statements anew
    for _ in range(12):
        assert alice.get("/users/me").status_code == 200
    wait_until(lambda: alice.get("/tasks").status_code == 200, timeout=20,
               what="tasks after PostgreSQL came back")
    titles = [t["title"] for t in alice.get("/tasks").json()["items"]]
    assert titles == ["written before the outage"]
