"""CORS (API.md "HTTP extras"): a listed origin gets Access-Control-* headers
on every response of the API, errors included, and its preflights are
answered 204 before authentication; an origin not listed gets none. Also
the HTTP details browser clients rely on: OPTIONS and HEAD in Allow, and
token responses never cached. The development configuration lists
http://localhost:3000 and http://localhost:5173."""
import gzip

import pytest
import requests

from pampsenv import TEST_DIRECTIVES, Client, extra_server
# fixtures shared with the tests of the same statuses without CORS
from test_config import conf  # noqa: F401
from test_errors import LIMIT, nodb_server, small, small_server  # noqa: F401
from test_httpd_errors import BODY_LIMIT, limited_server  # noqa: F401

LISTED = "http://localhost:5173"
OTHER = "http://evil.example"
NEEDED_HEADERS = {"authorization", "content-type", "if-match", "if-none-match",
                  "idempotency-key"}
EXPOSED = {"etag", "location", "content-location", "retry-after", "idempotent-replayed"}


def cors_headers(r):
    return {k.lower(): v for k, v in r.headers.items()
            if k.lower().startswith("access-control-")}


def words(value):
    return {w.strip().lower() for w in value.split(",")}


def assert_cors(r, origin=LISTED):
    h = cors_headers(r)
    assert h["access-control-allow-origin"] == origin, (r.status_code, r.headers)
    assert EXPOSED <= words(h["access-control-expose-headers"])
    assert "origin" in words(r.headers["Vary"])
    assert "access-control-allow-credentials" not in h


def assert_no_cors(r):
    assert cors_headers(r) == {}, (r.status_code, r.headers)


def preflight(server, path, origin=LISTED, method="POST", headers="authorization,content-type"):
    return Client(server).request("OPTIONS", path, headers={
        "Origin": origin, "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": headers})


@pytest.fixture(scope="module")
def any_origin_server():
    # a second mount point: the development one lists its own origins
    yield from extra_server("<Location /open>\n    SetHandler pamps\n    AuthType Bearer\n"
                            "    Require pamps-token\n    PampsCORSOrigins *\n"
                            "    PampsCORSAllowHeaders Authorization Content-Type X-Trace\n"
                            "    PampsCORSMaxAge 60\n</Location>\n")


# --- preflight --------------------------------------------------------------

def test_preflight_is_answered_before_authentication(server):
    r = preflight(server, "/tasks")
    assert r.status_code == 204, r.text
    assert r.content == b""
    assert_cors(r)
    h = cors_headers(r)
    assert words(h["access-control-allow-methods"]) >= {"get", "post"}
    assert NEEDED_HEADERS <= words(h["access-control-allow-headers"])
    assert int(h["access-control-max-age"]) == 600
    assert "WWW-Authenticate" not in r.headers


@pytest.mark.parametrize("path, methods", [
    ("/tasks/1", {"get", "head", "put", "patch", "delete", "options"}),
    ("/users/me", {"get", "head", "patch", "delete", "options"}),
    ("/auth/login", {"post", "options"}),
])
def test_preflight_names_the_methods_of_the_path(server, path, methods):
    r = preflight(server, path, method="PATCH")
    assert r.status_code == 204
    assert words(cors_headers(r)["access-control-allow-methods"]) == methods
    assert words(r.headers["Allow"]) == methods


def test_preflight_from_an_origin_not_listed_gets_no_cors_header(server):
    r = preflight(server, "/tasks", origin=OTHER)
    assert r.status_code == 204
    assert_no_cors(r)
    # an origin differing only in port or scheme is another origin
    assert_no_cors(preflight(server, "/tasks", origin="http://localhost:5174"))
    assert_no_cors(preflight(server, "/tasks", origin="https://localhost:5173"))
    assert_no_cors(preflight(server, "/tasks", origin="null"))


def test_preflight_of_an_unknown_path_is_404_with_cors(server):
    r = preflight(server, "/nope")
    assert r.status_code == 404
    assert_cors(r)


def test_plain_options_lists_allow(server):
    r = Client(server).request("OPTIONS", "/tasks")
    assert r.status_code == 204
    assert words(r.headers["Allow"]) == {"get", "head", "post", "options"}
    assert_no_cors(r)


def test_any_origin_and_configured_headers(any_origin_server):
    base = "http://127.0.0.1:%d/open" % any_origin_server.port
    r = requests.options(base + "/tasks", headers={
        "Origin": "https://app.example", "Access-Control-Request-Method": "POST"}, timeout=30)
    assert r.status_code == 204
    h = cors_headers(r)
    assert h["access-control-allow-origin"] == "*"
    assert words(h["access-control-allow-headers"]) == {"authorization", "content-type",
                                                        "x-trace"}
    assert h["access-control-max-age"] == "60"
    assert "access-control-allow-credentials" not in h
    r = requests.get(base + "/users/me", headers={"Origin": "https://app.example"}, timeout=30)
    assert r.status_code == 401
    assert cors_headers(r)["access-control-allow-origin"] == "*"


# --- every response -----------------------------------------------------------

def test_success_responses_carry_cors(server, user):
    user.login()
    r = user.get("/users/me", headers={"Origin": LISTED})
    assert r.status_code == 200
    assert_cors(r)
    r = user.post("/tasks", json={"title": "t"}, headers={"Origin": "http://localhost:3000"})
    assert r.status_code == 201, r.text
    assert_cors(r, "http://localhost:3000")
    r = user.get("/users/me", headers={"Origin": OTHER})
    assert r.status_code == 200
    assert_no_cors(r)


def test_without_origin_no_cors_but_vary(server):
    r = Client(server).get("/health")
    assert_no_cors(r)
    assert "origin" in words(r.headers["Vary"])


def error_responses(server):
    """(what, response) for each error status API.md names, sent with Origin."""
    def send(method, path, origin, **kw):
        kw.setdefault("headers", {})["Origin"] = origin
        return Client(server).request(method, path, **kw)
    return send


@pytest.mark.parametrize("origin", [LISTED, OTHER])
def test_errors_carry_cors_for_listed_origins_only(server, origin):
    check = assert_cors if origin == LISTED else assert_no_cors
    send = error_responses(server)
    cases = [
        (401, send("GET", "/users/me", origin)),
        (401, send("GET", "/users/me", origin, headers={"Authorization": "Bearer x.y.z"})),
        (404, send("GET", "/nope", origin)),
        (405, send("PUT", "/tasks", origin)),
        (422, send("POST", "/auth/register", origin, json={"username": ""})),
    ]
    for status, r in cases:
        assert r.status_code == status, r.text
        check(r)
    assert "www-authenticate" in words(cors_headers(cases[0][1]).get(
        "access-control-expose-headers", "www-authenticate"))


@pytest.mark.parametrize("origin", [LISTED, OTHER])
def test_413_carries_cors(small, origin):
    check = assert_cors if origin == LISTED else assert_no_cors
    r = Client(small).post("/auth/register", data="x" * (LIMIT + 1),
                           headers={"Origin": origin, "Content-Type": "application/json"})
    assert r.status_code == 413
    check(r)


def test_413_from_httpd_carries_cors(limited_server):
    r = Client(limited_server).post("/auth/register", data="x" * (BODY_LIMIT + 1),
                                    headers={"Origin": LISTED,
                                             "Content-Type": "application/json"})
    assert r.status_code == 413
    assert_cors(r)


def test_429_carries_cors(server):
    c = Client(server)
    c.register()
    body = {"username": c.username, "password": "wrong-password"}
    for _ in range(5):
        assert Client(server).post("/auth/login", json=body).status_code == 401
    r = Client(server).post("/auth/login", json=body, headers={"Origin": LISTED})
    assert r.status_code == 429
    assert_cors(r)
    assert "retry-after" in words(cors_headers(r)["access-control-expose-headers"])


def test_503_carries_cors(nodb_server):
    r = Client(nodb_server).post("/auth/login", json={"username": "a", "password": "b"},
                                 headers={"Origin": LISTED})
    assert r.status_code == 503
    assert_cors(r)


# --- configuration ---------------------------------------------------------------

@pytest.mark.parametrize("value", ["http://a.example/", "a.example", "http://a.example/x",
                                   "* http://a.example", "http://a.example *"])
def test_bad_origin_is_refused_at_startup(conf, value):  # noqa: F811
    srv = conf(TEST_DIRECTIVES + "PampsCORSOrigins %s\n" % value)
    ok, output = srv.config_test()
    assert not ok
    assert "PampsCORSOrigins" in output


# --- HTTP semantics ---------------------------------------------------------------

def test_token_responses_are_not_cached(server):
    c = Client(server)
    c.register()
    r = c.login()
    assert r.headers["Cache-Control"] == "no-store"
    r = Client(server).post("/auth/refresh", json={"refresh_token": c.refresh})
    assert r.status_code == 200, r.text
    assert r.headers["Cache-Control"] == "no-store"


def test_405_allow_names_head_and_options(server):
    r = Client(server).request("PUT", "/tasks")
    assert r.status_code == 405
    assert words(r.headers["Allow"]) == {"get", "head", "post", "options"}
    r = Client(server).request("GET", "/auth/login")
    assert words(r.headers["Allow"]) == {"post", "options"}


def test_head_answers_like_get_without_a_body(server, user):
    user.login()
    get = user.get("/users/me")
    head = user.request("HEAD", "/users/me")
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["Content-Length"] == get.headers["Content-Length"]


# --- compression (README "Browser clients") -----------------------------------------

DEFLATE = """
LoadModule filter_module /usr/lib/apache2/modules/mod_filter.so
LoadModule deflate_module /usr/lib/apache2/modules/mod_deflate.so
<Location /api/v1>
    AddOutputFilterByType DEFLATE application/json
</Location>
"""


@pytest.fixture(scope="module")
def deflate_server():
    yield from extra_server(DEFLATE)


def test_json_is_compressed_with_the_documented_line(deflate_server):
    srv = deflate_server
    c = Client(srv)
    c.register()
    c.login()
    for _ in range(20):
        Client(srv).register()
    plain = c.get("/users?limit=100", headers={"Accept-Encoding": "identity"})
    gz = c.get("/users?limit=100", headers={"Accept-Encoding": "gzip"}, stream=True)
    raw = gz.raw.read(decode_content=False)
    assert "Content-Encoding" not in plain.headers
    assert gz.headers["Content-Encoding"] == "gzip"
    assert len(raw) * 3 < len(plain.content), (len(raw), len(plain.content))

    assert gzip.decompress(raw) == plain.content
