/* Bearer authentication in httpd's own phases (src/httpd/pamps_auth.c):
 * the "pamps-token" authz provider and the AuthType Bearer authn hook. */
#ifndef PAMPS_AUTH_H
#define PAMPS_AUTH_H

#include "pamps.h"

void pamps_auth_register_hooks(apr_pool_t *p);
/* Per child: each server's cache of verified access tokens. */
void pamps_auth_child_init(apr_pool_t *p, server_rec *s);

#endif
