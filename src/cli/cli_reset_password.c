/* pamps reset-password: a new password for a user who lost theirs, as the
 * API's own password change writes it (USER_SET_PASSWORD, which bumps the
 * token version, and REFRESH_REVOKE_USER, in one transaction): every token
 * issued before stops working. */
#include <stdio.h>

#include "pamps_cli.h"

static int set_password(pamps_cli_db *db, const char *user_id, const void *new_hash)
{
    const char *now = pamps_cli_now(db->pool);

    return pamps_cli_exec(db, PAMPS_SQL_USER_SET_PASSWORD, NULL,
                          PAMPS_ARGS(new_hash, now, user_id))
           || pamps_cli_exec(db, PAMPS_SQL_REFRESH_REVOKE_USER, NULL,
                             PAMPS_ARGS(now, user_id));
}

static int run_reset_password(pamps_cli_args *a)
{
    const char *password, *name, *id, *new_hash;
    pamps_argon2_cost cost;
    pamps_cli_db *db;
    pamps_row user;
    int rv;

    if ((rv = pamps_cli_argon2_cost(a->argon2, &cost))
        || (rv = pamps_cli_db_open(a->pool, a->db, 0, &db))
        || (rv = pamps_cli_db_check_schema(db))
        || (rv = pamps_cli_find_user(db, a->arg[0], &user))) {
        return rv;
    }
    id = user.col[PAMPS_COL_AUTH_ID];
    name = user.col[PAMPS_COL_AUTH_USERNAME];
    if ((rv = pamps_cli_read_password(a->pool, name, a->password_stdin, &password))) {
        return rv;
    }
    if (!(new_hash = pamps_password_hash(a->pool, &cost, password))) {
        return pamps_cli_error("argon2id hashing failed (is %u KiB of memory available?)",
                               cost.memory_kib);
    }
    if ((rv = pamps_cli_user_transaction(db, "set the password", id, set_password,
                                              new_hash))) {
        return rv;
    }
    printf("new password set for %s; their sessions ended\n", name);
    return PAMPS_CLI_OK;
}

const pamps_cli_command pamps_cli_reset_password = {
    "reset-password", "[--db SPEC] USERNAME [--password-stdin] [--argon2 M,T,P]",
    "set a user's password; ends their sessions",
    "Sets a new password for USERNAME (any case), held to the API's rules, asked\n"
    "twice at the terminal without echo or read as one line from stdin. As the\n"
    "API's own password change, it ends every session of the user: access and\n"
    "refresh tokens issued before stop working. It does not clear failed-login\n"
    "throttling: 'pamps unlock USERNAME' does.\n\n"
    "Options:\n"
    "  --password-stdin   read the password as one line from stdin (for scripts)\n"
    "  --argon2 M,T,P     argon2id cost, as for create-user (env PAMPS_ARGON2)\n\n"
    "Example:\n"
    "  pamps reset-password --db sqlite3:/var/lib/pamps/pamps.db alice\n",
    1, 1, { "USERNAME", NULL },
    PAMPS_OPT_DB | PAMPS_OPT_PASSWORD_STDIN | PAMPS_OPT_ARGON2, run_reset_password
};
