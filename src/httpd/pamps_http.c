/* Request bodies in (bucket brigades, size-capped) and JSON responses out. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "apr_strings.h"
#include "http_core.h"
#include "http_protocol.h"
#include "http_request.h"
#include "util_script.h"

#include "pamps_config.h"
#include "pamps_etag.h"
#include "pamps_form.h"
#include "pamps_http.h"
#include "pamps_json_text.h"
#include "pamps_location.h"
#include "pamps_time.h"

/* After the headers of a 200 are set: sets the ETag of a route that
 * carries one (PAMPS_ROUTE_ETAG); 1 when a GET's If-None-Match names it
 * (the response is then a bodiless 304). */
static int not_modified(pamps_req *req, int status, const char *text, size_t len)
{
    request_rec *r = req->r;
    const char *want;
    char *tag;

    if (status != HTTP_OK || !req->match.route
        || !(req->match.route->flags & PAMPS_ROUTE_ETAG)) {
        return 0;
    }
    tag = apr_palloc(r->pool, PAMPS_ETAG_LEN);
    pamps_etag_of(text, len, tag);
    apr_table_setn(r->headers_out, "ETag", tag);
    if (r->method_number != M_GET) {
        /* a PATCH's body is its path's new representation, which the tag
         * names (RFC 9110 8.8.3; Content-Location says whose, 6.4.2) */
        apr_table_setn(r->headers_out, "Content-Location", ap_escape_uri(r->pool, r->uri));
        return 0;
    }
    want = apr_table_get(r->headers_in, "If-None-Match");
    if (want && pamps_etag_matches(want, tag, 1)) {
        r->status = HTTP_NOT_MODIFIED;
        return 1;
    }
    return 0;
}

/* httpd holds a response under 4 KB back until it has looked for a
 * pipelined request; the client has sent none by then, so the connection
 * goes back to the listener and the next request waits for a thread to be
 * woken. Flushed, the response is written at once, as httpd writes larger
 * ones, and the worker often finds the client's next request already there
 * (a 3.2 KB page, one connection, one request at a time: 5,900 -> 9,600
 * req/s). A response this small fits an idle socket's send buffer, so the
 * flush does not hold a worker on a slow client; larger ones go out as
 * httpd writes them. */
#define PAMPS_FLUSH_BELOW 8192

/* Ends the response: the body (malloc'd, or NULL for none; the bucket
 * frees it), the EOS and, for a small response, a flush. The flush goes
 * to the connection after the EOS: the header filter of a bodiless
 * response (304, HEAD) passes nothing but the headers and the EOS. */
static void pass_response(request_rec *r, char *text, apr_size_t len)
{
    apr_bucket_alloc_t *ba = r->connection->bucket_alloc;
    apr_bucket_brigade *bb = apr_brigade_create(r->pool, ba);

    if (text) {
        APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_heap_create(text, len, free, ba));
    }
    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_eos_create(ba));
    /* nothing to flush for a client gone, nor for a subrequest */
    if (ap_pass_brigade(r->output_filters, bb) != APR_SUCCESS || r->main
        || len >= PAMPS_FLUSH_BELOW) {
        return;
    }
    apr_brigade_cleanup(bb);
    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_flush_create(ba));
    (void)ap_pass_brigade(r->connection->output_filters, bb);
}

static pamps_respond_hook respond_hook;

void pamps_http_on_respond(pamps_respond_hook hook)
{
    respond_hook = hook;
}

/* Writes a JSON text (malloc'd; freed here) as the response, past the
 * HTTP extras: kept for If-Match's look, stored for an Idempotency-Key,
 * tagged and perhaps 304 for a GET. */
static int write_text(request_rec *r, int status, char *text)
{
    pamps_req *req = ap_get_module_config(r->request_config, &pamps_module);
    apr_size_t len;

    if (!text) {
        text = strdup("{\"detail\":\"Internal Server Error\"}");
        status = HTTP_INTERNAL_SERVER_ERROR;
    }
    if (req && respond_hook && respond_hook(req, &status, &text) == DONE) {
        free(text);
        return DONE;
    }
    len = strlen(text);
    r->status = status;
    ap_set_content_type(r, "application/json");
    if (req && not_modified(req, status, text, len)) {
        free(text);
        pass_response(r, NULL, 0);
        return DONE;
    }
    ap_set_content_length(r, (apr_off_t)len);
    if (r->header_only) {
        free(text);
        text = NULL;
    }
    pass_response(r, text, len);
    return DONE;
}

static int write_json(request_rec *r, int status, json_t *doc)
{
    char *text = json_dumps(doc, JSON_COMPACT);

    json_decref(doc);
    return write_text(r, status, text);
}

int pamps_send_stored(pamps_req *req, int status, const char *text)
{
    return write_text(req->r, status, strdup(text));
}

int pamps_send_json(pamps_req *req, int status, json_t *doc)
{
    return write_json(req->r, status, doc);
}

int pamps_send_written(pamps_req *req, int status, pamps_jw *w)
{
    return write_text(req->r, status, pamps_jw_finish(w));
}

int pamps_send_view(pamps_req *req, int status, pamps_row_view view, const pamps_row *row)
{
    pamps_jw w;

    pamps_jw_init(&w);
    view(&w, row);
    return pamps_send_written(req, status, &w);
}

int pamps_send_error(pamps_req *req, int status, const char *detail)
{
    return write_json(req->r, status, json_pack("{s:s}", "detail", detail));
}

int pamps_send_422(pamps_req *req, json_t *errors)
{
    return write_json(req->r, HTTP_UNPROCESSABLE_ENTITY,
                      json_pack("{s:o}", "detail", errors));
}

int pamps_send_no_content(pamps_req *req)
{
    int status = HTTP_NO_CONTENT;
    char *text = NULL;

    if (respond_hook && respond_hook(req, &status, &text) == DONE) {
        return DONE;
    }
    req->r->status = status;
    if (text) {                 /* the commit failed: a 503 instead */
        free(text);
        return pamps_send_error(req, status, "Database unavailable");
    }
    pass_response(req->r, NULL, 0);
    return DONE;
}

int pamps_send_created(pamps_req *req, pamps_row_view view, const pamps_row *row,
                       const char *path_fmt, ...)
{
    va_list ap;
    char *path;

    va_start(ap, path_fmt);
    path = apr_pvsprintf(req->r->pool, path_fmt, ap);
    va_end(ap);
    apr_table_setn(req->r->headers_out, "Location",
                   apr_pstrcat(req->r->pool, pamps_mount(req->r, req->dconf), path, NULL));
    return pamps_send_view(req, HTTP_CREATED, view, row);
}

/* Written here rather than returned as a status so the body is JSON, not
 * httpd's HTML error page; the caller returns DONE from its hook. */
int pamps_send_401(request_rec *r, const char *detail, int token_sent)
{
    apr_table_setn(r->err_headers_out, "WWW-Authenticate",
                   token_sent ? "Bearer error=\"invalid_token\"" : "Bearer");
    return write_json(r, HTTP_UNAUTHORIZED, json_pack("{s:s}", "detail", detail));
}

/* The API's mount point: PampsMount, or the <Location> that set
 * "SetHandler pamps" (sections nested in it, with headers or access rules,
 * do not move it), or else the innermost section's path. */
const char *pamps_mount(request_rec *r, const pamps_dir_conf *dconf)
{
    core_dir_config *core = ap_get_core_module_config(r->per_dir_config);
    const char *mount = dconf->mount ? dconf->mount : pamps_location_handler_section(r);
    apr_size_t n;

    if (!mount) {
        mount = (core && core->d) ? core->d : "";
    }
    n = strlen(mount);
    while (n > 0 && mount[n - 1] == '/') {
        n--;                    /* "/api/v1/" answers as "/api/v1" */
    }
    return mount[n] ? apr_pstrmemdup(r->pool, mount, n) : mount;
}

const char *pamps_path_in_api(request_rec *r, const pamps_dir_conf *dconf)
{
    const char *mount = pamps_mount(r, dconf);
    apr_size_t n = strlen(mount);

    if (strncmp(r->uri, mount, n) == 0) {
        return r->uri + n;
    }
    return r->uri;
}

const char *pamps_client_address(request_rec *r)
{
    return r->useragent_ip ? r->useragent_ip : r->connection->client_ip;
}

const char *pamps_time_text(apr_pool_t *p, long long epoch)
{
    char *buf = apr_palloc(p, PAMPS_TIME_LEN);

    pamps_time_format(epoch, buf);
    return buf;
}

const char *pamps_now_text(apr_pool_t *p)
{
    return pamps_time_text(p, (long long)apr_time_sec(apr_time_now()));
}

/* The query string's fields as a table (read once per request); NULL when
 * it holds more than PAMPS_FORM_MAX_FIELDS pairs. */
static apr_table_t *query_fields(pamps_req *req)
{
    request_rec *r = req->r;
    const char *args = r->args ? r->args : "";
    apr_hash_t *fields;

    if (!req->query) {
        fields = pamps_form_parse(r->pool, args, strlen(args), PAMPS_FORM_MAX_FIELDS);
        if (!fields) {
            return NULL;
        }
        req->query = apr_table_make(r->pool, (int)apr_hash_count(fields));
        for (apr_hash_index_t *hi = apr_hash_first(r->pool, fields); hi;
             hi = apr_hash_next(hi)) {
            const void *key;
            void *value;

            apr_hash_this(hi, &key, NULL, &value);
            apr_table_addn(req->query, key, value);  /* keys are distinct */
        }
    }
    return req->query;
}

int pamps_read_query(pamps_req *req)
{
    if (!query_fields(req)) {
        pamps_send_error(req, HTTP_BAD_REQUEST, "Too many query parameters");
        return DONE;
    }
    return OK;
}

apr_table_t *pamps_query_args(pamps_req *req)
{
    apr_table_t *query = query_fields(req);

    /* the dispatcher has answered 400 for a query too large to read */
    return query ? query : apr_table_make(req->r->pool, 1);
}

/* Sends the error for a body that could not be taken (DONE). */
static int body_error(pamps_req *req, int status, const char *detail)
{
    /* the rest of the body is never read: close rather than drain it */
    req->r->connection->keepalive = AP_CONN_CLOSE;
    return pamps_send_error(req, status, detail);
}

static int body_too_large(pamps_req *req)
{
    return body_error(req, HTTP_REQUEST_ENTITY_TOO_LARGE, "Request body too large");
}

/* Reads the whole body through the input filters, refusing more than max.
 * Returns OK, or DONE when an error response has been sent. */
static int read_raw_body(pamps_req *req, char **out, apr_size_t *out_len)
{
    request_rec *r = req->r;
    apr_off_t max = pamps_conf_max_body(req->dconf);
    const char *cl = apr_table_get(r->headers_in, "Content-Length");
    apr_bucket_brigade *bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    apr_bucket_brigade *keep = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    apr_off_t total = 0;
    int seen_eos = 0;

    if (cl && apr_atoi64(cl) > max) {
        return body_too_large(req);
    }
    do {
        apr_status_t rv = ap_get_brigade(r->input_filters, bb, AP_MODE_READBYTES,
                                         APR_BLOCK_READ, HUGE_STRING_LEN);
        if (rv != APR_SUCCESS) {
            int status = ap_map_http_request_error(rv, HTTP_BAD_REQUEST);

            if (status == AP_FILTER_ERROR) {
                /* the input filter has sent its own error response (a bad
                 * chunk, LimitRequestBody): another one, with -102 as its
                 * status, would only corrupt the log */
                r->connection->keepalive = AP_CONN_CLOSE;
                return DONE;
            }
            if (status == HTTP_REQUEST_ENTITY_TOO_LARGE) {
                return body_too_large(req);
            }
            return body_error(req, status, "Could not read the request body");
        }
        while (!APR_BRIGADE_EMPTY(bb)) {
            apr_bucket *b = APR_BRIGADE_FIRST(bb);

            if (APR_BUCKET_IS_EOS(b)) {
                seen_eos = 1;
                apr_bucket_delete(b);
                continue;
            }
            if (!APR_BUCKET_IS_METADATA(b)) {
                const char *data;
                apr_size_t len;

                if (apr_bucket_read(b, &data, &len, APR_BLOCK_READ) != APR_SUCCESS) {
                    return body_error(req, HTTP_BAD_REQUEST,
                                      "Could not read the request body");
                }
                total += len;
                if (total > max) {
                    return body_too_large(req);
                }
            }
            APR_BUCKET_REMOVE(b);
            APR_BRIGADE_INSERT_TAIL(keep, b);
        }
    } while (!seen_eos);

    *out_len = (apr_size_t)total;
    *out = apr_palloc(r->pool, *out_len + 1);
    apr_brigade_flatten(keep, *out, out_len);
    (*out)[*out_len] = '\0';
    apr_brigade_destroy(keep);
    return OK;
}

/* "application/json; charset=utf-8" -> "application/json" */
static const char *media_type(apr_pool_t *p, const char *ctype)
{
    char *t = apr_pstrdup(p, ctype), *semi = strchr(t, ';');

    if (semi) {
        *semi = '\0';
    }
    apr_collapse_spaces(t, t);
    ap_str_tolower(t);
    return t;
}

static apr_status_t release_json(void *doc)
{
    json_decref(doc);
    return APR_SUCCESS;
}

static int read_body(pamps_req *req, int accept_form);

/* Sets req->body to the request's JSON object (or form fields) and returns
 * OK, or sends the 413/415/400 and returns DONE. */
int pamps_read_body(pamps_req *req, int accept_form)
{
    int rc = read_body(req, accept_form);

    if (req->body) {
        apr_pool_cleanup_register(req->r->pool, req->body, release_json,
                                  apr_pool_cleanup_null);
    }
    return rc;
}

/* Form fields as the JSON object handlers read; a value that is not UTF-8
 * is left out, and so reported missing. */
static int read_form(pamps_req *req, const char *raw, apr_size_t len)
{
    apr_hash_t *fields = pamps_form_parse(req->r->pool, raw, len, PAMPS_FORM_MAX_FIELDS);

    if (!fields) {
        pamps_send_error(req, HTTP_BAD_REQUEST, "Request body has too many form fields");
        return DONE;
    }
    req->body = json_object();
    for (apr_hash_index_t *hi = apr_hash_first(req->r->pool, fields); hi;
         hi = apr_hash_next(hi)) {
        const void *key;
        void *value;

        apr_hash_this(hi, &key, NULL, &value);
        json_object_set_new(req->body, key, json_string(value));
    }
    return OK;
}

static int read_body(pamps_req *req, int accept_form)
{
    request_rec *r = req->r;
    const char *ctype = apr_table_get(r->headers_in, "Content-Type"), *type;
    char *raw = NULL;
    apr_size_t len = 0;
    int rc;

    if ((rc = read_raw_body(req, &raw, &len)) != OK) {
        return rc;
    }
    type = ctype ? media_type(r->pool, ctype) : "application/json";
    if (accept_form && strcmp(type, "application/x-www-form-urlencoded") == 0) {
        return read_form(req, raw, len);
    }
    if (strcmp(type, "application/json") != 0
        && !(strlen(type) > 5 && strcmp(type + strlen(type) - 5, "+json") == 0)) {
        return pamps_send_error(req, HTTP_UNSUPPORTED_MEDIA_TYPE, accept_form
            ? "Unsupported media type: send application/json or application/x-www-form-urlencoded"
            : "Unsupported media type: send application/json");
    }
    if (len == 0) {
        req->body = json_object();      /* fields are then reported missing */
        return OK;
    }
    req->body = pamps_json_parse(r->pool, raw, len);
    if (!req->body) {
        return pamps_send_error(req, HTTP_BAD_REQUEST, "Request body is not valid JSON");
    }
    if (!json_is_object(req->body)) {
        return pamps_send_error(req, HTTP_BAD_REQUEST, "Request body must be a JSON object");
    }
    return OK;
}

int pamps_read_fields(pamps_req *req, const pamps_body *body, pamps_field_value *values)
{
    json_t *errors = json_array();

    if (pamps_json_read_fields(req->r->pool, req->body, body->fields, body->nfields, values,
                               errors)) {
        return pamps_send_422(req, errors);
    }
    json_decref(errors);
    return OK;
}
