/* application/x-www-form-urlencoded text (request bodies and query
 * strings), read in linear time. Plain C and APR only. */
#ifndef PAMPS_FORM_H
#define PAMPS_FORM_H

#include <apr_hash.h>
#include <apr_pools.h>

/* The most pairs one body or query string may hold. */
#define PAMPS_FORM_MAX_FIELDS 100

/* Splits text (len bytes) at '&' into key=value pairs, decoding '+' and
 * %XX; a later key replaces an earlier one. A pair with a malformed escape
 * or an encoded NUL is skipped, as httpd's ap_unescape_urlencoded refuses
 * it. Returns key -> value (both in p), or NULL when text holds more than
 * max_fields pairs. */
apr_hash_t *pamps_form_parse(apr_pool_t *p, const char *text, size_t len, int max_fields);

#endif
