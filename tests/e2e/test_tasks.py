"""/tasks: CRUD, validation (trimmed titles, strict types), PUT vs PATCH,
isolation between users, list filters, search, sorting, pagination, and
concurrent creation."""
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from pampsenv import Client, db_rows

TASK_KEYS = {"id", "title", "description", "done", "created_at", "updated_at"}
RFC3339_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
SORTS = ["created_at", "-created_at", "updated_at", "-updated_at", "title", "-title"]


def locs(r):
    assert r.status_code == 422, r.text
    for e in r.json()["detail"]:
        assert isinstance(e["msg"], str) and isinstance(e["type"], str)
    return sorted(tuple(e["loc"]) for e in r.json()["detail"])


def create(c, **fields):
    r = c.post("/tasks", json=fields)
    assert r.status_code == 201, r.text
    return r.json()


def assert_task(t):
    assert set(t) == TASK_KEYS
    assert isinstance(t["id"], int) and t["id"] > 0
    assert isinstance(t["title"], str)
    assert isinstance(t["description"], str)
    assert isinstance(t["done"], bool)
    assert RFC3339_Z.match(t["created_at"]), t["created_at"]
    assert RFC3339_Z.match(t["updated_at"]), t["updated_at"]
    assert t["updated_at"] >= t["created_at"]


def listing(c, **params):
    r = c.get("/tasks", params=params)
    assert r.status_code == 200, r.text
    page = r.json()
    assert set(page) == {"items", "total", "limit", "offset"}
    for t in page["items"]:
        assert_task(t)
    return page


def titles(page):
    return [t["title"] for t in page["items"]]


# --- create ---------------------------------------------------------------

def test_create_with_defaults(server, user):
    r = user.post("/tasks", json={"title": "Buy milk"})
    assert r.status_code == 201, r.text
    t = r.json()
    assert_task(t)
    assert t["title"] == "Buy milk"
    assert t["description"] == ""
    assert t["done"] is False
    assert r.headers["Location"].endswith("/api/v1/tasks/%d" % t["id"])
    assert r.headers["Content-Type"].startswith("application/json")
    # the Location is the task's URL
    got = user.get("/tasks/%d" % t["id"])
    assert got.status_code == 200
    assert got.json() == t


def test_location_header_resolves(server, user):
    r = user.post("/tasks", json={"title": "located"})
    loc = r.headers["Location"]
    assert loc.startswith("/api/v1/tasks/") or loc.startswith(server.root + "/api/v1/tasks/")
    url = loc if loc.startswith("http") else server.root + loc
    got = user.session.get(url, headers=user.headers())
    assert got.status_code == 200
    assert got.json()["title"] == "located"


def test_create_with_every_field(server, user):
    t = create(user, title="Write report", description="Quarterly, with charts", done=True)
    assert (t["title"], t["description"], t["done"]) == ("Write report",
                                                         "Quarterly, with charts", True)


def test_create_ignores_unknown_and_forbidden_fields(server, user, other):
    t = create(user, title="t", id=10 ** 12, user_id=other.id,
               created_at="2000-01-01T00:00:00Z", updated_at="2000-01-01T00:00:00Z",
               priority="high")
    assert t["id"] != 10 ** 12
    assert t["created_at"] != "2000-01-01T00:00:00Z"
    assert t["updated_at"] != "2000-01-01T00:00:00Z"
    assert "priority" not in t
    assert user.get("/tasks/%d" % t["id"]).status_code == 200
    assert other.get("/tasks/%d" % t["id"]).status_code == 404
    assert db_rows(server, "SELECT user_id FROM tasks WHERE id = ?", (t["id"],)) == [(user.id,)]


def test_title_is_trimmed_and_stored_trimmed(server, user):
    t = create(user, title="  \t padded title \n ")
    assert t["title"] == "padded title"
    assert user.get("/tasks/%d" % t["id"]).json()["title"] == "padded title"
    assert db_rows(server, "SELECT title FROM tasks WHERE id = ?", (t["id"],)) == [
        ("padded title",)]
    assert titles(listing(user, q="padded")) == ["padded title"]


@pytest.mark.parametrize("title", ["", " ", "   \t\n  "])
def test_blank_title_is_422(server, user, title):
    assert locs(user.post("/tasks", json={"title": title})) == [("body", "title")]


def test_title_length_bounds(server, user):
    assert create(user, title="x")["title"] == "x"
    assert create(user, title="t" * 200)["title"] == "t" * 200
    # 200 after trimming is fine even with spaces around
    assert create(user, title="  " + "s" * 200 + "  ")["title"] == "s" * 200
    assert locs(user.post("/tasks", json={"title": "t" * 201})) == [("body", "title")]
    assert locs(user.post("/tasks", json={"title": " " + "u" * 201 + " "})) == [
        ("body", "title")]
    # characters, not bytes
    assert create(user, title="\u00e9" * 200)["title"] == "\u00e9" * 200
    assert locs(user.post("/tasks", json={"title": "\u00e9" * 201})) == [("body", "title")]
    assert create(user, title="\U0001F600" * 200)["title"] == "\U0001F600" * 200
    assert locs(user.post("/tasks", json={"title": "\U0001F600" * 201})) == [
        ("body", "title")]
    assert listing(user)["total"] == 5


def test_description_bounds(server, user):
    assert create(user, title="d", description="")["description"] == ""
    assert create(user, title="d", description="x" * 5000)["description"] == "x" * 5000
    r = user.post("/tasks", json={"title": "d", "description": "x" * 5001})
    assert locs(r) == [("body", "description")]
    assert listing(user)["total"] == 2


@pytest.mark.parametrize("body,bad", [
    ({"title": "t", "done": "true"}, ["done"]),
    ({"title": "t", "done": 1}, ["done"]),
    ({"title": "t", "done": 0}, ["done"]),
    ({"title": "t", "done": None}, ["done"]),
    ({"title": "t", "done": "false"}, ["done"]),
    ({"title": 5}, ["title"]),
    ({"title": None}, ["title"]),
    ({"title": ["t"]}, ["title"]),
    ({"title": {"text": "t"}}, ["title"]),
    ({"title": True}, ["title"]),
    ({"title": "t", "description": 5}, ["description"]),
    ({}, ["title"]),
    ({"description": "no title"}, ["title"]),
    ({"title": 1, "description": 2, "done": "no"}, ["description", "done", "title"]),
])
def test_create_strict_types(server, user, body, bad):
    r = user.post("/tasks", json=body)
    assert locs(r) == [("body", f) for f in sorted(bad)]
    assert listing(user)["total"] == 0


def test_missing_title_type_is_missing(server, user):
    r = user.post("/tasks", json={"done": True})
    assert r.json()["detail"][0]["type"] == "missing"


# --- read -----------------------------------------------------------------

def test_get_missing_task_is_404(server, user):
    r = user.get("/tasks/987654321")
    assert r.status_code == 404
    assert isinstance(r.json()["detail"], str)


# --- PUT ------------------------------------------------------------------

def test_put_replaces_everything(server, user):
    t = create(user, title="old", description="old description", done=False)
    r = user.put("/tasks/%d" % t["id"], json={"title": "  new  ", "description": "new d",
                                               "done": True})
    assert r.status_code == 200, r.text
    u = r.json()
    assert_task(u)
    assert (u["id"], u["title"], u["description"], u["done"]) == (t["id"], "new", "new d", True)
    assert u["created_at"] == t["created_at"]
    assert u["updated_at"] >= t["updated_at"]
    assert user.get("/tasks/%d" % t["id"]).json() == u


def test_put_missing_description_becomes_empty(server, user):
    t = create(user, title="keep?", description="will be dropped", done=True)
    r = user.put("/tasks/%d" % t["id"], json={"title": "keep?", "done": True})
    assert r.status_code == 200, r.text
    assert r.json()["description"] == ""
    assert user.get("/tasks/%d" % t["id"]).json()["description"] == ""


@pytest.mark.parametrize("body,bad", [
    ({"description": "d", "done": True}, ["title"]),
    ({"title": "t", "description": "d"}, ["done"]),
    ({}, ["done", "title"]),
    ({"title": "t", "done": "true"}, ["done"]),
    ({"title": None, "done": False}, ["title"]),
    ({"title": "   ", "done": False}, ["title"]),
    ({"title": "t", "done": False, "description": "x" * 5001}, ["description"]),
])
def test_put_validation(server, user, body, bad):
    t = create(user, title="orig", description="desc", done=False)
    r = user.put("/tasks/%d" % t["id"], json=body)
    assert locs(r) == [("body", f) for f in sorted(bad)]
    assert user.get("/tasks/%d" % t["id"]).json() == t


def test_put_ignores_forbidden_fields(server, user):
    t = create(user, title="orig")
    r = user.put("/tasks/%d" % t["id"], json={"title": "x", "done": False, "id": t["id"] + 1,
                                              "created_at": "2000-01-01T00:00:00Z"})
    assert r.status_code == 200
    assert r.json()["id"] == t["id"]
    assert r.json()["created_at"] == t["created_at"]


# --- PATCH ----------------------------------------------------------------

def test_patch_changes_only_what_is_sent(server, user):
    t = create(user, title="title", description="description", done=False)
    path = "/tasks/%d" % t["id"]
    r = user.patch(path, json={"done": True})
    assert r.status_code == 200, r.text
    assert (r.json()["title"], r.json()["description"], r.json()["done"]) == (
        "title", "description", True)
    r = user.patch(path, json={"title": "  renamed "})
    assert (r.json()["title"], r.json()["description"], r.json()["done"]) == (
        "renamed", "description", True)
    r = user.patch(path, json={"description": ""})
    assert (r.json()["title"], r.json()["description"], r.json()["done"]) == (
        "renamed", "", True)
    r = user.patch(path, json={"done": False, "description": "back"})
    assert (r.json()["title"], r.json()["description"], r.json()["done"]) == (
        "renamed", "back", False)
    assert user.get(path).json() == r.json()
    assert r.json()["created_at"] == t["created_at"]


def test_patch_empty_body_changes_nothing(server, user):
    t = create(user, title="same", description="same", done=True)
    r = user.patch("/tasks/%d" % t["id"], json={})
    assert r.status_code == 200
    got = r.json()
    assert (got["title"], got["description"], got["done"]) == ("same", "same", True)


@pytest.mark.parametrize("body,bad", [
    ({"title": None}, ["title"]),
    ({"title": ""}, ["title"]),
    ({"title": "  "}, ["title"]),
    ({"title": "x" * 201}, ["title"]),
    ({"title": 5}, ["title"]),
    ({"done": None}, ["done"]),
    ({"done": "true"}, ["done"]),
    ({"done": 1}, ["done"]),
    ({"description": 5}, ["description"]),
    ({"description": "x" * 5001}, ["description"]),
    ({"title": 1, "done": "x"}, ["done", "title"]),
])
def test_patch_validation(server, user, body, bad):
    t = create(user, title="orig", description="desc", done=False)
    r = user.patch("/tasks/%d" % t["id"], json=body)
    assert locs(r) == [("body", f) for f in sorted(bad)]
    assert user.get("/tasks/%d" % t["id"]).json() == t


def test_patch_missing_task_is_404(server, user):
    r = user.patch("/tasks/987654321", json={"done": True})
    assert r.status_code == 404


# --- DELETE ---------------------------------------------------------------

def test_delete(server, user):
    keep = create(user, title="keep")
    t = create(user, title="gone")
    r = user.delete("/tasks/%d" % t["id"])
    assert r.status_code == 204
    assert r.content == b""
    assert user.get("/tasks/%d" % t["id"]).status_code == 404
    assert user.delete("/tasks/%d" % t["id"]).status_code == 404
    assert user.put("/tasks/%d" % t["id"], json={"title": "x", "done": True}).status_code == 404
    assert user.patch("/tasks/%d" % t["id"], json={"done": True}).status_code == 404
    page = listing(user)
    assert page["total"] == 1
    assert [i["id"] for i in page["items"]] == [keep["id"]]


# --- isolation ------------------------------------------------------------

def test_another_users_task_is_404_for_everything(server, user, other):
    t = create(user, title="private", description="secret", done=False)
    path = "/tasks/%d" % t["id"]
    for r in (other.get(path),
              other.put(path, json={"title": "stolen", "done": True}),
              other.patch(path, json={"title": "stolen"}),
              other.delete(path)):
        assert r.status_code == 404, r.text
        assert "secret" not in r.text and "private" not in r.text
    assert user.get(path).json() == t
    assert listing(other)["total"] == 0
    assert t["id"] not in [i["id"] for i in listing(other, q="private")["items"]]
    assert listing(user)["total"] == 1


def test_lists_are_per_user(server, user, other):
    create(user, title="mine 1")
    create(user, title="mine 2")
    create(other, title="theirs")
    assert sorted(titles(listing(user))) == ["mine 1", "mine 2"]
    assert titles(listing(other)) == ["theirs"]


# --- list: pagination -----------------------------------------------------

@pytest.fixture
def twenty_five(user):
    ids = [create(user, title="task %02d" % i, done=(i % 3 == 0))["id"] for i in range(25)]
    return user, ids


def test_list_default_page(server, twenty_five):
    user, ids = twenty_five
    page = listing(user)
    assert (page["total"], page["limit"], page["offset"]) == (25, 20, 0)
    assert len(page["items"]) == 20
    # default sort is -created_at: newest first (ids break ties)
    assert [t["id"] for t in page["items"]] == sorted(ids, reverse=True)[:20]


def test_list_offset_and_limit(server, twenty_five):
    user, ids = twenty_five
    newest_first = sorted(ids, reverse=True)
    page = listing(user, offset=20)
    assert (page["total"], page["limit"], page["offset"]) == (25, 20, 20)
    assert [t["id"] for t in page["items"]] == newest_first[20:]
    page = listing(user, limit=1, offset=3)
    assert [t["id"] for t in page["items"]] == [newest_first[3]]
    assert (page["total"], page["limit"], page["offset"]) == (25, 1, 3)
    page = listing(user, limit=100)
    assert len(page["items"]) == 25 and page["limit"] == 100
    page = listing(user, offset=25)
    assert page["items"] == [] and page["total"] == 25
    page = listing(user, offset=1000)
    assert page["items"] == [] and page["total"] == 25
    # walking pages sees every task exactly once
    seen = []
    for off in range(0, 25, 7):
        seen += [t["id"] for t in listing(user, limit=7, offset=off)["items"]]
    assert seen == newest_first


@pytest.mark.parametrize("params,bad", [
    ({"limit": "0"}, "limit"),
    ({"limit": "101"}, "limit"),
    ({"limit": "-1"}, "limit"),
    ({"limit": "abc"}, "limit"),
    ({"limit": ""}, "limit"),
    ({"limit": "1.5"}, "limit"),
    ({"limit": "99999999999999999999999"}, "limit"),
    ({"offset": "-1"}, "offset"),
    ({"offset": "abc"}, "offset"),
    ({"done": "maybe"}, "done"),
    ({"done": ""}, "done"),
    ({"done": "2"}, "done"),
    ({"sort": "bogus"}, "sort"),
    ({"sort": "Title"}, "sort"),
    ({"sort": "+title"}, "sort"),
    ({"sort": "--title"}, "sort"),
    ({"sort": "id"}, "sort"),
    ({"sort": ""}, "sort"),
])
def test_list_bad_query_is_422(server, user, params, bad):
    assert locs(user.get("/tasks", params=params)) == [("query", bad)]


def test_list_limit_bounds_inclusive(server, user):
    create(user, title="one")
    assert listing(user, limit=1)["limit"] == 1
    assert listing(user, limit=100)["limit"] == 100
    assert listing(user, offset=0)["offset"] == 0


def test_list_unknown_query_params_are_ignored(server, user):
    create(user, title="one")
    assert listing(user, page=3, color="red")["total"] == 1


# --- list: filters and search --------------------------------------------

def test_list_done_filter(server, twenty_five):
    user, ids = twenty_five
    done = listing(user, done="true", limit=100)
    assert done["total"] == 9
    assert all(t["done"] for t in done["items"]) and len(done["items"]) == 9
    todo = listing(user, done="false", limit=100)
    assert todo["total"] == 16
    assert not any(t["done"] for t in todo["items"]) and len(todo["items"]) == 16
    # total counts the filtered set, not the page
    page = listing(user, done="false", limit=5)
    assert page["total"] == 16 and len(page["items"]) == 5


def test_list_done_filter_that_matches_nothing(server, user):
    # answered from the counters, without reading the open tasks
    for i in range(3):
        create(user, title="open %d" % i)
    page = listing(user, done="true")
    assert (page["items"], page["total"], page["offset"]) == ([], 0, 0)
    assert listing(user, done="false")["total"] == 3


def test_list_q_is_case_insensitive_substring(server, user):
    create(user, title="Buy MILK")
    create(user, title="buy bread")
    create(user, title="Milkshake recipe")
    create(user, title="call mom")
    assert sorted(titles(listing(user, q="milk"))) == ["Buy MILK", "Milkshake recipe"]
    assert sorted(titles(listing(user, q="BUY"))) == ["Buy MILK", "buy bread"]
    assert titles(listing(user, q="buy milk")) == ["Buy MILK"]
    assert titles(listing(user, q="xyz")) == []
    assert listing(user, q="xyz")["total"] == 0
    assert listing(user, q="")["total"] == 4
    assert listing(user, q="m", limit=1)["total"] == 3


def test_list_q_searches_title_only(server, user):
    create(user, title="plain", description="needle in description")
    create(user, title="the needle")
    assert titles(listing(user, q="needle")) == ["the needle"]


def test_list_q_wildcards_are_literal(server, user):
    for title in ("100% done", "1000 done", "a_b", "axb", "back\\slash", "backslash",
                  "it's", "quote\"d"):
        create(user, title=title)
    assert titles(listing(user, q="%")) == ["100% done"]
    assert titles(listing(user, q="0%")) == ["100% done"]
    assert titles(listing(user, q="_")) == ["a_b"]
    assert titles(listing(user, q="a_b")) == ["a_b"]
    assert titles(listing(user, q="\\")) == ["back\\slash"]
    assert titles(listing(user, q="'")) == ["it's"]
    assert titles(listing(user, q="\"")) == ["quote\"d"]
    assert listing(user, q="%%")["total"] == 0


def test_list_filters_combine(server, user):
    create(user, title="report A", done=True)
    create(user, title="report B", done=False)
    create(user, title="other", done=True)
    page = listing(user, q="REPORT", done="true")
    assert titles(page) == ["report A"] and page["total"] == 1


# --- list: sorting --------------------------------------------------------

def test_list_sorts(server, user):
    a = create(user, title="bravo")
    b = create(user, title="charlie")
    c = create(user, title="alpha")
    # make a's updated_at later than the others' by touching it until the
    # server's clock has moved on (observed in the response, not slept for)
    for _ in range(5000):
        touched = user.patch("/tasks/%d" % a["id"], json={"done": False}).json()
        if touched["updated_at"] > c["updated_at"]:
            break
    else:
        pytest.fail("updated_at never moved past %s" % c["updated_at"])

    def order(sort):
        return [t["id"] for t in listing(user, sort=sort)["items"]]

    ids = [a["id"], b["id"], c["id"]]
    assert order("created_at") == ids
    assert order("-created_at") == ids[::-1]
    assert listing(user)["items"] == listing(user, sort="-created_at")["items"]
    assert order("updated_at") == [b["id"], c["id"], a["id"]]
    assert order("-updated_at") == [a["id"], c["id"], b["id"]]
    assert order("title") == [c["id"], a["id"], b["id"]]
    assert order("-title") == [b["id"], a["id"], c["id"]]


@pytest.mark.parametrize("sort", SORTS)
def test_every_sort_value_is_accepted(server, user, sort):
    create(user, title="one")
    page = listing(user, sort=sort)
    assert page["total"] == 1


def test_sort_with_pagination(server, user):
    for title in ("d", "a", "c", "e", "b"):
        create(user, title=title)
    assert titles(listing(user, sort="title", limit=2)) == ["a", "b"]
    assert titles(listing(user, sort="title", limit=2, offset=2)) == ["c", "d"]
    assert titles(listing(user, sort="-title", limit=2, offset=3)) == ["b", "a"]


@pytest.mark.parametrize("sort", SORTS)
def test_pages_merge_open_and_done_tasks_in_order(server, user, sort):
    # open and done tasks are read as two ranges and merged: every page of
    # every filter is the same slice of one order, ties broken by id
    made = [create(user, title=title, done=done) for title, done in (
        ("kiwi", True), ("apple", False), ("kiwi", False), ("fig", True), ("apple", True),
        ("date", False), ("fig", False), ("kiwi", True), ("banana", False), ("apple", False),
        ("cherry", True))]
    key = sort.lstrip("-")
    desc = sort.startswith("-")
    expected = sorted(made, key=lambda t: (t[key], t["id"]), reverse=desc)
    for done in (None, "true", "false"):
        want = [t["id"] for t in expected if done is None or t["done"] == (done == "true")]
        for limit in (1, 3, 20):
            got = []
            for offset in range(0, len(want) + 1, limit):
                params = {"sort": sort, "limit": limit, "offset": offset}
                if done is not None:
                    params["done"] = done
                page = listing(user, **params)
                assert page["total"] == len(want)
                got += [t["id"] for t in page["items"]]
            assert got == want, (done, limit)


# --- timestamps -----------------------------------------------------------

def test_timestamps_are_rfc3339_utc(server, user):
    t = create(user, title="time")
    for key in ("created_at", "updated_at"):
        assert RFC3339_Z.match(t[key])
        assert t[key].endswith("Z")
    u = user.patch("/tasks/%d" % t["id"], json={"title": "time 2"}).json()
    assert RFC3339_Z.match(u["updated_at"]) and u["updated_at"] >= t["updated_at"]
    assert listing(user)["items"][0]["created_at"] == t["created_at"]


# --- concurrency ----------------------------------------------------------

def test_fifty_concurrent_creations(server, user):
    barrier = threading.Barrier(50)

    def one(i):
        c = Client(server)
        c.access = user.access
        barrier.wait(timeout=30)
        return c.post("/tasks", json={"title": "parallel %02d" % i})

    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(one, range(50)))
    assert [r.status_code for r in results] == [201] * 50, [r.text for r in results
                                                           if r.status_code != 201]
    ids = {r.json()["id"] for r in results}
    assert len(ids) == 50
    assert sorted(r.json()["title"] for r in results) == ["parallel %02d" % i
                                                          for i in range(50)]
    page = listing(user, limit=100)
    assert page["total"] == 50
    assert {t["id"] for t in page["items"]} == ids
    assert db_rows(server, "SELECT COUNT(*) FROM tasks WHERE user_id = ?",
                   (user.id,)) == [(50,)]


def test_title_is_trimmed_of_unicode_spaces_too(user):
    # as Python's str.strip() would: no-break and ideographic spaces
    r = user.post("/tasks", json={"title": "\u00a0\u3000"})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "title"]
    r = user.post("/tasks", json={"title": "\u3000plan\u00a0"})
    assert r.status_code == 201
    assert r.json()["title"] == "plan"
