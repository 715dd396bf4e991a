/* Schema migrations, embedded at build time from sql/<driver>/NNN_name.sql.
 * Uses apr_dbd only, so the module and the pamps command share it. */
#ifndef PAMPS_MIGRATE_H
#define PAMPS_MIGRATE_H

#include <apr_pools.h>
#include <apr_dbd.h>

typedef struct {
    int version;
    const char *name;
    const char *sql;
} pamps_migration;

/* Generated (build/pamps_migrations.c) */
extern const pamps_migration pamps_migrations_sqlite3[];
extern const int pamps_migrations_sqlite3_count;
extern const pamps_migration pamps_migrations_pgsql[];
extern const int pamps_migrations_pgsql_count;

typedef struct {
    int current;              /* schema version found (0: none) */
    int latest;               /* newest version this build knows */
    int applied;              /* how many were applied now */
    const char *applied_names;/* "001_schema, 002_x" or "" */
    const char *error;        /* set on failure */
} pamps_migrate_result;

/* The next statement of a script, from *pos on (ended in place, *pos moved
 * past it), or NULL when only blanks are left. A ';' ends a statement
 * unless it is in a quoted string, a $$ body (PostgreSQL functions) or a
 * BEGIN or CASE ... END block (SQLite trigger bodies). */
char *pamps_migrate_next(char **pos);

/* With apply = 0 only reports. Returns 0 on success; on failure fills
 * res->error. A database newer than this build is an error. */
int pamps_migrate(apr_pool_t *p, const apr_dbd_driver_t *driver, apr_dbd_t *handle,
                  int apply, pamps_migrate_result *res);

#endif
