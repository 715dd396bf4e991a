/* pamps migrate: the module's own migrations (pamps_migrate.c, embedded
 * from sql/<driver>/), applied on demand instead of at httpd's start;
 * --status and --dry-run say where the schema is and what would be applied,
 * writing nothing. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <apr_strings.h>

#include "pamps_cli.h"
#include "pamps_migrate.h"

/* The migrations of this build above version current, "" when none. */
static const char *pending(apr_pool_t *p, const char *driver, int current, int *count)
{
    int is_pg = strcmp(driver, "pgsql") == 0;
    int n = is_pg ? pamps_migrations_pgsql_count : pamps_migrations_sqlite3_count;
    const pamps_migration *list = is_pg ? pamps_migrations_pgsql : pamps_migrations_sqlite3;
    const char *names = "";

    *count = 0;
    for (int i = 0; i < n; i++) {
        if (list[i].version > current) {
            names = apr_pstrcat(p, names, *count ? ", " : "", list[i].name, NULL);
            ++*count;
        }
    }
    return names;
}

/* --status and --dry-run: the database as it is, and what migrate would do */
static int report(pamps_cli_args *a)
{
    const char *colon = strchr(a->db, ':'), *names, *driver;
    pamps_migrate_result res;
    pamps_cli_db *db;
    int rv, count;

    /* SQLite: a missing file is reported, not created */
    if (colon && strncmp(a->db, "sqlite3:", 8) == 0 && colon[1]
        && access(colon + 1, F_OK) != 0) {
        names = pending(a->pool, "sqlite3", 0, &count);
        if (a->dry_run) {
            printf("would create %s and apply %s\n", colon + 1, names);
            return PAMPS_CLI_OK;
        }
        printf("no database at %s: %d migration%s pending (%s)\n", colon + 1, count,
               count == 1 ? "" : "s", names);
        return PAMPS_CLI_OK;
    }
    if ((rv = pamps_cli_db_open(a->pool, a->db, 0, &db))) {
        return rv;
    }
    if (pamps_migrate(a->pool, db->driver, db->handle, 0, &res)) {
        return pamps_cli_error("%s: %s: use a newer pamps", db->label, res.error);
    }
    driver = apr_dbd_name(db->driver);
    names = pending(a->pool, driver, res.current, &count);
    if (a->dry_run) {
        if (count) {
            printf("would apply %s; schema would go from version %d to %d\n", names,
                   res.current, res.latest);
        }
        else {
            printf("nothing to apply; schema is at version %d\n", res.current);
        }
        return PAMPS_CLI_OK;
    }
    printf("schema version %d, this build's latest %d: %s\n", res.current, res.latest,
           count ? apr_psprintf(a->pool, "%d pending (%s)", count, names) : "up to date");
    return PAMPS_CLI_OK;
}

static int run_migrate(pamps_cli_args *a)
{
    pamps_migrate_result res;
    pamps_cli_db *db;
    int rv;

    if (a->status && a->dry_run) {
        return pamps_cli_usage_error(&pamps_cli_migrate, "--status or --dry-run, not both");
    }
    if (a->status || a->dry_run) {
        return report(a);
    }
    /* the one command allowed to create an SQLite file */
    if ((rv = pamps_cli_db_open(a->pool, a->db, 1, &db))) {
        return rv;
    }
    if (pamps_migrate(a->pool, db->driver, db->handle, 1, &res)) {
        return pamps_cli_error("nothing applied to %s: %s", db->label, res.error);
    }
    if (res.applied) {
        printf("applied %s; schema is at version %d\n", res.applied_names, res.current);
    }
    else {
        printf("nothing to apply; schema is at version %d\n", res.current);
    }
    return PAMPS_CLI_OK;
}

const pamps_cli_command pamps_cli_migrate = {
    "migrate", "[--db SPEC] [--status | --dry-run]",
    "apply pending schema migrations",
    "Applies the migrations this build carries (sql/sqlite/ or sql/pgsql/) that the\n"
    "database lacks, in one transaction, and names them. Running it again applies\n"
    "nothing. A database whose schema is newer than this build is left alone, with\n"
    "an error. With sqlite3, a missing file is created: run pamps as the user httpd\n"
    "runs as (runuser -u www-data -- pamps ...), so that the server can write it.\n"
    "httpd with PampsAutoMigrate On applies the same migrations when it starts.\n\n"
    "Options:\n"
    "  --status    the schema version, this build's latest and what is pending\n"
    "  --dry-run   what would be applied, without writing anything\n\n"
    "Examples:\n"
    "  pamps migrate --db sqlite3:/var/lib/pamps/pamps.db --status\n"
    "  runuser -u www-data -- pamps migrate --db sqlite3:/var/lib/pamps/pamps.db\n",
    0, 0, { NULL, NULL }, PAMPS_OPT_DB | PAMPS_OPT_STATUS | PAMPS_OPT_DRY_RUN, run_migrate
};
