/* httpd's own error responses inside the API's location, in the API's
 * JSON shape. Core and the HTTP filters answer some requests before or
 * beside the handler: a bad chunk size or a body over LimitRequestBody
 * (HTTP_IN), a bad %-escape in the path, a header field over
 * LimitRequestFieldSize, TRACE refused by TraceEnable Off. Each goes out
 * through ap_send_error_response, which runs the insert_error_filter hook
 * first; the filter added there swaps httpd's HTML page for
 * {"detail": "..."}.
 *
 * What httpd answers before it has a path stays HTML: a request line over
 * LimitRequestLine (414) or one it cannot parse (400). */
#include <string.h>

#include "apr_strings.h"
#include "http_core.h"
#include "http_protocol.h"
#include "http_request.h"
#include "util_filter.h"

#include "pamps_errors.h"
#include "pamps_location.h"

#define FILTER_NAME "PAMPS_JSON_ERROR"

/* Whether r's path lies where the API answers. */
static int in_api(request_rec *r)
{
    if (r->handler) {
        return strcmp(r->handler, PAMPS_HANDLER) == 0;
    }
    return pamps_location_sets_handler(r) || pamps_location_is_api(r);
}

/* {"detail": ...}: the reason phrase of the status, except where the API
 * words the same error itself. httpd's phrases need no JSON escaping. */
static const char *error_body(request_rec *r)
{
    const char *line = ap_get_status_line(r->status);
    const char *detail = strchr(line, ' ') ? strchr(line, ' ') + 1 : line;

    if (r->status == HTTP_REQUEST_ENTITY_TOO_LARGE) {
        detail = "Request body too large";     /* as pamps_read_body says it */
    }
    return apr_psprintf(r->pool, "{\"detail\":\"%s\"}", detail);
}

/* Drops httpd's page as it comes and puts the JSON body before the EOS. */
static apr_status_t json_error_filter(ap_filter_t *f, apr_bucket_brigade *bb)
{
    request_rec *r = f->r;
    apr_bucket *e = APR_BRIGADE_FIRST(bb);

    ap_set_content_type(r, "application/json");
    while (e != APR_BRIGADE_SENTINEL(bb)) {
        apr_bucket *next = APR_BUCKET_NEXT(e);

        if (APR_BUCKET_IS_EOS(e)) {
            const char *body = error_body(r);

            APR_BUCKET_INSERT_BEFORE(e, apr_bucket_pool_create(body, strlen(body), r->pool,
                                                               f->c->bucket_alloc));
            ap_remove_output_filter(f);
            return ap_pass_brigade(f->next, bb);
        }
        apr_bucket_delete(e);
        e = next;
    }
    return APR_SUCCESS;
}

static void insert_error_filter(request_rec *r)
{
    if (ap_is_HTTP_ERROR(r->status) && in_api(r)) {
        ap_add_output_filter(FILTER_NAME, NULL, r, r->connection);
    }
}

void pamps_errors_register_hooks(apr_pool_t *p)
{
    (void)p;
    ap_register_output_filter(FILTER_NAME, json_error_filter, NULL, AP_FTYPE_RESOURCE);
    ap_hook_insert_error_filter(insert_error_filter, NULL, NULL, APR_HOOK_MIDDLE);
}
