/* A direct-mapped table of verified access tokens, one lock per process. */
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>
#include <apr_thread_mutex.h>

#include "pamps_token_cache.h"

#define TOKEN_MAX 1024          /* ours are ~350 bytes; longer ones are not kept */
#define ID_MAX 64               /* jti and fam are 32 hex digits */

typedef struct {
    unsigned long long hash;
    size_t len;                 /* 0: an empty slot */
    char token[TOKEN_MAX];
    long long sub, iat, exp, ver;
    char jti[ID_MAX + 1], fam[ID_MAX + 1];
    int has_fam;
} entry;

struct pamps_token_cache {
    apr_thread_mutex_t *lock;
    entry *slots;               /* calloc'd on the first put */
    int nslots;
};

static apr_status_t release(void *data)
{
    pamps_token_cache *c = data;

    free(c->slots);
    c->slots = NULL;
    return APR_SUCCESS;
}

pamps_token_cache *pamps_token_cache_create(apr_pool_t *p, int slots)
{
    pamps_token_cache *c = apr_pcalloc(p, sizeof(*c));

    if (slots <= 0
        || apr_thread_mutex_create(&c->lock, APR_THREAD_MUTEX_DEFAULT, p) != APR_SUCCESS) {
        return NULL;
    }
    c->nslots = slots;
    apr_pool_cleanup_register(p, c, release, apr_pool_cleanup_null);
    return c;
}

/* FNV-1a: spreads tokens over the slots; not a secret, not a check */
static unsigned long long hash_of(const char *s, size_t len)
{
    unsigned long long h = 14695981039346656037ULL;

    for (size_t i = 0; i < len; i++) {
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    }
    return h;
}

/* Compares every byte whatever differs first: no timing tells a caller
 * how much of a kept token it guessed. */
static int same_bytes(const char *a, const char *b, size_t len)
{
    unsigned char diff = 0;

    for (size_t i = 0; i < len; i++) {
        diff |= (unsigned char)(a[i] ^ b[i]);
    }
    return diff == 0;
}

int pamps_token_cache_get(pamps_token_cache *c, const char *token, long long now,
                          apr_pool_t *p, pamps_claims *out)
{
    size_t len = token ? strlen(token) : 0;
    unsigned long long h;
    entry *e;
    int hit = 0;

    if (!c || len == 0 || len >= TOKEN_MAX) {
        return 0;
    }
    h = hash_of(token, len);
    if (apr_thread_mutex_lock(c->lock) != APR_SUCCESS) {
        return 0;
    }
    e = c->slots ? &c->slots[h % (unsigned long long)c->nslots] : NULL;
    if (e && e->len == len && e->hash == h && e->exp > now && same_bytes(e->token, token, len)) {
        memset(out, 0, sizeof(*out));
        out->sub = e->sub;
        out->type = "access";
        out->iat = e->iat;
        out->exp = e->exp;
        out->ver = e->ver;
        out->jti = apr_pstrdup(p, e->jti);
        out->fam = e->has_fam ? apr_pstrdup(p, e->fam) : NULL;
        hit = 1;
    }
    apr_thread_mutex_unlock(c->lock);
    return hit;
}

void pamps_token_cache_put(pamps_token_cache *c, const char *token,
                           const pamps_claims *claims)
{
    size_t len = token ? strlen(token) : 0;
    unsigned long long h;
    entry *e;

    if (!c || len == 0 || len >= TOKEN_MAX || !claims->jti || strlen(claims->jti) > ID_MAX
        || (claims->fam && strlen(claims->fam) > ID_MAX)) {
        return;
    }
    h = hash_of(token, len);
    if (apr_thread_mutex_lock(c->lock) != APR_SUCCESS) {
        return;
    }
    if (!c->slots) {
        c->slots = calloc((size_t)c->nslots, sizeof(entry));
    }
    if (c->slots) {
        /* a token already in another's slot replaces it: the newest stays */
        e = &c->slots[h % (unsigned long long)c->nslots];
        e->hash = h;
        e->len = len;
        memcpy(e->token, token, len);
        e->sub = claims->sub;
        e->iat = claims->iat;
        e->exp = claims->exp;
        e->ver = claims->ver;
        strcpy(e->jti, claims->jti);
        e->has_fam = claims->fam != NULL;
        strcpy(e->fam, claims->fam ? claims->fam : "");
    }
    apr_thread_mutex_unlock(c->lock);
}
