/* mod_pamps: the module's records, shared by the httpd glue (src/httpd/)
 * and the resource handlers (src/api/). Functions are declared by the
 * header of the file that defines them. */
#ifndef PAMPS_H
#define PAMPS_H

#include "httpd.h"
#include "http_config.h"
#include "http_log.h"
#include "apr_dbd.h"
#include "mod_dbd.h"

#include <jansson.h>

#include "pamps_route.h"
#include "pamps_version.h"

#define PAMPS_HANDLER "pamps"
#define PAMPS_AUTH_TYPE "Bearer"

/* Module-owned log tags: APLOGNO numbers belong to httpd itself. Each call
 * site has its own number (tests/e2e/test_config.py keeps them unique). */
#define PAMPS_LOGNO(n) "PAMPS" #n ": "

/* Declares pamps_module and tags every file's log lines [pamps:level], so
 * that "LogLevel pamps:info" applies to them (mod_pamps.c defines the
 * module without AP_DECLARE_MODULE, which would declare this again). */
APLOG_USE_MODULE(pamps);

/* Per-server settings; -1/NULL mean "unset", defaults come from getters
 * (pamps_config.h). */
typedef struct {
    const char *key_file;         /* the signing key: the last PampsKeyFile */
    const unsigned char *key;
    apr_size_t key_len;
    const char *kid;
    apr_array_header_t *keys;     /* pamps_token_key, every PampsKeyFile in
                                   * order (older keys still verify) */
    int alg;                      /* jwt_alg_t, or -1 */
    apr_int64_t access_ttl;       /* seconds */
    apr_int64_t refresh_ttl;
    const char *issuer;
    const char *environment;
    int argon2_memory, argon2_iterations, argon2_parallelism;
    int auto_migrate;
    int sqlite_sync_full;         /* PampsSQLiteSync: 1 Full, 0 Normal */
    int throttle_account, throttle_address, throttle_window;
    int register_limit, register_window;
    const char *token_cookie;     /* PampsTokenCookie: the access token's cookie */
    const char *sqlite_file;      /* DBDParams with sqlite3, when absolute
                                   * (found by the startup check) */
    struct pamps_token_cache *token_cache;  /* this child's verified tokens
                                             * (made in child_init) */
} pamps_srv_conf;

/* Per-directory (per <Location>) settings. */
typedef struct {
    const char *mount;            /* the <Location> path the API answers under */
    apr_off_t max_body;
    int page_default, page_max;
    int forward_identity;         /* PampsForwardIdentity */
    int forward_token;            /* PampsForwardToken */
    const char *identity_header[3]; /* PampsIdentityHeaders: user, id, role */
    apr_array_header_t *cors_origins; /* const char *: exact origins, or one "*" */
    const char *cors_headers;     /* Access-Control-Allow-Headers */
    int cors_max_age;             /* Access-Control-Max-Age, seconds */
    const char *docs_dir;         /* Swagger UI's files (swagger-ui-dist) */
} pamps_dir_conf;

/* The caller, as verified by the authn hook and re-read from the database on
 * every request (so a role change applies at once). */
typedef struct {
    long long id;
    const char *id_text;
    const char *username;
    const char *role;
    int is_admin;
    long long tasks_count, tasks_done_count;   /* as read with the user */
} pamps_user;

/* One API request on its way through the handler. */
typedef struct pamps_req {
    request_rec *r;
    const pamps_srv_conf *sconf;
    const pamps_dir_conf *dconf;
    int in_api;                   /* SetHandler pamps applies: routed */
    pamps_route_result route_result;
    pamps_route_match_t match;
    const pamps_user *user;       /* set by the authn hook; NULL on public routes */
    json_t *body;                 /* the parsed JSON object, when the route reads one */
    apr_table_t *query;           /* the query string's fields, once read */
    ap_dbd_t *db;                 /* acquired on first use */
    apr_dbd_transaction_t *txn;   /* open transaction, if any */

    /* HTTP extras (src/httpd/pamps_extras.c) */
    int capture;                  /* keep the response rather than send it */
    int captured_status;          /* ... If-Match's look at the current one */
    const char *captured_body;
    int guard_txn;                /* txn is If-Match's: handlers' own nest in it,
                                   * the response ends it */
    const char *idem_id;          /* the Idempotency-Key row the response goes to */
    int write_locked;             /* holds the SQLite write mutex (pamps_db.c) */
    apr_interval_time_t db_time;  /* spent in database calls (pamps_stats.h) */
} pamps_req;

#endif
