"""API.md "HTTP extras": ETag / If-None-Match (304), If-Match (412, lost
updates), Idempotency-Key (replay, 422 on reuse, 409 while running), and
tags that still match through mod_deflate."""
import threading
import time
import uuid

import pytest

from pampsenv import Client, db_rows, extra_server, checked, make_admin, new_user, unique

PRECONDITION = {"detail": "Precondition Failed"}
REUSED = {"detail": "Idempotency-Key reused with a different request"}


@pytest.fixture(scope="module")
def admin(server):
    return make_admin(server, new_user(server))


def new_task(c, title="t"):
    r = c.post("/tasks", json={"title": title})
    assert r.status_code == 201, r.text
    return "/tasks/%d" % r.json()["id"]


def new_post(c, text="hello"):
    r = c.post("/posts", json={"text": text})
    assert r.status_code == 201, r.text
    return "/posts/%d" % r.json()["id"]


def new_org(admin, kind):
    r = admin.post("/" + kind, json={"name": unique("o")})
    assert r.status_code == 201, r.text
    return "/%s/%d" % (kind, r.json()["id"])


def tag_of(c, path):
    r = c.get(path)
    assert r.status_code == 200, r.text
    tag = r.headers["ETag"]
    assert tag.startswith('"') and tag.endswith('"')
    return tag


# --- ETag and If-None-Match ---------------------------------------------

def readable(user, admin):
    yield new_task(user)
    yield new_post(user)
    yield "/users/me"
    yield "/users/" + user.username
    yield new_org(admin, "departments")
    yield new_org(admin, "positions")
    yield "/tasks"
    yield "/posts"


def test_get_sends_etag_and_if_none_match_gives_304(user, admin):
    for path in readable(user, admin):
        tag = tag_of(user, path)
        r = user.get(path, headers={"If-None-Match": tag})
        assert r.status_code == 304, path
        assert r.content == b""
        assert r.headers["ETag"] == tag
        r = user.get(path, headers={"If-None-Match": '"other", ' + tag})
        assert r.status_code == 304, path
        r = user.get(path, headers={"If-None-Match": '"0000000000000000"'})
        assert r.status_code == 200 and r.json(), path


def test_etag_changes_with_every_write(user, other):
    path = new_task(user)
    seen = {tag_of(user, path)}
    for body in ({"title": "a"}, {"done": True}, {"description": "x"}):
        assert user.patch(path, json=body).status_code == 200
        tag = tag_of(user, path)
        assert tag not in seen
        seen.add(tag)
    post = new_post(user)
    before = tag_of(user, post)
    assert other.post(post + "/like").status_code == 204     # likes_count
    assert tag_of(user, post) != before
    me = tag_of(user, "/users/me")
    assert user.patch("/users/me", json={"bio": "new"}).status_code == 200
    assert tag_of(user, "/users/me") != me


def test_patch_answers_with_the_new_tag(user, admin):
    """A PATCH answers with the resource's new representation, its ETag and
    Content-Location: the next If-Match write needs no GET in between."""
    for c, method, path, body in writes(user, admin):
        if method != "PATCH":
            continue
        r = c.patch(path, json=body)
        assert r.status_code == 200, (path, r.text)
        assert r.headers["Content-Location"] == "/api/v1" + path
        tag = r.headers["ETag"]
        assert tag == tag_of(c, path), path
        again = c.patch(path, json=body, headers={"If-Match": tag})
        assert again.status_code == 200, (path, again.text)


def test_put_and_admin_patch_send_no_etag(user, admin):
    """RFC 9110 9.3.4: no validator for a PUT whose stored representation is
    not the body sent (id and timestamps are added); the admin's PATCH of a
    user answers the own view, not the profile its path GETs."""
    path = new_task(user)
    r = user.put(path, json={"title": "x", "done": True})
    assert r.status_code == 200 and "ETag" not in r.headers
    r = admin.patch("/users/" + user.username, json={"role": "user"})
    assert r.status_code == 200 and "ETag" not in r.headers


def test_other_users_resource_is_404_not_304(user, other):
    path = new_task(user)
    tag = tag_of(user, path)
    assert other.get(path, headers={"If-None-Match": tag}).status_code == 404


# --- If-Match ------------------------------------------------------------

def writes(user, admin):
    """(client, method, path, body) for every resource If-Match guards."""
    t = new_task(user)
    p = new_post(user)
    d = new_org(admin, "departments")
    s = new_org(admin, "positions")
    return [
        (user, "PUT", t, {"title": "x", "done": False}),
        (user, "PATCH", t, {"title": "y"}),
        (user, "PATCH", p, {"text": "edited"}),
        (user, "PATCH", "/users/me", {"bio": unique("b")}),
        (admin, "PATCH", d, {"description": unique("d")}),
        (admin, "PATCH", s, {"description": unique("d")}),
        (user, "DELETE", p, None),
        (user, "DELETE", t, None),
        (admin, "DELETE", d, None),
        (admin, "DELETE", s, None),
    ]


def test_if_match_stale_is_412_and_changes_nothing(user, admin):
    for c, method, path, body in writes(user, admin):
        before = c.get(path)
        r = c.request(method, path, json=body, headers={"If-Match": '"0123456789abcdef"'})
        assert r.status_code == 412, (method, path, r.text)
        assert r.json() == PRECONDITION
        after = c.get(path)
        assert after.status_code == 200 and after.json() == before.json(), path


def test_if_match_current_tag_or_star_passes(user, admin):
    for i, (c, method, path, body) in enumerate(writes(user, admin)):
        tag = "*" if i % 2 else tag_of(c, path)
        r = c.request(method, path, json=body, headers={"If-Match": tag})
        assert r.status_code in (200, 204), (method, path, r.text)


def test_lost_update_is_412(user):
    path = new_task(user)
    tag = tag_of(user, path)
    assert user.patch(path, json={"title": "first"}, headers={"If-Match": tag}).status_code == 200
    r = user.patch(path, json={"title": "second"}, headers={"If-Match": tag})
    assert r.status_code == 412
    assert user.get(path).json()["title"] == "first"


def test_if_match_on_missing_resource_is_404(user):
    r = user.patch("/tasks/999999999", json={"title": "x"}, headers={"If-Match": "*"})
    assert r.status_code == 404


def test_if_match_weak_tag_never_matches(user):
    path = new_task(user)
    r = user.patch(path, json={"title": "x"}, headers={"If-Match": "W/" + tag_of(user, path)})
    assert r.status_code == 412


def test_concurrent_if_match_writes_one_wins(user):
    """Two writers with the same tag at once: one 200, the other 412."""
    path = new_task(user)
    tag = tag_of(user, path)
    barrier = threading.Barrier(2)
    results = []

    def write(title):
        c = Client(user.server)
        c.access = user.access
        barrier.wait()
        results.append(c.patch(path, json={"title": title}, headers={"If-Match": tag}).status_code)

    threads = [threading.Thread(target=write, args=(t,)) for t in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [200, 412]


# --- Idempotency-Key -----------------------------------------------------

def test_retry_replays_the_first_response(server, user):
    key = str(uuid.uuid4())
    first = user.post("/tasks", json={"title": "once"}, headers={"Idempotency-Key": key})
    assert first.status_code == 201
    assert "Idempotent-Replayed" not in first.headers
    again = user.post("/tasks", json={"title": "once"}, headers={"Idempotency-Key": key})
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert again.headers["Location"] == first.headers["Location"]
    rows = db_rows(server, "SELECT COUNT(*) FROM tasks WHERE user_id = ? AND title = 'once'",
                   (user.id,))
    assert rows[0][0] == 1


def test_key_reused_with_another_body_is_422(user):
    key = str(uuid.uuid4())
    assert user.post("/posts", json={"text": "a"},
                     headers={"Idempotency-Key": key}).status_code == 201
    r = user.post("/posts", json={"text": "b"}, headers={"Idempotency-Key": key})
    assert r.status_code == 422
    assert r.json() == REUSED


def test_keys_are_per_caller(user, other):
    key = str(uuid.uuid4())
    a = user.post("/tasks", json={"title": "t"}, headers={"Idempotency-Key": key})
    b = other.post("/tasks", json={"title": "t"}, headers={"Idempotency-Key": key})
    assert a.status_code == b.status_code == 201
    assert "Idempotent-Replayed" not in b.headers
    assert a.json()["id"] != b.json()["id"]


def test_replies_and_register_are_idempotent(server, user):
    parent = int(new_post(user).split("/")[-1])
    key = str(uuid.uuid4())
    body = {"text": "re", "parent_id": parent}
    first = user.post("/posts", json=body, headers={"Idempotency-Key": key})
    again = user.post("/posts", json=body, headers={"Idempotency-Key": key})
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]

    name = unique()
    body = {"username": name, "email": name + "@example.com", "password": "password123"}
    anon = Client(server)
    first = anon.post("/auth/register", json=body, headers={"Idempotency-Key": key})
    again = anon.post("/auth/register", json=body, headers={"Idempotency-Key": key})
    assert first.status_code == again.status_code == 201, again.text
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()


@pytest.mark.parametrize("key", ["", "x" * 256, "caf\u00e9", "a\tb"])
def test_bad_key_is_422(user, key):
    r = user.post("/tasks", json={"title": "t"},
                  headers={"Idempotency-Key": key.encode("utf-8")})
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]


def test_longest_key_is_accepted(user):
    r = user.post("/tasks", json={"title": "t"}, headers={"Idempotency-Key": "k" * 255})
    assert r.status_code == 201


def test_error_response_is_replayed_too(user):
    key = str(uuid.uuid4())
    first = user.post("/tasks", json={"title": ""}, headers={"Idempotency-Key": key})
    again = user.post("/tasks", json={"title": ""}, headers={"Idempotency-Key": key})
    assert first.status_code == again.status_code == 422
    assert again.json() == first.json()


def test_running_key_is_409(server, user):
    """A row still 'running' (the first request not yet answered) is 409."""
    key = str(uuid.uuid4())
    assert user.post("/tasks", json={"title": "t"},
                     headers={"Idempotency-Key": key}).status_code == 201
    db_rows(server, "UPDATE idempotency_keys SET state = 'running' WHERE key = ?", (key,))
    r = user.post("/tasks", json={"title": "t"}, headers={"Idempotency-Key": key})
    assert r.status_code == 409


def time_text(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def an_hour_ago():
    return time_text(time.time() - 3600)


def test_stale_running_key_is_taken_over_by_the_retry(server, user):
    """A row left 'running' by a request that died (its child crashed) for
    longer than httpd's Timeout (30 s here) is taken over: the retry runs,
    its response is stored and replayed; a second retry does not run again."""
    key = str(uuid.uuid4())
    title = unique("stale")
    first = user.post("/tasks", json={"title": title}, headers={"Idempotency-Key": key})
    assert first.status_code == 201
    # as if that request had died before its response was stored: its task
    # never made, the row still 'running', an hour old
    db_rows(server, "DELETE FROM tasks WHERE title = ?", (title,))
    db_rows(server, "UPDATE idempotency_keys SET state = 'running', status = NULL, body = NULL,"
                    " location = NULL, created_at = ? WHERE key = ?",
            (an_hour_ago(), key))
    retry = user.post("/tasks", json={"title": title}, headers={"Idempotency-Key": key})
    assert retry.status_code == 201, retry.text
    assert "Idempotent-Replayed" not in retry.headers
    again = user.post("/tasks", json={"title": title}, headers={"Idempotency-Key": key})
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == retry.json()
    assert db_rows(server, "SELECT COUNT(*) FROM tasks WHERE title = ?", (title,)) == [(1,)]
    # a stale row is taken over by a retry only: another body is the key reused
    db_rows(server, "UPDATE idempotency_keys SET state = 'running', created_at = ? WHERE key = ?",
            (an_hour_ago(), key))
    r = user.post("/tasks", json={"title": "other"}, headers={"Idempotency-Key": key})
    assert r.status_code == 422 and r.json() == REUSED


def test_fresh_running_key_is_not_taken_over(server, user):
    """Within httpd's Timeout the first request may still be running: 409."""
    key = str(uuid.uuid4())
    title = unique("fresh")
    assert user.post("/tasks", json={"title": title},
                     headers={"Idempotency-Key": key}).status_code == 201
    db_rows(server, "UPDATE idempotency_keys SET state = 'running', created_at = ? WHERE key = ?",
            (time_text(time.time() - 5), key))
    r = user.post("/tasks", json={"title": title}, headers={"Idempotency-Key": key})
    assert r.status_code == 409, r.text
    assert db_rows(server, "SELECT COUNT(*) FROM tasks WHERE title = ?", (title,)) == [(1,)]


def test_concurrent_retries_make_one_row(server, user):
    key = str(uuid.uuid4())
    title = unique("c")
    barrier = threading.Barrier(2)
    results = []

    def send():
        c = Client(user.server)
        c.access = user.access
        barrier.wait()
        r = c.post("/tasks", json={"title": title}, headers={"Idempotency-Key": key})
        results.append((r.status_code, r.headers.get("Idempotent-Replayed")))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(code for code, _ in results)
    assert codes in ([201, 201], [201, 409]), results
    rows = db_rows(server, "SELECT COUNT(*) FROM tasks WHERE title = ?", (title,))
    assert rows[0][0] == 1


def test_old_keys_are_purged(server, user):
    key = str(uuid.uuid4())
    assert user.post("/tasks", json={"title": "t"},
                     headers={"Idempotency-Key": key}).status_code == 201
    db_rows(server, "UPDATE idempotency_keys SET created_at = ? WHERE key = ?",
            ("2000-01-01T00:00:00Z", key))
    r = user.post("/tasks", json={"title": "other"}, headers={"Idempotency-Key": key})
    assert r.status_code == 201 and "Idempotent-Replayed" not in r.headers


# --- mod_deflate ---------------------------------------------------------

DEFLATE = """
LoadModule deflate_module /usr/lib/apache2/modules/mod_deflate.so
SetOutputFilter DEFLATE
"""


@pytest.fixture(scope="module")
def deflate_server():
    yield from extra_server(DEFLATE)


@pytest.fixture
def gz(deflate_server):
    yield from checked(deflate_server)


def test_tags_match_through_mod_deflate(gz):
    c = new_user(gz)
    path = new_task(c, "x" * 200)
    r = c.get(path, headers={"Accept-Encoding": "gzip"})
    assert r.headers.get("Content-Encoding") == "gzip"
    tag = r.headers["ETag"]
    assert tag.endswith('-gzip"'), tag
    r = c.get(path, headers={"Accept-Encoding": "gzip", "If-None-Match": tag})
    assert r.status_code == 304
    r = c.patch(path, json={"title": "y"}, headers={"If-Match": tag})
    assert r.status_code == 200
    r = c.patch(path, json={"title": "z"}, headers={"If-Match": tag})
    assert r.status_code == 412
