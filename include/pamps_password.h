/* argon2id password hashing (libargon2). */
#ifndef PAMPS_PASSWORD_H
#define PAMPS_PASSWORD_H

#include <apr_pools.h>

typedef struct {
    unsigned memory_kib;
    unsigned iterations;
    unsigned parallelism;
} pamps_argon2_cost;

/* The default cost (PampsArgon2, and the pamps command): OWASP's argon2id
 * minimum, ~70 ms and 19 MiB per hash on a current core. */
#define PAMPS_ARGON2_DEFAULT_MEMORY_KIB 19456
#define PAMPS_ARGON2_DEFAULT_ITERATIONS 2
#define PAMPS_ARGON2_DEFAULT_PARALLELISM 1

/* Returns the encoded hash ($argon2id$...) in p, or NULL on failure. */
char *pamps_password_hash(apr_pool_t *p, const pamps_argon2_cost *cost,
                          const char *password);

/* 1 when password matches encoded; the comparison is constant-time. A NULL
 * (or unreadable) encoded still spends one hash, so unknown users cost as
 * much as known. */
int pamps_password_verify(apr_pool_t *p, const pamps_argon2_cost *cost,
                          const char *encoded, const char *password);

/* Hashes run at most this many at once in a process (the online cores);
 * callers beyond wait. Their scratch memory is mapped per hash and given
 * back to the system after it. */
int pamps_password_max_parallel(void);
/* The most that ran at once so far in this process. */
int pamps_password_peak_parallel(void);

#endif
