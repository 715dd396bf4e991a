/* JSON text in: any RFC 8259 document, including numbers jansson cannot
 * hold. Plain C, jansson and APR pools only. */
#ifndef PAMPS_JSON_TEXT_H
#define PAMPS_JSON_TEXT_H

#include <apr_pools.h>
#include <jansson.h>

/* Parses text (len bytes, any JSON value). jansson refuses integers beyond
 * 64 bits and reals beyond double's range although RFC 8259 allows them;
 * such a number comes back as an empty array, a value no field of the API
 * accepts, so an unknown field holding one is ignored and a known one is
 * a 422. NULL when the text is not JSON. The caller owns the result. */
json_t *pamps_json_parse(apr_pool_t *p, const char *text, size_t len);

#endif
