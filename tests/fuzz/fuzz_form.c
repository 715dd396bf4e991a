/* application/x-www-form-urlencoded bodies and query strings. */
#include "fuzz_common.h"
#include "pamps_form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool();
    apr_hash_t *fields = pamps_form_parse(p, (const char *)data, size, PAMPS_FORM_MAX_FIELDS);

    if (fields) {
        for (apr_hash_index_t *hi = apr_hash_first(p, fields); hi; hi = apr_hash_next(hi)) {
            const void *key;
            void *value;

            apr_hash_this(hi, &key, NULL, &value);
            if (strlen(key) > size || strlen(value) > size) {
                abort();        /* decoding never grows the text */
            }
        }
    }
    apr_pool_destroy(p);
    return 0;
}
