/* /auth: register, login, refresh (with rotation and reuse detection), logout. */
#include <string.h>

#include "apr_strings.h"
#include "http_protocol.h"

#include "pamps_api.h"
#include "pamps_account.h"
#include "pamps_sql.h"
#include "pamps_stats.h"
#include "pamps_throttle.h"
#include "pamps_rules.h"

#define BAD_LOGIN "Incorrect username or password"

json_t *pamps_issue_token_pair(pamps_req *req, long long user_id, long long ver,
                               const char *family, pamps_db_status *st)
{
    apr_pool_t *p = req->r->pool;
    pamps_token_keys keys = pamps_conf_token_keys(req->sconf);
    long long now = (long long)apr_time_sec(apr_time_now());
    apr_int64_t access_ttl = pamps_conf_access_ttl(req->sconf);
    /* both name the login (the rotation chain), which logout or reuse
     * detection ends for the access tokens too */
    const char *login = family ? family : pamps_token_new_id(p);
    pamps_claims access = { user_id, "access", now, now + access_ttl,
                            pamps_token_new_id(p), ver, login };
    pamps_claims refresh = { user_id, "refresh", now,
                             now + pamps_conf_refresh_ttl(req->sconf),
                             pamps_token_new_id(p), ver, login };
    char *access_token = pamps_token_issue(p, &keys, &access);
    char *refresh_token = pamps_token_issue(p, &keys, &refresh);

    if (!access_token || !refresh_token || !access.jti || !refresh.jti || !login) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, req->r, PAMPS_LOGNO(401)
                      "cannot sign tokens");
        *st = PAMPS_DB_ERROR;
        return NULL;
    }
    *st = pamps_db_exec(req, PAMPS_SQL_REFRESH_INSERT, NULL,
                        PAMPS_ARGS(refresh.jti, apr_psprintf(p, "%" APR_INT64_T_FMT, (apr_int64_t)user_id),
                                   refresh.fam, pamps_time_text(p, refresh.exp),
                                   pamps_time_text(p, now)));
    if (*st != PAMPS_DB_OK) {
        return NULL;
    }
    return json_pack("{s:s, s:s, s:s, s:I}", "access_token", access_token,
                     "refresh_token", refresh_token, "token_type", "bearer",
                     "expires_in", (json_int_t)access_ttl);
}

/* PampsTokenCookie: the access token as a cookie for browser navigation to
 * the locations the pamps-user providers guard (GET/HEAD only). Set when
 * the login or refresh asks for it with ?cookie=1, never by default; an
 * empty value with Max-Age=0 clears it (logout). */
static void token_cookie(pamps_req *req, const char *value, apr_int64_t max_age)
{
    const char *name = req->sconf->token_cookie;

    if (name) {
        apr_table_addn(req->r->headers_out, "Set-Cookie",
                       apr_psprintf(req->r->pool, "%s=%s; Path=/; Max-Age=%" APR_INT64_T_FMT
                                    "; HttpOnly; Secure; SameSite=Strict", name, value,
                                    max_age));
    }
}

/* Sends a new pair, and its access token as the cookie when asked. No
 * cache may keep a token pair (RFC 6749 5.1). */
static int send_pair(pamps_req *req, json_t *pair)
{
    const char *ask = apr_table_get(pamps_query_args(req), "cookie");

    apr_table_setn(req->r->headers_out, "Cache-Control", "no-store");
    apr_table_setn(req->r->headers_out, "Pragma", "no-cache");
    if (ask && (strcmp(ask, "1") == 0 || strcmp(ask, "true") == 0)) {
        token_cookie(req, json_string_value(json_object_get(pair, "access_token")),
                     pamps_conf_access_ttl(req->sconf));
    }
    return pamps_send_json(req, HTTP_OK, pair);
}

static const pamps_field_spec register_fields[] = {
    PAMPS_SPEC_USERNAME(PAMPS_F_REQUIRED),
    PAMPS_SPEC_EMAIL(PAMPS_F_REQUIRED),
    PAMPS_SPEC_PASSWORD("password", PAMPS_F_REQUIRED),
    PAMPS_SPECS_PROFILE,
};
enum { REGISTER_PROFILE = 3, REGISTER_NFIELDS = REGISTER_PROFILE + PAMPS_SPECS_PROFILE_N };
static const pamps_body register_body = PAMPS_BODY("Register", register_fields);

static int register_account(pamps_req *req)
{
    pamps_field_value v[REGISTER_NFIELDS], *prof = v + REGISTER_PROFILE;
    apr_pool_t *p = req->r->pool;
    const char *now = pamps_now_text(p), *hash;
    pamps_rows rows;
    pamps_db_status st;
    pamps_attempt attempt;

    if (pamps_read_fields(req, &register_body, v) != OK) {
        return DONE;
    }
    /* every well-formed registration counts, taken or not: the limit
     * also bounds probing for names and emails */
    pamps_throttle_purge(req);
    if (pamps_throttle_register(req, &attempt) != OK) {
        return DONE;
    }
    if ((st = pamps_db_select(req, PAMPS_SQL_USER_ID_BY_USERNAME, &rows,
                              PAMPS_ARGS(v[0].str))) != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    if (rows.nrows) {
        return pamps_send_error(req, HTTP_CONFLICT, "Username already registered");
    }
    if ((st = pamps_db_select(req, PAMPS_SQL_USER_ID_BY_EMAIL, &rows,
                              PAMPS_ARGS(pamps_case_key(req, v[1].str)))) != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    if (rows.nrows) {
        return pamps_send_error(req, HTTP_CONFLICT, "Email already registered");
    }
    if (pamps_account_hash(req, v[2].str, &hash) != OK) {
        return DONE;
    }
    st = pamps_db_select(req, PAMPS_SQL_USER_INSERT, &rows,
                         PAMPS_ARGS(v[0].str, v[1].str, pamps_case_key(req, v[1].str), hash,
                                    prof[0].str, prof[1].str, prof[2].str, now, now));
    if (st != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    if (rows.nrows != 1) {      /* lost a race for the same name or email */
        return pamps_send_error(req, HTTP_CONFLICT, "Username or email already registered");
    }
    return pamps_send_own_view(req, HTTP_CREATED, rows.rows[0].col[PAMPS_COL_VALUE]);
}

static int bad_credentials(pamps_req *req)
{
    apr_table_setn(req->r->err_headers_out, "WWW-Authenticate", "Bearer");
    return pamps_send_error(req, HTTP_UNAUTHORIZED, BAD_LOGIN);
}

/* a username or an email; a password of a length no account has is only a
 * wrong one (answered as such), up to a cap that keeps argon2's input sane */
static const pamps_field_spec login_fields[] = {
    { "username", PAMPS_FIELD_STRING, PAMPS_F_REQUIRED, 1, PAMPS_EMAIL_MAX, NULL },
    { "password", PAMPS_FIELD_STRING, PAMPS_F_REQUIRED, 1, 1024, NULL },
};
static const pamps_body login_body = PAMPS_BODY("Login", login_fields);

static int login(pamps_req *req)
{
    pamps_field_value v[2];
    apr_pool_t *p = req->r->pool;
    json_t *pair;
    pamps_argon2_cost cost = pamps_conf_argon2(req->sconf);
    const char *user_id = NULL, *hash = NULL;
    pamps_rows rows;
    pamps_db_status st;
    pamps_attempt attempt;

    if (pamps_read_fields(req, &login_body, v) != OK) {
        return DONE;
    }
    pamps_throttle_purge(req);

    st = pamps_db_select(req, PAMPS_SQL_USER_LOGIN_LOOKUP, &rows,
                         PAMPS_ARGS(v[0].str, pamps_case_key(req, v[0].str)));
    if (st != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    if (rows.nrows == 1) {
        user_id = rows.rows[0].col[PAMPS_COL_LOGIN_ID];
        hash = rows.rows[0].col[PAMPS_COL_LOGIN_PASSWORD_HASH];
    }
    /* counted before the verification, which a failure leaves counted */
    if (pamps_throttle_login(req, user_id, v[0].str, &attempt) != OK) {
        return DONE;
    }
    if (!pamps_password_verify(p, &cost, hash, v[1].str)) {
        /* for fail2ban (conf/fail2ban/): the address right after a fixed
         * prefix, so no account name can pose as one */
        ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, req->r, PAMPS_LOGNO(405)
                      "login failed from %s for account \"%s\"%s",
                      pamps_client_address(req->r), ap_escape_logitem(p, v[0].str),
                      user_id ? "" : " (no such account)");
        pamps_stats_count(PAMPS_STAT_LOGIN_FAILED);
        return bad_credentials(req);
    }
    pamps_throttle_release(req, &attempt);
    pair = pamps_issue_token_pair(req, pamps_col_int(&rows.rows[0], PAMPS_COL_LOGIN_ID),
                                  pamps_col_int(&rows.rows[0], PAMPS_COL_LOGIN_TOKEN_VERSION),
                                  NULL, &st);
    if (!pair) {
        return pamps_db_fail(req, st);
    }
    return send_pair(req, pair);
}

static const pamps_field_spec refresh_fields[] = {
    { "refresh_token", PAMPS_FIELD_STRING, PAMPS_F_REQUIRED, 1, 4096, NULL },
};
static const pamps_body refresh_body = PAMPS_BODY("RefreshToken", refresh_fields);

/* Reads and verifies {"refresh_token"}: OK, or DONE when the 422 or 401
 * has been sent. */
static int read_refresh_token(pamps_req *req, pamps_claims *claims)
{
    pamps_field_value v[1];
    pamps_token_keys keys = pamps_conf_token_keys(req->sconf);
    const char *why = NULL;

    if (pamps_read_fields(req, &refresh_body, v) != OK) {
        return DONE;
    }
    if (pamps_token_verify(req->r->pool, &keys, v[0].str, "refresh",
                           (long long)apr_time_sec(apr_time_now()), claims, &why)
        || !claims->fam) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, req->r, PAMPS_LOGNO(403)
                      "refresh token rejected: %s", why ? why : "no rotation chain");
        return pamps_send_401(req->r, "Invalid refresh token", 1);
    }
    return OK;
}

static int refresh(pamps_req *req)
{
    apr_pool_t *p = req->r->pool;
    const char *now = pamps_now_text(p), *sub;
    pamps_claims claims;
    pamps_rows rows;
    pamps_db_status st;
    json_t *pair;
    int revoked = 0;

    if (read_refresh_token(req, &claims) != OK) {
        return DONE;
    }
    pamps_throttle_purge(req);
    sub = apr_psprintf(p, "%" APR_INT64_T_FMT, (apr_int64_t)claims.sub);
    st = pamps_db_select(req, PAMPS_SQL_USER_AUTH, &rows,
                         PAMPS_ARGS(claims.fam, claims.fam, sub));
    if (st != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    if (rows.nrows != 1
        || pamps_col_int(&rows.rows[0], PAMPS_COL_AUTH_TOKEN_VERSION) != claims.ver) {
        return pamps_send_401(req->r, "Invalid refresh token", 1);
    }
    if ((st = pamps_db_begin(req)) != PAMPS_DB_OK
        || (st = pamps_db_exec(req, PAMPS_SQL_REFRESH_REVOKE, &revoked,
                               PAMPS_ARGS(now, claims.jti))) != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    if (revoked != 1) {
        /* a rotated token came back: someone holds a copy, end the chain */
        ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, req->r, PAMPS_LOGNO(404)
                      "refresh token reuse for user %s: revoking its chain", sub);
        if ((st = pamps_db_exec(req, PAMPS_SQL_REFRESH_REVOKE_FAMILY, NULL,
                                PAMPS_ARGS(now, claims.fam, sub))) != PAMPS_DB_OK
            || (st = pamps_db_commit(req)) != PAMPS_DB_OK) {
            return pamps_db_fail(req, st);
        }
        return pamps_send_401(req->r, "Refresh token has been revoked", 1);
    }
    pair = pamps_issue_token_pair(req, claims.sub, claims.ver, claims.fam, &st);
    if (!pair || (st = pamps_db_commit(req)) != PAMPS_DB_OK) {
        json_decref(pair);
        return pamps_db_fail(req, st);
    }
    return send_pair(req, pair);
}

static int logout(pamps_req *req)
{
    pamps_claims claims;
    pamps_db_status st;

    if (read_refresh_token(req, &claims) != OK) {
        return DONE;
    }
    if (claims.sub != req->user->id) {
        return pamps_send_error(req, HTTP_FORBIDDEN, "That refresh token belongs to another user");
    }
    /* the login ends, whichever of its refresh tokens is shown: every one
     * of its chain, and with them its access tokens (the authn hook) */
    st = pamps_db_exec(req, PAMPS_SQL_REFRESH_REVOKE_FAMILY, NULL,
                       PAMPS_ARGS(pamps_now_text(req->r->pool), claims.fam,
                                  req->user->id_text));
    if (st != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    token_cookie(req, "", 0);
    return pamps_send_no_content(req);
}

/* clang-format off */
static const pamps_route routes[] = {
    { "POST", "/auth/register", PUBLIC | JSON | IDEMPOTENT, register_account, NULL, .tag = "auth",
      .summary = "Create an account",
      .description = "Answers the new account's own view (counts 0, role user) and its"
                     " Location. A username or email already registered (compared"
                     " case-insensitively) is 409. Registrations are limited per client"
                     " address (429, Retry-After). With an Idempotency-Key, a retry gets"
                     " the first answer again.",
      .body = &register_body, .status = HTTP_CREATED, .response = "OwnUser",
      .errors = { HTTP_CONFLICT, HTTP_TOO_MANY_REQUESTS } },
    { "POST", "/auth/login", PUBLIC | JSON | FORM, login, NULL, .tag = "auth",
      .summary = "Log in (JSON or OAuth2 password form)",
      .description = "username may also be the email. A wrong username or password is"
                     " 401, with the same detail either way. Repeated failures lock the"
                     " account or the client address for a while (429, Retry-After)."
                     " With PampsTokenCookie, ?cookie=1 also sets the access token"
                     " as that cookie (HttpOnly, Secure, SameSite=Strict).",
      .body = &login_body, .status = HTTP_OK, .response = "TokenPair",
      .errors = { HTTP_UNAUTHORIZED, HTTP_TOO_MANY_REQUESTS } },
    { "POST", "/auth/refresh", PUBLIC | JSON, refresh, NULL, .tag = "auth",
      .summary = "Rotate a refresh token for a new pair",
      .description = "The token used is revoked; presenting it again revokes its whole chain"
                     " and ends that login's access tokens (401). An invalid or expired"
                     " token, or an access token, is 401. ?cookie=1 renews the"
                     " PampsTokenCookie cookie.",
      .body = &refresh_body, .status = HTTP_OK, .response = "TokenPair",
      .errors = { HTTP_UNAUTHORIZED } },
    { "POST", "/auth/logout", JSON, logout, NULL, .tag = "auth",
      .summary = "End a login",
      .description = "Revokes the refresh token's whole rotation chain; that login's"
                     " access tokens stop working at once. Other logins go on."
                     " Another user's refresh token is 403, an invalid or expired one 401,"
                     " one already revoked 204. Clears the PampsTokenCookie cookie.",
      .body = &refresh_body,
      .status = HTTP_NO_CONTENT, .errors = { HTTP_FORBIDDEN } },
};
/* clang-format on */

const pamps_route_set pamps_auth_routes = PAMPS_ROUTE_SET(routes);
