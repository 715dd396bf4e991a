/* Rows as the module and the pamps command read them: every row of a
 * result copied into a pool, each value text or NULL. Plain APR: the core,
 * the command and unit tests use it without httpd. */
#ifndef PAMPS_ROWS_H
#define PAMPS_ROWS_H

#include <apr_dbd.h>

typedef struct {
    int ncols;
    const char **col;             /* NULL for SQL NULL */
} pamps_row;

typedef struct {
    int nrows;
    pamps_row *rows;
} pamps_rows;

/* Column i (a PAMPS_COL_* of pamps_columns.h), 0 / false when NULL or past
 * the row's end. */
long long pamps_col_int(const pamps_row *row, int i);
int pamps_col_bool(const pamps_row *row, int i);   /* 1/0 (SQLite), t/f (PostgreSQL) */

/* Reads every row of res into out, copied into p. Always to the end: a
 * pgsql connection left mid-result stays busy. */
void pamps_dbd_read_rows(const apr_dbd_driver_t *driver, apr_pool_t *p,
                         apr_dbd_results_t *res, pamps_rows *out);

#endif
