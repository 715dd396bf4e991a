/* The statement table, expanded from the list in pamps_sql.h. */
#include "pamps_sql.h"

#define PAMPS_SQL_ENTRY(name, text) [PAMPS_SQL_##name] = { "pamps_" #name, text },
const pamps_sql_statement pamps_sql[PAMPS_SQL_COUNT] = {
    PAMPS_STATEMENTS(PAMPS_SQL_ENTRY)
};
