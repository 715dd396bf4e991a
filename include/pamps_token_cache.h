/* Access tokens this process has verified already, so that a token seen
 * again skips libjwt's decode (two base64 + JSON parses and an HMAC: 14% of
 * GET /tasks's CPU). Only the signature and claim checks are saved: the
 * user, its token version and its login are still read on every request,
 * so revocation stays immediate. Plain C and APR. */
#ifndef PAMPS_TOKEN_CACHE_H
#define PAMPS_TOKEN_CACHE_H

#include <apr_pools.h>

#include "pamps_token.h"

typedef struct pamps_token_cache pamps_token_cache;

/* A cache of at most slots tokens for one set of keys (one server's),
 * living as long as p; its memory is taken on the first put. NULL when
 * it cannot be made (every token is then verified each time). */
pamps_token_cache *pamps_token_cache_create(apr_pool_t *p, int slots);

/* 1 and the claims (strings in p) when token was put here and its exp is
 * after now; 0 otherwise. c may be NULL. */
int pamps_token_cache_get(pamps_token_cache *c, const char *token, long long now,
                          apr_pool_t *p, pamps_claims *out);

/* Remembers a token that pamps_token_verify accepted as an access token,
 * with its claims (a too long one is not kept). c may be NULL. */
void pamps_token_cache_put(pamps_token_cache *c, const char *token,
                           const pamps_claims *claims);

#endif
