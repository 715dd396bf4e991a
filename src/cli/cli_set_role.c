/* pamps set-role: the role changes (with updated_at, through the API's own
 * USER_SET_ROLE statement). Tokens stay valid (no token_version bump): the
 * API re-reads the role on every request, so the change shows on the
 * user's next request. */
#include <stdio.h>
#include <string.h>

#include "pamps_cli.h"
#include "pamps_rules.h"
#include "pamps_sql.h"

static int run_set_role(pamps_cli_args *a)
{
    const char *username = a->arg[0], *role = a->arg[1], *id, *name, *was;
    pamps_cli_db *db;
    pamps_row user;
    int rv, changed = 0;

    if (!pamps_valid_role(role)) {
        return pamps_cli_usage_error(&pamps_cli_set_role, "role '%s': give admin or user",
                                     role);
    }
    if ((rv = pamps_cli_db_open(a->pool, a->db, 0, &db))
        || (rv = pamps_cli_db_check_schema(db))
        /* read first only to report the old role; the UPDATE alone decides */
        || (rv = pamps_cli_find_user(db, username, &user))) {
        return rv;
    }
    id = user.col[PAMPS_COL_AUTH_ID];
    name = user.col[PAMPS_COL_AUTH_USERNAME];
    was = user.col[PAMPS_COL_AUTH_ROLE];
    if (strcmp(was, role) == 0) {
        printf("%s is already %s\n", name, role);
        return PAMPS_CLI_OK;
    }
    if (pamps_cli_exec(db, PAMPS_SQL_USER_SET_ROLE, &changed,
                       PAMPS_ARGS(role, pamps_cli_now(a->pool), id))) {
        return pamps_cli_error("cannot change the role in %s: %s", db->label, db->error);
    }
    if (changed != 1) {         /* deleted since we read it */
        return pamps_cli_error("no user named %s", username);
    }
    printf("%s is now %s (was %s)\n", name, role, was);
    return PAMPS_CLI_OK;
}

const pamps_cli_command pamps_cli_set_role = {
    "set-role", "[--db SPEC] USERNAME admin|user",
    "make a user an admin or a plain user",
    "Sets the user's role (USERNAME in any case). Nothing else changes: the user's\n"
    "tokens stay valid, and the API applies the new role from their next request.\n\n"
    "Example:\n"
    "  pamps set-role --db sqlite3:/var/lib/pamps/pamps.db alice admin\n",
    2, 2, { "USERNAME", "ROLE" }, PAMPS_OPT_DB, run_set_role
};
