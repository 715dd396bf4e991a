"""Protecting other locations: the pamps-user/-role/-department/-position
authz providers on a static directory and on a proxied backend (a small
http.server on loopback that echoes the headers it received), identity
headers for backends, and the token cookie for browser navigation."""
import base64
import hashlib
import http.server
import json
import os
import threading

import pytest
import requests

from pampsenv import Client, extra_server, free_port, make_admin, new_user, \
    set_role, unique

MODULES = "/usr/lib/apache2/modules/"
DEPT = "Eng " + unique("d")          # configured mixed-case; matched by folded key
POS = unique("p")
NAMED = unique("n")
COOKIE = "pamps_at"
PASSWORD = "basic secret"


class Echo(http.server.BaseHTTPRequestHandler):
    """Answers every request with the headers it received, as JSON."""
    seen = []

    def _echo(self):
        headers = {k.lower(): v for k, v in self.headers.items()}
        Echo.seen.append(self.path)
        body = json.dumps({"path": self.path, "headers": headers}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _echo

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def backend():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Echo)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv.server_address[1]
    srv.shutdown()
    srv.server_close()


def directives(port):
    return """
LoadModule proxy_module {m}mod_proxy.so
LoadModule proxy_http_module {m}mod_proxy_http.so
LoadModule authz_host_module {m}mod_authz_host.so
LoadModule auth_basic_module {m}mod_auth_basic.so
LoadModule authn_file_module {m}mod_authn_file.so
LoadModule authz_user_module {m}mod_authz_user.so
PampsTokenCookie {cookie}
<Location /reports>
    AuthType Bearer
    Require pamps-role admin
</Location>
<Location /billing>
    AuthType Bearer
    AuthzSendForbiddenOnFailure On
    Require pamps-user
    PampsForwardIdentity On
    PampsForwardToken Off
    ProxyPass http://127.0.0.1:{port}/
</Location>
<Location /renamed>
    AuthType Bearer
    AuthzSendForbiddenOnFailure On
    Require pamps-user
    PampsForwardIdentity On
    PampsIdentityHeaders X-Who X-Who-Id X-Who-Role
    ProxyPass http://127.0.0.1:{port}/
</Location>
<Location /lan>
    AuthType Bearer
    <RequireAny>
        Require ip 127.0.0.1
        Require pamps-user
    </RequireAny>
    PampsForwardIdentity On
    ProxyPass http://127.0.0.1:{port}/
</Location>
<Location /token-elsewhere>
    AuthType Bearer
    Require pamps-token
</Location>
<Location /static>
    AuthType Bearer
    AuthzSendForbiddenOnFailure On
    Require pamps-user
</Location>
<Location /named>
    AuthType Bearer
    AuthzSendForbiddenOnFailure On
    Require pamps-user someone-else {named}
</Location>
<Location /dept>
    AuthType Bearer
    Require pamps-department nobody-here "{dept}"
</Location>
<Location /pos>
    AuthType Bearer
    Require pamps-position {pos}
</Location>
<Location /not-admin>
    AuthType Bearer
    <RequireAll>
        Require pamps-user
        Require not pamps-role admin
    </RequireAll>
</Location>
<Location /bearer-user>
    AuthType Bearer
    Require user {named}
</Location>
<Location /basic>
    AuthType Basic
    AuthName basic
    AuthUserFile htpasswd
    Require user bob
</Location>
<Location /basic-pamps>
    AuthType Basic
    AuthName basic
    AuthUserFile htpasswd
    Require pamps-user
</Location>
<Location /local>
    AuthType Bearer
    <RequireAny>
        Require ip 127.0.0.1
        Require pamps-user
    </RequireAny>
</Location>
<Location /remote>
    AuthType Bearer
    <RequireAny>
        Require ip 192.0.2.1
        Require pamps-user
    </RequireAny>
</Location>
""".format(m=MODULES, port=port, cookie=COOKIE, named=NAMED, dept=DEPT, pos=POS)


@pytest.fixture(scope="module")
def authz_server(backend):
    for srv in extra_server(directives(backend)):
        for d in ("reports", "static", "named", "dept", "pos", "local", "remote",
                  "not-admin", "bearer-user", "basic", "basic-pamps"):
            os.makedirs(os.path.join(srv.dir, "htdocs", d), exist_ok=True)
            with open(os.path.join(srv.dir, "htdocs", d, "file.txt"), "w") as f:
                f.write("content of " + d + "\n")
        # AuthUserFile is relative to the ServerRoot, the server's directory
        with open(os.path.join(srv.dir, "htpasswd"), "w") as f:
            for name in ("alice", "bob"):
                f.write("%s:{SHA}%s\n" % (name, base64.b64encode(
                    hashlib.sha1(PASSWORD.encode()).digest()).decode()))
        yield srv


@pytest.fixture
def srv(authz_server):
    """The server, its log checked after the test; httpd logs each refusal
    of an authenticated user (403) at error level."""
    authz_server.mark_log()
    authz_server.expect_log(r"AH01631: user [^ ]+: authorization failure")
    yield authz_server
    bad = authz_server.unexpected_log_lines()
    assert not bad, "unexpected lines in the httpd error log:\n" + "\n".join(bad)


def get(srv, path, token=None, method="GET", **kw):
    headers = kw.pop("headers", {})
    if token:
        headers["Authorization"] = "Bearer " + token
    return requests.request(method, srv.root + path, headers=headers, timeout=30, **kw)


def test_static_role_rules(srv):
    admin = make_admin(srv, new_user(srv))
    user = new_user(srv)
    r = get(srv, "/reports/file.txt", admin.access)
    assert r.status_code == 200 and r.text == "content of reports\n"
    # the example as written: a valid token without the role is
    # refused, not asked to authenticate again
    r = get(srv, "/reports/file.txt", user.access)
    assert r.status_code == 403
    assert "WWW-Authenticate" not in r.headers
    assert "content of" not in r.text
    r = get(srv, "/reports/file.txt", user.access, headers={"Accept": "application/json"})
    assert r.status_code == 403
    assert r.json() == {"detail": "Not enough permissions"}
    r = get(srv, "/reports/file.txt")
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == "Bearer"
    assert "content of" not in r.text
    r = get(srv, "/reports/file.txt", "not.a.token")
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    # a client that takes JSON gets the API's error shape
    r = get(srv, "/reports/file.txt", headers={"Accept": "application/json"})
    assert r.status_code == 401
    assert r.json() == {"detail": "Not authenticated"}


def test_any_valid_token_and_named_users(srv):
    user = new_user(srv)
    assert get(srv, "/static/file.txt", user.access).status_code == 200
    assert get(srv, "/named/file.txt", user.access).status_code == 403
    named = Client(srv, username=NAMED)
    named.register()
    named.login()
    assert get(srv, "/named/file.txt", named.access).status_code == 200


def test_any_refusal_of_a_valid_token_is_403(srv):
    """A new token would not help: whichever Require line refuses a valid
    token (negated, another module's provider, AuthzSendForbiddenOnFailure
    On or not), the answer is 403, never a 401 asking for one."""
    admin, user = make_admin(srv, new_user(srv)), new_user(srv)
    assert get(srv, "/not-admin/file.txt", user.access).status_code == 200
    assert get(srv, "/not-admin/file.txt", admin.access).status_code == 403
    r = get(srv, "/bearer-user/file.txt", user.access)       # mod_authz_user's
    assert r.status_code == 403
    assert "WWW-Authenticate" not in r.headers
    r = get(srv, "/named/file.txt", user.access, headers={"Accept": "application/json"})
    assert r.status_code == 403
    assert r.json() == {"detail": "Not enough permissions"}
    assert get(srv, "/bearer-user/file.txt").status_code == 401
    assert get(srv, "/not-admin/file.txt", "bad").status_code == 401


def test_basic_auth_next_door_unaffected(srv):
    """httpd's own answers where another AuthType rules, our providers
    included: a Basic user is no pamps user."""
    srv.expect_log(r"AH01614: client used wrong authentication scheme")
    user = new_user(srv)
    assert get(srv, "/basic/file.txt", auth=("bob", PASSWORD)).status_code == 200
    for path, kw in [("/basic/file.txt", {"auth": ("alice", PASSWORD)}),
                     ("/basic/file.txt", {}),
                     ("/basic-pamps/file.txt", {"auth": ("bob", PASSWORD)}),
                     ("/basic-pamps/file.txt", {"headers": {
                         "Authorization": "Bearer " + user.access}})]:
        r = get(srv, path, **kw)
        assert r.status_code == 401, (path, kw)
        assert r.headers["WWW-Authenticate"] == 'Basic realm="basic"'


def test_pamps_token_outside_the_api_asks_for_a_user(srv):
    """Outside the API there are no public routes to let through."""
    os.makedirs(os.path.join(srv.dir, "htdocs", "token-elsewhere"), exist_ok=True)
    with open(os.path.join(srv.dir, "htdocs", "token-elsewhere", "f.txt"), "w") as f:
        f.write("x")
    assert get(srv, "/token-elsewhere/f.txt").status_code == 401
    assert get(srv, "/token-elsewhere/f.txt", new_user(srv).access).status_code == 200


def test_role_change_applies_on_next_request(srv):
    user = new_user(srv)
    assert get(srv, "/reports/file.txt", user.access).status_code == 403
    set_role(srv, user.id, "admin")
    assert get(srv, "/reports/file.txt", user.access).status_code == 200
    set_role(srv, user.id, "user")
    assert get(srv, "/reports/file.txt", user.access).status_code == 403


def test_logout_applies_on_next_request(srv):
    user = new_user(srv)
    assert get(srv, "/static/file.txt", user.access).status_code == 200
    r = user.post("/auth/logout", json={"refresh_token": user.refresh})
    assert r.status_code == 204
    assert get(srv, "/static/file.txt", user.access).status_code == 401
    assert get(srv, "/billing/x", user.access).status_code == 401


def test_proxied_backend_gets_identity_not_forgeries(srv):
    user = new_user(srv)
    before = len(Echo.seen)
    forged = {"X-Pamps-User": "admin", "X-Pamps-User-Id": "1", "X-Pamps-Role": "admin",
              "x-pamps-role": "admin"}
    r = get(srv, "/billing/invoice?id=3", user.access, headers=dict(forged))
    assert r.status_code == 200, r.text
    echo = r.json()
    assert echo["path"] == "/invoice?id=3"
    h = echo["headers"]
    assert h["x-pamps-user"] == user.username
    assert h["x-pamps-user-id"] == str(user.id)
    assert h["x-pamps-role"] == "user"
    assert "authorization" not in h            # PampsForwardToken Off
    # without a token the backend is never reached, forged headers or not
    assert get(srv, "/billing/invoice", headers=dict(forged)).status_code == 401
    assert get(srv, "/billing/invoice", "bad", headers=dict(forged)).status_code == 401
    assert len(Echo.seen) == before + 1


def test_forged_identity_stripped_without_a_user(srv):
    """Require ip lets the request in with no user: the backend must still
    see no X-Pamps-* header the client made up."""
    r = get(srv, "/lan/x", headers={"X-Pamps-User": "admin", "X-Pamps-Role": "admin",
                                    "X-Pamps-User-Id": "1"})
    assert r.status_code == 200
    h = r.json()["headers"]
    assert not [k for k in h if k.startswith("x-pamps-")], h
    user = new_user(srv)
    r = get(srv, "/lan/x", user.access, headers={"X-Pamps-Role": "admin"})
    # Require ip granted first: no authentication ran, so no identity either
    assert not [k for k in r.json()["headers"] if k.startswith("x-pamps-")]


def test_identity_header_names_and_token_forwarding(srv):
    admin = make_admin(srv, new_user(srv))
    r = get(srv, "/renamed/x", admin.access,
            headers={"X-Who": "forged", "X-Who-Role": "forged", "X-Who-Id": "0"})
    assert r.status_code == 200
    h = r.json()["headers"]
    assert (h["x-who"], h["x-who-id"], h["x-who-role"]) == (admin.username, str(admin.id),
                                                            "admin")
    assert "x-pamps-user" not in h
    assert h["authorization"] == "Bearer " + admin.access   # PampsForwardToken On


@pytest.mark.parametrize("kind,path,name", [("departments", "/dept", DEPT.upper()),
                                            ("positions", "/pos", POS)])
def test_membership_rules(srv, kind, path, name):
    admin = make_admin(srv, new_user(srv))
    member, outsider = new_user(srv), new_user(srv)
    r = admin.post("/" + kind, json={"name": name})
    assert r.status_code in (201, 409), r.text
    if r.status_code == 201:
        org_id = r.json()["id"]
    else:
        org_id = [o["id"] for o in admin.get("/" + kind + "?limit=100").json()["items"]
                  if o["name"] == name][0]
    assert get(srv, path + "/file.txt", member.access).status_code == 403
    assert admin.put("/users/%s/%s/%d" % (member.username, kind, org_id)).status_code == 204
    assert get(srv, path + "/file.txt", member.access).status_code == 200
    assert get(srv, path + "/file.txt", outsider.access).status_code == 403
    assert admin.delete("/users/%s/%s/%d" % (member.username, kind, org_id)).status_code == 204
    assert get(srv, path + "/file.txt", member.access).status_code == 403


def test_require_any_with_require_ip(srv):
    user = new_user(srv)
    assert get(srv, "/local/file.txt").status_code == 200          # Require ip matched
    assert get(srv, "/remote/file.txt").status_code == 401
    assert get(srv, "/remote/file.txt", user.access).status_code == 200


def login_with_cookie(srv, client, query):
    r = requests.post(srv.url("/auth/login" + query),
                      json={"username": client.username, "password": client.password},
                      timeout=30)
    assert r.status_code == 200, r.text
    return r


def test_cookie_only_when_asked_and_only_for_reads(srv):
    user = new_user(srv)
    assert "Set-Cookie" not in login_with_cookie(srv, user, "").headers
    r = login_with_cookie(srv, user, "?cookie=1")
    token, refresh = r.json()["access_token"], r.json()["refresh_token"]
    set_cookie = r.headers["Set-Cookie"]
    assert set_cookie.startswith("%s=%s;" % (COOKIE, token))
    for attr in ("HttpOnly", "Secure", "SameSite=Strict", "Path=/"):
        assert attr in set_cookie
    cookie = {"Cookie": "other=1; %s=%s" % (COOKIE, token)}
    assert get(srv, "/static/file.txt", headers=dict(cookie)).status_code == 200
    assert get(srv, "/static/file.txt", method="HEAD", headers=dict(cookie)).status_code == 200
    assert get(srv, "/static/file.txt", method="POST", headers=dict(cookie)).status_code == 401
    assert get(srv, "/billing/x", method="POST", headers=dict(cookie)).status_code == 401
    # PampsForwardToken Off keeps the cookie's token from the backend too
    r = get(srv, "/billing/x", headers=dict(cookie))
    assert r.status_code == 200
    assert r.json()["headers"]["x-pamps-user"] == user.username
    assert token not in json.dumps(r.json()["headers"])
    assert "other=1" in r.json()["headers"]["cookie"]
    # the API itself takes the header only
    r = requests.get(srv.url("/users/me"), headers=dict(cookie), timeout=30)
    assert r.status_code == 401
    # logout clears the cookie and ends its token
    r = requests.post(srv.url("/auth/logout"), json={"refresh_token": refresh},
                      headers={"Authorization": "Bearer " + token}, timeout=30)
    assert r.status_code == 204
    assert r.headers["Set-Cookie"].startswith(COOKIE + "=;")
    assert "Max-Age=0" in r.headers["Set-Cookie"]
    assert get(srv, "/static/file.txt", headers=dict(cookie)).status_code == 401


def test_refresh_renews_cookie_when_asked(srv):
    user = new_user(srv)
    r = requests.post(srv.url("/auth/refresh?cookie=1"),
                      json={"refresh_token": user.refresh}, timeout=30)
    assert r.status_code == 200
    assert r.headers["Set-Cookie"].startswith("%s=%s;" % (COOKIE, r.json()["access_token"]))
