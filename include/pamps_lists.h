/* The two kinds of paginated lists API.md defines, written once. */
#ifndef PAMPS_LISTS_H
#define PAMPS_LISTS_H

#include "pamps.h"

/* Offset list of public users: reads limit/offset (422 when bad), runs
 * count_stmt with args and list_stmt with args + limit + offset, and sends
 * {"items", "total", "limit", "offset"}. */
int pamps_send_user_page(pamps_req *req, int list_stmt, int count_stmt,
                         int nargs, const char *const *args);

/* The same for any row shape: view turns one row into one item. */
typedef json_t *(*pamps_row_view)(const pamps_row *row);
int pamps_send_offset_page(pamps_req *req, int list_stmt, int count_stmt,
                           pamps_row_view view, int nargs, const char *const *args);

/* Keyset feed of posts: reads limit/before (422 when bad), runs feed_stmt
 * with the viewer's id, args, before and limit + 1, and sends
 * {"items", "limit", "next_before"}. */
int pamps_send_feed(pamps_req *req, int feed_stmt, int nargs, const char *const *args);

#endif
