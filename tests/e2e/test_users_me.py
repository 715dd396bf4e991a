"""/users/me: the own view, profile changes (null clears, email rules and
conflicts), password change (old tokens die) and account deletion."""
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from pampsenv import Client, db_rows, new_user, unique

OWN_VIEW_KEYS = {"id", "username", "name", "bio", "avatar", "created_at", "email", "role",
                 "posts_count", "followers_count", "following_count"}
RFC3339_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def locs(r):
    assert r.status_code == 422, r.text
    for e in r.json()["detail"]:
        assert isinstance(e["msg"], str) and isinstance(e["type"], str)
    return sorted(tuple(e["loc"]) for e in r.json()["detail"])


def login(server, username, password):
    return Client(server).post("/auth/login", json={"username": username,
                                                    "password": password})


def refresh(server, token):
    return Client(server).post("/auth/refresh", json={"refresh_token": token})


def test_get_me_is_the_own_view(server, user):
    r = user.get("/users/me")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/json")
    u = r.json()
    assert set(u) == OWN_VIEW_KEYS
    assert u["id"] == user.id
    assert u["username"] == user.username
    assert u["email"] == user.email
    assert u["role"] == "user"
    assert (u["name"], u["bio"], u["avatar"]) == (None, None, None)
    assert (u["posts_count"], u["followers_count"], u["following_count"]) == (0, 0, 0)
    assert RFC3339_Z.match(u["created_at"])
    assert user.password not in r.text


def test_get_me_is_per_token(server, user, other):
    assert user.get("/users/me").json()["username"] == user.username
    assert other.get("/users/me").json()["username"] == other.username


def test_patch_sets_profile_fields(server, user):
    r = user.patch("/users/me", json={"name": "Ann", "bio": "Hello there",
                                      "avatar": "https://example.com/ann.png"})
    assert r.status_code == 200, r.text
    u = r.json()
    assert set(u) == OWN_VIEW_KEYS
    assert (u["name"], u["bio"], u["avatar"]) == ("Ann", "Hello there",
                                                  "https://example.com/ann.png")
    again = user.get("/users/me").json()
    assert (again["name"], again["bio"], again["avatar"]) == (
        "Ann", "Hello there", "https://example.com/ann.png")


def test_patch_changes_only_what_is_sent(server, user):
    user.patch("/users/me", json={"name": "Ann", "bio": "Bio", "avatar": "http://x.example/a"})
    r = user.patch("/users/me", json={"bio": "New bio"})
    assert r.status_code == 200
    u = r.json()
    assert (u["name"], u["bio"], u["avatar"]) == ("Ann", "New bio", "http://x.example/a")
    assert u["email"] == user.email
    r = user.patch("/users/me", json={})
    assert r.status_code == 200
    assert r.json() == u


@pytest.mark.parametrize("field", ["name", "bio", "avatar"])
def test_patch_null_clears(server, user, field):
    values = {"name": "Ann", "bio": "Bio", "avatar": "https://example.com/a.png"}
    assert user.patch("/users/me", json=values).status_code == 200
    r = user.patch("/users/me", json={field: None})
    assert r.status_code == 200, r.text
    assert r.json()[field] is None
    got = user.get("/users/me").json()
    assert got[field] is None
    for f in values:
        if f != field:
            assert got[f] == values[f]


def test_patch_ignores_unknown_and_forbidden_fields(server, user):
    r = user.patch("/users/me", json={"id": 1, "role": "admin", "username": "hijack" + unique(),
                                      "created_at": "2000-01-01T00:00:00Z",
                                      "followers_count": 99, "password": "newpassword1",
                                      "shoe_size": 44, "name": "Still Me"})
    assert r.status_code == 200, r.text
    u = r.json()
    assert u["id"] == user.id
    assert u["role"] == "user"
    assert u["username"] == user.username
    assert u["created_at"] != "2000-01-01T00:00:00Z"
    assert u["followers_count"] == 0
    assert u["name"] == "Still Me"
    assert db_rows(server, "SELECT role, username FROM users WHERE id = ?", (user.id,)) == [
        ("user", user.username)]
    # the password did not change through PATCH
    assert login(server, user.username, user.password).status_code == 200


def test_patch_email(server, user):
    new = unique("new") + "@example.org"
    r = user.patch("/users/me", json={"email": new})
    assert r.status_code == 200, r.text
    assert r.json()["email"] == new
    assert user.get("/users/me").json()["email"] == new
    # the new email logs in, the old one no longer does
    assert login(server, new, user.password).status_code == 200
    assert login(server, user.email, user.password).status_code == 401


def test_patch_email_to_own_in_other_case(server, user):
    r = user.patch("/users/me", json={"email": user.email.upper()})
    assert r.status_code == 200, r.text
    assert r.json()["email"] == user.email.upper()


def test_patch_email_taken_is_409(server, user, other):
    for taken in (other.email, other.email.upper()):
        r = user.patch("/users/me", json={"email": taken, "name": "Changed"})
        assert r.status_code == 409, r.text
        assert isinstance(r.json()["detail"], str)
    u = user.get("/users/me").json()
    assert u["email"] == user.email
    assert u["name"] is None
    # the owner of the email can still log in with it
    assert login(server, other.email, other.password).status_code == 200


@pytest.mark.parametrize("field,value", [
    ("name", "x" * 101), ("bio", "x" * 281), ("avatar", "ftp://example.com/a.png"),
    ("avatar", "https://example.com/" + "a" * 2029), ("avatar", "not a url"),
    ("email", "not-an-email"), ("email", "a@b"), ("email", None), ("email", 5),
    ("name", 5), ("bio", ["x"]), ("avatar", True),
])
def test_patch_invalid_field_is_422(server, user, field, value):
    r = user.patch("/users/me", json={field: value, "name" if field != "name" else "bio": "ok"})
    assert locs(r) == [("body", field)]
    u = user.get("/users/me").json()
    assert (u["name"], u["bio"], u["avatar"]) == (None, None, None)
    assert u["email"] == user.email


@pytest.mark.parametrize("field,limit", [("name", 100), ("bio", 280)])
def test_patch_length_limits_inclusive(server, user, field, limit):
    r = user.patch("/users/me", json={field: "y" * limit})
    assert r.status_code == 200, r.text
    assert r.json()[field] == "y" * limit


def test_patch_avatar_2048_is_accepted(server, user):
    url = "https://example.com/" + "a" * 2028
    assert len(url) == 2048
    r = user.patch("/users/me", json={"avatar": url})
    assert r.status_code == 200, r.text
    assert r.json()["avatar"] == url
    assert locs(user.patch("/users/me", json={"avatar": url + "a"})) == [("body", "avatar")]


def test_patch_several_bad_fields(server, user):
    r = user.patch("/users/me", json={"name": "n" * 101, "bio": 1, "avatar": "ftp://x.y",
                                      "email": "bad"})
    assert locs(r) == [("body", "avatar"), ("body", "bio"), ("body", "email"),
                       ("body", "name")]


# --- password -------------------------------------------------------------

def test_change_password(server, user):
    old_access, old_refresh = user.access, user.refresh
    r = user.put("/users/me/password", json={"current_password": user.password,
                                             "new_password": "brand-new-pass"})
    assert r.status_code == 204, r.text
    assert r.content == b""
    # every token issued before is dead
    r = Client(server).get("/users/me", token=old_access)
    assert r.status_code == 401
    assert 'error="invalid_token"' in r.headers["WWW-Authenticate"]
    assert refresh(server, old_refresh).status_code == 401
    # the old password no longer works, the new one does
    assert login(server, user.username, user.password).status_code == 401
    r = login(server, user.username, "brand-new-pass")
    assert r.status_code == 200
    assert Client(server).get("/users/me", token=r.json()["access_token"]).status_code == 200
    assert refresh(server, r.json()["refresh_token"]).status_code == 200


def test_change_password_kills_every_session(server, user):
    second = login(server, user.username, user.password).json()
    r = user.put("/users/me/password", json={"current_password": user.password,
                                             "new_password": "another-pass-1"})
    assert r.status_code == 204
    assert Client(server).get("/tasks", token=second["access_token"]).status_code == 401
    assert refresh(server, second["refresh_token"]).status_code == 401


def test_wrong_current_password_is_403(server, user):
    r = user.put("/users/me/password", json={"current_password": "not-my-password",
                                             "new_password": "brand-new-pass"})
    assert r.status_code == 403, r.text
    assert isinstance(r.json()["detail"], str)
    # nothing changed
    assert user.get("/users/me").status_code == 200
    assert login(server, user.username, user.password).status_code == 200
    assert login(server, user.username, "brand-new-pass").status_code == 401


@pytest.mark.parametrize("new,ok", [("n" * 7, False), ("n" * 8, True), ("n" * 128, True),
                                    ("n" * 129, False)])
def test_new_password_length(server, user, new, ok):
    r = user.put("/users/me/password", json={"current_password": user.password,
                                             "new_password": new})
    if ok:
        assert r.status_code == 204, r.text
        assert login(server, user.username, new).status_code == 200
    else:
        assert locs(r) == [("body", "new_password")]
        assert user.get("/users/me").status_code == 200
        assert login(server, user.username, user.password).status_code == 200


def test_password_change_missing_or_wrong_types_is_422(server, user):
    r = user.put("/users/me/password", json={})
    assert locs(r) == [("body", "current_password"), ("body", "new_password")]
    r = user.put("/users/me/password", json={"current_password": None,
                                             "new_password": 12345678})
    assert locs(r) == [("body", "current_password"), ("body", "new_password")]
    assert user.get("/users/me").status_code == 200


def test_password_change_needs_a_token(server, user):
    r = Client(server).put("/users/me/password", json={"current_password": user.password,
                                                       "new_password": "brand-new-pass"})
    assert r.status_code == 401
    assert login(server, user.username, user.password).status_code == 200


# --- delete ---------------------------------------------------------------

def test_delete_me(server):
    c = new_user(server)
    c.post("/tasks", json={"title": "mine"})
    old_refresh = c.refresh
    r = c.delete("/users/me")
    assert r.status_code == 204
    assert r.content == b""
    r = c.get("/users/me")
    assert r.status_code == 401
    assert 'error="invalid_token"' in r.headers["WWW-Authenticate"]
    assert c.get("/tasks").status_code == 401
    assert refresh(server, old_refresh).status_code == 401
    r = login(server, c.username, c.password)
    assert r.status_code == 401
    assert login(server, c.email, c.password).status_code == 401
    assert db_rows(server, "SELECT COUNT(*) FROM users WHERE id = ?", (c.id,)) == [(0,)]
    assert db_rows(server, "SELECT COUNT(*) FROM tasks WHERE user_id = ?", (c.id,)) == [(0,)]
    assert db_rows(server, "SELECT COUNT(*) FROM refresh_tokens WHERE user_id = ?",
                   (c.id,)) == [(0,)]


def test_deleted_username_and_email_can_be_registered_again(server):
    c = new_user(server)
    assert c.delete("/users/me").status_code == 204
    again = Client(server, username=c.username.upper(), email=c.email,
                   password="a-different-pass")
    r = again.register()
    assert r.json()["id"] != c.id
    again.login()
    assert again.get("/users/me").json()["username"] == c.username.upper()
    # the old token does not open the new account
    assert c.get("/users/me").status_code == 401


def test_delete_me_twice(server):
    c = new_user(server)
    assert c.delete("/users/me").status_code == 204
    assert c.delete("/users/me").status_code == 401


def test_concurrent_deletes_of_me_answer_204_once(server):
    """One request deletes the account; the others either deleted nothing
    (404) or came after it and no longer authenticate (401)."""
    for _round in range(3):
        c = new_user(server)
        c.post("/tasks", json={"title": "goes with me"})
        barrier = threading.Barrier(10)

        def one(_):
            me = Client(server)
            me.access = c.access
            barrier.wait(timeout=30)
            return me.delete("/users/me").status_code

        with ThreadPoolExecutor(max_workers=10) as pool:
            codes = sorted(pool.map(one, range(10)))
        assert codes.count(204) == 1, codes
        assert set(codes) <= {204, 401, 404}, codes
        assert c.get("/users/me").status_code == 401


def test_delete_me_leaves_others_alone(server, user, other):
    tid = other.post("/tasks", json={"title": "theirs"}).json()["id"]
    assert user.delete("/users/me").status_code == 204
    assert other.get("/users/me").status_code == 200
    assert other.get("/tasks/%d" % tid).status_code == 200


# --- account changes while others write -------------------------------------

def race_with_writers(server, writer, actions, writers=20):
    """Runs every action at the same moment as `writers` task creations by
    writer; returns (the actions' responses, the creations' responses)."""
    barrier = threading.Barrier(writers + len(actions))

    def create(i):
        c = Client(server)
        c.access = writer.access
        barrier.wait(timeout=30)
        return c.post("/tasks", json={"title": "during %d" % i})

    def act(action):
        barrier.wait(timeout=30)
        return action()

    with ThreadPoolExecutor(max_workers=writers + len(actions)) as pool:
        creations = [pool.submit(create, i) for i in range(writers)]
        acted = [pool.submit(act, a) for a in actions]
        return [f.result() for f in acted], [f.result() for f in creations]


def test_password_changes_while_others_write(server):
    writer = new_user(server)
    for _ in range(3):
        changers = [new_user(server) for _ in range(4)]
        done, creations = race_with_writers(server, writer, [
            (lambda c=c: c.put("/users/me/password",
                               json={"current_password": c.password,
                                     "new_password": "changed-password"}))
            for c in changers])
        assert [r.status_code for r in done] == [204] * len(changers)
        assert [r.status_code for r in creations] == [201] * len(creations)
        for c in changers:
            assert login(server, c.username, "changed-password").status_code == 200
    assert writer.get("/tasks").json()["total"] == 60


def test_delete_me_while_others_write(server):
    writer = new_user(server)
    for _ in range(3):
        leaving = [new_user(server) for _ in range(8)]
        for c in leaving:
            c.post("/tasks", json={"title": "goes with me"})
        done, creations = race_with_writers(
            server, writer, [(lambda c=c: c.delete("/users/me")) for c in leaving])
        assert [r.status_code for r in done] == [204] * len(leaving)
        assert [r.status_code for r in creations] == [201] * len(creations)
        for c in leaving:
            assert c.get("/users/me").status_code == 401
    assert writer.get("/tasks").json()["total"] == 60
