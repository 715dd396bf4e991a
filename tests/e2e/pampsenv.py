"""A private httpd with the freshly built mod_pamps, for end-to-end tests.

Each server gets its own directory (config, SQLite file, JWT key, logs) and a
free loopback port; it is started with `apache2 -k start` and stopped with
`-k graceful-stop` (README "Stopping": an ungraceful stop races in httpd's
event MPM). The error log is read after every test: lines at warn level or
worse fail the test unless the test said it expects them.

PAMPS_TEST_DB=sqlite3 (default) or pgsql picks the backend of every server a
test starts: with pgsql, one private PostgreSQL cluster serves the session and
each server gets a fresh database in it.

`make test-asan` runs the same tests on the sanitizer build: PAMPS_TEST_MODULE
and PAMPS_TEST_CLI name its module and pamps command, PAMPS_TEST_PRELOAD the
ASan runtime that the (uninstrumented) httpd is started with. Every report
then goes to a file (asan.PID, ubsan.PID) in the server's directory, or in
SANITIZER_DIR for the command, and fails the test that made it.
"""
import atexit
import base64
import glob
import hashlib
import hmac
import json
import os
import resource
import re
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import time
import uuid

import requests

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MODULE = os.environ.get("PAMPS_TEST_MODULE") or os.path.join(TOP, ".libs", "mod_pamps.so")
CLI = os.environ.get("PAMPS_TEST_CLI") or os.path.join(TOP, "pamps")
PRELOAD = os.environ.get("PAMPS_TEST_PRELOAD", "")
APACHE = "/usr/sbin/apache2"

# Cheap argon2 cost and a high per-address limit: the suite logs in a lot
# from 127.0.0.1. Tests of the defaults start their own server.
TEST_DIRECTIVES = """
PampsArgon2 1024 1 1
PampsLoginThrottle 5 100000 300
"""

BAD_LOG_LINE = re.compile(r"\[[a-z_0-9]*:(warn|error|crit|alert|emerg)\]")
# a child killed by a signal (a crash, or a sanitizer's abort), which httpd
# logs at notice level (AH00052 "child pid N exit signal ..."), or a report
# on stderr: gcc's UBSan runtime, loaded beside ASan's, ignores log_path
CRASH_LOG_LINE = re.compile(r"AH00052|exit signal|runtime error:|[A-Za-z]+Sanitizer")

BACKEND = os.environ.get("PAMPS_TEST_DB", "sqlite3")
assert BACKEND in ("sqlite3", "pgsql"), "PAMPS_TEST_DB must be sqlite3 or pgsql"
_cluster = None


def sanitizer_env(directory, leaks=False):
    """ASAN_OPTIONS and UBSAN_OPTIONS that make any report fatal and write it
    into directory; empty without a sanitizer build. httpd frees its pools
    only partly at exit, so its processes run without leak detection."""
    if not PRELOAD:
        return {}
    return {"ASAN_OPTIONS": ":".join([
                "detect_leaks=%d" % leaks, "halt_on_error=1", "abort_on_error=1",
                "disable_coredump=1", "log_path=" + os.path.join(directory, "asan")]),
            "UBSAN_OPTIONS": ":".join([
                "print_stacktrace=1", "halt_on_error=1", "abort_on_error=1",
                "log_path=" + os.path.join(directory, "ubsan")])}


def httpd_env(directory, preload_var="LD_PRELOAD"):
    """The environment of an httpd whose ServerRoot is directory: with a
    sanitizer build, the runtime preloaded (preload_var names the variable:
    scripts/run.sh takes HTTPD_PRELOAD) and reports into directory."""
    env = dict(os.environ)
    if PRELOAD:
        env[preload_var] = PRELOAD
        env.update(sanitizer_env(directory))
    return env


def sanitizer_reports(directory):
    """The paths of the sanitizer reports written into directory."""
    return set(glob.glob(os.path.join(directory, "asan.*"))
               + glob.glob(os.path.join(directory, "ubsan.*")))


def report_texts(paths):
    texts = []
    for path in sorted(paths):
        with open(path, errors="replace") as f:
            texts.append(path + ":\n" + f.read())
    return texts


# the pamps command's reports (leaks included), for the whole session; the
# directory stays when it holds any
SANITIZER_DIR = None
if PRELOAD:
    SANITIZER_DIR = tempfile.mkdtemp(prefix="pamps-sanitizer-")
    os.environ.update(sanitizer_env(SANITIZER_DIR, leaks=True))
    atexit.register(lambda: sanitizer_reports(SANITIZER_DIR) or os.rmdir(SANITIZER_DIR))


def pg_cluster():
    """The session's PostgreSQL cluster, started on first use."""
    global _cluster
    if _cluster is None:
        from pgcluster import PostgresCluster
        _cluster = PostgresCluster().init().start()
        atexit.register(_cluster.cleanup)
    return _cluster


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# mod_status's page, where the module's counters show (pamps_stats.c)
STATUS_LOCATION = """
LoadModule status_module /usr/lib/apache2/modules/mod_status.so
<Location /server-status>
    SetHandler server-status
    Require all granted
</Location>
"""


def status_values(srv):
    """The module's lines of /server-status?auto (STATUS_LOCATION)."""
    r = requests.get(srv.root + "/server-status?auto", timeout=10)
    assert r.status_code == 200, r.text
    return dict(line.split(": ", 1) for line in r.text.splitlines()
                if line.startswith("Pamps "))


def wait_until(predicate, timeout=15.0, what="condition"):
    """Polls predicate until true; readiness checks, never synchronisation."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise TimeoutError("timed out waiting for " + what)


def _allow_cores():
    """In the started httpd: core files allowed (a crash leaves one in the
    server's CoreDumpDirectory)."""
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    except (ValueError, OSError):
        pass


def _core_pattern():
    try:
        with open("/proc/sys/kernel/core_pattern") as f:
            return f.read().strip()
    except OSError:
        return "?"


class HttpdServer:
    def __init__(self, extra=TEST_DIRECTIVES, db_driver=None, db_params=None,
                 data_dir=None, port=None):
        db_driver = db_driver or BACKEND
        if db_driver == "pgsql" and db_params is None:
            db_params = pg_cluster().create_database("pamps_" + uuid.uuid4().hex[:12])
        self.port = port or free_port()
        self.dir = data_dir or tempfile.mkdtemp(prefix="pamps-e2e-")
        os.chmod(self.dir, 0o755)
        self.extra = extra
        self.db_driver = db_driver
        self.db_params = db_params
        self.base = "http://127.0.0.1:%d/api/v1" % self.port
        self.root = "http://127.0.0.1:%d" % self.port
        self.error_log = os.path.join(self.dir, "error.log")
        self.expected = []
        self._log_offset = 0
        self._reports_seen = set()

    @property
    def db_path(self):
        return os.path.join(self.dir, "pamps.db")

    @property
    def db_spec(self):
        """The database as the pamps command names it (--db / PAMPS_DB)."""
        if self.db_driver == "pgsql":
            return "pgsql:" + self.db_params
        return "sqlite3:" + self.db_path

    def sql(self, statement, args=()):
        """Runs one statement on the server's database, '?' placeholders, and
        returns the rows (values as the driver gives them; numbers as int)."""
        if self.db_driver == "sqlite3":
            con = sqlite3.connect(self.db_path, timeout=10)
            try:
                with con:
                    rows = con.execute(statement, args).fetchall()
            finally:
                con.close()
            self._give_back_wal()
            return rows
        # psql takes no parameters: the tests' own values, quoted as literals
        parts = statement.split("?")
        assert len(parts) == len(args) + 1, statement
        text = parts[0] + "".join(_pg_literal(a) + p for a, p in zip(args, parts[1:]))
        out = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-F", "\t", "-v",
                              "ON_ERROR_STOP=1", "-c", text, self.db_params],  # a conninfo string
                             check=True, capture_output=True, text=True).stdout
        return [tuple(_pg_value(v) for v in line.split("\t"))
                for line in out.splitlines() if line]

    def _give_back_wal(self):
        # run as root, this process may have made the WAL files: give them
        # back to whoever owns the database, or the httpd children cannot write
        st = os.stat(self.db_path)
        for suffix in ("-wal", "-shm"):
            path = self.db_path + suffix
            if os.geteuid() == 0 and os.path.exists(path):
                os.chown(path, st.st_uid, st.st_gid)

    def _ctl(self, *args):
        return subprocess.run([APACHE, "-d", self.dir, "-f",
                               os.path.join(self.dir, "httpd.conf")] + list(args),
                              capture_output=True, text=True, env=httpd_env(self.dir),
                              preexec_fn=_allow_cores)

    @property
    def core_dir(self):
        return os.path.join(self.dir, "cores")

    def _backtraces(self):
        """gdb's backtraces of the cores a crashed child left (CoreDumpDirectory),
        so that a crash seen once tells where it was."""
        out = []
        cores = sorted(glob.glob(os.path.join(self.core_dir, "core*")))
        if not cores or not shutil.which("gdb"):
            return ["(no core file: core_pattern %s)" % _core_pattern()] if not cores else []
        for core in cores[:2]:
            # the crashed thread first, then every thread's top frames
            res = subprocess.run(["gdb", "-batch", "-nx", "-ex", "bt 40",
                                  "-ex", "thread apply all bt 6", APACHE, core],
                                 capture_output=True, text=True, timeout=120)
            out.append("%s:\n%s" % (core, res.stdout[:10000]))
        return out

    def render(self):
        """Writes the server's httpd.conf (and key, docroot) into its directory."""
        env = dict(os.environ, DB_DRIVER=self.db_driver, ENVIRONMENT="test")
        if self.db_params:
            env["DB_PARAMS"] = self.db_params
        os.makedirs(self.core_dir, exist_ok=True)
        os.chmod(self.core_dir, 0o777)      # the children's user writes there
        subprocess.run(["sh", os.path.join(TOP, "scripts", "render_conf.sh"), TOP,
                        MODULE, str(self.port), self.dir,
                        self.extra + "\nCoreDumpDirectory %s\n" % self.core_dir],
                       check=True, env=env)
        return self

    def config_test(self):
        """`apache2 -t` on the rendered configuration: (ok, output)."""
        res = self._ctl("-t")
        return res.returncode == 0, res.stdout + res.stderr

    def start(self):
        self.render()
        res = self._ctl("-k", "start")
        if res.returncode != 0:
            raise RuntimeError("httpd did not start: %s%s\n%s" % (
                res.stdout, res.stderr, self.read_log()))
        wait_until(self._healthy, what="httpd on port %d" % self.port)
        return self

    def _healthy(self):
        try:
            return requests.get(self.base + "/health", timeout=1).status_code in (200, 503)
        except requests.RequestException:
            return False

    def stop(self):
        pidfile = os.path.join(self.dir, "httpd.pid")
        pid = None
        if os.path.exists(pidfile):
            with open(pidfile) as f:
                pid = int(f.read().strip() or 0)
        self._ctl("-k", "graceful-stop")
        if pid:
            wait_until(lambda: not _alive(pid), what="httpd to stop")
        # what went wrong during shutdown, or in no test's time
        bad = self.new_reports() + [line for line in self.read_log().splitlines()
                                    if CRASH_LOG_LINE.search(line)]
        if bad:
            bad += self._backtraces()
        assert not bad, "httpd in %s crashed or was caught by a sanitizer:\n%s" % (
            self.dir, "\n".join(bad))

    def cleanup(self):
        # a server only checked (apache2 -t) or started without a test's check
        bad = self.new_reports()
        assert not bad, "sanitizer reports in %s:\n%s" % (self.dir, "\n".join(bad))
        shutil.rmtree(self.dir, ignore_errors=True)

    def read_log(self):
        try:
            with open(self.error_log, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    # error-log checking, per test
    def mark_log(self):
        self._log_offset = len(self.read_log())
        self.expected = []

    def expect_log(self, pattern):
        """The running test provokes a log line matching pattern on purpose."""
        self.expected.append(re.compile(pattern))

    def unexpected_log_lines(self):
        new = self.read_log()[self._log_offset:]
        bad = []
        for line in new.splitlines():
            if CRASH_LOG_LINE.search(line):
                bad.append(line)
            elif BAD_LOG_LINE.search(line) and not any(p.search(line) for p in self.expected):
                bad.append(line)
        return bad + self.new_reports()

    def new_reports(self):
        """Sanitizer reports written since the last call (or mark_log); an
        installed server (no directory of ours) writes none here."""
        if not self.dir:
            return []
        reports = sanitizer_reports(self.dir)
        new, self._reports_seen = reports - self._reports_seen, reports
        return report_texts(new)

    def url(self, path):
        return self.base + path


class InstalledServer(HttpdServer):
    """An httpd this harness did not start: make test-deb's system Apache
    with the installed package, named by PAMPS_TEST_INSTALLED (its root
    URL; the API under /api/v1), PAMPS_TEST_INSTALLED_DB (the database as
    the pamps command names it) and PAMPS_TEST_INSTALLED_LOG (its error log).
    Starting, stopping and cleaning up are the caller's."""

    def __init__(self, root, db_spec, error_log):
        self.db_driver, _, self.db_params = db_spec.partition(":")
        self.root = root.rstrip("/")
        self.base = self.root + "/api/v1"
        self.port = int(self.root.rsplit(":", 1)[1])
        self.dir = None
        self.error_log = error_log
        self.expected = []
        self._log_offset = 0

    @classmethod
    def from_environment(cls):
        return cls(os.environ["PAMPS_TEST_INSTALLED"], os.environ["PAMPS_TEST_INSTALLED_DB"],
                   os.environ["PAMPS_TEST_INSTALLED_LOG"])

    @property
    def db_path(self):
        return self.db_params

    def start(self):
        wait_until(self._healthy, what="the installed httpd at " + self.root)
        return self

    def stop(self):
        pass

    def cleanup(self):
        pass


def _pg_literal(value):
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def _pg_value(text):
    return int(text) if re.fullmatch(r"-?\d+", text) else text


def _alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def unique(prefix="u"):
    return (prefix + uuid.uuid4().hex)[:20]


class Client:
    """A logged-in (or anonymous) user of one server."""

    def __init__(self, server, username=None, password="password123", email=None):
        self.server = server
        self.username = username
        self.password = password
        self.email = email
        self.access = None
        self.refresh = None
        self.id = None
        self.session = requests.Session()

    def headers(self, token=None):
        token = token or self.access
        return {"Authorization": "Bearer " + token} if token else {}

    def request(self, method, path, token=None, **kw):
        headers = dict(self.headers(token))
        headers.update(kw.pop("headers", {}))
        return self.session.request(method, self.server.url(path), headers=headers,
                                    timeout=30, **kw)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def put(self, path, **kw):
        return self.request("PUT", path, **kw)

    def patch(self, path, **kw):
        return self.request("PATCH", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def register(self, **extra):
        self.username = self.username or unique()
        self.email = self.email or self.username + "@example.com"
        body = {"username": self.username, "email": self.email, "password": self.password}
        body.update(extra)
        r = self.session.post(self.server.url("/auth/register"), json=body, timeout=30)
        assert r.status_code == 201, r.text
        self.id = r.json()["id"]
        return r

    def login(self):
        r = self.session.post(self.server.url("/auth/login"),
                              json={"username": self.username, "password": self.password},
                              timeout=30)
        assert r.status_code == 200, r.text
        self.access = r.json()["access_token"]
        self.refresh = r.json()["refresh_token"]
        return r


def new_user(server, **extra):
    c = Client(server)
    c.register(**extra)
    c.login()
    return c


# --- helpers for the end-to-end tests (JWTs by hand, read-only DB, logs) ---

def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def jwt_parts(token):
    """(header, payload) of a JWT, without checking anything."""
    head, body, _sig = token.split(".")
    return json.loads(b64url_decode(head)), json.loads(b64url_decode(body))


_HASHES = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}


def jwt_sign(payload, key, alg="HS256", header=None):
    """A JWT signed with HMAC alg and key (bytes); alg "none" leaves the
    signature empty. header overrides the default {"alg", "typ"}."""
    head = {"alg": alg, "typ": "JWT"} if header is None else header
    signing_input = (b64url(json.dumps(head, separators=(",", ":")).encode()) + "."
                     + b64url(json.dumps(payload, separators=(",", ":")).encode()))
    if alg == "none":
        return signing_input + "."
    mac = hmac.new(key, signing_input.encode("ascii"), _HASHES[alg]).digest()
    return signing_input + "." + b64url(mac)


def server_key(server):
    """The HMAC secret the server signs with, as the module reads it."""
    with open(os.path.join(server.dir, "jwt.key"), "rb") as f:
        return f.read().rstrip(b"\r\n")


def db_rows(server, sql, args=()):
    """Runs a query on the server's database."""
    return server.sql(sql, args)


def checked(server):
    """Body of a function-scoped fixture for an extra server: the test's
    warnings and errors in that server's log fail it, as for `server`."""
    server.mark_log()
    yield server
    bad = server.unexpected_log_lines()
    assert not bad, "unexpected lines in the httpd error log:\n" + "\n".join(bad)


def extra_server(directives):
    """Starts a server with TEST_DIRECTIVES plus directives (for a
    module-scoped fixture: yield from it)."""
    srv = HttpdServer(extra=TEST_DIRECTIVES + directives).start()
    try:
        yield srv
    finally:
        srv.stop()
        srv.cleanup()


def set_role(server, user_id, role):
    """Sets a user's role in the server's database: the API has no way to
    make the first admin. The module reads the role on every request."""
    server.sql("UPDATE users SET role = ? WHERE id = ?", (role, user_id))


def make_admin(server, client):
    set_role(server, client.id, "admin")
    return client
