/* Every SQL statement of the module, written once for both SQLite and
 * PostgreSQL. Placeholders are apr_dbd's %s (all values travel as text);
 * timestamps are passed as RFC 3339 text, which both dialects compare in
 * time order. Each statement is prepared once per pooled connection. */
#ifndef PAMPS_SQL_H
#define PAMPS_SQL_H

#define PAMPS_TASK_COLS "id, title, description, done, created_at, updated_at"
#define PAMPS_TASK_FILTER \
    " FROM tasks WHERE user_id = %s AND (%s = 'any' OR done = %s)" \
    " AND (%s = '' OR lower(title) LIKE %s ESCAPE '\\')"
#define PAMPS_TASK_LIST(order) \
    "SELECT " PAMPS_TASK_COLS PAMPS_TASK_FILTER " ORDER BY " order " LIMIT %s OFFSET %s"

/* own view: public columns, email, role, then the three counts */
#define PAMPS_USER_OWN_COLS \
    "u.id, u.username, u.name, u.bio, u.avatar, u.created_at, u.email, u.role, " \
    "(SELECT COUNT(*) FROM posts p WHERE p.user_id = u.id), " \
    "(SELECT COUNT(*) FROM follows f WHERE f.followee_id = u.id), " \
    "(SELECT COUNT(*) FROM follows f WHERE f.follower_id = u.id)"

#define PAMPS_STATEMENTS(X) \
    X(PING, "SELECT 1") \
    X(USER_AUTH, "SELECT id, username, role, token_version FROM users WHERE id = %s") \
    X(USER_OWN_VIEW, "SELECT " PAMPS_USER_OWN_COLS " FROM users u WHERE u.id = %s") \
    X(USER_ID_BY_USERNAME, "SELECT id FROM users WHERE lower(username) = lower(%s)") \
    X(USER_ID_BY_EMAIL, "SELECT id FROM users WHERE lower(email) = lower(%s)") \
    X(USER_INSERT, \
      "INSERT INTO users (username, email, password_hash, name, bio, avatar," \
      " created_at, updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)" \
      " ON CONFLICT DO NOTHING RETURNING id") \
    X(USER_LOGIN_LOOKUP, \
      "SELECT id, password_hash, token_version FROM users" \
      " WHERE lower(username) = lower(%s) OR lower(email) = lower(%s)") \
    X(USER_PATCH, \
      "UPDATE users SET" \
      " name = CASE WHEN %s = '1' THEN %s ELSE name END," \
      " bio = CASE WHEN %s = '1' THEN %s ELSE bio END," \
      " avatar = CASE WHEN %s = '1' THEN %s ELSE avatar END," \
      " email = CASE WHEN %s = '1' THEN %s ELSE email END," \
      " updated_at = %s WHERE id = %s") \
    X(USER_PASSWORD_HASH, "SELECT password_hash FROM users WHERE id = %s") \
    X(USER_SET_PASSWORD, \
      "UPDATE users SET password_hash = %s, token_version = token_version + 1," \
      " updated_at = %s WHERE id = %s") \
    X(USER_DEL_LIKES, \
      "DELETE FROM likes WHERE user_id = %s" \
      " OR post_id IN (SELECT id FROM posts WHERE user_id = %s)") \
    X(USER_DETACH_REPLIES, \
      "UPDATE posts SET parent_id = NULL WHERE user_id <> %s" \
      " AND parent_id IN (SELECT id FROM posts WHERE user_id = %s)") \
    X(USER_DEL_POSTS, "DELETE FROM posts WHERE user_id = %s") \
    X(USER_DEL_FOLLOWS, "DELETE FROM follows WHERE follower_id = %s OR followee_id = %s") \
    X(USER_DEL_TASKS, "DELETE FROM tasks WHERE user_id = %s") \
    X(USER_DEL_TOKENS, "DELETE FROM refresh_tokens WHERE user_id = %s") \
    X(USER_DEL_DEPARTMENTS, "DELETE FROM department_members WHERE user_id = %s") \
    X(USER_DEL_POSITIONS, "DELETE FROM position_members WHERE user_id = %s") \
    X(USER_DELETE, "DELETE FROM users WHERE id = %s") \
    X(REFRESH_INSERT, \
      "INSERT INTO refresh_tokens (jti, user_id, family, expires_at, created_at)" \
      " VALUES (%s, %s, %s, %s, %s)") \
    X(REFRESH_GET, "SELECT user_id, revoked_at FROM refresh_tokens WHERE jti = %s") \
    X(REFRESH_REVOKE, \
      "UPDATE refresh_tokens SET revoked_at = %s WHERE jti = %s AND revoked_at IS NULL") \
    X(REFRESH_REVOKE_FAMILY, \
      "UPDATE refresh_tokens SET revoked_at = %s WHERE family = %s AND revoked_at IS NULL") \
    X(REFRESH_REVOKE_USER, \
      "UPDATE refresh_tokens SET revoked_at = %s WHERE user_id = %s AND revoked_at IS NULL") \
    X(FAILURES_COUNT, \
      "SELECT COUNT(*), MIN(failed_at) FROM login_failures WHERE key = %s AND failed_at > %s") \
    X(FAILURES_INSERT, "INSERT INTO login_failures (key, failed_at) VALUES (%s, %s)") \
    X(FAILURES_PRUNE, "DELETE FROM login_failures WHERE key = %s AND failed_at <= %s") \
    X(FAILURES_CLEAR, "DELETE FROM login_failures WHERE key = %s") \
    X(TASK_INSERT, \
      "INSERT INTO tasks (user_id, title, description, done, created_at, updated_at)" \
      " VALUES (%s, %s, %s, %s, %s, %s) RETURNING " PAMPS_TASK_COLS) \
    X(TASK_GET, "SELECT " PAMPS_TASK_COLS " FROM tasks WHERE id = %s AND user_id = %s") \
    X(TASK_UPDATE, \
      "UPDATE tasks SET" \
      " title = CASE WHEN %s = '1' THEN %s ELSE title END," \
      " description = CASE WHEN %s = '1' THEN %s ELSE description END," \
      " done = CASE WHEN %s = '1' THEN %s ELSE done END," \
      " updated_at = %s WHERE id = %s AND user_id = %s RETURNING " PAMPS_TASK_COLS) \
    X(TASK_DELETE, "DELETE FROM tasks WHERE id = %s AND user_id = %s") \
    X(TASK_COUNT, "SELECT COUNT(*)" PAMPS_TASK_FILTER) \
    X(TASK_LIST_CREATED_DESC, PAMPS_TASK_LIST("created_at DESC, id DESC")) \
    X(TASK_LIST_CREATED_ASC, PAMPS_TASK_LIST("created_at ASC, id ASC")) \
    X(TASK_LIST_UPDATED_DESC, PAMPS_TASK_LIST("updated_at DESC, id DESC")) \
    X(TASK_LIST_UPDATED_ASC, PAMPS_TASK_LIST("updated_at ASC, id ASC")) \
    X(TASK_LIST_TITLE_DESC, PAMPS_TASK_LIST("title DESC, id DESC")) \
    X(TASK_LIST_TITLE_ASC, PAMPS_TASK_LIST("title ASC, id ASC"))

#define PAMPS_SQL_ENUM(name, sql) PAMPS_SQL_##name,
typedef enum { PAMPS_STATEMENTS(PAMPS_SQL_ENUM) PAMPS_SQL_COUNT } pamps_sql_id;
#undef PAMPS_SQL_ENUM

typedef struct {
    const char *label;
    const char *sql;
} pamps_sql_statement;

extern const pamps_sql_statement pamps_sql[PAMPS_SQL_COUNT];

#endif
