"""The OpenAPI document is exact (issue 12): every route the module serves is
in it with its methods, and each operation lists the statuses it can answer,
no fewer and no more.

The document derives each operation's statuses from its route row
(pamps_route_statuses: the facts the dispatcher acts on). Here the live
server is held to it both ways:
- every documented status of every operation is provoked, by a table of
  provocations (one kind per cause: no token, a body too large, a stale
  If-Match, a running Idempotency-Key, the database away, ...) instantiated
  for every operation it applies to, and a documented status that no
  provocation reaches fails the test;
- a sweep of bad requests (no or bad token, broken, empty or mistyped
  bodies, a wrong content type, too many or bad query parameters, unknown
  ids, stale preconditions, as a user and as an admin) must answer only
  statuses the operation documents;
and every answer's body must match the documented schema (python3-jsonschema)
and carry the headers documented as required.
"""
import http.client
import json
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from requests.structures import CaseInsensitiveDict

from pampsenv import (Client, checked, extra_server, jwt_parts, jwt_sign, make_admin, new_user,
                      server_key, unique)
# the server without a database, shared with the tests of its 503s
from test_errors import nodb_server  # noqa: F401

try:
    import jsonschema
except ImportError:                 # make deps installs Debian's python3-jsonschema
    jsonschema = None

BODY_LIMIT = 4096                 # PampsMaxBodySize of the server below
STALE_TAG = '"0000000000000000"'
MISSING = {"{id}": "999999999", "{username}": "nobody_" + uuid.uuid4().hex[:8],
           "{file}": "nothing.js"}
# operations that end, lock or change their caller: a fresh one each time
OWN_ACCOUNT = {("DELETE", "/users/me"), ("PUT", "/users/me/password"),
               ("POST", "/auth/logout"), ("POST", "/auth/refresh"), ("POST", "/auth/login")}


@pytest.fixture(scope="module")
def live_server():
    """The API with a small body limit, so a 413 is cheap to provoke."""
    yield from extra_server("PampsMaxBodySize %d\n" % BODY_LIMIT)


@pytest.fixture(scope="module")
def low_server():
    """One registration per address: the second is 429."""
    yield from extra_server("PampsRegisterLimit 1 600\n")


@pytest.fixture(scope="module")
def slow_server():
    """A body must come within a second: a 408 is cheap to provoke."""
    yield from extra_server("RequestReadTimeout handshake=5 header=5-10,MinRate=500 body=1\n")


# each test fails on a warning or error in the log of the server it used
@pytest.fixture
def live(live_server):
    yield from checked(live_server)


@pytest.fixture
def low(low_server):
    yield from checked(low_server)


@pytest.fixture
def slow(slow_server):
    yield from checked(slow_server)


@pytest.fixture(scope="module")
def doc(live_server):
    if jsonschema is None:
        pytest.fail("run `make deps`: python3-jsonschema is not installed")
    r = Client(live_server).get("/openapi.json")
    assert r.status_code == 200
    return r.json()


def operations(doc):
    return [(m.upper(), path, op) for path, item in doc["paths"].items()
            for m, op in item.items()]


def documented(op):
    return {int(s) for s in op["responses"]}


# --- the world the requests act on -----------------------------------------

class World:
    """Users and resources of one server, made as the requests need them."""

    def __init__(self, server):
        self.server = server
        self.admin = make_admin(server, new_user(server))
        self.user = new_user(server)

    def fresh_admin(self):
        return make_admin(self.server, new_user(self.server))

    def actor(self, method, path, admin=True):
        if (method, path) in OWN_ACCOUNT:
            return self.fresh_admin() if admin else new_user(self.server)
        return self.admin if admin else self.user

    def make(self, kind, owner):
        """A new task, post, department or position of owner: its id."""
        body = {"tasks": {"title": "t"}, "posts": {"text": "p"}}.get(kind, {"name": unique("o")})
        maker = owner if kind in ("tasks", "posts") else self.admin
        r = maker.post("/" + kind, json=body)
        assert r.status_code == 201, r.text
        return str(r.json()["id"])

    def concrete(self, path, owner, missing=False):
        """The pattern with its parameters filled: things that exist (owned
        by owner; another user for {username}), or that do not."""
        segments = path.split("/")
        for i, seg in enumerate(segments):
            if seg in MISSING and missing:
                segments[i] = MISSING[seg]
            elif seg == "{username}":
                segments[i] = new_user(self.server).username
            elif seg == "{id}":
                segments[i] = self.make(segments[i - 1], owner)
            elif seg == "{file}":
                segments[i] = "swagger-ui.css"
        return "/".join(segments)


def body_schema(doc, op):
    ref = op.get("requestBody", {}).get("content", {}).get("application/json", {})
    return ref.get("schema", {}).get("$ref", "").rsplit("/", 1)[-1] or None


def valid_body(world, schema, actor):
    """A body of the schema the operation accepts, for actor."""
    name = unique("n")
    return {
        "Register": {"username": name, "email": name + "@example.com",
                     "password": "password123"},
        "Login": {"username": actor.username, "password": actor.password},
        "RefreshToken": {"refresh_token": actor.refresh},
        "ProfileUpdate": {"bio": "a bio"},
        "PasswordChange": {"current_password": actor.password, "new_password": "password456"},
        "TaskCreate": {"title": "t"},
        "TaskReplace": {"title": "t", "done": False},
        "TaskUpdate": {"done": True},
        "RoleChange": {"role": "user"},
        "PostCreate": {"text": "hello"},
        "PostUpdate": {"text": "edited"},
        "OrgCreate": {"name": unique("o")},
        "OrgUpdate": {"description": "d"},
    }.get(schema)


def mistyped_body(doc, schema):
    """Every field of the schema given a value of another type."""
    wrong = {"string": 12345, "boolean": "yes", "integer": "one"}
    props = doc["components"]["schemas"][schema]["properties"]
    return {k: wrong[v["type"][0] if isinstance(v["type"], list) else v["type"]]
            for k, v in props.items()}


def send(world, actor, method, path, body=None, token=True, **kw):
    c = actor if token else Client(world.server)
    if body is not None and "data" not in kw:
        kw["json"] = body
    return c.request(method, path, **kw)


# --- what an answer must be -------------------------------------------------

def check_answer(doc, method, path, op, r):
    """r's status is documented for the operation; its body matches the
    status's schema (or media type) and its required headers are there.
    Returns a problem, or None."""
    where = "%s %s -> %d" % (method, path, r.status_code)
    response = op["responses"].get(str(r.status_code))
    if response is None:
        return "%s: status not documented (%s)" % (where, r.text[:200])
    for name, h in response.get("headers", {}).items():
        if h.get("required") and name not in r.headers:
            return "%s: no %s header" % (where, name)
    content = response.get("content")
    if not content:
        if r.content and method != "HEAD":
            return "%s: a body where none is documented" % where
        return None
    ctype = r.headers.get("Content-Type", "").split(";")[0]
    if method == "HEAD":
        return None if ctype in content else "%s: Content-Type %s" % (where, ctype)
    if ctype not in content:
        return "%s: Content-Type %s, documented %s" % (where, ctype, sorted(content))
    schema = content[ctype].get("schema")
    if ctype == "application/json" and schema is not None:
        resolver = jsonschema.RefResolver.from_schema(doc)
        errors = list(jsonschema.Draft202012Validator(schema, resolver=resolver)
                      .iter_errors(r.json()))
        if errors:
            return "%s: body %s does not match: %s" % (where, r.text[:200], errors[0].message)
    return None


# --- provocations: (status, applies to the operation?, request) -------------

def needs_token(op):
    return "security" in op


def success(world, doc, method, path, op):
    actor = world.actor(method, path)
    headers = {"If-Match": "*"} if parameter(op, "If-Match") else {}
    return send(world, actor, method, world.concrete(path, actor),
                valid_body(world, body_schema(doc, op), actor), headers=headers)


def not_modified(world, doc, method, path, op):
    """The GET again with the validator its answer carried: 304; without
    one (the docs page), the GET answers as before."""
    actor = world.actor(method, path)
    target = world.concrete(path, actor)
    first = send(world, actor, method, target)
    assert first.status_code == 200, first.text
    if "ETag" in first.headers:
        return send(world, actor, method, target, headers={"If-None-Match": first.headers["ETag"]})
    if "Last-Modified" in first.headers:
        return send(world, actor, method, target,
                    headers={"If-Modified-Since": first.headers["Last-Modified"]})
    return send(world, actor, method, target, headers={"If-None-Match": '"x"'}), 200


def too_many_parameters(world, doc, method, path, op):
    actor = world.actor(method, path)
    query = "&".join("p%d=1" % i for i in range(101))
    return send(world, actor, method, world.concrete(path, actor) + "?" + query,
                valid_body(world, body_schema(doc, op), actor))


def broken_json(world, doc, method, path, op):
    actor = world.actor(method, path)
    return send(world, actor, method, world.concrete(path, actor), data="{",
                headers={"Content-Type": "application/json"})


def no_token(world, doc, method, path, op):
    actor = world.actor(method, path)
    return send(world, actor, method, world.concrete(path, actor),
                valid_body(world, body_schema(doc, op), actor), token=False)


def wrong_credentials(world, doc, method, path, op):
    """The public operations' own 401: a wrong password, a forged token."""
    actor = world.actor(method, path)
    body = {"Login": {"username": actor.username, "password": "wrong-password"},
            "RefreshToken": {"refresh_token": "not.a.token"}}[body_schema(doc, op)]
    return send(world, actor, method, path, body, token=False)


CREDENTIALS = {("POST", "/auth/login"), ("POST", "/auth/refresh")}


def not_admin(world, doc, method, path, op):
    target = world.concrete(path, world.admin)
    return send(world, world.user, method, target, valid_body(world, body_schema(doc, op),
                                                              world.user))


def is_admin_only(op):
    return op["responses"].get("403", {}).get("description", "").endswith("admin only")


def forbidden(world, doc, method, path, op):
    """The handlers' own 403s."""
    if path == "/auth/logout":
        actor = world.actor(method, path)
        return send(world, actor, method, path, {"refresh_token": new_user(world.server).refresh})
    if path == "/users/me/password":
        actor = world.actor(method, path)
        return send(world, actor, method, path, {"current_password": "wrong-password",
                                                 "new_password": "password456"})
    # another user's post: only its author edits it; author or admin deletes it
    target = world.concrete(path, new_user(world.server))
    return send(world, world.user, method, target,
                valid_body(world, body_schema(doc, op), world.user))


FORBIDDEN = {("POST", "/auth/logout"), ("PUT", "/users/me/password"),
             ("PATCH", "/posts/{id}"), ("DELETE", "/posts/{id}")}


def not_found(world, doc, method, path, op):
    actor = world.actor(method, path)
    return send(world, actor, method, world.concrete(path, actor, missing=True),
                valid_body(world, body_schema(doc, op), actor))


def key_running(world, doc, method, path, op):
    """The first request of an Idempotency-Key still running."""
    actor = world.actor(method, path)
    key = str(uuid.uuid4())
    body = valid_body(world, body_schema(doc, op), actor)
    token = needs_token(op)
    first = send(world, actor, method, path, body, token=token, headers={"Idempotency-Key": key})
    assert first.status_code == 201, first.text
    world.server.sql("UPDATE idempotency_keys SET state = 'running' WHERE key = ?", (key,))
    return send(world, actor, method, path, body, token=token, headers={"Idempotency-Key": key})


def taken(world, doc, method, path, op):
    """A unique name or email that another row has."""
    actor = world.actor(method, path)
    other = new_user(world.server)
    if path == "/auth/register":
        body = valid_body(world, "Register", actor)
        body["username"] = other.username
        return send(world, actor, method, path, body, token=False)
    if path == "/users/me":
        return send(world, actor, method, path, {"email": other.email})
    kind = path.split("/")[1]
    name = world.admin.get("/%s/%s" % (kind, world.make(kind, actor))).json()["name"]
    return send(world, actor, method, world.concrete(path, actor), {"name": name})


TAKEN = {("POST", "/auth/register"), ("PATCH", "/users/me"), ("POST", "/departments"),
         ("POST", "/positions"), ("PATCH", "/departments/{id}"), ("PATCH", "/positions/{id}")}


def stale_if_match(world, doc, method, path, op):
    actor = world.actor(method, path)
    return send(world, actor, method, world.concrete(path, actor),
                valid_body(world, body_schema(doc, op), actor), headers={"If-Match": STALE_TAG})


def stale_file(world, doc, method, path, op):
    """A static file's preconditions, as httpd evaluates them."""
    return send(world, world.user, method, world.concrete(path, world.user),
                headers={"If-Match": STALE_TAG})


STATIC_FILES = {("GET", "/docs/{file}")}


def too_large(world, doc, method, path, op):
    actor = world.actor(method, path)
    return send(world, actor, method, world.concrete(path, actor), {"pad": "x" * BODY_LIMIT},
                token=needs_token(op))


def wrong_media_type(world, doc, method, path, op):
    actor = world.actor(method, path)
    return send(world, actor, method, world.concrete(path, actor), data="x",
                token=needs_token(op), headers={"Content-Type": "text/plain"})


def mistyped(world, doc, method, path, op):
    actor = world.actor(method, path)
    return send(world, actor, method, world.concrete(path, actor),
                mistyped_body(doc, body_schema(doc, op)), token=needs_token(op))


def bad_query(world, doc, method, path, op):
    actor = world.actor(method, path)
    return send(world, actor, method, world.concrete(path, actor) + "?limit=0")


def bad_key(world, doc, method, path, op):
    actor = world.actor(method, path)
    return send(world, actor, method, path, valid_body(world, body_schema(doc, op), actor),
                token=needs_token(op), headers={"Idempotency-Key": "k" * 256})


def follow_yourself(world, doc, method, path, op):
    actor = world.actor(method, path)
    return send(world, actor, method, path.replace("{username}", actor.username))


def locked_out(world, doc, method, path, op):
    """Five failures of one account, then the next attempt."""
    actor = world.actor(method, path)
    if path == "/auth/login":
        attempt = {"username": actor.username, "password": "wrong-password"}
    else:
        attempt = {"current_password": "wrong-password", "new_password": "password456"}
    for _ in range(5):
        assert send(world, actor, method, path, attempt,
                    token=needs_token(op)).status_code in (401, 403)
    return send(world, actor, method, path, valid_body(world, body_schema(doc, op), actor),
                token=needs_token(op))


def parameter(op, name):
    return name in [p["name"] for p in op.get("parameters", [])]


def has_body(op):
    return "requestBody" in op


SUCCESS = 0          # the operation's own success status
PROVOCATIONS = [
    # (status, name, applies to (method, path, op), provoke)
    (SUCCESS, "success", lambda m, p, op: True, success),
    (304, "If-None-Match / If-Modified-Since", lambda m, p, op: m == "GET", not_modified),
    (400, "too many query parameters", lambda m, p, op: True, too_many_parameters),
    (400, "broken JSON", lambda m, p, op: has_body(op), broken_json),
    (401, "no token", lambda m, p, op: needs_token(op), no_token),
    (401, "wrong credentials", lambda m, p, op: (m, p) in CREDENTIALS, wrong_credentials),
    (403, "not an admin", lambda m, p, op: is_admin_only(op), not_admin),
    (403, "not allowed", lambda m, p, op: (m, p) in FORBIDDEN, forbidden),
    (404, "unknown path parameter", lambda m, p, op: "{" in p, not_found),
    (409, "Idempotency-Key running", lambda m, p, op: parameter(op, "Idempotency-Key"),
     key_running),
    (409, "name or email taken", lambda m, p, op: (m, p) in TAKEN, taken),
    (412, "stale If-Match", lambda m, p, op: parameter(op, "If-Match"), stale_if_match),
    (412, "stale If-Match on a file", lambda m, p, op: (m, p) in STATIC_FILES, stale_file),
    (413, "body too large", lambda m, p, op: has_body(op), too_large),
    (415, "text/plain body", lambda m, p, op: has_body(op), wrong_media_type),
    (422, "mistyped body", lambda m, p, op: has_body(op), mistyped),
    (422, "limit=0", lambda m, p, op: parameter(op, "limit"), bad_query),
    (422, "bad Idempotency-Key", lambda m, p, op: parameter(op, "Idempotency-Key"), bad_key),
    (422, "following yourself", lambda m, p, op: (m, p) == ("POST", "/users/{username}/follow"),
     follow_yourself),
    (429, "account locked out", lambda m, p, op: (m, p) in (("POST", "/auth/login"),
                                                            ("PUT", "/users/me/password")),
     locked_out),
]
# provoked on other servers, by the tests below
ELSEWHERE = [
    (408, lambda m, p, op: has_body(op)),             # test_slow_bodies_are_408
    (429, lambda m, p, op: (m, p) == ("POST", "/auth/register")),
    (503, lambda m, p, op: True),                     # test_503_without_the_database
]


def expected(status, op):
    return status or min(documented(op))


def provocations_for(method, path, op):
    return [(expected(s, op), name, provoke) for s, name, applies, provoke in PROVOCATIONS
            if applies(method, path, op)]


# --- the tests ----------------------------------------------------------------

def test_every_served_route_is_documented(live, doc):
    """Each path of the document answers OPTIONS with exactly the methods the
    document gives it (and HEAD with GET): none served is left out."""
    c = Client(live)
    for path, item in doc["paths"].items():
        r = c.request("OPTIONS", path.replace("{id}", "1").replace("{username}", "x")
                      .replace("{file}", "x"))
        assert r.status_code == 204, (path, r.text)
        allow = {m.strip().lower() for m in r.headers["Allow"].split(",")}
        methods = set(item) | {"options"} | ({"head"} if "get" in item else set())
        assert allow == methods, path


def test_bodies_sent_agree_with_the_document(doc):
    """The bodies the provocations send are valid, or invalid, as the
    document's request schemas say: the server then answers 2xx or 422."""
    actor = type("Actor", (), {"username": "someone", "password": "password123",
                               "refresh": "a.b.c"})
    resolver = jsonschema.RefResolver.from_schema(doc)
    names = {body_schema(doc, op) for _, _, op in operations(doc)} - {None}
    for name in names:
        schema = {"$ref": "#/components/schemas/" + name}
        validator = jsonschema.Draft202012Validator(schema, resolver=resolver)
        body = valid_body(None, name, actor)
        assert body is not None, "no valid body of %s to send" % name
        assert not list(validator.iter_errors(body)), (name, body)
        assert list(validator.iter_errors(mistyped_body(doc, name))), name


def test_every_documented_status_has_a_provocation(doc):
    missing = []
    for method, path, op in operations(doc):
        reached = {s for s, _, _ in provocations_for(method, path, op)}
        reached |= {s for s, applies in ELSEWHERE if applies(method, path, op)}
        unreached = documented(op) - reached
        if unreached:
            missing.append("%s %s: %s" % (method, path, sorted(unreached)))
    assert not missing, "documented statuses nothing provokes:\n" + "\n".join(missing)


@pytest.mark.parametrize("status", sorted({s for s, *_ in PROVOCATIONS}))
def test_documented_statuses_are_answered(live, doc, status):
    """Each provocation of the status, for every operation it applies to,
    is answered that status, as documented."""
    world = World(live)
    problems = []
    for method, path, op in operations(doc):
        for s, name, applies, provoke in PROVOCATIONS:
            if s != status or not applies(method, path, op):
                continue
            want = expected(s, op)
            r = provoke(world, doc, method, path, op)
            if isinstance(r, tuple):        # the provocation says what to expect
                r, want = r
            if r.status_code != want:
                problems.append("%s %s (%s): %d, not %d: %s" % (
                    method, path, name, r.status_code, want, r.text[:200]))
                continue
            problem = check_answer(doc, method, path, op, r)
            if problem:
                problems.append(problem + " (%s)" % name)
    assert not problems, "\n".join(problems)


def test_registrations_over_the_limit_are_429(low, doc):
    op = doc["paths"]["/auth/register"]["post"]
    results = []
    for _ in range(2):
        name = unique("r")
        results.append(Client(low).post("/auth/register", json={
            "username": name, "email": name + "@example.com", "password": "password123"}))
    assert [r.status_code for r in results] == [201, 429], [r.text for r in results]
    assert check_answer(doc, "POST", "/auth/register", op, results[1]) is None


def forged_tokens(live, nodb):
    """An access and a refresh token the database-less server's key signs."""
    u = new_user(live)
    key = server_key(nodb)
    return (jwt_sign(jwt_parts(u.access)[1], key), jwt_sign(jwt_parts(u.refresh)[1], key))


def test_503_without_the_database(live, nodb_server, doc):
    """Without its database every operation that documents 503 answers it,
    past a valid token; those that do not (the docs) still answer."""
    nodb = nodb_server
    access, refresh = forged_tokens(live, nodb)
    c = Client(nodb)
    c.access = access
    problems = []
    for method, path, op in operations(doc):
        target = path
        for seg, value in MISSING.items():
            target = target.replace(seg, "swagger-ui.css" if seg == "{file}" else "1"
                                    if seg == "{id}" else value)
        schema = body_schema(doc, op)
        body = {"Register": {"username": "someone", "email": "someone@example.com",
                             "password": "password123"},
                "Login": {"username": "someone", "password": "password123"},
                "RefreshToken": {"refresh_token": refresh}}.get(schema)
        if schema and body is None:
            body = mistyped_body(doc, schema)       # the token is looked at first
        r = c.request(method, target, json=body)
        want = 503 if 503 in documented(op) else min(documented(op))
        if r.status_code != want:
            problems.append("%s %s: %d, not %d: %s" % (method, path, r.status_code, want,
                                                       r.text[:200]))
            continue
        problem = check_answer(doc, method, path, op, r)
        if problem:
            problems.append(problem)
    assert not problems, "\n".join(problems)


def sweep(world, doc, method, path, op, actor, missing):
    """Bad requests of every kind to one operation, as actor."""
    target = world.concrete(path, actor, missing=missing)
    schema = body_schema(doc, op)
    yield send(world, actor, method, target)
    for raw in ("", "{", "[]", "{}"):
        yield send(world, actor, method, target, data=raw,
                   headers={"Content-Type": "application/json"})
    yield send(world, actor, method, target, data="a=b",
               headers={"Content-Type": "application/x-www-form-urlencoded"})
    yield send(world, actor, method, target, data="x", headers={"Content-Type": "text/plain"})
    if schema:
        yield send(world, actor, method, target, mistyped_body(doc, schema))
        yield send(world, actor, method, target, {"pad": "x" * BODY_LIMIT})
    yield send(world, actor, method, target + "?limit=0&offset=-1&before=0&done=maybe&sort=x")
    yield send(world, actor, method, target + "?" + "&".join("q%d=1" % i for i in range(101)))
    yield send(world, actor, method, target, {}, headers={"If-Match": STALE_TAG})
    yield send(world, actor, method, target, {}, headers={"If-None-Match": "*"})
    yield send(world, actor, method, target, {}, headers={"Idempotency-Key": "k" * 256})
    if method == "GET":
        yield send(world, actor, "HEAD", target)


def sweeps(world, doc, method, path, op):
    """Without a token, with a forged one; then as an admin (who gets
    furthest) and, where the role matters, as a user; on things that exist
    and on things that do not."""
    target = world.concrete(path, world.user, missing=True)
    yield send(world, world.user, method, target, token=False)
    yield send(world, world.user, method, target, headers={"Authorization": "Bearer not.a.token"})
    for missing in (False, True) if "{" in path else (False,):
        yield from sweep(world, doc, method, path, op, world.actor(method, path), missing)
        user = world.actor(method, path, admin=False)
        if "403" in op["responses"]:
            yield from sweep(world, doc, method, path, op, user, missing)
        else:               # the role alone changes nothing
            yield send(world, user, method, world.concrete(path, user, missing=missing),
                       valid_body(world, body_schema(doc, op), user))


def test_sweep_answers_only_documented_statuses(live, doc):
    world = World(live)
    problems = []
    for method, path, op in operations(doc):
        for r in sweeps(world, doc, method, path, op):
            sent = r.request.method
            if r.status_code >= 500 and r.status_code != 503:
                problems.append("%s %s: %d %s" % (sent, path, r.status_code, r.text))
                continue
            problem = check_answer(doc, sent if sent == "HEAD" else method, path, op, r)
            if problem:
                problems.append(problem)
    assert not problems, "\n".join(sorted(set(problems)))


class Answer:
    """An http.client answer, as check_answer reads a requests one."""

    def __init__(self, method, resp):
        self.request = type("Sent", (), {"method": method})
        self.status_code = resp.status
        self.headers = CaseInsensitiveDict(resp.getheaders())
        self.content = resp.read()
        self.text = self.content.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.text)


def half_a_body(server, method, target, token):
    """Headers promising 100 bytes of body, then 6 of them, then nothing."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        conn.putrequest(method, "/api/v1" + target)
        conn.putheader("Content-Type", "application/json")
        conn.putheader("Content-Length", "100")
        if token:
            conn.putheader("Authorization", "Bearer " + token)
        conn.endheaders(b'{"half')
        return Answer(method, conn.getresponse())
    finally:
        conn.close()


def test_slow_bodies_are_408(slow, doc):
    """Every operation that reads a body answers 408 when mod_reqtimeout
    gives up on it, in the API's error shape (all at once: each waits for
    the server's second)."""
    world = World(slow)
    jobs = []
    for method, path, op in operations(doc):
        if has_body(op):
            actor = world.actor(method, path)
            jobs.append((method, path, op, world.concrete(path, actor),
                         actor.access if needs_token(op) else None))
    with ThreadPoolExecutor(len(jobs)) as pool:
        answers = list(pool.map(lambda j: half_a_body(slow, j[0], j[3], j[4]), jobs))
    problems = []
    for (method, path, op, _, _), r in zip(jobs, answers):
        if r.status_code != 408:
            problems.append("%s %s: %d, not 408: %s" % (method, path, r.status_code, r.text))
            continue
        problem = check_answer(doc, method, path, op, r)
        if problem:
            problems.append(problem)
    assert not problems, "\n".join(problems)
