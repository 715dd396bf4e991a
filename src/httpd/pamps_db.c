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
#include "http_request.h"
#include "util_mutex.h"

#include "pamps_config.h"
#include "pamps_db.h"
#include "pamps_dberror.h"
#include "pamps_group.h"
#include "pamps_http.h"
#include "pamps_migrate.h"
#include "pamps_sql.h"
#include "pamps_stats.h"
#include "pamps_turn.h"
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

/* Per child: requests take their pooled connection in the order they
 * came. mod_dbd's pool (apr_reslist) wakes a waiter in no order, and a
 * request that was not waiting can take the freed connection first: with
 * more requests in flight than DBDMax, some waited seconds (wrk timeouts
 * on PostgreSQL at 256 connections). During an outage everyone tries at
 * once, as before, since opening a connection may then take as long as
 * the network lets it. A subrequest or internal redirect does not line
 * up: mod_dbd hands it the connection of its initial request, which may
 * hold it already, and lining up for it could then wait for itself. */
static pamps_turn *acquire_turn;

static ap_dbd_t *acquire_in_turn(request_rec *r)
{
    int in_turn = acquire_turn && ap_is_initial_req(r) && !apr_atomic_read32(&outage.active);
    ap_dbd_t *db;

    if (!dbd_acquire) {
        return NULL;
    }
    pamps_stats_db_awaited(1);
    if (in_turn) {
        pamps_turn_take(acquire_turn, r->pool);
    }
    db = dbd_acquire(r);
    if (in_turn) {
        pamps_turn_pass(acquire_turn);
    }
    pamps_stats_db_awaited(-1);
    return db;
}

static ap_dbd_t *get_db(pamps_req *req)
{
    if (!req->db) {
        ap_dbd_t *db = acquire_in_turn(req->r);

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
                  "%s failed (%d): %s", pamps_sql[stmt].label, rv, msg);
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

/* One statement of a request: a read, a write inside the request's
 * transaction, or a write on its own (which SQLite may group, below). */
typedef struct {
    pamps_group_job link;       /* first: a pamps_group_job * is a db_call * */
    pamps_req *req;
    int stmt;
    int nargs;
    const char *const *args;
    pamps_rows *out;            /* a SELECT or RETURNING's rows; NULL: no rows */
    int nrows;                  /* else the rows it changed */
    pamps_db_status st;
} db_call;

/* Runs call's statement on db once: the driver's answer, or -1 when the
 * statement cannot be prepared there (logged). */
static int run_statement(db_call *call, ap_dbd_t *db)
{
    apr_pool_t *p = call->req->r->pool;
    apr_dbd_prepared_t *stmt = statement(call->req->r->server, db, call->stmt);
    apr_dbd_results_t *res = NULL;
    int rv;

    if (!stmt) {
        return -1;
    }
    if (!call->out) {
        return apr_dbd_pquery(db->driver, p, db->handle, &call->nrows, stmt,
                              call->nargs, (const char **)call->args);
    }
    /* random access (1): the whole result arrives inside pselect, so a
     * failure is reported here; in sequential mode pgsql reports it later
     * as a plain end of rows, and an error would pass for "no such row" */
    rv = apr_dbd_pselect(db->driver, p, db->handle, &res, stmt, 1, call->nargs,
                         (const char **)call->args);
    if (rv == 0) {
        pamps_dbd_read_rows(db->driver, p, res, call->out);
    }
    return rv;
}

/* A write of its own: outside a transaction, which holds the write mutex
 * from BEGIN on. An INSERT ... RETURNING is a write read back like a SELECT. */
static int writes_alone(const db_call *call)
{
    return !call->req->txn && (!call->out || pamps_sql_writes(pamps_sql[call->stmt].sql));
}

/* Runs call on db by itself: a write of its own under the write mutex, run
 * again when that can help; sets call->st. */
static void run_alone(db_call *call, ap_dbd_t *db)
{
    pamps_req *req = call->req;
    int rv, locked;

    if ((call->st = call_fits(req, db, call->stmt, call->nargs)) != PAMPS_DB_OK) {
        return;
    }
    locked = writes_alone(call) && write_lock(req->r, db);
    rv = run_statement(call, db);
    for (int attempt = 0; rv && run_again(req, db, call->stmt, rv, attempt); attempt++) {
        rv = run_statement(call, db);
    }
    write_unlock(&locked);
    if (rv) {
        call->st = classify(req, db, call->stmt, rv);
        return;
    }
    outage_ends(req->r);
}

static int run_sql(ap_dbd_t *db, const char *sql)
{
    int nrows;

    return apr_dbd_query(db->driver, db->handle, &nrows, sql);
}

/* Group commit on SQLite: writes of their own that a child's requests
 * bring while another of its writes runs wait, and then run together in one
 * transaction, on the connection of the request that leads them. A commit
 * writes each page it changed to the WAL once, however many rows changed it
 * (SQLite alone: an insert cost 43 us by itself, 17 us in batches of 8),
 * and the write mutex changes hands once per batch while the other writers
 * sleep, where each write used to contend for it. POST /tasks at 64
 * connections went from ~5,500 to ~10,500 req/s. A write inside a
 * transaction (pamps_db_begin) runs as before. */
static pamps_group *write_group;

/* The group's runner: a batch in one transaction on the leader's db. If
 * any part fails (a statement, BEGIN, COMMIT), the whole batch is rolled
 * back and each write runs alone, so each gets the answer it would have
 * had without the others. */
static void run_batch(void *leader_db, pamps_group_job *first)
{
    ap_dbd_t *db = leader_db;
    pamps_group_job *j;
    int locked, failed, lost = 0, n = 1;

    for (j = first->next; j; j = j->next) {
        n++;
    }
    pamps_stats_write_batch(n);
    if (n == 1) {
        run_alone((db_call *)first, db);
        return;
    }
    locked = write_lock(((db_call *)first)->req->r, db);
    failed = run_sql(db, "BEGIN IMMEDIATE") != 0;
    for (j = first; j && !failed; j = j->next) {
        db_call *call = (db_call *)j;
        int rv = run_statement(call, db);

        failed = rv != 0;
        /* the sqlite3 driver's statements fail for good once the schema
         * changed, and say why only now: ROLLBACK would leave the calls
         * below none the wiser (see reprepared) */
        lost = rv > 0 && error_class(db, db_error(db, rv)) == PAMPS_DBERR_STATEMENTS_LOST;
    }
    failed = failed || run_sql(db, "COMMIT") != 0;
    if (failed) {
        run_sql(db, "ROLLBACK");        /* fails, harmlessly, when SQLite did */
    }
    write_unlock(&locked);
    if (lost) {
        forget_statements(db);
        set_up(((db_call *)first)->req->r->server, db);
    }
    for (j = first; j; j = j->next) {
        db_call *call = (db_call *)j;

        if (failed) {
            run_alone(call, db);
        }
        else {
            call->st = PAMPS_DB_OK;
            outage_ends(call->req->r);
        }
    }
}

static pamps_db_status run_call(db_call *call)
{
    pamps_req *req = call->req;
    ap_dbd_t *db = get_db(req);

    if (call->out) {
        memset(call->out, 0, sizeof(*call->out));
    }
    if (!db) {
        return PAMPS_DB_UNAVAILABLE;
    }
    if ((call->st = call_fits(req, db, call->stmt, call->nargs)) != PAMPS_DB_OK) {
        return call->st;
    }
    if (write_group && write_mutex && is_sqlite(db) && writes_alone(call)) {
        pamps_stats_write_waiting(1);
        pamps_group_run(write_group, &call->link, run_batch, db);
        pamps_stats_write_waiting(-1);
    }
    else {
        run_alone(call, db);
    }
    return call->st;
}

static pamps_db_status select_rows(pamps_req *req, int stmt, pamps_rows *out,
                                   int nargs, const char *const *args)
{
    db_call call = { .req = req, .stmt = stmt, .nargs = nargs, .args = args, .out = out };

    return run_call(&call);
}

static pamps_db_status exec_statement(pamps_req *req, int stmt, int *affected,
                                      int nargs, const char *const *args)
{
    db_call call = { .req = req, .stmt = stmt, .nargs = nargs, .args = args };
    pamps_db_status st = run_call(&call);

    if (st == PAMPS_DB_OK && affected) {
        *affected = call.nrows;
    }
    return st;
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
    ap_dbd_t *db = req->db ? req->db : acquire_in_turn(req->r);
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

    write_group = pamps_group_create(p);
    acquire_turn = pamps_turn_create(p);
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
