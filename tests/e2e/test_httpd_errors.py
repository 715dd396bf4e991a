"""Errors httpd itself answers inside the API's location (the HTTP input
filter, core's path checks, TraceEnable) come in the API's JSON shape;
TRACE is off and never echoes the Authorization header."""
import json
import socket

import pytest

from pampsenv import checked, extra_server

BODY_LIMIT = 1000     # LimitRequestBody of the small server, below PampsMaxBodySize

SECRET = "Bearer trace-must-not-echo-this"


@pytest.fixture(scope="module")
def limited_server():
    yield from extra_server("<Location /api/v1>\n    LimitRequestBody %d\n</Location>\n"
                            % BODY_LIMIT)


@pytest.fixture
def limited(limited_server):
    yield from checked(limited_server)


def exchange(server, head, body=b""):
    """One request on a fresh connection (closed after it): (status,
    headers with lower-case names, body bytes)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(head.encode("latin-1") + b"\r\n" + body)
        out = b""
        while True:
            data = sock.recv(65536)
            if not data:
                break
            out += data
    raw_head, _, payload = out.partition(b"\r\n\r\n")
    lines = raw_head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding") == "chunked":
        payload = dechunk(payload)
    return int(lines[0].split()[1]), headers, payload


def dechunk(data):
    out = b""
    while True:
        size_line, _, rest = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            return out
        out += rest[:size]
        data = rest[size + 2:]


def request_head(method, path, *headers):
    return "".join("%s\r\n" % h for h in
                   ["%s %s HTTP/1.1" % (method, path), "Host: 127.0.0.1",
                    "Connection: close"] + list(headers))


def assert_json_detail(resp, status):
    got, headers, body = resp
    assert got == status, (got, headers, body[:300])
    assert headers["content-type"].startswith("application/json"), headers
    doc = json.loads(body)
    assert set(doc) == {"detail"} and isinstance(doc["detail"], str) and doc["detail"]
    return doc["detail"]


def test_bad_chunk_size_is_json_400(server):
    head = request_head("POST", "/api/v1/auth/register", "Content-Type: application/json",
                        "Transfer-Encoding: chunked")
    assert_json_detail(exchange(server, head, b"zz\r\n{}\r\n0\r\n\r\n"), 400)


def test_body_over_limit_request_body_is_json_413(limited):
    head = request_head("POST", "/api/v1/auth/register", "Content-Type: application/json",
                        "Content-Length: %d" % (BODY_LIMIT * 2))
    detail = assert_json_detail(exchange(limited, head, b"x" * (BODY_LIMIT * 2)), 413)
    assert detail == "Request body too large"


def test_chunked_body_over_limit_request_body_is_json_413(limited):
    head = request_head("POST", "/api/v1/auth/register", "Content-Type: application/json",
                        "Transfer-Encoding: chunked")
    chunk = b"x" * (BODY_LIMIT * 2)
    body = b"%x\r\n%s\r\n0\r\n\r\n" % (len(chunk), chunk)
    assert_json_detail(exchange(limited, head, body), 413)


def test_bad_percent_escape_in_path_is_json_400(server):
    server.expect_log(r"AH10244: invalid URI path")
    assert_json_detail(exchange(server, request_head("GET", "/api/v1/users/%zz")), 400)


def test_header_field_over_limit_is_json_400(server):
    head = request_head("GET", "/api/v1/health", "X-Big: " + "a" * 9000)
    assert_json_detail(exchange(server, head), 400)


def test_errors_outside_the_api_stay_httpd_pages(server):
    server.expect_log(r"AH10244: invalid URI path")
    status, headers, _ = exchange(server, request_head("GET", "/static%zz.txt"))
    assert status == 400
    assert headers["content-type"].startswith("text/html")


@pytest.mark.parametrize("path", ["/api/v1/health", "/api/v1/users/me", "/static.txt"])
def test_trace_is_refused_without_echoing_authorization(server, path):
    status, _, body = exchange(server, request_head("TRACE", path, "Authorization: " + SECRET))
    assert status in (403, 405)
    assert b"trace-must-not-echo-this" not in body


def test_trace_in_the_api_answers_json(server):
    head = request_head("TRACE", "/api/v1/health", "Authorization: " + SECRET)
    assert_json_detail(exchange(server, head), 405)


def test_request_line_over_limit_is_still_refused(server):
    # httpd answers before it knows the path: its own 414 page (README)
    status, _, _ = exchange(server, request_head("GET", "/api/v1/" + "a" * 9000))
    assert status == 414
