/* Text checks the rules are built on: UTF-8 lengths, trimming, URLs, ids,
 * case folding. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pamps_validate.h"

size_t pamps_utf8_length(const char *s)
{
    size_t n = 0;

    for (; *s; s++) {
        if (((unsigned char)*s & 0xC0) != 0x80) {   /* not a continuation byte */
            n++;
        }
    }
    return n;
}

/* Python's str.isspace(), which FastAPI applications strip with: ASCII
 * whitespace, the separators \x1c-\x1f, and Unicode's spaces. */
static int is_space_cp(unsigned cp)
{
    return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20) || cp == 0x85
           || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A)
           || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

/* What decode gives for a byte that starts no complete UTF-8 sequence. */
#define NOT_UTF8 0xFFFFFFFFu

/* The code point starting at s and its length in bytes. A byte that starts
 * no complete sequence (text that is not UTF-8, as a Latin-1 name in a
 * Require line) comes alone as NOT_UTF8: the terminating NUL, which is no
 * continuation byte, is never stepped over. */
static unsigned decode(const unsigned char *s, size_t *len)
{
    size_t n = (s[0] & 0xE0) == 0xC0 ? 2 : (s[0] & 0xF0) == 0xE0 ? 3
             : (s[0] & 0xF8) == 0xF0 ? 4 : 1;
    unsigned cp = n == 1 ? s[0] : s[0] & (0x7Fu >> n);

    *len = 1;
    if (n == 1) {
        return s[0] < 0x80 ? cp : NOT_UTF8;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            return NOT_UTF8;
        }
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    *len = n;
    return cp;
}

const char *pamps_trim(const char *s, size_t *len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n, step, end = 0;

    while (*u && is_space_cp(decode(u, &step))) {
        u += step;
    }
    /* the end of the last code point that is not a space */
    for (n = 0; u[n]; n += step) {
        if (!is_space_cp(decode(u + n, &step))) {
            end = n + step;
        }
    }
    *len = end;
    return (const char *)u;
}

int pamps_valid_http_url(const char *s)
{
    const char *host;

    if (strncmp(s, "http://", 7) == 0) {
        host = s + 7;
    }
    else if (strncmp(s, "https://", 8) == 0) {
        host = s + 8;
    }
    else {
        return 0;
    }
    if (!*host || *host == '/' || *host == '?' || *host == '#' || *host == ':') {
        return 0;
    }
    for (; *s; s++) {
        if ((unsigned char)*s <= 0x20 || *s == 0x7F) {
            return 0;
        }
    }
    return 1;
}

int pamps_parse_id(const char *s, long long *id)
{
    char *end;
    long long v;

    if (!s || !*s || *s < '0' || *s > '9' || strlen(s) > 19) {
        return -1;
    }
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || *end || v <= 0) {
        return -1;
    }
    *id = v;
    return 0;
}

/* Simple lower-case mapping of the scripts names are commonly written in:
 * Latin (with Latin-1, Extended-A and Extended Additional), Greek,
 * Cyrillic, Armenian and fullwidth Latin. No mapping makes a character
 * longer in UTF-8, so the folded text fits where the text was. */
static unsigned fold_cp(unsigned c)
{
    if (c < 0x80) {
        return (c >= 'A' && c <= 'Z') ? c + 32 : c;
    }
    if (c >= 0xC0 && c <= 0xDE && c != 0xD7) {
        return c + 32;
    }
    if (c >= 0x100 && c <= 0x17F) {
        if (c == 0x130) {
            return 'i';                         /* dotted capital I */
        }
        if (c == 0x178) {
            return 0xFF;                        /* Y with diaeresis */
        }
        if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) {
            return (c & 1) ? c + 1 : c;         /* capitals at odd code points */
        }
        if (c == 0x131 || c == 0x138 || c == 0x149 || c == 0x17F) {
            return c;
        }
        return (c & 1) ? c : c + 1;             /* capitals at even code points */
    }
    if (c >= 0x391 && c <= 0x3AB && c != 0x3A2) {
        return c + 32;                          /* Greek */
    }
    switch (c) {
    case 0x386: return 0x3AC;
    case 0x388: case 0x389: case 0x38A: return c + 37;
    case 0x38C: return 0x3CC;
    case 0x38E: case 0x38F: return c + 63;
    }
    if (c >= 0x410 && c <= 0x42F) {
        return c + 32;                          /* Cyrillic */
    }
    if (c >= 0x400 && c <= 0x40F) {
        return c + 80;
    }
    if ((c >= 0x460 && c <= 0x481) || (c >= 0x48A && c <= 0x4BF) || (c >= 0x4D0 && c <= 0x52F)
        || (c >= 0x1E00 && c <= 0x1E95) || (c >= 0x1EA0 && c <= 0x1EFF)) {
        return (c & 1) ? c : c + 1;
    }
    if (c >= 0x531 && c <= 0x556) {
        return c + 48;                          /* Armenian */
    }
    if (c >= 0xFF21 && c <= 0xFF3A) {
        return c + 32;                          /* fullwidth Latin */
    }
    return c;
}

static size_t encode(unsigned cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

void pamps_fold_case(const char *s, char *out)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t step;

    while (*u) {
        unsigned cp = decode(u, &step);

        if (cp == NOT_UTF8) {
            *out++ = (char)*u;          /* kept as it is: no longer than it was */
        }
        else {
            out += encode(fold_cp(cp), out);
        }
        u += step;
    }
    *out = '\0';
}
