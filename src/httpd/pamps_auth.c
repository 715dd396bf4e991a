/* Bearer authentication in httpd's own phases: the "pamps-token" authz
 * provider asks for a user on protected routes only, and the authn hook
 * (AuthType Bearer) verifies the access token and sets r->user. The user is
 * re-read from the database, so deletion, password change, role change and
 * the end of the token's login (logout, refresh reuse) take effect on the
 * next request. */
#include <string.h>

#include "apr_strings.h"
#include "http_protocol.h"
#include "http_request.h"
#include "http_core.h"
#include "mod_auth.h"

#include "pamps_auth.h"
#include "pamps_config.h"
#include "pamps_db.h"
#include "pamps_http.h"
#include "pamps_request.h"
#include "pamps_sql.h"

static int reject(request_rec *r, const char *why, int token_sent)
{
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, PAMPS_LOGNO(301)
                  "bearer authentication failed: %s", why);
    return pamps_send_401(r, token_sent ? "Could not validate credentials"
                                        : "Not authenticated", token_sent);
}

static int authenticate_bearer(request_rec *r)
{
    const char *type = ap_auth_type(r), *header, *token, *role, *fam, *why = NULL;
    pamps_req *req;
    pamps_token_keys keys;
    pamps_claims claims;
    pamps_rows rows;
    pamps_db_status st;
    pamps_user *user;

    if (!type || strcasecmp(type, PAMPS_AUTH_TYPE) != 0) {
        return DECLINED;
    }
    req = pamps_request(r);
    header = apr_table_get(r->headers_in, "Authorization");
    if (!header || strncasecmp(header, "Bearer ", 7) != 0) {
        return reject(r, "no bearer token", 0);
    }
    token = header + 7;
    while (*token == ' ') {
        token++;
    }
    keys = pamps_conf_token_keys(req->sconf);
    if (pamps_token_verify(r->pool, &keys, token, "access",
                           (long long)apr_time_sec(r->request_time), &claims, &why)) {
        return reject(r, why, 1);
    }
    /* a token from before access tokens named their login has no fam: it
     * is accepted as it was then, until its exp */
    fam = claims.fam ? claims.fam : "";
    st = pamps_db_select(req, PAMPS_SQL_USER_AUTH, &rows,
                         PAMPS_ARGS(fam, fam, apr_psprintf(r->pool, "%" APR_INT64_T_FMT,
                                                           (apr_int64_t)claims.sub)));
    if (st != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    if (rows.nrows != 1) {
        return reject(r, "user no longer exists", 1);
    }
    if (pamps_col_int(&rows.rows[0], PAMPS_COL_AUTH_TOKEN_VERSION) != claims.ver) {
        return reject(r, "token issued before a password change", 1);
    }
    if (pamps_col_int(&rows.rows[0], PAMPS_COL_AUTH_LOGIN_LIVE) != 1) {
        return reject(r, "login ended (logout or refresh token reuse)", 1);
    }
    user = apr_pcalloc(r->pool, sizeof(*user));
    user->id = claims.sub;
    user->id_text = rows.rows[0].col[PAMPS_COL_AUTH_ID];
    user->username = rows.rows[0].col[PAMPS_COL_AUTH_USERNAME];
    role = rows.rows[0].col[PAMPS_COL_AUTH_ROLE];
    user->is_admin = role && strcmp(role, "admin") == 0;
    req->user = user;
    r->user = apr_pstrdup(r->pool, user->username);
    return OK;
}

/* Require pamps-token: public routes and requests no route serves (answered
 * 404/405, or OPTIONS and CORS preflights, by the handler) need no user;
 * every other route does. */
static authz_status check_route(request_rec *r, const char *require_args,
                                const void *parsed)
{
    pamps_req *req = pamps_request(r);

    (void)require_args;
    (void)parsed;
    if (req->route_result != PAMPS_ROUTE_FOUND
        || (req->match.route->flags & PAMPS_ROUTE_PUBLIC)) {
        return AUTHZ_GRANTED;
    }
    if (!r->user) {
        return AUTHZ_DENIED_NO_USER;
    }
    /* a user another module authenticated is not one of ours */
    return req->user ? AUTHZ_GRANTED : AUTHZ_DENIED;
}

static const authz_provider route_provider = { check_route, NULL };

void pamps_auth_register_hooks(apr_pool_t *p)
{
    ap_register_auth_provider(p, AUTHZ_PROVIDER_GROUP, "pamps-token",
                              AUTHZ_PROVIDER_VERSION, &route_provider,
                              AP_AUTH_INTERNAL_PER_CONF);
    ap_hook_check_authn(authenticate_bearer, NULL, NULL, APR_HOOK_MIDDLE,
                        AP_AUTH_INTERNAL_PER_CONF);
}
