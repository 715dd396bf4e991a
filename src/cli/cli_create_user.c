/* pamps create-user: the same checks, hashing and INSERT as the API's
 * register (pamps_rules, pamps_password, pamps_sql's USER_INSERT), so the
 * user can log in through the API; --admin sets the role in the same
 * transaction, so nothing is half-written. */
#include <stdio.h>
#include <string.h>

#include <apr_strings.h>
#include <apr_time.h>

#include "pamps_cli.h"
#include "pamps_sql.h"
#include "pamps_time.h"
#include "pamps_rules.h"
#include "pamps_validate.h"

/* Fails when a row has key; the API's 409 messages, naming value. */
static int check_free(pamps_cli_db *db, int stmt, const char *key, const char *value,
                      const char *taken)
{
    pamps_rows rows;

    if (pamps_cli_select(db, stmt, &rows, PAMPS_ARGS(key))) {
        return pamps_cli_error("cannot read %s: %s", db->label, db->error);
    }
    if (rows.nrows) {
        return pamps_cli_error("%s: %s", taken, value);
    }
    return PAMPS_CLI_OK;
}

static int insert_user(pamps_cli_db *db, const char *username, const char *email,
                       const char *email_key, const char *hash, int admin, const char **id)
{
    const char *now = pamps_cli_now(db->pool);
    pamps_rows rows;

    if (pamps_cli_begin(db)) {
        return pamps_cli_error("cannot write %s: %s", db->label, db->error);
    }
    /* no name, bio or avatar: NULL, as a register body without them */
    if (pamps_cli_select(db, PAMPS_SQL_USER_INSERT, &rows,
                         PAMPS_ARGS(username, email, email_key, hash, NULL, NULL,
                                    NULL, now, now))) {
        goto fail;
    }
    if (rows.nrows != 1) {      /* someone took the name or email meanwhile */
        pamps_cli_rollback(db);
        return pamps_cli_error("Username or email already registered: %s, %s",
                               username, email);
    }
    *id = rows.rows[0].col[PAMPS_COL_VALUE];
    if (admin && pamps_cli_exec(db, PAMPS_SQL_USER_SET_ROLE, NULL,
                                PAMPS_ARGS("admin", now, *id))) {
        goto fail;
    }
    if (pamps_cli_commit(db)) {
        goto fail;
    }
    return PAMPS_CLI_OK;

fail:
    pamps_cli_rollback(db);
    return pamps_cli_error("cannot create the user in %s, nothing written: %s",
                           db->label, db->error);
}

static int run_create_user(pamps_cli_args *a)
{
    const char *username = a->arg[0], *email = a->arg[1], *password, *hash, *id = NULL;
    char *email_key;
    pamps_argon2_cost cost;
    pamps_cli_db *db;
    int rv;

    /* everything that needs no password first: nobody types one in vain */
    if ((rv = pamps_cli_argon2_cost(a->argon2, &cost))) {
        return rv;
    }
    if (!pamps_valid_username(username)) {
        return pamps_cli_error("invalid username '%s': %d to %d of A-Z a-z 0-9 _", username,
                               PAMPS_USERNAME_MIN, PAMPS_USERNAME_MAX);
    }
    if (!pamps_valid_email(email) || !pamps_cli_valid_utf8(email, strlen(email))) {
        return pamps_cli_error("invalid email '%s': one @, a local part and a domain"
                               " with a dot, at most %d characters", email, PAMPS_EMAIL_MAX);
    }
    /* emails are unique by their folded form, as the API has them */
    email_key = apr_palloc(a->pool, strlen(email) + 1);
    pamps_fold_case(email, email_key);
    if ((rv = pamps_cli_db_open(a->pool, a->db, 0, &db))
        || (rv = pamps_cli_db_check_schema(db))
        || (rv = check_free(db, PAMPS_SQL_USER_ID_BY_USERNAME, username, username,
                            "Username already registered"))
        || (rv = check_free(db, PAMPS_SQL_USER_ID_BY_EMAIL, email_key, email,
                            "Email already registered"))) {
        return rv;
    }
    if ((rv = pamps_cli_read_password(a->pool, username, a->password_stdin, &password))) {
        return rv;
    }
    /* hashed before the transaction: SQLite's write lock is not held while
     * argon2 spends its time and memory */
    if (!(hash = pamps_password_hash(a->pool, &cost, password))) {
        return pamps_cli_error("argon2id hashing failed (is %u KiB of memory available?)",
                               cost.memory_kib);
    }
    if ((rv = insert_user(db, username, email, email_key, hash, a->admin, &id))) {
        return rv;
    }
    printf("created %s %s (id %s)\n", a->admin ? "admin" : "user", username, id);
    return PAMPS_CLI_OK;
}

const pamps_cli_command pamps_cli_create_user = {
    "create-user",
    "[--db SPEC] USERNAME EMAIL [--admin] [--password-stdin] [--argon2 M,T,P]",
    "create a user, optionally an admin",
    "Creates a user who can log in through the API at once, checked as the API's\n"
    "register checks: USERNAME " PAMPS_RULE_TEXT(PAMPS_USERNAME_MIN) " to "
    PAMPS_RULE_TEXT(PAMPS_USERNAME_MAX) " of A-Z a-z 0-9 _, EMAIL one @ and a dotted\n"
    "domain, both unique whatever their case; the password "
    PAMPS_RULE_TEXT(PAMPS_PASSWORD_MIN) " to " PAMPS_RULE_TEXT(PAMPS_PASSWORD_MAX)
    " characters.\n"
    "The password is asked twice at the terminal without echo, or read from stdin.\n\n"
    "Options:\n"
    "  --admin            give the user the admin role\n"
    "  --password-stdin   read the password as one line from stdin (for scripts)\n"
    "  --argon2 M,T,P     argon2id cost: memory KiB, iterations, lanes (default\n"
    "                     19456,2,1 as the module's PampsArgon2; env PAMPS_ARGON2)\n\n"
    "Examples:\n"
    "  pamps create-user --db sqlite3:/var/lib/pamps/pamps.db alice alice@example.com --admin\n"
    "  printf '%s\\n' \"$PW\" | pamps create-user bob bob@example.com --password-stdin\n",
    2, 2, { "USERNAME", "EMAIL" },
    PAMPS_OPT_DB | PAMPS_OPT_ADMIN | PAMPS_OPT_PASSWORD_STDIN | PAMPS_OPT_ARGON2,
    run_create_user
};
