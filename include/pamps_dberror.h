/* What a database error means for the caller, read from the driver's
 * message in one table (src/core/pamps_dberror.c), and the message itself.
 * apr_dbd passes on the drivers' texts (sqlite3_errmsg, PQerrorMessage),
 * which carry no SQLSTATE: the table matches their words. */
#ifndef PAMPS_DBERROR_H
#define PAMPS_DBERROR_H

#include <apr_dbd.h>

typedef enum {
    PAMPS_DBERR_OTHER = 0,          /* anything else: logged, 500 */
    PAMPS_DBERR_UNIQUE,             /* a unique constraint said no: 409 */
    PAMPS_DBERR_FOREIGN_KEY,        /* a referenced row vanished meanwhile: 404 */
    PAMPS_DBERR_SESSION_ENDED,      /* the server ended the session (a restart) */
    PAMPS_DBERR_STATEMENTS_LOST,    /* the connection's prepared statements are gone */
    PAMPS_DBERR_BUSY,               /* SQLite's lock held by another connection */
    PAMPS_DBERR_RETRY               /* PostgreSQL aborted the transaction to let another
                                     * through (deadlock, serialization): 503 + Retry-After */
} pamps_dberr_class;

/* The class of msg from the apr_dbd driver named driver ("sqlite3",
 * "pgsql"); PAMPS_DBERR_OTHER for NULL ones. */
pamps_dberr_class pamps_dberror_class(const char *driver, const char *msg);

/* The driver's message for the failed call's rv: never NULL or empty. */
const char *pamps_dbd_error(const apr_dbd_driver_t *driver, apr_dbd_t *handle, int rv);

#endif
