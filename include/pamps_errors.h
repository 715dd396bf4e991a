/* httpd's own error responses inside the API's location, in the API's
 * JSON shape (src/httpd/pamps_errors.c). */
#ifndef PAMPS_ERRORS_H
#define PAMPS_ERRORS_H

#include "pamps.h"

void pamps_errors_register_hooks(apr_pool_t *p);

#endif
