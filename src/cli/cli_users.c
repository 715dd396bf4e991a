/* What the commands on one user share: finding the user by name, and
 * running a change to them in one transaction. */
#include <apr_strings.h>
#include <apr_time.h>

#include "pamps_cli.h"
#include "pamps_time.h"

const char *pamps_cli_now(apr_pool_t *p)
{
    char now[PAMPS_TIME_LEN];

    pamps_time_format((long long)apr_time_sec(apr_time_now()), now);
    return apr_pstrdup(p, now);
}

int pamps_cli_find_user(pamps_cli_db *db, const char *username, pamps_row *user)
{
    pamps_rows rows;

    if (pamps_cli_select(db, PAMPS_SQL_USER_AUTH_BY_USERNAME, &rows,
                         PAMPS_ARGS(username))) {
        return pamps_cli_error("cannot read %s: %s", db->label, db->error);
    }
    if (rows.nrows == 0) {
        return pamps_cli_error("no user named %s", pamps_cli_printable(db->pool, username));
    }
    *user = rows.rows[0];
    return PAMPS_CLI_OK;
}

int pamps_cli_user_transaction(pamps_cli_db *db, const char *what, const char *user_id,
                               pamps_cli_user_steps steps, const void *baton)
{
    if (pamps_cli_begin(db) || steps(db, user_id, baton) || pamps_cli_commit(db)) {
        pamps_cli_rollback(db);
        return pamps_cli_error("cannot %s in %s, nothing written: %s", what, db->label,
                               db->error);
    }
    return PAMPS_CLI_OK;
}
