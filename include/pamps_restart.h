/* Graceful restarts that start the new children when the first old one
 * exits, not up to a second later (src/httpd/pamps_restart.c). */
#ifndef PAMPS_RESTART_H
#define PAMPS_RESTART_H

#include "apr_pools.h"

void pamps_restart_register_hooks(apr_pool_t *p);

#endif
