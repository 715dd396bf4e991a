/* Bearer authentication in httpd's own phases: the "pamps-token" authz
 * provider asks for a user on the API's protected routes only, the
 * pamps-user/-role/-department/-position providers guard any other
 * location, and the authn hook (AuthType Bearer) verifies the access token
 * and sets r->user for both. The user is re-read from the database, so
 * deletion, password change, role change and the end of the token's login
 * (logout, refresh reuse) take effect on the next request, in the API and
 * outside it alike. */
#include <string.h>

#include "apr_strings.h"
#include "http_protocol.h"
#include "http_request.h"
#include "http_core.h"
#include "mod_auth.h"
#include "util_cookies.h"

#include "pamps_account.h"
#include "pamps_auth.h"
#include "pamps_config.h"
#include "pamps_db.h"
#include "pamps_http.h"
#include "pamps_location.h"
#include "pamps_request.h"
#include "pamps_sql.h"
#include "pamps_token_cache.h"

/* Whether a refusal is answered in the API's JSON error shape: always in
 * the API, elsewhere when the client's Accept names JSON (else httpd's own
 * error page, ErrorDocument included). */
static int wants_json(const pamps_req *req)
{
    const char *accept = apr_table_get(req->r->headers_in, "Accept");

    return req->in_api || (accept && strstr(accept, "json"));
}

/* An access token's failure: outside the API a client that does not take
 * JSON gets httpd's own 401 page, with the same challenge. */
static int reject(pamps_req *req, const char *why, int token_sent)
{
    request_rec *r = req->r;

    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, PAMPS_LOGNO(301)
                  "bearer authentication failed: %s", why);
    if (!wants_json(req)) {
        apr_table_setn(r->err_headers_out, "WWW-Authenticate",
                       token_sent ? "Bearer error=\"invalid_token\"" : "Bearer");
        return HTTP_UNAUTHORIZED;
    }
    return pamps_send_401(r, token_sent ? "Could not validate credentials"
                                        : "Not authenticated", token_sent);
}

/* The bearer token r carries, or NULL: the Authorization header's; outside
 * the API, on GET and HEAD only (no CSRF surface), else PampsTokenCookie's. */
static const char *bearer_token(pamps_req *req)
{
    request_rec *r = req->r;
    const char *header = apr_table_get(r->headers_in, "Authorization"), *value = NULL;

    if (header) {
        if (strncasecmp(header, "Bearer ", 7) != 0) {
            return NULL;
        }
        header += 7;
        while (*header == ' ') {
            header++;
        }
        return header;
    }
    if (!req->in_api && req->sconf->token_cookie && r->method_number == M_GET
        && ap_cookie_read(r, req->sconf->token_cookie, &value, 0) == APR_SUCCESS
        && value && *value) {
        return value;
    }
    return NULL;
}

/* Verifies an access token and loads its user into req->user and r->user:
 * one token check and one statement (USER_AUTH), for the API's routes and
 * the locations the providers guard alike. OK, or DONE/a status once the
 * response is decided. */
static int load_user(pamps_req *req, const char *token)
{
    request_rec *r = req->r;
    const char *fam, *why = NULL;
    long long now = (long long)apr_time_sec(r->request_time);
    pamps_claims claims;
    pamps_rows rows;
    pamps_db_status st;
    pamps_user *user;

    if (!pamps_token_cache_get(req->sconf->token_cache, token, now, r->pool, &claims)) {
        pamps_token_keys keys = pamps_conf_token_keys(req->sconf);

        if (pamps_token_verify(r->pool, &keys, token, "access", now, &claims, &why)) {
            return reject(req, why, 1);
        }
        pamps_token_cache_put(req->sconf->token_cache, token, &claims);
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
        return reject(req, "user no longer exists", 1);
    }
    if (pamps_col_int(&rows.rows[0], PAMPS_COL_AUTH_TOKEN_VERSION) != claims.ver) {
        return reject(req, "token issued before a password change", 1);
    }
    if (pamps_col_int(&rows.rows[0], PAMPS_COL_AUTH_LOGIN_LIVE) != 1) {
        return reject(req, "login ended (logout or refresh token reuse)", 1);
    }
    user = apr_pcalloc(r->pool, sizeof(*user));
    user->id = claims.sub;
    user->id_text = rows.rows[0].col[PAMPS_COL_AUTH_ID];
    user->username = rows.rows[0].col[PAMPS_COL_AUTH_USERNAME];
    user->role = rows.rows[0].col[PAMPS_COL_AUTH_ROLE];
    user->is_admin = user->role && strcmp(user->role, "admin") == 0;
    user->tasks_count = pamps_col_int(&rows.rows[0], PAMPS_COL_AUTH_TASKS_COUNT);
    user->tasks_done_count = pamps_col_int(&rows.rows[0], PAMPS_COL_AUTH_TASKS_DONE_COUNT);
    req->user = user;
    r->user = apr_pstrdup(r->pool, user->username);
    return OK;
}

static int authenticate_bearer(request_rec *r)
{
    const char *type = ap_auth_type(r), *token;
    pamps_req *req;

    if (!type || strcasecmp(type, PAMPS_AUTH_TYPE) != 0) {
        return DECLINED;
    }
    req = pamps_request(r);
    token = bearer_token(req);
    if (!token) {
        return reject(req, "no bearer token", 0);
    }
    return load_user(req, token);
}

/* The check_authz hooks that come after self (mod_authz_core's evaluation
 * of the Require lines), run as httpd runs them: until one does not
 * decline. */
static int run_authz_after(request_rec *r, ap_HOOK_auth_checker_t *self)
{
    const apr_array_header_t *hooks = ap_hook_get_auth_checker();
    const ap_LINK_auth_checker_t *link = (const ap_LINK_auth_checker_t *)hooks->elts;
    int i = 0, status = DECLINED;

    while (i < hooks->nelts && link[i].pFunc != self) {
        i++;
    }
    for (i++; i < hooks->nelts && status == DECLINED; i++) {
        status = link[i].pFunc(r);
    }
    return status;
}

/* A verified token that the Require lines refuse gets 403, as RFC 6750
 * wants: another token would not help. httpd's own answer to a refused
 * user is a 401 asking for credentials again (Basic's password prompt)
 * unless AuthzSendForbiddenOnFailure is On. mod_authz_core still decides,
 * and logs the refusal (AH01631): this hook, ordered just before it, runs
 * it and changes only the status of its refusal of a user our authn hook
 * loaded, which only this module can set (the request's record, not a
 * note or header). A JSON client gets the API's error shape, as for 401. */
static int refuse_with_403(request_rec *r)
{
    pamps_req *req = ap_get_module_config(r->request_config, &pamps_module);
    int status;

    if (!req || !req->user || !r->user) {
        return DECLINED;
    }
    status = run_authz_after(r, refuse_with_403);
    if (status != HTTP_UNAUTHORIZED && status != HTTP_FORBIDDEN) {
        return status;
    }
    apr_table_unset(r->err_headers_out, "WWW-Authenticate");
    if (wants_json(req)) {
        return pamps_send_error(req, HTTP_FORBIDDEN, "Not enough permissions");
    }
    return HTTP_FORBIDDEN;
}

/* The user the authn hook loaded, or why there is none. */
static authz_status our_user(request_rec *r, const pamps_user **user)
{
    *user = r->user ? pamps_request(r)->user : NULL;
    if (!r->user) {
        return AUTHZ_DENIED_NO_USER;
    }
    return *user ? AUTHZ_GRANTED : AUTHZ_DENIED;
}

/* Require pamps-token: public routes and requests no route serves (answered
 * 404/405, or OPTIONS and CORS preflights, by the handler) need no user;
 * every other route does. Outside the API there are no routes: it asks for
 * a user there, as pamps-user does. */
static authz_status check_route(request_rec *r, const char *require_args,
                                const void *parsed)
{
    pamps_req *req = pamps_request(r);
    const pamps_user *user;

    (void)require_args;
    (void)parsed;
    if (!req->in_api) {
        return our_user(r, &user);
    }
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

typedef int (*user_test)(request_rec *r, const pamps_user *user, const char *word);

/* Granted when test holds for one of the words of the Require line. */
static authz_status any_word(request_rec *r, const char *require_args, user_test test)
{
    const pamps_user *user;
    authz_status st = our_user(r, &user);
    const char *words = require_args, *word;

    if (st != AUTHZ_GRANTED) {
        return st;
    }
    while (*(word = ap_getword_conf(r->pool, &words))) {
        int yes = test(r, user, word);

        if (yes < 0) {
            return AUTHZ_GENERAL_ERROR;
        }
        if (yes) {
            return AUTHZ_GRANTED;
        }
    }
    return AUTHZ_DENIED;
}

static int is_named(request_rec *r, const pamps_user *user, const char *name)
{
    (void)r;
    return strcasecmp(user->username, name) == 0;   /* names are unique folded */
}

static int has_role(request_rec *r, const pamps_user *user, const char *role)
{
    (void)r;
    return user->role && strcmp(user->role, role) == 0;
}

/* Membership of the department or position so named: 1, 0, or -1 when the
 * database could not tell. */
static int is_member(request_rec *r, const pamps_user *user, const char *name, int stmt)
{
    pamps_req *req = pamps_request(r);
    pamps_rows rows;
    pamps_db_status st = pamps_db_select(req, stmt, &rows,
                                         PAMPS_ARGS(pamps_case_key(req, name), user->id_text));

    if (st != PAMPS_DB_OK) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, PAMPS_LOGNO(1301)
                      "cannot read %s membership of user %s", name, user->id_text);
        return -1;
    }
    return rows.nrows > 0;
}

static int in_department(request_rec *r, const pamps_user *user, const char *name)
{
    return is_member(r, user, name, PAMPS_SQL_DEPT_IS_MEMBER);
}

static int in_position(request_rec *r, const pamps_user *user, const char *name)
{
    return is_member(r, user, name, PAMPS_SQL_POS_IS_MEMBER);
}

/* Require pamps-user [NAME...]: any valid access token, or one of these users. */
static authz_status check_user(request_rec *r, const char *args, const void *parsed)
{
    const pamps_user *user;

    (void)parsed;
    return *args ? any_word(r, args, is_named) : our_user(r, &user);
}

static authz_status check_role(request_rec *r, const char *args, const void *parsed)
{
    (void)parsed;
    return any_word(r, args, has_role);
}

static authz_status check_department(request_rec *r, const char *args, const void *parsed)
{
    (void)parsed;
    return any_word(r, args, in_department);
}

static authz_status check_position(request_rec *r, const char *args, const void *parsed)
{
    (void)parsed;
    return any_word(r, args, in_position);
}

/* Refuses a Require line that would deny everyone. */
static const char *needs_words(cmd_parms *cmd, const char *line,
                               const void **parsed)
{
    (void)cmd;
    (void)parsed;
    return line && *line ? NULL : "Require pamps-role, pamps-department and"
                                  " pamps-position take at least one name";
}

/* PampsForwardIdentity: the X-Pamps-* headers a backend (mod_proxy, CGI)
 * trusts are the module's alone, whatever the client sent; PampsForwardToken
 * Off keeps the bearer token from the backend, as a header or as the
 * PampsTokenCookie cookie. Fixups run after authz and before any handler. */
static int forward_identity(request_rec *r)
{
    const pamps_dir_conf *dconf = ap_get_module_config(r->per_dir_config, &pamps_module);
    const pamps_srv_conf *sconf = ap_get_module_config(r->server->module_config,
                                                       &pamps_module);
    const pamps_req *req = ap_get_module_config(r->request_config, &pamps_module);
    const pamps_user *user = req ? req->user : NULL;

    if (pamps_conf_forward_identity(dconf)) {
        const char *const *names = pamps_conf_identity_headers(dconf);

        for (int i = 0; i < 3; i++) {
            apr_table_unset(r->headers_in, names[i]);
        }
        if (user) {
            apr_table_setn(r->headers_in, names[0], user->username);
            apr_table_setn(r->headers_in, names[1], user->id_text);
            apr_table_setn(r->headers_in, names[2], user->role ? user->role : "");
        }
    }
    if (!pamps_conf_forward_token(dconf)) {
        const char *value;

        apr_table_unset(r->headers_in, "Authorization");
        if (sconf->token_cookie) {
            /* reads it and takes it out of the Cookie header */
            ap_cookie_read(r, sconf->token_cookie, &value, 1);
        }
    }
    return DECLINED;
}

static const authz_provider route_provider = { check_route, NULL };
static const authz_provider user_provider = { check_user, NULL };
static const authz_provider role_provider = { check_role, needs_words };
static const authz_provider department_provider = { check_department, needs_words };
static const authz_provider position_provider = { check_position, needs_words };

/* tokens kept per server and child: a few thousand clients' current
 * tokens, ~1 KB each, allocated once a server sees its first token */
#define TOKEN_CACHE_SLOTS 1024

void pamps_auth_child_init(apr_pool_t *p, server_rec *s)
{
    for (; s; s = s->next) {
        pamps_srv_conf *c = ap_get_module_config(s->module_config, &pamps_module);

        c->token_cache = pamps_token_cache_create(p, TOKEN_CACHE_SLOTS);
    }
}

void pamps_auth_register_hooks(apr_pool_t *p)
{
    static const struct {
        const char *name;
        const authz_provider *provider;
    } providers[] = {
        { "pamps-token", &route_provider },
        { "pamps-user", &user_provider },
        { "pamps-role", &role_provider },
        { "pamps-department", &department_provider },
        { "pamps-position", &position_provider },
    };
    static const char *const before_authz_core[] = { "mod_authz_core.c", NULL };

    for (size_t i = 0; i < sizeof(providers) / sizeof(providers[0]); i++) {
        ap_register_auth_provider(p, AUTHZ_PROVIDER_GROUP, providers[i].name,
                                  AUTHZ_PROVIDER_VERSION, providers[i].provider,
                                  AP_AUTH_INTERNAL_PER_CONF);
    }
    ap_hook_check_authn(authenticate_bearer, NULL, NULL, APR_HOOK_MIDDLE,
                        AP_AUTH_INTERNAL_PER_CONF);
    ap_hook_check_authz(refuse_with_403, NULL, before_authz_core, APR_HOOK_LAST,
                        AP_AUTH_INTERNAL_PER_CONF);
    ap_hook_fixups(forward_identity, NULL, NULL, APR_HOOK_MIDDLE);
}
