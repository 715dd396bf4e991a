/* The pamps admin command (src/cli/): what its files share. It links the
 * httpd-free core (migrations, validation, hashing, time, SQL) and apr-dbd,
 * never httpd itself. */
#ifndef PAMPS_CLI_H
#define PAMPS_CLI_H

#include <apr_pools.h>
#include <apr_dbd.h>

#include "pamps_password.h"
#include "pamps_rows.h"
#include "pamps_sql.h"

/* Exit statuses */
#define PAMPS_CLI_OK    0
#define PAMPS_CLI_ERROR 1
#define PAMPS_CLI_USAGE 2

/* Options; each command says which of them it takes. */
#define PAMPS_OPT_DB             0x01
#define PAMPS_OPT_ADMIN          0x02
#define PAMPS_OPT_PASSWORD_STDIN 0x04
#define PAMPS_OPT_ARGON2         0x08
#define PAMPS_OPT_JSON           0x10
#define PAMPS_OPT_STATUS         0x20
#define PAMPS_OPT_DRY_RUN        0x40
#define PAMPS_OPT_YES            0x80
#define PAMPS_OPT_ADDRESS        0x100

#define PAMPS_CLI_MAX_ARGS 2

/* A command line, parsed and checked against the command's definition. */
typedef struct {
    apr_pool_t *pool;
    const char *db;               /* --db, else $PAMPS_DB; NULL when neither */
    const char *argon2;           /* --argon2, else $PAMPS_ARGON2, or NULL */
    const char *address;          /* unlock --address */
    int admin, password_stdin, json, status, dry_run, yes;
    const char *arg[PAMPS_CLI_MAX_ARGS];   /* positional arguments */
    int nargs;
} pamps_cli_args;

typedef struct {
    const char *name;
    const char *synopsis;         /* what follows the name in "usage:" */
    const char *summary;          /* one line for the command list */
    const char *help;             /* the rest of --help */
    int min_args, max_args;
    const char *arg_names[PAMPS_CLI_MAX_ARGS];   /* for "missing EMAIL" */
    unsigned options;             /* PAMPS_OPT_* it accepts */
    int (*run)(pamps_cli_args *a);
} pamps_cli_command;

/* pamps.c: one line on stderr, "pamps: ..." (newlines in driver messages
 * folded), returning PAMPS_CLI_ERROR or PAMPS_CLI_USAGE. A usage error
 * points at 'pamps [cmd] --help' (cmd may be NULL). */
int pamps_cli_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
int pamps_cli_usage_error(const pamps_cli_command *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* cli_db.c: one connection, chosen by "sqlite3:PATH" or "pgsql:PARAMS" */
typedef struct {
    apr_pool_t *pool;
    const apr_dbd_driver_t *driver;
    apr_dbd_t *handle;
    apr_dbd_transaction_t *txn;
    const char *label;            /* for messages: the sqlite3 path; never the
                                   * pgsql string, which may hold a password */
    const char *error;            /* the last failure, one line */
} pamps_cli_db;

/* Opens the database, closed when p is destroyed; a sqlite3 file must
 * already exist unless create is set. Prints the error and returns non-zero
 * (an exit status) on failure. */
int pamps_cli_db_open(apr_pool_t *p, const char *spec, int create, pamps_cli_db **db);

/* For every command but migrate: the schema must be exactly what this build
 * migrates to. Prints the error and returns PAMPS_CLI_ERROR if not. */
int pamps_cli_db_check_schema(pamps_cli_db *db);

/* The module's statements (pamps_sql.h, PAMPS_SQL_*) in the database's
 * dialect, all values text, held to their declared number of values.
 * Return 0, or -1 with db->error set. Every row is read and copied. */
int pamps_cli_select(pamps_cli_db *db, int stmt, pamps_rows *out,
                     int nargs, const char *const *args);
int pamps_cli_exec(pamps_cli_db *db, int stmt, int *affected,
                   int nargs, const char *const *args);
/* stmt with the user id as each of its values (the statements that
 * delete or revoke what belongs to one user). */
int pamps_cli_exec_user(pamps_cli_db *db, int stmt, const char *user_id, int *affected);
int pamps_cli_begin(pamps_cli_db *db);
int pamps_cli_commit(pamps_cli_db *db);
void pamps_cli_rollback(pamps_cli_db *db);

/* cli_users.c: the user named username (any case), through the API's
 * USER_AUTH_BY_USERNAME; prints "no user named ..." and returns
 * PAMPS_CLI_ERROR when there is none. */
int pamps_cli_find_user(pamps_cli_db *db, const char *username, pamps_row *user);

/* Runs steps (the caller's statements on one user, given baton) in one
 * transaction; prints what failed and returns PAMPS_CLI_ERROR, nothing
 * written, if one does. what names the change for the message. */
typedef int (*pamps_cli_user_steps)(pamps_cli_db *db, const char *user_id, const void *baton);
int pamps_cli_user_transaction(pamps_cli_db *db, const char *what, const char *user_id,
                               pamps_cli_user_steps steps, const void *baton);

/* RFC 3339 now, as the API stamps rows */
const char *pamps_cli_now(apr_pool_t *p);

/* cli_password.c */
/* The default cost is the module's (PampsArgon2 19456 2 1); text is "M,T,P".
 * Prints the error and returns non-zero when text is malformed. */
int pamps_cli_argon2_cost(const char *text, pamps_argon2_cost *cost);

/* One line from stdin (from_stdin), or typed twice at a terminal without
 * echo; never from argv. Checks the API's rule (PAMPS_PASSWORD_MIN..MAX
 * characters of UTF-8). Prints the error and returns non-zero on failure. */
int pamps_cli_read_password(apr_pool_t *p, const char *username, int from_stdin,
                            const char **password);

/* Asks at the terminal to type confirm (a username) again; 0 when it was.
 * Without a terminal, prints that --yes is needed and returns PAMPS_CLI_USAGE. */
int pamps_cli_confirm(const pamps_cli_command *cmd, const char *question,
                      const char *confirm);

/* cli_text.c */
int pamps_cli_valid_utf8(const char *text, apr_size_t len);

/* A copy safe to print to a terminal or to put in JSON: control characters,
 * and every non-ASCII byte of text that is not UTF-8, become '?'. */
const char *pamps_cli_printable(apr_pool_t *p, const char *s);

/* The commands */
extern const pamps_cli_command pamps_cli_migrate;
extern const pamps_cli_command pamps_cli_create_user;
extern const pamps_cli_command pamps_cli_user_list;
extern const pamps_cli_command pamps_cli_set_role;
extern const pamps_cli_command pamps_cli_reset_password;
extern const pamps_cli_command pamps_cli_revoke_sessions;
extern const pamps_cli_command pamps_cli_unlock;
extern const pamps_cli_command pamps_cli_delete_user;

#endif
