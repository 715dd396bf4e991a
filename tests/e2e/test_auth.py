"""/auth: register (every validation rule of API.md at its boundaries),
login (JSON and OAuth2 form, by username or email), login throttling,
refresh rotation with reuse detection, and logout."""
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from pampsenv import (Client, checked, db_rows, extra_server, jwt_parts, jwt_sign,
                      server_key, unique)

OWN_VIEW_KEYS = {"id", "username", "name", "bio", "avatar", "created_at", "email", "role",
                 "posts_count", "followers_count", "following_count"}
RFC3339_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
PASSWORD = "password123"


def body(**over):
    name = unique("r")
    b = {"username": name, "email": name + "@example.com", "password": PASSWORD}
    b.update(over)
    return b


def register(server, **over):
    return Client(server).post("/auth/register", json=body(**over))


def name_of_length(n):
    """A unique valid username of exactly n characters (n >= 3)."""
    base = unique("n")[:n]
    return (base + "x" * n)[:n]


def locs(r):
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    for e in detail:
        assert isinstance(e["msg"], str) and isinstance(e["type"], str)
    return sorted(tuple(e["loc"]) for e in detail)


def login(server, username, password, form=False):
    c = Client(server)
    if form:
        return c.post("/auth/login", data={"username": username, "password": password})
    return c.post("/auth/login", json={"username": username, "password": password})


# --- register -------------------------------------------------------------

def test_register_returns_own_view(server):
    b = body(name="Ann Example", bio="hello", avatar="https://example.com/a.png")
    r = Client(server).post("/auth/register", json=b)
    assert r.status_code == 201, r.text
    u = r.json()
    assert set(u) == OWN_VIEW_KEYS
    assert isinstance(u["id"], int) and u["id"] > 0
    assert u["username"] == b["username"]
    assert u["email"] == b["email"]
    assert (u["name"], u["bio"], u["avatar"]) == ("Ann Example", "hello",
                                                  "https://example.com/a.png")
    assert u["role"] == "user"
    assert (u["posts_count"], u["followers_count"], u["following_count"]) == (0, 0, 0)
    assert RFC3339_Z.match(u["created_at"])
    assert r.headers["Location"].endswith("/api/v1/users/" + b["username"])
    assert PASSWORD not in r.text and "argon2" not in r.text and "hash" not in r.text


def test_register_optional_fields_default_to_null(server):
    r = register(server)
    assert r.status_code == 201
    u = r.json()
    assert (u["name"], u["bio"], u["avatar"]) == (None, None, None)


def test_register_ignores_unknown_and_forbidden_fields(server):
    r = register(server, role="admin", id=424242, created_at="2000-01-01T00:00:00Z",
                 posts_count=9, whatever={"x": 1})
    assert r.status_code == 201, r.text
    u = r.json()
    assert u["role"] == "user"
    assert u["id"] != 424242
    assert u["created_at"] != "2000-01-01T00:00:00Z"
    assert u["posts_count"] == 0
    rows = db_rows(server, "SELECT role FROM users WHERE id = ?", (u["id"],))
    assert rows == [("user",)]


def test_register_stores_a_hash_not_the_password(server):
    r = register(server)
    rows = db_rows(server, "SELECT password_hash FROM users WHERE id = ?", (r.json()["id"],))
    assert len(rows) == 1
    assert PASSWORD not in rows[0][0]


@pytest.mark.parametrize("n,ok", [(2, False), (3, True), (32, True), (33, False)])
def test_register_username_length(server, n, ok):
    name = "ab" if n == 2 else name_of_length(n)
    assert len(name) == n
    r = register(server, username=name, email=unique() + "@example.com")
    if ok:
        assert r.status_code == 201, r.text
        assert r.json()["username"] == name
    else:
        assert locs(r) == [("body", "username")]


@pytest.mark.parametrize("name", ["bad-name", "bad name", "bad.name", "bad@name",
                                  "caf\u00e9x", "\u0430bcd", "name!", "tab\tname", ""])
def test_register_username_bad_characters(server, name):
    r = register(server, username=name, email=unique() + "@example.com")
    assert locs(r) == [("body", "username")]


def test_register_username_allows_letters_digits_underscore(server):
    name = ("A_z9" + unique("")[:10]).replace("-", "_")
    r = register(server, username=name, email=unique() + "@example.com")
    assert r.status_code == 201, r.text


def test_email_of_254_chars_is_accepted_255_is_not(server):
    domain = "@example.com"
    ok = unique("e") + "x" * (254 - len(domain) - 20)
    ok = ok[:254 - len(domain)] + domain
    assert len(ok) == 254
    assert register(server, email=ok).status_code == 201
    bad = "y" + ok
    assert len(bad) == 255
    assert locs(register(server, email=bad)) == [("body", "email")]


@pytest.mark.parametrize("email", ["plainaddress", "two@@example.com", "a@b@example.com",
                                   "@example.com", "user@localhost", "user@", "",
                                   "us er@example.com"])
def test_register_bad_email(server, email):
    assert locs(register(server, email=email)) == [("body", "email")]


def test_register_minimal_email(server):
    r = register(server, email=unique("m") + "@b.co")
    assert r.status_code == 201, r.text


@pytest.mark.parametrize("n,ok", [(7, False), (8, True), (128, True), (129, False)])
def test_register_password_length(server, n, ok):
    r = register(server, password="p" * n)
    if ok:
        assert r.status_code == 201, r.text
        assert login(server, r.json()["username"], "p" * n).status_code == 200
    else:
        assert locs(r) == [("body", "password")]


def test_password_length_counts_characters_not_bytes(server):
    # 8 characters, 16 bytes: long enough; 7 characters of 2 bytes: too short
    r = register(server, password="\u00e9" * 8)
    assert r.status_code == 201, r.text
    assert login(server, r.json()["username"], "\u00e9" * 8).status_code == 200
    assert locs(register(server, password="\u00e9" * 7)) == [("body", "password")]


@pytest.mark.parametrize("field,limit", [("name", 100), ("bio", 280)])
def test_register_profile_text_limits(server, field, limit):
    r = register(server, **{field: "x" * limit})
    assert r.status_code == 201, r.text
    assert r.json()[field] == "x" * limit
    assert locs(register(server, **{field: "x" * (limit + 1)})) == [("body", field)]


@pytest.mark.parametrize("avatar,ok", [
    ("http://example.com/a.png", True),
    ("https://example.com/a.png", True),
    ("ftp://example.com/a.png", False),
    ("example.com/a.png", False),
    ("javascript:alert(1)", False),
    ("https://", False),
])
def test_register_avatar_scheme(server, avatar, ok):
    r = register(server, avatar=avatar)
    if ok:
        assert r.status_code == 201, r.text
        assert r.json()["avatar"] == avatar
    else:
        assert locs(r) == [("body", "avatar")]


def test_register_avatar_length(server):
    prefix = "https://example.com/"
    ok = prefix + "a" * (2048 - len(prefix))
    assert len(ok) == 2048
    r = register(server, avatar=ok)
    assert r.status_code == 201, r.text
    assert r.json()["avatar"] == ok
    assert locs(register(server, avatar=ok + "a")) == [("body", "avatar")]


def test_register_missing_fields_one_entry_each(server):
    r = Client(server).post("/auth/register", json={})
    assert locs(r) == [("body", "email"), ("body", "password"), ("body", "username")]
    assert all(e["type"] == "missing" for e in r.json()["detail"])


def test_register_wrong_types_are_422(server):
    r = Client(server).post("/auth/register", json={
        "username": 12345, "email": ["a@b.co"], "password": 12345678, "name": 5,
        "bio": True, "avatar": {"url": "https://x.y"}})
    assert locs(r) == [("body", f) for f in
                       ("avatar", "bio", "email", "name", "password", "username")]


def test_register_null_for_required_is_422(server):
    r = register(server, username=None, email=None, password=None)
    assert locs(r) == [("body", "email"), ("body", "password"), ("body", "username")]


def test_register_null_optional_fields_are_accepted(server):
    r = register(server, name=None, bio=None, avatar=None)
    assert r.status_code == 201, r.text
    assert (r.json()["name"], r.json()["bio"], r.json()["avatar"]) == (None, None, None)


def test_register_several_bad_fields_reported_together(server):
    r = register(server, username="x", email="nope", password="short", bio="b" * 281)
    assert locs(r) == [("body", "bio"), ("body", "email"), ("body", "password"),
                       ("body", "username")]


def test_duplicate_username_case_insensitive_is_409(server):
    first = register(server)
    assert first.status_code == 201
    name = first.json()["username"]
    for variant in (name, name.upper(), name.capitalize()):
        r = register(server, username=variant, email=unique() + "@example.com")
        assert r.status_code == 409, r.text
        assert isinstance(r.json()["detail"], str)
    rows = db_rows(server, "SELECT COUNT(*) FROM users WHERE lower(username) = lower(?)",
                   (name,))
    assert rows == [(1,)]


def test_duplicate_email_case_insensitive_is_409(server):
    email = unique("Mail") + "@Example.com"
    assert register(server, email=email).status_code == 201
    for variant in (email, email.lower(), email.upper()):
        r = register(server, email=variant)
        assert r.status_code == 409, r.text
    rows = db_rows(server, "SELECT COUNT(*) FROM users WHERE lower(email) = lower(?)",
                   (email,))
    assert rows == [(1,)]


def test_concurrent_duplicate_registrations_make_one_account(server):
    name = unique("race")
    barrier = threading.Barrier(10)

    def one(i):
        barrier.wait(timeout=30)
        return Client(server).post("/auth/register", json={
            "username": name if i % 2 == 0 else name.upper(),
            "email": "%s-%d@example.com" % (name, i), "password": PASSWORD})

    with ThreadPoolExecutor(max_workers=10) as pool:
        codes = sorted(r.status_code for r in pool.map(one, range(10)))
    assert codes == [201] + [409] * 9
    assert db_rows(server, "SELECT COUNT(*) FROM users WHERE lower(username) = lower(?)",
                   (name,)) == [(1,)]


# --- login ----------------------------------------------------------------

def assert_token_pair(r, user_id):
    assert r.status_code == 200, r.text
    t = r.json()
    assert set(t) >= {"access_token", "refresh_token", "token_type", "expires_in"}
    assert t["token_type"] == "bearer"
    assert isinstance(t["expires_in"], int) and t["expires_in"] > 0
    for token, kind in ((t["access_token"], "access"), (t["refresh_token"], "refresh")):
        header, claims = jwt_parts(token)
        assert header["alg"] == "HS256"
        assert claims["sub"] == str(user_id)
        assert claims["type"] == kind
        assert isinstance(claims["iat"], int) and isinstance(claims["exp"], int)
        assert claims["exp"] > claims["iat"]
        assert claims["jti"]
    access = jwt_parts(t["access_token"])[1]
    assert access["exp"] - access["iat"] == t["expires_in"]
    assert jwt_parts(t["access_token"])[1]["jti"] != jwt_parts(t["refresh_token"])[1]["jti"]
    return t


def me_with(server, access):
    return Client(server).get("/users/me", token=access)


@pytest.mark.parametrize("form", [False, True])
@pytest.mark.parametrize("by", ["username", "email", "upper"])
def test_login(server, form, by):
    c = Client(server)
    c.register()
    who = {"username": c.username, "email": c.email, "upper": c.username.upper()}[by]
    r = login(server, who, c.password, form=form)
    t = assert_token_pair(r, c.id)
    me = me_with(server, t["access_token"])
    assert me.status_code == 200
    assert me.json()["id"] == c.id


def test_two_logins_give_different_tokens(server):
    c = Client(server)
    c.register()
    a = login(server, c.username, c.password).json()
    b = login(server, c.username, c.password).json()
    assert a["access_token"] != b["access_token"]
    assert a["refresh_token"] != b["refresh_token"]


@pytest.mark.parametrize("form", [False, True])
def test_wrong_password_and_unknown_user_look_the_same(server, form):
    c = Client(server)
    c.register()
    wrong = login(server, c.username, "wrong-password", form=form)
    unknown = login(server, unique("ghost"), "wrong-password", form=form)
    for r in (wrong, unknown):
        assert r.status_code == 401, r.text
        assert r.headers["WWW-Authenticate"] == "Bearer"
        assert isinstance(r.json()["detail"], str)
        assert "access_token" not in r.json()
    assert wrong.json() == unknown.json()


def test_login_password_is_case_sensitive(server):
    c = Client(server, password="PassWord123")
    c.register()
    assert login(server, c.username, "password123").status_code == 401
    assert login(server, c.username, "PassWord123").status_code == 200


def test_login_missing_fields_is_422(server):
    r = Client(server).post("/auth/login", json={})
    assert locs(r) == [("body", "password"), ("body", "username")]
    r = Client(server).post("/auth/login", data={"username": "someone"})
    assert locs(r) == [("body", "password")]
    r = Client(server).post("/auth/login", json={"username": 5, "password": ["x"]})
    assert locs(r) == [("body", "password"), ("body", "username")]


def test_login_form_with_extra_oauth2_fields(server):
    c = Client(server)
    c.register()
    r = Client(server).post("/auth/login", data={
        "grant_type": "password", "username": c.username, "password": c.password,
        "scope": "", "client_id": "x"})
    assert_token_pair(r, c.id)


def test_login_form_with_charset(server):
    c = Client(server)
    c.register()
    r = Client(server).post(
        "/auth/login", data="username=%s&password=%s" % (c.username, c.password),
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"})
    assert_token_pair(r, c.id)


def test_login_form_decodes_urlencoding(server):
    c = Client(server, password="p&ss w+rd=%!")
    c.register()
    r = Client(server).post("/auth/login", data={"username": c.username,
                                                 "password": c.password})
    assert_token_pair(r, c.id)


def test_login_form_with_many_keys_is_400(server):
    """A form of 120k keys just under the 1 MB body limit: refused as a
    whole (one linear pass), not read key by key into a table that is
    scanned on every insert."""
    body = "&".join("%d=" % i for i in range(120000)).encode()
    assert len(body) < 1024 * 1024
    r = Client(server).post("/auth/login", data=body,
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 400, r.text
    assert r.json() == {"detail": "Request body has too many form fields"}
    body = "&".join("k%d=1" % i for i in range(101)) + "&username=a&password=b"
    r = Client(server).post("/auth/login", data=body,
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 400, r.text
    assert r.json() == {"detail": "Request body has too many form fields"}


def test_query_with_too_many_parameters_is_400(server):
    c = Client(server)
    c.register()
    c.login()
    r = c.get("/tasks?" + "&".join("x%d=1" % i for i in range(101)))
    assert r.status_code == 400, r.text
    assert r.json() == {"detail": "Too many query parameters"}
    r = c.get("/tasks?" + "&".join("x%d=1" % i for i in range(99)) + "&limit=5")
    assert r.status_code == 200 and r.json()["limit"] == 5


# --- throttling -----------------------------------------------------------

def assert_429(r, window=300):
    assert r.status_code == 429, r.text
    assert isinstance(r.json()["detail"], str)
    retry = int(r.headers["Retry-After"])
    assert 1 <= retry <= window
    assert "access_token" not in r.json()


def test_five_failures_lock_the_account(server):
    c = Client(server)
    c.register()
    for _ in range(5):
        assert login(server, c.username, "wrong-password").status_code == 401
    # locked even with the right password, by username, email or form
    assert_429(login(server, c.username, c.password))
    assert_429(login(server, c.email, c.password))
    assert_429(login(server, c.username.upper(), c.password, form=True))
    assert_429(login(server, c.username, "wrong-password"))
    # another account from the same address is not affected
    d = Client(server)
    d.register()
    assert login(server, d.username, d.password).status_code == 200


def test_failures_by_email_and_username_count_together(server):
    c = Client(server)
    c.register()
    for who in (c.username, c.email, c.username, c.email.upper(), c.username):
        assert login(server, who, "wrong-password").status_code == 401
    assert_429(login(server, c.username, c.password))


def test_four_failures_do_not_lock(server):
    c = Client(server)
    c.register()
    for _ in range(4):
        assert login(server, c.username, "wrong-password").status_code == 401
    assert login(server, c.username, c.password).status_code == 200


def test_unknown_account_is_throttled_too(server):
    ghost = unique("ghost")
    for _ in range(5):
        assert login(server, ghost, "wrong-password").status_code == 401
    assert_429(login(server, ghost, "wrong-password"))


@pytest.fixture(scope="module")
def addr_server():
    yield from extra_server("PampsLoginThrottle 100 5 300\n")


@pytest.fixture
def addr(addr_server):
    yield from checked(addr_server)


def test_failures_per_address_lock_every_account(addr):
    real = Client(addr)
    real.register()
    # five failures for five different accounts: no account reaches its limit
    for _ in range(5):
        assert login(addr, unique("ghost"), "wrong-password").status_code == 401
    assert_429(login(addr, real.username, real.password))
    assert_429(login(addr, unique("ghost"), "wrong-password"))


# --- refresh --------------------------------------------------------------

def refresh(server, token):
    return Client(server).post("/auth/refresh", json={"refresh_token": token})


def test_refresh_gives_a_working_new_pair(server, user):
    r = refresh(server, user.refresh)
    t = assert_token_pair(r, user.id)
    assert t["refresh_token"] != user.refresh
    assert t["access_token"] != user.access
    assert me_with(server, t["access_token"]).status_code == 200
    # and the new refresh token rotates again
    assert_token_pair(refresh(server, t["refresh_token"]), user.id)


def test_refresh_token_is_single_use_and_reuse_revokes_the_chain(server, user):
    first = refresh(server, user.refresh)
    assert first.status_code == 200
    newer = first.json()["refresh_token"]
    reuse = refresh(server, user.refresh)
    assert reuse.status_code == 401
    assert 'error="invalid_token"' in reuse.headers["WWW-Authenticate"]
    assert isinstance(reuse.json()["detail"], str)
    # the whole chain is gone: the newer token stops working too
    assert refresh(server, newer).status_code == 401


def test_concurrent_use_of_one_refresh_token_rotates_once(server, user):
    token = user.refresh
    for _round in range(3):
        barrier = threading.Barrier(8)

        def one(_):
            barrier.wait(timeout=30)
            return refresh(server, token)

        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(one, range(8)))
        assert sorted(r.status_code for r in results) == [200] + [401] * 7
        # the winner's new token was revoked with the chain by the losers
        winner = [r for r in results if r.status_code == 200][0].json()
        assert refresh(server, winner["refresh_token"]).status_code == 401
        token = login(server, user.username, user.password).json()["refresh_token"]


def test_reuse_revokes_only_its_own_chain(server, user):
    second_login = login(server, user.username, user.password).json()
    newer = refresh(server, user.refresh).json()["refresh_token"]
    assert refresh(server, user.refresh).status_code == 401
    assert refresh(server, newer).status_code == 401
    r = refresh(server, second_login["refresh_token"])
    assert_token_pair(r, user.id)


def test_access_token_at_refresh_is_401(server, user):
    r = refresh(server, user.access)
    assert r.status_code == 401
    assert 'error="invalid_token"' in r.headers["WWW-Authenticate"]
    # and it did not consume anything: the real refresh token still works
    assert refresh(server, user.refresh).status_code == 200


def test_refresh_token_as_bearer_is_401(server, user):
    r = user.get("/users/me", token=user.refresh)
    assert r.status_code == 401
    assert 'error="invalid_token"' in r.headers["WWW-Authenticate"]
    r = user.post("/tasks", token=user.refresh, json={"title": "x"})
    assert r.status_code == 401
    assert user.get("/tasks").json()["total"] == 0


@pytest.mark.parametrize("token", ["garbage", "a.b.c", "eyJhbGciOiJIUzI1NiJ9.e30.sig"])
def test_refresh_with_garbage_is_401(server, token):
    r = refresh(server, token)
    assert r.status_code == 401, r.text
    assert 'error="invalid_token"' in r.headers["WWW-Authenticate"]
    assert isinstance(r.json()["detail"], str)


def test_refresh_missing_or_wrong_type_is_422(server):
    assert locs(Client(server).post("/auth/refresh", json={})) == [("body", "refresh_token")]
    r = Client(server).post("/auth/refresh", json={"refresh_token": 5})
    assert locs(r) == [("body", "refresh_token")]
    r = Client(server).post("/auth/refresh", json={"refresh_token": None})
    assert locs(r) == [("body", "refresh_token")]


def test_refresh_needs_no_bearer_and_ignores_a_bad_one(server, user):
    r = Client(server).post("/auth/refresh", token="bad.bearer.token",
                            json={"refresh_token": user.refresh})
    assert r.status_code == 200, r.text


def test_refresh_rows_record_rotation(server, user):
    refresh(server, user.refresh)
    jti = jwt_parts(user.refresh)[1]["jti"]
    rows = db_rows(server, "SELECT revoked_at FROM refresh_tokens WHERE jti = ?", (jti,))
    assert len(rows) == 1 and rows[0][0] not in (None, "")


# --- logout ---------------------------------------------------------------

def test_logout_revokes_the_refresh_token(server, user):
    r = user.post("/auth/logout", json={"refresh_token": user.refresh})
    assert r.status_code == 204
    assert r.content == b""
    assert refresh(server, user.refresh).status_code == 401


def test_logout_leaves_other_sessions(server, user):
    second = login(server, user.username, user.password).json()
    assert user.post("/auth/logout", json={"refresh_token": user.refresh}).status_code == 204
    assert_token_pair(refresh(server, second["refresh_token"]), user.id)


def test_logout_twice_is_204(server, user):
    second = login(server, user.username, user.password).json()
    assert user.post("/auth/logout", json={"refresh_token": user.refresh}).status_code == 204
    # the bearer of the ended login is 401 by then (API.md: logout ends its
    # access tokens); with another login's the already revoked token is 204
    r = user.post("/auth/logout", json={"refresh_token": user.refresh})
    assert r.status_code == 401
    r = user.post("/auth/logout", token=second["access_token"],
                  json={"refresh_token": user.refresh})
    assert r.status_code == 204
    assert r.content == b""


def test_logout_of_a_rotated_token_is_204(server, user):
    assert refresh(server, user.refresh).status_code == 200
    assert user.post("/auth/logout", json={"refresh_token": user.refresh}).status_code == 204


@pytest.mark.parametrize("token", ["garbage", "a.b.c"])
def test_logout_with_invalid_token_is_401(server, user, token):
    r = user.post("/auth/logout", json={"refresh_token": token})
    assert r.status_code == 401
    assert isinstance(r.json()["detail"], str)
    assert "WWW-Authenticate" in r.headers


def test_logout_with_an_access_token_is_401(server, user):
    r = user.post("/auth/logout", json={"refresh_token": user.access})
    assert r.status_code == 401
    assert refresh(server, user.refresh).status_code == 200


def test_logout_with_another_users_token_is_403(server, user, other):
    r = user.post("/auth/logout", json={"refresh_token": other.refresh})
    assert r.status_code == 403
    assert isinstance(r.json()["detail"], str)
    # nothing was revoked
    assert_token_pair(refresh(server, other.refresh), other.id)


def test_logout_with_an_expired_refresh_token_is_401(server, user):
    claims = dict(jwt_parts(user.refresh)[1], exp=int(time.time()) - 60)
    token = jwt_sign(claims, server_key(server))
    r = user.post("/auth/logout", json={"refresh_token": token})
    assert r.status_code == 401
    assert refresh(server, user.refresh).status_code == 200


def test_logout_with_a_forged_refresh_token_is_401(server, user):
    token = jwt_sign(jwt_parts(user.refresh)[1], b"another-secret-of-enough-length!!")
    r = user.post("/auth/logout", json={"refresh_token": token})
    assert r.status_code == 401
    assert refresh(server, user.refresh).status_code == 200


def test_logout_needs_a_bearer_token(server, user):
    r = Client(server).post("/auth/logout", json={"refresh_token": user.refresh})
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == "Bearer"
    assert refresh(server, user.refresh).status_code == 200


def test_logout_missing_token_is_422(server, user):
    assert locs(user.post("/auth/logout", json={})) == [("body", "refresh_token")]


def test_email_uniqueness_and_login_fold_case_beyond_ascii(server):
    # the module folds emails itself: SQLite's lower() alone folds ASCII only
    tag = unique("")[:10]
    first = Client(server, username=unique("fold"), email="\u00c4rger.%s@Example.com" % tag)
    first.register()
    r = Client(server).session.post(server.url("/auth/register"), json={
        "username": unique("fold"), "email": "\u00e4rger.%s@example.COM" % tag,
        "password": "password123"}, timeout=30)
    assert r.status_code == 409, r.text
    r = Client(server).session.post(server.url("/auth/login"), json={
        "username": "\u00e4RGER.%s@EXAMPLE.com" % tag.upper(), "password": first.password},
        timeout=30)
    assert r.status_code == 200, r.text
