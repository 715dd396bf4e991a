/* Startup checks that only the whole configuration can answer
 * (src/httpd/pamps_startup.c): run by the check_config hook, so that
 * `apache2 -t` refuses what could only fail at request time. */
#ifndef PAMPS_STARTUP_H
#define PAMPS_STARTUP_H

#include "pamps.h"

/* OK, or logs why (naming the file, the user, the reason) and returns
 * HTTP_INTERNAL_SERVER_ERROR. */
int pamps_startup_check(apr_pool_t *ptemp, server_rec *s);

#endif
