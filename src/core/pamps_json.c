/* Strict field reading with FastAPI/pydantic-shaped error details. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>

#include "pamps_json.h"
#include "pamps_validate.h"

void pamps_json_add_error(json_t *errors, const char *where, const char *field,
                          const char *type, const char *msg)
{
    json_t *loc = json_array();

    json_array_append_new(loc, json_string(where));
    if (field) {
        json_array_append_new(loc, json_string(field));
    }
    json_array_append_new(errors, json_pack("{s:o, s:s, s:s}", "loc", loc,
                                            "msg", msg, "type", type));
}

static const char *plural(size_t n)
{
    return n == 1 ? "" : "s";
}

/* pydantic's words for a Literal: "Input should be 'a', 'b' or 'c'" */
static const char *one_of(apr_pool_t *p, const char *const *values, const char **type)
{
    const char *msg = "Input should be";

    for (size_t i = 0; values[i]; i++) {
        msg = apr_pstrcat(p, msg, i == 0 ? " '" : values[i + 1] ? ", '" : " or '",
                          values[i], "'", NULL);
    }
    *type = "literal_error";
    return msg;
}

/* NULL when s keeps the rule, else the message (and *type) to report */
static const char *rule_says(apr_pool_t *p, const pamps_string_rule *rule, const char *s,
                             const char **type)
{
    if (rule->values) {
        for (size_t i = 0; rule->values[i]; i++) {
            if (strcmp(s, rule->values[i]) == 0) {
                return NULL;
            }
        }
        return one_of(p, rule->values, type);
    }
    return rule->check ? rule->check(s, type) : NULL;
}

static int read_string(apr_pool_t *p, const pamps_field_spec *spec, json_t *v,
                       pamps_field_value *out, json_t *errors)
{
    const char *s = json_string_value(v), *type = NULL, *msg;
    char buf[96];
    size_t len;

    if (!json_is_string(v)) {
        pamps_json_add_error(errors, "body", spec->name, "string_type",
                             "Input should be a valid string");
        return 1;
    }
    if (spec->flags & PAMPS_F_TRIM) {
        const char *t = pamps_trim(s, &len);
        s = apr_pstrmemdup(p, t, len);
    }
    else {
        s = apr_pstrdup(p, s);
    }
    len = pamps_utf8_length(s);
    if (len < spec->min_len) {
        snprintf(buf, sizeof(buf), "String should have at least %zu character%s",
                 spec->min_len, plural(spec->min_len));
        pamps_json_add_error(errors, "body", spec->name, "string_too_short", buf);
        return 1;
    }
    if (spec->max_len && len > spec->max_len) {
        snprintf(buf, sizeof(buf), "String should have at most %zu character%s",
                 spec->max_len, plural(spec->max_len));
        pamps_json_add_error(errors, "body", spec->name, "string_too_long", buf);
        return 1;
    }
    if (spec->rule && (msg = rule_says(p, spec->rule, s, &type)) != NULL) {
        pamps_json_add_error(errors, "body", spec->name, type, msg);
        return 1;
    }
    out->str = s;
    return 0;
}

/* pydantic's PositiveInt */
static int read_id(apr_pool_t *p, const pamps_field_spec *spec, json_t *v,
                   pamps_field_value *out, json_t *errors)
{
    if (!json_is_integer(v)) {
        pamps_json_add_error(errors, "body", spec->name, "int_type",
                             "Input should be a valid integer");
        return 1;
    }
    if (json_integer_value(v) < 1) {
        pamps_json_add_error(errors, "body", spec->name, "greater_than",
                             "Input should be greater than 0");
        return 1;
    }
    out->str = apr_psprintf(p, "%" APR_INT64_T_FMT, (apr_int64_t)json_integer_value(v));
    return 0;
}

int pamps_json_read_fields(apr_pool_t *p, json_t *body,
                           const pamps_field_spec *specs, size_t n,
                           pamps_field_value *values, json_t *errors)
{
    int bad = 0;

    for (size_t i = 0; i < n; i++) {
        const pamps_field_spec *spec = &specs[i];
        pamps_field_value *out = &values[i];
        json_t *v = json_object_get(body, spec->name);

        memset(out, 0, sizeof(*out));
        if (!v) {
            if (spec->flags & PAMPS_F_REQUIRED) {
                pamps_json_add_error(errors, "body", spec->name, "missing",
                                     "Field required");
                bad++;
            }
            continue;
        }
        out->present = 1;
        if (json_is_null(v) && (spec->flags & PAMPS_F_NULLABLE)) {
            out->is_null = 1;
            continue;
        }
        if (spec->type == PAMPS_FIELD_BOOL) {
            if (!json_is_boolean(v)) {
                pamps_json_add_error(errors, "body", spec->name, "bool_type",
                                     "Input should be a valid boolean");
                bad++;
                continue;
            }
            out->boolean = json_is_true(v);
            continue;
        }
        if (spec->type == PAMPS_FIELD_ID) {
            bad += read_id(p, spec, v, out, errors);
            continue;
        }
        bad += read_string(p, spec, v, out, errors);
    }
    return bad;
}

long long pamps_query_int(const char *text, const char *name, long long def,
                          long long min, long long max, json_t *errors)
{
    char *end, buf[96];
    long long v;

    if (!text) {
        return def;
    }
    errno = 0;
    v = strtoll(text, &end, 10);
    if (!*text || *end || errno) {
        pamps_json_add_error(errors, "query", name, "int_parsing",
                             "Input should be a valid integer, unable to parse string as an integer");
        return def;
    }
    if (v < min) {
        snprintf(buf, sizeof(buf), "Input should be greater than or equal to %lld", min);
        pamps_json_add_error(errors, "query", name, "greater_than_equal", buf);
        return def;
    }
    if (v > max) {
        snprintf(buf, sizeof(buf), "Input should be less than or equal to %lld", max);
        pamps_json_add_error(errors, "query", name, "less_than_equal", buf);
        return def;
    }
    return v;
}

int pamps_query_choice(apr_pool_t *p, const char *text, const char *name,
                       const char *const *values, int def, json_t *errors)
{
    const char *type = NULL, *msg;

    if (!text) {
        return def;
    }
    for (int i = 0; values[i]; i++) {
        if (strcmp(text, values[i]) == 0) {
            return i;
        }
    }
    msg = one_of(p, values, &type);
    pamps_json_add_error(errors, "query", name, type, msg);
    return def;
}

int pamps_parse_bool_text(const char *text)
{
    static const char *const yes[] = { "true", "1", "yes", "on", "t", "y" };
    static const char *const no[] = { "false", "0", "no", "off", "f", "n" };

    for (size_t i = 0; i < sizeof(yes) / sizeof(*yes); i++) {
        if (strcasecmp(text, yes[i]) == 0) {
            return 1;
        }
        if (strcasecmp(text, no[i]) == 0) {
            return 0;
        }
    }
    return -1;
}
