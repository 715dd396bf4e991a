/* CORS (API.md "HTTP extras"). The headers go into r->err_headers_out from
 * the header_parser hook, which runs after the <Location> walk and before
 * authentication, and again when httpd sends an error page itself: so
 * every response of the API carries them, the 401 the authn hook writes
 * included, and a browser
 * app sees the real status (a 401 that should start its token refresh)
 * instead of a CORS failure. A preflight is OPTIONS, which no route
 * serves: the authz provider grants it like any request without a route,
 * and the dispatcher answers it here. An origin that is not listed gets
 * no Access-Control-* header, which the browser takes as a refusal. */
#include <string.h>

#include "apr_strings.h"
#include "http_protocol.h"
#include "http_request.h"

#include "pamps_config.h"
#include "pamps_cors.h"
#include "pamps_http.h"
#include "pamps_location.h"

/* what a client reads of the API's answers besides the CORS-safelisted
 * headers: the token refresh needs WWW-Authenticate's error */
#define EXPOSED "ETag, Location, Content-Location, Retry-After, Idempotent-Replayed, " \
                "WWW-Authenticate"

/* The value of Access-Control-Allow-Origin for r, or NULL. */
static const char *allowed_origin(request_rec *r, const apr_array_header_t *origins)
{
    const char *origin = apr_table_get(r->headers_in, "Origin");

    for (int i = 0; origin && i < origins->nelts; i++) {
        const char *o = APR_ARRAY_IDX(origins, i, const char *);

        if (strcmp(o, "*") == 0) {
            return "*";     /* no credentials: tokens travel in Authorization */
        }
        if (strcmp(o, origin) == 0) {
            return origin;
        }
    }
    return NULL;
}

static void add_headers(request_rec *r)
{
    const pamps_dir_conf *d;
    const char *origin;

    if (!pamps_location_sets_handler(r)) {
        return;
    }
    d = ap_get_module_config(r->per_dir_config, &pamps_module);
    if (!d->cors_origins) {
        return;
    }
    /* the answer depends on Origin unless every origin gets the same */
    if (strcmp(APR_ARRAY_IDX(d->cors_origins, 0, const char *), "*") != 0) {
        const char *vary = apr_table_get(r->err_headers_out, "Vary");

        if (!vary || !ap_find_token(r->pool, vary, "Origin")) {
            apr_table_mergen(r->err_headers_out, "Vary", "Origin");
        }
    }
    origin = allowed_origin(r, d->cors_origins);
    if (origin) {
        apr_table_setn(r->err_headers_out, "Access-Control-Allow-Origin", origin);
        apr_table_setn(r->err_headers_out, "Access-Control-Expose-Headers", EXPOSED);
    }
}

static int header_parser(request_rec *r)
{
    add_headers(r);
    return DECLINED;
}

/* An error httpd sends itself (a body over LimitRequestBody) goes out
 * through ap_send_error_response with the headers set so far dropped:
 * they are set again. */
static void insert_error_filter(request_rec *r)
{
    add_headers(r);
}

int pamps_cors_options(pamps_req *req)
{
    request_rec *r = req->r;
    const char *allow = apr_pstrdup(r->pool, req->match.allow);

    apr_table_setn(r->headers_out, "Allow", allow);
    if (apr_table_get(r->headers_in, "Access-Control-Request-Method")
        && apr_table_get(r->err_headers_out, "Access-Control-Allow-Origin")) {
        apr_table_setn(r->headers_out, "Access-Control-Allow-Methods", allow);
        apr_table_setn(r->headers_out, "Access-Control-Allow-Headers",
                       pamps_conf_cors_headers(req->dconf));
        apr_table_setn(r->headers_out, "Access-Control-Max-Age",
                       apr_itoa(r->pool, pamps_conf_cors_max_age(req->dconf)));
    }
    return pamps_send_no_content(req);
}

void pamps_cors_register_hooks(apr_pool_t *p)
{
    (void)p;
    ap_hook_header_parser(header_parser, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_insert_error_filter(insert_error_filter, NULL, NULL, APR_HOOK_MIDDLE);
}
