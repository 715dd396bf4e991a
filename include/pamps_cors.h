/* CORS: browser apps on the origins PampsCORSOrigins lists may call the API
 * (src/httpd/pamps_cors.c). */
#ifndef PAMPS_CORS_H
#define PAMPS_CORS_H

#include "pamps.h"

/* Answers OPTIONS on a known path (DONE): 204 with Allow, and for a CORS
 * preflight from a listed origin the Access-Control-Allow-* headers. */
int pamps_cors_options(pamps_req *req);

void pamps_cors_register_hooks(apr_pool_t *p);

#endif
