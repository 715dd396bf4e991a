/* Every SQL statement of the module, written once for both SQLite and
 * PostgreSQL. Placeholders are apr_dbd's %s: all values travel as text;
 * timestamps as RFC 3339 text, which both dialects compare in time order.
 * Each statement is prepared once per pooled connection.
 *
 * X(name, nargs, sql): nargs is the number of placeholders, which every
 * call must give as many values for (a unit test holds the text to it;
 * pamps_db refuses a call that does not).
 *
 * A value that is not text goes in through a typed placeholder, P_ID
 * (bigint), P_TS (timestamp) or P_BOOL, which pamps_sql.c expands once per
 * dialect: as a plain %s for SQLite, whose column affinity converts the
 * text, and as a CAST for PostgreSQL, where apr_dbd_pgsql prepares every
 * parameter as varchar. */
#ifndef PAMPS_SQL_H
/* clang-format off */
#define PAMPS_SQL_H

#include "pamps_columns.h"

#define PAMPS_TASK_COLS PAMPS_SELECT_LIST(PAMPS_COLS_TASK)
/* A task list is two index ranges (user_id, done, sort, id), the open tasks
 * and the done ones, merged under one ORDER BY, so that no page reads more
 * than offset + limit rows of either, with a status filter or without.
 * Each arm takes user_id, pattern, pattern and its reach: offset + limit,
 * or 0 for the arm a status filter leaves out; then come limit and offset.
 * SQLite merges the arms as it walks the two ranges. P_TASK_LIST
 * (pamps_sql.c) gives PostgreSQL a call of the sort's function instead
 * (sql/pgsql/009): the same query, whose plan the function keeps. */
#define PAMPS_TASK_ARM_WHERE(done) \
    " FROM tasks WHERE user_id = " P_ID " AND done = " done \
    " AND (%s = '' OR lower(title) LIKE %s ESCAPE '\\')"
#define PAMPS_TASK_ARM(done) \
    "SELECT " PAMPS_TASK_COLS PAMPS_TASK_ARM_WHERE(done) " AND CAST(%s AS INTEGER) > 0"
#define PAMPS_TASK_LIST(name, order) \
    P_TASK_LIST(name, PAMPS_TASK_ARM("FALSE") " UNION ALL " PAMPS_TASK_ARM("TRUE") \
                " ORDER BY " order " LIMIT " P_ID " OFFSET " P_ID)
/* a search's total: the list's leading arguments, so the same arms */
#define PAMPS_TASK_COUNT_ARM(done) \
    "(SELECT COUNT(*)" PAMPS_TASK_ARM_WHERE(done) " AND CAST(%s AS BIGINT) > 0)"
#define PAMPS_TASK_COUNT \
    "SELECT " PAMPS_TASK_COUNT_ARM("FALSE") " + " PAMPS_TASK_COUNT_ARM("TRUE")

/* rows a purge deletes at most: bounded work per request, more than the
 * rows one request adds */
#define PAMPS_PURGE_BATCH "100"

#define PAMPS_PUBLIC_USER_COLS PAMPS_SELECT_LIST(PAMPS_COLS_USER)
/* a profile adds the counts; the own view adds what only the owner sees */
#define PAMPS_USER_PROFILE_COLS PAMPS_PUBLIC_USER_COLS PAMPS_SELECT_MORE(PAMPS_COLS_USER_COUNTS)
#define PAMPS_USER_OWN_COLS PAMPS_USER_PROFILE_COLS PAMPS_SELECT_MORE(PAMPS_COLS_USER_PRIVATE)

/* post view: the post, then its author */
#define PAMPS_POST_COLS PAMPS_SELECT_LIST(PAMPS_COLS_POST) PAMPS_SELECT_MORE(PAMPS_COLS_USER)
#define PAMPS_POST_SELECT "SELECT " PAMPS_POST_COLS " FROM posts p JOIN users u ON u.id = p.user_id"
/* keyset pages: newest first, ids below the cursor, one row more than asked
 * so the handler knows whether there is a next page */
#define PAMPS_FEED_PAGE " AND p.id < " P_ID " ORDER BY p.id DESC LIMIT " P_ID

/* offset lists of public users, ordered by user id: by the column of the
 * table the list is read from, so its index gives the order */
#define PAMPS_USER_PAGE(id) " ORDER BY " id " LIMIT " P_ID " OFFSET " P_ID

/* Locks (PostgreSQL; P_LOCK is FOR UPDATE there, nothing on SQLite, whose
 * writers queue for the whole file) the rows "FROM ..." selects, and counts
 * them: one row back however many it locks. A transaction deleting a post
 * or an account takes these child rows (likes, replies, follows, tasks,
 * memberships) first: a concurrent unlike, reply deletion, unfollow or
 * unassign locks its child row, then the parent's counter row; had the
 * deletion updated that counter first, each would wait for the other. */
#define PAMPS_LOCK_ROWS(from) "(SELECT COUNT(*) FROM (SELECT 1 FROM " from P_LOCK ") k)"

/* Departments and positions share one implementation: the same statements
 * over their own tables, generated here for each (counts: the table's and
 * the users' counter column).
 *
 * Counts (a list's total) read the counters triggers keep with the rows
 * (sql/<driver>/005_counters.sql): one row, whatever the number counted.
 * A count statement is given the leading arguments of its list (as many
 * as it takes); the _MATCHES ones count what a text search finds. */
#define PAMPS_ORG_COLS PAMPS_SELECT_LIST(PAMPS_COLS_ORG)
#define PAMPS_ORG_STATEMENTS(X, K, table, members, key, user_count) \
    X(K##_LIST, 2, "SELECT " PAMPS_ORG_COLS " FROM " table " o ORDER BY o.id LIMIT " P_ID \
      " OFFSET " P_ID) \
    X(K##_COUNT, 0, "SELECT n FROM totals WHERE name = '" table "'") \
    X(K##_GET, 1, "SELECT " PAMPS_ORG_COLS " FROM " table " o WHERE o.id = " P_ID) \
    X(K##_INSERT, 4, "INSERT INTO " table " (name, name_key, description, created_at)" \
      " VALUES (%s, %s, %s, " P_TS ") ON CONFLICT DO NOTHING RETURNING id") \
    X(K##_UPDATE, 7, "UPDATE " table " SET name = CASE WHEN %s = '1' THEN %s ELSE name END," \
      " name_key = CASE WHEN %s = '1' THEN %s ELSE name_key END," \
      " description = CASE WHEN %s = '1' THEN %s ELSE description END WHERE id = " P_ID) \
    X(K##_DELETE_MEMBERS, 1, "DELETE FROM " members " WHERE " key " = " P_ID) \
    X(K##_DELETE, 1, "DELETE FROM " table " WHERE id = " P_ID) \
    X(K##_LOCK, 1, "UPDATE " table " SET name = name WHERE id = " P_ID) \
    X(K##_MEMBERS_LIST, 3, "SELECT " PAMPS_PUBLIC_USER_COLS " FROM " members " m" \
      " JOIN users u ON u.id = m.user_id WHERE m." key " = " P_ID PAMPS_USER_PAGE("m.user_id")) \
    X(K##_MEMBERS_COUNT, 1, "SELECT members_count FROM " table " WHERE id = " P_ID) \
    X(K##_OF_USER_LIST, 3, "SELECT " PAMPS_ORG_COLS " FROM " members " m JOIN " table " o" \
      " ON o.id = m." key " WHERE m.user_id = " P_ID " ORDER BY o.id LIMIT " P_ID \
      " OFFSET " P_ID) \
    X(K##_OF_USER_COUNT, 1, "SELECT " user_count " FROM users WHERE id = " P_ID) \
    X(K##_ASSIGN, 3, "INSERT INTO " members " (" key ", user_id, created_at)" \
      " VALUES (" P_ID ", " P_ID ", " P_TS ")" \
      " ON CONFLICT DO NOTHING") \
    X(K##_UNASSIGN, 2, "DELETE FROM " members " WHERE " key " = " P_ID " AND user_id = " P_ID) \
    /* Require pamps-department/pamps-position: by the name's folded key */ \
    X(K##_IS_MEMBER, 2, "SELECT 1 FROM " table " o JOIN " members " m ON m." key " = o.id" \
      " WHERE o.name_key = %s AND m.user_id = " P_ID)

#define PAMPS_STATEMENTS(X) \
    X(PING, 0, "SELECT 1") \
    /* the caller and whether their login goes on: one statement per request */ \
    X(USER_AUTH, 3, "SELECT " PAMPS_SELECT_LIST(PAMPS_COLS_USER_AUTH) \
      PAMPS_SELECT_MORE(PAMPS_COLS_AUTH_LOGIN) PAMPS_SELECT_MORE(PAMPS_COLS_AUTH_TASKS) \
      " FROM users WHERE id = " P_ID) \
    X(USER_OWN_VIEW, 1, "SELECT " PAMPS_USER_OWN_COLS " FROM users u WHERE u.id = " P_ID) \
    X(USER_ID_BY_USERNAME, 1, "SELECT id FROM users WHERE lower(username) = lower(%s)") \
    X(USER_ID_BY_EMAIL, 1, "SELECT id FROM users WHERE email_key = %s") \
    X(USER_INSERT, 9, \
      "INSERT INTO users (username, email, email_key, password_hash, name, bio, avatar," \
      " created_at, updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s, " P_TS ", " P_TS ")" \
      " ON CONFLICT DO NOTHING RETURNING id") \
    X(USER_LOGIN_LOOKUP, 2, \
      "SELECT " PAMPS_SELECT_LIST(PAMPS_COLS_LOGIN) " FROM users" \
      " WHERE lower(username) = lower(%s) OR email_key = %s") \
    X(USER_PATCH, 12, \
      "UPDATE users SET" \
      " name = CASE WHEN %s = '1' THEN %s ELSE name END," \
      " bio = CASE WHEN %s = '1' THEN %s ELSE bio END," \
      " avatar = CASE WHEN %s = '1' THEN %s ELSE avatar END," \
      " email = CASE WHEN %s = '1' THEN %s ELSE email END," \
      " email_key = CASE WHEN %s = '1' THEN %s ELSE email_key END," \
      " updated_at = " P_TS " WHERE id = " P_ID) \
    X(USER_PASSWORD_HASH, 1, "SELECT password_hash FROM users WHERE id = " P_ID) \
    X(USER_SET_PASSWORD, 3, \
      "UPDATE users SET password_hash = %s, token_version = token_version + 1," \
      " updated_at = " P_TS " WHERE id = " P_ID) \
    X(USER_DEL_LIKES, 2, \
      "DELETE FROM likes WHERE user_id = " P_ID \
      " OR post_id IN (SELECT id FROM posts WHERE user_id = " P_ID ")") \
    X(USER_LOCK_CHILDREN, 9, "SELECT " \
      PAMPS_LOCK_ROWS("likes WHERE user_id = " P_ID \
                      " OR post_id IN (SELECT id FROM posts WHERE user_id = " P_ID ")") \
      " + " PAMPS_LOCK_ROWS("posts WHERE user_id <> " P_ID \
                            " AND parent_id IN (SELECT id FROM posts WHERE user_id = " P_ID ")") \
      " + " PAMPS_LOCK_ROWS("follows WHERE follower_id = " P_ID " OR followee_id = " P_ID) \
      " + " PAMPS_LOCK_ROWS("tasks WHERE user_id = " P_ID) \
      " + " PAMPS_LOCK_ROWS("department_members WHERE user_id = " P_ID) \
      " + " PAMPS_LOCK_ROWS("position_members WHERE user_id = " P_ID)) \
    X(USER_DETACH_REPLIES, 2, \
      "UPDATE posts SET parent_id = NULL WHERE user_id <> " P_ID \
      " AND parent_id IN (SELECT id FROM posts WHERE user_id = " P_ID ")") \
    X(USER_DEL_POSTS, 1, "DELETE FROM posts WHERE user_id = " P_ID) \
    X(USER_DEL_FOLLOWS, 2, \
      "DELETE FROM follows WHERE follower_id = " P_ID " OR followee_id = " P_ID) \
    X(USER_DEL_TASKS, 1, "DELETE FROM tasks WHERE user_id = " P_ID) \
    X(USER_DEL_TOKENS, 1, "DELETE FROM refresh_tokens WHERE user_id = " P_ID) \
    X(USER_DEL_DEPARTMENTS, 1, "DELETE FROM department_members WHERE user_id = " P_ID) \
    X(USER_DEL_POSITIONS, 1, "DELETE FROM position_members WHERE user_id = " P_ID) \
    X(USER_DELETE, 1, "DELETE FROM users WHERE id = " P_ID) \
    X(REFRESH_INSERT, 5, \
      "INSERT INTO refresh_tokens (jti, user_id, family, expires_at, created_at)" \
      " VALUES (%s, " P_ID ", %s, " P_TS ", " P_TS ")") \
    X(REFRESH_REVOKE, 2, \
      "UPDATE refresh_tokens SET revoked_at = " P_TS " WHERE jti = %s AND revoked_at IS NULL") \
    /* ends a login: its refresh tokens, and so its access tokens (USER_AUTH); \
     * found by family, as there (+); +user_id has no affinity, so SQLite \
     * compares it with the id as text unless CAST */ \
    X(REFRESH_REVOKE_FAMILY, 3, \
      "UPDATE refresh_tokens SET revoked_at = " P_TS " WHERE family = %s" \
      " AND +user_id = CAST(%s AS BIGINT) AND revoked_at IS NULL") \
    X(REFRESH_REVOKE_USER, 2, \
      "UPDATE refresh_tokens SET revoked_at = " P_TS " WHERE user_id = " P_ID \
      " AND revoked_at IS NULL") \
    /* expired rows go a batch at a time (pamps_throttle_purge), oldest \
     * first, through the indexes of migration 004 */ \
    X(REFRESH_PURGE, 1, "DELETE FROM refresh_tokens WHERE jti IN (SELECT jti FROM refresh_tokens" \
      " WHERE expires_at < " P_TS " ORDER BY expires_at LIMIT " PAMPS_PURGE_BATCH ")") \
    /* attempts (logins, registrations) counted by key: a row is made when \
     * one arrives and deleted if it turns out not to count */ \
    X(FAILURES_RESERVE, 2, \
      "INSERT INTO login_failures (key, failed_at) VALUES (%s, " P_TS ") RETURNING id") \
    X(FAILURES_COUNT, 2, \
      "SELECT " PAMPS_SELECT_LIST(PAMPS_COLS_FAILURES) " FROM login_failures WHERE key = %s" \
      " AND failed_at > " P_TS) \
    X(FAILURES_RELEASE, 1, "DELETE FROM login_failures WHERE id = " P_ID) \
    /* pamps unlock: every counted attempt of one key */ \
    X(FAILURES_CLEAR, 1, "DELETE FROM login_failures WHERE key = %s") \
    X(FAILURES_PURGE, 1, "DELETE FROM login_failures WHERE id IN (SELECT id FROM login_failures" \
      " WHERE failed_at <= " P_TS " ORDER BY failed_at LIMIT " PAMPS_PURGE_BATCH ")") \
    X(TASK_INSERT, 6, \
      "INSERT INTO tasks (user_id, title, description, done, created_at, updated_at)" \
      " VALUES (" P_ID ", %s, %s, " P_BOOL ", " P_TS ", " P_TS ") RETURNING " PAMPS_TASK_COLS) \
    X(TASK_GET, 2, \
      "SELECT " PAMPS_TASK_COLS " FROM tasks WHERE id = " P_ID " AND user_id = " P_ID) \
    X(TASK_UPDATE, 9, \
      "UPDATE tasks SET" \
      " title = CASE WHEN %s = '1' THEN %s ELSE title END," \
      " description = CASE WHEN %s = '1' THEN %s ELSE description END," \
      " done = CASE WHEN %s = '1' THEN " P_BOOL " ELSE done END," \
      " updated_at = " P_TS " WHERE id = " P_ID " AND user_id = " P_ID \
      " RETURNING " PAMPS_TASK_COLS) \
    X(TASK_DELETE, 2, "DELETE FROM tasks WHERE id = " P_ID " AND user_id = " P_ID) \
    X(TASK_COUNT_MATCHES, 8, PAMPS_TASK_COUNT) \
    X(TASK_LIST_CREATED_DESC, 10, PAMPS_TASK_LIST("created_desc", "created_at DESC, id DESC")) \
    X(TASK_LIST_CREATED_ASC, 10, PAMPS_TASK_LIST("created_asc", "created_at ASC, id ASC")) \
    X(TASK_LIST_UPDATED_DESC, 10, PAMPS_TASK_LIST("updated_desc", "updated_at DESC, id DESC")) \
    X(TASK_LIST_UPDATED_ASC, 10, PAMPS_TASK_LIST("updated_asc", "updated_at ASC, id ASC")) \
    X(TASK_LIST_TITLE_DESC, 10, PAMPS_TASK_LIST("title_desc", "title DESC, id DESC")) \
    X(TASK_LIST_TITLE_ASC, 10, PAMPS_TASK_LIST("title_asc", "title ASC, id ASC")) \
    X(USERS_LIST, 4, "SELECT " PAMPS_PUBLIC_USER_COLS " FROM users u" \
      " WHERE (%s = '' OR lower(u.username) LIKE %s ESCAPE '\\')" PAMPS_USER_PAGE("u.id")) \
    X(USERS_COUNT, 0, "SELECT n FROM totals WHERE name = 'users'") \
    X(USERS_COUNT_MATCHES, 2, "SELECT COUNT(*) FROM users u" \
      " WHERE (%s = '' OR lower(u.username) LIKE %s ESCAPE '\\')") \
    X(USER_PROFILE, 1, "SELECT " PAMPS_USER_PROFILE_COLS " FROM users u" \
      " WHERE lower(u.username) = lower(%s)") \
    X(USER_SET_ROLE, 3, "UPDATE users SET role = %s, updated_at = " P_TS " WHERE id = " P_ID) \
    /* the pamps command's: a user's role by name, and every user */ \
    X(USER_AUTH_BY_USERNAME, 1, "SELECT " PAMPS_SELECT_LIST(PAMPS_COLS_USER_AUTH) " FROM users" \
      " WHERE lower(username) = lower(%s)") \
    X(USERS_ALL, 0, "SELECT " PAMPS_SELECT_LIST(PAMPS_COLS_CLI_USER) " FROM users ORDER BY id") \
    /* ends every access token of a user (pamps revoke-sessions) */ \
    X(USER_BUMP_TOKEN_VERSION, 1, \
      "UPDATE users SET token_version = token_version + 1 WHERE id = " P_ID) \
    X(FOLLOWERS_LIST, 3, "SELECT " PAMPS_PUBLIC_USER_COLS " FROM follows f" \
      " JOIN users u ON u.id = f.follower_id WHERE f.followee_id = " P_ID \
      PAMPS_USER_PAGE("f.follower_id")) \
    X(FOLLOWERS_COUNT, 1, "SELECT followers_count FROM users WHERE id = " P_ID) \
    X(FOLLOWING_LIST, 3, "SELECT " PAMPS_PUBLIC_USER_COLS " FROM follows f" \
      " JOIN users u ON u.id = f.followee_id WHERE f.follower_id = " P_ID \
      PAMPS_USER_PAGE("f.followee_id")) \
    X(FOLLOWING_COUNT, 1, "SELECT following_count FROM users WHERE id = " P_ID) \
    X(FOLLOW_INSERT, 3, "INSERT INTO follows (follower_id, followee_id, created_at)" \
      " VALUES (" P_ID ", " P_ID ", " P_TS ") ON CONFLICT DO NOTHING") \
    X(FOLLOW_DELETE, 2, \
      "DELETE FROM follows WHERE follower_id = " P_ID " AND followee_id = " P_ID) \
    X(POST_INSERT, 5, "INSERT INTO posts (user_id, parent_id, text, created_at, updated_at)" \
      " VALUES (" P_ID ", " P_ID ", %s, " P_TS ", " P_TS ") RETURNING id") \
    X(POST_GET, 2, PAMPS_POST_SELECT " WHERE p.id = " P_ID) \
    X(POST_OWNER, 1, "SELECT user_id FROM posts WHERE id = " P_ID) \
    X(POST_UPDATE, 3, "UPDATE posts SET text = %s, updated_at = " P_TS " WHERE id = " P_ID) \
    X(POST_LOCK_CHILDREN, 2, "SELECT " PAMPS_LOCK_ROWS("likes WHERE post_id = " P_ID) \
      " + " PAMPS_LOCK_ROWS("posts WHERE parent_id = " P_ID)) \
    X(POST_DETACH_REPLIES, 1, "UPDATE posts SET parent_id = NULL WHERE parent_id = " P_ID) \
    X(POST_DEL_LIKES, 1, "DELETE FROM likes WHERE post_id = " P_ID) \
    X(POST_DELETE, 1, "DELETE FROM posts WHERE id = " P_ID) \
    X(FEED_ALL, 3, PAMPS_POST_SELECT " WHERE 1 = 1" PAMPS_FEED_PAGE) \
    X(FEED_USER, 4, PAMPS_POST_SELECT " WHERE p.user_id = " P_ID PAMPS_FEED_PAGE) \
    X(FEED_REPLIES, 4, PAMPS_POST_SELECT " WHERE p.parent_id = " P_ID PAMPS_FEED_PAGE) \
    /* the timeline takes from each author (the followed, and the caller) at \
     * most a page of their newest posts below the cursor, through posts_user, \
     * and keeps the newest of those: its cost follows the number of authors, \
     * not the size of the table */ \
    X(FEED_TIMELINE, 7, "SELECT " PAMPS_POST_COLS " FROM (SELECT w_p.id FROM" \
      " (SELECT f.followee_id AS uid FROM follows f WHERE f.follower_id = " P_ID \
      "  UNION ALL SELECT CAST(%s AS BIGINT)) w" \
      " JOIN posts w_p ON w_p.user_id = w.uid WHERE w_p.id < " P_ID " AND w_p.id >= COALESCE(" \
      "  (SELECT x.id FROM posts x WHERE x.user_id = w.uid AND x.id < " P_ID \
      "   ORDER BY x.id DESC LIMIT 1 OFFSET " P_ID "), 0)" \
      " ORDER BY w_p.id DESC LIMIT " P_ID ") page" \
      " JOIN posts p ON p.id = page.id JOIN users u ON u.id = p.user_id ORDER BY p.id DESC") \
    X(LIKE_INSERT, 3, "INSERT INTO likes (post_id, user_id, created_at)" \
      " VALUES (" P_ID ", " P_ID ", " P_TS ")" \
      " ON CONFLICT DO NOTHING") \
    X(LIKE_DELETE, 2, "DELETE FROM likes WHERE post_id = " P_ID " AND user_id = " P_ID) \
    X(LIKERS_LIST, 3, "SELECT " PAMPS_PUBLIC_USER_COLS " FROM likes l" \
      " JOIN users u ON u.id = l.user_id WHERE l.post_id = " P_ID PAMPS_USER_PAGE("l.user_id")) \
    X(LIKERS_COUNT, 1, "SELECT likes_count FROM posts WHERE id = " P_ID) \
    /* If-Match: a write that changes nothing takes the row's lock (and \
     * SQLite's write lock) before the representation is compared, so no \
     * other write comes between the comparison and the change */ \
    X(TASK_LOCK, 1, "UPDATE tasks SET title = title WHERE id = " P_ID) \
    X(POST_LOCK, 1, "UPDATE posts SET text = text WHERE id = " P_ID) \
    X(USER_LOCK, 1, "UPDATE users SET username = username WHERE id = " P_ID) \
    X(USER_LOCK_NAME, 1, "UPDATE users SET username = username WHERE lower(username) = lower(%s)") \
    X(IDEM_INSERT, 4, "INSERT INTO idempotency_keys (scope, key, request_hash, state, created_at)" \
      " VALUES (%s, %s, %s, 'running', " P_TS ") ON CONFLICT DO NOTHING RETURNING id") \
    /* a row left 'running' since before the cut-off (its request died) is \
     * taken by a retry of the same request: one retry, as the row's new \
     * created_at puts it after the cut-off for any other */ \
    X(IDEM_TAKE_OVER, 5, "UPDATE idempotency_keys SET created_at = " P_TS " WHERE scope = %s" \
      " AND key = %s AND request_hash = %s AND state = 'running' AND created_at < " P_TS \
      " RETURNING id") \
    X(IDEM_GET, 2, "SELECT " PAMPS_SELECT_LIST(PAMPS_COLS_IDEM) \
      " FROM idempotency_keys WHERE scope = %s AND key = %s") \
    X(IDEM_DONE, 4, "UPDATE idempotency_keys SET state = 'done', status = " P_ID ", body = %s," \
      " location = %s WHERE id = " P_ID) \
    X(IDEM_FORGET, 1, "DELETE FROM idempotency_keys WHERE id = " P_ID) \
    X(IDEM_PURGE, 1, "DELETE FROM idempotency_keys WHERE id IN (SELECT id FROM idempotency_keys" \
      " WHERE created_at < " P_TS " ORDER BY created_at LIMIT " PAMPS_PURGE_BATCH ")") \
    PAMPS_ORG_STATEMENTS(X, DEPT, "departments", "department_members", "department_id", \
                         "departments_count") \
    PAMPS_ORG_STATEMENTS(X, POS, "positions", "position_members", "position_id", \
                         "positions_count")
/* clang-format on */

/* The (nargs, args) pair a statement is called with, from a list of
 * strings (the module's pamps_db_* and the command's pamps_cli_*). */
#define PAMPS_ARGS(...) \
    (int)(sizeof((const char *[]){ __VA_ARGS__ }) / sizeof(const char *)), \
    (const char *const []){ __VA_ARGS__ }
#define PAMPS_NOARGS 0, NULL

#define PAMPS_SQL_ENUM(name, nargs, sql) PAMPS_SQL_##name,
typedef enum { PAMPS_STATEMENTS(PAMPS_SQL_ENUM) PAMPS_SQL_COUNT } pamps_sql_id;
#undef PAMPS_SQL_ENUM

typedef struct {
    const char *label;
    const char *sql;
    int nargs;                    /* the values each call gives */
} pamps_sql_statement;

/* the statements in SQLite's and in PostgreSQL's form; same labels */
extern const pamps_sql_statement pamps_sql[PAMPS_SQL_COUNT];
extern const pamps_sql_statement pamps_sql_pgsql[PAMPS_SQL_COUNT];

/* The table for an apr_dbd driver name ("sqlite3", "pgsql"). */
const pamps_sql_statement *pamps_sql_for_driver(const char *driver);

/* Whether sql writes (INSERT, UPDATE or DELETE; an INSERT ... RETURNING
 * is called like a query). */
int pamps_sql_writes(const char *sql);

/* The number of apr_dbd placeholders (%s, %d, ...; not %%) in sql. */
int pamps_sql_placeholders(const char *sql);

/* A LIKE parameter matching q as a substring, case-insensitively: q is
 * lower-cased and its wildcards escaped (with '\\', as the statements say). */
#include <apr_pools.h>
const char *pamps_like_pattern(apr_pool_t *p, const char *q);

#endif
