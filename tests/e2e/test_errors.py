"""API.md's error conventions: one JSON shape per status, the headers that go
with 401 and 405, trailing slashes, ids in paths, and the settled order of
checks (401, then 413/415/400, then 403, then 422, then 404)."""
import json
import os
import socket

import pytest

from pampsenv import Client, HttpdServer, checked, extra_server, new_user, unique

PROTECTED = [
    ("GET", "/users/me"),
    ("PATCH", "/users/me"),
    ("DELETE", "/users/me"),
    ("PUT", "/users/me/password"),
    ("GET", "/tasks"),
    ("POST", "/tasks"),
    ("GET", "/tasks/1"),
    ("PUT", "/tasks/1"),
    ("PATCH", "/tasks/1"),
    ("DELETE", "/tasks/1"),
    ("POST", "/auth/logout"),
]

LIMIT = 200          # PampsMaxBodySize of the small server

BAD_IDS = ["abc", "0", "-1", "1.5", "9223372036854775808", "1e3", "%20"]


def assert_detail(r, status):
    """The {"detail": "..."} shape, as JSON."""
    assert r.status_code == status, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"detail"}, body
    assert isinstance(body["detail"], str) and body["detail"]
    return body["detail"]


def locs(r):
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert isinstance(detail, list)
    for entry in detail:
        assert isinstance(entry["msg"], str) and entry["msg"]
        assert isinstance(entry["type"], str) and entry["type"]
    return sorted(tuple(e["loc"]) for e in detail)


def allow_set(r):
    return {m.strip() for m in r.headers["Allow"].split(",")} - {"HEAD", "OPTIONS"}


@pytest.fixture(scope="module")
def small_server():
    yield from extra_server("PampsMaxBodySize %d\n" % LIMIT)


@pytest.fixture
def small(small_server):
    yield from checked(small_server)


@pytest.fixture(scope="module")
def nodb_server():
    srv = HttpdServer(db_params="/nonexistent-pamps-dir/pamps.db").start()
    yield srv
    srv.stop()
    srv.cleanup()


# --- health ---------------------------------------------------------------

def test_health_shape(server):
    r = Client(server).get("/health")
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    body = r.json()
    assert {"status", "version", "environment", "database"} <= set(body)
    assert body["status"] == "healthy"
    assert body["database"] == "ok"
    assert body["environment"] == "test"
    assert isinstance(body["version"], str) and body["version"]


def test_health_with_trailing_slash(server):
    r = Client(server).get("/health/")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "healthy"


def test_health_ignores_a_bad_token(server):
    # a public route: a token, good or bad, is not looked at
    r = Client(server).get("/health", token="not-a-token")
    assert r.status_code == 200


def test_database_unavailable_is_503(nodb_server):
    nodb_server.mark_log()
    c = Client(nodb_server)
    r = c.get("/health")
    assert r.status_code == 503
    body = r.json()
    assert body["status"] == "unhealthy"
    assert body["database"] == "unavailable"
    r = c.post("/auth/login", json={"username": "someone", "password": "password123"})
    assert_detail(r, 503)
    assert "sqlite" not in r.text.lower() and "select" not in r.text.lower()


# --- 404 ------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/nope", "/nope/", "/tasks/1/nope", "/auth/nope",
                                  "/health/nope", "", "/"])
@pytest.mark.parametrize("token", ["none", "valid", "invalid"])
def test_unknown_path_is_json_404(server, path, token):
    # routing answers before authentication: even a bad token gets the 404
    c = new_user(server) if token == "valid" else Client(server)
    if token == "invalid":
        c.access = "not.a.token"
    for method in ("GET", "POST", "DELETE"):
        r = c.request(method, path)
        assert assert_detail(r, 404) == "Not Found"
        assert "WWW-Authenticate" not in r.headers


@pytest.mark.parametrize("bad_id", BAD_IDS)
def test_id_not_positive_int64_is_404(server, user, bad_id):
    for method in ("GET", "PUT", "PATCH", "DELETE"):
        r = user.request(method, "/tasks/" + bad_id, json={"title": "t", "done": False})
        assert_detail(r, 404)


def test_near_miss_ids_do_not_reach_a_real_task(server, user):
    t = user.post("/tasks", json={"title": "target"}).json()
    for bad in ("%d.0" % t["id"], "+%d" % t["id"], "-%d" % t["id"], "%dx" % t["id"],
                "%d%%20" % t["id"], "%d,1" % t["id"]):
        for method in ("GET", "PUT", "PATCH", "DELETE"):
            r = user.request(method, "/tasks/" + bad, json={"title": "hit", "done": True})
            assert_detail(r, 404)
    got = user.get("/tasks/%d" % t["id"])
    assert got.status_code == 200
    assert (got.json()["title"], got.json()["done"]) == ("target", False)


def test_largest_int64_id_is_a_valid_id_of_a_missing_task(server, user):
    r = user.get("/tasks/9223372036854775807")
    assert_detail(r, 404)
    r = user.put("/tasks/9223372036854775807", json={"title": 5, "done": False})
    # a real id: the route matched, so validation (422) comes before lookup
    assert r.status_code == 422


# --- 405 ------------------------------------------------------------------

@pytest.mark.parametrize("method,path,allowed", [
    ("DELETE", "/health", {"GET"}),
    ("POST", "/health/", {"GET"}),
    ("PUT", "/tasks", {"GET", "POST"}),
    ("DELETE", "/tasks/", {"GET", "POST"}),
    ("POST", "/tasks/1", {"GET", "PUT", "PATCH", "DELETE"}),
    ("GET", "/auth/login", {"POST"}),
    ("GET", "/auth/register", {"POST"}),
    ("PUT", "/auth/refresh", {"POST"}),
    ("GET", "/auth/logout", {"POST"}),
    ("POST", "/users/me", {"GET", "PATCH", "DELETE"}),
    ("GET", "/users/me/password", {"PUT"}),
])
def test_wrong_method_is_405_with_allow(server, method, path, allowed):
    # routing answers before authentication, as in FastAPI
    r = Client(server).request(method, path, json={})
    assert assert_detail(r, 405) == "Method Not Allowed"
    assert allow_set(r) == allowed
    assert method not in allow_set(r)


def test_405_with_a_token_too(server, user):
    r = user.request("PUT", "/tasks")
    assert r.status_code == 405
    assert allow_set(r) == {"GET", "POST"}


# --- 401 ------------------------------------------------------------------

@pytest.mark.parametrize("method,path", PROTECTED)
def test_protected_route_without_token_is_401(server, method, path):
    r = Client(server).request(method, path, json={})
    assert_detail(r, 401)
    assert r.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("method,path", PROTECTED)
def test_protected_route_with_bad_token_is_401_invalid_token(server, method, path):
    r = Client(server).request(method, path, token="garbage.token.here", json={})
    assert_detail(r, 401)
    challenge = r.headers["WWW-Authenticate"]
    assert challenge.startswith("Bearer")
    assert 'error="invalid_token"' in challenge


def test_other_auth_scheme_is_401_plain_challenge(server, user):
    r = user.get("/tasks", token=None, headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert_detail(r, 401)
    assert r.headers["WWW-Authenticate"] == "Bearer"


def test_401_detail_does_not_echo_the_token(server):
    token = "secret-looking-token-" + unique()
    r = Client(server).get("/users/me", token=token)
    assert r.status_code == 401
    assert token not in r.text


# --- 400 ------------------------------------------------------------------

@pytest.mark.parametrize("raw", [b"{", b'{"title": }', b"not json", b'{"title":"a"} x',
                                 b'{"title":"\xff\xfe"}'])
def test_invalid_json_is_400(server, user, raw):
    r = user.post("/tasks", data=raw, headers={"Content-Type": "application/json"})
    assert_detail(r, 400)


@pytest.mark.parametrize("raw", [b"[]", b'[{"title": "a"}]', b'"title"', b"1", b"null",
                                 b"true"])
def test_non_object_json_is_400(server, user, raw):
    r = user.post("/tasks", data=raw, headers={"Content-Type": "application/json"})
    assert_detail(r, 400)
    assert user.get("/tasks").json()["total"] == 0


@pytest.mark.parametrize("huge", [b"18446744073709551616", b"-18446744073709551616",
                                  b"1e400", b"-1e400", b"[1, 2e999]"])
def test_huge_numbers_in_unknown_fields_are_valid_json(server, user, huge):
    """RFC 8259 sets no limit on numbers: an unknown field holding one that
    jansson cannot hold is ignored like any unknown field."""
    r = user.post("/tasks", data=b'{"title": "big", "extra": ' + huge + b"}",
                  headers={"Content-Type": "application/json"})
    assert r.status_code == 201, r.text
    assert r.json()["title"] == "big"


@pytest.mark.parametrize("huge", [b"18446744073709551616", b"1e400"])
def test_huge_numbers_in_known_fields_are_422(server, user, huge):
    r = user.post("/tasks", data=b'{"title": ' + huge + b', "done": ' + huge + b"}",
                  headers={"Content-Type": "application/json"})
    assert locs(r) == [("body", "done"), ("body", "title")]
    r = user.post("/posts", data=b'{"text": "hi", "parent_id": ' + huge + b"}",
                  headers={"Content-Type": "application/json"})
    assert locs(r) == [("body", "parent_id")]
    assert user.get("/tasks").json()["total"] == 0


def test_invalid_json_on_public_routes_is_400(server):
    c = Client(server)
    for path in ("/auth/register", "/auth/login", "/auth/refresh"):
        r = c.post(path, data=b"{oops", headers={"Content-Type": "application/json"})
        assert_detail(r, 400)


def test_empty_json_body_reports_missing_fields(server, user):
    r = user.post("/tasks", data=b"", headers={"Content-Type": "application/json"})
    assert r.status_code == 422


# --- 403, 409 --------------------------------------------------------------

def test_403_shape(server, user, other):
    r = user.post("/auth/logout", json={"refresh_token": other.refresh})
    assert_detail(r, 403)


def test_409_shape(server, user):
    r = Client(server).post("/auth/register", json={
        "username": user.username, "email": unique() + "@example.com",
        "password": "password123"})
    assert_detail(r, 409)


# --- 413 ------------------------------------------------------------------

def padded_task(size):
    """A valid task body of exactly size bytes."""
    base = {"title": "t", "description": ""}
    pad = size - len(json.dumps(base).encode())
    assert pad >= 0
    base["description"] = "x" * pad
    raw = json.dumps(base).encode()
    assert len(raw) == size
    return raw


def test_body_at_the_limit_is_accepted(small):
    c = new_user(small)
    r = c.post("/tasks", data=padded_task(LIMIT), headers={"Content-Type": "application/json"})
    assert r.status_code == 201, r.text


def test_body_over_the_limit_is_413(small):
    c = new_user(small)
    r = c.post("/tasks", data=padded_task(LIMIT + 1), headers={"Content-Type": "application/json"})
    assert_detail(r, 413)
    r = c.post("/tasks", data=padded_task(5000), headers={"Content-Type": "application/json"})
    assert_detail(r, 413)
    assert c.get("/tasks").json()["total"] == 0


def test_chunked_body_over_the_limit_is_413(small):
    c = new_user(small)
    raw = padded_task(1000)

    def chunks():
        for i in range(0, len(raw), 50):
            yield raw[i:i + 50]

    r = c.post("/tasks", data=chunks(), headers={"Content-Type": "application/json"})
    assert r.request.headers.get("Transfer-Encoding") == "chunked"
    assert "Content-Length" not in r.request.headers
    assert_detail(r, 413)
    assert c.get("/tasks").json()["total"] == 0


def test_chunked_body_under_the_limit_is_read(small):
    c = new_user(small)
    raw = padded_task(LIMIT - 10)
    r = c.post("/tasks", data=iter([raw[:40], raw[40:]]),
               headers={"Content-Type": "application/json"})
    assert r.request.headers.get("Transfer-Encoding") == "chunked"
    assert r.status_code == 201, r.text


def test_413_on_a_public_route(small):
    r = Client(small).post("/auth/register", json={
        "username": unique(), "email": unique() + "@example.com",
        "password": "password123", "bio": "b" * LIMIT})
    assert_detail(r, 413)


def test_order_401_before_413(small):
    r = Client(small).post("/tasks", data=padded_task(5000),
                           headers={"Content-Type": "application/json"})
    assert_detail(r, 401)
    assert r.headers["WWW-Authenticate"] == "Bearer"


def test_order_413_before_415_and_400(small):
    c = new_user(small)
    r = c.post("/tasks", data=b"x" * (LIMIT * 3), headers={"Content-Type": "text/plain"})
    assert_detail(r, 413)
    r = c.post("/tasks", data=b"{" * (LIMIT * 3), headers={"Content-Type": "application/json"})
    assert_detail(r, 413)


def raw_http(server, request, timeout=10):
    """Sends request bytes on a fresh connection; returns everything read
    until the server closes it."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as sock:
        sock.sendall(request)
        out = b""
        while True:
            data = sock.recv(65536)
            if not data:
                return out
            out += data


def test_malformed_chunked_body_is_400_and_logged_as_400(server, user):
    head = ("POST /api/v1/tasks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
            "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
            "Connection: close\r\n\r\n" % user.access).encode()
    marker = unique("chunk")
    out = raw_http(server, head.replace(b"/tasks", b"/tasks?m=" + marker.encode())
                   + b"zz\r\n{}\r\n0\r\n\r\n")
    assert out.startswith(b"HTTP/1.1 400 "), out[:200]
    assert out.count(b"HTTP/1.1 ") == 1
    with open(os.path.join(server.dir, "access.log")) as f:
        lines = [line for line in f if marker in line]
    assert len(lines) == 1
    assert '" 400 ' in lines[0], lines[0]
    assert user.get("/tasks").json()["total"] == 0


# --- 415 ------------------------------------------------------------------

@pytest.mark.parametrize("ctype", ["text/plain", "application/xml",
                                   "application/x-www-form-urlencoded",
                                   "multipart/form-data; boundary=x"])
def test_unsupported_content_type_is_415(server, user, ctype):
    r = user.post("/tasks", data=b'{"title": "t"}', headers={"Content-Type": ctype})
    assert_detail(r, 415)
    assert user.get("/tasks").json()["total"] == 0


def test_text_plain_on_public_and_patch_routes_is_415(server, user):
    body = json.dumps({"username": unique(), "email": unique() + "@example.com",
                       "password": "password123"})
    r = Client(server).post("/auth/register", data=body, headers={"Content-Type": "text/plain"})
    assert_detail(r, 415)
    r = Client(server).post("/auth/login", data=body, headers={"Content-Type": "text/plain"})
    assert_detail(r, 415)
    r = user.patch("/users/me", data=b'{"name": "x"}', headers={"Content-Type": "text/plain"})
    assert_detail(r, 415)
    assert user.get("/users/me").json()["name"] is None


def test_json_with_charset_is_accepted(server, user):
    r = user.post("/tasks", data=json.dumps({"title": "charset"}).encode(),
                  headers={"Content-Type": "application/json; charset=utf-8"})
    assert r.status_code == 201, r.text


def test_no_content_type_with_json_body_is_accepted(server, user):
    r = user.post("/tasks", data=json.dumps({"title": "no ctype"}).encode())
    assert "Content-Type" not in r.request.headers
    assert r.status_code == 201, r.text
    assert r.json()["title"] == "no ctype"


# --- 422 ------------------------------------------------------------------

def test_422_one_entry_per_bad_body_field(server, user):
    r = user.post("/tasks", json={"title": 5, "description": "ok", "done": "yes"})
    assert locs(r) == [("body", "done"), ("body", "title")]


def test_422_missing_field(server, user):
    r = user.post("/tasks", json={"description": "no title"})
    assert locs(r) == [("body", "title")]
    assert r.json()["detail"][0]["type"] == "missing"


def test_422_query_params(server, user):
    r = user.get("/tasks", params={"limit": "0", "sort": "bogus", "offset": "x",
                                   "done": "maybe"})
    assert locs(r) == [("query", "done"), ("query", "limit"), ("query", "offset"),
                       ("query", "sort")]


def test_422_does_not_echo_a_password(server):
    secret = "shrt" + unique()[:3]
    r = Client(server).post("/auth/register", json={
        "username": unique(), "email": unique() + "@example.com", "password": secret})
    assert locs(r) == [("body", "password")]
    assert secret not in r.text


# --- trailing slash -----------------------------------------------------

def test_trailing_slash_is_the_same_resource(server, user):
    r = user.post("/tasks/", json={"title": "slash"})
    assert r.status_code == 201, r.text
    tid = r.json()["id"]
    assert user.get("/tasks/").json()["total"] == 1
    assert user.get("/tasks").json()["total"] == 1
    assert user.get("/tasks/%d/" % tid).json()["title"] == "slash"
    r = user.patch("/tasks/%d/" % tid, json={"done": True})
    assert r.status_code == 200 and r.json()["done"] is True
    r = user.put("/tasks/%d/" % tid, json={"title": "put", "done": False})
    assert r.status_code == 200 and r.json()["title"] == "put"
    assert user.get("/users/me/").json()["username"] == user.username
    r = user.patch("/users/me/", json={"bio": "slashed"})
    assert r.status_code == 200 and r.json()["bio"] == "slashed"
    r = user.delete("/tasks/%d/" % tid)
    assert r.status_code == 204
    assert user.get("/tasks/%d" % tid).status_code == 404


def test_trailing_slash_on_auth_routes(server):
    c = Client(server, username=unique())
    c.email = c.username + "@example.com"
    r = c.post("/auth/register/", json={"username": c.username, "email": c.email,
                                        "password": c.password})
    assert r.status_code == 201, r.text
    r = c.post("/auth/login/", json={"username": c.username, "password": c.password})
    assert r.status_code == 200, r.text
    r = c.post("/auth/refresh/", json={"refresh_token": r.json()["refresh_token"]})
    assert r.status_code == 200, r.text


def test_trailing_slash_still_needs_a_token(server):
    r = Client(server).get("/tasks/")
    assert_detail(r, 401)


# --- order of checks ----------------------------------------------------

def test_order_401_before_415_and_400(server):
    c = Client(server)
    r = c.post("/tasks", data=b"{", headers={"Content-Type": "text/plain"})
    assert_detail(r, 401)
    r = c.post("/tasks", data=b"{", headers={"Content-Type": "application/json"})
    assert_detail(r, 401)
    r = c.put("/users/me/password", data=b"[]", token="bad.token.x")
    assert_detail(r, 401)


def test_order_415_before_400(server, user):
    r = user.post("/tasks", data=b"{", headers={"Content-Type": "text/plain"})
    assert_detail(r, 415)


def test_order_400_before_403_and_422_and_404(server, user, other):
    # the wrong current password would be 403, the missing task 404
    r = user.put("/users/me/password", data=b"{",
                 headers={"Content-Type": "application/json"})
    assert_detail(r, 400)
    r = user.put("/tasks/999999999", data=b"[1]", headers={"Content-Type": "application/json"})
    assert_detail(r, 400)
    r = user.post("/auth/logout", data=b"nope", headers={"Content-Type": "application/json"})
    assert_detail(r, 400)


def test_order_415_before_403(server, user):
    r = user.put("/users/me/password",
                 data=json.dumps({"current_password": "wrong-password",
                                  "new_password": "newpassword1"}),
                 headers={"Content-Type": "text/plain"})
    assert_detail(r, 415)


def test_order_422_before_handler_403(server, user):
    r = user.put("/users/me/password", json={"current_password": "wrong-password",
                                             "new_password": "short"})
    assert locs(r) == [("body", "new_password")]


def test_order_422_before_404(server, user, other):
    r = user.put("/tasks/999999999", json={"title": "", "done": "no"})
    assert locs(r) == [("body", "done"), ("body", "title")]
    r = user.patch("/tasks/999999999", json={"done": 1})
    assert locs(r) == [("body", "done")]
    # another user's task is a lookup: 404, and only after validation
    tid = other.post("/tasks", json={"title": "theirs"}).json()["id"]
    r = user.patch("/tasks/%d" % tid, json={"title": None})
    assert locs(r) == [("body", "title")]
    r = user.patch("/tasks/%d" % tid, json={"title": "mine now"})
    assert_detail(r, 404)


def test_order_for_admin_routes(server, user, other):
    # PATCH /users/{username} is admin-only: 401, then 415/400, then 403,
    # and only then would the body be validated (422)
    path = "/users/" + other.username
    r = Client(server).patch(path, json={"role": "nonsense"})
    assert_detail(r, 401)
    r = user.patch(path, data=b'{"role": "admin"}', headers={"Content-Type": "text/plain"})
    assert_detail(r, 415)
    r = user.patch(path, data=b"{", headers={"Content-Type": "application/json"})
    assert_detail(r, 400)
    r = user.patch(path, json={"role": "nonsense"})
    assert_detail(r, 403)
    r = user.patch(path, json={})
    assert_detail(r, 403)
    r = user.patch(path, json={"role": "admin"})
    assert_detail(r, 403)
    assert_detail(user.delete(path), 403)
    assert user.get("/users/me").json()["role"] == "user"
    assert other.get("/users/me").status_code == 200


def test_order_413_before_403(small):
    c = new_user(small)
    target = new_user(small)
    r = c.patch("/users/" + target.username, data=b'{"role": "%s"}' % (b"a" * LIMIT),
                headers={"Content-Type": "application/json"})
    assert_detail(r, 413)


def test_order_405_before_401(server):
    r = Client(server).request("PATCH", "/tasks")
    assert r.status_code == 405


def test_no_stack_trace_or_sql_in_errors(server, user):
    for r in (user.post("/tasks", data=b"{", headers={"Content-Type": "application/json"}),
              user.get("/tasks", params={"sort": "title; DROP TABLE tasks"}),
              user.get("/tasks/99999999")):
        text = r.text.lower()
        for word in ("select ", "sqlite", "traceback", "insert ", " from tasks"):
            assert word not in text, r.text
    assert user.get("/tasks").status_code == 200
