"""The pamps admin command, run as built (./pamps): against the shared test
server's SQLite database, whose users then log in through the HTTP API, and
against fresh files of its own."""
import glob
import json
import os
import pty
import pwd
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
COMMANDS = ["migrate", "create-user", "user-list", "set-role", "reset-password",
            "revoke-sessions", "unlock", "delete-user"]
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


@pytest.fixture(scope="module", autouse=True)
def built():
    assert os.access(PAMPS, os.X_OK), "build ./pamps first (make)"


def sqlite_owner(spec):
    """The user (not root) owning an SQLite database named by spec, or of
    the directory it would go in; None otherwise."""
    if not spec or not spec.startswith("sqlite3:"):
        return None
    path = spec[len("sqlite3:"):]
    try:
        uid = os.stat(path if os.path.exists(path) else os.path.dirname(path)).st_uid
    except OSError:
        return None
    return pwd.getpwuid(uid).pw_name if uid != 0 else None


def run(*args, db=None, stdin=None, env=None, as_root=False):
    """Runs pamps without a terminal and without PAMPS_DB/PAMPS_ARGON2 from
    the caller's environment, unless env gives them. On a database httpd's
    user owns, it runs as that user, as the README says (unless as_root)."""
    e = {k: v for k, v in os.environ.items() if not k.startswith("PAMPS_")}
    e.update(env or {})
    argv = [PAMPS] + list(args) + (["--db", db] if db else [])
    spec = db or e.get("PAMPS_DB")
    if "--db" in args[:-1]:
        spec = args[args.index("--db") + 1]
    owner = sqlite_owner(spec) if os.geteuid() == 0 and not as_root else None
    if owner:
        argv = ["runuser", "-u", owner, "--"] + argv
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


# --- version and the man page -----------------------------------------------

def test_version_is_the_module_s_and_the_package_s(server):
    r = run("--version")
    assert r.returncode == 0 and r.stderr == "", r.stderr
    m = re.match(r"^pamps (\S+) \(mod_pamps (\S+); schema version (\d+) on sqlite3,"
                 r" (\d+) on pgsql\)$", r.stdout.strip())
    assert m, r.stdout
    assert m.group(1) == m.group(2) == requests_health(server)["version"]
    with open(os.path.join(TOP, "debian", "changelog")) as f:
        package = re.match(r"^\S+ \(([^)]+)\)", f.readline()).group(1)
    assert package.rsplit("-", 1)[0] == m.group(1)
    assert int(m.group(3)) == migrations()[-1][0]


def requests_health(server):
    return Client(server).get("/health").json()


def test_man_page_and_readme_name_every_command_and_directive():
    with open(os.path.join(TOP, "doc", "pamps.8")) as f:
        man = f.read().replace("\\-", "-")
    with open(os.path.join(TOP, "README.md")) as f:
        readme = f.read()
    with open(os.path.join(TOP, "conf", "pamps.conf")) as f:
        directives = set(re.findall(r"\b(Pamps[A-Z][A-Za-z0-9]+)", f.read()))
    assert directives
    for name in COMMANDS + sorted(directives):
        assert name in man, name
        assert name in readme, name


# --- reset-password, revoke-sessions -------------------------------------------

def refresh(server, client):
    return client.session.post(server.url("/auth/refresh"),
                               json={"refresh_token": client.refresh}, timeout=30)


def test_reset_password_ends_the_sessions(server, db):
    name = unique("rst")
    assert create(db, name).returncode == 0
    c = login(server, name)
    r = run("reset-password", name.upper(), "--password-stdin", "--argon2", CHEAP, db=db,
            stdin="a new secret 99\n")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "new password set for %s; their sessions ended" % name
    assert c.get("/users/me").status_code == 401
    assert refresh(server, c).status_code == 401
    login(server, name, "a new secret 99")
    bad = Client(server, username=name, password=PASSWORD)
    r = bad.session.post(server.url("/auth/login"),
                         json={"username": name, "password": PASSWORD}, timeout=30)
    assert r.status_code == 401


def test_reset_password_refuses_a_bad_password_and_writes_nothing(server, db):
    name = unique("rst")
    assert create(db, name).returncode == 0
    c = login(server, name)
    assert "8 to 128 characters" in one_error_line(
        run("reset-password", name, "--password-stdin", db=db, stdin="short\n"))
    assert "--password-stdin" in one_error_line(run("reset-password", name, db=db))
    assert "no user named" in one_error_line(
        run("reset-password", "nobody_" + unique()[:8], "--password-stdin", db=db,
            stdin=PASSWORD + "\n"))
    assert c.get("/users/me").status_code == 200
    login(server, name)


def test_reset_password_at_a_terminal(server, db):
    name = unique("tty")
    assert create(db, name).returncode == 0
    status, shown = _pty_run(
        [PAMPS, "reset-password", name, "--argon2", CHEAP, "--db", db],
        [(b"Password for " + name.encode() + b": ", b"typed new one 7\n"),
         (b"Repeat the password: ", b"typed new one 7\n")])
    assert status == 0, shown
    assert "typed new one 7" not in shown
    login(server, name, "typed new one 7")


def test_revoke_sessions_ends_every_token_but_not_the_password(server, db):
    name = unique("rev")
    assert create(db, name).returncode == 0
    first, second = login(server, name), login(server, name)
    other = login(server, unique_user(db))
    r = run("revoke-sessions", name, db=db)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "every token of %s revoked" % name
    for c in (first, second):
        assert c.get("/users/me").status_code == 401
        assert refresh(server, c).status_code == 401
    assert other.get("/users/me").status_code == 200
    assert login(server, name).get("/users/me").status_code == 200
    assert "no user named" in one_error_line(run("revoke-sessions", "nobody_x1", db=db))


def unique_user(db):
    name = unique("oth")
    assert create(db, name).returncode == 0
    return name


# --- unlock ----------------------------------------------------------------------

def failed_logins(server, username, times):
    for _ in range(times):
        r = requests_login(server, username, "wrong password!")
    return r


def requests_login(server, username, password):
    return Client(server).session.post(server.url("/auth/login"),
                                       json={"username": username, "password": password},
                                       timeout=30)


def test_unlock_an_account_lets_it_log_in_again(server, db):
    name = unique("lck")
    assert create(db, name).returncode == 0
    assert failed_logins(server, name, 5).status_code == 401
    assert requests_login(server, name, PASSWORD).status_code == 429
    r = run("unlock", name.upper(), db=db)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "%s unlocked (5 failed logins forgotten)" % name.upper()
    assert requests_login(server, name, PASSWORD).status_code == 200


def test_unlock_a_name_no_account_has(server, db):
    name = "Ghost" + unique()[:8]
    assert failed_logins(server, name, 5).status_code == 401
    assert requests_login(server, name, PASSWORD).status_code == 429
    r = run("unlock", name, db=db)
    assert r.returncode == 0 and "(5 failed logins forgotten)" in r.stdout, r.stderr
    assert requests_login(server, name, PASSWORD).status_code == 401


def test_unlock_an_address(server, db):
    requests_login(server, "nobody_" + unique()[:8], "wrong password!")
    assert server.sql("SELECT COUNT(*) FROM login_failures WHERE key = ?",
                      ("addr:127.0.0.1",))[0][0] >= 1
    r = run("unlock", "--address", "127.0.0.1", db=db)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("127.0.0.1 unlocked (")
    assert server.sql("SELECT COUNT(*) FROM login_failures WHERE key = ?",
                      ("addr:127.0.0.1",))[0][0] == 0


@pytest.mark.parametrize("argv", [["unlock"], ["unlock", "alice", "--address", "10.0.0.1"],
                                  ["unlock", "--address", "10.0.0"],
                                  ["unlock", "--address", "not-an-ip"],
                                  ["unlock", "--address"]])
def test_unlock_usage_errors(db, argv):
    one_error_line(run(*argv, db=db), status=2)


# --- delete-user -----------------------------------------------------------------

def test_delete_user_removes_all_that_is_theirs(server, db):
    name = unique("del")
    assert create(db, name).returncode == 0
    victim, other = login(server, name), login(server, unique_user(db))
    post = victim.post("/posts", json={"text": "mine"}).json()["id"]
    reply = other.post("/posts", json={"text": "a reply", "parent_id": post}).json()["id"]
    own_reply = victim.post("/posts", json={"text": "to other",
                                            "parent_id": reply}).json()["id"]
    assert victim.post("/posts/%d/like" % reply).status_code == 204
    assert other.post("/posts/%d/like" % post).status_code == 204
    assert victim.post("/users/%s/follow" % other.username).status_code == 204
    assert other.post("/users/%s/follow" % name).status_code == 204
    assert victim.post("/tasks", json={"title": "t"}).status_code == 201

    r = run("delete-user", name.upper(), "--yes", db=db)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("deleted %s (id " % name)
    assert name not in usernames(db)
    assert victim.get("/users/me").status_code == 401
    assert requests_login(server, name, PASSWORD).status_code == 401
    assert other.get("/posts/%d" % post).status_code == 404
    assert other.get("/posts/%d" % own_reply).status_code == 404
    kept = other.get("/posts/%d" % reply)
    assert kept.status_code == 200 and kept.json()["parent_id"] is None
    me = other.get("/users/me").json()
    assert (me["followers_count"], me["following_count"]) == (0, 0)
    assert kept.json()["likes_count"] == 0 and kept.json()["replies_count"] == 0
    for table in ("tasks", "refresh_tokens", "posts", "likes"):
        assert server.sql("SELECT COUNT(*) FROM %s WHERE user_id = ?" % table,
                          (victim.id,))[0][0] == 0, table
    assert "no user named" in one_error_line(run("delete-user", name, "--yes", db=db))


def test_delete_user_needs_confirmation(server, db):
    name = unique("del")
    assert create(db, name).returncode == 0
    line = one_error_line(run("delete-user", name, db=db), status=2)     # no terminal
    assert "--yes" in line
    status, shown = _pty_run([PAMPS, "delete-user", name, "--db", db],
                             [(b"confirm: ", b"someone else\n")])
    assert status == 1 and "not confirmed" in shown, shown
    assert name in usernames(db)
    status, shown = _pty_run([PAMPS, "delete-user", name, "--db", db],
                             [(b"confirm: ", name.encode() + b"\n")])
    assert status == 0 and "deleted " + name in shown, shown
    assert name not in usernames(db)


# --- user-list on a narrow terminal, migrate --status/--dry-run, root ------------

def test_user_list_fits_the_terminal(db):
    name = unique("wide")
    email = name + "@" + "d" * (254 - len(name) - 5) + ".com"
    assert len(email) == 254
    assert create(db, name, email).returncode == 0
    for cols in (80, 120):
        r = run("user-list", db=db, env={"COLUMNS": str(cols)})
        assert r.returncode == 0, r.stderr
        lines = r.stdout.splitlines()
        assert max(len(l) for l in lines) <= cols, r.stdout
        row = [l for l in lines if l.startswith(name + " ")]
        assert len(row) == 1 and "\u2026" in row[0] and email not in row[0]
        starts = [lines[0].index(t) for t in ("EMAIL", "ROLE", "CREATED")]
        assert [row[0].index(f, 1) for f in row[0].split()[1:]] == starts
    # piped without COLUMNS, and as JSON, nothing is cut
    assert email in run("user-list", db=db).stdout
    assert email in [u["email"] for u in users(db)]


def test_migrate_status_and_dry_run_write_nothing(tmp_path):
    path = str(tmp_path / "later.db")
    names = ", ".join(n for _, n in migrations())
    r = run("migrate", "--status", db="sqlite3:" + path)
    assert r.returncode == 0 and "no database at " + path in r.stdout, r.stderr
    assert names in r.stdout
    r = run("migrate", "--dry-run", db="sqlite3:" + path)
    assert r.returncode == 0 and r.stdout.strip() == "would create %s and apply %s" % (
        path, names), r.stderr
    assert os.listdir(str(tmp_path)) == []

    assert run("migrate", db="sqlite3:" + path).returncode == 0
    latest, last = migrations()[-1]
    r = run("migrate", "--status", db="sqlite3:" + path)
    assert r.stdout.strip() == "schema version %d, this build's latest %d: up to date" % (
        latest, latest)
    with sqlite3.connect(path) as con:
        con.execute("DELETE FROM pamps_schema_migrations WHERE version = ?", (latest,))
    con.close()
    before = os.stat(path).st_mtime_ns
    r = run("migrate", "--status", db="sqlite3:" + path)
    assert r.stdout.strip() == ("schema version %d, this build's latest %d: 1 pending (%s)"
                                % (latest - 1, latest, last)), r.stdout
    r = run("migrate", "--dry-run", db="sqlite3:" + path)
    assert r.stdout.strip() == "would apply %s; schema would go from version %d to %d" % (
        last, latest - 1, latest)
    assert os.stat(path).st_mtime_ns == before
    assert "not both" in one_error_line(run("migrate", "--status", "--dry-run",
                                            db="sqlite3:" + path), status=2)


def test_migrate_status_on_the_server(db):
    r = run("migrate", "--status", db=db)
    assert r.returncode == 0 and r.stdout.rstrip().endswith("up to date"), r.stdout + r.stderr
    assert r.stderr == ""


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root")
def test_root_on_www_data_s_database_is_warned_and_gets_it_back(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    os.chown(str(data), pwd.getpwnam("www-data").pw_uid, pwd.getpwnam("www-data").pw_gid)
    spec = "sqlite3:" + str(data / "pamps.db")
    r = run("migrate", db=spec, as_root=True)
    assert r.returncode == 0, r.stderr
    assert r.stderr.startswith("pamps: warning: running as root on %s, which www-data owns"
                               % (data / "pamps.db")), r.stderr
    assert "runuser -u www-data" in r.stderr
    for f in os.listdir(str(data)):
        assert os.stat(str(data / f)).st_uid == pwd.getpwnam("www-data").pw_uid, f
    # root on its own file: no warning
    r = run("migrate", db="sqlite3:" + str(tmp_path / "own.db"), as_root=True)
    assert r.returncode == 0 and r.stderr == "", r.stderr


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
