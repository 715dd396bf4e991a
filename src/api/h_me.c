/* /users/me: the caller's own account. */
#include "apr_strings.h"
#include "http_protocol.h"

#include "pamps_api.h"
#include "pamps_account.h"
#include "pamps_sql.h"
#include "pamps_throttle.h"
#include "pamps_rules.h"

static int me_get(pamps_req *req)
{
    return pamps_send_own_view(req, HTTP_OK, req->user->id_text);
}

/* "1" when the field was sent (a change, possibly to null), else "0" */
static const char *sent(const pamps_field_value *v)
{
    return v->present ? "1" : "0";
}

static const pamps_field_spec profile_fields[] = {
    PAMPS_SPECS_PROFILE,
    PAMPS_SPEC_EMAIL(0),
};
static const pamps_body profile_body = PAMPS_BODY("ProfileUpdate", profile_fields);

static int me_patch(pamps_req *req)
{
    pamps_field_value prof[PAMPS_SPECS_PROFILE_N + 1], *email = prof + PAMPS_SPECS_PROFILE_N;
    apr_pool_t *p = req->r->pool;
    pamps_rows rows;
    pamps_db_status st;

    if (pamps_read_fields(req, &profile_body, prof) != OK) {
        return DONE;
    }
    if (email[0].present) {
        st = pamps_db_select(req, PAMPS_SQL_USER_ID_BY_EMAIL, &rows,
                             PAMPS_ARGS(pamps_case_key(req, email[0].str)));
        if (st != PAMPS_DB_OK) {
            return pamps_db_fail(req, st);
        }
        if (rows.nrows && pamps_col_int(&rows.rows[0], PAMPS_COL_VALUE) != req->user->id) {
            return pamps_send_error(req, HTTP_CONFLICT, "Email already registered");
        }
    }
    st = pamps_db_exec(req, PAMPS_SQL_USER_PATCH, NULL,
                       PAMPS_ARGS(sent(&prof[0]), prof[0].str, sent(&prof[1]), prof[1].str,
                                  sent(&prof[2]), prof[2].str, sent(&email[0]), email[0].str,
                                  sent(&email[0]), pamps_case_key(req, email[0].str),
                                  pamps_now_text(p), req->user->id_text));
    if (st == PAMPS_DB_CONFLICT) {
        return pamps_send_error(req, HTTP_CONFLICT, "Email already registered");
    }
    if (st != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    return pamps_send_own_view(req, HTTP_OK, req->user->id_text);
}

static int me_delete(pamps_req *req)
{
    return pamps_account_delete(req, req->user->id_text);
}

static const pamps_field_spec password_fields[] = {
    { "current_password", PAMPS_FIELD_STRING, PAMPS_F_REQUIRED, 0, 0, NULL },
    PAMPS_SPEC_PASSWORD("new_password", PAMPS_F_REQUIRED),
};
static const pamps_body password_body = PAMPS_BODY("PasswordChange", password_fields);

static int me_password(pamps_req *req)
{
    pamps_field_value v[2];
    apr_pool_t *p = req->r->pool;
    pamps_argon2_cost cost = pamps_conf_argon2(req->sconf);
    const char *now = pamps_now_text(p), *hash;
    pamps_rows rows;
    pamps_db_status st;
    pamps_attempt attempt;

    if (pamps_read_fields(req, &password_body, v) != OK) {
        return DONE;
    }
    st = pamps_db_select(req, PAMPS_SQL_USER_PASSWORD_HASH, &rows,
                         PAMPS_ARGS(req->user->id_text));
    if (st != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    /* a wrong current password is a failed login of the account */
    if (pamps_throttle_login(req, req->user->id_text, NULL, &attempt) != OK) {
        return DONE;
    }
    if (rows.nrows != 1
        || !pamps_password_verify(p, &cost, rows.rows[0].col[PAMPS_COL_VALUE], v[0].str)) {
        return pamps_send_error(req, HTTP_FORBIDDEN, "Current password is incorrect");
    }
    pamps_throttle_release(req, &attempt);
    if (pamps_account_hash(req, v[1].str, &hash) != OK) {
        return DONE;
    }
    /* the version bump ends every token issued before; refresh rows go too */
    if ((st = pamps_db_begin(req)) != PAMPS_DB_OK
        || (st = pamps_db_exec(req, PAMPS_SQL_USER_SET_PASSWORD, NULL,
                               PAMPS_ARGS(hash, now, req->user->id_text))) != PAMPS_DB_OK
        || (st = pamps_db_exec(req, PAMPS_SQL_REFRESH_REVOKE_USER, NULL,
                               PAMPS_ARGS(now, req->user->id_text))) != PAMPS_DB_OK
        || (st = pamps_db_commit(req)) != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    return pamps_send_no_content(req);
}

/* clang-format off */
static const pamps_route routes[] = {
    { "GET", "/users/me", 0, me_get, NULL, .tag = "users",
      .summary = "Your account, with counts",
      .description = "Your public profile with its counts, and your email and role.",
      .status = HTTP_OK, .response = "OwnUser" },
    { "PATCH", "/users/me", JSON | IF_MATCH, me_patch, NULL, .lock = PAMPS_SQL_USER_LOCK, .tag = "users",
      .summary = "Change your profile or email",
      .description = "Changes the fields sent; null clears name, bio or avatar. An email"
                     " another account has is 409. Answers your own view and its new"
                     " ETag.",
      .body = &profile_body,
      .status = HTTP_OK, .response = "OwnUser", .errors = { HTTP_CONFLICT } },
    { "DELETE", "/users/me", IF_MATCH, me_delete, NULL, .lock = PAMPS_SQL_USER_LOCK, .tag = "users",
      .summary = "Delete your account",
      .description = "Your tasks, likes, follows, memberships and posts go; others'"
                     " replies to your posts stay, as top-level posts.",
      .status = HTTP_NO_CONTENT },
    { "PUT", "/users/me/password", JSON, me_password, NULL, .tag = "users",
      .summary = "Change your password (ends older tokens)",
      .description = "Every token issued before stops working. A wrong current_password"
                     " is 403 and counts as a failed login of the account (429,"
                     " Retry-After, once the login limit is reached).",
      .body = &password_body, .status = HTTP_NO_CONTENT,
      .errors = { HTTP_FORBIDDEN, HTTP_TOO_MANY_REQUESTS } },
};
/* clang-format on */

const pamps_route_set pamps_me_routes = PAMPS_ROUTE_SET(routes);
