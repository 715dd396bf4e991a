"""The feed and list statements are index-backed (API.md Pagination: a
feed page's cost must not grow with the number of posts).

The statement texts are the module's own: a small C program compiled here
against include/pamps_sql.h and src/core/pamps_sql.c prints the `pamps_sql`
table. In the sqlite3 run each statement is planned by SQLite (EXPLAIN QUERY
PLAN) on a fresh database made from sql/sqlite/; in the pgsql run by
PostgreSQL (EXPLAIN EXECUTE of the prepared statement, sequential scans
disabled so that a missing index shows as a Seq Scan) on sql/pgsql/."""
import glob
import os
import re
import sqlite3
import subprocess

import pytest

from pampsenv import BACKEND, TOP, pg_cluster

DUMP_C = r"""
#include <stdio.h>
#include "pamps_sql.h"

/* label NUL sql NUL, for every statement */
int main(void)
{
    for (int i = 0; i < PAMPS_SQL_COUNT; i++) {
        fputs(TABLE[i].label, stdout);
        putchar('\0');
        fputs(TABLE[i].sql, stdout);
        putchar('\0');
    }
    return 0;
}
"""

FEEDS = ["pamps_FEED_ALL", "pamps_FEED_USER", "pamps_FEED_REPLIES", "pamps_FEED_TIMELINE"]
LISTS = ["pamps_FOLLOWERS_LIST", "pamps_FOLLOWING_LIST", "pamps_LIKERS_LIST"]
TASK_SORTS = ["CREATED_DESC", "CREATED_ASC", "UPDATED_DESC", "UPDATED_ASC",
              "TITLE_DESC", "TITLE_ASC"]
TASK_LISTS = ["pamps_TASK_LIST_" + s for s in TASK_SORTS]
# USER_AUTH runs on every authenticated request; throttling and the purge
# on every login, registration and refresh
PURGES = ["pamps_FAILURES_PURGE", "pamps_REFRESH_PURGE"]
THROTTLE = ["pamps_FAILURES_COUNT", "pamps_FAILURES_RELEASE"] + PURGES
# totals and counts: one counter row (sql/<driver>/005_counters.sql), not a
# count over the rows counted; only a text search counts its matches
COUNTS = ["pamps_USERS_COUNT", "pamps_FOLLOWERS_COUNT",
          "pamps_FOLLOWING_COUNT", "pamps_LIKERS_COUNT"] + [
    "pamps_%s_%s" % (k, c) for k in ("DEPT", "POS")
    for c in ("COUNT", "MEMBERS_COUNT", "OF_USER_COUNT")]
PROFILES = ["pamps_USER_PROFILE", "pamps_USER_OWN_VIEW", "pamps_POST_GET"]
COUNTED = ("tasks", "follows", "likes", "posts", "department_members", "position_members")
CHECKED = (FEEDS + LISTS + TASK_LISTS + ["pamps_TASK_COUNT_MATCHES"] + COUNTS + ["pamps_POST_GET", "pamps_USER_AUTH"]
           + THROTTLE)

def dump_statements(tmp_path_factory, table):
    """{label: sql} of a table as compiled into the module, placeholders as '?'."""
    work = tmp_path_factory.mktemp("sqldump")
    src = work / "dump.c"
    exe = work / "dump"
    src.write_text(DUMP_C)
    build = subprocess.run(
        ["gcc", "-Wall", "-Werror", "-DTABLE=" + table, "-I", os.path.join(TOP, "include"),
         "-I", "/usr/include/apr-1.0", "-o", str(exe), str(src),
         os.path.join(TOP, "src", "core", "pamps_sql.c"), "-lapr-1", "-laprutil-1"],
        capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    out = subprocess.run([str(exe)], capture_output=True, check=True).stdout.decode()
    fields = out.split("\0")
    assert fields[-1] == "" and len(fields) % 2 == 1, "malformed statement dump"
    table = dict(zip(fields[0:-1:2], fields[1:-1:2]))
    # apr_dbd's placeholders are %s; SQLite's are ?
    return {label: sql.replace("%s", "?") for label, sql in table.items()}


@pytest.fixture(scope="module")
def statements(tmp_path_factory):
    return dump_statements(tmp_path_factory, "pamps_sql")


@pytest.fixture(scope="module")
def pg_statements(tmp_path_factory):
    """PostgreSQL's form of the statements (typed placeholders as CASTs)."""
    return dump_statements(tmp_path_factory, "pamps_sql_pgsql")


@pytest.fixture(scope="module")
def db():
    if BACKEND != "sqlite3":
        pytest.skip("SQLite plans are checked in the sqlite3 run")
    con = sqlite3.connect(":memory:")
    migrations = sorted(glob.glob(os.path.join(TOP, "sql", "sqlite", "[0-9][0-9][0-9]_*.sql")))
    assert migrations and os.path.basename(migrations[0]) == "001_schema.sql"
    for path in migrations:
        with open(path) as f:
            con.executescript(f.read())
    yield con
    con.close()


def plan(db, sql):
    """The plan's detail lines; every parameter bound as text, as apr_dbd does."""
    rows = db.execute("EXPLAIN QUERY PLAN " + sql, ["1"] * sql.count("?")).fetchall()
    assert rows, sql
    return [row[3] for row in rows]


def full_scans(lines):
    """Plan lines reading a whole table: 'SCAN t' with no index (a 'SCAN t
    USING [COVERING] INDEX i' or any 'SEARCH' is fine). Scanning a constant
    row or a subquery materialized from indexed searches is not a table scan."""
    materialized = {line.split()[1] for line in lines if line.startswith("MATERIALIZE ")}
    return [line for line in lines
            if line != "SCAN CONSTANT ROW"
            and not (line.startswith("SCAN ") and line.split()[1] in materialized)
            and (re.match(r"^SCAN \S+$", line)
                 or re.match(r"^SCAN \S+ (?!USING (COVERING )?INDEX )", line))]


def test_every_checked_statement_exists(statements):
    missing = [label for label in CHECKED if label not in statements]
    assert not missing, "statements not in pamps_sql: %s" % missing
    # and the dump is the whole table, not a few lucky entries
    assert len(statements) > len(CHECKED)
    assert all("%s" not in sql for sql in statements.values())


def test_full_scan_detection_works(db):
    # the checks below would notice a statement that reads every post
    lines = plan(db, "SELECT id FROM posts p WHERE p.text = ? ORDER BY p.id DESC LIMIT ?")
    assert full_scans(lines) == ["SCAN p"]
    lines = plan(db, "SELECT id FROM posts p WHERE p.text = ? ORDER BY p.created_at LIMIT ?")
    assert "USE TEMP B-TREE FOR ORDER BY" in lines


@pytest.mark.parametrize("label", CHECKED)
def test_no_full_table_scan(statements, db, label):
    lines = plan(db, statements[label])
    assert not full_scans(lines), "%s: %s" % (label, lines)


# the timeline sorts its candidates, at most a page per author (see below)
@pytest.mark.parametrize("label", [f for f in FEEDS if f != "pamps_FEED_TIMELINE"] + TASK_LISTS)
def test_order_comes_from_an_index(statements, db, label):
    lines = plan(db, statements[label])
    assert "USE TEMP B-TREE FOR ORDER BY" not in lines, "%s: %s" % (label, lines)


@pytest.mark.parametrize("label, access", [
    # keyset: the cursor bounds the index lookup itself, not a filter after it
    ("pamps_FEED_ALL", r"SEARCH p USING INTEGER PRIMARY KEY \(rowid<\?\)"),
    ("pamps_FEED_USER", r"SEARCH p USING (COVERING )?INDEX \S+ \(user_id=\? AND id<\?\)"),
    ("pamps_FEED_REPLIES", r"SEARCH p USING (COVERING )?INDEX \S+ \(parent_id=\? AND id<\?\)"),
    # per author, a range of at most one page between the cursor and a bound
    ("pamps_FEED_TIMELINE", r"SEARCH w_p USING (COVERING )?INDEX posts_user "
                            r"\(user_id=\? AND id>\? AND id<\?\)"),
    ("pamps_POST_GET", r"SEARCH p USING INTEGER PRIMARY KEY \(rowid=\?\)"),
])
def test_posts_are_reached_by_key(statements, db, label, access):
    lines = plan(db, statements[label])
    assert any(re.fullmatch(access, line) for line in lines), "%s: %s" % (label, lines)
    # each author is one primary-key lookup
    assert "SEARCH u USING INTEGER PRIMARY KEY (rowid=?)" in lines, lines


@pytest.mark.parametrize("label, table", [
    ("pamps_FOLLOWERS_LIST", "f"), ("pamps_FOLLOWING_LIST", "f"), ("pamps_LIKERS_LIST", "l"),
])
def test_lists_search_their_link_table(statements, db, label, table):
    lines = plan(db, statements[label])
    assert any(re.match(r"^SEARCH %s USING (COVERING )?INDEX \S+ \((followee_id|follower_id|"
                        r"post_id)=\?\)$" % table, line) for line in lines), lines
    assert "SEARCH u USING INTEGER PRIMARY KEY (rowid=?)" in lines, lines


# open and done tasks are two ranges of one index, merged in order: a
# status filter never reads the other status's tasks, and no page reads
# more than offset + limit rows of either
@pytest.mark.parametrize("label", TASK_LISTS)
def test_task_lists_merge_two_index_ranges(statements, db, label):
    lines = plan(db, statements[label])
    assert lines[0] == "MERGE (UNION ALL)", "%s: %s" % (label, lines)
    ranges = [line for line in lines if line.startswith(("SEARCH", "SCAN"))]
    assert len(ranges) == 2, "%s: %s" % (label, lines)
    for line in ranges:
        assert re.fullmatch(r"SEARCH tasks USING INDEX tasks_user_done_\w+ "
                            r"\(user_id=\? AND done=\?\)", line), "%s: %s" % (label, lines)
    # each range in its list's order
    sort = label.rsplit("_", 2)[1].lower()
    assert all("tasks_user_done_" + sort in line for line in ranges), "%s: %s" % (label, lines)


def test_task_search_counts_two_index_ranges(statements, db):
    lines = plan(db, statements["pamps_TASK_COUNT_MATCHES"])
    ranges = [line for line in lines if line.startswith(("SEARCH", "SCAN"))
              and line != "SCAN CONSTANT ROW"]
    assert len(ranges) == 2, lines
    assert all(re.search(r"\(user_id=\? AND done=\?\)$", line) for line in ranges), lines


@pytest.mark.parametrize("label, access", [
    ("pamps_FAILURES_PURGE", r"SEARCH login_failures USING (COVERING )?INDEX login_failures_time "
                             r"\(failed_at<\?\)"),
    ("pamps_REFRESH_PURGE", r"SEARCH refresh_tokens USING (COVERING )?INDEX refresh_tokens_expires "
                            r"\(expires_at<\?\)"),
])
def test_purges_take_the_oldest_rows_from_an_index(statements, db, label, access):
    lines = plan(db, statements[label])
    assert any(re.fullmatch(access, line) for line in lines), "%s: %s" % (label, lines)
    assert "USE TEMP B-TREE FOR ORDER BY" not in lines, "%s: %s" % (label, lines)


def test_timeline_reads_posts_by_bounded_ranges_and_keys(statements, db):
    lines = plan(db, statements["pamps_FEED_TIMELINE"])
    posts = [line for line in lines if re.search(r" (p|w_p|x|c) ", line + " ")
             and ("SCAN" in line or "SEARCH" in line)]
    for line in posts:
        assert ("(user_id=? AND id>? AND id<?)" in line or "(user_id=? AND id<?)" in line
                or "(rowid=?)" in line or "(parent_id=?)" in line), line


# a login is found by its family, not among all of its user's tokens
@pytest.mark.parametrize("label", ["pamps_USER_AUTH", "pamps_REFRESH_REVOKE_FAMILY"])
def test_logins_are_found_by_their_family(statements, db, label):
    lines = plan(db, statements[label])
    assert any(re.match(r"^SEARCH (t|refresh_tokens) USING INDEX refresh_tokens_family"
                        r" \(family=\?\)$", line) for line in lines), lines
    assert not full_scans(lines), lines


@pytest.mark.parametrize("label", COUNTS + PROFILES)
def test_counts_read_one_counter_row(statements, db, label):
    # no COUNT at all, and every table read is a lookup of one key
    assert "COUNT(" not in statements[label].upper(), statements[label]
    lines = plan(db, statements[label])
    lookups = [line for line in lines if re.match(r"^(SEARCH|SCAN) ", line)]
    assert lookups, lines
    # a temporary table per call cost GET /tasks a visible share of its CPU
    assert not [line for line in lines if line.startswith("MATERIALIZE")], (label, lines)
    for line in lookups:
        assert (line in ("SCAN CONSTANT ROW", "SCAN a")      # the arguments' row
                or re.fullmatch(r"SEARCH \S+ USING .*\((rowid|<expr>|\w+)=\?( AND \w+=\?)*\)",
                                line)), (label, lines)


# --- PostgreSQL ---------------------------------------------------------------

@pytest.fixture(scope="module")
def pg_db():
    if BACKEND != "pgsql":
        pytest.skip("PostgreSQL plans are checked in the pgsql run")
    params = pg_cluster().create_database("plans")
    for path in sorted(glob.glob(os.path.join(TOP, "sql", "pgsql", "[0-9][0-9][0-9]_*.sql"))):
        subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", path, params],
                       check=True, capture_output=True)
    return params


# a statement comparing a timestamp with its parameter: a time, not '1'
PG_TIME_ARGS = {"pamps_FAILURES_COUNT": ["'k'", "'2026-01-01T00:00:00Z'"],
                "pamps_FAILURES_PURGE": ["'2026-01-01T00:00:00Z'"],
                "pamps_REFRESH_PURGE": ["'2026-01-01T00:00:00Z'"]}


def psql(params, script):
    """The unaligned, tuples-only output of a psql script; stops at an error."""
    return subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", params],
                          input=script, capture_output=True, text=True, check=True).stdout


def pg_plan(params, sql, label=None):
    """EXPLAIN of the statement prepared as the module prepares it, every
    parameter given as text."""
    count = sql.count("?")
    numbered = iter(range(1, count + 1))
    prepared = re.sub(r"\?", lambda m: "$%d" % next(numbered), sql)
    # apr_dbd_pgsql prepares every parameter as varchar
    types = "(%s)" % ", ".join(["varchar"] * count) if count else ""
    args = PG_TIME_ARGS.get(label, ["'1'"] * count)
    script = ("SET enable_seqscan = off;\nPREPARE s %s AS %s;\n"
              "EXPLAIN (COSTS OFF) EXECUTE s%s;\n"
              % (types, prepared, "(%s)" % ", ".join(args) if count else ""))
    return psql(params, script).splitlines()


# a task list is a function call on PostgreSQL, which shows no scan: its
# query's plan is checked by test_pgsql_task_lists_merge_two_index_ranges
@pytest.mark.parametrize("label", [label for label in CHECKED if label not in TASK_LISTS])
def test_pgsql_no_sequential_scan(pg_statements, pg_db, label):
    lines = pg_plan(pg_db, pg_statements[label], label)
    assert not [line for line in lines if "Seq Scan" in line], "%s: %s" % (label, lines)


def test_pgsql_logins_are_found_by_their_family(pg_statements, pg_db):
    text = "\n".join(pg_plan(pg_db, pg_statements["pamps_USER_AUTH"], "pamps_USER_AUTH"))
    assert re.search(r"Index Scan on refresh_tokens_family|using refresh_tokens_family", text), text
    assert "Seq Scan" not in text and "refresh_tokens_user" not in text, text


@pytest.mark.parametrize("label, index", [
    ("pamps_FAILURES_PURGE", "login_failures_time"),
    ("pamps_REFRESH_PURGE", "refresh_tokens_expires"),
])
def test_pgsql_purges_take_the_oldest_rows_from_an_index(pg_statements, pg_db, label, index):
    text = "\n".join(pg_plan(pg_db, pg_statements[label], label))
    assert re.search(r"Index (Only )?Scan using %s" % index, text), "%s: %s" % (label, text)
    assert "Sort" not in text.replace("Sort Key", ""), text


@pytest.mark.parametrize("label, access", [
    ("pamps_FEED_ALL", r"Index Scan Backward using posts_pkey on posts p"),
    ("pamps_FEED_USER", r"Index Scan Backward using posts_user on posts p"),
    ("pamps_FEED_REPLIES", r"Index Scan Backward using posts_parent on posts p"),
    ("pamps_FEED_TIMELINE", r"Index Only Scan using posts_user on posts w_p"),
])
def test_pgsql_feeds_walk_an_index_from_the_cursor(pg_statements, pg_db, label, access):
    lines = pg_plan(pg_db, pg_statements[label])
    text = "\n".join(lines)
    assert re.search(access, text), "%s: %s" % (label, text)
    # the cursor is part of the index condition, not a filter after it
    assert re.search(r"Index Cond: .*id < ", text), text
    # no unbounded walk over all posts anywhere in the plan
    assert not re.search(r"Index Scan Backward using posts_pkey on posts \w+\n(?!\s*Index Cond)",
                         text + "\n"), text


@pytest.mark.parametrize("label", COUNTS + PROFILES)
def test_pgsql_counts_read_one_counter_row(pg_statements, pg_db, label):
    lines = pg_plan(pg_db, pg_statements[label])
    text = "\n".join(lines)
    assert "Aggregate" not in text, "%s: %s" % (label, text)
    # every table read by index, on equalities only: one key each
    assert re.search(r"Index (Only )?Scan", text), text
    assert not re.search(r"Seq Scan|Bitmap", text), text
    conds = re.findall(r"Index Cond: (.*)", text)
    assert conds and not [c for c in conds if re.search(r"[<>]", c)], "%s: %s" % (label, text)



@pytest.fixture(scope="module")
def pg_tasks_db(pg_db):
    """pg_db with a user of 5,000 tasks whose 50 done ones are the oldest,
    analyzed: an empty table's plans say nothing about a large list's."""
    script = """
        INSERT INTO users (id, username, email, email_key, password_hash, created_at, updated_at)
            OVERRIDING SYSTEM VALUE
            VALUES (900, 'planner', 'p@x', 'p@x', 'h', now(), now());
        INSERT INTO tasks (user_id, title, done, created_at, updated_at)
            SELECT 900, 't' || g, g <= 50, TIMESTAMPTZ '2026-01-01' + g * INTERVAL '1 s',
                   TIMESTAMPTZ '2026-01-01' + g * INTERVAL '1 s'
            FROM generate_series(1, 5000) g;
        ANALYZE;
    """
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", pg_db], input=script,
                   check=True, capture_output=True, text=True)
    return pg_db


def pg_explain_generic(params, sql, count, args):
    """EXPLAIN ANALYZE of a statement whose parameters are $1..$count,
    prepared as the module prepares it (every parameter varchar), with
    these arguments, under its generic plan."""
    assert len(args) == count, (args, sql)
    script = ("SET plan_cache_mode = force_generic_plan;\nPREPARE s (%s) AS %s;\n"
              "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) EXECUTE s(%s);\n"
              % (", ".join(["varchar"] * count), sql,
                 ", ".join("'%s'" % a for a in args)))
    return psql(params, script)


def pg_scalar(params, sql):
    return psql(params, sql + ";\n").strip()


def task_page_function(label):
    """pamps_TASK_LIST_CREATED_DESC -> pamps_task_page_created_desc"""
    return "pamps_task_page_" + label[len("pamps_TASK_LIST_"):].lower()


# the first page, all tasks; done=true (the open arm off); open ones
TASK_PAGES = {"any": ("20", "20"), "done": ("0", "20"), "open": ("20", "0")}


# PostgreSQL runs a task list as a function (sql/pgsql/009) whose query
# keeps its generic plan: the module's statement calls it with the list's
# arguments, and the function forces that plan
@pytest.mark.parametrize("label", TASK_LISTS)
def test_pgsql_task_lists_call_a_function_that_keeps_its_plan(pg_statements, pg_db, label):
    name = task_page_function(label)
    assert pg_statements[label] == "SELECT * FROM %s(%s)" % (name, ", ".join(["?"] * 10))
    config = pg_scalar(pg_db, "SELECT array_to_string(proconfig, ',') FROM pg_proc"
                              " WHERE proname = '%s'" % name)
    assert config == "plan_cache_mode=force_generic_plan", (name, config)


# the function's query, under the generic plan it runs with: the two arms
# are two ranges of the list's index, merged in order; a status filter
# never reads the other status's tasks, and no page reads more than
# offset + limit rows of either
@pytest.mark.parametrize("status", sorted(TASK_PAGES))
@pytest.mark.parametrize("label", TASK_LISTS)
def test_pgsql_task_lists_merge_two_index_ranges(pg_tasks_db, label, status):
    open_reach, done_reach = TASK_PAGES[status]
    body = pg_scalar(pg_tasks_db, "SELECT prosrc FROM pg_proc WHERE proname = '%s'"
                                  % task_page_function(label))
    query = re.search(r"RETURN QUERY(.*?);\s*END", body, re.S)
    assert query, body
    text = pg_explain_generic(pg_tasks_db, query.group(1), 10,
                              ["900", "", "", open_reach, "900", "", "", done_reach, "20", "0"])
    assert "Merge Append" in text, "%s: %s" % (label, text)
    # each arm is its own range of the list's index, limited to its reach
    sort = label.rsplit("_", 2)[1].lower()
    scans = re.findall(r"Index Scan(?: Backward)? using (\S+) on tasks", text)
    assert scans == ["tasks_user_done_" + sort] * 2, "%s: %s" % (label, text)
    conds = re.findall(r"Index Cond: (.*)", text)
    assert len(conds) == 2 and all("user_id =" in c and "done =" in c for c in conds), text
    assert not re.search(r"\bSort\b(?! Key)", text), text
    # no arm reads more rows than the page needs
    rows = [int(n) for n in re.findall(r"Index Scan.*actual rows=(\d+)", text)]
    assert sum(rows) <= 40, "%s: %s" % (label, text)
    if status != "any":
        assert "never executed" in text, "%s: %s" % (label, text)
