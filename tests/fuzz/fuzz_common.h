/* What every libFuzzer target here shares: one APR pool per input, and the
 * input as a NUL-terminated copy for the parsers that take C strings. */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <apr_general.h>
#include <apr_pools.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static apr_pool_t *fuzz_pool(void)
{
    static apr_pool_t *root;
    apr_pool_t *p;

    if (!root) {
        apr_initialize();
        apr_pool_create(&root, NULL);
    }
    apr_pool_create(&p, root);
    return p;
}

static char *fuzz_text(apr_pool_t *p, const uint8_t *data, size_t size)
{
    char *s = apr_palloc(p, size + 1);

    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

#endif
