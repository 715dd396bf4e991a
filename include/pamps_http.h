/* Bodies in (bucket brigades, size-capped) and JSON responses out
 * (src/httpd/pamps_http.c). */
#ifndef PAMPS_HTTP_H
#define PAMPS_HTTP_H

#include "pamps.h"
#include "pamps_json.h"
#include "pamps_views.h"

/* Sets req->body to the request's JSON object (or form fields) and returns
 * OK, or sends the 413/415/400 and returns DONE. */
int pamps_read_body(pamps_req *req, int accept_form);
/* Reads the body's fields (values[i] for body->fields[i]): OK, or DONE
 * when a 422 has been sent. */
int pamps_read_fields(pamps_req *req, const pamps_body *body, pamps_field_value *values);

/* Each sends a whole response and returns DONE: "the response is written",
 * which the dispatcher turns into httpd's OK. */
int pamps_send_json(pamps_req *req, int status, json_t *doc);
int pamps_send_error(pamps_req *req, int status, const char *detail);
int pamps_send_422(pamps_req *req, json_t *errors);
int pamps_send_no_content(pamps_req *req);
/* a JSON text as it was first sent (a replayed or a kept response) */
int pamps_send_stored(pamps_req *req, int status, const char *text);
/* view(row) as the response */
int pamps_send_view(pamps_req *req, int status, pamps_row_view view, const pamps_row *row);
/* the text w holds (pamps_jw_finish'ed here) */
int pamps_send_written(pamps_req *req, int status, pamps_jw *w);
/* 201 with view(row) and Location: the mount point + path_fmt's path */
int pamps_send_created(pamps_req *req, pamps_row_view view, const pamps_row *row,
                       const char *path_fmt, ...);
int pamps_send_401(request_rec *r, const char *detail, int token_sent);

/* Every response passes the hook before it is written (the HTTP extras,
 * set by the module's wiring): DONE when it is kept rather than sent; it
 * may change the status and the text (malloc'd, or NULL for none). */
typedef int (*pamps_respond_hook)(pamps_req *req, int *status, char **text);
void pamps_http_on_respond(pamps_respond_hook hook);

/* where the API answers, without a trailing slash ("" at the root) */
const char *pamps_mount(request_rec *r, const pamps_dir_conf *dconf);
const char *pamps_path_in_api(request_rec *r, const pamps_dir_conf *dconf);
const char *pamps_client_address(request_rec *r);
/* Reads the query string once; OK, or DONE after a 400 (too many fields). */
int pamps_read_query(pamps_req *req);
/* Its fields (empty when pamps_read_query refused them). */
apr_table_t *pamps_query_args(pamps_req *req);
const char *pamps_now_text(apr_pool_t *p);
const char *pamps_time_text(apr_pool_t *p, long long epoch);

#endif
