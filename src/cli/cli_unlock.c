/* pamps unlock: forgets the failed logins that throttle an account or a
 * client address (login_failures rows, through FAILURES_CLEAR, keyed as
 * the API keys them: "user:<id>" for an account, "name:<lower-cased>" for a
 * name no account has, "addr:<ip>" for an address). */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "pamps_cli.h"

static int clear_key(pamps_cli_db *db, const char *key, int *cleared)
{
    int n = 0;

    if (pamps_cli_exec(db, PAMPS_SQL_FAILURES_CLEAR, &n, PAMPS_ARGS(key))) {
        return pamps_cli_error("cannot write %s: %s", db->label, db->error);
    }
    *cleared += n;
    return PAMPS_CLI_OK;
}

/* an account's key, and the key of its name as typed at a login before the
 * account existed */
static int unlock_account(pamps_cli_db *db, const char *username, int *cleared)
{
    char *name = apr_pstrdup(db->pool, username);
    pamps_rows rows;
    int rv;

    for (char *c = name; *c; c++) {
        *c = (char)apr_tolower(*c);
    }
    if (pamps_cli_select(db, PAMPS_SQL_USER_ID_BY_USERNAME, &rows, PAMPS_ARGS(username))) {
        return pamps_cli_error("cannot read %s: %s", db->label, db->error);
    }
    if (rows.nrows
        && (rv = clear_key(db, apr_pstrcat(db->pool, "user:", rows.rows[0].col[PAMPS_COL_VALUE],
                                           NULL), cleared))) {
        return rv;
    }
    return clear_key(db, apr_pstrcat(db->pool, "name:", name, NULL), cleared);
}

static int run_unlock(pamps_cli_args *a)
{
    const char *target = a->nargs ? a->arg[0] : a->address;
    pamps_cli_db *db;
    unsigned char addr[16];
    char ip[INET6_ADDRSTRLEN];
    int rv, cleared = 0;

    if (!a->nargs == !a->address) {
        return pamps_cli_usage_error(&pamps_cli_unlock, "give a USERNAME or --address IP,"
                                     " one of them");
    }
    /* as httpd writes it: an IPv6 address in its canonical form */
    if (a->address) {
        int family = strchr(a->address, ':') ? AF_INET6 : AF_INET;

        if (inet_pton(family, a->address, addr) != 1
            || !inet_ntop(family, addr, ip, sizeof(ip))) {
            return pamps_cli_usage_error(&pamps_cli_unlock, "--address '%s': give an IPv4"
                                         " or IPv6 address", a->address);
        }
        target = ip;
    }
    if ((rv = pamps_cli_db_open(a->pool, a->db, 0, &db))
        || (rv = pamps_cli_db_check_schema(db))) {
        return rv;
    }
    rv = a->address ? clear_key(db, apr_pstrcat(a->pool, "addr:", ip, NULL), &cleared)
                    : unlock_account(db, target, &cleared);
    if (rv) {
        return rv;
    }
    printf("%s unlocked (%d failed login%s forgotten)\n",
           pamps_cli_printable(a->pool, target), cleared, cleared == 1 ? "" : "s");
    return PAMPS_CLI_OK;
}

const pamps_cli_command pamps_cli_unlock = {
    "unlock", "[--db SPEC] USERNAME | --address IP",
    "clear failed-login throttling of an account or address",
    "Forgets the failed logins counted against USERNAME (any case; also a name no\n"
    "account has, as typed at the login), or against a client address, so that\n"
    "logins are no longer refused with 429 before the window (PampsLoginThrottle)\n"
    "has passed. The password is not touched.\n\n"
    "Options:\n"
    "  --address IP   the client address (as httpd sees it: behind a proxy, the\n"
    "                 address mod_remoteip gives) instead of an account\n\n"
    "Examples:\n"
    "  pamps unlock --db sqlite3:/var/lib/pamps/pamps.db alice\n"
    "  pamps unlock --address 203.0.113.7\n",
    0, 1, { "USERNAME", NULL }, PAMPS_OPT_DB | PAMPS_OPT_ADDRESS, run_unlock
};
