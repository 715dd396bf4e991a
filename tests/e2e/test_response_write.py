"""A response goes out when its handler is done (pamps_http.c, pass_body).

Left to itself httpd holds a response under 4 KB back until it has looked
for a pipelined request, and only then writes it. A client that sends one
request at a time has sent none by then, so its connection went round the
listener before each next request: a user whose task page was 3.2 KB got
half the requests per second of one whose page was 4.2 KB. mod_dumpio logs
what passes on the connection, in order: the flush has to come after the
response and before httpd's look for the next request."""
import re
import socket

import pytest

from pampsenv import checked, extra_server, new_user, wait_until

DUMPIO = """
LoadModule dumpio_module /usr/lib/apache2/modules/mod_dumpio.so
DumpIOInput On
DumpIOOutput On
LogLevel dumpio:trace7
"""
LOOK_FOR_NEXT = "[speculative-nonblocking]"


@pytest.fixture(scope="module")
def dumpio_server():
    yield from extra_server(DUMPIO)


@pytest.fixture
def dumped(dumpio_server):
    yield from checked(dumpio_server)


def read_response(sock):
    """One response off a kept-alive connection: (head, body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, body = data.split(b"\r\n\r\n", 1)
    length = re.search(rb"(?i)\r\ncontent-length: (\d+)", head)
    want = int(length.group(1)) if length else 0
    while len(body) < want:
        body += sock.recv(65536)
    return head.decode(), body


def connection_log(srv, text):
    """Sends text on a fresh kept-alive connection, reads the response and
    returns it with mod_dumpio's lines for that connection, up to httpd's
    look for a next request."""
    with socket.create_connection(("127.0.0.1", srv.port), timeout=10) as sock:
        client = "[client 127.0.0.1:%d]" % sock.getsockname()[1]
        sock.sendall(text.encode())
        head, body = read_response(sock)

        def lines():
            return [line for line in srv.read_log().splitlines() if client in line]

        wait_until(lambda: any(LOOK_FOR_NEXT in line for line in lines()),
                   what="httpd to look for a next request")
    seen = lines()
    return head, body, seen[:next(i for i, line in enumerate(seen) if LOOK_FOR_NEXT in line)]


def request(method, path, token, more=""):
    return ("%s /api/v1%s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n%s\r\n"
            % (method, path, token, more))


def assert_flushed_after_response(before_look):
    out = [line for line in before_look if "dumpio_out (" in line]
    last_data = max(i for i, line in enumerate(out) if "dumpio_out (data-" in line)
    assert any("(metadata-FLUSH)" in line for line in out[last_data:]), "\n".join(out)


def test_small_response_is_flushed_before_httpd_looks_for_the_next_request(dumped):
    me = new_user(dumped)
    assert me.post("/tasks", json={"title": "one"}).status_code == 201
    head, body, before_look = connection_log(dumped, request("GET", "/tasks", me.access))
    assert head.startswith("HTTP/1.1 200 "), head
    assert b'"title":"one"' in body
    assert_flushed_after_response(before_look)


def test_not_modified_is_flushed_too(dumped):
    me = new_user(dumped)
    tag = me.get("/tasks").headers["ETag"]
    head, body, before_look = connection_log(
        dumped, request("GET", "/tasks", me.access, "If-None-Match: %s\r\n" % tag))
    assert head.startswith("HTTP/1.1 304 "), head
    assert body == b""
    assert_flushed_after_response(before_look)


def test_error_response_is_flushed_too(dumped):
    head, body, before_look = connection_log(dumped, request("GET", "/tasks/1", "not-a-token"))
    assert head.startswith("HTTP/1.1 401 "), head
    assert body.startswith(b'{"detail":')
    assert_flushed_after_response(before_look)


def test_no_content_is_flushed_too(dumped):
    me = new_user(dumped)
    task = me.post("/tasks", json={"title": "gone"}).json()["id"]
    head, body, before_look = connection_log(
        dumped, request("DELETE", "/tasks/%d" % task, me.access))
    assert head.startswith("HTTP/1.1 204 "), head
    assert body == b""
    assert_flushed_after_response(before_look)
    assert me.get("/tasks/%d" % task).status_code == 404


def test_large_response_is_left_to_httpd(dumped):
    # 8 KB and more: a flush would be a blocking write that holds the worker
    # on a slow client; httpd writes such a response on its own
    me = new_user(dumped)
    for i in range(40):
        assert me.post("/tasks", json={"title": "%03d" % i + "t" * 190}).status_code == 201
    head, body, before_look = connection_log(dumped, request("GET", "/tasks?limit=40",
                                                             me.access))
    assert head.startswith("HTTP/1.1 200 "), head
    assert len(body) >= 8192
    assert not any("(metadata-FLUSH)" in line for line in before_look), "\n".join(before_look)
