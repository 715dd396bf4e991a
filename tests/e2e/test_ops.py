"""Operating the module like a stock Apache module: the mount point under
nested sections, log tags, the failed-login line fail2ban watches."""
import os
import re

import pytest
import requests

from pampsenv import TEST_DIRECTIVES, HttpdServer, Client, unique


class AppendedServer(HttpdServer):
    """A server whose httpd.conf gets `tail` after the API's <Location>
    (sections apply in the order they are written)."""

    def __init__(self, tail, **kw):
        super().__init__(**kw)
        self.tail = tail

    def render(self):
        super().render()
        with open(os.path.join(self.dir, "httpd.conf"), "a") as f:
            f.write(self.tail)
        return self


@pytest.fixture
def started():
    servers = []

    def start(srv):
        servers.append(srv)
        return srv.start()
    yield start
    for srv in servers:
        srv.stop()
        srv.cleanup()


NESTED = """
<Location /api/v1/docs>
    Header always set X-Nested docs
</Location>
<Location /api/v1/tasks>
    Header always set X-Nested tasks
</Location>
"""


def test_nested_location_keeps_the_mount(started):
    """A nested <Location> without SetHandler adds its headers; the API
    still answers under the section that set the handler."""
    srv = started(AppendedServer(
        "LoadModule headers_module /usr/lib/apache2/modules/mod_headers.so\n" + NESTED))
    r = requests.get(srv.url("/docs"), timeout=10)
    assert r.status_code == 200, r.text
    assert r.headers.get("X-Nested") == "docs"
    c = Client(srv)
    c.register()
    c.login()
    r = c.post("/tasks", json={"title": "nested"})
    assert r.status_code == 201, r.text
    assert r.headers["Location"].startswith("/api/v1/tasks/")
    assert r.headers.get("X-Nested") == "tasks"
    r = c.get("/tasks")
    assert r.status_code == 200, r.text
