/* JWT issue and verification. libjwt 1.10 verifies the signature only when
 * given the key, takes the algorithm from the token's own header and checks
 * no claim at all: everything else is done here. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <apr_random.h>
#include <apr_strings.h>
#include <apr_general.h>

#include "pamps_token.h"

jwt_alg_t pamps_token_alg_from_name(const char *name)
{
    if (strcmp(name, "HS256") == 0) {
        return JWT_ALG_HS256;
    }
    if (strcmp(name, "HS384") == 0) {
        return JWT_ALG_HS384;
    }
    if (strcmp(name, "HS512") == 0) {
        return JWT_ALG_HS512;
    }
    return JWT_ALG_INVAL;
}

const char *pamps_token_new_id(apr_pool_t *p)
{
    unsigned char raw[16];
    char *hex = apr_palloc(p, sizeof(raw) * 2 + 1);
    static const char digits[] = "0123456789abcdef";

    if (apr_generate_random_bytes(raw, sizeof(raw)) != APR_SUCCESS) {
        return NULL;
    }
    for (size_t i = 0; i < sizeof(raw); i++) {
        hex[2 * i] = digits[raw[i] >> 4];
        hex[2 * i + 1] = digits[raw[i] & 0xF];
    }
    hex[sizeof(raw) * 2] = '\0';
    return hex;
}

char *pamps_token_issue(apr_pool_t *p, const pamps_token_keys *keys,
                        const pamps_claims *c)
{
    jwt_t *jwt = NULL;
    char *out = NULL, *enc;

    if (jwt_new(&jwt)) {
        return NULL;
    }
    if (jwt_add_grant(jwt, "sub", apr_psprintf(p, "%" APR_INT64_T_FMT, (apr_int64_t)c->sub))
        || jwt_add_grant(jwt, "type", c->type)
        || jwt_add_grant(jwt, "jti", c->jti)
        || jwt_add_grant_int(jwt, "iat", (long)c->iat)
        || jwt_add_grant_int(jwt, "exp", (long)c->exp)
        || jwt_add_grant_int(jwt, "ver", (long)c->ver)
        || (c->fam && jwt_add_grant(jwt, "fam", c->fam))
        || (keys->issuer && jwt_add_grant(jwt, "iss", keys->issuer))
        || (keys->kid && jwt_add_header(jwt, "kid", keys->kid))
        || jwt_set_alg(jwt, keys->alg, keys->key, (int)keys->key_len)) {
        jwt_free(jwt);
        return NULL;
    }
    enc = jwt_encode_str(jwt);
    if (enc) {
        out = apr_pstrdup(p, enc);
        free(enc);
    }
    jwt_free(jwt);
    return out;
}

/* Three base64url segments, header and payload not empty: libjwt 1.10
 * writes a byte past a zero-length buffer when decoding an empty segment. */
static int well_formed(const char *token)
{
    int dots = 0;
    size_t seg = 0;

    for (const char *c = token; *c; c++) {
        if (*c == '.') {
            if (seg == 0 && dots < 2) {
                return 0;
            }
            dots++;
            seg = 0;
        }
        else if (isalnum((unsigned char)*c) || *c == '-' || *c == '_') {
            seg++;
        }
        else {
            return 0;
        }
    }
    return dots == 2;
}

static int fail(const char **why, const char *reason)
{
    *why = reason;
    return -1;
}

/* The token's kid header, read without verifying anything (the key it
 * names does that): NULL when there is none. */
static const char *token_kid(apr_pool_t *p, const char *token)
{
    jwt_t *jwt = NULL;
    const char *kid = NULL;

    if (jwt_decode(&jwt, token, NULL, 0) == 0 && jwt) {
        const char *h = jwt_get_header(jwt, "kid");

        kid = h ? apr_pstrdup(p, h) : NULL;
    }
    jwt_free(jwt);
    return kid;
}

/* Decodes with the key the token names; a token without kid (from before
 * tokens carried one) with whichever key of the ring signed it. */
static int decode_with_ring(apr_pool_t *p, const pamps_token_keys *keys,
                            const char *token, jwt_t **jwt, const char **why)
{
    const char *kid;

    if (keys->nring == 0) {
        if (jwt_decode(jwt, token, keys->key, (int)keys->key_len) || !*jwt) {
            return fail(why, "bad signature or malformed token");
        }
        return 0;
    }
    kid = token_kid(p, token);
    for (int i = 0; i < keys->nring; i++) {
        const pamps_token_key *k = &keys->ring[i];

        if (kid && strcmp(kid, k->kid) != 0) {
            continue;
        }
        if (jwt_decode(jwt, token, k->key, (int)k->key_len) == 0 && *jwt) {
            return 0;
        }
        *jwt = NULL;
        if (kid) {
            break;
        }
    }
    return fail(why, kid ? "bad signature, or a key id no PampsKeyFile names"
                         : "bad signature or malformed token");
}

int pamps_token_verify(apr_pool_t *p, const pamps_token_keys *keys,
                       const char *token, const char *want_type, long long now,
                       pamps_claims *out, const char **why)
{
    jwt_t *jwt = NULL;
    const char *s;
    char *end;
    long v;
    int rc = -1;

    memset(out, 0, sizeof(*out));
    if (!token || !*token || strlen(token) > 4096) {
        return fail(why, "no token");
    }
    if (!well_formed(token)) {
        return fail(why, "malformed token");
    }
    if (decode_with_ring(p, keys, token, &jwt, why)) {
        return -1;
    }
    if (jwt_get_alg(jwt) != keys->alg) {
        fail(why, "algorithm differs from the configured one");
        goto done;
    }
    errno = 0;
    v = jwt_get_grant_int(jwt, "exp");
    if (errno == ENOENT) {
        fail(why, "no exp claim");
        goto done;
    }
    if (v <= now) {
        fail(why, "token expired");
        goto done;
    }
    out->exp = v;
    errno = 0;
    v = jwt_get_grant_int(jwt, "nbf");
    if (errno != ENOENT && v > now) {
        fail(why, "token not yet valid");
        goto done;
    }
    errno = 0;
    out->iat = jwt_get_grant_int(jwt, "iat");
    errno = 0;
    out->ver = jwt_get_grant_int(jwt, "ver");
    if (errno == ENOENT) {
        fail(why, "no ver claim");
        goto done;
    }
    if (keys->issuer) {
        s = jwt_get_grant(jwt, "iss");
        if (!s || strcmp(s, keys->issuer) != 0) {
            fail(why, "issuer mismatch");
            goto done;
        }
    }
    s = jwt_get_grant(jwt, "type");
    if (!s || strcmp(s, want_type) != 0) {
        fail(why, "wrong token type");
        goto done;
    }
    out->type = apr_pstrdup(p, s);
    s = jwt_get_grant(jwt, "sub");
    if (!s || !*s || (out->sub = strtoll(s, &end, 10)) <= 0 || *end) {
        fail(why, "bad sub claim");
        goto done;
    }
    s = jwt_get_grant(jwt, "jti");
    if (!s || !*s) {
        fail(why, "no jti claim");
        goto done;
    }
    out->jti = apr_pstrdup(p, s);
    s = jwt_get_grant(jwt, "fam");
    out->fam = s ? apr_pstrdup(p, s) : NULL;
    rc = 0;
done:
    jwt_free(jwt);
    return rc;
}
