/* argon2id hashing: the encoded form carries its own salt and cost, so a
 * cost change applies to new hashes while old ones still verify. */
#include <string.h>

#include <argon2.h>
#include <apr_general.h>
#include <apr_strings.h>

#include "pamps_password.h"

#define SALT_LEN 16
#define HASH_LEN 32

char *pamps_password_hash(apr_pool_t *p, const pamps_argon2_cost *cost,
                          const char *password)
{
    unsigned char salt[SALT_LEN];
    size_t len = argon2_encodedlen(cost->iterations, cost->memory_kib,
                                   cost->parallelism, SALT_LEN, HASH_LEN,
                                   Argon2_id);
    char *encoded = apr_palloc(p, len);

    if (apr_generate_random_bytes(salt, sizeof(salt)) != APR_SUCCESS) {
        return NULL;
    }
    if (argon2id_hash_encoded(cost->iterations, cost->memory_kib,
                              cost->parallelism, password, strlen(password),
                              salt, sizeof(salt), HASH_LEN, encoded, len)
        != ARGON2_OK) {
        return NULL;
    }
    return encoded;
}

int pamps_password_verify(apr_pool_t *p, const pamps_argon2_cost *cost,
                          const char *encoded, const char *password)
{
    if (!encoded) {
        /* spend the same work as a real check, then fail */
        pamps_password_hash(p, cost, password);
        return 0;
    }
    return argon2id_verify(encoded, password, strlen(password)) == ARGON2_OK;
}
