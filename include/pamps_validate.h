/* Text checks under the API's rules (pamps_rules.h states the rules), in
 * plain C so unit tests link them alone. */
#ifndef PAMPS_VALIDATE_H
#define PAMPS_VALIDATE_H

#include <stddef.h>

/* Number of Unicode code points in a valid UTF-8 string. */
size_t pamps_utf8_length(const char *s);

/* Returns a pointer into s past leading whitespace and writes the trimmed
 * length (in bytes) to *len. */
const char *pamps_trim(const char *s, size_t *len);

int pamps_valid_http_url(const char *s);   /* http:// or https:// with a host */

/* Parses a positive signed 64-bit decimal id ("1".."9223372036854775807",
 * digits only). Returns 0 on success. */
int pamps_parse_id(const char *s, long long *id);

/* Writes s in lower case to out, which needs strlen(s) + 1 bytes: the key
 * of names unique "case-insensitively", the same on every database
 * (SQLite's lower() folds ASCII only). Bytes of s that are not UTF-8 are
 * copied unchanged. */
void pamps_fold_case(const char *s, char *out);

#endif
