"""Directives: bad values stop httpd at startup with a clear message,
rather than failing at request time."""
import os
import re
import subprocess

import pytest
import requests

from pampsenv import CLI, TEST_DIRECTIVES, TOP, HttpdServer, new_user


@pytest.fixture
def conf():
    servers = []

    def make(extra):
        srv = HttpdServer(extra=extra).render()
        servers.append(srv)
        return srv
    yield make
    for srv in servers:
        srv.cleanup()


@pytest.mark.parametrize("directive, message", [
    ("PampsArgon2 1024 1", "PampsArgon2"),
    ("PampsArgon2 4 1 1", "not a whole number in 8.."),
    ("PampsArgon2 1024 x 1", "'x' is not a whole number"),
    ("PampsLoginThrottle 0 5 300", "PampsLoginThrottle"),
    ("PampsRegisterLimit 0 600", "PampsRegisterLimit"),
    ("PampsRegisterLimit 10", "PampsRegisterLimit"),
    ("PampsAlgorithm RS256", "PampsAlgorithm must be HS256, HS384 or HS512"),
    ("PampsTokenTTL 0", "PampsTokenTTL"),
    ("PampsPageSize 50 20", "PampsPageSize"),
    ("PampsMaxBodySize -1", "PampsMaxBodySize"),
    ("PampsKeyFile /nonexistent/key", "PampsKeyFile: cannot read"),
    ("PampsSQLiteSync Sometimes", "PampsSQLiteSync: Full or Normal"),
])
def test_bad_directive_is_refused_at_startup(conf, directive, message):
    srv = conf(TEST_DIRECTIVES + directive + "\n")
    ok, output = srv.config_test()
    assert not ok
    assert message in output


def test_short_key_is_refused(conf, tmp_path):
    key = tmp_path / "short.key"
    key.write_text("too short\n")
    srv = conf(TEST_DIRECTIVES + "PampsKeyFile %s\n" % key)
    ok, output = srv.config_test()
    assert not ok
    assert "needs at least 32" in output


def test_good_configuration_passes(conf):
    srv = conf(TEST_DIRECTIVES + "PampsAlgorithm HS512\nPampsTokenTTL 60 120\n"
               "PampsPageSize 10 50\nPampsIssuer https://api.example.test\n"
               "PampsSQLiteSync Full\n")
    ok, output = srv.config_test()
    assert ok, output
    assert os.path.exists(os.path.join(srv.dir, "httpd.conf"))


def test_every_directive_is_documented():
    """conf/pamps.conf and README.md describe every directive the module has."""
    with open(os.path.join(TOP, "src", "httpd", "pamps_config.c")) as f:
        names = re.findall(r'AP_INIT_\w+\("(\w+)"', f.read())
    assert len(names) >= 10
    for doc in ("conf/pamps.conf", "README.md"):
        with open(os.path.join(TOP, doc)) as f:
            text = f.read()
        missing = [n for n in names if n not in text]
        assert not missing, "%s does not describe %s" % (doc, missing)


def test_unmigrated_database_gets_503_until_pamps_migrate():
    """Without PampsAutoMigrate the server says what is wrong (503, a log
    line naming 'pamps migrate') and serves once the schema is there."""
    srv = HttpdServer(extra=TEST_DIRECTIVES + "PampsAutoMigrate Off\n")
    try:
        srv.start()
        srv.mark_log()
        r = requests.get(srv.url("/health"), timeout=30)
        assert r.status_code == 503
        # it answers, but with no schema it cannot serve
        assert r.json()["status"] == "degraded"
        assert r.json()["database"] == "schema older than the module"
        assert "pamps migrate" in srv.read_log()
        env = dict(os.environ, PAMPS_DB=srv.db_spec)
        done = subprocess.run([CLI, "migrate"], env=env,
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        if srv.db_driver == "sqlite3" and os.geteuid() == 0:
            srv._give_back_wal()
        for _ in range(6):          # every pooled connection recovers
            assert requests.get(srv.url("/health"), timeout=30).status_code == 200
        r = requests.post(srv.url("/auth/register"), json={
            "username": "late_user", "email": "late@example.com", "password": "password123"},
            timeout=30)
        assert r.status_code == 201, r.text
    finally:
        srv.stop()
        srv.cleanup()


def test_protected_routes_fail_closed_without_the_auth_directives():
    """A <Location> with SetHandler pamps but no AuthType/Require serves the
    public routes and refuses the others, saying in the log what is missing."""
    srv = HttpdServer(extra=TEST_DIRECTIVES + "<Location /api/v2>\n    SetHandler pamps\n"
                      "</Location>\n")
    try:
        srv.start()
        v2 = srv.root + "/api/v2"
        assert requests.get(v2 + "/health", timeout=30).status_code == 200
        r = requests.post(v2 + "/auth/register", json={
            "username": "closed_user", "email": "closed@example.com",
            "password": "password123"}, timeout=30)
        assert r.status_code == 201
        token = requests.post(v2 + "/auth/login", json={
            "username": "closed_user", "password": "password123"},
            timeout=30).json()["access_token"]
        r = requests.get(v2 + "/tasks", headers={"Authorization": "Bearer " + token},
                         timeout=30)
        assert r.status_code == 401
        assert r.json() == {"detail": "Not authenticated"}
        assert "AuthType Bearer" in srv.read_log()
    finally:
        srv.stop()
        srv.cleanup()


def test_log_tags_are_unique():
    """Each PAMPS_LOGNO(n) tag names one call site, so a log line leads to
    its code (httpd's APLOGNO numbers are httpd's own)."""
    tags = []
    for folder in ("src/core", "src/httpd", "src/api", "src/cli", "."):
        for name in os.listdir(os.path.join(TOP, folder)):
            if name.endswith(".c"):
                with open(os.path.join(TOP, folder, name)) as f:
                    tags += re.findall(r"PAMPS_LOGNO\((\d+)\)", f.read())
    assert len(tags) >= 20
    assert sorted(set(tags)) == sorted(tags), "a tag is used twice"


def test_a_mount_point_with_a_trailing_slash():
    """<Location /api/v3/>: routes, Location headers and the OpenAPI server
    URL come out without a doubled slash."""
    srv = HttpdServer(extra=TEST_DIRECTIVES + "<Location /api/v3/>\n    SetHandler pamps\n"
                      "    AuthType Bearer\n    Require pamps-token\n</Location>\n")
    try:
        srv.start()
        v3 = srv.root + "/api/v3"
        assert requests.get(v3 + "/health", timeout=30).status_code == 200
        r = requests.post(v3 + "/auth/register", json={
            "username": "slash_user", "email": "slash@example.com",
            "password": "password123"}, timeout=30)
        assert r.status_code == 201
        assert r.headers["Location"] == "/api/v3/users/slash_user"
        assert requests.get(v3 + "/openapi.json", timeout=30).json()["servers"] == [
            {"url": "/api/v3"}]
    finally:
        srv.stop()
        srv.cleanup()


def test_pamps_mount_names_the_mount_point_of_a_location_match():
    srv = HttpdServer(extra=TEST_DIRECTIVES + '<LocationMatch "^/api/v5">\n'
                      "    SetHandler pamps\n    PampsMount /api/v5\n"
                      "    AuthType Bearer\n    Require pamps-token\n</LocationMatch>\n")
    try:
        srv.start()
        assert requests.get(srv.root + "/api/v5/health", timeout=30).status_code == 200
        assert requests.get(srv.root + "/api/v5/tasks", timeout=30).status_code == 401
    finally:
        srv.stop()
        srv.cleanup()


def test_the_sqlite_write_mutex_follows_the_mutex_directive(tmp_path):
    """pamps-sqlite-write is registered with httpd: `Mutex` picks its
    mechanism and lock directory, and writes go through it."""
    locks = tmp_path / "locks"
    locks.mkdir()
    srv = HttpdServer(extra=TEST_DIRECTIVES + "Mutex flock:%s pamps-sqlite-write\n" % locks)
    try:
        srv.start()
        me = new_user(srv)
        for i in range(3):
            assert me.post("/tasks", json={"title": "t%d" % i}).status_code == 201
        # flock keeps its file (fcntl unlinks it at once)
        assert any("pamps-sqlite-write" in name for name in os.listdir(locks)), os.listdir(locks)
    finally:
        srv.stop()
        srv.cleanup()


def test_test_servers_stop_gracefully():
    """The harness stops with graceful-stop (AH00492), the way README
    "Stopping" recommends: an ungraceful stop (AH00491) while a connection is
    being served can crash a child of the event MPM, which made this suite
    fail now and then."""
    srv = HttpdServer()
    try:
        srv.start()
        assert requests.get(srv.url("/health"), timeout=30).status_code == 200
        srv.stop()
        log = srv.read_log()
        assert "AH00492" in log and "AH00491" not in log, log
    finally:
        srv.cleanup()
