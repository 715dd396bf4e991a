"""The module loads, answers, and the basic flow works end to end."""
from pampsenv import Client, unique


def test_health_reports_database(server):
    r = Client(server).get("/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "healthy"
    assert body["database"] == "ok"
    assert body["environment"] == "test"
    assert body["version"]


def test_register_login_and_create_task(server):
    c = Client(server, username=unique("smoke"))
    c.register()
    c.login()
    r = c.post("/tasks", json={"title": "  first  "})
    assert r.status_code == 201, r.text
    assert r.json()["title"] == "first"
    assert r.headers["Location"].endswith("/api/v1/tasks/%d" % r.json()["id"])
    r = c.get("/tasks")
    assert r.status_code == 200
    assert r.json()["total"] == 1


def test_unknown_path_is_json_404(server):
    r = Client(server).get("/nope")
    assert r.status_code == 404
    assert r.headers["Content-Type"] == "application/json"
    assert r.json() == {"detail": "Not Found"}


def test_schema_change_outside_does_not_break_the_server(server):
    # an ANALYZE (or a migration) from another process changes the schema
    # under the statements every pooled connection has prepared
    c = Client(server, username=unique("schema"))
    c.register()
    c.login()
    assert c.post("/tasks", json={"title": "before"}).status_code == 201
    server.sql("ANALYZE")
    for _ in range(8):      # enough to meet every pooled connection
        r = c.get("/tasks")
        assert r.status_code == 200, r.text
    assert c.post("/tasks", json={"title": "after"}).status_code == 201
