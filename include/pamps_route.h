/* The route row and its matcher: pure C. Each resource's rows live next to
 * its handlers (src/api/h_*.c); a row carries all the OpenAPI document says
 * of the operation, so the document is made from the rows alone. */
#ifndef PAMPS_ROUTE_H
#define PAMPS_ROUTE_H

#include <stddef.h>

#include "pamps_json.h"

#define PAMPS_ROUTE_PUBLIC    0x01 /* no bearer token needed */
#define PAMPS_ROUTE_JSON_BODY 0x02 /* reads a JSON object body */
#define PAMPS_ROUTE_FORM_BODY 0x04 /* ... or an x-www-form-urlencoded one */
#define PAMPS_ROUTE_ADMIN     0x08 /* admin role checked after the body */
#define PAMPS_ROUTE_IF_MATCH  0x10 /* If-Match compared with the GET of the path
                                    * under .lock (412) */
#define PAMPS_ROUTE_IDEMPOTENT 0x20 /* Idempotency-Key: the first response replayed */
#define PAMPS_ROUTE_NO_DB     0x40 /* answers without the database: never 503 */
/* derived by pamps_route_derive, never written in a row: */
#define PAMPS_ROUTE_ETAG      0x80  /* its 200 carries an ETag (pamps_route_etag) */

#define PAMPS_ROUTE_MAX_PARAMS 3
#define PAMPS_ROUTE_MAX_PATH   2048

/* The request record of the httpd layer: the core only hands it on. */
struct pamps_req;
typedef int (*pamps_handler)(struct pamps_req *req);

/* A JSON object body: the fields the handler reads by, and the name of its
 * schema in the document. */
typedef struct {
    const char *name;
    const pamps_field_spec *fields;
    size_t nfields;
} pamps_body;
#define PAMPS_BODY(name, fields) { name, fields, sizeof(fields) / sizeof((fields)[0]) }

#define PAMPS_ROUTE_MAX_ERRORS 4

typedef struct pamps_route {
    const char *method;
    const char *pattern;   /* "/tasks/{id}": {id} is a positive int64, {x} any segment */
    unsigned flags;
    pamps_handler handler;
    const void *data;      /* handed to the handler: what one handler serves */
    /* with PAMPS_ROUTE_IF_MATCH: the statement (pamps_sql.h) that locks the
     * row, given the path's first parameter (or the caller's id) */
    int lock;

    /* what the document says of the operation */
    const char *tag;
    const char *operation_id;   /* camelCase, unique: generated clients' method names */
    const char *summary;
    const char *description;    /* a sentence more, or NULL */
    const char *query;          /* query parameters, space separated: "limit offset q" */
    const pamps_body *body;     /* read with PAMPS_ROUTE_JSON_BODY */
    int status;                 /* on success */
    const char *response;       /* the success body's schema, or a media type such as
                                 * "text/html" (with a '/'), or NULL for none */
    /* statuses beyond those pamps_route_statuses derives from the flags,
     * the pattern, the body and the query: the handler's own (a 409 for a
     * taken name, a 429, a 304 of If-Modified-Since); 0 ends the list */
    int errors[PAMPS_ROUTE_MAX_ERRORS];
    const char *errors_response; /* the schema of those statuses' bodies when
                                  * not Error (health's 503: Health) */
} pamps_route;

typedef enum {
    PAMPS_ROUTE_FOUND,
    PAMPS_ROUTE_NOT_FOUND,
    PAMPS_ROUTE_BAD_METHOD,
    PAMPS_ROUTE_OPTIONS        /* OPTIONS on a known path: allow lists its methods */
} pamps_route_result;

typedef struct {
    const pamps_route *route;
    int nparams;
    char params[PAMPS_ROUTE_MAX_PARAMS][256];
    char allow[80];        /* "GET, HEAD, PATCH, DELETE, OPTIONS" on BAD_METHOD
                            * and OPTIONS */
} pamps_route_match_t;

/* Matches method and path (relative to the mount point, trailing slash
 * ignored) against the table. HEAD matches GET routes; OPTIONS matches no
 * route but lists the path's methods. Literal segments beat parameters
 * ("/users/me" before "/users/{username}"). */
pamps_route_result pamps_route_find(const pamps_route *table, size_t n,
                                    const char *method, const char *path,
                                    pamps_route_match_t *m);

/* 1 when the route's 200 carries the ETag of its path's representation: a
 * JSON answer to GET, or to a PATCH answering what the GET of its path
 * does (the same schema). Not a PUT: RFC 9110 9.3.4 forbids a validator
 * unless the body sent is stored as it came, and every resource adds an
 * id and timestamps to it. */
int pamps_route_etag(const pamps_route *table, size_t n, const pamps_route *route);

#define PAMPS_ROUTE_MAX_STATUSES 16

/* Every status the operation answers, ascending, from the facts the
 * dispatcher acts on (pamps_dispatch.c, pamps_http.c, pamps_extras.c):
 * its success; 304 for a GET that sends an ETag; 400 for any (over
 * PAMPS_FORM_MAX_FIELDS query parameters; a body that is not a JSON
 * object); 401 unless PUBLIC; 403 with ADMIN; 404 with a path parameter;
 * 409 with IDEMPOTENT (the key's first request still running); 412 with
 * IF_MATCH; 408 (a body too slow for mod_reqtimeout), 413 and 415 with a
 * body; 422 with a body, a query or IDEMPOTENT (the key); 503 unless
 * NO_DB; and the row's own .errors. Returns how many. Not listed: the
 * path's 405 and OPTIONS; the 500 of a bug or of memory running out; the
 * 404 of a request racing the deletion of its caller's own account. */
size_t pamps_route_statuses(const pamps_route *route, int out[PAMPS_ROUTE_MAX_STATUSES]);

/* Sets the derived flags (PAMPS_ROUTE_ETAG) of a joined table. */
void pamps_route_derive(pamps_route *table, size_t n);

#endif
