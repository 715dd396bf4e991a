/* pamps: the admin command of mod_pamps. This file finds the command,
 * parses its arguments against the command's definition, and prints help
 * and errors; each command lives in its own cli_*.c file. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "pamps_cli.h"
#include "pamps_migrate.h"
#include "pamps_version.h"

static const pamps_cli_command *const commands[] = {
    &pamps_cli_migrate,
    &pamps_cli_create_user,
    &pamps_cli_user_list,
    &pamps_cli_set_role,
    &pamps_cli_reset_password,
    &pamps_cli_revoke_sessions,
    &pamps_cli_unlock,
    &pamps_cli_delete_user,
};
#define NCOMMANDS (int)(sizeof(commands) / sizeof(commands[0]))

static const struct {
    const char *name;
    unsigned bit;
    int has_value;
} options[] = {
    { "--db",             PAMPS_OPT_DB,             1 },
    { "--admin",          PAMPS_OPT_ADMIN,          0 },
    { "--password-stdin", PAMPS_OPT_PASSWORD_STDIN, 0 },
    { "--argon2",         PAMPS_OPT_ARGON2,         1 },
    { "--json",           PAMPS_OPT_JSON,           0 },
    { "--status",         PAMPS_OPT_STATUS,         0 },
    { "--dry-run",        PAMPS_OPT_DRY_RUN,        0 },
    { "--yes",            PAMPS_OPT_YES,            0 },
    { "--address",        PAMPS_OPT_ADDRESS,        1 },
};
#define NOPTIONS (int)(sizeof(options) / sizeof(options[0]))

static const char db_help[] =
    "Database (the one httpd's DBDriver and DBDParams name):\n"
    "  --db sqlite3:PATH                     an SQLite file\n"
    "  --db 'pgsql:host=H dbname=D user=U'   a PostgreSQL connection string\n"
    "  PAMPS_DB=...                          used when --db is not given\n";

/* Driver messages (libpq's above all) span lines and end in newlines: fold
 * them, so that every error is one line. */
static void print_folded(const char *prefix, const char *msg)
{
    char buf[2048], prev = ' ';
    size_t n = 0;

    /* runs of white space become one space, none at either end */
    for (const char *s = msg; *s && n < sizeof(buf) - 1; s++) {
        char c = (*s == '\n' || *s == '\r' || *s == '\t') ? ' ' : *s;

        if (c != ' ' || prev != ' ') {
            buf[n++] = c;
        }
        prev = c;
    }
    if (n > 0 && prev == ' ') {
        n--;
    }
    buf[n] = '\0';
    fprintf(stderr, "%s: %s\n", prefix, buf);
}

int pamps_cli_error(const char *fmt, ...)
{
    char msg[2048];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    print_folded("pamps", msg);
    return PAMPS_CLI_ERROR;
}

int pamps_cli_usage_error(const pamps_cli_command *cmd, const char *fmt, ...)
{
    char msg[2048], prefix[64];
    size_t len;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    len = strlen(msg);
    snprintf(msg + len, sizeof(msg) - len, " (see 'pamps %s%s--help')",
             cmd ? cmd->name : "", cmd ? " " : "");
    snprintf(prefix, sizeof(prefix), "pamps%s%s", cmd ? " " : "", cmd ? cmd->name : "");
    print_folded(prefix, msg);
    return PAMPS_CLI_USAGE;
}

static void print_usage(FILE *out)
{
    fprintf(out, "usage: pamps [--db SPEC] COMMAND [ARGS...]\n\n"
            "Administers the database of mod_pamps (pamps --version: this build).\n\n"
            "Commands:\n");
    for (int i = 0; i < NCOMMANDS; i++) {
        fprintf(out, "  %-16s %s\n", commands[i]->name, commands[i]->summary);
    }
    fprintf(out, "\n%s\nRun 'pamps COMMAND --help' for what a command takes.\n"
            "Exit status: 0 done, 1 error, 2 usage error.\n", db_help);
}

static void print_command_help(const pamps_cli_command *cmd)
{
    printf("usage: pamps %s %s\n\n%s: %s.\n\n%s\n%s\nExit status: 0 done, 1 error,"
           " 2 usage error.\n", cmd->name, cmd->synopsis, cmd->name, cmd->summary,
           cmd->help, db_help);
}

/* "--name" or "--name=value" */
static int option_matches(const char *arg, const char *name)
{
    size_t n = strlen(name);

    return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

static void set_option(pamps_cli_args *a, unsigned bit, const char *value)
{
    switch (bit) {
    case PAMPS_OPT_DB:             a->db = value;          break;
    case PAMPS_OPT_ARGON2:         a->argon2 = value;      break;
    case PAMPS_OPT_ADMIN:          a->admin = 1;           break;
    case PAMPS_OPT_PASSWORD_STDIN: a->password_stdin = 1;  break;
    case PAMPS_OPT_JSON:           a->json = 1;            break;
    case PAMPS_OPT_STATUS:         a->status = 1;          break;
    case PAMPS_OPT_DRY_RUN:        a->dry_run = 1;         break;
    case PAMPS_OPT_YES:            a->yes = 1;             break;
    case PAMPS_OPT_ADDRESS:        a->address = value;     break;
    }
}

/* Options and arguments may come in any order; "--" ends the options.
 * --help anywhere wins over any other problem, so that it always helps.
 * Returns -1 to go on, else the exit status. */
static int parse_args(const pamps_cli_command *cmd, int argc, const char *const *argv,
                      pamps_cli_args *a)
{
    apr_pool_t *p = a->pool;
    const char *problem = NULL;
    int help = 0, options_done = 0;

    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i], *value = NULL;
        int o;

        if (!options_done && strcmp(arg, "--") == 0) {
            options_done = 1;
            continue;
        }
        if (!options_done && (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0)) {
            help = 1;
            continue;
        }
        if (options_done || arg[0] != '-' || arg[1] == '\0') {
            if (a->nargs < cmd->max_args) {
                a->arg[a->nargs++] = arg;
            }
            else if (!problem) {
                problem = apr_psprintf(p, "unexpected argument '%s'", arg);
            }
            continue;
        }
        for (o = 0; o < NOPTIONS && !option_matches(arg, options[o].name); o++) {
        }
        if (o == NOPTIONS || !(cmd->options & options[o].bit)) {
            problem = problem ? problem : apr_psprintf(p, "unknown option '%s'", arg);
            continue;
        }
        if (strchr(arg, '=')) {
            value = strchr(arg, '=') + 1;
        }
        else if (options[o].has_value && i + 1 < argc) {
            value = argv[++i];
        }
        if (options[o].has_value && !value) {
            problem = problem ? problem
                              : apr_psprintf(p, "%s needs a value", options[o].name);
            continue;
        }
        if (!options[o].has_value && value) {
            problem = problem ? problem
                              : apr_psprintf(p, "%s takes no value", options[o].name);
            continue;
        }
        set_option(a, options[o].bit, value);
    }

    if (help) {
        print_command_help(cmd);
        return PAMPS_CLI_OK;
    }
    if (problem) {
        return pamps_cli_usage_error(cmd, "%s", problem);
    }
    if (a->nargs < cmd->min_args) {
        return pamps_cli_usage_error(cmd, "missing %s", cmd->arg_names[a->nargs]);
    }
    if (!a->db || !*a->db) {
        a->db = getenv("PAMPS_DB");
    }
    if (!a->db || !*a->db) {
        return pamps_cli_usage_error(cmd, "no database given: use --db sqlite3:PATH or"
                                     " --db 'pgsql:...', or set PAMPS_DB");
    }
    if ((cmd->options & PAMPS_OPT_ARGON2) && !a->argon2) {
        a->argon2 = getenv("PAMPS_ARGON2");
    }
    return -1;
}

static const pamps_cli_command *find_command(const char *name)
{
    for (int i = 0; i < NCOMMANDS; i++) {
        if (strcmp(commands[i]->name, name) == 0) {
            return commands[i];
        }
    }
    return NULL;
}

/* the release, and the schema version each database is migrated to */
static void print_version(void)
{
    int n_sqlite = pamps_migrations_sqlite3_count, n_pgsql = pamps_migrations_pgsql_count;

    printf("pamps %s (mod_pamps %s; schema version %d on sqlite3, %d on pgsql)\n",
           PAMPS_VERSION, PAMPS_VERSION,
           n_sqlite ? pamps_migrations_sqlite3[n_sqlite - 1].version : 0,
           n_pgsql ? pamps_migrations_pgsql[n_pgsql - 1].version : 0);
}

static int dispatch(apr_pool_t *p, int argc, const char *const *argv)
{
    const pamps_cli_command *cmd;
    pamps_cli_args a;
    int i = 1, rv;

    memset(&a, 0, sizeof(a));
    a.pool = p;
    /* before the command: --db (kept for the command) and --help */
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            print_usage(stdout);
            return PAMPS_CLI_OK;
        }
        if (strcmp(argv[i], "-V") == 0 || strcmp(argv[i], "--version") == 0) {
            print_version();
            return PAMPS_CLI_OK;
        }
        if (!option_matches(argv[i], "--db")) {
            return pamps_cli_usage_error(NULL, "unknown option '%s'", argv[i]);
        }
        if (strchr(argv[i], '=')) {
            a.db = strchr(argv[i], '=') + 1;
        }
        else if (i + 1 < argc) {
            a.db = argv[++i];
        }
        else {
            return pamps_cli_usage_error(NULL, "--db needs a value");
        }
    }
    if (i == argc) {
        print_usage(stderr);
        return PAMPS_CLI_USAGE;
    }
    if (strcmp(argv[i], "help") == 0) {
        if (i + 1 == argc) {
            print_usage(stdout);
            return PAMPS_CLI_OK;
        }
        if (!(cmd = find_command(argv[i + 1]))) {
            return pamps_cli_usage_error(NULL, "unknown command '%s'", argv[i + 1]);
        }
        print_command_help(cmd);
        return PAMPS_CLI_OK;
    }
    if (!(cmd = find_command(argv[i]))) {
        return pamps_cli_usage_error(NULL, "unknown command '%s'", argv[i]);
    }
    if ((rv = parse_args(cmd, argc - i - 1, argv + i + 1, &a)) >= 0) {
        return rv;
    }
    return cmd->run(&a);
}

int main(int argc, const char *const *argv)
{
    apr_pool_t *pool;
    int rv;

    if (apr_app_initialize(&argc, &argv, NULL) != APR_SUCCESS
        || apr_pool_create(&pool, NULL) != APR_SUCCESS) {
        fprintf(stderr, "pamps: cannot initialise APR\n");
        return PAMPS_CLI_ERROR;
    }
    rv = dispatch(pool, argc, argv);
    fflush(stdout);
    if (ferror(stdout) && rv == PAMPS_CLI_OK) {
        rv = pamps_cli_error("cannot write the output");
    }
    apr_pool_destroy(pool);     /* closes the database connection */
    apr_terminate();
    return rv;
}
