"""Real browser (headless Debian chromium, driven by playwright-core through
tests/browser/*.js): an app on a listed origin logs in, reads /users/me and
creates a task through fetch(); the same app on an origin not listed is
refused by the browser; the docs page works under its strict CSP."""
import json
import os
import subprocess

import pytest

from pampsenv import TOP, extra_server, free_port, new_user

DRIVERS = os.path.join(TOP, "tests", "browser")
APP_PORT = free_port()


def node(script, *args):
    res = subprocess.run(["node", os.path.join(DRIVERS, script)] + [str(a) for a in args],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout), res.stderr


@pytest.fixture(scope="module")
def app_server():
    """The development configuration plus the app's origin."""
    yield from extra_server("PampsCORSOrigins http://localhost:%d\n" % APP_PORT)


def test_app_on_a_listed_origin_uses_the_api(app_server):
    c = new_user(app_server)
    out, log = node("cors_page.js", "http://localhost:%d" % APP_PORT,
                    app_server.url(""), c.username, c.password)
    assert "error" not in out, log
    assert out["login"] == 200
    assert out["me"] == [200, c.username]
    status, title, location = out["task"]
    assert (status, title) == (201, "made in a browser")
    assert location.startswith("/api/v1/tasks/")       # an exposed header
    # the 401 reaches the app (not a CORS failure), challenge readable
    assert out["refused_token"] == [401, 'Bearer error="invalid_token"']
    c.login()
    tasks = c.get("/tasks").json()["items"]
    assert [t["title"] for t in tasks] == ["made in a browser"]


def test_app_on_an_origin_not_listed_is_refused_by_the_browser(app_server):
    c = new_user(app_server)
    # 127.0.0.1 and localhost are two origins; only localhost:APP_PORT is listed
    out, log = node("cors_page.js", "http://127.0.0.1:%d" % APP_PORT,
                    app_server.url(""), c.username, c.password)
    assert out == {"error": "TypeError: Failed to fetch"}
    assert "blocked by CORS policy" in log
    assert "Access-Control-Allow-Origin" in log


def test_docs_page_authorizes_and_tries_a_call_under_strict_csp(server, tmp_path):
    c = new_user(server)
    shot = tmp_path / "docs.png"
    out, log = node("docs_page.js", server.url(""), c.username, c.password, shot)
    assert "failure" not in out, out
    assert out["errors"] == [], out["errors"]      # no CSP violation, no page error
    assert out["csp"].startswith("default-src 'self';")
    assert out["title"].startswith("mod_pamps API")
    assert out["spec_link"] == "/api/v1/openapi.json"
    assert out["schemas"] >= 1
    assert out["authorized"] == "Authorized"
    assert out["status"] == "200"
    body = json.loads(out["body"])
    assert body["username"] == c.username
    assert out["curl"].startswith("curl -X 'GET'")
    assert "/api/v1/users/me" in out["curl"] and "Authorization: Bearer " in out["curl"]
    assert shot.exists()
