/* Database rows: read once from apr_dbd, by the module and the command. */
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>
#include <apr_tables.h>

#include "pamps_rows.h"

long long pamps_col_int(const pamps_row *row, int i)
{
    return (i < row->ncols && row->col[i]) ? strtoll(row->col[i], NULL, 10) : 0;
}

int pamps_col_bool(const pamps_row *row, int i)
{
    const char *v = i < row->ncols ? row->col[i] : NULL;

    return v && (strcmp(v, "1") == 0 || strcmp(v, "t") == 0 || strcmp(v, "true") == 0);
}

static void copy_row(const apr_dbd_driver_t *driver, apr_pool_t *p, apr_dbd_results_t *res,
                     apr_dbd_row_t *row, pamps_row *out)
{
    out->ncols = apr_dbd_num_cols(driver, res);
    out->col = apr_pcalloc(p, sizeof(char *) * (out->ncols + 1));
    for (int i = 0; i < out->ncols; i++) {
        char *v = NULL;

        /* get_entry gives "" for NULL on pgsql; datum_get tells them apart */
        if (apr_dbd_datum_get(driver, row, i, APR_DBD_TYPE_STRING, &v) == APR_SUCCESS && v) {
            out->col[i] = apr_pstrdup(p, v);
        }
    }
}

void pamps_dbd_read_rows(const apr_dbd_driver_t *driver, apr_pool_t *p,
                         apr_dbd_results_t *res, pamps_rows *out)
{
    apr_array_header_t *rows = apr_array_make(p, 8, sizeof(pamps_row));
    apr_dbd_row_t *row = NULL;

    while (apr_dbd_get_row(driver, p, res, &row, -1) == 0) {
        copy_row(driver, p, res, row, apr_array_push(rows));
    }
    out->nrows = rows->nelts;
    out->rows = (pamps_row *)rows->elts;
}
