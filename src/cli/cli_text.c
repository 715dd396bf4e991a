/* Text checks of the pamps command that the API gets from its JSON parser:
 * JSON carries only valid UTF-8, so neither may anything created here. */
#include <string.h>

#include <apr_strings.h>

#include "pamps_cli.h"

int pamps_cli_valid_utf8(const char *text, apr_size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    apr_size_t i = 0;

    while (i < len) {
        unsigned c = s[i], more, min, cp;

        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            more = 1;
            min = 0x80;
            cp = c & 0x1F;
        }
        else if (c >= 0xE0 && c <= 0xEF) {
            more = 2;
            min = 0x800;
            cp = c & 0x0F;
        }
        else if (c >= 0xF0 && c <= 0xF4) {
            more = 3;
            min = 0x10000;
            cp = c & 0x07;
        }
        else {
            return 0;
        }
        for (unsigned k = 1; k <= more; k++) {
            if (i + k >= len || (s[i + k] & 0xC0) != 0x80) {
                return 0;
            }
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        /* overlong forms, surrogates and beyond U+10FFFF are not UTF-8 */
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return 0;
        }
        i += more + 1;
    }
    return 1;
}

const char *pamps_cli_printable(apr_pool_t *p, const char *s)
{
    char *copy = apr_pstrdup(p, s ? s : "");
    int utf8 = pamps_cli_valid_utf8(copy, strlen(copy));

    for (char *c = copy; *c; c++) {
        unsigned char u = (unsigned char)*c;

        if (u < 0x20 || u == 0x7F || (!utf8 && u >= 0x80)) {
            *c = '?';
        }
    }
    return copy;
}
