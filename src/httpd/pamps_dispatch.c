/* The content handler: route, then the checks API.md orders before the
 * resource handler (auth, body, admin), then the handler itself. */
#include <string.h>

#include "apr_strings.h"
#include "http_protocol.h"
#include "http_request.h"

#include "pamps_cors.h"
#include "pamps_dispatch.h"
#include "pamps_extras.h"
#include "pamps_http.h"
#include "pamps_request.h"

/* DONE once the response is written, as every step below says it */
static int answer(pamps_req *req)
{
    request_rec *r = req->r;
    unsigned flags;

    if (req->route_result == PAMPS_ROUTE_NOT_FOUND) {
        return pamps_send_error(req, HTTP_NOT_FOUND, "Not Found");
    }
    if (req->route_result == PAMPS_ROUTE_BAD_METHOD) {
        apr_table_setn(r->headers_out, "Allow", apr_pstrdup(r->pool, req->match.allow));
        return pamps_send_error(req, HTTP_METHOD_NOT_ALLOWED, "Method Not Allowed");
    }
    if (req->route_result == PAMPS_ROUTE_OPTIONS) {
        return pamps_cors_options(req);
    }
    flags = req->match.route->flags;
    if (!(flags & PAMPS_ROUTE_PUBLIC) && !req->user) {
        /* the authn hook did not run: fail closed */
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, PAMPS_LOGNO(201)
                      "protected route %s reached without authentication:"
                      " the <Location> needs 'AuthType Bearer' and"
                      " 'Require pamps-token'", r->uri);
        return pamps_send_401(r, "Not authenticated", 0);
    }
    if (pamps_read_query(req) != OK) {
        return DONE;
    }
    if (flags & (PAMPS_ROUTE_JSON_BODY | PAMPS_ROUTE_FORM_BODY)) {
        int rc = pamps_read_body(req, (flags & PAMPS_ROUTE_FORM_BODY) != 0);

        if (rc != OK) {
            return rc;
        }
    }
    if ((flags & PAMPS_ROUTE_ADMIN) && !req->user->is_admin) {
        return pamps_send_error(req, HTTP_FORBIDDEN, "Admin privileges required");
    }
    if (pamps_extras_if_match(req) != OK || pamps_extras_idempotency(req) != OK) {
        return DONE;
    }
    return req->match.route->handler(req);
}

int pamps_dispatch(request_rec *r)
{
    int rc;

    if (!r->handler || strcmp(r->handler, PAMPS_HANDLER) != 0) {
        return DECLINED;
    }
    rc = answer(pamps_request(r));
    /* handlers say DONE for "answered"; to httpd a handler that answered
     * returns OK */
    return rc == DONE ? OK : rc;
}
