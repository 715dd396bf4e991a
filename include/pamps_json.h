/* Strict reading of JSON request bodies and FastAPI-shaped 422 details.
 * Uses jansson and APR pools only: no httpd types. */
#ifndef PAMPS_JSON_H
#define PAMPS_JSON_H

#include <apr_pools.h>
#include <jansson.h>

typedef enum {
    PAMPS_FIELD_STRING,
    PAMPS_FIELD_BOOL,
    PAMPS_FIELD_ID                /* a positive integer, kept as its decimal text */
} pamps_field_type;

#define PAMPS_F_REQUIRED 0x1 /* absent is "missing" */
#define PAMPS_F_NULLABLE 0x2 /* null is a value (clears), not a type error */
#define PAMPS_F_TRIM     0x4 /* length is checked, and the value kept, trimmed */

/* What a string must be beyond its length (pamps_rules.h has the API's),
 * with the words the OpenAPI document says it in. */
typedef struct {
    /* NULL when value is fine, else the message to report, *type set */
    const char *(*check)(const char *value, const char **type);
    const char *pattern;          /* the check as a regular expression, or NULL */
    const char *format;           /* "email", "uri", or NULL */
    const char *const *values;    /* the only values allowed (NULL-ended), or NULL */
} pamps_string_rule;

typedef struct {
    const char *name;
    pamps_field_type type;
    unsigned flags;
    size_t min_len, max_len;     /* code points, for strings; max 0: no limit */
    const pamps_string_rule *rule;
} pamps_field_spec;

typedef struct {
    int present;                 /* the key was in the body */
    int is_null;                 /* ... with the value null */
    const char *str;             /* string value (trimmed copy if F_TRIM), or an id's text */
    int boolean;
} pamps_field_value;

/* Checks every field of specs against body, filling values[i] for each spec
 * and appending one detail entry per bad field to errors. Returns the number of
 * bad fields. */
int pamps_json_read_fields(apr_pool_t *p, json_t *body,
                           const pamps_field_spec *specs, size_t n,
                           pamps_field_value *values, json_t *errors);

/* Appends {"loc": [where, field], "msg": msg, "type": type} (field may be NULL). */
void pamps_json_add_error(json_t *errors, const char *where, const char *field,
                          const char *type, const char *msg);

/* Reads a query parameter as an integer in [min, max], FastAPI style: absent
 * gives def; errors are added under loc ["query", name]. */
long long pamps_query_int(const char *text, const char *name, long long def,
                          long long min, long long max, json_t *errors);

/* Reads a query parameter that must be one of values (NULL-ended): its
 * index, def when absent, or def with an error under ["query", name]. */
int pamps_query_choice(apr_pool_t *p, const char *text, const char *name,
                       const char *const *values, int def, json_t *errors);

/* Parses "true/false/1/0/yes/no/on/off" like pydantic; -1 when none. */
int pamps_parse_bool_text(const char *text);

#endif
