/* API.md "HTTP extras": entity tags, If-Match against lost updates, and
 * Idempotency-Key.
 *
 * The tag is a hash of the body sent, so it changes with every change of
 * the representation. If-Match compares it atomically with the write: a
 * transaction first locks the row (a write that changes nothing:
 * PostgreSQL's row lock, SQLite's write lock), then the GET handler of the
 * same path is run with its response kept rather than sent, and its tag
 * compared; the write then runs in the same transaction, which its
 * response commits. A version column would not do: a post's or a
 * profile's representation changes with rows of other tables (the author,
 * counts). */
#include <stdlib.h>
#include <string.h>

#include "apr_strings.h"
#include "http_protocol.h"

#include "pamps_db.h"
#include "pamps_etag.h"
#include "pamps_extras.h"
#include "pamps_http.h"
#include "pamps_request.h"
#include "pamps_time.h"

#define IDEM_TTL (24 * 3600)
#define IDEM_KEY_MAX 255

/* Runs the GET of the request's path with its response kept: OK with
 * req->captured_status and req->captured_body set. */
static void look(pamps_req *req)
{
    size_t n;
    const pamps_route *table = pamps_request_routes(&n);
    pamps_route_match_t saved = req->match, m;

    if (pamps_route_find(table, n, "GET", pamps_path_in_api(req->r, req->dconf), &m)
        != PAMPS_ROUTE_FOUND) {
        req->captured_status = HTTP_NOT_FOUND;        /* no row is without its GET */
        req->captured_body = "{\"detail\":\"Not Found\"}";
        return;
    }
    req->match = m;
    req->capture = 1;
    m.route->handler(req);
    req->capture = 0;
    req->match = saved;
}

int pamps_extras_if_match(pamps_req *req)
{
    const pamps_route *route = req->match.route;
    const char *want = apr_table_get(req->r->headers_in, "If-Match");
    const char *key;
    char tag[PAMPS_ETAG_LEN];
    pamps_db_status st;
    int affected;

    if (!want || !(route->flags & PAMPS_ROUTE_IF_MATCH)) {
        return OK;
    }
    key = req->match.nparams ? req->match.params[0] : req->user->id_text;
    if ((st = pamps_db_begin(req)) != PAMPS_DB_OK
        || (st = pamps_db_exec(req, route->lock, &affected, PAMPS_ARGS(key))) != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    req->guard_txn = 1;
    look(req);
    if (req->captured_status != HTTP_OK) {
        req->guard_txn = 0;
        pamps_db_rollback(req);
        return pamps_send_stored(req, req->captured_status, req->captured_body);
    }
    pamps_etag_of(req->captured_body, strlen(req->captured_body), tag);
    if (!pamps_etag_matches(want, tag, 0)) {
        req->guard_txn = 0;
        pamps_db_rollback(req);
        return pamps_send_error(req, HTTP_PRECONDITION_FAILED, "Precondition Failed");
    }
    return OK;
}

/* Ends If-Match's transaction with the response: kept on success. */
static void end_guard(pamps_req *req, int *status, char **text)
{
    req->guard_txn = 0;
    if (!req->txn) {
        return;                 /* the handler rolled back */
    }
    if (*status >= 400) {
        pamps_db_rollback(req);
        return;
    }
    if (pamps_db_commit(req) != PAMPS_DB_OK) {
        *status = HTTP_SERVICE_UNAVAILABLE;
        free(*text);
        *text = strdup("{\"detail\":\"Database unavailable\"}");
    }
}

/* Stores the first response of an Idempotency-Key; a server error is
 * forgotten, so that a retry runs again. */
static void store_response(pamps_req *req, int status, const char *text)
{
    const char *id = req->idem_id, *location;
    int affected;

    req->idem_id = NULL;
    if (status >= 500) {
        pamps_db_exec(req, PAMPS_SQL_IDEM_FORGET, &affected, PAMPS_ARGS(id));
        return;
    }
    location = apr_table_get(req->r->headers_out, "Location");
    if (pamps_db_exec(req, PAMPS_SQL_IDEM_DONE, &affected,
                      PAMPS_ARGS(apr_itoa(req->r->pool, status), text ? text : "",
                                 location ? location : "", id)) != PAMPS_DB_OK) {
        /* the response goes out; a retry meanwhile is told 409 */
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, req->r, PAMPS_LOGNO(701)
                      "could not store the response of an Idempotency-Key");
    }
}

int pamps_extras_respond(pamps_req *req, int *status, char **text)
{
    if (req->capture) {
        req->captured_status = *status;
        req->captured_body = apr_pstrdup(req->r->pool, *text ? *text : "");
        return DONE;
    }
    if (req->guard_txn) {
        end_guard(req, status, text);
    }
    if (req->idem_id) {
        store_response(req, *status, *text);
    }
    return OK;
}

/* 1..255 printable ASCII characters */
static int key_valid(const char *key)
{
    size_t n = strlen(key);

    if (n < 1 || n > IDEM_KEY_MAX) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (key[i] < 0x20 || key[i] > 0x7e) {
            return 0;
        }
    }
    return 1;
}

/* What tells a retry from another request: method, path and body. */
static const char *request_hash(pamps_req *req)
{
    char *body = req->body ? json_dumps(req->body, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    const char *text = apr_pstrcat(req->r->pool, req->r->method, " ", req->r->uri, "\n",
                                   body ? body : "", NULL);
    char *hex = apr_palloc(req->r->pool, 17);

    free(body);
    pamps_hash_hex(text, strlen(text), hex);
    return hex;
}

/* The stored response of the key, or the reason there is none to give. */
static int replay(pamps_req *req, const char *scope, const char *key, const char *hash)
{
    pamps_rows rows;
    const char *const *col;
    pamps_db_status st = pamps_db_select(req, PAMPS_SQL_IDEM_GET, &rows, PAMPS_ARGS(scope, key));

    if (st != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    if (rows.nrows != 1) {      /* purged between the two statements */
        return pamps_send_error(req, HTTP_CONFLICT, "Request with this Idempotency-Key"
                                " is in progress");
    }
    col = rows.rows[0].col;
    if (strcmp(col[PAMPS_COL_IDEM_REQUEST_HASH], hash) != 0) {
        return pamps_send_error(req, HTTP_UNPROCESSABLE_ENTITY,
                                "Idempotency-Key reused with a different request");
    }
    if (strcmp(col[PAMPS_COL_IDEM_STATE], "done") != 0) {
        return pamps_send_error(req, HTTP_CONFLICT, "Request with this Idempotency-Key"
                                " is in progress");
    }
    if (col[PAMPS_COL_IDEM_LOCATION] && *col[PAMPS_COL_IDEM_LOCATION]) {
        apr_table_setn(req->r->headers_out, "Location", col[PAMPS_COL_IDEM_LOCATION]);
    }
    apr_table_setn(req->r->headers_out, "Idempotent-Replayed", "true");
    return pamps_send_stored(req, atoi(col[PAMPS_COL_IDEM_STATUS]), col[PAMPS_COL_IDEM_BODY]);
}

/* A retry of a request still 'running' after httpd's Timeout takes the
 * row over (rows: its id, or none): the first request is taken for dead,
 * its child killed or crashed before the response was stored. Else the
 * retry would meet 409 until the row's 24 h are out. */
static pamps_db_status take_over(pamps_req *req, const char *scope, const char *key,
                                 const char *hash, long long now, pamps_rows *rows)
{
    apr_pool_t *p = req->r->pool;
    long long timeout = (long long)apr_time_sec(req->r->server->timeout);

    return pamps_db_select(req, PAMPS_SQL_IDEM_TAKE_OVER, rows,
                           PAMPS_ARGS(pamps_time_text(p, now), scope, key, hash,
                                      pamps_time_text(p, now - timeout)));
}

int pamps_extras_idempotency(pamps_req *req)
{
    request_rec *r = req->r;
    const char *key = apr_table_get(r->headers_in, "Idempotency-Key"), *scope, *hash;
    long long now = (long long)apr_time_sec(apr_time_now());
    pamps_rows rows;
    pamps_db_status st;
    int affected;

    if (!key || !(req->match.route->flags & PAMPS_ROUTE_IDEMPOTENT)) {
        return OK;
    }
    if (!key_valid(key)) {
        json_t *errors = json_array();

        pamps_json_add_error(errors, "header", "Idempotency-Key", "value_error",
                             "Idempotency-Key must be 1 to 255 printable ASCII characters");
        return pamps_send_422(req, errors);
    }
    scope = req->user ? apr_pstrcat(r->pool, "u:", req->user->id_text, NULL)
                      : apr_pstrcat(r->pool, "a:", pamps_client_address(r), NULL);
    hash = request_hash(req);
    if ((st = pamps_db_exec(req, PAMPS_SQL_IDEM_PURGE, &affected,
                            PAMPS_ARGS(pamps_time_text(r->pool, now - IDEM_TTL)))) != PAMPS_DB_OK
        || (st = pamps_db_select(req, PAMPS_SQL_IDEM_INSERT, &rows,
                                 PAMPS_ARGS(scope, key, hash, pamps_time_text(r->pool, now))))
           != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    if (rows.nrows == 0) {
        if ((st = take_over(req, scope, key, hash, now, &rows)) != PAMPS_DB_OK) {
            return pamps_db_fail(req, st);
        }
        if (rows.nrows == 0) {
            return replay(req, scope, key, hash);
        }
        ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r, PAMPS_LOGNO(702)
                      "Idempotency-Key: the first request never finished; its retry runs");
    }
    req->idem_id = rows.rows[0].col[PAMPS_COL_VALUE];
    return OK;
}
