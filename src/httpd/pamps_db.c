/* Database access through mod_dbd's pooled connections. A statement is
 * prepared on a connection the first time that connection runs it, in the
 * dialect of its driver; all values travel as text. */
#include <string.h>
#include <unistd.h>

#include "apr_atomic.h"
#include "apr_global_mutex.h"
#include "apr_optional.h"
#include "apr_strings.h"
#include "http_core.h"
#include "http_protocol.h"
#include "util_mutex.h"

#include "pamps_config.h"
#include "pamps_db.h"
#include "pamps_dberror.h"
#include "pamps_http.h"
#include "pamps_migrate.h"
#include "pamps_sql.h"
#include "pamps_stats.h"
#include "pamps_wal.h"

#define SET_UP_MARK "pamps:set-up"    /* in db->prepared: setup_connection ran */

static APR_OPTIONAL_FN_TYPE(ap_dbd_acquire) *dbd_acquire;
static APR_OPTIONAL_FN_TYPE(ap_dbd_open) *dbd_open;
static APR_OPTIONAL_FN_TYPE(ap_dbd_close) *dbd_close;

void pamps_db_retrieve_optional_fns(void)
{
    dbd_acquire = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_acquire);
    dbd_open = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_open);
    dbd_close = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_close);
}

int pamps_db_available(void)
{
    return dbd_acquire && dbd_open && dbd_close;
}

/* SQLite takes one writer at a time per file, and a writer that finds
 * another child's lock gets SQLITE_BUSY, on which the sqlite3 driver
 * sleeps 100 ms before it tries again: with two children, POST p99 was
 * ~800 ms. Writers of all children therefore queue on this server-wide
 * mutex (configurable with `Mutex ... pamps-sqlite-write`) for the length
 * of their write: a transaction, or one writing statement outside one.
 * Readers never take it (WAL lets them read beside the writer), nor does
 * PostgreSQL, which locks rows, not the database. */
#define WRITE_MUTEX_TYPE "pamps-sqlite-write"

static apr_global_mutex_t *write_mutex;

static int register_write_mutex(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp)
{
    (void)plog;
    (void)ptemp;
    return ap_mutex_register(pconf, WRITE_MUTEX_TYPE, NULL, APR_LOCK_DEFAULT, 0) == APR_SUCCESS
           ? OK : HTTP_INTERNAL_SERVER_ERROR;
}

static int create_write_mutex(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                              server_rec *s)
{
    apr_status_t rv;

    (void)plog;
    (void)ptemp;
    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG) {
        return OK;              /* the first pass of the configuration only checks it */
    }
    rv = ap_global_mutex_create(&write_mutex, NULL, WRITE_MUTEX_TYPE, NULL, s, pconf, 0);
    return rv == APR_SUCCESS ? OK : HTTP_INTERNAL_SERVER_ERROR;   /* it logged why */
}

static int is_sqlite(ap_dbd_t *db)
{
    return strcmp(apr_dbd_name(db->driver), "sqlite3") == 0;
}

/* After the access log's line: a WAL checkpoint that a commit found due,
 * on the connection this request holds (mod_dbd takes it back later, in
 * the request pool's cleanup). */
static int checkpoint_when_due(request_rec *r)
{
    pamps_req *req = ap_get_module_config(r->request_config, &pamps_module);

    if (req && req->db && !req->txn && is_sqlite(req->db)) {
        pamps_wal_checkpoint_if_due(r, req->db);
    }
    return DECLINED;
}

void pamps_db_register_hooks(apr_pool_t *p)
{
    (void)p;
    ap_hook_pre_config(register_write_mutex, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(create_write_mutex, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_log_transaction(checkpoint_when_due, NULL, NULL, APR_HOOK_REALLY_LAST);
}

/* Takes the write mutex for db's write, on SQLite; says whether it did
 * (when it cannot, the write goes on as before, retried on SQLITE_BUSY). */
static int write_lock(request_rec *r, ap_dbd_t *db)
{
    apr_status_t rv;

    if (!write_mutex || !is_sqlite(db)) {
        return 0;
    }
    rv = apr_global_mutex_lock(write_mutex);
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r, PAMPS_LOGNO(1001)
                      "cannot take the " WRITE_MUTEX_TYPE " mutex: writing without it");
        return 0;
    }
    return 1;
}

static void write_unlock(int *locked)
{
    if (*locked) {
        *locked = 0;
        apr_global_mutex_unlock(write_mutex);
    }
}

static const char *db_error(ap_dbd_t *db, int rv)
{
    return pamps_dbd_error(db->driver, db->handle, rv);
}

static pamps_dberr_class error_class(ap_dbd_t *db, const char *msg)
{
    return pamps_dberror_class(apr_dbd_name(db->driver), msg);
}

/* Per-connection setup. SQLite: settings that live in the connection, not
 * in the file: foreign keys, how often commits reach the disk
 * (PampsSQLiteSync), checkpoints after the response (pamps_wal.c). No
 * busy_timeout: apr_dbd's sqlite3 driver runs every call of a process under
 * one mutex and, on SQLITE_BUSY, itself sleeps and retries (15 x 100 ms)
 * with that mutex released. A busy_timeout would make SQLite wait inside the
 * call with the mutex held, so the writer holding the lock in the same
 * child could never reach its COMMIT: a stall until the timeout. */
static void setup_connection(server_rec *s, ap_dbd_t *db)
{
    const pamps_srv_conf *conf = ap_get_module_config(s->module_config, &pamps_module);
    int nrows;

    if (strcmp(apr_dbd_name(db->driver), "sqlite3") == 0) {
        apr_dbd_query(db->driver, db->handle, &nrows, "PRAGMA foreign_keys = ON");
        apr_dbd_query(db->driver, db->handle, &nrows,
                      pamps_conf_sqlite_sync_full(conf) ? "PRAGMA synchronous = FULL"
                                                        : "PRAGMA synchronous = NORMAL");
        pamps_wal_hook(db);
    }
    else {
        /* a set half prepared before (say, before the schema was migrated)
         * would make the next PREPARE of the same names fail */
        apr_dbd_query(db->driver, db->handle, &nrows, "DEALLOCATE ALL");
    }
}

static const pamps_sql_statement *sql_text(ap_dbd_t *db, int i)
{
    return &pamps_sql_for_driver(apr_dbd_name(db->driver))[i];
}

/* Whether the statement's text has the placeholders it declares. One that
 * does not stays unprepared: calls to it fail (see call_fits)
 * rather than bind values to the wrong places. */
static int declared_right(const pamps_sql_statement *st)
{
    return pamps_sql_placeholders(st->sql) == st->nargs;
}

/* Prepares statement i on db; on failure says why. */
static int prepare_one(ap_dbd_t *db, int i, const char **why)
{
    const pamps_sql_statement *sql = sql_text(db, i);
    apr_dbd_prepared_t *stmt = NULL;
    /* A label makes apr_dbd_pgsql PREPARE the statement on the server,
     * once; lower case, as PREPARE folds the unquoted name it is given
     * and EXECUTE looks it up as given. */
    char *name = apr_pstrdup(db->pool, sql->label);
    int rv;

    ap_str_tolower(name);
    rv = apr_dbd_prepare(db->driver, db->pool, db->handle, sql->sql, name, &stmt);
    if (rv) {
        *why = db_error(db, rv);
        return rv;
    }
    apr_hash_set(db->prepared, sql->label, APR_HASH_KEY_STRING, stmt);
    return 0;
}

static void set_busy_timeout(ap_dbd_t *db, int ms)
{
    int nrows;

    if (strcmp(apr_dbd_name(db->driver), "sqlite3") == 0) {
        apr_dbd_query(db->driver, db->handle, &nrows,
                      apr_psprintf(db->pool, "PRAGMA busy_timeout = %d", ms));
    }
}

/* After a failed prepare, brings the connection up to date if that can
 * help, and says so:
 * - SQLite prepares against the schema the connection last read: one that
 *   looked before another child migrated finds no tables. Any statement run
 *   notices the newer schema and drops the old one.
 * - A PostgreSQL session that ended (a server restart) before this
 *   connection's first use here: reconnecting gives a new one. */
static int refresh_connection(ap_dbd_t *db, const char *why)
{
    if (strcmp(apr_dbd_name(db->driver), "sqlite3") == 0) {
        apr_dbd_results_t *res = NULL;
        apr_dbd_row_t *row = NULL;

        if (apr_dbd_select(db->driver, db->pool, db->handle, &res,
                           "SELECT COUNT(*) FROM sqlite_master", 1) == 0) {
            while (apr_dbd_get_row(db->driver, db->pool, res, &row, -1) == 0) {
            }
        }
        return 1;
    }
    return error_class(db, why) == PAMPS_DBERR_SESSION_ENDED
           && apr_dbd_check_conn(db->driver, db->pool, db->handle) == APR_SUCCESS;
}

/* An outage is logged once per process, not per request (a busy server
 * wrote three lines per request while PostgreSQL was down): the first
 * failure with its reason, then at most one line per OUTAGE_LOG_SECONDS
 * counting the failures not logged, and a notice when a statement works
 * again. Counters are atomics shared by the process's threads; seconds
 * since the epoch fit in 32 bits until 2106. */
#define OUTAGE_LOG_SECONDS 10

static struct {
    volatile apr_uint32_t active;       /* 1 from the first failure on */
    volatile apr_uint32_t since;        /* when it began */
    volatile apr_uint32_t last_line;    /* when a line last said so */
    volatile apr_uint32_t unlogged;     /* failures since that line */
    volatile apr_uint32_t failed;       /* failures since it began */
} outage;

static apr_uint32_t now_sec(void)
{
    return (apr_uint32_t)apr_time_sec(apr_time_now());
}

/* Counts a failure to reach the database: 1 when it begins an outage and
 * the caller should log it; otherwise it may write the periodic summary. */
static int outage_begins(server_rec *s)
{
    apr_uint32_t now = now_sec(), last;

    apr_atomic_inc32(&outage.failed);
    if (apr_atomic_cas32(&outage.active, 1, 0) == 0) {
        apr_atomic_set32(&outage.since, now);
        apr_atomic_set32(&outage.last_line, now);
        return 1;
    }
    apr_atomic_inc32(&outage.unlogged);
    last = apr_atomic_read32(&outage.last_line);
    if (now - last >= OUTAGE_LOG_SECONDS
        && apr_atomic_cas32(&outage.last_line, now, last) == last) {
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s, PAMPS_LOGNO(116)
                     "database still unavailable after %u s: %u more requests"
                     " failed in the last %u s (not logged one by one)",
                     now - apr_atomic_read32(&outage.since),
                     apr_atomic_xchg32(&outage.unlogged, 0), now - last);
    }
    return 0;
}

/* A statement worked: ends an outage, if one was on, with a notice. */
static void outage_ends(request_rec *r)
{
    if (apr_atomic_read32(&outage.active) && apr_atomic_cas32(&outage.active, 0, 1) == 1) {
        ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r, PAMPS_LOGNO(117)
                      "database available again after %u s; %u requests failed meanwhile",
                      now_sec() - apr_atomic_read32(&outage.since),
                      apr_atomic_xchg32(&outage.failed, 0));
        apr_atomic_set32(&outage.unlogged, 0);
    }
}

/* On a connection's first use here, and again after its statements were
 * lost: its setup, and none of this module's statements prepared yet (the
 * hash is mod_dbd's, other modules' statements stay). */
static void set_up(server_rec *s, ap_dbd_t *db)
{
    if (apr_hash_get(db->prepared, SET_UP_MARK, APR_HASH_KEY_STRING)) {
        return;
    }
    for (int i = 0; i < PAMPS_SQL_COUNT; i++) {
        apr_hash_set(db->prepared, pamps_sql[i].label, APR_HASH_KEY_STRING, NULL);
    }
    setup_connection(s, db);
    apr_hash_set(db->prepared, SET_UP_MARK, APR_HASH_KEY_STRING, db);
}

static void forget_statements(ap_dbd_t *db)
{
    apr_hash_set(db->prepared, SET_UP_MARK, APR_HASH_KEY_STRING, NULL);
}

/* Statement i on db, prepared there on its first use: a connection costs
 * what its requests run, not the whole list (a new child's first requests,
 * after a graceful restart say, open their connections all at once).
 * NULL when it cannot be prepared, logged; a statement whose text lacks
 * the placeholders it declares is never prepared (see call_fits). */
static apr_dbd_prepared_t *statement(server_rec *s, ap_dbd_t *db, int i)
{
    apr_dbd_prepared_t *stmt = apr_hash_get(db->prepared, pamps_sql[i].label,
                                            APR_HASH_KEY_STRING);
    const char *why = NULL;
    int rv;

    if (stmt || !declared_right(sql_text(db, i))) {
        return stmt;
    }
    rv = prepare_one(db, i, &why);
    if (rv && refresh_connection(db, why)) {
        forget_statements(db);          /* a new session has none of them */
        set_up(s, db);
        rv = prepare_one(db, i, &why);
    }
    if (rv && apr_dbd_check_conn(db->driver, db->pool, db->handle) != APR_SUCCESS) {
        /* not the schema: the database went away */
        if (outage_begins(s)) {
            ap_log_error(APLOG_MARK, APLOG_ERR, 0, s, PAMPS_LOGNO(118)
                         "cannot prepare %s, database connection lost: %s; further"
                         " failures are summed up every %d s", pamps_sql[i].label, why,
                         OUTAGE_LOG_SECONDS);
        }
        return NULL;
    }
    if (rv) {
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s, PAMPS_LOGNO(101)
                     "cannot prepare %s: %s (is the schema migrated? see"
                     " PampsAutoMigrate and 'pamps migrate')", pamps_sql[i].label, why);
        return NULL;
    }
    return apr_hash_get(db->prepared, pamps_sql[i].label, APR_HASH_KEY_STRING);
}

static ap_dbd_t *get_db(pamps_req *req)
{
    if (!req->db) {
        ap_dbd_t *db = dbd_acquire ? dbd_acquire(req->r) : NULL;

        if (!db) {
            if (outage_begins(req->r->server)) {
                ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, req->r, PAMPS_LOGNO(102)
                              "no database connection from mod_dbd (LogLevel dbd:error"
                              " logs why); further failures are summed up every %d s",
                              OUTAGE_LOG_SECONDS);
            }
            return NULL;
        }
        set_up(req->r->server, db);
        req->db = db;
        pamps_stats_db_held(req);
    }
    return req->db;
}

/* Sorts a failed call into conflict, lost connection or other error. */
static pamps_db_status classify(pamps_req *req, ap_dbd_t *db, int stmt, int rv)
{
    const char *msg = db_error(db, rv);
    pamps_dberr_class class = error_class(db, msg);

    if (class == PAMPS_DBERR_UNIQUE) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, req->r, PAMPS_LOGNO(103)
                      "%s: unique conflict: %s", pamps_sql[stmt].label, msg);
        return PAMPS_DB_CONFLICT;
    }
    if (class == PAMPS_DBERR_FOREIGN_KEY) {
        /* the post, user or department checked a moment ago was deleted */
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, req->r, PAMPS_LOGNO(113)
                      "%s: referenced row gone: %s", pamps_sql[stmt].label, msg);
        return PAMPS_DB_GONE;
    }
    if (class == PAMPS_DBERR_RETRY) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, req->r, PAMPS_LOGNO(1003)
                      "%s: transaction aborted, the client may retry: %s",
                      pamps_sql[stmt].label, msg);
        return PAMPS_DB_RETRY;
    }
    if (apr_dbd_check_conn(db->driver, req->r->pool, db->handle) != APR_SUCCESS
        || class == PAMPS_DBERR_SESSION_ENDED) {
        /* whichever session comes next (pgsql reconnects in check_conn)
         * has none of this connection's statements */
        forget_statements(db);
        if (outage_begins(req->r->server)) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, req->r, PAMPS_LOGNO(104)
                          "%s: database connection lost: %s; further failures are"
                          " summed up every %d s", pamps_sql[stmt].label, msg,
                          OUTAGE_LOG_SECONDS);
        }
        return PAMPS_DB_UNAVAILABLE;
    }
    ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, req->r, PAMPS_LOGNO(105)
                  "%s failed: %s", pamps_sql[stmt].label, msg);
    return PAMPS_DB_ERROR;
}

/* After such an error, or once a session that ended has been reconnected,
 * prepares stmt again (the others when next used) and says whether it may
 * run once more: not inside a transaction, which the failure has spoilt. */
static int reprepared(pamps_req *req, ap_dbd_t *db, int stmt, int rv)
{
    pamps_dberr_class class = error_class(db, db_error(db, rv));

    /* statements lost: the sqlite3 driver prepares with the legacy
     * sqlite3_prepare(), whose statements fail for good once the schema
     * changed under them; on pgsql apr_dbd_check_conn (which mod_dbd runs
     * on every acquire) PQresets a broken connection, and the new session
     * has none of them */
    if (class != PAMPS_DBERR_STATEMENTS_LOST
        && !(class == PAMPS_DBERR_SESSION_ENDED
             && apr_dbd_check_conn(db->driver, req->r->pool, db->handle) == APR_SUCCESS)) {
        return 0;
    }
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, req->r, PAMPS_LOGNO(112)
                  "prepared statements lost (schema change or new session):"
                  " preparing them again");
    forget_statements(db);
    set_up(req->r->server, db);
    return statement(req->r->server, db, stmt) && !req->txn;
}

/* SQLite's write lock held by another connection for longer than the
 * driver's own retries (15 x 100 ms) */
static int sqlite_busy(ap_dbd_t *db, int rv)
{
    return error_class(db, db_error(db, rv)) == PAMPS_DBERR_BUSY;
}

#define BUSY_ATTEMPTS 4         /* after 50, 100, 200 and 400 ms pauses */

/* Whether a failed statement should run once more, after what makes that
 * worthwhile: its statements prepared anew, or a pause while another child
 * writes. Never inside a transaction, which the failure has spoilt; outside
 * one a failed statement changed nothing. */
static int run_again(pamps_req *req, ap_dbd_t *db, int stmt, int rv, int attempt)
{
    if (attempt == 0 && reprepared(req, db, stmt, rv)) {
        return 1;
    }
    if (!req->txn && attempt < BUSY_ATTEMPTS && sqlite_busy(db, rv)) {
        apr_sleep(apr_time_from_msec(50 << attempt));
        return 1;
    }
    return 0;
}

/* Whether a call gives stmt the values it declares, and stmt is prepared:
 * a wrong query (arguments, or a text that disagrees) never runs, the
 * caller answers 500; one that could not be prepared (logged) leaves the
 * database unavailable, 503. */
static pamps_db_status call_fits(pamps_req *req, ap_dbd_t *db, int stmt, int nargs)
{
    const pamps_sql_statement *sql = sql_text(db, stmt);

    if (nargs != sql->nargs) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, req->r, PAMPS_LOGNO(115)
                      "%s called with %d arguments; it takes %d: not run",
                      sql->label, nargs, sql->nargs);
        return PAMPS_DB_ERROR;
    }
    if (statement(req->r->server, db, stmt)) {
        return PAMPS_DB_OK;
    }
    if (!declared_right(sql)) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, req->r, PAMPS_LOGNO(114)
                      "%s declares %d arguments but its text has %d placeholders:"
                      " not prepared, not run", sql->label, sql->nargs,
                      pamps_sql_placeholders(sql->sql));
        return PAMPS_DB_ERROR;
    }
    return PAMPS_DB_UNAVAILABLE;
}

static pamps_db_status select_rows(pamps_req *req, int stmt, pamps_rows *out,
                                   int nargs, const char *const *args)
{
    ap_dbd_t *db = get_db(req);
    apr_dbd_results_t *res = NULL;
    pamps_db_status st;
    int rv, locked;

    memset(out, 0, sizeof(*out));
    if (!db) {
        return PAMPS_DB_UNAVAILABLE;
    }
    if ((st = call_fits(req, db, stmt, nargs)) != PAMPS_DB_OK) {
        return st;
    }
    /* random access (1): the whole result arrives inside pselect, so a
     * failure is reported here; in sequential mode pgsql reports it later
     * as a plain end of rows, and an error would pass for "no such row" */
    /* an INSERT ... RETURNING is a write read back like a SELECT */
    locked = !req->txn && pamps_sql_writes(pamps_sql[stmt].sql) && write_lock(req->r, db);
    rv = apr_dbd_pselect(db->driver, req->r->pool, db->handle, &res,
                         statement(req->r->server, db, stmt), 1, nargs, (const char **)args);
    for (int attempt = 0; rv && run_again(req, db, stmt, rv, attempt); attempt++) {
        rv = apr_dbd_pselect(db->driver, req->r->pool, db->handle, &res,
                             statement(req->r->server, db, stmt), 1, nargs,
                             (const char **)args);
    }
    write_unlock(&locked);
    if (rv) {
        return classify(req, db, stmt, rv);
    }
    pamps_dbd_read_rows(db->driver, req->r->pool, res, out);
    outage_ends(req->r);
    return PAMPS_DB_OK;
}

static pamps_db_status exec_statement(pamps_req *req, int stmt, int *affected,
                                      int nargs, const char *const *args)
{
    ap_dbd_t *db = get_db(req);
    pamps_db_status st;
    int rv, nrows = 0, locked;

    if (!db) {
        return PAMPS_DB_UNAVAILABLE;
    }
    if ((st = call_fits(req, db, stmt, nargs)) != PAMPS_DB_OK) {
        return st;
    }
    locked = !req->txn && write_lock(req->r, db);
    rv = apr_dbd_pquery(db->driver, req->r->pool, db->handle, &nrows,
                        statement(req->r->server, db, stmt), nargs, (const char **)args);
    for (int attempt = 0; rv && run_again(req, db, stmt, rv, attempt); attempt++) {
        rv = apr_dbd_pquery(db->driver, req->r->pool, db->handle, &nrows,
                            statement(req->r->server, db, stmt), nargs, (const char **)args);
    }
    write_unlock(&locked);
    if (rv) {
        return classify(req, db, stmt, rv);
    }
    if (affected) {
        *affected = nrows;
    }
    outage_ends(req->r);
    return PAMPS_DB_OK;
}

/* Rolls back the open transaction, if any; the write mutex is the caller's. */
static void end_transaction(pamps_req *req)
{
    apr_dbd_transaction_t *txn = req->txn;

    if (!txn) {
        return;
    }
    req->txn = NULL;
    apr_dbd_transaction_mode_set(req->db->driver, txn, APR_DBD_TRANSACTION_ROLLBACK);
    apr_dbd_transaction_end(req->db->driver, req->r->pool, txn);
}

/* Both timed for the status page and the pamps-db-us note. */
pamps_db_status pamps_db_select(pamps_req *req, int stmt, pamps_rows *out,
                                int nargs, const char *const *args)
{
    apr_time_t t0 = apr_time_now();
    pamps_db_status st = select_rows(req, stmt, out, nargs, args);

    pamps_stats_db_time(req, apr_time_now() - t0);
    return st;
}

pamps_db_status pamps_db_exec(pamps_req *req, int stmt, int *affected,
                              int nargs, const char *const *args)
{
    apr_time_t t0 = apr_time_now();
    pamps_db_status st = exec_statement(req, stmt, affected, nargs, args);

    pamps_stats_db_time(req, apr_time_now() - t0);
    return st;
}

/* A transaction never outlives its request: if the handler did not end it,
 * it is rolled back (and the write mutex released) before mod_dbd takes the
 * connection back. */
static apr_status_t rollback_leftover(void *data)
{
    pamps_req *req = data;

    pamps_db_rollback(req);
    return APR_SUCCESS;
}

pamps_db_status pamps_db_begin(pamps_req *req)
{
    ap_dbd_t *db;
    int rv;

    if (req->guard_txn && req->txn) {
        return PAMPS_DB_OK;     /* inside If-Match's: the response commits */
    }
    db = get_db(req);
    if (!db) {
        return PAMPS_DB_UNAVAILABLE;
    }
    /* held until commit or rollback: the BEGIN IMMEDIATE below then finds
     * the file free, unless a process outside httpd writes to it */
    req->write_locked = write_lock(req->r, db);
    rv = apr_dbd_transaction_start(db->driver, req->r->pool, db->handle, &req->txn);
    /* BEGIN IMMEDIATE waits for another child's write lock like a statement */
    for (int attempt = 0; rv && attempt < BUSY_ATTEMPTS && sqlite_busy(db, rv); attempt++) {
        end_transaction(req);           /* the write mutex stays held */
        apr_sleep(apr_time_from_msec(50 << attempt));
        rv = apr_dbd_transaction_start(db->driver, req->r->pool, db->handle, &req->txn);
    }
    if (rv) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, req->r, PAMPS_LOGNO(106)
                      "cannot start a transaction: %s", db_error(db, rv));
        /* the sqlite3 driver records a transaction even when BEGIN failed;
         * ending it keeps the pooled connection out of a phantom one */
        pamps_db_rollback(req);
        return PAMPS_DB_UNAVAILABLE;
    }
    apr_pool_cleanup_register(req->r->pool, req, rollback_leftover, apr_pool_cleanup_null);
    return PAMPS_DB_OK;
}

pamps_db_status pamps_db_commit(pamps_req *req)
{
    apr_dbd_transaction_t *txn = req->txn;
    int rv;

    if (req->guard_txn) {
        return PAMPS_DB_OK;     /* If-Match's transaction: the response commits it */
    }
    /* callers commit only after every statement inside succeeded */
    req->txn = NULL;
    rv = apr_dbd_transaction_end(req->db->driver, req->r->pool, txn);
    write_unlock(&req->write_locked);
    if (rv) {
        const char *msg = db_error(req->db, rv);

        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, req->r, PAMPS_LOGNO(107)
                      "commit failed: %s", msg);
        return error_class(req->db, msg) == PAMPS_DBERR_RETRY ? PAMPS_DB_RETRY
                                                             : PAMPS_DB_ERROR;
    }
    return PAMPS_DB_OK;
}

void pamps_db_rollback(pamps_req *req)
{
    end_transaction(req);
    /* also when BEGIN failed without a transaction to end */
    write_unlock(&req->write_locked);
}

int pamps_db_fail(pamps_req *req, pamps_db_status st)
{
    pamps_db_rollback(req);
    if (st == PAMPS_DB_CONFLICT) {
        return pamps_send_error(req, HTTP_CONFLICT, "Conflict with existing data");
    }
    if (st == PAMPS_DB_GONE) {
        return pamps_send_error(req, HTTP_NOT_FOUND, "Not Found");
    }
    if (st == PAMPS_DB_ERROR) {
        return pamps_send_error(req, HTTP_INTERNAL_SERVER_ERROR, "Internal Server Error");
    }
    if (st == PAMPS_DB_RETRY) {
        apr_table_setn(req->r->err_headers_out, "Retry-After", "1");
        return pamps_send_error(req, HTTP_SERVICE_UNAVAILABLE,
                                "Conflicting concurrent request: try again");
    }
    return pamps_send_error(req, HTTP_SERVICE_UNAVAILABLE, "Database unavailable");
}

int pamps_db_ping(pamps_req *req)
{
    pamps_rows rows;

    return pamps_db_select(req, PAMPS_SQL_PING, &rows, PAMPS_NOARGS) == PAMPS_DB_OK
           && rows.nrows == 1;
}

/* A PostgreSQL standby, or default_transaction_read_only; an SQLite file
 * (or its directory, where the -wal file goes) this user cannot write. */
static int read_only(pamps_req *req, ap_dbd_t *db)
{
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    int ro = 0;

    if (strcmp(apr_dbd_name(db->driver), "pgsql") != 0) {
        const char *file = req->sconf->sqlite_file;
        char *dir = file ? apr_pstrdup(req->r->pool, file) : NULL;

        if (!file) {
            return 0;
        }
        *strrchr(dir, '/') = '\0';
        return access(file, W_OK) != 0 || access(*dir ? dir : "/", W_OK) != 0;
    }
    if (apr_dbd_select(db->driver, req->r->pool, db->handle, &res,
                       "SELECT current_setting('transaction_read_only')", 1) == 0) {
        while (apr_dbd_get_row(db->driver, req->r->pool, res, &row, -1) == 0) {
            const char *v = apr_dbd_get_entry(db->driver, row, 0);

            ro = ro || (v && strcmp(v, "on") == 0);
        }
    }
    return ro;
}

const char *pamps_db_cannot_serve(pamps_req *req)
{
    /* a connection of its own from the pool, not get_db's: with a stale
     * schema the statements do not prepare, and that is what is asked */
    ap_dbd_t *db = req->db ? req->db : dbd_acquire ? dbd_acquire(req->r) : NULL;
    pamps_migrate_result res;
    int rc;

    /* a lost connection is "unavailable", not a schema found empty */
    if (!db || apr_dbd_check_conn(db->driver, req->r->pool, db->handle) != APR_SUCCESS) {
        return NULL;
    }
    /* A connection's first statement after a schema change made elsewhere
     * can come back empty from the sqlite3 driver (as if no version were
     * recorded): an older schema is believed when a second read agrees. */
    for (int attempt = 0; attempt < 2; attempt++) {
        memset(&res, 0, sizeof(res));
        rc = pamps_migrate(req->r->pool, db->driver, db->handle, 0, &res);
        if (res.current > res.latest) {
            return "schema newer than the module";
        }
        if (rc != 0 || res.current >= res.latest) {
            break;              /* no verdict from a failed read; or current */
        }
    }
    if (rc == 0 && res.current < res.latest) {
        return "schema older than the module";
    }
    return read_only(req, db) ? "database read-only" : NULL;
}

/* At child start: check the schema and, with PampsAutoMigrate On, bring it
 * up to date, so a missing or stale schema is reported before any request. */
void pamps_db_child_init(apr_pool_t *p, server_rec *s)
{
    pamps_srv_conf *conf = ap_get_module_config(s->module_config, &pamps_module);
    pamps_migrate_result res;
    ap_dbd_t *db;
    int rc = -1;

    if (write_mutex) {
        apr_status_t rv = apr_global_mutex_child_init(
            &write_mutex, apr_global_mutex_lockfile(write_mutex), p);

        if (rv != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_ERR, rv, s, PAMPS_LOGNO(1002)
                         "cannot attach the " WRITE_MUTEX_TYPE " mutex: SQLite writers"
                         " of this child wait on SQLITE_BUSY instead");
            write_mutex = NULL;
        }
    }
    if (!pamps_db_available() || !conf->key) {
        return;
    }
    db = dbd_open(p, s);
    if (!db) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, PAMPS_LOGNO(108)
                     "database not reachable at child start; requests get 503"
                     " until it is");
        return;
    }
    setup_connection(s, db);
    /* Children start together and must not serve before the schema is
     * there: while no worker thread runs yet, SQLite may wait for the child
     * that migrates (and its second look finds the work done). */
    set_busy_timeout(db, 10000);
    for (int attempt = 0; attempt < 3; attempt++) {
        rc = pamps_migrate(p, db->driver, db->handle, pamps_conf_auto_migrate(conf), &res);
        if (rc == 0) {
            break;
        }
    }
    set_busy_timeout(db, 0);
    if (rc) {
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s, PAMPS_LOGNO(109)
                     "schema migration failed: %s", res.error);
    }
    else if (res.current < res.latest) {
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s, PAMPS_LOGNO(110)
                     "database schema is at version %d, this build needs %d: run"
                     " 'pamps migrate' or set PampsAutoMigrate On",
                     res.current, res.latest);
    }
    else if (res.applied) {
        ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, s, PAMPS_LOGNO(111)
                     "applied migrations: %s", res.applied_names);
    }
    dbd_close(s, db);
}
