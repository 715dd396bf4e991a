/* pamps delete-user: a user and everything that is theirs, with the
 * statements the API's account deletion runs (pamps_account_delete), in
 * the same order, in one transaction: likes given and received, replies
 * by others detached, posts, follows, tasks, tokens, memberships, the row. */
#include <stdio.h>

#include <apr_strings.h>

#include "pamps_cli.h"

static int delete_all(pamps_cli_db *db, const char *user_id, const void *unused)
{
    static const int steps[] = {
        PAMPS_SQL_USER_DEL_LIKES, PAMPS_SQL_USER_DETACH_REPLIES, PAMPS_SQL_USER_DEL_POSTS,
        PAMPS_SQL_USER_DEL_FOLLOWS, PAMPS_SQL_USER_DEL_TASKS, PAMPS_SQL_USER_DEL_TOKENS,
        PAMPS_SQL_USER_DEL_DEPARTMENTS, PAMPS_SQL_USER_DEL_POSITIONS, PAMPS_SQL_USER_DELETE
    };
    int deleted = 0;

    (void)unused;
    for (size_t i = 0; i < sizeof(steps) / sizeof(*steps); i++) {
        if (pamps_cli_exec_user(db, steps[i], user_id, &deleted)) {
            return -1;
        }
    }
    if (deleted != 1) {         /* the last step: someone deleted it meanwhile */
        db->error = "the user is gone already";
        return -1;
    }
    return 0;
}

static int run_delete_user(pamps_cli_args *a)
{
    const char *name;
    pamps_cli_db *db;
    pamps_row user;
    int rv;

    if ((rv = pamps_cli_db_open(a->pool, a->db, 0, &db))
        || (rv = pamps_cli_db_check_schema(db))
        || (rv = pamps_cli_find_user(db, a->arg[0], &user))) {
        return rv;
    }
    name = user.col[PAMPS_COL_AUTH_USERNAME];
    if (!a->yes
        && (rv = pamps_cli_confirm(&pamps_cli_delete_user,
                                   apr_psprintf(a->pool, "Delete %s with all their posts,"
                                                " likes, follows, tasks and tokens?"
                                                " Type the username to confirm: ", name),
                                   name))) {
        return rv;
    }
    if ((rv = pamps_cli_user_transaction(db, "delete the user", user.col[PAMPS_COL_AUTH_ID],
                                         delete_all, NULL))) {
        return rv;
    }
    printf("deleted %s (id %s) and everything that was theirs\n", name,
           user.col[PAMPS_COL_AUTH_ID]);
    return PAMPS_CLI_OK;
}

const pamps_cli_command pamps_cli_delete_user = {
    "delete-user", "[--db SPEC] USERNAME [--yes]",
    "delete a user and all that is theirs",
    "Deletes USERNAME (any case) as the API's account deletion does, in one\n"
    "transaction: their posts and likes (replies others wrote to their posts stay,\n"
    "detached), follows, tasks, tokens and memberships of departments and\n"
    "positions. Asks to type the username again at the terminal.\n\n"
    "Options:\n"
    "  --yes   do not ask (for scripts; without a terminal it is required)\n\n"
    "Example:\n"
    "  pamps delete-user --db sqlite3:/var/lib/pamps/pamps.db mallory\n",
    1, 1, { "USERNAME", NULL }, PAMPS_OPT_DB | PAMPS_OPT_YES, run_delete_user
};
