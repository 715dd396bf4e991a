/* JWT issue and verification on libjwt 1.10, which checks almost nothing by
 * itself: algorithm pinning, exp, type and iss are checked here. */
#ifndef PAMPS_TOKEN_H
#define PAMPS_TOKEN_H

#include <apr_pools.h>
#include <jwt.h>

/* One HMAC secret and its key id (the "kid" header of the tokens it signs). */
typedef struct {
    const char *kid;
    const unsigned char *key;
    size_t key_len;
} pamps_token_key;

typedef struct {
    const unsigned char *key;   /* the signing key */
    size_t key_len;
    jwt_alg_t alg;
    const char *issuer;         /* NULL: none issued, none required */
    const char *kid;            /* the signing key's id, put in the header;
                                 * NULL: none */
    const pamps_token_key *ring;    /* every key accepted, oldest first, the
                                     * signing one included (rotation) */
    int nring;                  /* 0: the signing key alone */
} pamps_token_keys;

typedef struct {
    long long sub;           /* user id (a string claim in the token) */
    const char *type;        /* "access" or "refresh" */
    long long iat, exp;
    const char *jti;
    long long ver;           /* the user's token_version when issued */
    const char *fam;         /* the login: its refresh rotation chain id, in
                              * both kinds; NULL in access tokens issued
                              * before they carried it */
} pamps_claims;

/* Returns a signed token in p, or NULL on failure. */
char *pamps_token_issue(apr_pool_t *p, const pamps_token_keys *keys,
                        const pamps_claims *claims);

/* Verifies with the key the token's kid names (a token without kid, signed
 * before tokens carried one: with any key of the ring), then signature, pinned algorithm, exp (required), iss when configured,
 * type == want_type. Returns 0 and fills out (strings in p), or -1 with a
 * short reason in *why (for logs, never for clients). */
int pamps_token_verify(apr_pool_t *p, const pamps_token_keys *keys,
                       const char *token, const char *want_type, long long now,
                       pamps_claims *out, const char **why);

/* A fresh random identifier (32 hex chars) for jti and rotation chains. */
const char *pamps_token_new_id(apr_pool_t *p);

/* "HS256" -> JWT_ALG_HS256; JWT_ALG_INVAL for anything we do not sign with. */
jwt_alg_t pamps_token_alg_from_name(const char *name);

#endif
