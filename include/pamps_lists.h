/* The two kinds of paginated lists API.md defines, written once. A page
 * request is read first (422 comes before any lookup's 404), then sent. */
#ifndef PAMPS_LISTS_H
#define PAMPS_LISTS_H

#include "pamps_db.h"
#include "pamps_http.h"

typedef struct {
    long long limit, offset;
    const char *limit_text;
    const char *offset_text;      /* offset lists */
    const char *before_text;      /* feeds: the cursor (ids below it) */
    const char *fetch_text;       /* feeds: limit + 1, to see if more follow */
} pamps_page;

/* limit and offset (feed 0), or limit and before (feed 1) from the parsed
 * query, bad ones added to errors: for handlers with query parameters of
 * their own */
void pamps_page_params(pamps_req *req, apr_table_t *query, pamps_page *page, int feed,
                       json_t *errors);

/* the same, alone: OK, or DONE when a 422 has been sent */
int pamps_read_offset_page(pamps_req *req, pamps_page *page);
int pamps_read_feed_page(pamps_req *req, pamps_page *page);

/* Runs count_stmt with the leading args it takes (all, or fewer when it
 * reads a counter that needs fewer) and list_stmt with args + limit +
 * offset, and sends {"items", "total", "limit", "offset"}, view making
 * each item. */
int pamps_send_offset_page(pamps_req *req, const pamps_page *page, int list_stmt,
                           int count_stmt, pamps_row_view view, int nargs,
                           const char *const *args);
/* The same with a total already known (a counter read with the user). */
int pamps_send_counted_page(pamps_req *req, const pamps_page *page, int list_stmt,
                            long long total, pamps_row_view view, int nargs,
                            const char *const *args);
/* ... of public users */
int pamps_send_user_page(pamps_req *req, const pamps_page *page, int list_stmt,
                         int count_stmt, int nargs, const char *const *args);

/* Runs feed_stmt with args (which carry the page's before and fetch where
 * the statement wants them) and sends {"items", "limit", "next_before"}. */
int pamps_send_feed(pamps_req *req, const pamps_page *page, int feed_stmt, int nargs,
                    const char *const *args);

#endif
