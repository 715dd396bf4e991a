/* pamps migrate: the module's own migrations (pamps_migrate.c, embedded
 * from sql/<driver>/), applied on demand instead of at httpd's start. */
#include <stdio.h>

#include "pamps_cli.h"
#include "pamps_migrate.h"

static int run_migrate(pamps_cli_args *a)
{
    pamps_migrate_result res;
    pamps_cli_db *db;
    int rv;

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
    "migrate", "[--db SPEC]",
    "apply pending schema migrations",
    "Applies the migrations this build carries (sql/sqlite/ or sql/pgsql/) that the\n"
    "database lacks, in one transaction, and names them. Running it again applies\n"
    "nothing. A database whose schema is newer than this build is left alone, with\n"
    "an error. With sqlite3, a missing file is created: run pamps as the user httpd\n"
    "runs as (e.g. sudo -u www-data), so that the server can write the file.\n\n"
    "Example:\n"
    "  pamps migrate --db sqlite3:/var/lib/pamps/pamps.db\n",
    0, 0, { NULL, NULL }, PAMPS_OPT_DB, run_migrate
};
