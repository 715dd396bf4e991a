/* mod_pamps: declarations shared by the httpd glue (config, hooks, handlers). */
#ifndef PAMPS_H
#define PAMPS_H

#include "httpd.h"
#include "http_config.h"
#include "http_log.h"
#include "apr_dbd.h"
#include "mod_dbd.h"

#include <jansson.h>

#include "pamps_json.h"
#include "pamps_password.h"
#include "pamps_route.h"
#include "pamps_token.h"
#include "pamps_views.h"

#define PAMPS_VERSION "0.1.0"
#define PAMPS_HANDLER "pamps"
#define PAMPS_AUTH_TYPE "Bearer"

/* Module-owned log tags: APLOGNO numbers belong to httpd itself. Each call
 * site has its own number (tests/e2e/test_config.py keeps them unique). */
#define PAMPS_LOGNO(n) "PAMPS" #n ": "

extern module AP_MODULE_DECLARE_DATA pamps_module;

/* Per-server settings; -1/NULL mean "unset", defaults come from getters. */
typedef struct {
    const char *key_file;
    const unsigned char *key;
    apr_size_t key_len;
    int alg;                      /* jwt_alg_t, or -1 */
    apr_int64_t access_ttl;       /* seconds */
    apr_int64_t refresh_ttl;
    const char *issuer;
    const char *environment;
    int argon2_memory, argon2_iterations, argon2_parallelism;
    int auto_migrate;
    int throttle_account, throttle_address, throttle_window;
} pamps_srv_conf;

/* Per-directory (per <Location>) settings. */
typedef struct {
    const char *mount;            /* the <Location> path the API answers under */
    apr_off_t max_body;
    int page_default, page_max;
} pamps_dir_conf;

/* pamps_config.c */
extern const command_rec pamps_directives[];
void *pamps_create_srv_conf(apr_pool_t *p, server_rec *s);
void *pamps_merge_srv_conf(apr_pool_t *p, void *base, void *add);
void *pamps_create_dir_conf(apr_pool_t *p, char *dir);
void *pamps_merge_dir_conf(apr_pool_t *p, void *base, void *add);
jwt_alg_t pamps_conf_alg(const pamps_srv_conf *c);
apr_int64_t pamps_conf_access_ttl(const pamps_srv_conf *c);
apr_int64_t pamps_conf_refresh_ttl(const pamps_srv_conf *c);
const char *pamps_conf_environment(const pamps_srv_conf *c);
pamps_argon2_cost pamps_conf_argon2(const pamps_srv_conf *c);
int pamps_conf_auto_migrate(const pamps_srv_conf *c);
int pamps_conf_throttle_account(const pamps_srv_conf *c);
int pamps_conf_throttle_address(const pamps_srv_conf *c);
int pamps_conf_throttle_window(const pamps_srv_conf *c);
apr_off_t pamps_conf_max_body(const pamps_dir_conf *c);
int pamps_conf_page_default(const pamps_dir_conf *c);
int pamps_conf_page_max(const pamps_dir_conf *c);
pamps_token_keys pamps_conf_token_keys(const pamps_srv_conf *c);

/* The caller, as verified by the authn hook and re-read from the database on
 * every request (so a role change applies at once). */
typedef struct {
    long long id;
    const char *id_text;
    const char *username;
    int is_admin;
} pamps_user;

/* One API request on its way through the handler. */
typedef struct pamps_req {
    request_rec *r;
    const pamps_srv_conf *sconf;
    const pamps_dir_conf *dconf;
    pamps_route_result route_result;
    pamps_route_match_t match;
    const pamps_user *user;       /* NULL on public routes */
    json_t *body;                 /* the parsed JSON object, when the route reads one */
    ap_dbd_t *db;                 /* acquired on first use */
    apr_dbd_transaction_t *txn;   /* open transaction, if any */
} pamps_req;

typedef int (*pamps_handler_fn)(pamps_req *req);

/* pamps_http.c: bodies in, JSON out */
int pamps_read_body(pamps_req *req, int accept_form);
/* Reads the body's fields by specs; nonzero when a 422 has been sent. */
int pamps_read_fields(pamps_req *req, const pamps_field_spec *specs, size_t n,
                      pamps_field_value *values);
int pamps_send_json(pamps_req *req, int status, json_t *doc);
int pamps_send_error(pamps_req *req, int status, const char *detail);
int pamps_send_422(pamps_req *req, json_t *errors);
int pamps_send_no_content(pamps_req *req);
int pamps_send_created(pamps_req *req, json_t *doc, const char *path_fmt, ...);
int pamps_send_401(request_rec *r, const char *detail, int token_sent);
/* where the API answers, without a trailing slash ("" at the root) */
const char *pamps_mount(request_rec *r, const pamps_dir_conf *dconf);
const char *pamps_path_in_api(request_rec *r, const pamps_dir_conf *dconf);
const char *pamps_client_address(request_rec *r);
apr_table_t *pamps_query_args(pamps_req *req);
const char *pamps_now_text(apr_pool_t *p);
const char *pamps_time_text(apr_pool_t *p, long long epoch);

/* pamps_db.c: mod_dbd access with statements prepared once per connection */
typedef enum {
    PAMPS_DB_OK = 0,
    PAMPS_DB_UNAVAILABLE,         /* no connection: 503 */
    PAMPS_DB_CONFLICT,            /* a unique constraint said no: 409 */
    PAMPS_DB_GONE,                /* a referenced row vanished meanwhile: 404 */
    PAMPS_DB_ERROR                /* anything else: logged, 503 */
} pamps_db_status;

void pamps_db_retrieve_optional_fns(void);
int pamps_db_available(void);
pamps_db_status pamps_db_select(pamps_req *req, int stmt, pamps_rows *out,
                                int nargs, const char *const *args);
pamps_db_status pamps_db_exec(pamps_req *req, int stmt, int *affected,
                              int nargs, const char *const *args);
pamps_db_status pamps_db_begin(pamps_req *req);
pamps_db_status pamps_db_commit(pamps_req *req);
void pamps_db_rollback(pamps_req *req);
int pamps_db_fail(pamps_req *req, pamps_db_status st);
int pamps_db_ping(pamps_req *req);
void pamps_db_child_init(apr_pool_t *p, server_rec *s);

/* Builds the (nargs, args) pair for pamps_db_* from a list of strings. */
#define PAMPS_ARGS(...) \
    (int)(sizeof((const char *[]){ __VA_ARGS__ }) / sizeof(const char *)), \
    (const char *const []){ __VA_ARGS__ }
#define PAMPS_NOARGS 0, NULL


/* pamps_auth.c */
void pamps_auth_register_hooks(apr_pool_t *p);
const pamps_user *pamps_auth_user(request_rec *r);

/* pamps_throttle.c: failed logins, counted in the database so every httpd
 * child and node shares them */
pamps_db_status pamps_throttle_check(pamps_req *req, const char *account_key,
                                     int *retry_after);
void pamps_throttle_record_failure(pamps_req *req, const char *account_key);
void pamps_throttle_clear(pamps_req *req, const char *account_key);

/* pamps_handler.c */
int pamps_handler(request_rec *r);
pamps_req *pamps_request(request_rec *r);
const pamps_route *pamps_routes(size_t *n);

/* Resource handlers (src/h_*.c) */
int pamps_h_health(pamps_req *req);
int pamps_h_openapi(pamps_req *req);
int pamps_h_docs(pamps_req *req);
int pamps_h_register(pamps_req *req);
int pamps_h_login(pamps_req *req);
int pamps_h_refresh(pamps_req *req);
int pamps_h_logout(pamps_req *req);
int pamps_h_me_get(pamps_req *req);
int pamps_h_me_patch(pamps_req *req);
int pamps_h_me_delete(pamps_req *req);
int pamps_h_me_password(pamps_req *req);
int pamps_h_tasks_list(pamps_req *req);
int pamps_h_tasks_create(pamps_req *req);
int pamps_h_tasks_get(pamps_req *req);
int pamps_h_tasks_put(pamps_req *req);
int pamps_h_tasks_patch(pamps_req *req);
int pamps_h_tasks_delete(pamps_req *req);
int pamps_h_users_list(pamps_req *req);
int pamps_h_users_profile(pamps_req *req);
int pamps_h_users_posts(pamps_req *req);
int pamps_h_users_followers(pamps_req *req);
int pamps_h_users_following(pamps_req *req);
int pamps_h_users_follow(pamps_req *req);
int pamps_h_users_unfollow(pamps_req *req);
int pamps_h_users_set_role(pamps_req *req);
int pamps_h_users_delete(pamps_req *req);
int pamps_h_posts_create(pamps_req *req);
int pamps_h_posts_feed(pamps_req *req);
int pamps_h_posts_timeline(pamps_req *req);
int pamps_h_posts_get(pamps_req *req);
int pamps_h_posts_replies(pamps_req *req);
int pamps_h_posts_patch(pamps_req *req);
int pamps_h_posts_delete(pamps_req *req);
int pamps_h_posts_like(pamps_req *req);
int pamps_h_posts_unlike(pamps_req *req);
int pamps_h_posts_likes(pamps_req *req);
typedef struct pamps_org_kind pamps_org_kind;  /* route data for h_org.c */
extern const pamps_org_kind pamps_departments, pamps_positions;
int pamps_h_org_list(pamps_req *req);
int pamps_h_org_get(pamps_req *req);
int pamps_h_org_members(pamps_req *req);
int pamps_h_org_create(pamps_req *req);
int pamps_h_org_patch(pamps_req *req);
int pamps_h_org_delete(pamps_req *req);
int pamps_h_org_of_user(pamps_req *req);
int pamps_h_org_assign(pamps_req *req);
int pamps_h_org_unassign(pamps_req *req);

#endif
