"""Departments and positions (API.md "Departments and positions"): one
implementation serves both, so every test here runs once per kind. Lists,
items, members, the admin-only writes with their validation and order of
checks, deletion and what it takes with it, and users' assignments."""
import re

import pytest

from pampsenv import Client, db_rows, make_admin, new_user, set_role, unique

KINDS = ["departments", "positions"]
OTHER_KIND = {"departments": "positions", "positions": "departments"}
MEMBERS = {"departments": ("department_members", "department_id"),
           "positions": ("position_members", "position_id")}
ORG_KEYS = {"id", "name", "description", "created_at"}
PUBLIC_KEYS = {"id", "username", "name", "bio", "avatar", "created_at"}
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
BAD_IDS = ["abc", "0", "-1", "1.5", "9223372036854775808"]
MISSING = 9223372036854775807       # a positive int64 no item has


@pytest.fixture(params=KINDS)
def kind(request):
    return request.param


@pytest.fixture(scope="module")
def admin(server):
    """One admin for the module: no test changes or deletes it."""
    return make_admin(server, new_user(server))


@pytest.fixture(scope="module")
def reader(server):
    """A plain user for the read-only tests."""
    return new_user(server)


def create(admin, kind, name=None, **extra):
    body = {"name": name or unique("org-")}
    body.update(extra)
    r = admin.post("/" + kind, json=body)
    assert r.status_code == 201, r.text
    return r.json()


def get(client, kind, item_id):
    r = client.get("/%s/%d" % (kind, item_id))
    assert r.status_code == 200, r.text
    return r.json()


def total(client, path):
    r = client.get(path, params={"limit": 1})
    assert r.status_code == 200, r.text
    return r.json()["total"]


def page(client, path, **params):
    r = client.get(path, params=params)
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"items", "total", "limit", "offset"}
    return body


def ids(body):
    return [item["id"] for item in body["items"]]


def locs(r):
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert isinstance(detail, list) and detail
    for entry in detail:
        assert isinstance(entry["msg"], str) and entry["msg"]
        assert isinstance(entry["type"], str) and entry["type"]
    return sorted(tuple(e["loc"]) for e in detail)


def detail(r, status):
    assert r.status_code == status, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"detail"} and isinstance(body["detail"], str) and body["detail"]
    return body["detail"]


def assign(admin, kind, client, item_id):
    r = admin.put("/users/%s/%s/%d" % (client.username, kind, item_id))
    assert r.status_code == 204, r.text
    assert r.content == b""


def member_ids(client, kind, item_id, **params):
    return ids(page(client, "/%s/%d/members" % (kind, item_id), **params))


# --- GET /{kind} -------------------------------------------------------------

def test_list_pages_in_id_order_with_total(server, kind, admin, user):
    path = "/" + kind
    before = total(user, path)
    tag = unique("L")[:12]
    # created in reverse alphabetical order: name order is not id order
    made = [create(admin, kind, "%s-%s" % (tag, letter)) for letter in "edcba"]
    want = [m["id"] for m in made]
    assert want == sorted(want)

    body = page(user, path)
    assert body["total"] == before + 5
    assert (body["limit"], body["offset"]) == (20, 0)

    seen = []
    for offset in (before, before + 2, before + 4):
        body = page(user, path, limit=2, offset=offset)
        assert body["total"] == before + 5
        assert (body["limit"], body["offset"]) == (2, offset)
        assert len(body["items"]) == (2 if offset < before + 4 else 1)
        for item in body["items"]:
            assert set(item) == ORG_KEYS
            assert TIMESTAMP.match(item["created_at"])
        seen += body["items"]
    assert seen == made            # the very items created, in id order

    body = page(user, path, offset=before + 5)
    assert body["items"] == [] and body["total"] == before + 5

    # the whole list is in id order too, and a trailing slash changes nothing
    body = page(user, path, limit=100)
    assert ids(body) == sorted(ids(body))
    assert len(body["items"]) == min(body["total"], 100)
    assert page(user, path + "/", limit=100) == body


@pytest.mark.parametrize("params, want", [
    ({"limit": 0}, [("query", "limit")]),
    ({"limit": 101}, [("query", "limit")]),
    ({"limit": "abc"}, [("query", "limit")]),
    ({"limit": "1.5"}, [("query", "limit")]),
    ({"limit": ""}, [("query", "limit")]),
    ({"offset": -1}, [("query", "offset")]),
    ({"offset": "x"}, [("query", "offset")]),
    ({"limit": 0, "offset": -5}, [("query", "limit"), ("query", "offset")]),
])
@pytest.mark.parametrize("where", ["list", "members", "of_user"])
def test_bad_paging_is_422_even_where_404_would_follow(kind, reader, params, want, where):
    # members of a missing item, the list of a missing user: validation (422)
    # comes before the lookup (404)
    path = {"list": "/" + kind,
            "members": "/%s/%d/members" % (kind, MISSING),
            "of_user": "/users/%s/%s" % (unique("ghost"), kind)}[where]
    assert locs(reader.get(path, params=params)) == want


def test_limit_bounds_are_inclusive(kind, admin, user):
    item = create(admin, kind)
    assign(admin, kind, user, item["id"])
    assign(admin, kind, user, create(admin, kind)["id"])
    for path in ("/" + kind, "/%s/%d/members" % (kind, item["id"]),
                 "/users/%s/%s" % (user.username, kind)):
        for limit in (1, 100):
            body = page(user, path, limit=limit)
            assert body["limit"] == limit
            assert 1 <= len(body["items"]) <= limit
        assert len(page(user, path, limit=1)["items"]) == 1
    assert len(page(user, "/users/%s/%s" % (user.username, kind), limit=100)["items"]) == 2


def test_reading_needs_a_token_but_no_role(server, kind, admin, reader):
    item = create(admin, kind)
    for path in ("/" + kind, "/%s/%d" % (kind, item["id"]),
                 "/%s/%d/members" % (kind, item["id"]),
                 "/users/%s/%s" % (reader.username, kind)):
        r = Client(server).get(path)
        detail(r, 401)
        assert r.headers["WWW-Authenticate"] == "Bearer"
        assert reader.get(path).status_code == 200


@pytest.mark.parametrize("method, path, allowed", [
    ("PUT", "/{kind}", {"GET", "POST"}),
    ("DELETE", "/{kind}", {"GET", "POST"}),
    ("PUT", "/{kind}/1", {"GET", "PATCH", "DELETE"}),
    ("POST", "/{kind}/1/members", {"GET"}),
    ("POST", "/users/someone/{kind}", {"GET"}),
    ("POST", "/users/someone/{kind}/1", {"PUT", "DELETE"}),
])
def test_wrong_method_is_405(kind, reader, method, path, allowed):
    r = reader.request(method, path.format(kind=kind))
    assert r.status_code == 405, r.text
    assert r.json() == {"detail": "Method Not Allowed"}
    assert {m.strip() for m in r.headers["Allow"].split(",")} - {"HEAD", "OPTIONS"} == allowed


# --- GET /{kind}/{id} ----------------------------------------------------------

def test_get_an_item(kind, admin, reader):
    item = create(admin, kind, description="the people who ship")
    assert get(reader, kind, item["id"]) == item
    assert reader.get("/%s/%d/" % (kind, item["id"])).json() == item


def test_missing_item_is_404(kind, reader):
    detail(reader.get("/%s/%d" % (kind, MISSING)), 404)
    detail(reader.get("/%s/%d/members" % (kind, MISSING)), 404)


@pytest.mark.parametrize("bad", BAD_IDS)
def test_ids_that_are_not_positive_int64_are_404(kind, admin, reader, bad):
    item = create(admin, kind)
    assign(admin, kind, reader, item["id"])
    for client, method, path in (
            (reader, "GET", "/%s/%s" % (kind, bad)),
            (reader, "GET", "/%s/%s/members" % (kind, bad)),
            (admin, "PATCH", "/%s/%s" % (kind, bad)),
            (admin, "DELETE", "/%s/%s" % (kind, bad)),
            (admin, "PUT", "/users/%s/%s/%s" % (reader.username, kind, bad)),
            (admin, "DELETE", "/users/%s/%s/%s" % (reader.username, kind, bad))):
        kw = {"json": {"name": unique("x")}} if method == "PATCH" else {}
        r = client.request(method, path, **kw)
        assert r.status_code == 404, (method, path, r.text)
    # nothing was touched
    assert get(reader, kind, item["id"]) == item
    assert member_ids(reader, kind, item["id"]) == [reader.id]


# --- GET /{kind}/{id}/members --------------------------------------------------

def test_members_are_public_users_in_id_order(server, kind, admin, user):
    item = create(admin, kind)
    other_item = create(admin, kind)
    a, b, c = (new_user(server) for _ in range(3))
    assert [a.id, b.id, c.id] == sorted([a.id, b.id, c.id])
    for member in (c, a, b):          # assigned out of id order
        assign(admin, kind, member, item["id"])
    assign(admin, kind, b, other_item["id"])

    body = page(user, "/%s/%d/members" % (kind, item["id"]))
    assert ids(body) == [a.id, b.id, c.id]
    assert (body["total"], body["limit"], body["offset"]) == (3, 20, 0)
    for u, member in zip(body["items"], (a, b, c)):
        assert set(u) == PUBLIC_KEYS
        assert u["username"] == member.username
        assert TIMESTAMP.match(u["created_at"])

    body = page(user, "/%s/%d/members" % (kind, item["id"]), limit=2, offset=1)
    assert ids(body) == [b.id, c.id]
    assert (body["total"], body["limit"], body["offset"]) == (3, 2, 1)
    body = page(user, "/%s/%d/members" % (kind, item["id"]), offset=3)
    assert body["items"] == [] and body["total"] == 3

    body = page(user, "/%s/%d/members" % (kind, other_item["id"]))
    assert ids(body) == [b.id] and body["total"] == 1
    empty = create(admin, kind)
    assert page(user, "/%s/%d/members" % (kind, empty["id"])) == \
        {"items": [], "total": 0, "limit": 20, "offset": 0}
    # an assignment to one kind is none to the other
    assert db_rows(server, "SELECT COUNT(*) FROM %s WHERE user_id = ?"
                   % MEMBERS[OTHER_KIND[kind]][0], (a.id,)) == [(0,)]


# --- POST /{kind} -----------------------------------------------------------------

def test_create_returns_201_with_location_and_the_item(server, kind, admin):
    name = unique("Ops-")
    r = admin.post("/" + kind, json={"name": name, "description": "Keeps things up"})
    assert r.status_code == 201, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    item = r.json()
    assert set(item) == ORG_KEYS
    assert isinstance(item["id"], int) and item["id"] > 0
    assert (item["name"], item["description"]) == (name, "Keeps things up")
    assert TIMESTAMP.match(item["created_at"])

    loc = r.headers["Location"]
    assert loc.endswith("/api/v1/%s/%d" % (kind, item["id"]))
    url = loc if loc.startswith("http") else server.root + loc
    got = admin.session.get(url, headers=admin.headers())
    assert got.status_code == 200 and got.json() == item
    assert db_rows(server, "SELECT name, description FROM %s WHERE id = ?" % kind,
                   (item["id"],)) == [(name, "Keeps things up")]


def test_create_description_is_optional_and_nullable(kind, admin):
    assert create(admin, kind)["description"] is None
    assert create(admin, kind, description=None)["description"] is None
    assert create(admin, kind, description="")["description"] == ""


def test_create_ignores_unknown_and_forbidden_fields(kind, admin):
    item = create(admin, kind, id=10 ** 12, created_at="2000-01-01T00:00:00Z",
                  members=[1], color="blue")
    assert item["id"] != 10 ** 12
    assert item["created_at"] != "2000-01-01T00:00:00Z"
    assert set(item) == ORG_KEYS
    assert get(admin, kind, item["id"]) == item


def test_writes_are_admin_only(server, kind, admin, user):
    path = "/" + kind
    item = create(admin, kind, description="kept")
    before = total(admin, path)
    name = unique("nope-")

    detail(user.post(path, json={"name": name}), 403)
    detail(user.patch("%s/%d" % (path, item["id"]), json={"name": name}), 403)
    detail(user.delete("%s/%d" % (path, item["id"])), 403)
    anon = Client(server)
    for r in (anon.post(path, json={"name": name}),
              anon.patch("%s/%d" % (path, item["id"]), json={"name": name}),
              anon.delete("%s/%d" % (path, item["id"]))):
        detail(r, 401)
        assert r.headers["WWW-Authenticate"] == "Bearer"

    assert total(admin, path) == before
    assert get(admin, kind, item["id"]) == item
    assert db_rows(server, "SELECT COUNT(*) FROM %s WHERE name = ?" % kind, (name,)) == [(0,)]


def test_duplicate_name_is_409_case_insensitively(kind, admin):
    name = unique("Sales-")
    first = create(admin, kind, name)
    before = total(admin, "/" + kind)
    for spelled in (name, name.upper(), name.lower(), name.swapcase()):
        detail(admin.post("/" + kind, json={"name": spelled, "description": "x"}), 409)
    assert total(admin, "/" + kind) == before
    assert get(admin, kind, first["id"]) == first
    # the other kind is a namespace of its own
    twin = create(admin, OTHER_KIND[kind], name)
    assert twin["name"] == name


def test_renaming_onto_another_name_is_409(kind, admin):
    a = create(admin, kind, unique("Alpha-"), description="a")
    b = create(admin, kind, unique("Beta-"), description="b")
    for spelled in (a["name"], a["name"].upper()):
        detail(admin.patch("/%s/%d" % (kind, b["id"]), json={"name": spelled}), 409)
        # nothing half-applied, with or without other fields
        detail(admin.patch("/%s/%d" % (kind, b["id"]),
                           json={"name": spelled, "description": "changed"}), 409)
    assert get(admin, kind, b["id"]) == b
    assert get(admin, kind, a["id"]) == a
    # its own name in another case is no conflict
    r = admin.patch("/%s/%d" % (kind, b["id"]), json={"name": b["name"].upper()})
    assert r.status_code == 200, r.text
    assert r.json()["name"] == b["name"].upper()
    # and a name given up can be taken
    r = admin.patch("/%s/%d" % (kind, b["id"]), json={"name": unique("Gamma-")})
    assert r.status_code == 200, r.text
    r = admin.patch("/%s/%d" % (kind, a["id"]), json={"name": b["name"]})
    assert r.status_code == 200, r.text
    assert r.json()["name"] == b["name"]


def test_duplicate_name_is_409_beyond_ascii(kind, admin):
    # the module folds names itself: SQLite's lower() alone folds ASCII only
    tag = unique("")[:8]
    for upper, lower in (("\u00c4rger-" + tag, "\u00e4rger-" + tag),
                         ("\u0394elta-" + tag, "\u03b4elta-" + tag),
                         ("\u0416\u0443\u043a-" + tag, "\u0436\u0443\u043a-" + tag),
                         ("\u0141\u00f3d\u017a-" + tag, "\u0142\u00f3d\u017a-" + tag)):
        first = create(admin, kind, upper)
        detail(admin.post("/" + kind, json={"name": lower}), 409)
        other = create(admin, kind, unique("Other-"))
        detail(admin.patch("/%s/%d" % (kind, other["id"]), json={"name": lower}), 409)
        assert get(admin, kind, first["id"]) == first


@pytest.mark.parametrize("length, status", [(1, 201), (100, 201), (0, 422), (101, 422)])
def test_name_length_bounds(server, kind, admin, length, status):
    # a 1-character name must be unique in the session: a random CJK code
    # point; longer names carry a unique tag
    if length == 1:
        name = chr(0x4E00 + int(unique("")[:4], 16) % 20000)
    else:
        name = (unique("")[:8] + "n" * 100)[:length]
    before = total(admin, "/" + kind)
    r = admin.post("/" + kind, json={"name": name})
    assert r.status_code == status, r.text
    if status == 201:
        assert r.json()["name"] == name
        assert total(admin, "/" + kind) == before + 1
    else:
        assert [tuple(e["loc"]) for e in r.json()["detail"]] == [("body", "name")]
        assert total(admin, "/" + kind) == before


def test_lengths_count_code_points_not_bytes(kind, admin):
    tag = unique("")[:8]
    name = tag + "\u00e9" * 92                  # 100 code points, 192 bytes
    item = create(admin, kind, name, description="\u20ac" * 1000)
    assert item["name"] == name and item["description"] == "\u20ac" * 1000
    assert get(admin, kind, item["id"]) == item
    assert locs(admin.post("/" + kind, json={"name": name + "\u00e9"})) == [("body", "name")]
    assert locs(admin.post("/" + kind, json={"name": unique("d-"),
                                             "description": "\u20ac" * 1001})) \
        == [("body", "description")]


def test_name_is_stored_as_given_not_trimmed(server, kind, admin):
    name = "  Ops %s  " % unique("")[:10]
    item = create(admin, kind, name)
    assert item["name"] == name
    assert get(admin, kind, item["id"])["name"] == name
    assert db_rows(server, "SELECT length(name) FROM %s WHERE id = ?" % kind,
                   (item["id"],)) == [(len(name),)]
    r = admin.patch("/%s/%d" % (kind, item["id"]), json={"name": "\t" + name + "\n"})
    assert r.status_code == 200, r.text
    assert get(admin, kind, item["id"])["name"] == "\t" + name + "\n"


def test_description_length_bounds(kind, admin):
    item = create(admin, kind, description="d" * 1000)
    assert item["description"] == "d" * 1000
    assert locs(admin.post("/" + kind, json={"name": unique("d-"), "description": "d" * 1001})) \
        == [("body", "description")]
    assert locs(admin.patch("/%s/%d" % (kind, item["id"]), json={"description": "d" * 1001})) \
        == [("body", "description")]
    assert get(admin, kind, item["id"]) == item


@pytest.mark.parametrize("body, want", [
    ({"name": 5}, [("body", "name")]),
    ({"name": None}, [("body", "name")]),
    ({"name": True}, [("body", "name")]),
    ({"name": ["x"]}, [("body", "name")]),
    ({"name": {"x": 1}}, [("body", "name")]),
    ({"name": ""}, [("body", "name")]),
    ({}, [("body", "name")]),
    ({"description": "only"}, [("body", "name")]),
    ({"name": "NAME", "description": 7}, [("body", "description")]),
    ({"name": "NAME", "description": False}, [("body", "description")]),
    ({"name": 5, "description": 7}, [("body", "description"), ("body", "name")]),
])
def test_create_rejects_bad_bodies(kind, admin, body, want):
    body = {k: (unique("v-") if v == "NAME" else v) for k, v in body.items()}
    before = total(admin, "/" + kind)
    assert locs(admin.post("/" + kind, json=body)) == want
    assert total(admin, "/" + kind) == before


# --- PATCH /{kind}/{id} ----------------------------------------------------------------

def test_patch_changes_only_what_is_given(kind, admin, reader):
    item = create(admin, kind, description="first")
    path = "/%s/%d" % (kind, item["id"])

    new_name = unique("Renamed-")
    r = admin.patch(path, json={"name": new_name})
    assert r.status_code == 200, r.text
    assert r.json() == dict(item, name=new_name)

    r = admin.patch(path, json={"description": "second"})
    assert r.status_code == 200, r.text
    assert r.json() == dict(item, name=new_name, description="second")

    r = admin.patch(path, json={})
    assert r.status_code == 200, r.text
    assert r.json() == dict(item, name=new_name, description="second")

    r = admin.patch(path, json={"id": 10 ** 12, "created_at": "2000-01-01T00:00:00Z"})
    assert r.status_code == 200, r.text
    assert r.json() == dict(item, name=new_name, description="second")

    both = unique("Both-")
    r = admin.patch(path, json={"name": both, "description": "third"})
    assert r.status_code == 200, r.text
    assert r.json() == dict(item, name=both, description="third")
    assert get(reader, kind, item["id"]) == r.json()


def test_patch_null_description_clears_it(kind, admin):
    item = create(admin, kind, description="to be cleared")
    r = admin.patch("/%s/%d" % (kind, item["id"]), json={"description": None})
    assert r.status_code == 200, r.text
    assert r.json() == dict(item, description=None)
    assert get(admin, kind, item["id"])["description"] is None


@pytest.mark.parametrize("body, want", [
    ({"name": None}, [("body", "name")]),
    ({"name": ""}, [("body", "name")]),
    ({"name": 5}, [("body", "name")]),
    ({"name": "n" * 101}, [("body", "name")]),
    ({"description": 7}, [("body", "description")]),
    ({"name": None, "description": "d" * 1001}, [("body", "description"), ("body", "name")]),
])
def test_patch_rejects_bad_bodies(kind, admin, body, want):
    item = create(admin, kind, description="kept")
    assert locs(admin.patch("/%s/%d" % (kind, item["id"]), json=body)) == want
    assert get(admin, kind, item["id"]) == item


def test_patch_missing_item_is_404(kind, admin):
    detail(admin.patch("/%s/%d" % (kind, MISSING), json={"name": unique("x")}), 404)
    detail(admin.patch("/%s/%d" % (kind, MISSING), json={}), 404)


# --- order of checks ---------------------------------------------------------------------

def test_order_of_checks_on_writes(server, kind, admin, user):
    item = create(admin, kind, description="kept")
    path = "/%s/%d" % (kind, item["id"])
    missing = "/%s/%d" % (kind, MISSING)
    json_ct = {"Content-Type": "application/json"}
    text_ct = {"Content-Type": "text/plain"}
    anon = Client(server)

    for method, target in (("POST", "/" + kind), ("PATCH", path), ("PATCH", missing)):
        # 401 before anything
        detail(anon.request(method, target, data=b"{", headers=json_ct), 401)
        # body problems before authorization
        detail(user.request(method, target, data=b"{", headers=json_ct), 400)
        detail(user.request(method, target, data=b"[1]", headers=json_ct), 400)
        detail(user.request(method, target, data=b'{"name": "x"}', headers=text_ct), 415)
        detail(admin.request(method, target, data=b"{", headers=json_ct), 400)
        detail(admin.request(method, target, data=b'{"name": "x"}', headers=text_ct), 415)
        # authorization before validation (and lookups)
        detail(user.request(method, target, json={"name": 5}), 403)
        detail(user.request(method, target, json={"name": ""}), 403)
        detail(user.request(method, target, json={"name": unique("ok-")}), 403)
    detail(user.delete(missing), 403)

    # validation before lookups
    assert locs(admin.patch(missing, json={"name": 5})) == [("body", "name")]
    assert locs(admin.patch(missing, json={"description": "d" * 1001})) \
        == [("body", "description")]
    detail(admin.patch(missing, json={"name": unique("ok-")}), 404)
    assert get(admin, kind, item["id"]) == item


# --- DELETE /{kind}/{id} -----------------------------------------------------------------

def test_delete_then_404(kind, admin, reader):
    item = create(admin, kind)
    path = "/%s/%d" % (kind, item["id"])
    before = total(reader, "/" + kind)
    r = admin.delete(path)
    assert r.status_code == 204, r.text
    assert r.content == b""
    detail(reader.get(path), 404)
    detail(reader.get(path + "/members"), 404)
    detail(admin.delete(path), 404)
    detail(admin.patch(path, json={"description": "back?"}), 404)
    detail(admin.put("/users/%s/%s/%d" % (reader.username, kind, item["id"])), 404)
    assert total(reader, "/" + kind) == before - 1
    assert item["id"] not in ids(page(reader, "/" + kind, limit=100,
                                      offset=max(0, before - 100)))
    # its name is free again
    assert create(admin, kind, item["name"])["id"] != item["id"]


def test_delete_missing_item_is_404(kind, admin):
    detail(admin.delete("/%s/%d" % (kind, MISSING)), 404)


def test_delete_takes_its_memberships_and_nothing_else(server, kind, admin):
    table, key = MEMBERS[kind]
    other_kind = OTHER_KIND[kind]
    u1, u2 = new_user(server), new_user(server)
    doomed, kept = create(admin, kind), create(admin, kind)
    elsewhere = create(admin, other_kind)
    assign(admin, kind, u1, doomed["id"])
    assign(admin, kind, u2, doomed["id"])
    assign(admin, kind, u1, kept["id"])
    assign(admin, other_kind, u1, elsewhere["id"])
    assign(admin, other_kind, u2, elsewhere["id"])
    assert member_ids(admin, kind, doomed["id"]) == [u1.id, u2.id]

    assert admin.delete("/%s/%d" % (kind, doomed["id"])).status_code == 204

    assert db_rows(server, "SELECT COUNT(*) FROM %s WHERE %s = ?" % (table, key),
                   (doomed["id"],)) == [(0,)]
    # the users are still there, with their other memberships
    for u in (u1, u2):
        assert u.get("/users/me").status_code == 200
        assert admin.get("/users/" + u.username).status_code == 200
    assert ids(page(admin, "/users/%s/%s" % (u1.username, kind))) == [kept["id"]]
    assert page(admin, "/users/%s/%s" % (u2.username, kind))["total"] == 0
    body = page(admin, "/%s/%d/members" % (kind, kept["id"]))
    assert ids(body) == [u1.id] and body["total"] == 1
    body = page(admin, "/%s/%d/members" % (other_kind, elsewhere["id"]))
    assert ids(body) == [u1.id, u2.id] and body["total"] == 2
    assert ids(page(admin, "/users/%s/%s" % (u2.username, other_kind))) == [elsewhere["id"]]
    assert get(admin, kind, kept["id"]) == kept
    assert get(admin, other_kind, elsewhere["id"]) == elsewhere


# --- PUT / DELETE /users/{username}/{kind}/{id} --------------------------------------------

def test_assign_is_idempotent(server, kind, admin, user):
    item = create(admin, kind)
    for _ in range(2):
        assign(admin, kind, user, item["id"])
    body = page(admin, "/%s/%d/members" % (kind, item["id"]))
    assert ids(body) == [user.id] and body["total"] == 1
    body = page(user, "/users/%s/%s" % (user.username, kind))
    assert body["items"] == [item] and body["total"] == 1
    table, key = MEMBERS[kind]
    assert db_rows(server, "SELECT COUNT(*) FROM %s WHERE %s = ? AND user_id = ?"
                   % (table, key), (item["id"], user.id)) == [(1,)]


def test_assign_finds_the_user_case_insensitively(kind, admin, user):
    item = create(admin, kind)
    r = admin.put("/users/%s/%s/%d" % (user.username.upper(), kind, item["id"]))
    assert r.status_code == 204, r.text
    assert member_ids(admin, kind, item["id"]) == [user.id]
    r = admin.delete("/users/%s/%s/%d" % (user.username.swapcase(), kind, item["id"]))
    assert r.status_code == 204, r.text
    assert member_ids(admin, kind, item["id"]) == []


def test_unassign_is_idempotent(kind, admin, user, other):
    item = create(admin, kind)
    never = create(admin, kind)
    assign(admin, kind, user, item["id"])
    assign(admin, kind, other, item["id"])
    for _ in range(2):
        r = admin.delete("/users/%s/%s/%d" % (user.username, kind, item["id"]))
        assert r.status_code == 204, r.text
        assert r.content == b""
    body = page(admin, "/%s/%d/members" % (kind, item["id"]))
    assert ids(body) == [other.id] and body["total"] == 1
    assert page(user, "/users/%s/%s" % (user.username, kind))["total"] == 0
    # never assigned at all: nothing to undo, still 204
    r = admin.delete("/users/%s/%s/%d" % (user.username, kind, never["id"]))
    assert r.status_code == 204, r.text
    assert r.content == b""
    assert page(admin, "/%s/%d/members" % (kind, never["id"]))["total"] == 0
    assert ids(page(admin, "/users/%s/%s" % (other.username, kind))) == [item["id"]]


def test_assignment_404s(kind, admin, user):
    item = create(admin, kind)
    ghost = unique("ghost")
    for method in ("PUT", "DELETE"):
        detail(admin.request(method, "/users/%s/%s/%d" % (ghost, kind, item["id"])), 404)
        detail(admin.request(method, "/users/%s/%s/%d" % (user.username, kind, MISSING)), 404)
        detail(admin.request(method, "/users/%s/%s/%d" % (ghost, kind, MISSING)), 404)
    assert page(admin, "/%s/%d/members" % (kind, item["id"]))["total"] == 0
    detail(user.get("/users/%s/%s" % (ghost, kind)), 404)


def test_assignment_is_admin_only(server, kind, admin, user, other):
    item = create(admin, kind)
    assign(admin, kind, other, item["id"])
    path = "/users/%s/%s/%d" % (user.username, kind, item["id"])
    detail(user.put(path), 403)
    detail(user.delete("/users/%s/%s/%d" % (other.username, kind, item["id"])), 403)
    # yourself is no exception, and 403 comes before the lookups
    detail(other.delete("/users/%s/%s/%d" % (other.username, kind, item["id"])), 403)
    detail(user.put("/users/%s/%s/%d" % (unique("ghost"), kind, MISSING)), 403)
    for r in (Client(server).put(path), Client(server).delete(path)):
        detail(r, 401)
    assert member_ids(admin, kind, item["id"]) == [other.id]


def test_a_users_list_is_in_id_order(server, kind, admin, user, other):
    made = [create(admin, kind, "%s-%s" % (unique("U")[:12], c)) for c in "zyxw"]
    for item in reversed(made):               # assigned out of id order
        assign(admin, kind, user, item["id"])
    assign(admin, kind, other, made[1]["id"])
    path = "/users/%s/%s" % (user.username, kind)

    body = page(other, path)             # anyone may read it
    assert body["items"] == made
    assert (body["total"], body["limit"], body["offset"]) == (4, 20, 0)
    body = page(other, path, limit=2, offset=1)
    assert body["items"] == made[1:3]
    assert (body["total"], body["limit"], body["offset"]) == (4, 2, 1)
    assert page(other, path, offset=4)["items"] == []
    assert page(user, "/users/%s/%s" % (other.username, kind))["items"] == [made[1]]
    assert page(user, "/users/%s/%s" % (user.username, OTHER_KIND[kind]))["total"] == 0
    detail(user.get("/users/%s/%s" % (unique("ghost"), kind)), 404)


def test_deleting_a_user_takes_their_memberships(server, kind, admin):
    leaver, stayer, removed = (new_user(server) for _ in range(3))
    item = create(admin, kind)
    elsewhere = create(admin, OTHER_KIND[kind])
    for u in (leaver, stayer, removed):
        assign(admin, kind, u, item["id"])
        assign(admin, OTHER_KIND[kind], u, elsewhere["id"])
    assert page(admin, "/%s/%d/members" % (kind, item["id"]))["total"] == 3

    r = leaver.delete("/users/me")
    assert r.status_code == 204, r.text
    body = page(admin, "/%s/%d/members" % (kind, item["id"]))
    assert ids(body) == [stayer.id, removed.id] and body["total"] == 2

    assert admin.delete("/users/" + removed.username).status_code == 204
    for k, it in ((kind, item), (OTHER_KIND[kind], elsewhere)):
        body = page(admin, "/%s/%d/members" % (k, it["id"]))
        assert ids(body) == [stayer.id] and body["total"] == 1
    for gone in (leaver, removed):
        for table, _key in MEMBERS.values():
            assert db_rows(server, "SELECT COUNT(*) FROM %s WHERE user_id = ?" % table,
                           (gone.id,)) == [(0,)]
        detail(admin.get("/users/%s/%s" % (gone.username, kind)), 404)
    # the items themselves stay
    assert get(admin, kind, item["id"]) == item


# --- roles ---------------------------------------------------------------------------

def test_role_change_applies_on_the_next_request(server, kind, user, other):
    name = unique("Promo-")
    detail(user.post("/" + kind, json={"name": name}), 403)
    make_admin(server, user)
    # the same token, no new login
    r = user.post("/" + kind, json={"name": name})
    assert r.status_code == 201, r.text
    item = r.json()
    assert user.put("/users/%s/%s/%d" % (other.username, kind, item["id"])).status_code == 204
    set_role(server, user.id, "user")
    detail(user.patch("/%s/%d" % (kind, item["id"]), json={"name": unique("x")}), 403)
    detail(user.delete("/users/%s/%s/%d" % (other.username, kind, item["id"])), 403)
    detail(user.delete("/%s/%d" % (kind, item["id"])), 403)
    assert get(user, kind, item["id"]) == item
    assert member_ids(user, kind, item["id"]) == [other.id]
