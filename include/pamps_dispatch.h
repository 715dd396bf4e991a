/* The content handler (src/httpd/pamps_dispatch.c): the route's 404/405,
 * then the checks API.md orders before the resource handler (auth, body,
 * admin), then the handler. */
#ifndef PAMPS_DISPATCH_H
#define PAMPS_DISPATCH_H

#include "pamps.h"

int pamps_dispatch(request_rec *r);

#endif
