/* The OpenAPI 3 document of the API, derived from the routing table. */
#ifndef PAMPS_OPENAPI_H
#define PAMPS_OPENAPI_H

#include <jansson.h>

#include "pamps_route.h"

/* A new document (the caller owns it) for the routes, served at server_url
 * (the mount point, e.g. "/api/v1"). */
json_t *pamps_openapi_document(const pamps_route *routes, size_t n, const char *version,
                               const char *server_url);

#endif
