/* Validation rules from API.md's table. */
#include <ctype.h>
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

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

const char *pamps_trim(const char *s, size_t *len)
{
    size_t n;

    while (is_space(*s)) {
        s++;
    }
    n = strlen(s);
    while (n > 0 && is_space(s[n - 1])) {
        n--;
    }
    *len = n;
    return s;
}

int pamps_valid_username(const char *s)
{
    size_t n = strlen(s);

    if (n < 3 || n > 32) {
        return 0;
    }
    for (; *s; s++) {
        if (!(isalnum((unsigned char)*s) || *s == '_') || (unsigned char)*s > 0x7F) {
            return 0;
        }
    }
    return 1;
}

int pamps_valid_email(const char *s)
{
    const char *at = strchr(s, '@'), *dot, *c;

    if (!at || strchr(at + 1, '@') || at == s || strlen(s) > 254) {
        return 0;
    }
    for (c = s; *c; c++) {
        if (is_space(*c) || (unsigned char)*c < 0x20) {
            return 0;
        }
    }
    dot = strchr(at + 1, '.');
    /* the domain needs a dot with a label on each side */
    if (!dot || dot == at + 1 || at[1] == '.' || s[strlen(s) - 1] == '.'
        || strstr(at + 1, "..")) {
        return 0;
    }
    return 1;
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

const char *pamps_check_username(const char *value, const char **type)
{
    if (pamps_valid_username(value)) {
        return NULL;
    }
    *type = "string_pattern_mismatch";
    return "String should match pattern '^[A-Za-z0-9_]{3,32}$'";
}

const char *pamps_check_email(const char *value, const char **type)
{
    if (pamps_valid_email(value)) {
        return NULL;
    }
    *type = "value_error";
    return "value is not a valid email address";
}

const char *pamps_check_http_url(const char *value, const char **type)
{
    if (pamps_valid_http_url(value)) {
        return NULL;
    }
    *type = "url_parsing";
    return "Input should be a valid URL with an http or https scheme";
}
