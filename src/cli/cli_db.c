/* The pamps command's database connection: "--db sqlite3:PATH" or
 * "--db pgsql:PARAMS" names the apr_dbd driver and what it opens, the same
 * pair httpd's DBDriver and DBDParams give the module. */
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <apr_file_info.h>
#include <apr_strings.h>

#include "pamps_cli.h"
#include "pamps_dberror.h"
#include "pamps_migrate.h"
#include "pamps_sql.h"

static int select_text(pamps_cli_db *db, const char *sql, pamps_rows *out,
                       int nargs, const char *const *args);

static const char *dbd_error(pamps_cli_db *db, int rv)
{
    return pamps_dbd_error(db->driver, db->handle, rv);
}

static apr_status_t close_db(void *data)
{
    pamps_cli_db *db = data;

    if (db->handle) {
        apr_dbd_close(db->driver, db->handle);
        db->handle = NULL;
    }
    return APR_SUCCESS;
}

/* apr_dbd's sqlite3 driver creates a missing file without a word, and every
 * later statement then fails on an empty database: say so before opening. */
static int check_sqlite_file(apr_pool_t *p, const char *path)
{
    apr_finfo_t finfo;
    apr_status_t rv = apr_stat(&finfo, path, APR_FINFO_TYPE, p);
    char buf[120];

    if (APR_STATUS_IS_ENOENT(rv)) {
        return pamps_cli_error("no database at %s (create it with 'pamps migrate')", path);
    }
    if (rv != APR_SUCCESS) {
        return pamps_cli_error("cannot use %s: %s", path, apr_strerror(rv, buf, sizeof(buf)));
    }
    if (finfo.filetype != APR_REG) {
        return pamps_cli_error("%s is not a database file", path);
    }
    return PAMPS_CLI_OK;
}

/* Run as root on a database httpd's user owns (the file, or the directory
 * a new file goes in), SQLite would leave root's -wal and -shm files (and
 * a new database) beside it, which the server then cannot write: the
 * command says so, and gives what it made to that owner when it is done. */
typedef struct {
    apr_pool_t *pool;
    const char *path;
    uid_t uid;
    gid_t gid;
} sqlite_owner;

static apr_status_t give_back_files(void *data)
{
    static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
    sqlite_owner *o = data;
    struct stat st;

    for (int i = 0; i < 4; i++) {
        const char *f = apr_pstrcat(o->pool, o->path, suffixes[i], NULL);

        /* lstat and lchown: a link planted in the directory gives away
         * nothing but itself */
        if (lstat(f, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == 0
            && lchown(f, o->uid, o->gid) != 0) {
            pamps_cli_error("warning: cannot give %s back to its owner", f);
        }
    }
    return APR_SUCCESS;
}

static void check_root_on_sqlite(apr_pool_t *p, const char *path)
{
    const char *slash = strrchr(path, '/'), *dir, *owner;
    sqlite_owner *o;
    struct passwd *pw;
    struct stat st;

    dir = !slash ? "." : slash == path ? "/" : apr_pstrmemdup(p, path, slash - path);
    if (geteuid() != 0 || (stat(path, &st) != 0 && stat(dir, &st) != 0) || st.st_uid == 0) {
        return;
    }
    pw = getpwuid(st.st_uid);
    owner = pw ? apr_pstrdup(p, pw->pw_name) : apr_ltoa(p, (long)st.st_uid);
    fprintf(stderr, "pamps: warning: running as root on %s, which %s owns: run pamps as"
            " %s (runuser -u %s -- pamps ...); what SQLite makes now is given to %s\n",
            path, owner, owner, owner, owner);
    o = apr_palloc(p, sizeof(*o));
    o->pool = p;
    o->path = path;
    o->uid = st.st_uid;
    o->gid = st.st_gid;
    /* registered before the connection's cleanup, so it runs after it */
    apr_pool_cleanup_register(p, o, give_back_files, apr_pool_cleanup_null);
}

/* Settings that live in the connection, as the module's own: wait for the
 * server's writers instead of failing; keep libpq's notices ("relation
 * already exists, skipping") off the terminal. */
static void setup_connection(pamps_cli_db *db)
{
    int nrows;

    if (strcmp(apr_dbd_name(db->driver), "sqlite3") == 0) {
        apr_dbd_query(db->driver, db->handle, &nrows, "PRAGMA busy_timeout = 10000");
        apr_dbd_query(db->driver, db->handle, &nrows, "PRAGMA foreign_keys = ON");
    }
    else {
        apr_dbd_query(db->driver, db->handle, &nrows, "SET client_min_messages = warning");
    }
}

int pamps_cli_db_open(apr_pool_t *p, const char *spec, int create, pamps_cli_db **out)
{
    const char *colon = strchr(spec, ':'), *name, *params, *err = NULL;
    pamps_cli_db *db = apr_pcalloc(p, sizeof(*db));
    pamps_rows probe;

    db->pool = p;
    name = colon ? apr_pstrmemdup(p, spec, colon - spec) : spec;
    params = colon ? colon + 1 : "";
    if (strcmp(name, "sqlite3") != 0 && strcmp(name, "pgsql") != 0) {
        return pamps_cli_usage_error(NULL, "--db '%s': give sqlite3:PATH or pgsql:PARAMS",
                                     spec);
    }
    if (!*params) {
        return pamps_cli_usage_error(NULL, "--db %s: what to open is missing after"
                                     " the ':'", name);
    }
    /* a PostgreSQL string may hold a password: never print it */
    db->label = strcmp(name, "sqlite3") == 0 ? params : "the PostgreSQL database";
    if (strcmp(name, "sqlite3") == 0 && !create && check_sqlite_file(p, params)) {
        return PAMPS_CLI_ERROR;
    }
    if (strcmp(name, "sqlite3") == 0) {
        check_root_on_sqlite(p, params);
    }

    apr_dbd_init(p);
    if (apr_dbd_get_driver(p, name, &db->driver) != APR_SUCCESS) {
        return pamps_cli_error("the apr_dbd %s driver is not available (Debian package"
                               " libaprutil1-dbd-%s)", name, name);
    }
    if (apr_dbd_open_ex(db->driver, p, params, &db->handle, &err) != APR_SUCCESS
        || !db->handle) {
        db->handle = NULL;
        return pamps_cli_error("cannot open %s: %s", db->label,
                               err ? err : "the driver gave no reason");
    }
    apr_pool_cleanup_register(p, db, close_db, apr_pool_cleanup_null);
    setup_connection(db);

    /* opening succeeds on a file that is not a database; SQLite reads the
     * file's header only when a statement needs its schema */
    if (select_text(db, strcmp(name, "sqlite3") == 0
                            ? "SELECT COUNT(*) FROM sqlite_master" : "SELECT 1",
                    &probe, PAMPS_NOARGS)) {
        return pamps_cli_error("cannot use %s: %s", db->label, db->error);
    }
    *out = db;
    return PAMPS_CLI_OK;
}

int pamps_cli_db_check_schema(pamps_cli_db *db)
{
    pamps_migrate_result res;

    if (pamps_migrate(db->pool, db->driver, db->handle, 0, &res)) {
        return pamps_cli_error("%s: %s: use a newer pamps", db->label, res.error);
    }
    if (res.current == 0) {
        return pamps_cli_error("%s has no pamps schema (no users table):"
                               " run 'pamps migrate' first", db->label);
    }
    if (res.current < res.latest) {
        return pamps_cli_error("%s has schema version %d, this pamps needs %d:"
                               " run 'pamps migrate' first", db->label, res.current,
                               res.latest);
    }
    return PAMPS_CLI_OK;
}

int pamps_cli_exec_user(pamps_cli_db *db, int stmt, const char *user_id, int *affected)
{
    const char *ids[] = { user_id, user_id, user_id, user_id };
    int n = pamps_sql_for_driver(apr_dbd_name(db->driver))[stmt].nargs;

    return pamps_cli_exec(db, stmt, affected, n <= 4 ? n : -1, ids);
}

/* The text of statement stmt in this database's dialect; NULL, with
 * db->error set, when the call gives it another number of values (as the
 * module refuses such a call). */
static const char *statement_text(pamps_cli_db *db, int stmt, int nargs)
{
    const pamps_sql_statement *st = &pamps_sql_for_driver(apr_dbd_name(db->driver))[stmt];

    if (nargs != st->nargs) {
        db->error = apr_psprintf(db->pool, "%s called with %d values, it takes %d",
                                 st->label, nargs, st->nargs);
        return NULL;
    }
    return st->sql;
}

static int select_text(pamps_cli_db *db, const char *sql, pamps_rows *out,
                       int nargs, const char *const *args)
{
    apr_dbd_prepared_t *stmt = NULL;
    apr_dbd_results_t *res = NULL;
    int rv;

    memset(out, 0, sizeof(*out));
    if ((rv = apr_dbd_prepare(db->driver, db->pool, db->handle, sql, NULL, &stmt))
        || (rv = apr_dbd_pselect(db->driver, db->pool, db->handle, &res, stmt, 0,
                                 nargs, (const char **)args))) {
        db->error = dbd_error(db, rv);
        return -1;
    }
    pamps_dbd_read_rows(db->driver, db->pool, res, out);
    return 0;
}

int pamps_cli_select(pamps_cli_db *db, int stmt, pamps_rows *out,
                     int nargs, const char *const *args)
{
    const char *sql = statement_text(db, stmt, nargs);

    memset(out, 0, sizeof(*out));
    return sql ? select_text(db, sql, out, nargs, args) : -1;
}

int pamps_cli_exec(pamps_cli_db *db, int stmt, int *affected,
                   int nargs, const char *const *args)
{
    const char *sql = statement_text(db, stmt, nargs);
    apr_dbd_prepared_t *prepared = NULL;
    int rv, nrows = 0;

    if (!sql) {
        return -1;
    }
    if ((rv = apr_dbd_prepare(db->driver, db->pool, db->handle, sql, NULL, &prepared))
        || (rv = apr_dbd_pquery(db->driver, db->pool, db->handle, &nrows, prepared,
                                nargs, (const char **)args))) {
        db->error = dbd_error(db, rv);
        return -1;
    }
    if (affected) {
        *affected = nrows;
    }
    return 0;
}

/* apr_dbd's sqlite3 driver begins with a plain (deferred) BEGIN: callers
 * make their first statement in a transaction a write, so that it waits
 * for the write lock rather than failing to upgrade a read. */
int pamps_cli_begin(pamps_cli_db *db)
{
    int rv = apr_dbd_transaction_start(db->driver, db->pool, db->handle, &db->txn);

    if (rv) {
        db->txn = NULL;
        db->error = dbd_error(db, rv);
        return -1;
    }
    return 0;
}

int pamps_cli_commit(pamps_cli_db *db)
{
    apr_dbd_transaction_t *txn = db->txn;
    int rv;

    db->txn = NULL;
    if (txn && (rv = apr_dbd_transaction_end(db->driver, db->pool, txn))) {
        db->error = dbd_error(db, rv);
        return -1;
    }
    return 0;
}

void pamps_cli_rollback(pamps_cli_db *db)
{
    if (db->txn) {
        apr_dbd_transaction_mode_set(db->driver, db->txn, APR_DBD_TRANSACTION_ROLLBACK);
        apr_dbd_transaction_end(db->driver, db->pool, db->txn);
        db->txn = NULL;
    }
}
