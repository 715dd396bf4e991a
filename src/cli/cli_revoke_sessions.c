/* pamps revoke-sessions: every token of a user stops working at once (a
 * stolen laptop, a departed employee): the token version goes up, which
 * ends the access tokens, and the refresh tokens are revoked, in one
 * transaction. The password stays. */
#include <stdio.h>

#include "pamps_cli.h"

static int revoke_all(pamps_cli_db *db, const char *user_id, const void *unused)
{
    (void)unused;
    return pamps_cli_exec(db, PAMPS_SQL_USER_BUMP_TOKEN_VERSION, NULL, PAMPS_ARGS(user_id))
           || pamps_cli_exec(db, PAMPS_SQL_REFRESH_REVOKE_USER, NULL,
                             PAMPS_ARGS(pamps_cli_now(db->pool), user_id));
}

static int run_revoke_sessions(pamps_cli_args *a)
{
    pamps_cli_db *db;
    pamps_row user;
    int rv;

    if ((rv = pamps_cli_db_open(a->pool, a->db, 0, &db))
        || (rv = pamps_cli_db_check_schema(db))
        || (rv = pamps_cli_find_user(db, a->arg[0], &user))
        || (rv = pamps_cli_user_transaction(db, "revoke the sessions",
                                            user.col[PAMPS_COL_AUTH_ID], revoke_all, NULL))) {
        return rv;
    }
    printf("every token of %s revoked\n", user.col[PAMPS_COL_AUTH_USERNAME]);
    return PAMPS_CLI_OK;
}

const pamps_cli_command pamps_cli_revoke_sessions = {
    "revoke-sessions", "[--db SPEC] USERNAME",
    "end every session (all tokens) of a user",
    "Revokes every token of USERNAME (any case): access tokens stop working on\n"
    "their next request, refresh tokens can no longer be used, on every node.\n"
    "The user can log in again with their password.\n\n"
    "Example:\n"
    "  pamps revoke-sessions --db sqlite3:/var/lib/pamps/pamps.db alice\n",
    1, 1, { "USERNAME", NULL }, PAMPS_OPT_DB, run_revoke_sessions
};
