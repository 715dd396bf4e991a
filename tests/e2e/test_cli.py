"""The pamps admin command, run as built (./pamps): against the shared test
server's SQLite database, whose users then log in through the HTTP API, and
against fresh files of its own."""
import glob
import json
import os
import pty
import re
import select
import sqlite3
import subprocess
import time

import pytest

from pgcluster import PostgresCluster
from pampsenv import CLI, CRASH_LOG_LINE, TOP, Client, HttpdServer, unique

PAMPS = CLI
PASSWORD = "correct horse 42"
CHEAP = "1024,1,1"      # argon2 cost where the default's is not under test
COMMANDS = ["migrate", "create-user", "user-list", "set-role"]
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


@pytest.fixture(scope="module", autouse=True)
def built():
    assert os.access(PAMPS, os.X_OK), "build ./pamps first (make)"


def run(*args, db=None, stdin=None, env=None):
    """Runs pamps without a terminal and without PAMPS_DB/PAMPS_ARGON2 from
    the caller's environment, unless env gives them."""
    e = {k: v for k, v in os.environ.items() if not k.startswith("PAMPS_")}
    e.update(env or {})
    argv = [PAMPS] + list(args) + (["--db", db] if db else [])
    r = subprocess.run(argv, input=stdin, stdin=None if stdin is not None
                       else subprocess.DEVNULL, capture_output=True, text=True,
                       env=e, timeout=60)
    assert not CRASH_LOG_LINE.search(r.stderr), r.stderr    # UBSan writes to stderr
    return r


def one_error_line(r, status=1):
    assert r.returncode == status, (r.returncode, r.stdout, r.stderr)
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("pamps"), r.stderr
    return lines[0]


def create(db, username, email=None, password=PASSWORD, extra=(), cost=CHEAP):
    return run("create-user", username, email or username + "@example.com",
               "--password-stdin", "--argon2", cost, *extra, db=db,
               stdin=password + "\n")


def users(db):
    r = run("user-list", "--json", db=db)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def usernames(db):
    return [u["username"] for u in users(db)]


def login(server, username, password=PASSWORD):
    c = Client(server, username=username, password=password)
    c.login()
    return c


@pytest.fixture
def db(server):
    return server.db_spec


@pytest.fixture
def fresh(tmp_path):
    """A migrated database file of this test's own."""
    path = str(tmp_path / "own.db")
    r = run("migrate", db="sqlite3:" + path)
    assert r.returncode == 0, r.stderr
    return path


# --- help and usage ------------------------------------------------------

@pytest.mark.parametrize("cmd", COMMANDS)
def test_help_of_every_command(cmd):
    for argv in ([cmd, "--help"], [cmd, "-h"], ["help", cmd], [cmd, "x", "--bogus", "--help"]):
        r = run(*argv)
        assert r.returncode == 0, (argv, r.stderr)
        assert r.stdout.startswith("usage: pamps " + cmd), r.stdout
        assert "--db" in r.stdout and "PAMPS_DB" in r.stdout
        assert r.stderr == ""


def test_general_help_lists_commands():
    r = run("--help")
    assert r.returncode == 0
    for cmd in COMMANDS:
        assert "\n  " + cmd in r.stdout
    r = run()
    assert r.returncode == 2 and r.stdout == "" and "usage: pamps" in r.stderr


@pytest.mark.parametrize("argv", [
    ["frobnicate"],
    ["user-list", "--bogus"],
    ["user-list", "--admin"],           # an option of another command
    ["user-list", "extra"],
    ["create-user", "alice"],           # EMAIL missing
    ["set-role", "alice"],
    ["user-list", "--db"],              # value missing
    ["user-list", "--json=yes"],
])
def test_usage_errors_exit_2(argv, tmp_path):
    one_error_line(run(*argv, env={"PAMPS_DB": "sqlite3:" + str(tmp_path / "x.db")}),
                   status=2)


@pytest.mark.parametrize("cmd", [["migrate"], ["user-list"], ["set-role", "a", "user"],
                                 ["create-user", "abc", "abc@example.com"]])
def test_no_database_given_is_a_usage_error(cmd):
    line = one_error_line(run(*cmd), status=2)
    assert "--db" in line and "PAMPS_DB" in line


@pytest.mark.parametrize("spec", ["mysql:x", "sqlite3:", "nodriver"])
def test_malformed_db_spec_is_a_usage_error(spec):
    one_error_line(run("user-list", db=spec), status=2)


# --- database choice and state -------------------------------------------

@pytest.mark.parametrize("cmd", [["user-list"], ["user-list", "--json"], ["set-role", "abc", "admin"],
                                 ["create-user", "abc", "abc@example.com", "--password-stdin"]])
def test_missing_sqlite_file_is_an_error_and_stays_missing(cmd, tmp_path):
    path = str(tmp_path / "absent.db")
    r = run(*cmd, db="sqlite3:" + path, stdin=PASSWORD + "\n")
    line = one_error_line(r)
    assert "no database at " + path in line and "pamps migrate" in line
    assert os.listdir(str(tmp_path)) == []


def test_unmigrated_database_says_run_migrate(tmp_path):
    path = str(tmp_path / "empty.db")
    sqlite3.connect(path).close()
    assert "run 'pamps migrate'" in one_error_line(run("user-list", db="sqlite3:" + path))
    with open(path, "w") as f:
        f.write("this is not a database\n")
    assert "not a database" in one_error_line(run("user-list", db="sqlite3:" + path))


def test_pamps_db_environment_variable(db):
    r = run("user-list", env={"PAMPS_DB": db})
    assert r.returncode == 0, r.stderr
    # --db wins over the environment, before or after the command
    r = run("--db", db, "user-list", env={"PAMPS_DB": "sqlite3:/nonexistent/x.db"})
    assert r.returncode == 0, r.stderr


# --- migrate -------------------------------------------------------------

def migrations():
    """(version, name) of every migration in sql/sqlite/, in order."""
    names = sorted(os.path.basename(p)[:-4]
                   for p in glob.glob(os.path.join(TOP, "sql", "sqlite", "[0-9][0-9][0-9]_*.sql")))
    return [(int(n[:3]), n) for n in names]


def test_migrate_creates_the_file_and_twice_applies_nothing(tmp_path):
    path = str(tmp_path / "new.db")
    r = run("migrate", db="sqlite3:" + path)
    assert r.returncode == 0, r.stderr
    assert "applied " + ", ".join(name for _, name in migrations()) in r.stdout
    with sqlite3.connect(path) as con:
        assert con.execute("SELECT version FROM pamps_schema_migrations ORDER BY 1"
                           ).fetchall() == [(v,) for v, _ in migrations()]
        con.execute("SELECT username, role, token_version FROM users")

    r = run("migrate", db="sqlite3:" + path)
    assert r.returncode == 0, r.stderr
    assert "nothing to apply" in r.stdout and "001_schema" not in r.stdout


def test_migrate_refuses_a_newer_database(fresh):
    with sqlite3.connect(fresh) as con:
        con.execute("INSERT INTO pamps_schema_migrations VALUES (999, '999_future',"
                    " '2030-01-01T00:00:00Z')")
    before = os.stat(fresh).st_mtime_ns
    line = one_error_line(run("migrate", db="sqlite3:" + fresh))
    assert "newer" in line and "999" in line
    with sqlite3.connect(fresh) as con:
        assert con.execute("SELECT version FROM pamps_schema_migrations ORDER BY 1"
                           ).fetchall() == [(v,) for v, _ in migrations()] + [(999,)]
    assert os.stat(fresh).st_mtime_ns == before
    # the other commands will not work on it either
    assert "newer" in one_error_line(run("user-list", db="sqlite3:" + fresh))


# --- create-user -----------------------------------------------------------

def test_created_admin_logs_in_through_the_api(server, db):
    name = unique("adm")
    # the default argon2 cost, the module's: what it hashes, the API verifies
    r = run("create-user", name, name + "@example.com", "--admin", "--password-stdin",
            db=db, stdin=PASSWORD + "\n")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("created admin " + name)

    me = login(server, name).get("/users/me")
    assert me.status_code == 200, me.text
    assert me.json()["role"] == "admin"
    assert me.json()["username"] == name
    assert me.json()["email"] == name + "@example.com"
    assert RFC3339.match(me.json()["created_at"])
    # by email too, as for registered users
    login(server, name + "@example.com")


def test_created_user_is_a_plain_user(server, db):
    name = unique("usr")
    r = create(db, name)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("created user " + name)
    assert login(server, name).get("/users/me").json()["role"] == "user"


def test_password_line_keeps_its_spaces(server, db):
    name = unique("sp")
    assert create(db, name, password="  spaced out  \r").returncode == 0
    login(server, name, "  spaced out  ")


def test_password_counts_characters_not_bytes(server, db):
    name = unique("utf")
    assert create(db, name, password="\u00fc" * 8).returncode == 0   # 16 bytes
    login(server, name, "\u00fc" * 8)
    line = one_error_line(create(db, unique("utf"), password="\u00e9" * 7))   # 14 bytes
    assert "8 to 128 characters" in line


def test_duplicate_user_is_refused_and_nothing_written(server, db):
    name = unique("dup")
    assert create(db, name).returncode == 0
    before = users(db)

    line = one_error_line(create(db, name.upper(), email=unique("x") + "@example.com"))
    assert "Username already registered" in line
    line = one_error_line(create(db, unique("other"), email=name.upper() + "@EXAMPLE.COM"))
    assert "Email already registered" in line
    assert users(db) == before


@pytest.mark.parametrize("username,email,password,why", [
    ("ab", None, PASSWORD, "invalid username"),
    ("x" * 33, None, PASSWORD, "invalid username"),
    ("has space", "hs@example.com", PASSWORD, "invalid username"),
    ("caf\u00e9", "cafe@example.com", PASSWORD, "invalid username"),
    (None, "no-at-sign.example.com", PASSWORD, "invalid email"),
    (None, "a@nodot", PASSWORD, "invalid email"),
    (None, "two@@example.com", PASSWORD, "invalid email"),
    (None, None, "seven77", "8 to 128 characters"),
    (None, None, "x" * 129, "8 to 128 characters"),
    (None, None, "", "8 to 128 characters"),
])
def test_bad_input_is_refused(db, username, email, password, why):
    username = username or unique("bad")
    r = create(db, username, email=email, password=password)
    assert why in one_error_line(r)
    assert username not in usernames(db)


def test_no_password_on_empty_stdin(db):
    name = unique("nopw")
    r = run("create-user", name, name + "@example.com", "--password-stdin", db=db, stdin="")
    assert "no password" in one_error_line(r)
    assert name not in usernames(db)


def test_without_terminal_or_password_stdin_it_fails_clearly(db):
    name = unique("notty")
    r = run("create-user", name, name + "@example.com", db=db)   # stdin: /dev/null
    assert "--password-stdin" in one_error_line(r)
    assert name not in usernames(db)


def test_bad_argon2_cost_is_a_usage_error(db):
    name = unique("cost")
    for cost in ("1,1", "4,1,1", "1024,0,1", "1024,1,1,1", "a,b,c"):
        one_error_line(create(db, name, cost=cost), status=2)
    r = run("create-user", name, name + "@example.com", "--password-stdin", db=db,
            stdin=PASSWORD + "\n", env={"PAMPS_ARGON2": "nonsense"})
    one_error_line(r, status=2)
    assert name not in usernames(db)


def _pty_run(argv, answers, timeout=30):
    """Runs argv on a new terminal, typing each answer after its prompt;
    returns (exit status, everything the terminal showed)."""
    pid, fd = pty.fork()
    if pid == 0:
        try:
            env = {k: v for k, v in os.environ.items() if not k.startswith("PAMPS_")}
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    shown = b""
    deadline = time.monotonic() + timeout
    pending = list(answers)
    try:
        while time.monotonic() < deadline:
            if pending and pending[0][0] in shown:
                prompt, answer = pending.pop(0)
                shown = shown.replace(prompt, b"<" + prompt + b">", 1)
                os.write(fd, answer)
                continue
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:         # EIO: the child closed the terminal
                    break
                if not chunk:
                    break
                shown += chunk
    finally:
        os.close(fd)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), shown.decode(errors="replace")


def test_interactive_prompt_hides_the_password(server, db):
    name = unique("tty")
    secret = "typed at a tty 7"
    status, shown = _pty_run(
        [PAMPS, "create-user", name, name + "@example.com", "--argon2", CHEAP, "--db", db],
        [(b"Password for " + name.encode() + b": ", secret.encode() + b"\n"),
         (b"Repeat the password: ", secret.encode() + b"\n")])
    assert status == 0, shown
    assert "created user " + name in shown
    assert secret not in shown
    login(server, name, secret)


def test_interactive_prompt_mismatch_writes_nothing(db):
    name = unique("tty")
    status, shown = _pty_run(
        [PAMPS, "create-user", name, name + "@example.com", "--argon2", CHEAP, "--db", db],
        [(b"Password for", b"first password\n"), (b"Repeat", b"second password\n")])
    assert status == 1, shown
    assert "do not match" in shown
    assert name not in usernames(db)


# --- user-list -------------------------------------------------------------

def test_user_list_table_is_aligned(db):
    short, long_ = unique("s")[:5], unique("long_name_")
    assert create(db, short).returncode == 0
    assert create(db, long_, "a.much.longer.address." + long_ + "@example.com").returncode == 0
    r = run("user-list", db=db)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    header = lines[0]
    assert header.split() == ["USERNAME", "EMAIL", "ROLE", "CREATED"]
    starts = [header.index(t) for t in ("EMAIL", "ROLE", "CREATED")]
    rows = {l.split()[0]: l for l in lines[1:]}
    assert short in rows and long_ in rows
    for name in (short, long_):
        fields = rows[name].split()
        assert [rows[name].index(f, 1) for f in fields[1:]] == starts, r.stdout
        assert fields[2] == "user" and RFC3339.match(fields[3])
    assert all(l == l.rstrip() for l in lines)


def test_user_list_json(db):
    name = unique("js")
    assert create(db, name, name.upper() + "@Example.com", extra=["--admin"]).returncode == 0
    listed = users(db)
    assert [u["id"] for u in listed] == sorted(u["id"] for u in listed)
    mine = [u for u in listed if u["username"] == name]
    assert len(mine) == 1
    assert set(mine[0]) == {"id", "username", "email", "role", "created_at"}
    assert isinstance(mine[0]["id"], int) and mine[0]["id"] > 0
    assert mine[0]["email"] == name.upper() + "@Example.com"     # stored as given
    assert mine[0]["role"] == "admin"
    assert RFC3339.match(mine[0]["created_at"])


def test_user_list_of_no_users(fresh):
    r = run("user-list", db="sqlite3:" + fresh)
    assert r.returncode == 0 and r.stdout == "" and "no users" in r.stderr
    assert users("sqlite3:" + fresh) == []


# --- set-role --------------------------------------------------------------

def test_set_role_applies_on_the_next_request_with_the_same_token(server, db):
    name = unique("role")
    assert create(db, name).returncode == 0
    c = login(server, name)
    assert c.get("/users/me").json()["role"] == "user"

    r = run("set-role", name.upper(), "admin", db=db)     # any case
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "%s is now admin (was user)" % name
    me = c.get("/users/me")
    assert me.status_code == 200 and me.json()["role"] == "admin"

    assert run("set-role", name, "admin", db=db).stdout.strip() == name + " is already admin"
    assert run("set-role", name, "user", db=db).returncode == 0
    me = c.get("/users/me")
    assert me.status_code == 200 and me.json()["role"] == "user"
    # nothing else changed: the refresh token still works too
    r = c.session.post(server.url("/auth/refresh"), json={"refresh_token": c.refresh},
                       timeout=30)
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("role", ["root", "Admin", "", "admins"])
def test_set_role_refuses_a_bad_role(db, role):
    name = unique("bad")
    assert create(db, name).returncode == 0
    assert "admin or user" in one_error_line(run("set-role", name, role, db=db), status=2)
    assert [u["role"] for u in users(db) if u["username"] == name] == ["user"]


def test_set_role_of_unknown_user(db):
    line = one_error_line(run("set-role", "nobody_" + unique()[:10], "admin", db=db))
    assert "no user named" in line


# --- PostgreSQL --------------------------------------------------------------

@pytest.fixture(scope="module")
def pg():
    """A database in a private PostgreSQL cluster of this module's own."""
    if not glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        pytest.skip("needs PostgreSQL's initdb")
    cluster = PostgresCluster().init().start()
    try:
        yield cluster.create_database("pamps")
    finally:
        cluster.cleanup()


def test_postgresql_end_to_end(pg):
    db = "pgsql:" + pg
    assert "no pamps schema" in one_error_line(run("user-list", db=db))
    r = run("migrate", db=db)
    assert r.returncode == 0 and "applied 001_schema" in r.stdout, r.stderr
    r = run("migrate", db=db)
    assert r.returncode == 0 and "nothing to apply" in r.stdout, r.stderr
    assert r.stderr == ""           # no NOTICE from libpq

    assert create(db, "pgadmin", extra=["--admin"]).returncode == 0
    assert "Username already registered" in one_error_line(create(db, "PGADMIN", "x@example.com"))
    listed = users(db)
    assert [(u["username"], u["role"]) for u in listed] == [("pgadmin", "admin")]
    assert RFC3339.match(listed[0]["created_at"])      # timestamptz shown the API's way

    srv = HttpdServer(db_driver="pgsql", db_params=pg).start()
    srv.mark_log()
    try:
        c = login(srv, "pgadmin")
        assert c.get("/users/me").json()["role"] == "admin"
        assert run("set-role", "pgadmin", "user", db=db).returncode == 0
        assert c.get("/users/me").json()["role"] == "user"
        assert srv.unexpected_log_lines() == []
    finally:
        srv.stop()
        srv.cleanup()

    line = one_error_line(run("user-list", db="pgsql:" + pg.replace("dbname=pamps",
                                                                     "dbname=nosuch password=hunter2")))
    assert "nosuch" in line and "hunter2" not in line
