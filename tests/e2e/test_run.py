"""`make run`'s script: it serves the API on the given port with a fresh
database, prints the PAMPS_DB line, says where it serves once it does, and
Ctrl-C leaves nothing running."""
import os
import re
import signal
import subprocess
import tempfile

import pytest
import requests

from pampsenv import (BACKEND, CRASH_LOG_LINE, MODULE, TOP, free_port, httpd_env,
                      report_texts, sanitizer_reports)


def _up(url):
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def _down(url):
    try:
        requests.get(url, timeout=2)
        return False
    except requests.RequestException:
        return True


def _default_sigint():
    """In the child: SIGINT handled as in a terminal's foreground job. A
    test run started in the background (`make test &`) inherits SIGINT
    ignored, and a shell cannot trap a signal ignored when it started."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("db", [BACKEND])
def test_run_serves_and_ctrl_c_stops_everything(db):
    data = tempfile.mkdtemp(prefix="pamps-run-")
    os.chmod(data, 0o755)
    port = free_port()
    health = "http://127.0.0.1:%d/api/v1/health" % port
    # a process group of its own, like a terminal's foreground job
    proc = subprocess.Popen(["sh", os.path.join(TOP, "scripts", "run.sh"), TOP, MODULE,
                             str(port), data, db],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True, preexec_fn=_default_sigint,
                            env=httpd_env(data, preload_var="HTTPD_PRELOAD"))
    seen = []
    try:
        for line in proc.stdout:
            seen.append(line)
            if line.startswith("mod_pamps on "):
                break
        # the line promises a server that answers, not one still starting
        assert _up(health), "".join(seen)
        r = requests.post("http://127.0.0.1:%d/api/v1/auth/register" % port,
                          json={"username": "runner", "email": "runner@example.com",
                                "password": "password123"}, timeout=30)
        assert r.status_code == 201
        assert os.path.exists(os.path.join(data, "jwt.key"))
    finally:
        os.killpg(proc.pid, signal.SIGINT)      # what Ctrl-C sends
        output = "".join(seen) + proc.communicate(timeout=60)[0]
    assert re.search(r"^PAMPS_DB='%s:" % db, output, re.M), output
    assert "http://127.0.0.1:%d/api/v1" % port in output
    assert _down(health)
    # nothing of it is left: no httpd or postgres using its directory
    left = subprocess.run(["pgrep", "-f", data], capture_output=True, text=True).stdout
    assert left.strip() == ""
    # stopped gracefully (AH00492: the parent caught SIGWINCH), not with the
    # ungraceful stop that can crash an event MPM child (README "Stopping");
    # no crash and, under make test-asan, no sanitizer report
    with open(os.path.join(data, "error.log")) as f:
        log = f.read()
    assert "AH00492" in log and "AH00491" not in log, log
    assert not CRASH_LOG_LINE.search(log)
    assert not report_texts(sanitizer_reports(data))
    subprocess.run(["rm", "-rf", data])
