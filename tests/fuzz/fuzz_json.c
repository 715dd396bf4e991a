/* Request bodies: any bytes through the JSON reader, then through the field
 * rules of a body with every kind of field. */
#include <jansson.h>

#include "fuzz_common.h"
#include "pamps_json.h"
#include "pamps_json_text.h"
#include "pamps_rules.h"

/* the API's own rules, every kind: checks, lengths, trimming, null, bool */
static const pamps_field_spec specs[] = {
    PAMPS_SPEC_USERNAME(PAMPS_F_REQUIRED),
    PAMPS_SPEC_EMAIL(0),
    PAMPS_SPECS_PROFILE,
    PAMPS_SPEC_ROLE(0),
    PAMPS_SPEC_TASK_TITLE(0),
    PAMPS_SPEC_TASK_DONE(0),
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
