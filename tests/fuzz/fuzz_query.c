/* Query parameters: integers, booleans and the timestamps the databases
 * hand back, each parsed from any text. */
#include <jansson.h>

#include "fuzz_common.h"
#include "pamps_json.h"
#include "pamps_time.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool();
    const char *text = fuzz_text(p, data, size);
    json_t *errors = json_array();
    long long epoch;
    char out[PAMPS_TIME_LEN];

    (void)pamps_query_int(text, "limit", 20, 1, 100, errors);
    (void)pamps_parse_bool_text(text);
    if (pamps_time_parse(text, &epoch) == 0) {
        pamps_time_format(epoch, out);
    }
    json_decref(errors);
    apr_pool_destroy(p);
    return 0;
}
