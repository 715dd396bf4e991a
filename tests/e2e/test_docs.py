"""GET /openapi.json describes every route; GET /docs renders it with Swagger
UI served from the API's own origin (the browser test: test_browser.py)."""
import re

import pytest

from pampsenv import Client


@pytest.fixture(scope="module")
def spec(server):
    r = Client(server).get("/openapi.json")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/json"
    return r.json()


def test_is_openapi_3_with_bearer_scheme(spec):
    assert spec["openapi"].startswith("3.")
    assert spec["servers"][0]["url"] == "/api/v1"
    scheme = spec["components"]["securitySchemes"]["bearerAuth"]
    assert scheme == {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}


def test_every_operation_is_documented(spec):
    ops = [(m, p, op) for p, item in spec["paths"].items() for m, op in item.items()]
    assert len(ops) >= 50
    for method, path, op in ops:
        # the generator falls back to the bare pattern for an undocumented route
        assert op["summary"] != path, "%s %s has no description" % (method, path)
        assert op["responses"], (method, path)
        # a sentence more than the summary: what clients need to know
        assert len(op.get("description", "")) > 20, (method, path)
        assert op["description"] != op["summary"], (method, path)
        for param in op.get("parameters", []):
            assert param.get("description"), (method, path, param["name"])
        for status, response in op["responses"].items():
            assert response["description"], (method, path, status)


def test_schemas_say_what_they_are(spec):
    schemas = spec["components"]["schemas"]
    for name in ("Error", "ValidationError", "Post", "Task", "Feed", "TokenPair", "OwnUser",
                 "Login"):
        assert schemas[name].get("description"), name
    for name, prop in [("Post", "parent_id"), ("Post", "liked_by_me"), ("Feed", "next_before"),
                       ("TaskPage", "total"), ("TokenPair", "expires_in"),
                       ("Health", "database"), ("Login", "username")]:
        assert schemas[name]["properties"][prop].get("description"), (name, prop)


def test_public_and_protected_routes(spec):
    paths = spec["paths"]
    for method, path in [("get", "/health"), ("post", "/auth/login"),
                         ("post", "/auth/register"), ("post", "/auth/refresh"),
                         ("get", "/openapi.json"), ("get", "/docs")]:
        assert "security" not in paths[path][method], path
    for method, path in [("get", "/tasks"), ("post", "/posts"), ("get", "/users/me"),
                         ("post", "/departments"), ("post", "/auth/logout")]:
        assert paths[path][method]["security"] == [{"bearerAuth": []},
                                                   {"OAuth2PasswordBearer": []}], path


def test_oauth2_password_flow_for_the_docs_page(spec):
    scheme = spec["components"]["securitySchemes"]["OAuth2PasswordBearer"]
    assert scheme == {"type": "oauth2",
                      "flows": {"password": {"tokenUrl": "/api/v1/auth/login", "scopes": {}}}}


def test_schemas_are_referenced_and_defined(spec):
    text = str(spec)
    for name in set(re.findall(r"#/components/schemas/(\w+)", text)):
        assert name in spec["components"]["schemas"], name
    task = spec["components"]["schemas"]["Task"]["properties"]
    assert set(task) == {"id", "title", "description", "done", "created_at", "updated_at"}
    login = spec["paths"]["/auth/login"]["post"]["requestBody"]["content"]
    assert "application/x-www-form-urlencoded" in login


@pytest.mark.parametrize("path", ["/docs", "/docs/"])
def test_docs_page_loads_swagger_ui_from_its_own_origin(server, path):
    r = Client(server).get(path)
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/html")
    assert r.headers["Content-Security-Policy"].startswith("default-src 'self';")
    # no inline script or style: a strict CSP works
    assert "<script>" not in r.text and "<style" not in r.text and " style=" not in r.text
    for f in ("swagger-ui.css", "swagger-ui-bundle.js", "pamps-docs.js"):
        assert '"/api/v1/docs/%s"' % f in r.text
    # served locally: no external scripts or styles
    assert not re.search(r"(src|href)=\"https?://", r.text)


@pytest.mark.parametrize("name, ctype", [("swagger-ui.css", "text/css"),
                                         ("swagger-ui-bundle.js", "text/javascript"),
                                         ("pamps-docs.js", "text/javascript"),
                                         ("favicon-32x32.png", "image/png")])
def test_docs_files_are_served(server, name, ctype):
    r = Client(server).get("/docs/" + name)
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith(ctype)
    assert int(r.headers["Content-Length"]) == len(r.content) > 0
    if name == "pamps-docs.js":
        assert "openapi.json" in r.text and "SwaggerUIBundle" in r.text
    else:
        again = Client(server).get("/docs/" + name,
                                   headers={"If-Modified-Since": r.headers["Last-Modified"]})
        assert again.status_code == 304


@pytest.mark.parametrize("name", ["index.html", "package.json", "..%2f..%2fpackage.json",
                                  "swagger-ui-bundle.js.map", "%2e%2e"])
def test_only_the_page_files_are_served(server, name):
    r = Client(server).get("/docs/" + name)
    assert r.status_code == 404
    assert r.json() == {"detail": "Not Found"}
