"""Memory of the httpd children after a burst of logins at the default
argon2 cost (19 MiB per hash): the scratch memory goes back to the system
and only as many hashes as cores run at once, so a child stays small."""
import os
import threading

import pytest
import requests

from pampsenv import PRELOAD, Client, checked

LOGINS = 64
MAX_CHILD_RSS_KB = 100 * 1024


# ASan's shadow memory and quarantine make a child's RSS say nothing about
# argon2's scratch memory: the sanitizer run checks memory errors instead
pytestmark = pytest.mark.skipif(bool(PRELOAD), reason="RSS is not measured under ASan")


@pytest.fixture(scope="module")
def default_cost_server():
    from pampsenv import HttpdServer
    # the default PampsArgon2 (no cheap cost), and no lockout: attempts in
    # flight count against the account's limit too
    srv = HttpdServer(extra="PampsLoginThrottle 100000 100000 300\n").start()
    yield srv
    srv.stop()
    srv.cleanup()


@pytest.fixture
def srv(default_cost_server):
    yield from checked(default_cost_server)


def status_fields(pid):
    """/proc/PID/status as a dict, or {} once the process is gone."""
    try:
        with open("/proc/%d/status" % pid) as f:
            return dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)
    except (FileNotFoundError, ProcessLookupError):
        return {}


def children_of(parent):
    kids = []
    for name in os.listdir("/proc"):
        if name.isdigit() and status_fields(int(name)).get("PPid", "").strip() == str(parent):
            kids.append(int(name))
    return kids


def rss_kb(pid):
    value = status_fields(pid).get("VmRSS")
    return int(value.split()[0]) if value else None


def test_children_stay_small_after_a_login_burst(srv):
    user = Client(srv)
    user.register()
    barrier = threading.Barrier(LOGINS)
    statuses = []

    def login():
        barrier.wait()
        r = requests.post(srv.url("/auth/login"),
                          json={"username": user.username, "password": user.password},
                          timeout=120)
        statuses.append(r.status_code)

    threads = [threading.Thread(target=login) for _ in range(LOGINS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200] * LOGINS

    with open(os.path.join(srv.dir, "httpd.pid")) as f:
        parent = int(f.read().strip())
    sizes = {pid: rss_kb(pid) for pid in children_of(parent)}
    sizes = {pid: kb for pid, kb in sizes.items() if kb is not None}
    assert sizes, "no httpd children found under pid %d" % parent
    assert max(sizes.values()) <= MAX_CHILD_RSS_KB, sizes
