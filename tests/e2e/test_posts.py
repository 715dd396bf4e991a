"""Posts (API.md "Posts (microblog)"): creation and its validation, reading,
editing, deletion, replies, likes and the likers list."""
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from pampsenv import Client, make_admin, new_user

POST_KEYS = {"id", "text", "author", "parent_id", "created_at", "updated_at",
             "likes_count", "replies_count", "liked_by_me"}
PUBLIC_KEYS = {"id", "username", "name", "bio", "avatar", "created_at"}
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
BAD_IDS = ["abc", "0", "-1", "1.5", "9223372036854775808", "1e3", "%201"]
MISSING = 9223372036854775807          # a valid id no post will reach


def create(client, text="hello", **extra):
    r = client.post("/posts", json=dict(text=text, **extra))
    assert r.status_code == 201, r.text
    return r.json()


def get(client, post_id):
    r = client.get("/posts/%d" % post_id)
    assert r.status_code == 200, r.text
    return r.json()


def error_locs(r):
    assert r.status_code == 422, r.text
    return [e["loc"] for e in r.json()["detail"]]


def assert_post_shape(body):
    assert set(body) == POST_KEYS
    assert set(body["author"]) == PUBLIC_KEYS
    assert isinstance(body["id"], int) and body["id"] > 0
    assert TIMESTAMP.match(body["created_at"]), body["created_at"]
    assert TIMESTAMP.match(body["updated_at"]), body["updated_at"]
    assert TIMESTAMP.match(body["author"]["created_at"])


# --- create -------------------------------------------------------------------

def test_create_returns_the_post_with_location(server, user):
    r = user.post("/posts", json={"text": "first post"})
    assert r.status_code == 201, r.text
    assert r.headers["Content-Type"] == "application/json"
    body = r.json()
    assert_post_shape(body)
    assert r.headers["Location"].endswith("/api/v1/posts/%d" % body["id"])
    assert body["text"] == "first post"
    assert body["parent_id"] is None
    assert body["likes_count"] == 0 and body["replies_count"] == 0
    assert body["liked_by_me"] is False
    assert body["author"]["id"] == user.id
    assert body["author"]["username"] == user.username
    assert body["created_at"] == body["updated_at"]
    # the Location leads to the same post
    loc = r.headers["Location"]
    path = loc[loc.index("/api/v1") + len("/api/v1"):]
    assert user.get(path).json() == body


def test_create_ignores_fields_a_client_cannot_set(user, other):
    r = user.post("/posts", json={"text": "mine", "id": 1, "likes_count": 7,
                                  "replies_count": 3, "liked_by_me": True,
                                  "author": {"id": other.id}, "user_id": other.id,
                                  "created_at": "2000-01-01T00:00:00Z"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["author"]["id"] == user.id
    assert (body["likes_count"], body["replies_count"], body["liked_by_me"]) == (0, 0, False)
    assert not body["created_at"].startswith("2000")


def test_text_is_trimmed_and_stored_trimmed(user):
    body = create(user, " \t\n  spaced out \r\n ")
    assert body["text"] == "spaced out"
    assert get(user, body["id"])["text"] == "spaced out"
    inner = create(user, "  keeps  inner   spaces  ")
    assert inner["text"] == "keeps  inner   spaces"


def test_text_length_counts_code_points(user):
    emoji = "\U0001F600" * 280                 # 280 code points, 1120 bytes
    body = create(user, emoji)
    assert body["text"] == emoji
    assert get(user, body["id"])["text"] == emoji
    assert create(user, "x" * 280)["text"] == "x" * 280
    # the limit applies after trimming
    assert create(user, "  " + "y" * 280 + "  ")["text"] == "y" * 280
    assert create(user, "é")["text"] == "é"


@pytest.mark.parametrize("body", [
    {"text": "\U0001F600" * 281},
    {"text": "x" * 281},
    {"text": ""},
    {"text": "   "},
    {"text": "\n\t "},
    {"text": 5},
    {"text": None},
    {"text": ["a"]},
    {},
    {"parent": 1},
])
def test_bad_text_is_422(user, body):
    assert error_locs(user.post("/posts", json=body)) == [["body", "text"]]


def test_bad_body_is_400(user):
    r = user.post("/posts", data="{", headers={"Content-Type": "application/json"})
    assert r.status_code == 400, r.text
    r = user.post("/posts", json=["text"])
    assert r.status_code == 400, r.text


def test_create_needs_a_token(server):
    assert Client(server).post("/posts", json={"text": "anon"}).status_code == 401


@pytest.mark.parametrize("parent", [MISSING, "1", 1.0, 0, -3, True, {"id": 1}])
def test_bad_parent_is_422(user, parent):
    # a missing post, or not a post id at all (the string "1" included)
    assert error_locs(user.post("/posts", json={"text": "re", "parent_id": parent})) \
        == [["body", "parent_id"]]


def test_bad_text_and_parent_are_both_reported(user):
    locs = error_locs(user.post("/posts", json={"text": "", "parent_id": "1"}))
    assert sorted(locs) == [["body", "parent_id"], ["body", "text"]]


def test_null_parent_is_top_level(user):
    body = create(user, "top", parent_id=None)
    assert body["parent_id"] is None


def test_replies_count_direct_replies_only(user, other):
    top = create(user, "top")
    r1 = create(other, "reply 1", parent_id=top["id"])
    r2 = create(user, "reply 2", parent_id=top["id"])
    nested = create(other, "reply to reply 1", parent_id=r1["id"])
    assert r1["parent_id"] == top["id"] and r2["parent_id"] == top["id"]
    assert nested["parent_id"] == r1["id"]
    assert get(other, top["id"])["replies_count"] == 2
    assert get(other, r1["id"])["replies_count"] == 1
    assert get(other, nested["id"])["replies_count"] == 0
    assert get(user, nested["id"])["author"]["id"] == other.id


# --- read ---------------------------------------------------------------------

def test_get_post_by_anyone(user, other):
    mine = create(user, "readable")
    theirs = get(other, mine["id"])
    assert theirs == mine


@pytest.mark.parametrize("bad", BAD_IDS)
@pytest.mark.parametrize("method, suffix", [
    ("GET", ""), ("PATCH", ""), ("DELETE", ""), ("GET", "/replies"),
    ("POST", "/like"), ("DELETE", "/like"), ("GET", "/likes"),
])
def test_bad_ids_are_404(user, bad, method, suffix):
    kw = {"json": {"text": "x"}} if method == "PATCH" else {}
    r = user.request(method, "/posts/%s%s" % (bad, suffix), **kw)
    assert r.status_code == 404, (bad, r.text)
    assert r.headers["Content-Type"] == "application/json"


@pytest.mark.parametrize("method, suffix", [
    ("GET", ""), ("DELETE", ""), ("GET", "/replies"),
    ("POST", "/like"), ("DELETE", "/like"), ("GET", "/likes"),
])
def test_missing_post_is_404(user, method, suffix):
    r = user.request(method, "/posts/%d%s" % (MISSING, suffix))
    assert r.status_code == 404, r.text
    assert r.json()["detail"]


# --- edit ---------------------------------------------------------------------

def test_author_edits_text(user, other):
    original = create(user, "before")
    r = user.patch("/posts/%d" % original["id"],
                   json={"text": "  after  ", "parent_id": 1, "likes_count": 9})
    assert r.status_code == 200, r.text
    body = r.json()
    assert_post_shape(body)
    assert body["text"] == "after"
    assert body["id"] == original["id"]
    assert body["parent_id"] is None and body["likes_count"] == 0
    assert body["created_at"] == original["created_at"]
    assert body["updated_at"] >= original["updated_at"]
    assert get(other, original["id"])["text"] == "after"


def test_only_the_author_edits(server, user, other):
    p = create(user, "mine")
    r = other.patch("/posts/%d" % p["id"], json={"text": "hijacked"})
    assert r.status_code == 403, r.text
    assert r.json()["detail"]
    # not even an admin edits someone else's post
    admin = make_admin(server, new_user(server))
    assert admin.patch("/posts/%d" % p["id"], json={"text": "moderated"}).status_code == 403
    assert get(user, p["id"])["text"] == "mine"


@pytest.mark.parametrize("body", [{"text": "  "}, {"text": 1}, {}, {"text": "z" * 281}])
def test_edit_validates_before_lookup_and_authorship(user, other, body):
    theirs = create(other, "theirs")
    mine = create(user, "mine")
    for post_id in (MISSING, theirs["id"], mine["id"]):
        assert error_locs(user.patch("/posts/%d" % post_id, json=body)) == [["body", "text"]]
    assert get(user, mine["id"])["text"] == "mine"


def test_edit_missing_post_is_404(user):
    r = user.patch("/posts/%d" % MISSING, json={"text": "x"})
    assert r.status_code == 404, r.text


def test_edit_keeps_counts_and_liked_by_me(user, other):
    p = create(user, "counted")
    create(other, "reply", parent_id=p["id"])
    assert user.post("/posts/%d/like" % p["id"]).status_code == 204
    body = user.patch("/posts/%d" % p["id"], json={"text": "edited"}).json()
    assert (body["likes_count"], body["replies_count"], body["liked_by_me"]) == (1, 1, True)


# --- delete -------------------------------------------------------------------

def test_author_deletes_and_twice_is_404(user, other):
    p = create(user, "short-lived")
    assert other.delete("/posts/%d" % p["id"]).status_code == 403
    assert get(user, p["id"])["text"] == "short-lived"
    r = user.delete("/posts/%d" % p["id"])
    assert r.status_code == 204, r.text
    assert r.content == b""
    assert user.get("/posts/%d" % p["id"]).status_code == 404
    assert user.delete("/posts/%d" % p["id"]).status_code == 404
    assert user.patch("/posts/%d" % p["id"], json={"text": "x"}).status_code == 404
    assert user.post("/posts/%d/like" % p["id"]).status_code == 404


def test_admin_deletes_any_post(server, user):
    admin = make_admin(server, new_user(server))
    p = create(user, "moderated")
    assert admin.delete("/posts/%d" % p["id"]).status_code == 204
    assert user.get("/posts/%d" % p["id"]).status_code == 404


def test_deleting_a_post_keeps_its_replies_as_top_level(user, other):
    top = create(user, "top")
    reply = create(other, "reply", parent_id=top["id"])
    nested = create(user, "nested", parent_id=reply["id"])
    assert other.post("/posts/%d/like" % top["id"]).status_code == 204
    assert user.delete("/posts/%d" % top["id"]).status_code == 204
    body = get(other, reply["id"])
    assert body["parent_id"] is None
    assert body["text"] == "reply"
    assert body["replies_count"] == 1
    # only the deleted post's direct replies are detached
    assert get(other, nested["id"])["parent_id"] == reply["id"]
    assert other.get("/users/" + user.username).json()["posts_count"] == 1


def delete_at_once(client, path, n):
    """n DELETEs of one path leaving together; their statuses, sorted."""
    barrier = threading.Barrier(n)

    def one(_):
        c = Client(client.server)           # a connection of its own each
        c.access = client.access
        barrier.wait(timeout=30)
        return c.delete(path).status_code

    with ThreadPoolExecutor(max_workers=n) as pool:
        return sorted(pool.map(one, range(n)))


def test_concurrent_deletes_of_a_post_answer_204_once(server, user, other):
    """The 204 is decided by the row the transaction deleted, not by the
    look-up before it: the others deleted nothing and are 404."""
    admin = make_admin(server, new_user(server))
    for _round in range(3):
        p = create(user, "contested")
        create(other, "a reply", parent_id=p["id"])
        assert other.post("/posts/%d/like" % p["id"]).status_code == 204
        codes = delete_at_once(user, "/posts/%d" % p["id"], 20)
        assert codes == [204] + [404] * 19, codes
        # the author and an admin racing each other
        p = create(user, "contested again")
        barrier = threading.Barrier(2)

        def by(c, path="/posts/%d" % p["id"]):
            barrier.wait(timeout=30)
            return c.delete(path).status_code

        with ThreadPoolExecutor(max_workers=2) as pool:
            codes = sorted(pool.map(by, [user, admin]))
        assert codes == [204, 404], codes


# --- likes --------------------------------------------------------------------

def test_like_and_unlike_are_idempotent(user, other):
    p = create(user, "likeable")
    for _ in range(2):
        r = other.post("/posts/%d/like" % p["id"])
        assert r.status_code == 204, r.text
        assert r.content == b""
    assert get(other, p["id"])["likes_count"] == 1
    assert get(other, p["id"])["liked_by_me"] is True
    assert get(user, p["id"])["liked_by_me"] is False      # per viewer
    assert user.post("/posts/%d/like" % p["id"]).status_code == 204   # own post too
    assert get(user, p["id"])["likes_count"] == 2
    assert get(user, p["id"])["liked_by_me"] is True

    for _ in range(2):
        r = other.delete("/posts/%d/like" % p["id"])
        assert r.status_code == 204, r.text
        assert r.content == b""
    body = get(other, p["id"])
    assert body["likes_count"] == 1 and body["liked_by_me"] is False
    assert get(user, p["id"])["liked_by_me"] is True


def test_unlike_never_liked_is_204(user, other):
    p = create(user, "unloved")
    assert other.delete("/posts/%d/like" % p["id"]).status_code == 204
    assert get(other, p["id"])["likes_count"] == 0


def test_likes_list_in_user_id_order(server, user):
    p = create(user, "popular")
    fans = [new_user(server) for _ in range(4)]
    for fan in reversed(fans):           # liked newest user first
        assert fan.post("/posts/%d/like" % p["id"]).status_code == 204
    want = [f.id for f in fans]

    r = user.get("/posts/%d/likes" % p["id"])
    assert r.status_code == 200, r.text
    body = r.json()
    assert [u["id"] for u in body["items"]] == want
    assert (body["total"], body["limit"], body["offset"]) == (4, 20, 0)
    assert all(set(u) == PUBLIC_KEYS for u in body["items"])
    assert body["items"][0]["username"] == fans[0].username

    body = user.get("/posts/%d/likes" % p["id"], params={"limit": 2, "offset": 1}).json()
    assert [u["id"] for u in body["items"]] == want[1:3]
    assert (body["total"], body["limit"], body["offset"]) == (4, 2, 1)

    assert fans[1].delete("/posts/%d/like" % p["id"]).status_code == 204
    body = user.get("/posts/%d/likes" % p["id"]).json()
    assert [u["id"] for u in body["items"]] == [want[0]] + want[2:]
    assert body["total"] == 3


@pytest.mark.parametrize("params, loc", [
    ({"limit": 0}, "limit"), ({"limit": 101}, "limit"), ({"limit": "x"}, "limit"),
    ({"offset": -1}, "offset"), ({"offset": "1.0"}, "offset"),
])
def test_likes_list_bad_paging_is_422(user, params, loc):
    p = create(user, "listed")
    assert error_locs(user.get("/posts/%d/likes" % p["id"], params=params)) \
        == [["query", loc]]
    # validation comes before the lookup
    assert error_locs(user.get("/posts/%d/likes" % MISSING, params=params)) \
        == [["query", loc]]


def test_replies_of_missing_post_validate_first(user):
    assert error_locs(user.get("/posts/%d/replies" % MISSING, params={"before": "abc"})) \
        == [["query", "before"]]
