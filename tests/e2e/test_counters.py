"""Counts are read from counters that triggers keep with the rows
(sql/<driver>/005_counters.sql): they must stay exact under concurrent
writes, after deletions (a post, an account and all it cascades to,
unfollow, unlike, unassign), and after a transaction that fails.

Besides what the API shows, every test ends by recounting every counter of
the database from the rows themselves (`assert_no_drift`)."""
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from pampsenv import BACKEND, make_admin, new_user, unique

# counters that differ from a recount of their rows: (kind, id); none expected
DRIFT = """
SELECT 'user', u.id FROM users u
 WHERE u.tasks_count <> (SELECT COUNT(*) FROM tasks t WHERE t.user_id = u.id)
    OR u.tasks_done_count <> (SELECT COUNT(*) FROM tasks t WHERE t.user_id = u.id AND t.done)
    OR u.posts_count <> (SELECT COUNT(*) FROM posts p WHERE p.user_id = u.id)
    OR u.followers_count <> (SELECT COUNT(*) FROM follows f WHERE f.followee_id = u.id)
    OR u.following_count <> (SELECT COUNT(*) FROM follows f WHERE f.follower_id = u.id)
    OR u.departments_count <> (SELECT COUNT(*) FROM department_members m WHERE m.user_id = u.id)
    OR u.positions_count <> (SELECT COUNT(*) FROM position_members m WHERE m.user_id = u.id)
UNION ALL
SELECT 'post', p.id FROM posts p
 WHERE p.likes_count <> (SELECT COUNT(*) FROM likes l WHERE l.post_id = p.id)
    OR p.replies_count <> (SELECT COUNT(*) FROM posts c WHERE c.parent_id = p.id)
UNION ALL
SELECT 'department', d.id FROM departments d
 WHERE d.members_count <> (SELECT COUNT(*) FROM department_members m
                           WHERE m.department_id = d.id)
UNION ALL
SELECT 'position', o.id FROM positions o
 WHERE o.members_count <> (SELECT COUNT(*) FROM position_members m WHERE m.position_id = o.id)
UNION ALL
SELECT 'total ' || t.name, t.n FROM totals t
 WHERE t.n <> CASE t.name WHEN 'users' THEN (SELECT COUNT(*) FROM users)
                          WHEN 'departments' THEN (SELECT COUNT(*) FROM departments)
                          WHEN 'positions' THEN (SELECT COUNT(*) FROM positions) END
"""


def assert_no_drift(server):
    assert server.sql(DRIFT) == []
    assert len(server.sql("SELECT name FROM totals")) == 3


def at_once(server, n, fn):
    """fn(i) for i in range(n), from n threads released together; the
    results in order. Each request has a connection of its own."""
    start = threading.Barrier(n)
    # 50 requests at once take most of the test server's 64 workers, which
    # httpd's MPM notes in the log; that is the load asked for, no fault
    server.expect_log(r"AH10159|AH00484")

    def run(i):
        start.wait(timeout=60)
        return fn(i)

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, range(n)))


def users(server, n):
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(lambda _: new_user(server), range(n)))


def call(method, server, client, path, body=None):
    return requests.request(method, server.url(path), json=body, headers=client.headers(),
                            timeout=60).status_code


def total(client, path):
    r = client.get(path)
    assert r.status_code == 200, r.text
    return r.json()["total"]


def profile(client, who):
    return client.get("/users/" + who.username).json()


def post(client, text, parent_id=None):
    r = client.post("/posts", json={"text": text, "parent_id": parent_id})
    assert r.status_code == 201, r.text
    return r.json()


@pytest.fixture(scope="module")
def admin(server):
    return make_admin(server, new_user(server))


# --- concurrency ----------------------------------------------------------------

def test_fifty_users_like_one_post_at_once(server, user):
    likers = users(server, 50)
    p = post(user, "popular")["id"]

    statuses = at_once(server, 50, lambda i: call("POST", server, likers[i], "/posts/%d/like" % p))
    assert statuses == [204] * 50
    assert user.get("/posts/%d" % p).json()["likes_count"] == 50
    assert total(user, "/posts/%d/likes" % p) == 50
    # liking again changes nothing
    assert at_once(server, 10, lambda i: call("POST", server, likers[i], "/posts/%d/like" % p)) \
        == [204] * 10
    assert user.get("/posts/%d" % p).json()["likes_count"] == 50

    # half of them unlike at once, while the other half like again
    statuses = at_once(server, 50, lambda i: call("DELETE" if i % 2 else "POST", server, likers[i],
                                          "/posts/%d/like" % p))
    assert statuses == [204] * 50
    assert user.get("/posts/%d" % p).json()["likes_count"] == 25
    assert total(user, "/posts/%d/likes" % p) == 25
    assert_no_drift(server)


def test_fifty_tasks_created_at_once_then_toggled(server, user):
    statuses = at_once(server, 50, lambda i: call("POST", server, user, "/tasks",
                                          {"title": "task %02d" % i, "done": i < 10}))
    assert statuses == [201] * 50
    assert total(user, "/tasks") == 50
    assert total(user, "/tasks?done=true") == 10
    assert total(user, "/tasks?done=false") == 40

    ids = [t["id"] for t in user.get("/tasks?limit=100&sort=title").json()["items"]]
    assert len(ids) == 50
    # 20 marked done (10 of them already were), 5 undone, at once
    statuses = at_once(server, 25, lambda i: call("PATCH", server, user, "/tasks/%d" % ids[i],
                                          {"done": i < 20}))
    assert statuses == [200] * 25
    assert total(user, "/tasks?done=true") == 20
    assert total(user, "/tasks?done=false") == 30
    # a PUT that keeps done as it was, and title edits, change no count
    assert call("PUT", server, user, "/tasks/%d" % ids[0], {"title": "x", "done": True}) == 200
    assert call("PATCH", server, user, "/tasks/%d" % ids[40], {"title": "y"}) == 200
    assert total(user, "/tasks?done=true") == 20

    # deleting 10 done and 10 not done, at once
    gone = ids[10:30]
    assert at_once(server, 20, lambda i: call("DELETE", server, user, "/tasks/%d" % gone[i])) \
        == [204] * 20
    assert total(user, "/tasks") == 30
    assert total(user, "/tasks?done=true") == 10
    assert total(user, "/tasks?done=false") == 20
    # a search still counts its matches
    assert total(user, "/tasks?q=task%200") == 9            # 01..09 (00 is "x" now)
    assert total(user, "/tasks?q=task%203&done=false") == 10
    assert total(user, "/tasks?q=task%200&done=true") == 9
    assert_no_drift(server)


def test_follow_and_unfollow_at_once(server, user):
    fans = users(server, 25)
    # each fan follows user while user follows the fan back: both ends of
    # two follows at once
    statuses = at_once(server, 50, lambda i: (
        call("POST", server, fans[i // 2], "/users/%s/follow" % user.username) if i % 2
        else call("POST", server, user, "/users/%s/follow" % fans[i // 2].username)))
    assert statuses == [204] * 50
    me = profile(user, user)
    assert (me["followers_count"], me["following_count"]) == (25, 25)
    assert total(user, "/users/%s/followers" % user.username) == 25
    assert total(user, "/users/%s/following" % user.username) == 25
    assert all(profile(user, f)["followers_count"] == 1 for f in fans[:3])

    # the first 10 unfollow, the user unfollows the last 5, all at once
    statuses = at_once(server, 15, lambda i: (
        call("DELETE", server, fans[i], "/users/%s/follow" % user.username) if i < 10
        else call("DELETE", server, user, "/users/%s/follow" % fans[i + 10].username)))
    assert statuses == [204] * 15
    me = profile(user, user)
    assert (me["followers_count"], me["following_count"]) == (15, 20)
    assert total(user, "/users/%s/followers" % user.username) == 15
    assert total(user, "/users/%s/following" % user.username) == 20
    assert profile(user, fans[0])["following_count"] == 0
    assert profile(user, fans[24])["followers_count"] == 0
    assert_no_drift(server)


def test_members_assigned_at_once(server, admin):
    people = users(server, 20)
    dept = admin.post("/departments", json={"name": unique("d")}).json()["id"]
    pos = admin.post("/positions", json={"name": unique("p")}).json()["id"]
    statuses = at_once(server, 40, lambda i: call(
        "PUT", server, admin, "/users/%s/%s/%d" % (
            people[i // 2].username, "departments" if i % 2 else "positions",
            dept if i % 2 else pos)))
    assert statuses == [204] * 40
    assert total(admin, "/departments/%d/members" % dept) == 20
    assert total(admin, "/positions/%d/members" % pos) == 20
    assert total(admin, "/users/%s/departments" % people[0].username) == 1

    statuses = at_once(server, 10, lambda i: call(
        "DELETE", server, admin, "/users/%s/departments/%d" % (people[i].username, dept)))
    assert statuses == [204] * 10
    assert total(admin, "/departments/%d/members" % dept) == 10
    assert total(admin, "/users/%s/departments" % people[0].username) == 0
    assert total(admin, "/users/%s/departments" % people[19].username) == 1
    assert_no_drift(server)


# --- deletions ------------------------------------------------------------------

def test_deleting_a_post_with_replies_and_likes(server, user, other):
    third = new_user(server)
    parent = post(other, "parent")["id"]
    p = post(user, "to delete", parent_id=parent)["id"]
    replies = [post(c, "reply", parent_id=p)["id"] for c in (other, third, user)]
    for c in (user, other, third):
        assert c.post("/posts/%d/like" % p).status_code == 204
    assert other.post("/posts/%d/like" % replies[0]).status_code == 204
    before = {c.id: profile(user, c)["posts_count"] for c in (user, other, third)}
    assert user.get("/posts/%d" % parent).json()["replies_count"] == 1

    assert user.delete("/posts/%d" % p).status_code == 204
    assert user.get("/posts/%d" % parent).json()["replies_count"] == 0
    assert profile(user, user)["posts_count"] == before[user.id] - 1
    assert profile(user, other)["posts_count"] == before[other.id]
    for r in replies:
        got = user.get("/posts/%d" % r).json()
        assert got["parent_id"] is None
    assert user.get("/posts/%d" % replies[0]).json()["likes_count"] == 1
    assert_no_drift(server)


def test_deleting_an_account_recounts_everything_it_touched(server, admin):
    victim, friend, third = users(server, 3)
    dept = admin.post("/departments", json={"name": unique("d")}).json()["id"]
    pos = admin.post("/positions", json={"name": unique("p")}).json()["id"]
    for c in (victim, friend):
        assert call("PUT", server, admin, "/users/%s/departments/%d" % (c.username, dept)) == 204
        assert call("PUT", server, admin, "/users/%s/positions/%d" % (c.username, pos)) == 204
    for i in range(5):
        assert victim.post("/tasks", json={"title": "t%d" % i, "done": i < 2}).status_code == 201
    mine = post(victim, "mine")["id"]
    friend_post = post(friend, "friend's")["id"]
    post(victim, "my reply", parent_id=friend_post)
    friend_reply = post(friend, "reply to victim", parent_id=mine)["id"]
    for c in (victim, third):
        assert c.post("/posts/%d/like" % friend_post).status_code == 204
    assert friend.post("/posts/%d/like" % mine).status_code == 204
    assert victim.post("/users/%s/follow" % friend.username).status_code == 204
    assert friend.post("/users/%s/follow" % victim.username).status_code == 204
    assert third.post("/users/%s/follow" % victim.username).status_code == 204
    users_before = total(admin, "/users")
    got = admin.get("/posts/%d" % friend_post).json()
    assert (got["likes_count"], got["replies_count"]) == (2, 1)
    assert total(admin, "/departments/%d/members" % dept) == 2

    assert admin.delete("/users/" + victim.username).status_code == 204

    assert total(admin, "/users") == users_before - 1
    got = admin.get("/posts/%d" % friend_post).json()
    assert (got["likes_count"], got["replies_count"]) == (1, 0)
    f = profile(admin, friend)
    assert (f["posts_count"], f["followers_count"], f["following_count"]) == (2, 0, 0)
    assert profile(admin, third)["following_count"] == 0
    assert total(admin, "/users/%s/following" % third.username) == 0
    assert admin.get("/posts/%d" % friend_reply).json()["parent_id"] is None
    assert total(admin, "/departments/%d/members" % dept) == 1
    assert total(admin, "/positions/%d/members" % pos) == 1
    assert_no_drift(server)


def test_deleting_my_account_while_others_like_and_follow_me(server):
    me = new_user(server)
    mine = [post(me, "p%d" % i)["id"] for i in range(3)]
    fans = users(server, 20)

    def act(i):
        if i == 20:
            return call("DELETE", server, me, "/users/me")
        if i % 2:
            return call("POST", server, fans[i], "/posts/%d/like" % mine[i % 3])
        return call("POST", server, fans[i], "/users/%s/follow" % me.username)

    statuses = at_once(server, 21, act)
    assert statuses[20] == 204
    # each like or follow came before the deletion (and went with it) or
    # found the account gone
    assert all(s in (204, 404, 409) for s in statuses[:20]), statuses
    assert all(profile(fans[0], f)["following_count"] == 0 for f in fans[:4])
    assert_no_drift(server)


def test_deleting_a_department_recounts_its_members(server, admin):
    people = users(server, 3)
    dept = admin.post("/departments", json={"name": unique("d")}).json()["id"]
    departments_before = total(admin, "/departments")
    for c in people:
        assert call("PUT", server, admin, "/users/%s/departments/%d" % (c.username, dept)) == 204
    assert admin.delete("/departments/%d" % dept).status_code == 204
    assert total(admin, "/departments") == departments_before - 1
    assert all(total(admin, "/users/%s/departments" % c.username) == 0 for c in people)
    assert_no_drift(server)


# --- failures -------------------------------------------------------------------

def test_a_refused_write_changes_no_count(server, admin, user):
    name = unique("d")
    assert admin.post("/departments", json={"name": name}).status_code == 201
    before = total(admin, "/departments")
    assert admin.post("/departments", json={"name": name.upper()}).status_code == 409
    assert total(admin, "/departments") == before
    # a second registration of a name, a reply to no post
    users_before = total(user, "/users")
    r = requests.post(server.url("/auth/register"), timeout=30, json={
        "username": user.username, "email": unique() + "@example.com", "password": "pw123456"})
    assert r.status_code == 409
    assert total(user, "/users") == users_before
    posts_before = profile(user, user)["posts_count"]
    assert user.post("/posts", json={"text": "x", "parent_id": 10 ** 12}).status_code == 422
    assert profile(user, user)["posts_count"] == posts_before
    assert_no_drift(server)


def test_likes_and_replies_racing_the_posts_deletion(server, user):
    fans = users(server, 20)
    for _ in range(3):
        p = post(user, "short-lived")["id"]
        assert fans[0].post("/posts/%d/like" % p).status_code == 204
        post(fans[1], "early reply", parent_id=p)

        def act(i):
            if i == 20:
                return call("DELETE", server, user, "/posts/%d" % p)
            if i % 2:
                return call("POST", server, fans[i], "/posts/%d/like" % p)
            r = requests.post(server.url("/posts"), headers=fans[i].headers(), timeout=60,
                              json={"text": "reply", "parent_id": p})
            return r.status_code

        statuses = at_once(server, 21, act)
        assert statuses[20] == 204
        # before the deletion, or finding the post gone: 404 (a like), 422
        # (a reply's parent), 409 (the post went between check and write)
        assert all(s in (201, 204, 404, 409, 422) for s in statuses[:20]), statuses
        assert user.get("/posts/%d" % p).status_code == 404
        assert_no_drift(server)


def fail_deletions_of(server, username):
    """A trigger that makes deleting this user's row fail: the last step of
    an account deletion, after every other row of it is gone."""
    if BACKEND == "sqlite3":
        server.sql("CREATE TRIGGER test_refuse_delete BEFORE DELETE ON users"
                   " WHEN OLD.username = '%s' BEGIN SELECT RAISE(ABORT, 'refused by test');"
                   " END" % username)
    else:
        server.sql("CREATE FUNCTION test_refuse_delete() RETURNS trigger LANGUAGE plpgsql AS"
                   " $$ BEGIN RAISE EXCEPTION 'refused by test'; END $$")
        server.sql("CREATE TRIGGER test_refuse_delete BEFORE DELETE ON users FOR EACH ROW"
                   " WHEN (OLD.username = '%s') EXECUTE FUNCTION test_refuse_delete()"
                   % username)


def allow_deletions(server):
    if BACKEND == "sqlite3":
        server.sql("DROP TRIGGER test_refuse_delete")
    else:
        server.sql("DROP TRIGGER test_refuse_delete ON users")
        server.sql("DROP FUNCTION test_refuse_delete()")


def test_a_failed_account_deletion_leaves_every_count(server):
    me, friend = users(server, 2)
    mine = post(me, "mine")["id"]
    friend_post = post(friend, "friend's")["id"]
    post(me, "reply", parent_id=friend_post)
    post(friend, "reply", parent_id=mine)
    assert me.post("/posts/%d/like" % friend_post).status_code == 204
    assert friend.post("/posts/%d/like" % mine).status_code == 204
    assert me.post("/users/%s/follow" % friend.username).status_code == 204
    assert friend.post("/users/%s/follow" % me.username).status_code == 204
    assert me.post("/tasks", json={"title": "t", "done": True}).status_code == 201
    views = lambda: (profile(friend, me), profile(friend, friend),  # noqa: E731
                     friend.get("/posts/%d" % mine).json(),
                     friend.get("/posts/%d" % friend_post).json(),
                     total(friend, "/users"), total(me, "/tasks?done=true"))
    before = views()

    fail_deletions_of(server, me.username)
    try:
        server.expect_log(r"refused by test")
        assert me.delete("/users/me").status_code == 500
    finally:
        allow_deletions(server)
    assert views() == before
    assert_no_drift(server)
