/* Directives, and the per-server and per-directory records they fill. Unset
 * values stay -1/NULL through merges; getters apply the defaults. */
#include <string.h>

#include "apr_file_io.h"
#include "apr_lib.h"
#include "apr_sha1.h"
#include "apr_strings.h"

#include "pamps_config.h"

#define UNSET (-1)
#define MERGE(field) conf->field = (add->field != UNSET) ? add->field : base->field
#define MERGE_PTR(field) conf->field = add->field ? add->field : base->field
#define MIN_KEY_BYTES 32

void *pamps_create_srv_conf(apr_pool_t *p, server_rec *s)
{
    pamps_srv_conf *conf = apr_pcalloc(p, sizeof(*conf));

    (void)s;
    conf->alg = UNSET;
    conf->access_ttl = conf->refresh_ttl = UNSET;
    conf->argon2_memory = conf->argon2_iterations = conf->argon2_parallelism = UNSET;
    conf->auto_migrate = UNSET;
    conf->sqlite_sync_full = UNSET;
    conf->throttle_account = conf->throttle_address = conf->throttle_window = UNSET;
    conf->register_limit = conf->register_window = UNSET;
    return conf;
}

void *pamps_merge_srv_conf(apr_pool_t *p, void *basev, void *addv)
{
    pamps_srv_conf *base = basev, *add = addv, *conf = apr_pcalloc(p, sizeof(*conf));

    /* a virtual host's PampsKeyFile lines replace the main server's ring */
    MERGE_PTR(key_file);
    MERGE_PTR(key);
    conf->key_len = add->key ? add->key_len : base->key_len;
    conf->kid = add->key ? add->kid : base->kid;
    conf->keys = add->key ? add->keys : base->keys;
    MERGE(alg);
    MERGE(access_ttl);
    MERGE(refresh_ttl);
    MERGE_PTR(issuer);
    MERGE_PTR(environment);
    MERGE(argon2_memory);
    MERGE(argon2_iterations);
    MERGE(argon2_parallelism);
    MERGE(auto_migrate);
    MERGE(sqlite_sync_full);
    MERGE(throttle_account);
    MERGE(throttle_address);
    MERGE(throttle_window);
    MERGE(register_limit);
    MERGE(register_window);
    MERGE_PTR(token_cookie);
    return conf;
}

void *pamps_create_dir_conf(apr_pool_t *p, char *dir)
{
    pamps_dir_conf *conf = apr_pcalloc(p, sizeof(*conf));

    (void)dir;              /* the mount is PampsMount's, or the section's
                             * that sets the handler (pamps_mount) */
    conf->max_body = UNSET;
    conf->page_default = conf->page_max = UNSET;
    conf->forward_identity = conf->forward_token = UNSET;
    conf->cors_max_age = UNSET;
    return conf;
}

void *pamps_merge_dir_conf(apr_pool_t *p, void *basev, void *addv)
{
    pamps_dir_conf *base = basev, *add = addv, *conf = apr_pcalloc(p, sizeof(*conf));

    MERGE_PTR(mount);       /* the innermost PampsMount */
    MERGE(max_body);
    MERGE(page_default);
    MERGE(page_max);
    MERGE(forward_identity);
    MERGE(forward_token);
    for (int i = 0; i < 3; i++) {
        MERGE_PTR(identity_header[i]);
    }
    MERGE_PTR(cors_origins);
    MERGE_PTR(cors_headers);
    MERGE(cors_max_age);
    MERGE_PTR(docs_dir);
    return conf;
}

#define GETTER(type, name, rec, field, def) \
    type pamps_conf_##name(const rec *c) { return c->field != UNSET ? c->field : (def); }

GETTER(apr_int64_t, access_ttl, pamps_srv_conf, access_ttl, 900)
GETTER(apr_int64_t, refresh_ttl, pamps_srv_conf, refresh_ttl, 14 * 86400)
GETTER(int, auto_migrate, pamps_srv_conf, auto_migrate, 0)
/* Normal: in WAL mode a commit is not fsync'ed, the checkpoint is; a crash
 * of httpd loses nothing, a power loss may lose the last commits (README
 * "SQLite durability"); Full syncs every commit, at ~2x the write cost */
GETTER(int, sqlite_sync_full, pamps_srv_conf, sqlite_sync_full, 0)
GETTER(int, throttle_account, pamps_srv_conf, throttle_account, 5)
GETTER(int, throttle_address, pamps_srv_conf, throttle_address, 50)
GETTER(int, throttle_window, pamps_srv_conf, throttle_window, 300)
GETTER(int, register_limit, pamps_srv_conf, register_limit, 20)
GETTER(int, register_window, pamps_srv_conf, register_window, 3600)
GETTER(apr_off_t, max_body, pamps_dir_conf, max_body, 1024 * 1024)
GETTER(int, page_default, pamps_dir_conf, page_default, 20)
GETTER(int, page_max, pamps_dir_conf, page_max, 100)
GETTER(int, forward_identity, pamps_dir_conf, forward_identity, 0)
GETTER(int, forward_token, pamps_dir_conf, forward_token, 1)

const char *const *pamps_conf_identity_headers(const pamps_dir_conf *c)
{
    static const char *const defaults[3] = { "X-Pamps-User", "X-Pamps-User-Id",
                                             "X-Pamps-Role" };

    /* PampsIdentityHeaders sets the three at once */
    return c->identity_header[0] ? c->identity_header : defaults;
}

/* long enough to spare a browser most preflights, short enough that a
 * changed list reaches it soon (Chromium caps the cache at 2 h) */
GETTER(int, cors_max_age, pamps_dir_conf, cors_max_age, 600)

/* where the package puts Swagger UI; the Makefile names make install's */
#ifndef PAMPS_DOCS_DIR
#define PAMPS_DOCS_DIR "/usr/share/pamps/swagger-ui"
#endif

const char *pamps_conf_docs_dir(const pamps_dir_conf *c)
{
    return c->docs_dir ? c->docs_dir : PAMPS_DOCS_DIR;
}

const char *pamps_conf_cors_headers(const pamps_dir_conf *c)
{
    /* what the API reads besides the CORS-safelisted headers */
    return c->cors_headers ? c->cors_headers
        : "Authorization, Content-Type, If-Match, If-None-Match, Idempotency-Key";
}

jwt_alg_t pamps_conf_alg(const pamps_srv_conf *c)
{
    return c->alg != UNSET ? (jwt_alg_t)c->alg : JWT_ALG_HS256;
}

const char *pamps_conf_environment(const pamps_srv_conf *c)
{
    return c->environment ? c->environment : "production";
}

pamps_argon2_cost pamps_conf_argon2(const pamps_srv_conf *c)
{
    pamps_argon2_cost cost = {
        c->argon2_memory != UNSET ? (unsigned)c->argon2_memory
                                  : PAMPS_ARGON2_DEFAULT_MEMORY_KIB,
        c->argon2_iterations != UNSET ? (unsigned)c->argon2_iterations
                                      : PAMPS_ARGON2_DEFAULT_ITERATIONS,
        c->argon2_parallelism != UNSET ? (unsigned)c->argon2_parallelism
                                       : PAMPS_ARGON2_DEFAULT_PARALLELISM
    };
    return cost;
}

pamps_token_keys pamps_conf_token_keys(const pamps_srv_conf *c)
{
    pamps_token_keys keys = { c->key, c->key_len, pamps_conf_alg(c), c->issuer, c->kid,
                              c->keys ? (const pamps_token_key *)c->keys->elts : NULL,
                              c->keys ? c->keys->nelts : 0 };
    return keys;
}

static const char *parse_int(cmd_parms *cmd, const char *arg, long long min,
                             long long max, long long *out)
{
    char *end;
    apr_int64_t v = apr_strtoi64(arg, &end, 10);

    if (!*arg || *end || v < min || v > max) {
        return apr_psprintf(cmd->pool, "%s: '%s' is not a whole number in %"
                            APR_INT64_T_FMT "..%" APR_INT64_T_FMT, cmd->cmd->name, arg,
                            (apr_int64_t)min, (apr_int64_t)max);
    }
    *out = v;
    return NULL;
}

static pamps_srv_conf *srv(cmd_parms *cmd)
{
    return ap_get_module_config(cmd->server->module_config, &pamps_module);
}

/* The default key id: a short fingerprint of the secret, so every node
 * reading the same file names it alike without configuring one. */
static const char *key_fingerprint(apr_pool_t *p, const char *key, apr_size_t len)
{
    unsigned char digest[APR_SHA1_DIGESTSIZE];
    apr_sha1_ctx_t ctx;
    char *hex = apr_palloc(p, 13);

    apr_sha1_init(&ctx);
    apr_sha1_update_binary(&ctx, (const unsigned char *)key, (unsigned int)len);
    apr_sha1_final(digest, &ctx);
    for (int i = 0; i < 6; i++) {
        apr_snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    }
    return hex;
}

static int valid_kid(const char *kid)
{
    apr_size_t n = strlen(kid);

    return n >= 1 && n <= 64 && strspn(kid, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
                                            "qrstuvwxyz0123456789._-") == n;
}

/* Reads a key file: NULL and the secret in *out, or why it is refused. */
static const char *read_key(cmd_parms *cmd, const char *path, char **out, apr_size_t *out_len)
{
    apr_file_t *f;
    apr_finfo_t fi;
    apr_size_t len, blanks = 0;
    char *buf;
    apr_status_t rv;

    rv = apr_file_open(&f, path, APR_FOPEN_READ, 0, cmd->pool);
    if (rv == APR_SUCCESS) {
        rv = apr_file_info_get(&fi, APR_FINFO_SIZE | APR_FINFO_PROT, f);
    }
    if (rv != APR_SUCCESS) {
        return apr_psprintf(cmd->pool, "PampsKeyFile: cannot read '%s'", path);
    }
    if (fi.size > 4096) {
        apr_file_close(f);
        return apr_psprintf(cmd->pool, "PampsKeyFile: '%s' is larger than 4096 bytes", path);
    }
    len = (apr_size_t)fi.size;
    buf = apr_palloc(cmd->pool, len + 1);
    rv = apr_file_read_full(f, buf, len, &len);
    apr_file_close(f);
    if (rv != APR_SUCCESS && rv != APR_EOF) {
        return apr_psprintf(cmd->pool, "PampsKeyFile: cannot read '%s'", path);
    }
    while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r')) {
        len--;                  /* a trailing newline is not part of the secret */
    }
    if (len < MIN_KEY_BYTES) {
        return apr_psprintf(cmd->pool, "PampsKeyFile: '%s' holds %d bytes; an HMAC"
                            " key needs at least %d", path, (int)len, MIN_KEY_BYTES);
    }
    for (apr_size_t i = 0; i < len; i++) {
        blanks += apr_isspace(buf[i]) || buf[i] == buf[0];
    }
    if (blanks == len) {
        return apr_psprintf(cmd->pool, "PampsKeyFile: '%s' holds no secret (one byte"
                            " repeated, or blanks): make one with head -c 48"
                            " /dev/urandom | base64", path);
    }
    if (fi.protection & APR_FPROT_WREAD) {
        return apr_psprintf(cmd->pool, "PampsKeyFile: '%s' is readable by every user:"
                            " chmod o-rwx it (root:www-data 0640, or 0600)", path);
    }
    buf[len] = '\0';
    *out = buf;
    *out_len = len;
    return NULL;
}

/* PampsKeyFile path [kid], repeatable: every key verifies the tokens that
 * name its kid; the last one signs. */
static const char *set_key_file(cmd_parms *cmd, void *dc, const char *arg, const char *kid)
{
    pamps_srv_conf *conf = srv(cmd);
    const char *path = ap_server_root_relative(cmd->pool, arg), *err;
    pamps_token_key *k;
    char *buf = NULL;
    apr_size_t len = 0;

    (void)dc;
    if (!path) {
        return apr_psprintf(cmd->pool, "PampsKeyFile: invalid path '%s'", arg);
    }
    if ((err = read_key(cmd, path, &buf, &len))) {
        return err;
    }
    if (kid && !valid_kid(kid)) {
        return apr_psprintf(cmd->pool, "PampsKeyFile: key id '%s' must be 1 to 64 letters,"
                            " digits, '.', '_' or '-'", kid);
    }
    kid = kid ? kid : key_fingerprint(cmd->pool, buf, len);
    if (!conf->keys) {
        conf->keys = apr_array_make(cmd->pool, 2, sizeof(pamps_token_key));
    }
    for (int i = 0; i < conf->keys->nelts; i++) {
        if (strcmp(APR_ARRAY_IDX(conf->keys, i, pamps_token_key).kid, kid) == 0) {
            return apr_psprintf(cmd->pool, "PampsKeyFile: key id '%s' (of '%s') is"
                                " already taken by another PampsKeyFile", kid, path);
        }
    }
    k = apr_array_push(conf->keys);
    k->kid = kid;
    k->key = (const unsigned char *)buf;
    k->key_len = len;
    conf->key_file = path;
    conf->key = k->key;
    conf->key_len = len;
    conf->kid = kid;
    return NULL;
}

static const char *set_algorithm(cmd_parms *cmd, void *dc, const char *arg)
{
    jwt_alg_t alg = pamps_token_alg_from_name(arg);

    (void)dc;
    if (alg == JWT_ALG_INVAL) {
        return "PampsAlgorithm must be HS256, HS384 or HS512";
    }
    srv(cmd)->alg = alg;
    return NULL;
}

static const char *set_token_ttl(cmd_parms *cmd, void *dc, const char *access,
                                 const char *refresh)
{
    pamps_srv_conf *conf = srv(cmd);
    long long a = 0, r = 0;
    const char *err;

    (void)dc;
    if ((err = parse_int(cmd, access, 1, 86400 * 365, &a))
        || (refresh && (err = parse_int(cmd, refresh, 1, 86400 * 3650, &r)))) {
        return err;
    }
    conf->access_ttl = a;
    if (refresh) {
        conf->refresh_ttl = r;
    }
    return NULL;
}

static const char *set_issuer(cmd_parms *cmd, void *dc, const char *arg)
{
    (void)dc;
    srv(cmd)->issuer = arg;
    return NULL;
}

static const char *set_environment(cmd_parms *cmd, void *dc, const char *arg)
{
    (void)dc;
    srv(cmd)->environment = arg;
    return NULL;
}

/* Three whole numbers, each within its bounds, into int fields. */
static const char *parse_three(cmd_parms *cmd, const char *const words[3],
                               const long long bounds[3][2], int *const out[3])
{
    long long v[3] = { 0, 0, 0 };
    const char *err;

    for (int i = 0; i < 3; i++) {
        if ((err = parse_int(cmd, words[i], bounds[i][0], bounds[i][1], &v[i]))) {
            return err;
        }
    }
    for (int i = 0; i < 3; i++) {
        *out[i] = (int)v[i];
    }
    return NULL;
}

static const char *set_argon2(cmd_parms *cmd, void *dc, const char *m, const char *t,
                              const char *p)
{
    static const long long bounds[3][2] = { { 8, 4 * 1024 * 1024 }, { 1, 100 }, { 1, 64 } };
    pamps_srv_conf *conf = srv(cmd);
    const char *const words[3] = { m, t, p };
    int *const out[3] = { &conf->argon2_memory, &conf->argon2_iterations,
                          &conf->argon2_parallelism };

    (void)dc;
    return parse_three(cmd, words, bounds, out);
}

static const char *set_auto_migrate(cmd_parms *cmd, void *dc, int flag)
{
    (void)dc;
    srv(cmd)->auto_migrate = flag;
    return NULL;
}

static const char *set_sqlite_sync(cmd_parms *cmd, void *dc, const char *arg)
{
    (void)dc;
    if (strcasecmp(arg, "Full") != 0 && strcasecmp(arg, "Normal") != 0) {
        return "PampsSQLiteSync: Full or Normal";
    }
    srv(cmd)->sqlite_sync_full = strcasecmp(arg, "Full") == 0;
    return NULL;
}

static const char *set_throttle(cmd_parms *cmd, void *dc, const char *account,
                                const char *address, const char *window)
{
    static const long long bounds[3][2] = { { 1, 1000000 }, { 1, 1000000 }, { 1, 86400 } };
    pamps_srv_conf *conf = srv(cmd);
    const char *const words[3] = { account, address, window };
    int *const out[3] = { &conf->throttle_account, &conf->throttle_address,
                          &conf->throttle_window };

    (void)dc;
    return parse_three(cmd, words, bounds, out);
}

static const char *set_register_limit(cmd_parms *cmd, void *dc, const char *count,
                                      const char *window)
{
    pamps_srv_conf *conf = srv(cmd);
    long long n = 0, w = 0;
    const char *err;

    (void)dc;
    if ((err = parse_int(cmd, count, 1, 1000000, &n))
        || (err = parse_int(cmd, window, 1, 7 * 86400, &w))) {
        return err;
    }
    conf->register_limit = (int)n;
    conf->register_window = (int)w;
    return NULL;
}

static const char *set_max_body(cmd_parms *cmd, void *dc, const char *arg)
{
    long long v = 0;
    const char *err = parse_int(cmd, arg, 1, 1024LL * 1024 * 1024, &v);

    if (!err) {
        ((pamps_dir_conf *)dc)->max_body = (apr_off_t)v;
    }
    return err;
}

static const char *set_page_size(cmd_parms *cmd, void *dc, const char *def,
                                 const char *max)
{
    pamps_dir_conf *conf = dc;
    long long d = 0, m = 0;
    const char *err;

    if ((err = parse_int(cmd, max, 1, 10000, &m))
        || (err = parse_int(cmd, def, 1, 10000, &d))) {
        return err;
    }
    if (d > m) {
        return apr_psprintf(cmd->pool, "PampsPageSize: the default page size %d is"
                            " larger than the maximum %d", (int)d, (int)m);
    }
    conf->page_default = (int)d;
    conf->page_max = (int)m;
    return NULL;
}

static const char *set_token_cookie(cmd_parms *cmd, void *dc, const char *arg)
{
    (void)dc;
    if (!*arg || arg[strcspn(arg, "=;, \t\r\n\"")]) {
        return "PampsTokenCookie: not a cookie name";
    }
    srv(cmd)->token_cookie = arg;
    return NULL;
}

static const char *set_forward_identity(cmd_parms *cmd, void *dc, int flag)
{
    (void)cmd;
    ((pamps_dir_conf *)dc)->forward_identity = flag;
    return NULL;
}

static const char *set_forward_token(cmd_parms *cmd, void *dc, int flag)
{
    (void)cmd;
    ((pamps_dir_conf *)dc)->forward_token = flag;
    return NULL;
}

static const char *set_identity_headers(cmd_parms *cmd, void *dc, const char *user,
                                        const char *id, const char *role)
{
    pamps_dir_conf *conf = dc;
    const char *const names[3] = { user, id, role };

    for (int i = 0; i < 3; i++) {
        if (!*names[i] || names[i][strcspn(names[i], "()<>@,;:\\\"/[]?={} \t")]) {
            return apr_psprintf(cmd->pool, "PampsIdentityHeaders: '%s' is not a header"
                                " name", names[i]);
        }
        conf->identity_header[i] = names[i];
    }
    return NULL;
}

/* An origin as a browser sends it: scheme://host[:port], nothing after. */
static int is_origin(const char *s)
{
    const char *host = strstr(s, "://");

    if (!host || host == s || !host[3]) {
        return 0;
    }
    for (const char *c = s; *c; c++) {
        if ((c >= host + 3 && *c == '/') || apr_isspace(*c) || *c == ',') {
            return 0;
        }
    }
    return 1;
}

static const char *set_cors_origin(cmd_parms *cmd, void *dc, const char *arg)
{
    pamps_dir_conf *conf = dc;
    int any = strcmp(arg, "*") == 0;

    if (!any && !is_origin(arg)) {
        return apr_psprintf(cmd->pool, "%s: '%s' is not an origin"
                            " (scheme://host[:port], no path) nor *",
                            cmd->directive->directive, arg);
    }
    if (!conf->cors_origins) {
        conf->cors_origins = apr_array_make(cmd->pool, 4, sizeof(const char *));
    }
    else if (any || strcmp(APR_ARRAY_IDX(conf->cors_origins, 0, const char *), "*") == 0) {
        return apr_psprintf(cmd->pool, "%s: * stands alone", cmd->directive->directive);
    }
    APR_ARRAY_PUSH(conf->cors_origins, const char *) = arg;
    return NULL;
}

static const char *set_cors_header(cmd_parms *cmd, void *dc, const char *arg)
{
    pamps_dir_conf *conf = dc;

    conf->cors_headers = conf->cors_headers
        ? apr_pstrcat(cmd->pool, conf->cors_headers, ", ", arg, NULL) : arg;
    return NULL;
}

static const char *set_cors_max_age(cmd_parms *cmd, void *dc, const char *arg)
{
    long long v = 0;
    const char *err = parse_int(cmd, arg, 0, 86400, &v);

    if (!err) {
        ((pamps_dir_conf *)dc)->cors_max_age = (int)v;
    }
    return err;
}

static const char *set_docs_dir(cmd_parms *cmd, void *dc, const char *arg)
{
    ((pamps_dir_conf *)dc)->docs_dir = ap_server_root_relative(cmd->pool, arg);
    return NULL;
}

static const char *set_mount(cmd_parms *cmd, void *dc, const char *arg)
{
    (void)cmd;
    ((pamps_dir_conf *)dc)->mount = arg;
    return NULL;
}

/* clang-format off */
const command_rec pamps_directives[] = {
    AP_INIT_TAKE12("PampsKeyFile", set_key_file, NULL, RSRC_CONF,
                   "file holding a JWT secret (at least 32 bytes) and an optional key id;"
                   " repeatable: the last one signs, all verify"),
    AP_INIT_TAKE1("PampsAlgorithm", set_algorithm, NULL, RSRC_CONF,
                  "JWT algorithm: HS256 (default), HS384 or HS512"),
    AP_INIT_TAKE12("PampsTokenTTL", set_token_ttl, NULL, RSRC_CONF,
                   "access token lifetime and optional refresh token lifetime, in seconds"),
    AP_INIT_TAKE1("PampsIssuer", set_issuer, NULL, RSRC_CONF,
                  "iss claim put in tokens and required of them"),
    AP_INIT_TAKE1("PampsEnvironment", set_environment, NULL, RSRC_CONF,
                  "environment name reported by /health"),
    AP_INIT_TAKE3("PampsArgon2", set_argon2, NULL, RSRC_CONF,
                     "argon2id cost: memory_kib iterations parallelism"),
    AP_INIT_FLAG("PampsAutoMigrate", set_auto_migrate, NULL, RSRC_CONF,
                 "apply pending schema migrations when httpd starts"),
    AP_INIT_TAKE1("PampsSQLiteSync", set_sqlite_sync, NULL, RSRC_CONF,
                  "Full: SQLite syncs every commit to disk; Normal (default): each"
                  " checkpoint"),
    AP_INIT_TAKE3("PampsLoginThrottle", set_throttle, NULL, RSRC_CONF,
                     "failed logins allowed per account and per address within a window"),
    AP_INIT_TAKE2("PampsRegisterLimit", set_register_limit, NULL, RSRC_CONF,
                  "registrations allowed per client address within a window of seconds"),
    AP_INIT_TAKE1("PampsMaxBodySize", set_max_body, NULL, RSRC_CONF | ACCESS_CONF,
                  "largest request body accepted, in bytes"),
    AP_INIT_TAKE2("PampsPageSize", set_page_size, NULL, RSRC_CONF | ACCESS_CONF,
                  "default and maximum page size of lists"),
    AP_INIT_ITERATE("PampsCORSOrigins", set_cors_origin, NULL, RSRC_CONF | ACCESS_CONF,
                    "origins whose browser apps may call the API (exact), or *"),
    AP_INIT_ITERATE("PampsCORSAllowHeaders", set_cors_header, NULL, RSRC_CONF | ACCESS_CONF,
                    "request headers a cross-origin app may send"),
    AP_INIT_TAKE1("PampsCORSMaxAge", set_cors_max_age, NULL, RSRC_CONF | ACCESS_CONF,
                  "seconds a browser may cache a preflight's answer"),
    AP_INIT_TAKE1("PampsDocsDir", set_docs_dir, NULL, RSRC_CONF | ACCESS_CONF,
                  "directory holding Swagger UI (npm swagger-ui-dist) for GET /docs"),
    AP_INIT_TAKE1("PampsMount", set_mount, NULL, ACCESS_CONF,
                  "URL path the API answers under (default: the enclosing <Location>)"),
    AP_INIT_TAKE1("PampsTokenCookie", set_token_cookie, NULL, RSRC_CONF,
                  "cookie that login sets (when asked) to the access token, accepted on"
                  " GET/HEAD outside the API"),
    AP_INIT_FLAG("PampsForwardIdentity", set_forward_identity, NULL,
                 RSRC_CONF | ACCESS_CONF,
                 "pass the caller to backends in X-Pamps-* request headers"),
    AP_INIT_FLAG("PampsForwardToken", set_forward_token, NULL, RSRC_CONF | ACCESS_CONF,
                 "Off keeps the bearer token (header or cookie) from backends"),
    AP_INIT_TAKE3("PampsIdentityHeaders", set_identity_headers, NULL,
                  RSRC_CONF | ACCESS_CONF,
                  "names of the user, user id and role headers PampsForwardIdentity sets"),
    { NULL }
};
/* clang-format on */
