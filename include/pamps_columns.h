/* The columns of every multi-column result, each list written once: it
 * gives the statement's SELECT list (pamps_sql.h) and an enum of positions
 * (PAMPS_COL_<name>) that views and handlers read rows by, so the SQL text
 * and the readers cannot disagree.
 *
 * A list is an X-macro over F(name, sql) for its first column and C(name,
 * sql) for the others. Lists that extend another (the profile after the
 * public user, a post's author after the post) start their enum where the
 * other's ends. */
#ifndef PAMPS_COLUMNS_H
#define PAMPS_COLUMNS_H

/* "a, b, c" and ", a, b, c" */
#define PAMPS_COL_TEXT_FIRST(name, sql) sql
#define PAMPS_COL_TEXT(name, sql) ", " sql
#define PAMPS_SELECT_LIST(cols) cols(PAMPS_COL_TEXT_FIRST, PAMPS_COL_TEXT)
#define PAMPS_SELECT_MORE(cols) cols(PAMPS_COL_TEXT, PAMPS_COL_TEXT)

/* enum { PAMPS_COL_<name> = first, ..., end }: end is one past the last */
#define PAMPS_COL_ENUM(name, sql) PAMPS_COL_##name,
#define PAMPS_COLUMNS_ENUM(cols, first, end) \
    enum { end##_BEFORE = (first) - 1, cols(PAMPS_COL_ENUM, PAMPS_COL_ENUM) end };

/* A statement that returns one value (an id, a count, a hash) has it here. */
enum { PAMPS_COL_VALUE = 0 };

/* clang-format off */
/* public user */
#define PAMPS_COLS_USER(F, C) \
    F(USER_ID, "u.id") C(USER_USERNAME, "u.username") C(USER_NAME, "u.name") \
    C(USER_BIO, "u.bio") C(USER_AVATAR, "u.avatar") C(USER_CREATED_AT, "u.created_at")
PAMPS_COLUMNS_ENUM(PAMPS_COLS_USER, 0, PAMPS_USER_NCOLS)

/* profile: the public user, then these (counters that triggers keep, see
 * sql/<driver>/005_counters.sql) */
#define PAMPS_COLS_USER_COUNTS(F, C) \
    F(USER_POSTS_COUNT, "u.posts_count") C(USER_FOLLOWERS_COUNT, "u.followers_count") \
    C(USER_FOLLOWING_COUNT, "u.following_count")
PAMPS_COLUMNS_ENUM(PAMPS_COLS_USER_COUNTS, PAMPS_USER_NCOLS, PAMPS_PROFILE_NCOLS)

/* own view: the profile, then what only its owner (and admins) see */
#define PAMPS_COLS_USER_PRIVATE(F, C) F(USER_EMAIL, "u.email") C(USER_ROLE, "u.role")
PAMPS_COLUMNS_ENUM(PAMPS_COLS_USER_PRIVATE, PAMPS_PROFILE_NCOLS, PAMPS_OWN_NCOLS)

/* post, then its author's public user columns from PAMPS_POST_AUTHOR on;
 * liked_by_me takes the viewer as the statement's first parameter */
#define PAMPS_COLS_POST(F, C) \
    F(POST_ID, "p.id") C(POST_TEXT, "p.text") C(POST_PARENT_ID, "p.parent_id") \
    C(POST_CREATED_AT, "p.created_at") C(POST_UPDATED_AT, "p.updated_at") \
    C(POST_LIKES_COUNT, "p.likes_count") C(POST_REPLIES_COUNT, "p.replies_count") \
    C(POST_LIKED_BY_ME, \
      "EXISTS (SELECT 1 FROM likes l WHERE l.post_id = p.id AND l.user_id = " P_ID ")")
PAMPS_COLUMNS_ENUM(PAMPS_COLS_POST, 0, PAMPS_POST_AUTHOR)

#define PAMPS_COLS_TASK(F, C) \
    F(TASK_ID, "id") C(TASK_TITLE, "title") C(TASK_DESCRIPTION, "description") \
    C(TASK_DONE, "done") C(TASK_CREATED_AT, "created_at") C(TASK_UPDATED_AT, "updated_at")
PAMPS_COLUMNS_ENUM(PAMPS_COLS_TASK, 0, PAMPS_TASK_NCOLS)

/* department or position */
#define PAMPS_COLS_ORG(F, C) \
    F(ORG_ID, "o.id") C(ORG_NAME, "o.name") C(ORG_DESCRIPTION, "o.description") \
    C(ORG_CREATED_AT, "o.created_at")
PAMPS_COLUMNS_ENUM(PAMPS_COLS_ORG, 0, PAMPS_ORG_NCOLS)

/* the caller, re-read on every request */
#define PAMPS_COLS_USER_AUTH(F, C) \
    F(AUTH_ID, "id") C(AUTH_USERNAME, "username") C(AUTH_ROLE, "role") \
    C(AUTH_TOKEN_VERSION, "token_version")
PAMPS_COLUMNS_ENUM(PAMPS_COLS_USER_AUTH, 0, PAMPS_AUTH_NCOLS)

/* the bearer's login, after the caller's columns: 1 while it has a refresh
 * token not revoked (a rotation revokes one and records the next in one
 * transaction, so every reader sees one), 0 once logout or reuse detection
 * ended it. Takes the token's fam twice, '' for a token from before access
 * tokens named their login (counted live). The unary + keeps the planners
 * on the family index: a user's tokens are many (one per refresh), a
 * login's few. */
#define PAMPS_COLS_AUTH_LOGIN(F, C) \
    F(AUTH_LOGIN_LIVE, "CASE WHEN %s = '' OR EXISTS (SELECT 1 FROM refresh_tokens t" \
      " WHERE t.family = %s AND +t.user_id = users.id AND t.revoked_at IS NULL)" \
      " THEN 1 ELSE 0 END")
PAMPS_COLUMNS_ENUM(PAMPS_COLS_AUTH_LOGIN, PAMPS_AUTH_NCOLS, PAMPS_AUTH_LOGIN_NCOLS)

/* the caller's task counters, read with the row the request reads anyway:
 * GET /tasks then needs no statement of its own for its total */
#define PAMPS_COLS_AUTH_TASKS(F, C) \
    F(AUTH_TASKS_COUNT, "tasks_count") C(AUTH_TASKS_DONE_COUNT, "tasks_done_count")
PAMPS_COLUMNS_ENUM(PAMPS_COLS_AUTH_TASKS, PAMPS_AUTH_LOGIN_NCOLS, PAMPS_AUTH_TASKS_NCOLS)

#define PAMPS_COLS_LOGIN(F, C) \
    F(LOGIN_ID, "id") C(LOGIN_PASSWORD_HASH, "password_hash") \
    C(LOGIN_TOKEN_VERSION, "token_version")
PAMPS_COLUMNS_ENUM(PAMPS_COLS_LOGIN, 0, PAMPS_LOGIN_NCOLS)

/* a user as the pamps command lists them */
#define PAMPS_COLS_CLI_USER(F, C) \
    F(CLI_USER_ID, "id") C(CLI_USER_USERNAME, "username") C(CLI_USER_EMAIL, "email") \
    C(CLI_USER_ROLE, "role") C(CLI_USER_CREATED_AT, "created_at")
PAMPS_COLUMNS_ENUM(PAMPS_COLS_CLI_USER, 0, PAMPS_CLI_USER_NCOLS)

/* failed logins of a key within the window */
#define PAMPS_COLS_FAILURES(F, C) F(FAILURES_COUNT, "COUNT(*)") C(FAILURES_OLDEST, "MIN(failed_at)")
PAMPS_COLUMNS_ENUM(PAMPS_COLS_FAILURES, 0, PAMPS_FAILURES_NCOLS)

/* an Idempotency-Key's stored request and response */
#define PAMPS_COLS_IDEM(F, C) \
    F(IDEM_REQUEST_HASH, "request_hash") C(IDEM_STATE, "state") C(IDEM_STATUS, "status") \
    C(IDEM_BODY, "body") C(IDEM_LOCATION, "location")
PAMPS_COLUMNS_ENUM(PAMPS_COLS_IDEM, 0, PAMPS_IDEM_NCOLS)
/* clang-format on */

#endif
