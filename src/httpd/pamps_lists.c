/* Offset lists and keyset feeds. */
#include <limits.h>

#include "apr_strings.h"
#include "http_protocol.h"

#include "pamps_config.h"
#include "pamps_lists.h"

static const char *int_text(apr_pool_t *p, long long v)
{
    return apr_psprintf(p, "%" APR_INT64_T_FMT, (apr_int64_t)v);
}

void pamps_page_params(pamps_req *req, apr_table_t *query, pamps_page *page, int feed,
                       json_t *errors)
{
    apr_pool_t *p = req->r->pool;

    page->limit = pamps_query_int(apr_table_get(query, "limit"), "limit",
                                  pamps_conf_page_default(req->dconf), 1,
                                  pamps_conf_page_max(req->dconf), errors);
    page->limit_text = int_text(p, page->limit);
    if (feed) {
        page->before_text = int_text(p, pamps_query_int(apr_table_get(query, "before"),
                                                        "before", LLONG_MAX, 1, LLONG_MAX,
                                                        errors));
        page->fetch_text = int_text(p, page->limit + 1);
    }
    else {
        page->offset = pamps_query_int(apr_table_get(query, "offset"), "offset", 0, 0,
                                       LLONG_MAX, errors);
        page->offset_text = int_text(p, page->offset);
    }
}

static int read_page(pamps_req *req, pamps_page *page, int feed)
{
    json_t *errors = json_array();

    pamps_page_params(req, pamps_query_args(req), page, feed, errors);
    if (json_array_size(errors)) {
        return pamps_send_422(req, errors);
    }
    json_decref(errors);
    return OK;
}

int pamps_read_offset_page(pamps_req *req, pamps_page *page)
{
    return read_page(req, page, 0);
}

int pamps_read_feed_page(pamps_req *req, pamps_page *page)
{
    return read_page(req, page, 1);
}

int pamps_send_user_page(pamps_req *req, const pamps_page *page, int list_stmt,
                         int count_stmt, int nargs, const char *const *args)
{
    return pamps_send_offset_page(req, page, list_stmt, count_stmt, pamps_view_user, nargs, args);
}

int pamps_send_offset_page(pamps_req *req, const pamps_page *page, int list_stmt,
                           int count_stmt, pamps_row_view view, int nargs,
                           const char *const *args)
{
    pamps_rows count;
    /* the count takes the leading arguments, as many as it has */
    pamps_db_status st = pamps_db_select(req, count_stmt, &count,
                                         pamps_sql[count_stmt].nargs < nargs
                                             ? pamps_sql[count_stmt].nargs : nargs, args);

    if (st != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    return pamps_send_counted_page(req, page, list_stmt,
                                   count.nrows ? pamps_col_int(&count.rows[0], PAMPS_COL_VALUE)
                                               : 0,
                                   view, nargs, args);
}

int pamps_send_counted_page(pamps_req *req, const pamps_page *page, int list_stmt,
                            long long total, pamps_row_view view, int nargs,
                            const char *const *args)
{
    pamps_rows rows = { 0 };
    pamps_jw w;

    /* No row at or past offset: no statement. A filter that matches none
     * of a large set (done=true when no task is done) would read the whole
     * set to find that out. */
    if (page->offset < total) {
        const char **list_args = apr_palloc(req->r->pool, sizeof(char *) * (nargs + 2));
        pamps_db_status st;

        for (int i = 0; i < nargs; i++) {
            list_args[i] = args[i];
        }
        list_args[nargs] = page->limit_text;
        list_args[nargs + 1] = page->offset_text;
        st = pamps_db_select(req, list_stmt, &rows, nargs + 2, list_args);
        if (st != PAMPS_DB_OK) {
            return pamps_db_fail(req, st);
        }
    }
    pamps_jw_init(&w);
    pamps_view_offset_page(&w, view, &rows, total, page->limit, page->offset);
    return pamps_send_written(req, HTTP_OK, &w);
}

int pamps_send_feed(pamps_req *req, const pamps_page *page, int feed_stmt, int nargs,
                    const char *const *args)
{
    pamps_rows rows;
    pamps_db_status st = pamps_db_select(req, feed_stmt, &rows, nargs, args);
    pamps_jw w;
    int n;

    if (st != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    n = rows.nrows > page->limit ? (int)page->limit : rows.nrows;
    pamps_jw_init(&w);
    pamps_jw_object_open(&w);
    pamps_jw_key(&w, "items");
    pamps_view_rows(&w, pamps_view_post, &rows, n);
    pamps_jw_key(&w, "limit");
    pamps_jw_int(&w, page->limit);
    pamps_jw_key(&w, "next_before");
    if (rows.nrows > page->limit) {     /* the extra row says there is more */
        pamps_jw_int(&w, pamps_col_int(&rows.rows[n - 1], PAMPS_COL_POST_ID));
    }
    else {
        pamps_jw_null(&w);
    }
    pamps_jw_object_close(&w);
    return pamps_send_written(req, HTTP_OK, &w);
}
