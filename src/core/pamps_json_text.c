/* JSON documents as RFC 8259 has them: jansson first; where it refused a
 * number only for its size, the document again with that number replaced. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>

#include "pamps_json_text.h"

#define OUT_OF_RANGE "[]"

static int is_number_char(char c)
{
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e'
           || c == 'E';
}

/* Whether the number token [s, s + n) is one jansson refuses for its size:
 * an integer outside int64, or a real that overflows a double. */
static int out_of_range(apr_pool_t *p, const char *s, size_t n)
{
    char *copy = apr_pstrmemdup(p, s, n);
    double d;

    errno = 0;
    if (strcspn(copy, ".eE") == n) {
        (void)strtoll(copy, NULL, 10);
        return errno == ERANGE;
    }
    d = strtod(copy, NULL);
    return errno == ERANGE && isinf(d);
}

/* The text with every out-of-range number replaced; NULL when there is
 * none (so the failure was something else). */
static char *without_huge_numbers(apr_pool_t *p, const char *text, size_t len,
                                  size_t *out_len)
{
    char *out = apr_palloc(p, len + 1), *o = out;
    int in_string = 0, replaced = 0;
    size_t i = 0;

    while (i < len) {
        char c = text[i];

        if (in_string) {
            *o++ = c;
            if (c == '\\' && i + 1 < len) {
                *o++ = text[++i];
            }
            else if (c == '"') {
                in_string = 0;
            }
            i++;
        }
        else if (c == '"') {
            in_string = 1;
            *o++ = text[i++];
        }
        else if (c == '-' || (c >= '0' && c <= '9')) {
            size_t start = i;

            while (i < len && is_number_char(text[i])) {
                i++;
            }
            /* "[]" is never longer than the number it replaces */
            if (out_of_range(p, text + start, i - start)) {
                memcpy(o, OUT_OF_RANGE, sizeof(OUT_OF_RANGE) - 1);
                o += sizeof(OUT_OF_RANGE) - 1;
                replaced = 1;
            }
            else {
                memcpy(o, text + start, i - start);
                o += i - start;
            }
        }
        else {
            *o++ = text[i++];
        }
    }
    *out_len = (size_t)(o - out);
    return replaced ? out : NULL;
}

json_t *pamps_json_parse(apr_pool_t *p, const char *text, size_t len)
{
    json_error_t err;
    json_t *doc = json_loadb(text, len, JSON_DECODE_ANY, &err);
    size_t n;
    char *again;

    if (doc) {
        return doc;
    }
    again = without_huge_numbers(p, text, len, &n);
    return again ? json_loadb(again, n, JSON_DECODE_ANY, &err) : NULL;
}
