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
