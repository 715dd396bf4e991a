"""While PostgreSQL is down, the error log gets the outage once per httpd
child, not lines per failed request, and a notice when it is over."""
import re

import pytest
import requests

from pampsenv import BACKEND, TEST_DIRECTIVES, HttpdServer, new_user, wait_until
from pgcluster import PostgresCluster

pytestmark = pytest.mark.skipif(BACKEND != "pgsql", reason="runs in the pgsql run")

FAILED_REQUESTS = 40


@pytest.fixture(scope="module")
def cluster():
    pg = PostgresCluster().init().start()
    yield pg
    pg.cleanup()


@pytest.fixture
def node(cluster):
    srv = HttpdServer(extra=TEST_DIRECTIVES, db_driver="pgsql",
                      db_params=cluster.create_database("outage_log")).start()
    yield srv
    srv.stop()
    srv.cleanup()


def test_an_outage_is_logged_once_per_child(cluster, node):
    alice = new_user(node)
    offset = len(node.read_log())
    cluster.stop()
    try:
        statuses = [alice.get("/tasks").status_code for _ in range(FAILED_REQUESTS)]
    finally:
        cluster.start()
    assert statuses == [503] * FAILED_REQUESTS
    wait_until(lambda: requests.get(node.url("/health"), timeout=30).status_code == 200,
               timeout=20, what="health after PostgreSQL came back")

    lines = node.read_log()[offset:].splitlines()
    errors = [line for line in lines if re.search(r":(warn|error|crit)\]", line)]
    children = len({re.search(r"\[pid (\d+)", line).group(1) for line in errors})
    # one line per child that met the outage (none logs each request)
    assert 1 <= len(errors) <= children, "\n".join(errors)
    assert all(re.search(r"PAMPS1(02|04|18):", line) for line in errors), "\n".join(errors)
    assert any("PAMPS117:" in line for line in lines)
