/* Fetching the one row a request is about, or answering that it is not
 * there: written once for every "{id} or 404" of the API. */
#include "http_protocol.h"

#include "pamps_fetch.h"
#include "pamps_http.h"

int pamps_fetch_one(pamps_req *req, int stmt, const char *not_found, pamps_row *row,
                    int nargs, const char *const *args)
{
    pamps_rows rows;
    pamps_db_status st = pamps_db_select(req, stmt, &rows, nargs, args);

    if (st != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    if (rows.nrows != 1) {
        return pamps_send_error(req, HTTP_NOT_FOUND, not_found);
    }
    if (row) {
        *row = rows.rows[0];
    }
    return OK;
}
