/* The OpenAPI 3.1 document of the API, made from the route rows. */
#ifndef PAMPS_OPENAPI_H
#define PAMPS_OPENAPI_H

#include <jansson.h>

#include "pamps_route.h"

/* A new document (the caller owns it) for the routes, served at server_url
 * (the mount point, e.g. "/api/v1"), whose pages hold page_default items
 * unless asked for up to page_max (the request's PampsPageSize). */
json_t *pamps_openapi_document(const pamps_route *routes, size_t n, const char *version,
                               const char *server_url, int page_default, int page_max);

#endif
