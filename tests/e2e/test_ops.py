"""Operating the module like a stock Apache module: the mount point under
nested sections, log tags, the failed-login line fail2ban watches."""
import os
import shutil
import tempfile
import re

import pytest
import requests

from pampsenv import (BACKEND, STATUS_LOCATION, TEST_DIRECTIVES, TOP, Client, HttpdServer, jwt_parts,
                      jwt_sign, server_key, status_values, wait_until)


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


def fail2ban_regexes():
    """The shipped filter's failregex lines as Python regexes (<HOST> as
    fail2ban expands it, roughly; the prefix substituted)."""
    with open(os.path.join(TOP, "conf", "fail2ban", "filter.d", "pamps.conf")) as f:
        text = f.read()
    prefix = re.search(r"^_pamps_prefix = (.*)$", text, re.M).group(1)
    block = re.search(r"^failregex = (.*?)\n\n", text, re.M | re.S).group(1)
    host = r"(?P<host>[\w.:-]+)"
    return [re.compile(line.strip().replace("%(_pamps_prefix)s", prefix)
                       .replace("<HOST>", host)) for line in block.splitlines()]


def test_log_lines_are_tagged_with_the_module(started):
    """[pamps:info], so that LogLevel pamps:info turns on the module's own
    info lines (a rejected token) and nothing else's."""
    srv = started(HttpdServer(extra=TEST_DIRECTIVES + "LogLevel warn pamps:info\n"))
    r = requests.get(srv.url("/users/me"), headers={"Authorization": "Bearer x.y.z"},
                     timeout=10)
    assert r.status_code == 401
    lines = [l for l in srv.read_log().splitlines() if "PAMPS301" in l]
    assert lines and all("[pamps:info]" in l for l in lines), srv.read_log()
    assert "[:" not in srv.read_log()


def test_failed_login_is_logged_for_fail2ban(started):
    """A failed login: one notice line with the address and the account,
    never the password; the shipped fail2ban filter finds the address, also
    when the account name tries to pose as another."""
    srv = started(HttpdServer(extra=TEST_DIRECTIVES + "LogLevel warn pamps:notice\n"))
    c = Client(srv)
    c.register()
    for name in (c.username, 'x" PAMPS405: login failed from 10.9.8.7 for account "y'):
        r = requests.post(srv.url("/auth/login"),
                          json={"username": name, "password": "Wrong-secret-42"}, timeout=30)
        assert r.status_code == 401
    lines = [l for l in srv.read_log().splitlines() if "login failed" in l]
    assert len(lines) == 2, srv.read_log()
    assert "Wrong-secret-42" not in srv.read_log()
    assert all("[pamps:notice]" in l and "from 127.0.0.1 " in l for l in lines)
    assert '"%s"' % c.username in lines[0]
    regexes = fail2ban_regexes()
    for line in lines:
        hosts = [m.group("host") for m in (rx.search(line) for rx in regexes) if m]
        assert hosts == ["127.0.0.1"], line


def test_throttled_login_is_logged(started):
    srv = started(HttpdServer(extra="PampsArgon2 1024 1 1\nPampsLoginThrottle 2 100 300\n"
                              "LogLevel warn pamps:notice\n"))
    c = Client(srv)
    c.register()
    codes = [requests.post(srv.url("/auth/login"),
                           json={"username": c.username, "password": "Wrong-secret-42"},
                           timeout=30).status_code for _ in range(3)]
    assert codes == [401, 401, 429]
    lines = [l for l in srv.read_log().splitlines() if "PAMPS602" in l]
    assert len(lines) == 1 and "login throttled from 127.0.0.1" in lines[0]
    assert [m.group("host") for m in (rx.search(lines[0]) for rx in fail2ban_regexes())
            if m] == ["127.0.0.1"]


def write_key(path, secret):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(secret + b"\n")


def reload(node, extra):
    """A graceful restart with the node's configuration rendered anew."""
    node.extra = extra
    node.render()
    res = node._ctl("-k", "graceful")
    assert res.returncode == 0, res.stdout + res.stderr


def kid_of(token):
    return jwt_parts(token)[0].get("kid")


def test_key_rotation_across_two_nodes(started):
    """The rotation procedure of the README on two nodes sharing one
    database: a new key added on every node signs, while the tokens of the
    old one (and those from before tokens named their key) keep working on
    both nodes until the old key is removed."""
    a = started(HttpdServer())
    params = a.db_params if a.db_driver == "pgsql" else a.db_path
    data = tempfile.mkdtemp(prefix="pamps-e2e-")
    shutil.copy(os.path.join(a.dir, "jwt.key"), os.path.join(data, "jwt.key"))
    b = started(HttpdServer(db_driver=a.db_driver, db_params=params, data_dir=data))
    nodes = (a, b)
    old_key = server_key(a)

    alice = Client(a)
    alice.register()
    alice.login()
    old_token, old_kid = alice.access, kid_of(alice.access)
    assert old_kid
    head, payload = jwt_parts(old_token)
    legacy = jwt_sign(payload, old_key)            # no kid: issued before this change
    assert kid_of(legacy) is None

    def works(node, token):
        r = requests.get(node.url("/users/me"), headers={"Authorization": "Bearer " + token},
                         timeout=10)
        assert r.status_code in (200, 401), r.text
        return r.status_code == 200

    def fresh_token(node):
        c = Client(node, username=alice.username, password=alice.password)
        c.login()
        return c.access

    # 1. a new key on every node, after the old one: it signs
    new_key = b"n3w-" + os.urandom(33).hex().encode()
    for node in nodes:
        write_key(os.path.join(node.dir, "new.key"), new_key)
        reload(node, TEST_DIRECTIVES + "PampsKeyFile %s\n" % os.path.join(node.dir, "new.key"))
    for node in nodes:
        wait_until(lambda: kid_of(fresh_token(node)) != old_kid,
                   what="the new key to sign on port %d" % node.port)
    new_token = fresh_token(b)
    new_kid = kid_of(new_token)
    assert new_kid and kid_of(fresh_token(a)) == new_kid    # the same id on every node
    for node in nodes:
        assert works(node, new_token)
        assert works(node, old_token)
        assert works(node, legacy)

    # 2. the old key removed (after the refresh lifetime): its tokens end
    # (here: the new key moved into the file the old one was in)
    for node in nodes:
        write_key(os.path.join(node.dir, "jwt.key"), new_key)
        reload(node, TEST_DIRECTIVES)
    for node in nodes:
        wait_until(lambda: not works(node, old_token), what="the old key to go")
        assert not works(node, legacy)
        assert works(node, new_token)
        assert kid_of(fresh_token(node)) == new_kid


def test_key_id_rules(tmp_path):
    key = tmp_path / "k.key"
    write_key(str(key), b"x" * 20 + b"0123456789abcdef")
    for line, message in [("PampsKeyFile %s bad/kid" % key, "key id 'bad/kid' must be"),
                          ("PampsKeyFile %s same\nPampsKeyFile %s same" % (key, key),
                           "key id 'same'")]:
        srv = HttpdServer(extra=TEST_DIRECTIVES + line + "\n").render()
        try:
            ok, output = srv.config_test()
        finally:
            srv.cleanup()
        assert not ok and message in output, output


# --- startup refusals: `apache2 -t` says what would fail at request time ---

class EditedServer(HttpdServer):
    """A server whose rendered httpd.conf passes through edit(text)."""

    def __init__(self, edit, **kw):
        super().__init__(**kw)
        self.edit = edit

    def render(self):
        super().render()
        path = os.path.join(self.dir, "httpd.conf")
        with open(path) as f:
            text = f.read()
        with open(path, "w") as f:
            f.write(self.edit(text))
        return self


@pytest.fixture
def checked_conf():
    servers = []

    def config_test(srv, prepare=None):
        servers.append(srv)
        srv.render()
        if prepare:
            prepare(srv)
        return srv.config_test()
    yield config_test
    for srv in servers:
        srv.cleanup()


def without_key(text):
    return "\n".join(l for l in text.splitlines() if not l.startswith("PampsKeyFile"))


def test_handler_without_key_is_refused(checked_conf):
    ok, output = checked_conf(EditedServer(without_key))
    assert not ok
    assert "needs a PampsKeyFile" in output and "httpd.conf:" in output, output


def test_module_loaded_but_unused_needs_no_key(checked_conf):
    ok, output = checked_conf(EditedServer(
        lambda t: without_key(t).replace("SetHandler pamps", "SetHandler none")))
    assert ok, output


@pytest.mark.parametrize("directive, message", [
    ("PampsTokenTTL 900 600", "refresh token lifetime (600 s) is shorter than the access"),
    ("PampsTokenTTL 2000000", "refresh token lifetime (1209600 s) is shorter"),
    ("PampsPageSize 200 100", "default page size 200 is larger than the maximum 100"),
])
def test_inconsistent_values_are_refused(checked_conf, directive, message):
    ok, output = checked_conf(HttpdServer(extra=TEST_DIRECTIVES + directive + "\n"))
    assert not ok and message in output, output


@pytest.mark.parametrize("content, mode, message", [
    (b" " * 41 + b"\n", 0o600, "holds no secret"),
    (b"a" * 48, 0o600, "holds no secret"),
    (b"0123456789abcdef0123456789abcdef-key", 0o644, "is readable by every user"),
])
def test_weak_or_exposed_key_is_refused(checked_conf, tmp_path, content, mode, message):
    key = tmp_path / "k.key"
    write_key(str(key), content.rstrip(b"\n"))
    os.chmod(str(key), mode)
    ok, output = checked_conf(HttpdServer(extra=TEST_DIRECTIVES + "PampsKeyFile %s\n" % key))
    assert not ok and message in output and str(key) in output, output


def test_group_readable_key_is_accepted(checked_conf, tmp_path):
    """The Debian package's key: root:www-data 0640."""
    key = tmp_path / "k.key"
    write_key(str(key), b"0123456789abcdef0123456789abcdef-key")
    os.chmod(str(key), 0o640)
    ok, output = checked_conf(HttpdServer(extra=TEST_DIRECTIVES + "PampsKeyFile %s\n" % key))
    assert ok, output


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root (children run as www-data)")
def test_database_www_data_cannot_write_is_refused(checked_conf):
    """A data directory, or a database file, the worker user cannot write:
    refused naming the path and the user (on PostgreSQL: no such check, and
    no false alarm)."""
    def root_dir(srv):
        os.chown(srv.dir, 0, 0)
        os.chmod(srv.dir, 0o755)

    ok, output = checked_conf(HttpdServer(), root_dir)
    if BACKEND == "pgsql":
        assert ok, output
        return
    assert not ok
    assert "database directory '%s' is not writable by user www-data" % srv_dir(output) in output

    def root_file(srv):
        with open(srv.db_path, "w"):
            pass
        os.chown(srv.db_path, 0, 0)
        os.chmod(srv.db_path, 0o644)

    ok, output = checked_conf(HttpdServer(), root_file)
    assert not ok
    assert "pamps.db' is not writable by user www-data" in output, output
    assert "readonly database" in output


def srv_dir(output):
    return re.search(r"database directory '([^']+)'", output).group(1)


# --- /health: degraded when the database answers but cannot serve ---

def test_health_degraded_when_the_schema_differs(started):
    srv = started(HttpdServer())
    assert requests.get(srv.url("/health"), timeout=10).json()["status"] == "healthy"
    latest = srv.sql("SELECT MAX(version) FROM pamps_schema_migrations")[0][0]
    srv.sql("INSERT INTO pamps_schema_migrations (version, name, applied_at)"
            " VALUES (?, 'from_the_future', '2030-01-01T00:00:00Z')", (latest + 1,))
    r = requests.get(srv.url("/health"), timeout=10)
    assert r.status_code == 503
    assert r.json()["status"] == "degraded"
    assert r.json()["database"] == "schema newer than the module"
    srv.sql("DELETE FROM pamps_schema_migrations WHERE version >= ?", (latest,))
    r = requests.get(srv.url("/health"), timeout=10)
    assert r.status_code == 503
    assert r.json() == {"status": "degraded", "database": "schema older than the module",
                        "version": r.json()["version"], "environment": "test"}


# --- observability: mod_status section, notes for LogFormat ---

STATUS = STATUS_LOCATION + """
LogFormat "%{pamps-route}n|%{pamps-db-us}n|%u|%D|%>s" pampsroute
CustomLog "logs-route.log" pampsroute
"""


def test_status_section_and_log_notes(started):
    srv = started(AppendedServer(STATUS, extra="PampsArgon2 1024 1 1\n"
                                 "PampsLoginThrottle 2 100000 300\n"))
    before = status_values(srv)
    c = Client(srv)
    c.register()
    c.login()
    assert c.get("/users/me").status_code == 200
    assert c.get("/tasks/999999999").status_code == 404
    assert requests.get(srv.url("/no/such/path"), timeout=10).status_code == 404
    codes = [requests.post(srv.url("/auth/login"),
                           json={"username": c.username, "password": "Wrong-secret-42"},
                           timeout=30).status_code for _ in range(3)]
    assert codes == [401, 401, 429]
    after = {}

    def grew(key):
        return int(after[key]) - int(before.get(key, 0))

    def counted():
        # a request is counted once logged, just after its response
        after.update(status_values(srv))
        return (grew("Pamps auth requests") == 5
                and after["Pamps DB connections held"] == "0")  # none outside a request

    wait_until(counted, what="the last request to be counted")
    assert grew("Pamps auth requests") == 5                 # register, login, 3 failed
    assert grew("Pamps auth 4xx") == 3
    assert grew("Pamps users requests") == 1
    assert grew("Pamps tasks 4xx") == 1
    assert grew("Pamps unrouted requests") == 1
    assert grew("Pamps login failures") == 2
    assert grew("Pamps logins throttled") == 1
    assert grew("Pamps DB calls") > 5
    assert float(after["Pamps DB mean us"]) > 0
    html = requests.get(srv.root + "/server-status", timeout=10).text
    assert "<h2>mod_pamps</h2>" in html

    with open(os.path.join(srv.dir, "logs-route.log")) as f:
        lines = [l.rstrip("\n").split("|") for l in f]
    me = [l for l in lines if l[0] == "GET /users/me"]
    assert len(me) == 1
    assert me[0][2] == c.username and int(me[0][1]) > 0 and me[0][4] == "200"
    assert any(l[0] == "POST /auth/login" and l[4] == "429" for l in lines)


def test_health_degraded_when_the_database_is_read_only(started):
    """SQLite: the file turned root's since the start; PostgreSQL: the
    database made read-only (a standby answers alike)."""
    srv = started(HttpdServer())
    assert requests.get(srv.url("/health"), timeout=10).json()["status"] == "healthy"
    if srv.db_driver == "sqlite3":
        if os.geteuid() != 0:
            pytest.skip("needs root (children run as www-data)")
        os.chown(srv.db_path, 0, 0)
        os.chmod(srv.db_path, 0o644)
    else:
        dbname = re.search(r"dbname=(\S+)", srv.db_params).group(1)
        srv.sql("ALTER DATABASE %s SET default_transaction_read_only = on" % dbname)
        srv.stop()              # new connections take the setting
        srv.start()
    try:
        r = requests.get(srv.url("/health"), timeout=10)
        assert r.status_code == 503
        assert r.json()["status"] == "degraded"
        assert r.json()["database"] == "database read-only"
    finally:
        if srv.db_driver == "sqlite3":      # the children close it at stop
            st = os.stat(srv.dir)
            os.chown(srv.db_path, st.st_uid, st.st_gid)
