/* The routing table matcher: pure C, the table itself lives in pamps_routes.c. */
#ifndef PAMPS_ROUTE_H
#define PAMPS_ROUTE_H

#include <stddef.h>

#define PAMPS_ROUTE_PUBLIC    0x01 /* no bearer token needed */
#define PAMPS_ROUTE_JSON_BODY 0x02 /* reads a JSON object body */
#define PAMPS_ROUTE_FORM_BODY 0x04 /* ... or an x-www-form-urlencoded one */
#define PAMPS_ROUTE_ADMIN     0x08 /* admin role checked after the body */

#define PAMPS_ROUTE_MAX_PARAMS 3
#define PAMPS_ROUTE_MAX_PATH   2048

typedef struct pamps_route {
    const char *method;
    const char *pattern;   /* "/tasks/{id}": {id} is a positive int64, {x} any segment */
    unsigned flags;
    const void *handler;   /* opaque here */
    const void *data;      /* handed to the handler: what one handler serves */
} pamps_route;

typedef enum {
    PAMPS_ROUTE_FOUND,
    PAMPS_ROUTE_NOT_FOUND,
    PAMPS_ROUTE_BAD_METHOD
} pamps_route_result;

typedef struct {
    const pamps_route *route;
    int nparams;
    char params[PAMPS_ROUTE_MAX_PARAMS][256];
    char allow[64];        /* "GET, PATCH, DELETE" on BAD_METHOD */
} pamps_route_match_t;

/* Matches method and path (relative to the mount point, trailing slash
 * ignored) against the table. HEAD matches GET routes. Literal segments beat
 * parameters ("/users/me" before "/users/{username}"). */
pamps_route_result pamps_route_find(const pamps_route *table, size_t n,
                                    const char *method, const char *path,
                                    pamps_route_match_t *m);

#endif
