/* Form fields in one pass over the text, into a hash: an apr_table_set per
 * pair scans the whole table, and 150k keys cost seconds of CPU. */
#include <string.h>

#include <apr_strings.h>

#include "pamps_form.h"

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Decodes [s, s + n) into a new string; NULL for a malformed escape or a
 * NUL byte. */
static char *decode(apr_pool_t *p, const char *s, size_t n)
{
    char *out = apr_palloc(p, n + 1), *o = out;

    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+') {
            *o++ = ' ';
        }
        else if (s[i] == '%') {
            if (i + 2 >= n || hex_value(s[i + 1]) < 0 || hex_value(s[i + 2]) < 0) {
                return NULL;
            }
            *o = (char)(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
            if (*o++ == '\0') {
                return NULL;
            }
            i += 2;
        }
        else {
            *o++ = s[i];
        }
    }
    *o = '\0';
    return out;
}

apr_hash_t *pamps_form_parse(apr_pool_t *p, const char *text, size_t len, int max_fields)
{
    apr_hash_t *fields = apr_hash_make(p);
    const char *end = text + len;
    int pairs = 0;

    while (text < end) {
        const char *amp = memchr(text, '&', (size_t)(end - text));
        const char *stop = amp ? amp : end;
        const char *eq = memchr(text, '=', (size_t)(stop - text));
        char *key, *value;

        if (stop > text) {
            if (++pairs > max_fields) {
                return NULL;
            }
            key = decode(p, text, (size_t)((eq ? eq : stop) - text));
            value = eq ? decode(p, eq + 1, (size_t)(stop - eq - 1)) : "";
            if (key && value) {
                apr_hash_set(fields, key, APR_HASH_KEY_STRING, value);
            }
        }
        text = amp ? amp + 1 : end;
    }
    return fields;
}
