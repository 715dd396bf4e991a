/* Entity tags: a fast 64-bit hash of the body sent, and the parsing of
 * If-Match / If-None-Match lists. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "pamps_etag.h"

static uint64_t fnv1a64(const char *data, size_t len)
{
    uint64_t h = 14695981039346656037ULL;

    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)data[i];
        h *= 1099511628211ULL;
    }
    return h;
}

void pamps_hash_hex(const char *data, size_t len, char *buf)
{
    snprintf(buf, 17, "%016llx", (unsigned long long)fnv1a64(data, len));
}

void pamps_etag_of(const char *body, size_t len, char *buf)
{
    buf[0] = '"';
    pamps_hash_hex(body, len, buf + 1);
    buf[17] = '"';
    buf[18] = '\0';
}

#define GZIP_SUFFIX "-gzip"

/* Whether the list element [s, e) (spaces trimmed) names tag. */
static int element_matches(const char *s, const char *e, const char *tag, int weak_ok)
{
    size_t tag_len = strlen(tag), n;

    while (e > s && (e[-1] == ' ' || e[-1] == '\t')) {
        e--;
    }
    if (e - s == 1 && *s == '*') {
        return 1;
    }
    if (e - s >= 2 && s[0] == 'W' && s[1] == '/') {
        if (!weak_ok) {
            return 0;
        }
        s += 2;
    }
    n = (size_t)(e - s);
    /* "<hash>-gzip": the tag mod_deflate sent for a compressed body */
    if (n == tag_len + sizeof(GZIP_SUFFIX) - 1 && s[n - 1] == '"'
        && memcmp(s + n - sizeof(GZIP_SUFFIX), GZIP_SUFFIX, sizeof(GZIP_SUFFIX) - 1) == 0) {
        return memcmp(s, tag, tag_len - 1) == 0;
    }
    return n == tag_len && memcmp(s, tag, n) == 0;
}

int pamps_etag_matches(const char *header, const char *tag, int weak_ok)
{
    const char *s = header;

    while (*s) {
        const char *e;

        while (*s == ' ' || *s == '\t' || *s == ',') {
            s++;
        }
        if (!*s) {
            break;
        }
        e = s;
        while (*e && *e != ',') {
            e++;
        }
        if (element_matches(s, e, tag, weak_ok)) {
            return 1;
        }
        s = e;
    }
    return 0;
}
