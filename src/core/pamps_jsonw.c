/* JSON text into a growing buffer (RFC 8259: strings escaped, the rest as is). */
#include <stdlib.h>
#include <string.h>

#include "pamps_jsonw.h"

/* a page of 20 tasks fits: one allocation for most responses */
#define FIRST_CAP 4096

void pamps_jw_init(pamps_jw *w)
{
    w->cap = FIRST_CAP;
    w->len = 0;
    w->comma = 0;
    w->buf = malloc(w->cap);
}

char *pamps_jw_finish(pamps_jw *w)
{
    char *text = w->buf;

    if (text) {
        text[w->len] = '\0';    /* room kept by reserve() */
    }
    w->buf = NULL;
    return text;
}

/* Room for n more bytes and the final NUL; 0 when there is none. */
static int reserve(pamps_jw *w, size_t n)
{
    char *grown;
    size_t cap;

    if (!w->buf) {
        return 0;
    }
    if (w->len + n + 1 <= w->cap) {
        return 1;
    }
    for (cap = w->cap * 2; cap < w->len + n + 1; cap *= 2) {
    }
    grown = realloc(w->buf, cap);
    if (!grown) {
        free(w->buf);
        w->buf = NULL;
        return 0;
    }
    w->buf = grown;
    w->cap = cap;
    return 1;
}

static void put(pamps_jw *w, const char *s, size_t n)
{
    if (reserve(w, n)) {
        memcpy(w->buf + w->len, s, n);
        w->len += n;
    }
}

static void put_char(pamps_jw *w, char c)
{
    if (reserve(w, 1)) {
        w->buf[w->len++] = c;
    }
}

/* Before a value or a member: the ',' that separates it from the last. */
static void next_item(pamps_jw *w)
{
    if (w->comma) {
        put_char(w, ',');
    }
}

static void open_container(pamps_jw *w, char c)
{
    next_item(w);
    put_char(w, c);
    w->comma = 0;
}

static void close_container(pamps_jw *w, char c)
{
    put_char(w, c);
    w->comma = 1;
}

void pamps_jw_object_open(pamps_jw *w)
{
    open_container(w, '{');
}

void pamps_jw_object_close(pamps_jw *w)
{
    close_container(w, '}');
}

void pamps_jw_array_open(pamps_jw *w)
{
    open_container(w, '[');
}

void pamps_jw_array_close(pamps_jw *w)
{
    close_container(w, ']');
}

/* s between quotes, escaped: runs of plain bytes are copied at once.
 * Bytes from 0x80 pass through (the text is UTF-8, checked on its way in). */
static void put_string(pamps_jw *w, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const char *run = s;

    put_char(w, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        char esc[6];
        size_t n = 2;

        if (c >= 0x20 && c != '"' && c != '\\') {
            continue;
        }
        put(w, run, (size_t)(s - run));
        run = s + 1;
        esc[0] = '\\';
        switch (c) {
        case '"':  esc[1] = '"';  break;
        case '\\': esc[1] = '\\'; break;
        case '\b': esc[1] = 'b';  break;
        case '\f': esc[1] = 'f';  break;
        case '\n': esc[1] = 'n';  break;
        case '\r': esc[1] = 'r';  break;
        case '\t': esc[1] = 't';  break;
        default:
            memcpy(esc + 1, "u00", 3);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 0xf];
            n = 6;
        }
        put(w, esc, n);
    }
    put(w, run, (size_t)(s - run));
    put_char(w, '"');
}

void pamps_jw_key(pamps_jw *w, const char *key)
{
    next_item(w);
    put_string(w, key);
    put_char(w, ':');
    w->comma = 0;
}

void pamps_jw_str(pamps_jw *w, const char *s)
{
    if (!s) {
        pamps_jw_null(w);
        return;
    }
    next_item(w);
    put_string(w, s);
    w->comma = 1;
}

void pamps_jw_int(pamps_jw *w, long long v)
{
    char digits[24];
    char *p = digits + sizeof(digits);
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) {
        *--p = '-';
    }
    next_item(w);
    put(w, p, (size_t)(digits + sizeof(digits) - p));
    w->comma = 1;
}

static void put_word(pamps_jw *w, const char *word)
{
    next_item(w);
    put(w, word, strlen(word));
    w->comma = 1;
}

void pamps_jw_bool(pamps_jw *w, int v)
{
    put_word(w, v ? "true" : "false");
}

void pamps_jw_null(pamps_jw *w)
{
    put_word(w, "null");
}
