/* Validation rules of API.md, in plain C so unit tests link them alone. */
#ifndef PAMPS_VALIDATE_H
#define PAMPS_VALIDATE_H

#include <stddef.h>

/* Number of Unicode code points in a valid UTF-8 string. */
size_t pamps_utf8_length(const char *s);

/* Returns a pointer into s past leading whitespace and writes the trimmed
 * length (in bytes) to *len. */
const char *pamps_trim(const char *s, size_t *len);

int pamps_valid_username(const char *s);   /* 3..32 of [A-Za-z0-9_] */
int pamps_valid_email(const char *s);      /* one @, local part, dotted domain, <= 254 */
int pamps_valid_http_url(const char *s);   /* http:// or https:// with a host */

/* Parses a positive signed 64-bit decimal id ("1".."9223372036854775807",
 * digits only). Returns 0 on success. */
int pamps_parse_id(const char *s, long long *id);

/* Writes s (valid UTF-8) in lower case to out, which needs strlen(s) + 1
 * bytes: the key of names unique "case-insensitively", the same on every
 * database (SQLite's lower() folds ASCII only). */
void pamps_fold_case(const char *s, char *out);

/* Field checks in the form pamps_json_read_fields takes: NULL when the
 * value is fine, else the message, with the error type in *type. */
const char *pamps_check_username(const char *value, const char **type);
const char *pamps_check_email(const char *value, const char **type);
const char *pamps_check_http_url(const char *value, const char **type);

#endif
