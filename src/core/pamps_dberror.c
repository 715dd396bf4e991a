/* Database errors sorted by the words of the drivers' messages, in one
 * table. tests/unit/test_dberror.c holds the real messages each row is for,
 * captured from apr_dbd's sqlite3 and pgsql drivers. */
#include <string.h>

#include "pamps_dberror.h"

/* A row matches when the driver is its own and the message holds its
 * words (and its second words, when given). The first match wins. */
static const struct {
    const char *driver;
    const char *words, *and_words;
    pamps_dberr_class class;
} rules[] = {
    { "sqlite3", "UNIQUE constraint failed", NULL, PAMPS_DBERR_UNIQUE },
    { "pgsql", "violates unique constraint", NULL, PAMPS_DBERR_UNIQUE },
    { "sqlite3", "FOREIGN KEY constraint failed", NULL, PAMPS_DBERR_FOREIGN_KEY },
    { "pgsql", "violates foreign key constraint", NULL, PAMPS_DBERR_FOREIGN_KEY },
    /* a server restart or pg_terminate_backend; then every later call */
    { "pgsql", "terminating connection", NULL, PAMPS_DBERR_SESSION_ENDED },
    { "pgsql", "server closed the connection", NULL, PAMPS_DBERR_SESSION_ENDED },
    { "pgsql", "no connection to the server", NULL, PAMPS_DBERR_SESSION_ENDED },
    /* the driver's legacy sqlite3_prepare() statements fail for good once
     * the schema changed under them (a migration, an ANALYZE) */
    { "sqlite3", "database schema has changed", NULL, PAMPS_DBERR_STATEMENTS_LOST },
    /* a new server session (after a reconnect) has none of them */
    { "pgsql", "prepared statement", "does not exist", PAMPS_DBERR_STATEMENTS_LOST },
    /* held for longer than the driver's own retries (15 x 100 ms) */
    { "sqlite3", "database is locked", NULL, PAMPS_DBERR_BUSY },
    { "sqlite3", "database table is locked", NULL, PAMPS_DBERR_BUSY },
    /* the transaction lost a race it could not wait out: the same request
     * again may well succeed (SQLSTATE 40P01, 40001) */
    { "pgsql", "deadlock detected", NULL, PAMPS_DBERR_RETRY },
    { "pgsql", "could not serialize access", NULL, PAMPS_DBERR_RETRY },
};

pamps_dberr_class pamps_dberror_class(const char *driver, const char *msg)
{
    if (!driver || !msg) {
        return PAMPS_DBERR_OTHER;
    }
    for (size_t i = 0; i < sizeof(rules) / sizeof(*rules); i++) {
        if (strcmp(rules[i].driver, driver) == 0 && strstr(msg, rules[i].words)
            && (!rules[i].and_words || strstr(msg, rules[i].and_words))) {
            return rules[i].class;
        }
    }
    return PAMPS_DBERR_OTHER;
}

const char *pamps_dbd_error(const apr_dbd_driver_t *driver, apr_dbd_t *handle, int rv)
{
    const char *e = apr_dbd_error(driver, handle, rv);

    return (e && *e) ? e : "unknown database error";
}
