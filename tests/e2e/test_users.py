"""Users and the social graph (API.md "Users and social graph"): the
directory, profiles, followers/following, follow/unfollow, the admin's role
change and account deletion, and what DELETE /users/me takes with it."""
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from pampsenv import Client, db_rows, make_admin, new_user, set_role, unique

PUBLIC_KEYS = {"id", "username", "name", "bio", "avatar", "created_at"}
PROFILE_KEYS = PUBLIC_KEYS | {"posts_count", "followers_count", "following_count"}
OWN_KEYS = PROFILE_KEYS | {"email", "role"}
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def users_named(server, prefix, n):
    """n users whose usernames start with prefix, in id order."""
    out = []
    for i in range(n):
        c = Client(server, username="%s%02d" % (prefix, i))
        c.register()
        c.login()
        out.append(c)
    return out


def query_errors(r):
    assert r.status_code == 422, r.text
    return [tuple(e["loc"]) for e in r.json()["detail"]]


def profile(client, username):
    r = client.get("/users/" + username)
    assert r.status_code == 200, r.text
    return r.json()


def post(client, text="hello", **extra):
    r = client.post("/posts", json=dict(text=text, **extra))
    assert r.status_code == 201, r.text
    return r.json()


# --- GET /users --------------------------------------------------------------

def test_users_list_filters_by_case_insensitive_substring(server, user):
    tag = unique("q")[:10]
    mine = users_named(server, tag + "_Ab", 3)
    users_named(server, tag + "_xy", 2)

    r = user.get("/users", params={"q": (tag + "_aB").upper()})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == 3
    assert [u["username"] for u in body["items"]] == [c.username for c in mine]
    assert body["limit"] == 20 and body["offset"] == 0
    for item in body["items"]:
        assert set(item) == PUBLIC_KEYS
        assert TIMESTAMP.match(item["created_at"])

    # q matches anywhere in the name, not only at the start
    r = user.get("/users", params={"q": tag[3:]})
    assert r.json()["total"] == 5


def test_users_list_wildcards_are_literal(server, user):
    tag = unique("w")[:10]
    underscored = Client(server, username=tag + "a_b")
    underscored.register()
    plain = Client(server, username=tag + "axb")
    plain.register()

    # "_" matches only an underscore, not any one character
    r = user.get("/users", params={"q": tag + "a_b"})
    assert [u["username"] for u in r.json()["items"]] == [underscored.username]
    assert r.json()["total"] == 1
    # no username can hold "%", so a literal "%" matches nobody
    for q in ("%", tag + "%", "\\"):
        r = user.get("/users", params={"q": q})
        assert r.status_code == 200, r.text
        assert r.json() == {"items": [], "total": 0, "limit": 20, "offset": 0}


def test_users_list_pages_by_offset_in_id_order(server, user):
    tag = unique("p")[:10]
    made = users_named(server, tag, 5)

    seen = []
    for offset in (0, 2, 4):
        r = user.get("/users", params={"q": tag, "limit": 2, "offset": offset})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["total"] == 5
        assert body["limit"] == 2 and body["offset"] == offset
        seen += [u["id"] for u in body["items"]]
    assert seen == [c.id for c in made]
    assert seen == sorted(seen)

    r = user.get("/users", params={"q": tag, "offset": 5})
    assert r.json()["items"] == [] and r.json()["total"] == 5

    # unfiltered, the whole directory is in id order too
    r = user.get("/users", params={"limit": 100})
    ids = [u["id"] for u in r.json()["items"]]
    assert ids == sorted(ids)
    assert r.json()["total"] >= len(ids) >= 6


@pytest.mark.parametrize("params, loc", [
    ({"limit": 0}, ("query", "limit")),
    ({"limit": 101}, ("query", "limit")),
    ({"limit": "abc"}, ("query", "limit")),
    ({"limit": "1.5"}, ("query", "limit")),
    ({"limit": ""}, ("query", "limit")),
    ({"offset": -1}, ("query", "offset")),
    ({"offset": "x"}, ("query", "offset")),
])
def test_users_list_rejects_bad_paging(user, params, loc):
    assert query_errors(user.get("/users", params=params)) == [loc]


def test_users_list_limit_bounds_are_inclusive(user):
    for limit in (1, 100):
        r = user.get("/users", params={"limit": limit})
        assert r.status_code == 200, r.text
        assert r.json()["limit"] == limit
        assert len(r.json()["items"]) <= limit
    assert len(user.get("/users", params={"limit": 1}).json()["items"]) == 1


def test_users_list_reports_every_bad_param(user):
    locs = query_errors(user.get("/users", params={"limit": 0, "offset": -5}))
    assert sorted(locs) == [("query", "limit"), ("query", "offset")]


def test_users_need_a_token(server):
    r = Client(server).get("/users")
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == "Bearer"


# --- profiles ----------------------------------------------------------------

def test_profile_has_exact_counts_and_no_private_fields(server, user, other):
    third = new_user(server)
    top = post(other, "top")
    post(other, "a reply of mine", parent_id=top["id"])
    post(other, "another")
    post(user, "someone else's reply", parent_id=top["id"])   # not other's
    assert user.post("/users/%s/follow" % other.username).status_code == 204
    assert third.post("/users/%s/follow" % other.username).status_code == 204
    assert other.post("/users/%s/follow" % user.username).status_code == 204

    body = profile(user, other.username)
    assert set(body) == PROFILE_KEYS
    assert "email" not in body and "role" not in body
    assert body["id"] == other.id
    assert body["username"] == other.username
    assert body["posts_count"] == 3          # replies included
    assert body["followers_count"] == 2
    assert body["following_count"] == 1
    assert TIMESTAMP.match(body["created_at"])
    # a user's own profile by name is still the public profile
    assert set(profile(other, other.username)) == PROFILE_KEYS
    assert profile(user, user.username)["followers_count"] == 1


def test_profile_fields_as_registered(server, user):
    c = Client(server)
    c.register(name="Ada L", bio="Counts things", avatar="https://example.com/a.png")
    body = profile(user, c.username)
    assert body["name"] == "Ada L"
    assert body["bio"] == "Counts things"
    assert body["avatar"] == "https://example.com/a.png"
    assert (body["posts_count"], body["followers_count"], body["following_count"]) == (0, 0, 0)
    bare = profile(user, user.username)
    assert bare["name"] is None and bare["bio"] is None and bare["avatar"] is None


def test_username_lookup_is_case_insensitive(server, user):
    c = Client(server, username=unique("MiXed")[:16])
    c.register()
    c.login()
    post(c)
    for spelled in (c.username.lower(), c.username.upper()):
        body = profile(user, spelled)
        assert body["id"] == c.id
        assert body["username"] == c.username          # as registered
        r = user.get("/users/%s/posts" % spelled)
        assert r.status_code == 200 and len(r.json()["items"]) == 1
    assert user.post("/users/%s/follow" % c.username.upper()).status_code == 204
    assert profile(user, c.username)["followers_count"] == 1
    assert user.delete("/users/%s/follow" % c.username.lower()).status_code == 204
    assert profile(user, c.username)["followers_count"] == 0


@pytest.mark.parametrize("method, suffix", [
    ("GET", ""), ("GET", "/posts"), ("GET", "/followers"), ("GET", "/following"),
    ("POST", "/follow"), ("DELETE", "/follow"),
])
def test_unknown_user_is_404_everywhere(user, method, suffix):
    r = user.request(method, "/users/" + unique("ghost") + suffix)
    assert r.status_code == 404, r.text
    assert r.json()["detail"]


@pytest.mark.parametrize("suffix, params, loc", [
    ("/followers", {"limit": 0}, "limit"),
    ("/following", {"offset": -1}, "offset"),
    ("/posts", {"before": 0}, "before"),
    ("/posts", {"limit": 101}, "limit"),
])
def test_unknown_user_paging_errors_come_first(user, suffix, params, loc):
    # API.md's order: validation (422) before lookups (404)
    r = user.get("/users/%s%s" % (unique("ghost"), suffix), params=params)
    assert query_errors(r) == [("query", loc)]


# --- follow / unfollow, followers / following -----------------------------------

def test_follow_is_idempotent_and_counted_once(user, other):
    for _ in range(2):
        r = user.post("/users/%s/follow" % other.username)
        assert r.status_code == 204
        assert r.content == b""
    assert profile(user, other.username)["followers_count"] == 1
    assert profile(user, user.username)["following_count"] == 1
    r = user.get("/users/%s/followers" % other.username)
    assert r.json()["total"] == 1
    assert [u["id"] for u in r.json()["items"]] == [user.id]


def test_follow_yourself_is_422(user):
    for spelled in (user.username, user.username.upper()):
        r = user.post("/users/%s/follow" % spelled)
        assert r.status_code == 422, r.text
        assert isinstance(r.json()["detail"], list) and r.json()["detail"]
    body = profile(user, user.username)
    assert body["followers_count"] == 0 and body["following_count"] == 0


def test_unfollow_is_idempotent(user, other):
    # never followed: nothing to undo, still 204
    r = user.delete("/users/%s/follow" % other.username)
    assert r.status_code == 204 and r.content == b""
    assert user.post("/users/%s/follow" % other.username).status_code == 204
    assert other.post("/users/%s/follow" % user.username).status_code == 204
    for _ in range(2):
        assert user.delete("/users/%s/follow" % other.username).status_code == 204
    assert profile(user, other.username)["followers_count"] == 0
    assert user.get("/users/%s/followers" % other.username).json()["total"] == 0
    # the other direction is untouched
    assert profile(user, user.username)["followers_count"] == 1
    assert profile(user, other.username)["following_count"] == 1


def test_followers_and_following_are_in_id_order(server):
    star = new_user(server)
    a, b, c = (new_user(server) for _ in range(3))
    # followed in an order different from id order
    for fan in (c, a, b):
        assert fan.post("/users/%s/follow" % star.username).status_code == 204
    for idol in (c, b, a):
        assert star.post("/users/%s/follow" % idol.username).status_code == 204
    want = [a.id, b.id, c.id]
    assert want == sorted(want)

    r = a.get("/users/%s/followers" % star.username)
    assert r.status_code == 200, r.text
    body = r.json()
    assert [u["id"] for u in body["items"]] == want
    assert body["total"] == 3 and body["limit"] == 20 and body["offset"] == 0
    assert all(set(u) == PUBLIC_KEYS for u in body["items"])

    r = a.get("/users/%s/following" % star.username)
    assert [u["id"] for u in r.json()["items"]] == want
    assert r.json()["total"] == 3

    r = a.get("/users/%s/followers" % star.username, params={"limit": 2, "offset": 1})
    body = r.json()
    assert [u["id"] for u in body["items"]] == want[1:]
    assert (body["total"], body["limit"], body["offset"]) == (3, 2, 1)
    r = a.get("/users/%s/following" % star.username, params={"limit": 1, "offset": 2})
    assert [u["id"] for u in r.json()["items"]] == [c.id]

    assert query_errors(a.get("/users/%s/following" % star.username,
                              params={"offset": -1})) == [("query", "offset")]
    assert query_errors(a.get("/users/%s/followers" % star.username,
                              params={"limit": 101})) == [("query", "limit")]


# --- admin: PATCH /users/{username} (role) -----------------------------------------

def test_admin_sets_role_and_gets_the_users_own_view(server, user, other):
    admin = make_admin(server, new_user(server))
    post(other)
    assert user.post("/users/%s/follow" % other.username).status_code == 204

    r = admin.patch("/users/" + other.username.upper(), json={"role": "admin"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == OWN_KEYS
    assert body["id"] == other.id
    assert body["username"] == other.username
    assert body["email"] == other.email
    assert body["role"] == "admin"
    assert (body["posts_count"], body["followers_count"], body["following_count"]) == (1, 1, 0)
    assert other.get("/users/me").json()["role"] == "admin"

    r = admin.patch("/users/" + other.username, json={"role": "user", "id": 1, "email": "x@y.z"})
    assert r.status_code == 200, r.text
    assert r.json()["role"] == "user"
    assert r.json()["email"] == other.email     # only the role changes
    assert other.get("/users/me").json()["role"] == "user"


def test_role_change_applies_on_the_next_request(server, user, other):
    admin = make_admin(server, new_user(server))
    victim_post = post(other, "mine")

    # as a plain user, someone else's post is off limits
    assert user.delete("/posts/%d" % victim_post["id"]).status_code == 403
    assert admin.patch("/users/" + user.username, json={"role": "admin"}).status_code == 200
    # same token, no new login: the new role is in force
    assert user.delete("/posts/%d" % victim_post["id"]).status_code == 204
    assert user.patch("/users/" + other.username, json={"role": "user"}).status_code == 200

    second = post(other, "also mine")
    assert admin.patch("/users/" + user.username, json={"role": "user"}).status_code == 200
    assert user.delete("/posts/%d" % second["id"]).status_code == 403
    assert user.patch("/users/" + other.username, json={"role": "user"}).status_code == 403


def test_role_change_is_admin_only(server, user, other):
    r = user.patch("/users/" + other.username, json={"role": "admin"})
    assert r.status_code == 403, r.text
    assert r.json()["detail"]
    assert other.get("/users/me").json()["role"] == "user"
    # promoting yourself is no way round it
    assert user.patch("/users/" + user.username, json={"role": "admin"}).status_code == 403
    assert user.get("/users/me").json()["role"] == "user"


@pytest.mark.parametrize("body", [
    {"role": "superuser"}, {"role": "Admin"}, {"role": ""}, {"role": 1},
    {"role": None}, {"role": True}, {}, {"name": "x"},
])
def test_role_must_be_user_or_admin(server, other, body):
    admin = make_admin(server, new_user(server))
    r = admin.patch("/users/" + other.username, json=body)
    assert r.status_code == 422, r.text
    assert [e["loc"] for e in r.json()["detail"]] == [["body", "role"]]
    assert other.get("/users/me").json()["role"] == "user"


def test_role_change_order_of_checks(server, user, other):
    admin = make_admin(server, new_user(server))
    ghost = unique("ghost")
    path = "/users/" + other.username

    # body problems come before authorization...
    r = user.patch(path, data="{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 400, r.text
    r = user.patch(path, data="role=admin", headers={"Content-Type": "text/plain"})
    assert r.status_code == 415, r.text
    # ...authorization before validation and lookups...
    assert user.patch(path, json={"role": "nope"}).status_code == 403
    assert user.patch("/users/" + ghost, json={"role": "nope"}).status_code == 403
    assert user.patch("/users/" + ghost, json={"role": "admin"}).status_code == 403
    # ...validation before lookups
    assert admin.patch("/users/" + ghost, json={"role": "nope"}).status_code == 422
    r = admin.patch("/users/" + ghost, json={"role": "admin"})
    assert r.status_code == 404, r.text
    assert r.json()["detail"]
    # and no token at all is 401 before anything
    assert Client(server).patch(path, json={"role": "nope"}).status_code == 401


# --- admin: DELETE /users/{username} ----------------------------------------------

def test_admin_deletes_a_user(server, user, other):
    admin = make_admin(server, new_user(server))
    p = post(other, "to be orphaned")
    reply = post(user, "reply", parent_id=p["id"])
    assert other.post("/users/%s/follow" % user.username).status_code == 204

    r = admin.delete("/users/" + other.username.upper())
    assert r.status_code == 204, r.text
    assert r.content == b""
    assert admin.get("/users/" + other.username).status_code == 404
    assert admin.delete("/users/" + other.username).status_code == 404
    assert other.get("/users/me").status_code == 401       # its token is dead
    assert admin.get("/posts/%d" % p["id"]).status_code == 404
    assert user.get("/posts/%d" % reply["id"]).json()["parent_id"] is None
    assert profile(user, user.username)["followers_count"] == 0


def test_concurrent_admin_deletes_of_a_user_answer_204_once(server):
    admin = make_admin(server, new_user(server))
    for _round in range(3):
        doomed = new_user(server)
        post(doomed, "goes with the account")
        barrier = threading.Barrier(10)

        def one(_):
            c = Client(server)
            c.access = admin.access
            barrier.wait(timeout=30)
            return c.delete("/users/" + doomed.username).status_code

        with ThreadPoolExecutor(max_workers=10) as pool:
            codes = sorted(pool.map(one, range(10)))
        assert codes == [204] + [404] * 9, codes


def test_user_delete_is_admin_only(server, user, other):
    r = user.delete("/users/" + other.username)
    assert r.status_code == 403, r.text
    assert profile(user, other.username)["id"] == other.id
    assert other.get("/users/me").status_code == 200
    # authorization comes before the lookup
    assert user.delete("/users/" + unique("ghost")).status_code == 403
    admin = make_admin(server, new_user(server))
    assert admin.delete("/users/" + unique("ghost")).status_code == 404


def test_demoted_admin_loses_delete(server, user, other):
    admin = make_admin(server, new_user(server))
    set_role(server, admin.id, "user")
    assert admin.delete("/users/" + other.username).status_code == 403
    assert profile(user, other.username)["id"] == other.id


# --- DELETE /users/me ---------------------------------------------------------

def test_delete_me_takes_its_data_and_spares_the_rest(server):
    me, friend, third = (new_user(server) for _ in range(3))
    # my data
    for title in ("one", "two"):
        assert me.post("/tasks", json={"title": title}).status_code == 201
    mine = post(me, "my post")
    my_reply = post(me, "my reply to friend", parent_id=post(friend, "friend's")["id"])
    friend_post = friend.get("/posts/%d" % my_reply["parent_id"]).json()
    assert me.post("/posts/%d/like" % friend_post["id"]).status_code == 204
    assert me.post("/users/%s/follow" % friend.username).status_code == 204
    # others' data touching mine
    assert friend.post("/users/%s/follow" % me.username).status_code == 204
    assert friend.post("/posts/%d/like" % mine["id"]).status_code == 204
    friend_reply = post(friend, "reply to me", parent_id=mine["id"])
    third_reply = post(third, "reply to my reply", parent_id=my_reply["id"])
    # others' data not touching mine
    assert third.post("/posts/%d/like" % friend_post["id"]).status_code == 204
    assert third.post("/users/%s/follow" % friend.username).status_code == 204
    assert friend.post("/tasks", json={"title": "friend's task"}).status_code == 201
    before = profile(friend, friend.username)
    assert (before["posts_count"], before["followers_count"], before["following_count"]) \
        == (2, 2, 1)

    r = me.delete("/users/me")
    assert r.status_code == 204, r.text
    assert r.content == b""

    assert me.get("/users/me").status_code == 401
    assert friend.get("/users/" + me.username).status_code == 404
    for table, column in (("tasks", "user_id"), ("likes", "user_id"), ("posts", "user_id"),
                          ("follows", "follower_id"), ("follows", "followee_id")):
        assert db_rows(server, "SELECT COUNT(*) FROM %s WHERE %s = ?" % (table, column),
                       (me.id,)) == [(0,)], table
    assert db_rows(server, "SELECT COUNT(*) FROM likes WHERE post_id = ?", (mine["id"],)) \
        == [(0,)]
    for gone in (mine, my_reply):
        assert friend.get("/posts/%d" % gone["id"]).status_code == 404

    # replies to my posts by others stay, now top-level
    for kept, author in ((friend_reply, friend), (third_reply, third)):
        body = author.get("/posts/%d" % kept["id"]).json()
        assert body["parent_id"] is None
        assert body["text"] == kept["text"]
    # the friend's post lost my like and my reply, kept the third's like
    body = third.get("/posts/%d" % friend_post["id"]).json()
    assert body["likes_count"] == 1 and body["liked_by_me"] is True
    assert body["replies_count"] == 0
    likers = friend.get("/posts/%d/likes" % friend_post["id"]).json()
    assert [u["id"] for u in likers["items"]] == [third.id] and likers["total"] == 1
    # the friend's counts drop by exactly my share
    after = profile(third, friend.username)
    assert (after["posts_count"], after["followers_count"], after["following_count"]) \
        == (2, 1, 0)
    assert [u["id"] for u in friend.get("/users/%s/followers" % friend.username)
            .json()["items"]] == [third.id]
    assert friend.get("/tasks").json()["total"] == 1
    assert profile(friend, third.username)["posts_count"] == 1
    # the username is free again
    again = Client(server, username=me.username)
    again.register()
