/* Entity tags of the API's representations and the matching of the
 * conditional headers against them (src/core/pamps_etag.c). */
#ifndef PAMPS_ETAG_H
#define PAMPS_ETAG_H

#include <stddef.h>

/* "\"<16 hex digits>\"" and its NUL */
#define PAMPS_ETAG_LEN 19

/* The strong tag of a body: its 64-bit FNV-1a hash, quoted, written to
 * buf (PAMPS_ETAG_LEN bytes). Any change of the body changes it (but for
 * a 2^-64 collision), so it changes with every change of the
 * representation, liked_by_me and counts included. */
void pamps_etag_of(const char *body, size_t len, char *buf);

/* 1 when the header (If-None-Match or If-Match: "*", or a comma-separated
 * list of tags) names tag. A suffix mod_deflate appended ("-gzip", before
 * the closing quote) is ignored, so a tag read from a compressed response
 * still matches. weak_ok: If-None-Match compares weakly (W/ tags match),
 * If-Match strongly (they never do). */
int pamps_etag_matches(const char *header, const char *tag, int weak_ok);

/* The hash alone, as 16 hex digits (buf: 17 bytes): requests are told
 * apart by it (Idempotency-Key). */
void pamps_hash_hex(const char *data, size_t len, char *buf);

#endif
