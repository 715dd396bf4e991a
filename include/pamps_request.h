/* The per-request record, routed (src/httpd/pamps_request.c). The route
 * table is handed in by the module's wiring (mod_pamps.c), so this layer
 * knows the rows' shape but not the handlers behind them. */
#ifndef PAMPS_REQUEST_H
#define PAMPS_REQUEST_H

#include "pamps.h"

/* Set once, at hook registration. */
void pamps_request_use_routes(const pamps_route *routes, size_t n);
const pamps_route *pamps_request_routes(size_t *n);

/* The request's record, created (and routed) on first use in a request. */
pamps_req *pamps_request(request_rec *r);

#endif
