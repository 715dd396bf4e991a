/* The statement table, expanded from the list in pamps_sql.h. */
#include <string.h>

#include <apr_lib.h>

#include "pamps_sql.h"

#define PAMPS_SQL_ENTRY(name, text) [PAMPS_SQL_##name] = { "pamps_" #name, text },
const pamps_sql_statement pamps_sql[PAMPS_SQL_COUNT] = {
    PAMPS_STATEMENTS(PAMPS_SQL_ENTRY)
};

const char *pamps_like_pattern(apr_pool_t *p, const char *q)
{
    char *out = apr_palloc(p, strlen(q) * 2 + 3), *o = out;

    *o++ = '%';
    for (; *q; q++) {
        if (*q == '%' || *q == '_' || *q == '\\') {
            *o++ = '\\';
        }
        *o++ = apr_tolower(*q);
    }
    *o++ = '%';
    *o = '\0';
    return out;
}
