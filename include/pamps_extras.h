/* The HTTP extras of API.md: ETag / If-None-Match, If-Match and
 * Idempotency-Key (src/httpd/pamps_extras.c). */
#ifndef PAMPS_EXTRAS_H
#define PAMPS_EXTRAS_H

#include "pamps.h"

/* Before the handler of a PAMPS_ROUTE_IF_MATCH row: OK when there is no
 * If-Match or it matches the current representation (then a transaction
 * holds the row locked until the response), DONE once the 412 (or the 404
 * or 503 of the look) is sent. */
int pamps_extras_if_match(pamps_req *req);
/* Before the handler of a PAMPS_ROUTE_IDEMPOTENT row: OK when the request
 * is to run (its response will be stored), DONE once the replay, the 409
 * or the 422 is sent. */
int pamps_extras_idempotency(pamps_req *req);
/* Every response passes here before it is written: DONE when it is kept
 * (If-Match's look), OK when it is to be sent. Ends If-Match's transaction
 * (a failed commit makes it a 503: *text is then replaced, malloc'd) and
 * stores the response of an Idempotency-Key. */
int pamps_extras_respond(pamps_req *req, int *status, char **text);
#endif
