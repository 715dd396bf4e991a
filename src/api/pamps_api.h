/* The API layer (src/api/): each resource's handlers and, next to them, its
 * route rows; pamps_routes.c gathers the rows into the one table. Private
 * to this folder and to the module's wiring. */
#ifndef PAMPS_API_H
#define PAMPS_API_H

#include "pamps.h"
#include "pamps_config.h"
#include "pamps_db.h"
#include "pamps_http.h"

/* What a row needs before its handler runs (pamps_route.h). */
#define PUBLIC    PAMPS_ROUTE_PUBLIC
#define JSON      PAMPS_ROUTE_JSON_BODY
#define FORM      PAMPS_ROUTE_FORM_BODY
#define ADMIN     PAMPS_ROUTE_ADMIN
#define IF_MATCH  PAMPS_ROUTE_IF_MATCH
#define IDEMPOTENT PAMPS_ROUTE_IDEMPOTENT
#define NO_DB     PAMPS_ROUTE_NO_DB

/* One resource's rows, as its file exports them. */
typedef struct {
    const pamps_route *rows;
    size_t n;
} pamps_route_set;
#define PAMPS_ROUTE_SET(rows) { rows, sizeof(rows) / sizeof((rows)[0]) }

extern const pamps_route_set pamps_health_routes, pamps_docs_routes, pamps_auth_routes,
                             pamps_me_routes, pamps_user_routes, pamps_post_routes,
                             pamps_task_routes, pamps_org_routes;

/* The whole table, made once in p (at hook registration) for the request
 * layer. */
const pamps_route *pamps_api_routes(apr_pool_t *p, size_t *n);

#endif
