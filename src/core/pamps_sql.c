/* The statement table, expanded from the list in pamps_sql.h. */
#include <string.h>

#include <apr_lib.h>

#include "pamps_sql.h"

#define PAMPS_SQL_ENTRY(name, nargs, text) [PAMPS_SQL_##name] = { "pamps_" #name, text, nargs },

#define P_ID "%s"
#define P_TS "%s"
#define P_BOOL "%s"
#define P_LOCK ""
#define P_TASK_LIST(name, sql) sql
const pamps_sql_statement pamps_sql[PAMPS_SQL_COUNT] = {
    PAMPS_STATEMENTS(PAMPS_SQL_ENTRY)
};
#undef P_ID
#undef P_TS
#undef P_BOOL
#undef P_LOCK
#undef P_TASK_LIST

#define P_ID "CAST(%s AS BIGINT)"
#define P_TS "CAST(%s AS TIMESTAMPTZ)"
#define P_BOOL "CAST(%s AS BOOLEAN)"
#define P_LOCK " FOR UPDATE"
/* the function keeps the list's plan (sql/pgsql/009) */
#define P_TASK_LIST(name, sql) \
    "SELECT * FROM pamps_task_page_" name "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
const pamps_sql_statement pamps_sql_pgsql[PAMPS_SQL_COUNT] = {
    PAMPS_STATEMENTS(PAMPS_SQL_ENTRY)
};

const pamps_sql_statement *pamps_sql_for_driver(const char *driver)
{
    return strcmp(driver, "pgsql") == 0 ? pamps_sql_pgsql : pamps_sql;
}

int pamps_sql_writes(const char *sql)
{
    return strncmp(sql, "INSERT ", 7) == 0 || strncmp(sql, "UPDATE ", 7) == 0
           || strncmp(sql, "DELETE ", 7) == 0;
}

int pamps_sql_placeholders(const char *sql)
{
    int n = 0;

    for (const char *c = strchr(sql, '%'); c; c = strchr(c + 1, '%')) {
        if (c[1] == '%') {
            c++;
        }
        else if (c[1]) {
            n++;
        }
    }
    return n;
}

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
