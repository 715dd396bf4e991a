"""Graceful restarts under load (README "Sizing, timeouts and restarts"):
clients that open a connection per request lose no request, the parent
survives restarts in a row, and the SIGCHLD handler mod_pamps arms in the
parent for a restart reaches no other process: the MPM's children, a piped
logger and mod_cgid's daemon keep their own. How long requests wait is
measured by bench/graceful.py, not here."""
import os
import re
import threading

import pytest
import requests

from pampsenv import TEST_DIRECTIVES, HttpdServer, checked, wait_until

CLIENTS = 6
RESTARTS = 4
SIGCHLD = 17
CGI = "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\ncgi ok\\n'\n"


class RestartedServer(HttpdServer):
    """A server with a piped access log and mod_cgid beside mod_pamps: the
    other children a parent has."""

    def __init__(self):
        super().__init__()
        self.piped_log = os.path.join(self.dir, "piped.log")
        self.extra = TEST_DIRECTIVES + "\n".join([
            "LoadModule cgid_module /usr/lib/apache2/modules/mod_cgid.so",
            'CustomLog "|$/bin/cat >> %s" "%%r %%>s"' % self.piped_log,
            '<Directory "%s/htdocs/cgi">' % self.dir,
            "    SetHandler cgi-script",
            "    Options +ExecCGI",
            "</Directory>", ""])

    def render(self):
        super().render()
        os.makedirs(os.path.join(self.dir, "htdocs", "cgi"), exist_ok=True)
        script = os.path.join(self.dir, "htdocs", "cgi", "hello")
        with open(script, "w") as f:
            f.write(CGI)
        os.chmod(script, 0o755)
        return self


@pytest.fixture
def restarted():
    srv = RestartedServer().start()
    try:
        yield from checked(srv)
    finally:
        srv.stop()
        srv.cleanup()


def parent_pid(srv):
    with open(os.path.join(srv.dir, "httpd.pid")) as f:
        return int(f.read())


def status(pid):
    """The fields of /proc/PID/status, or {} once the process is gone."""
    try:
        with open("/proc/%d/status" % pid) as f:
            return dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)
    except FileNotFoundError:
        return {}


def httpd_children(pid):
    """The MPM's children and mod_cgid's daemon (a piped logger's shell
    catches SIGCHLD for itself)."""
    found = []
    for entry in os.listdir("/proc"):
        st = status(int(entry)) if entry.isdigit() else {}
        if st.get("PPid") == str(pid) and st.get("Name") == "apache2":
            found.append(int(entry))
    return found


def catches_sigchld(pid):
    return bool(int(status(pid).get("SigCgt", "0"), 16) & (1 << (SIGCHLD - 1)))


def restarts_done(srv):
    return len(re.findall(r"AH00489", srv.read_log()))


def test_graceful_restarts_under_load_lose_no_request(restarted):
    srv = restarted
    # httpd's own with a piped log: a restart ends the old logger, which
    # the parent then reaps as a child it no longer knows, and the old
    # children's last lines find its pipe closed
    srv.expect_log(r"AH00488: long lost child came home")
    srv.expect_log(r"AH00646: Error writing to \|")
    parent = parent_pid(srv)
    url = srv.url("/health")
    answered = [0] * CLIENTS
    failures = []
    stop = threading.Event()
    ready = threading.Barrier(CLIENTS + 1)

    def client(i):
        while not stop.is_set():
            try:
                r = requests.get(url, headers={"Connection": "close"}, timeout=30)
                if r.status_code == 200:
                    answered[i] += 1
                else:
                    failures.append("%d %s" % (r.status_code, r.text[:200]))
            except requests.RequestException as exc:
                failures.append(repr(exc))
            if answered[i] == 1:
                ready.wait(timeout=30)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    try:
        ready.wait(timeout=30)                  # every client has had an answer
        for n in range(RESTARTS):
            before = list(answered)
            res = srv._ctl("-k", "graceful")
            assert res.returncode == 0, res.stdout + res.stderr
            wait_until(lambda: restarts_done(srv) == n + 2 or not status(parent),
                       what="restart %d" % (n + 1))
            assert status(parent), "the parent died in restart %d" % (n + 1)
            wait_until(lambda: all(a > b for a, b in zip(answered, before)),
                       what="every client answered after restart %d" % (n + 1))
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not failures, failures[:10]
    assert parent_pid(srv) == parent

    marker = "/api/v1/health?after-restarts"
    assert requests.get(srv.root + marker, timeout=10).status_code == 200
    r = requests.get(srv.root + "/cgi/hello", timeout=10)
    assert (r.status_code, r.text) == (200, "cgi ok\n")
    wait_until(lambda: os.path.exists(srv.piped_log)
               and "GET %s HTTP/1.1 200" % marker in open(srv.piped_log).read(),
               what="the piped logger to log after the restarts")

    # the handler is the parent's alone, for the restart's first child exit
    wait_until(lambda: not [pid for pid in httpd_children(parent) if catches_sigchld(pid)],
               what="no httpd child catching SIGCHLD")
