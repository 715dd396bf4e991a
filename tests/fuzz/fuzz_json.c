/* Request bodies: any bytes through the JSON reader, then through the field
 * rules of a body with every kind of field. */
#include <jansson.h>

#include "fuzz_common.h"
#include "pamps_json.h"
#include "pamps_json_text.h"
#include "pamps_validate.h"

static const pamps_field_spec specs[] = {
    { "username", PAMPS_FIELD_STRING, PAMPS_F_REQUIRED, 3, 32, pamps_check_username },
    { "email", PAMPS_FIELD_STRING, 0, 3, 254, pamps_check_email },
    { "avatar", PAMPS_FIELD_STRING, PAMPS_F_NULLABLE, 0, 2048, pamps_check_http_url },
    { "title", PAMPS_FIELD_STRING, PAMPS_F_TRIM, 1, 200, NULL },
    { "done", PAMPS_FIELD_BOOL, 0, 0, 0, NULL },
};
#define NSPECS (sizeof(specs) / sizeof(specs[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool();
    json_t *body = pamps_json_parse(p, (const char *)data, size);

    if (body) {
        pamps_field_value values[NSPECS];
        json_t *errors = json_array();
        char *dump;

        pamps_json_read_fields(p, body, specs, NSPECS, values, errors);
        dump = json_dumps(errors, JSON_COMPACT);
        free(dump);
        json_decref(errors);
        json_decref(body);
    }
    apr_pool_destroy(p);
    return 0;
}
