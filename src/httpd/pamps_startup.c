/* Startup checks over the whole configuration. The directives check their
 * own values; what depends on several of them (is the handler used where no
 * PampsKeyFile is? can the worker user write the SQLite file?) is checked
 * here, from httpd's configuration tree, before any child starts. */
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "apr_file_info.h"
#include "apr_strings.h"
#include "unixd.h"
#include "util_cfgtree.h"

#include "pamps_config.h"
#include "pamps_startup.h"

/* What the configuration tree says about one server (the main one, or a
 * <VirtualHost>): where SetHandler pamps is, and mod_dbd's settings. */
typedef struct {
    const ap_directive_t *vhost;        /* NULL: the main server */
    const ap_directive_t *handler;      /* the first SetHandler pamps */
    const char *driver, *params;
} tree_server;

static const char *unquoted(apr_pool_t *p, const char *args)
{
    apr_size_t n = strlen(args);

    if (n >= 2 && args[0] == '"' && args[n - 1] == '"') {
        return apr_pstrmemdup(p, args + 1, n - 2);
    }
    return args;
}

static void scan(apr_pool_t *p, const ap_directive_t *d, tree_server *main_srv,
                 apr_array_header_t *vhosts, tree_server *cur)
{
    for (; d; d = d->next) {
        tree_server *here = cur;

        if (strcasecmp(d->directive, "<VirtualHost") == 0) {
            here = apr_array_push(vhosts);
            memset(here, 0, sizeof(*here));
            here->vhost = d;
        }
        else if (strcasecmp(d->directive, "SetHandler") == 0 && !here->handler
                 && strcasecmp(unquoted(p, d->args), PAMPS_HANDLER) == 0) {
            here->handler = d;
        }
        else if (strcasecmp(d->directive, "DBDriver") == 0) {
            here->driver = unquoted(p, d->args);
        }
        else if (strcasecmp(d->directive, "DBDParams") == 0) {
            here->params = unquoted(p, d->args);
        }
        if (d->first_child) {
            scan(p, d->first_child, main_srv, vhosts, here);
        }
    }
}

/* The worker user's identity: children switch to User when started as root. */
typedef struct {
    const char *name;
    uid_t uid;
    gid_t gid;
} worker_user;

static int get_worker(worker_user *u)
{
    if (geteuid() == 0) {
        u->name = ap_unixd_config.user_name;
        u->uid = ap_unixd_config.user_id;
        u->gid = ap_unixd_config.group_id;
        return u->uid != (uid_t)-1 && u->name;
    }
    else {
        struct passwd *pw = getpwuid(geteuid());

        u->name = pw ? pw->pw_name : "(this user)";
        u->uid = geteuid();
        u->gid = getegid();
        return 1;
    }
}

static int in_group(const worker_user *u, gid_t gid)
{
    gid_t groups[64];
    int n = 64;

    if (gid == u->gid) {
        return 1;
    }
    if (getgrouplist(u->name, u->gid, groups, &n) < 0) {
        return 0;
    }
    for (int i = 0; i < n; i++) {
        if (groups[i] == gid) {
            return 1;
        }
    }
    return 0;
}

/* 1 when u can write path, 0 when not, -1 when it does not exist. */
static int writable_by(apr_pool_t *p, const worker_user *u, const char *path)
{
    apr_finfo_t fi;

    if (apr_stat(&fi, path, APR_FINFO_OWNER | APR_FINFO_PROT, p) != APR_SUCCESS) {
        return -1;
    }
    if (u->uid == 0) {
        return 1;
    }
    if (fi.user == u->uid) {
        return (fi.protection & APR_FPROT_UWRITE) != 0;
    }
    if (in_group(u, fi.group)) {
        return (fi.protection & APR_FPROT_GWRITE) != 0;
    }
    return (fi.protection & APR_FPROT_WWRITE) != 0;
}

static int refuse(server_rec *s, const char *why)
{
    ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, PAMPS_LOGNO(2) "%s", why);
    return HTTP_INTERNAL_SERVER_ERROR;
}

/* SQLite writes the file and, beside it, its -wal and -shm files: the
 * worker user must be able to write all of them and their directory. */
static int check_sqlite(apr_pool_t *p, server_rec *s, const char *file)
{
    worker_user u;
    char *dir;
    const char *files[3];

    if (!file || file[0] != '/' || !get_worker(&u)) {
        return OK;              /* relative paths: left to SQLite */
    }
    dir = apr_pstrdup(p, file);
    *strrchr(dir, '/') = '\0';
    if (writable_by(p, &u, *dir ? dir : "/") == 0) {
        return refuse(s, apr_psprintf(p, "the database directory '%s' is not writable by"
                                      " user %s, which runs the children: SQLite makes"
                                      " files beside '%s'; chown %s '%s'",
                                      *dir ? dir : "/", u.name, file, u.name, dir));
    }
    files[0] = file;
    files[1] = apr_pstrcat(p, file, "-wal", NULL);
    files[2] = apr_pstrcat(p, file, "-shm", NULL);
    for (int i = 0; i < 3; i++) {
        if (writable_by(p, &u, files[i]) == 0) {
            return refuse(s, apr_psprintf(p, "the database file '%s' is not writable by"
                                          " user %s, which runs the children (every"
                                          " write would fail: readonly database);"
                                          " chown %s '%s'", files[i], u.name, u.name,
                                          files[i]));
        }
    }
    return OK;
}

static int check_server(apr_pool_t *p, server_rec *s, const ap_directive_t *handler,
                        const char *driver, const char *params)
{
    pamps_srv_conf *conf = ap_get_module_config(s->module_config, &pamps_module);
    apr_int64_t access = pamps_conf_access_ttl(conf), refresh = pamps_conf_refresh_ttl(conf);

    if (!conf->key) {
        return refuse(s, apr_psprintf(p, "SetHandler pamps (%s:%d) needs a PampsKeyFile"
                                      " for server %s: none is configured, so no login"
                                      " could succeed", handler->filename,
                                      handler->line_num, s->server_hostname));
    }
    if (refresh < access) {
        return refuse(s, apr_psprintf(p, "PampsTokenTTL: the refresh token lifetime (%"
                                      APR_INT64_T_FMT " s) is shorter than the access"
                                      " token's (%" APR_INT64_T_FMT " s) for server %s",
                                      refresh, access, s->server_hostname));
    }
    if (driver && strcmp(driver, "sqlite3") == 0) {
        /* for /health, which tells a file turned read-only since */
        conf->sqlite_file = (params && params[0] == '/')
                            ? apr_pstrdup(s->process->pconf, params) : NULL;
        return check_sqlite(p, s, params);
    }
    return OK;
}

static const tree_server *vhost_of(const apr_array_header_t *vhosts, const server_rec *s)
{
    for (int i = 0; i < vhosts->nelts; i++) {
        const tree_server *v = &APR_ARRAY_IDX(vhosts, i, tree_server);

        if (s->defn_name && strcmp(v->vhost->filename, s->defn_name) == 0
            && v->vhost->line_num == (int)s->defn_line_number) {
            return v;
        }
    }
    return NULL;
}

int pamps_startup_check(apr_pool_t *ptemp, server_rec *s)
{
    tree_server main_srv;
    apr_array_header_t *vhosts = apr_array_make(ptemp, 4, sizeof(tree_server));

    memset(&main_srv, 0, sizeof(main_srv));
    scan(ptemp, ap_conftree, &main_srv, vhosts, &main_srv);
    for (server_rec *sp = s; sp; sp = sp->next) {
        const tree_server *v = sp == s ? NULL : vhost_of(vhosts, sp);
        const ap_directive_t *handler = (v && v->handler) ? v->handler : main_srv.handler;
        const char *driver = (v && v->driver) ? v->driver : main_srv.driver;
        const char *params = (v && v->params) ? v->params : main_srv.params;
        int rc;

        /* a main-server <Location> applies in every virtual host too */
        if (handler && (rc = check_server(ptemp, sp, handler, driver, params)) != OK) {
            return rc;
        }
    }
    return OK;
}
