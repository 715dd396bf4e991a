/* Bearer tokens: any text through the verifier, for access and refresh. */
#include "fuzz_common.h"
#include "pamps_token.h"

static const unsigned char key[] = "0123456789abcdef0123456789abcdef";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool();
    pamps_token_keys keys = { key, sizeof(key) - 1, JWT_ALG_HS256, "fuzz", NULL, NULL, 0 };
    const char *token = fuzz_text(p, data, size), *why = NULL;
    pamps_claims claims;

    if (pamps_token_verify(p, &keys, token, "access", 1700000000, &claims, &why) == 0
        || pamps_token_verify(p, &keys, token, "refresh", 1700000000, &claims, &why) == 0) {
        abort();                /* nothing unsigned by the key can pass */
    }
    apr_pool_destroy(p);
    return 0;
}
