/* Offset lists of users and keyset feeds of posts. */
#include <limits.h>

#include "apr_strings.h"
#include "http_protocol.h"

#include "pamps.h"
#include "pamps_lists.h"

static const char *int_text(apr_pool_t *p, long long v)
{
    return apr_psprintf(p, "%" APR_INT64_T_FMT, (apr_int64_t)v);
}

/* args followed by extra values, as one array */
static const char **append_args(apr_pool_t *p, int nargs, const char *const *args,
                                int nextra, const char *const *extra)
{
    const char **all = apr_palloc(p, sizeof(char *) * (nargs + nextra));

    for (int i = 0; i < nargs; i++) {
        all[i] = args[i];
    }
    for (int i = 0; i < nextra; i++) {
        all[nargs + i] = extra[i];
    }
    return all;
}

static json_t *public_user(const pamps_row *row)
{
    return pamps_view_public_user(row, 0);
}

int pamps_send_user_page(pamps_req *req, int list_stmt, int count_stmt,
                         int nargs, const char *const *args)
{
    return pamps_send_offset_page(req, list_stmt, count_stmt, public_user, nargs, args);
}

int pamps_send_offset_page(pamps_req *req, int list_stmt, int count_stmt,
                           pamps_row_view view, int nargs, const char *const *args)
{
    apr_pool_t *p = req->r->pool;
    json_t *errors = json_array(), *items;
    long long limit, offset;
    pamps_rows rows, count;
    pamps_db_status st;

    if (pamps_offset_params(req, pamps_query_args(req), errors, &limit, &offset)) {
        return pamps_send_422(req, errors);
    }
    json_decref(errors);
    st = pamps_db_select(req, count_stmt, &count, nargs, args);
    if (st == PAMPS_DB_OK) {
        const char *page[2] = { int_text(p, limit), int_text(p, offset) };
        st = pamps_db_select(req, list_stmt, &rows, nargs + 2,
                             append_args(p, nargs, args, 2, page));
    }
    if (st != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    items = json_array();
    for (int i = 0; i < rows.nrows; i++) {
        json_array_append_new(items, view(&rows.rows[i]));
    }
    return pamps_send_json(req, HTTP_OK,
                           pamps_view_offset_page(items, count.nrows ? pamps_col_int(&count.rows[0], 0) : 0,
                                                  limit, offset));
}

int pamps_send_feed(pamps_req *req, int feed_stmt, int nargs, const char *const *args)
{
    apr_pool_t *p = req->r->pool;
    apr_table_t *query = pamps_query_args(req);
    json_t *errors = json_array(), *items;
    long long limit, before;
    const char **all, *head[1] = { req->user->id_text }, *tail[2];
    pamps_rows rows;
    pamps_db_status st;
    int n;

    limit = pamps_query_int(apr_table_get(query, "limit"), "limit",
                            pamps_conf_page_default(req->dconf), 1,
                            pamps_conf_page_max(req->dconf), errors);
    before = pamps_query_int(apr_table_get(query, "before"), "before", LLONG_MAX, 1,
                             LLONG_MAX, errors);
    if (json_array_size(errors)) {
        return pamps_send_422(req, errors);
    }
    json_decref(errors);

    /* viewer (for liked_by_me), the statement's own args, then the page */
    tail[0] = int_text(p, before);
    tail[1] = int_text(p, limit + 1);
    all = append_args(p, 1, head, nargs, args);
    all = append_args(p, nargs + 1, all, 2, tail);
    st = pamps_db_select(req, feed_stmt, &rows, nargs + 3, all);
    if (st != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    items = json_array();
    n = rows.nrows > limit ? (int)limit : rows.nrows;
    for (int i = 0; i < n; i++) {
        json_array_append_new(items, pamps_view_post(&rows.rows[i]));
    }
    return pamps_send_json(req, HTTP_OK,
                           json_pack("{s:o, s:I, s:o}", "items", items, "limit", (json_int_t)limit,
                                     "next_before", rows.nrows > limit
                                         ? json_integer(pamps_col_int(&rows.rows[n - 1], 0))
                                         : json_null()));
}
