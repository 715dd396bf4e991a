"""Feeds (API.md Pagination, "Posts (microblog)"): the home feed, a user's
posts, replies and the timeline, paged newest first with a `before`
cursor; and likes counted exactly under concurrency."""
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from pampsenv import Client, HttpdServer, new_user


@pytest.fixture(scope="module")
def empty_server():
    """A server of its own, so the home feed holds only this module's posts."""
    srv = HttpdServer().start()
    try:
        yield srv
    finally:
        srv.stop()
        srv.cleanup()


@pytest.fixture
def quiet_empty_server(empty_server):
    empty_server.mark_log()
    yield empty_server
    bad = empty_server.unexpected_log_lines()
    assert not bad, "unexpected lines in the httpd error log:\n" + "\n".join(bad)


def create(client, text="hello", **extra):
    r = client.post("/posts", json=dict(text=text, **extra))
    assert r.status_code == 201, r.text
    return r.json()


def page(client, path, **params):
    r = client.get(path, params=params)
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"items", "limit", "next_before"}
    return body


def ids(body):
    return [p["id"] for p in body["items"]]


def walk(client, path, limit):
    """Every page of a feed, following next_before; the pages' sizes and
    all the ids in the order seen."""
    sizes, seen, before = [], [], None
    while True:
        params = {"limit": limit}
        if before is not None:
            params["before"] = before
        body = page(client, path, **params)
        assert body["limit"] == limit
        sizes.append(len(body["items"]))
        seen += ids(body)
        before = body["next_before"]
        if before is None:
            return sizes, seen
        assert before == body["items"][-1]["id"]
        assert len(sizes) < 50, "the feed never ends"


def test_home_feed_walk_has_no_gaps_or_duplicates(quiet_empty_server):
    author = new_user(quiet_empty_server)
    made = []
    for i in range(45):
        parent = made[-1] if i % 10 == 9 else None      # a few replies among them
        made.append(create(author, "post %d" % i, parent_id=parent)["id"])

    sizes, seen = walk(author, "/posts", 20)
    assert sizes == [20, 20, 5]
    assert seen == sorted(made, reverse=True)

    # the default page is 20, and a cursor past the newest post starts at the top
    body = page(author, "/posts")
    assert body["limit"] == 20 and ids(body) == seen[:20]
    assert body["next_before"] == seen[19]
    body = page(author, "/posts", before=seen[0] + 1000, limit=3)
    assert ids(body) == seen[:3]
    # a cursor in the middle gives what is older than it
    body = page(author, "/posts", before=seen[9], limit=100)
    assert ids(body) == seen[10:] and body["next_before"] is None
    # an exact fit: 45 posts in a page of 45 leaves nothing more
    body = page(author, "/posts", limit=45)
    assert len(body["items"]) == 45 and body["next_before"] is None
    body = page(author, "/posts", limit=44)
    assert body["next_before"] == seen[43]
    body = page(author, "/posts", before=seen[-1])
    assert body == {"items": [], "limit": 20, "next_before": None}


def test_home_feed_is_newest_first_with_replies(server, user, other):
    top = create(user, "top")
    reply = create(other, "reply", parent_id=top["id"])
    newest = create(user, "newest")
    body = page(other, "/posts", limit=3)
    assert ids(body) == [newest["id"], reply["id"], top["id"]]
    items = {p["id"]: p for p in body["items"]}
    assert items[reply["id"]]["parent_id"] == top["id"]
    assert items[top["id"]]["replies_count"] == 1
    assert items[top["id"]]["author"]["id"] == user.id
    assert items[reply["id"]]["author"]["username"] == other.username


def test_feed_items_show_the_viewers_like(user, other):
    p = create(user, "liked")
    assert other.post("/posts/%d/like" % p["id"]).status_code == 204
    mine = page(other, "/posts", limit=1)["items"][0]
    theirs = page(user, "/posts", limit=1)["items"][0]
    assert mine["id"] == theirs["id"] == p["id"]
    assert mine["liked_by_me"] is True and theirs["liked_by_me"] is False
    assert mine["likes_count"] == theirs["likes_count"] == 1


@pytest.mark.parametrize("path", ["/posts", "/posts/timeline", "/users/{u}/posts",
                                  "/posts/{p}/replies"])
@pytest.mark.parametrize("params, loc", [
    ({"limit": 0}, "limit"), ({"limit": 101}, "limit"), ({"limit": "ten"}, "limit"),
    ({"limit": "2.0"}, "limit"), ({"before": "abc"}, "before"), ({"before": 0}, "before"),
    ({"before": -5}, "before"), ({"before": "9223372036854775808"}, "before"),
])
def test_feed_paging_bounds(user, path, params, loc):
    path = path.format(u=user.username, p=create(user, "parent")["id"])
    r = user.get(path, params=params)
    assert r.status_code == 422, r.text
    assert [e["loc"] for e in r.json()["detail"]] == [["query", loc]]


def test_feed_limit_bounds_are_inclusive(user):
    create(user, "one")
    create(user, "two")
    assert len(page(user, "/posts", limit=1)["items"]) == 1
    assert page(user, "/posts", limit=100)["limit"] == 100
    body = page(user, "/users/%s/posts" % user.username, limit=1,
                before="9223372036854775807")
    assert len(body["items"]) == 1 and body["next_before"] == body["items"][0]["id"]


def test_feeds_need_a_token(server, user):
    for path in ("/posts", "/posts/timeline", "/users/%s/posts" % user.username):
        assert Client(server).get(path).status_code == 401


def test_user_feed_has_only_that_users_posts(server, user, other):
    top = create(other, "not mine")
    mine = [create(user, "mine %d" % i)["id"] for i in range(3)]
    mine.append(create(user, "my reply", parent_id=top["id"])["id"])
    create(other, "also not mine")

    body = page(other, "/users/%s/posts" % user.username)
    assert ids(body) == mine[::-1]
    assert {p["author"]["id"] for p in body["items"]} == {user.id}
    assert body["next_before"] is None
    assert page(other, "/users/%s/posts" % new_user(server).username)["items"] == []


def test_user_feed_walk_of_45_posts(server, user, other):
    made = [create(user, "n%d" % i)["id"] for i in range(45)]
    create(other, "interleaved")            # newer, and someone else's
    sizes, seen = walk(other, "/users/%s/posts" % user.username.upper(), 20)
    assert sizes == [20, 20, 5]
    assert seen == made[::-1]


def test_replies_feed_has_only_direct_replies(user, other):
    top = create(user, "top")
    direct = [create(other, "r%d" % i, parent_id=top["id"])["id"] for i in range(5)]
    create(user, "nested", parent_id=direct[0])
    create(user, "unrelated")
    body = page(user, "/posts/%d/replies" % top["id"])
    assert ids(body) == direct[::-1]
    assert all(p["parent_id"] == top["id"] for p in body["items"])
    assert body["next_before"] is None

    sizes, seen = walk(user, "/posts/%d/replies" % top["id"], 2)
    assert sizes == [2, 2, 1] and seen == direct[::-1]
    body = page(user, "/posts/%d/replies" % top["id"], before=direct[2])
    assert ids(body) == direct[1::-1]
    assert page(user, "/posts/%d/replies" % direct[4])["items"] == []


def test_timeline_is_mine_and_followed(server):
    me, friend, stranger = (new_user(server) for _ in range(3))
    path = "/posts/timeline"
    f1 = create(friend, "friend before follow")["id"]
    s1 = create(stranger, "stranger")["id"]
    m1 = create(me, "me")["id"]
    assert ids(page(me, path)) == [m1]

    assert me.post("/users/%s/follow" % friend.username).status_code == 204
    f2 = create(friend, "friend reply", parent_id=s1)["id"]
    assert ids(page(me, path)) == [f2, m1, f1]          # older posts come in too
    # it is my timeline, not the friend's
    assert ids(page(friend, path)) == [f2, f1]
    # the stranger's own timeline is untouched by my follow
    assert ids(page(stranger, path)) == [s1]

    sizes, seen = walk(me, path, 2)
    assert sizes == [2, 1] and seen == [f2, m1, f1]

    assert me.delete("/users/%s/follow" % friend.username).status_code == 204
    assert ids(page(me, path)) == [m1]
    assert me.post("/users/%s/follow" % stranger.username).status_code == 204
    assert ids(page(me, path)) == [m1, s1]


def test_timeline_empty_for_a_new_user(user):
    body = page(user, "/posts/timeline")
    assert body == {"items": [], "limit": 20, "next_before": None}


def test_fifty_users_like_one_post_at_once(server, user):
    post = create(user, "go viral")
    with ThreadPoolExecutor(max_workers=10) as pool:
        fans = list(pool.map(lambda _: new_user(server), range(50)))

    start = threading.Barrier(len(fans))
    results = [None] * len(fans)

    def like(i):
        start.wait()            # all requests go out together
        results[i] = fans[i].post("/posts/%d/like" % post["id"]).status_code

    threads = [threading.Thread(target=like, args=(i,)) for i in range(len(fans))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [204] * 50

    body = user.get("/posts/%d" % post["id"]).json()
    assert body["likes_count"] == 50
    assert body["liked_by_me"] is False
    likers = user.get("/posts/%d/likes" % post["id"], params={"limit": 100}).json()
    assert likers["total"] == 50
    assert [u["id"] for u in likers["items"]] == sorted(f.id for f in fans)
    assert fans[7].get("/posts/%d" % post["id"]).json()["liked_by_me"] is True
