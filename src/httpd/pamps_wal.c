/* SQLite's WAL checkpoints, taken out of the write path.
 *
 * SQLite copies the WAL back into the database file from inside the
 * commit that finds the WAL past 1000 pages (wal_autocheckpoint): the copy
 * and, with synchronous=NORMAL, two fsyncs, all while this module's
 * server-wide write mutex is held and every other writer queues behind it.
 * On this machine a task insert cost 170 us with those checkpoints and 120
 * without (SQLite alone), and the time POST /tasks holds the mutex fell
 * from ~375 to ~230 us with what follows.
 *
 * Here the commit of a pooled connection only notes that a checkpoint is
 * due (a WAL hook, which replaces the automatic checkpoint on that
 * connection), and a request that used the database runs it, PASSIVE, once
 * its response is logged: outside the write mutex, and outside apr_dbd's
 * per-process sqlite3 lock (the request holds its connection alone, and
 * SQLite serializes calls on one connection itself). Writers go on
 * meanwhile; when another process is checkpointing, this one returns at
 * once. A WAL that still reaches BACKSTOP_PAGES is checkpointed inside the
 * commit, as SQLite would: under a steady stream of writers it does, as a
 * checkpoint that writers outrun cannot let the WAL start over (so the
 * -wal file may grow to ~40 MB). */
#include <sqlite3.h>

#include "apr_atomic.h"
#include "httpd.h"
#include "http_log.h"

#include "pamps_wal.h"

#define DUE_PAGES 1000          /* SQLite's own wal_autocheckpoint */
#define BACKSTOP_PAGES 10000

static volatile apr_uint32_t due;       /* per process: a checkpoint to run */

/* After each commit on a hooked connection, with the WAL's size in pages;
 * runs under the committing call, so it only notes, below the backstop. */
static int note_wal_size(void *unused, sqlite3 *db, const char *name, int pages)
{
    (void)unused;
    if (pages >= BACKSTOP_PAGES) {
        sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    }
    else if (pages >= DUE_PAGES) {
        apr_atomic_set32(&due, 1);
    }
    return SQLITE_OK;
}

void pamps_wal_hook(ap_dbd_t *db)
{
    /* a library built without threads keeps SQLite's own checkpoints */
    if (sqlite3_threadsafe()) {
        sqlite3_wal_hook(apr_dbd_native_handle(db->driver, db->handle), note_wal_size, NULL);
    }
}

void pamps_wal_checkpoint_if_due(request_rec *r, ap_dbd_t *db)
{
    sqlite3 *handle;
    int rc;

    if (!apr_atomic_read32(&due) || apr_atomic_cas32(&due, 0, 1) != 1) {
        return;
    }
    handle = apr_dbd_native_handle(db->driver, db->handle);
    rc = sqlite3_wal_checkpoint_v2(handle, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    /* BUSY: another connection is checkpointing; the next commit notes it
     * again if the WAL is still long */
    if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, PAMPS_LOGNO(1501)
                      "WAL checkpoint failed: %s", sqlite3_errmsg(handle));
    }
}
