"""The served OpenAPI document passes a maintained validator
(@apidevtools/swagger-parser under node, installed by `make deps`), and
every operation documents the HTTP extras it serves."""
import json
import os
import subprocess

import pytest

from pampsenv import TOP

VALIDATOR = os.path.join(TOP, "tests", "openapi", "validate.js")
NODE_PATH = os.path.join(TOP, "build", "npm", "node_modules")
NO_DATABASE = {"/openapi.json", "/docs", "/docs/{file}"}


def test_document_is_valid_openapi(server):
    if not os.path.isdir(os.path.join(NODE_PATH, "@apidevtools", "swagger-parser")):
        pytest.fail("run `make deps`: the OpenAPI validator is not installed")
    doc = __import__("requests").get(server.url("/openapi.json"), timeout=30).text
    res = subprocess.run(["node", VALIDATOR], input=doc, capture_output=True, text=True,
                         env=dict(os.environ, NODE_PATH=NODE_PATH), timeout=120)
    assert res.returncode == 0, res.stderr


def test_operation_ids_are_unique_names(server):
    doc = __import__("requests").get(server.url("/openapi.json"), timeout=30).json()
    ids = [op["operationId"] for item in doc["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))
    assert all(i.isidentifier() for i in ids), ids


def test_extras_are_documented(server):
    doc = __import__("requests").get(server.url("/openapi.json"), timeout=30).json()
    paths = doc["paths"]
    for path, method in [("/tasks/{id}", "put"), ("/tasks/{id}", "patch"),
                         ("/tasks/{id}", "delete"), ("/posts/{id}", "patch"),
                         ("/users/me", "patch"), ("/departments/{id}", "delete")]:
        op = paths[path][method]
        assert "412" in op["responses"], (path, method)
        assert "If-Match" in [p["name"] for p in op["parameters"]]
    for path in ["/tasks", "/posts", "/auth/register"]:
        op = paths[path]["post"]
        assert "Idempotency-Key" in [p["name"] for p in op["parameters"]]
        assert {"409", "422"} <= set(op["responses"])
    for path in ["/tasks/{id}", "/tasks", "/users/me"]:
        op = paths[path]["get"]
        assert "304" in op["responses"] and "ETag" in op["responses"]["200"]["headers"]
    for path, item in paths.items():
        for op in item.values():
            assert "400" in op["responses"], path
            # the docs are served without the database
            assert ("503" in op["responses"]) == (path not in NO_DATABASE), path
