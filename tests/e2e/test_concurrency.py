"""Many writers at once, from both httpd children: every write succeeds and
every count is exact (SQLite serialises writers through its file lock, and
no request may fail while it waits)."""
import threading
from concurrent.futures import ThreadPoolExecutor

import requests

from pampsenv import new_user


def test_mixed_concurrent_writes_all_succeed(server):
    users = [new_user(server) for _ in range(8)]
    post = users[0].post("/posts", json={"text": "meeting point"}).json()["id"]
    start = threading.Barrier(40)   # below the test server's 64 workers

    def work(i):
        me = users[(i // 4) % len(users)]      # every user does every kind
        if i < 40:
            start.wait(timeout=30)      # the first wave leaves together
        kind = i % 4
        if kind == 0:
            path, body = "/tasks", {"title": "t%d" % i}
        elif kind == 1:
            path, body = "/posts", {"text": "p%d" % i, "parent_id": post}
        elif kind == 2:
            path, body = "/posts/%d/like" % post, None
        else:
            path, body = "/users/%s/follow" % users[(i // 4 + 1) % len(users)].username, None
        # a connection of its own per request: a requests.Session is not
        # for several threads at once
        return requests.post(server.url(path), json=body, headers=me.headers(),
                             timeout=60).status_code

    with ThreadPoolExecutor(max_workers=40) as pool:
        statuses = list(pool.map(work, range(160)))
    expected = [201, 201, 204, 204] * 40
    assert statuses == expected

    tasks = sum(u.get("/tasks").json()["total"] for u in users)
    assert tasks == 40
    p = users[1].get("/posts/%d" % post).json()
    assert p["replies_count"] == 40
    assert p["likes_count"] == len(users)          # likes are idempotent per user
    assert users[0].get("/posts/%d/likes" % post).json()["total"] == len(users)
    following = sum(users[0].get("/users/%s" % u.username).json()["following_count"]
                    for u in users)
    assert following == len(users)                 # each follows the next one


ROUNDS = 15
RACERS = 6


def race(server, jobs):
    """Runs (client, method, path) jobs at once, released by one barrier;
    returns their statuses in order."""
    start = threading.Barrier(len(jobs))

    def run(job):
        who, method, path = job
        start.wait(timeout=30)
        return requests.request(method, server.url(path), headers=who.headers(),
                                timeout=60).status_code

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(run, jobs))


def liked_post_with_reply(author, others):
    """A post of author's liked by others, with a reply by others[0]."""
    post = author.post("/posts", json={"text": "about to go"}).json()["id"]
    for o in others:
        assert o.post("/posts/%d/like" % post).status_code == 204
    reply = others[0].post("/posts", json={"text": "re", "parent_id": post}).json()["id"]
    return post, reply


def test_post_deletion_races_unlikes_and_reply_deletion(server):
    # PostgreSQL: the deletion updates the post's counters (detaching the
    # replies) and then deletes its likes, while an unlike has deleted its
    # like and waits to update the same counter: a deadlock unless the
    # deletion locks the children first
    author = new_user(server)
    others = [new_user(server) for _ in range(RACERS)]
    for _ in range(ROUNDS):
        post, reply = liked_post_with_reply(author, others)
        jobs = [(author, "DELETE", "/posts/%d" % post),
                (others[0], "DELETE", "/posts/%d" % reply)]
        jobs += [(o, "DELETE", "/posts/%d/like" % post) for o in others]
        statuses = race(server, jobs)
        assert statuses[:2] == [204, 204]
        assert set(statuses[2:]) <= {204, 404}, statuses
        assert others[0].get("/posts/%d" % post).status_code == 404


def test_account_deletion_races_unfollows_unlikes_and_reply_deletion(server):
    others = [new_user(server) for _ in range(RACERS)]
    for _ in range(ROUNDS):
        doomed = new_user(server)
        post, reply = liked_post_with_reply(doomed, others)
        for o in others:
            assert o.post("/users/%s/follow" % doomed.username).status_code == 204
        jobs = [(doomed, "DELETE", "/users/me"),
                (others[0], "DELETE", "/posts/%d" % reply)]
        jobs += [(o, "DELETE", "/posts/%d/like" % post) for o in others]
        jobs += [(o, "DELETE", "/users/%s/follow" % doomed.username) for o in others]
        statuses = race(server, jobs)
        assert statuses[:2] == [204, 204]
        assert set(statuses[2:]) <= {204, 404}, statuses
        assert others[0].get("/users/%s" % doomed.username).status_code == 404
