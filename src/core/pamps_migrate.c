/* Applies embedded migrations once each, recorded in pamps_schema_migrations,
 * inside one transaction so a failure leaves the schema as it was. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <apr_strings.h>

#include "pamps_migrate.h"

#define PG_MIGRATION_LOCK "SELECT pg_advisory_xact_lock(7262677)"

static const char *dbd_error(const apr_dbd_driver_t *d, apr_dbd_t *h, int rv)
{
    const char *e = apr_dbd_error(d, h, rv);
    return e ? e : "unknown database error";
}

static int ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
           || c == '_';
}

/* whether the word at s (which starts a word) is w, in any case */
static int word_is(const char *s, const char *w)
{
    size_t n = strlen(w);

    return strncasecmp(s, w, n) == 0 && !ident_char(s[n]);
}

char *pamps_migrate_next(char **pos)
{
    char *s = *pos + strspn(*pos, " \t\r\n"), *start = s;
    int depth = 0, quote = 0, dollar = 0;

    if (!*s) {
        *pos = s;
        return NULL;
    }
    for (; *s; s++) {
        if (quote || dollar) {
            /* '' inside a string closes and reopens it: the same state */
            if (quote && *s == '\'') {
                quote = 0;
            }
            else if (dollar && s[0] == '$' && s[1] == '$') {
                dollar = 0;
                s++;
            }
        }
        else if (*s == '\'') {
            quote = 1;
        }
        else if (s[0] == '$' && s[1] == '$') {
            dollar = 1;
            s++;
        }
        else if (ident_char(*s) && (s == start || !ident_char(s[-1]))) {
            if (word_is(s, "BEGIN") || word_is(s, "CASE")) {
                depth++;
            }
            else if (word_is(s, "END") && depth > 0) {
                depth--;
            }
        }
        else if (*s == ';' && depth == 0) {
            *s = '\0';
            *pos = s + 1;
            return start;
        }
    }
    *pos = s;
    return start;
}

/* Runs each statement of a script (comment lines dropped). */
static int run_script(apr_pool_t *p, const apr_dbd_driver_t *d, apr_dbd_t *h,
                      const char *script, const char **err)
{
    char *copy = apr_pstrdup(p, script), *line, *state = NULL;
    char *clean = apr_pcalloc(p, strlen(script) + 1), *stmt, *pos;

    for (line = apr_strtok(copy, "\n", &state); line; line = apr_strtok(NULL, "\n", &state)) {
        const char *t = line;
        while (*t == ' ' || *t == '\t') {
            t++;
        }
        if (strncmp(t, "--", 2) != 0) {
            strcat(clean, line);
            strcat(clean, "\n");
        }
    }
    for (pos = clean; (stmt = pamps_migrate_next(&pos)) != NULL;) {
        int nrows = 0, rv;

        if (!*stmt) {
            continue;
        }
        rv = apr_dbd_query(d, h, &nrows, stmt);
        if (rv) {
            *err = apr_psprintf(p, "%s (in: %.60s...)", dbd_error(d, h, rv), stmt);
            return -1;
        }
    }
    return 0;
}

static int current_version(apr_pool_t *p, const apr_dbd_driver_t *d, apr_dbd_t *h,
                           int *version, const char **err)
{
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    int rv = apr_dbd_select(d, p, h, &res,
                            "SELECT MAX(version) FROM pamps_schema_migrations", 1);

    *version = 0;
    if (rv) {
        *err = dbd_error(d, h, rv);
        return -1;
    }
    while (apr_dbd_get_row(d, p, res, &row, -1) == 0) {   /* read to the end */
        const char *v = apr_dbd_get_entry(d, row, 0);
        if (v) {
            *version = atoi(v);
        }
    }
    return 0;
}

int pamps_migrate(apr_pool_t *p, const apr_dbd_driver_t *d, apr_dbd_t *h,
                  int apply, pamps_migrate_result *res)
{
    int is_pg = strcmp(apr_dbd_name(d), "pgsql") == 0, n, nrows = 0, rv;
    const pamps_migration *list = is_pg ? pamps_migrations_pgsql : pamps_migrations_sqlite3;
    apr_dbd_transaction_t *txn = NULL;
    apr_dbd_prepared_t *record = NULL;
    const char *err = NULL;

    memset(res, 0, sizeof(*res));
    res->applied_names = "";
    n = is_pg ? pamps_migrations_pgsql_count : pamps_migrations_sqlite3_count;
    res->latest = n ? list[n - 1].version : 0;

    if (apply && !is_pg) {
        /* WAL lets readers run beside the writer; it persists in the file */
        apr_dbd_query(d, h, &nrows, "PRAGMA journal_mode = WAL");
    }
    if (apply) {
        rv = apr_dbd_query(d, h, &nrows,
                           "CREATE TABLE IF NOT EXISTS pamps_schema_migrations ("
                           " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                           " applied_at TEXT NOT NULL)");
        if (rv && !is_pg) {
            res->error = dbd_error(d, h, rv);
            return -1;
        }
        /* on PostgreSQL two nodes may race here: the loser's error is
         * harmless, the advisory lock below serialises the rest */
    }
    if (!apply) {
        if (current_version(p, d, h, &res->current, &err)) {
            res->current = 0;           /* no table yet: nothing applied */
        }
        goto check_newer;
    }

    if ((rv = apr_dbd_transaction_start(d, p, h, &txn))) {
        res->error = dbd_error(d, h, rv);
        if (txn) {              /* recorded even when BEGIN failed: clear it */
            apr_dbd_transaction_mode_set(d, txn, APR_DBD_TRANSACTION_ROLLBACK);
            apr_dbd_transaction_end(d, p, txn);
        }
        return -1;
    }
    if (is_pg && (rv = apr_dbd_query(d, h, &nrows, PG_MIGRATION_LOCK))) {
        err = dbd_error(d, h, rv);
        goto fail;
    }
    if (current_version(p, d, h, &res->current, &err)) {
        goto fail;
    }
    if (res->current > res->latest) {
        goto fail_newer;
    }
    for (int i = 0; i < n; i++) {
        char now[32];
        apr_time_exp_t tm;
        apr_size_t len;

        if (list[i].version <= res->current) {
            continue;
        }
        if (run_script(p, d, h, list[i].sql, &err)) {
            err = apr_psprintf(p, "migration %s: %s", list[i].name, err);
            goto fail;
        }
        apr_time_exp_gmt(&tm, apr_time_now());
        apr_strftime(now, &len, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
        /* prepared after the script: SQLite statements do not survive a
         * schema change made after they were prepared */
        rv = apr_dbd_prepare(d, p, h, "INSERT INTO pamps_schema_migrations"
                             " (version, name, applied_at) VALUES (%s, %s, %s)",
                             NULL, &record);
        if (!rv) {
            rv = apr_dbd_pvquery(d, p, h, &nrows, record,
                                 apr_itoa(p, list[i].version), list[i].name, now);
        }
        if (rv) {
            err = dbd_error(d, h, rv);
            goto fail;
        }
        res->applied_names = res->applied
            ? apr_pstrcat(p, res->applied_names, ", ", list[i].name, NULL)
            : list[i].name;
        res->applied++;
    }
    if ((rv = apr_dbd_transaction_end(d, p, txn))) {
        res->error = dbd_error(d, h, rv);
        return -1;
    }
    res->current = res->latest > res->current ? res->latest : res->current;
    return 0;

check_newer:
    if (res->current > res->latest) {
        res->error = apr_psprintf(p, "the database schema (version %d) is newer than"
                                  " this build knows (version %d)", res->current,
                                  res->latest);
        return -1;
    }
    return 0;

fail_newer:
    err = apr_psprintf(p, "the database schema (version %d) is newer than this"
                       " build knows (version %d)", res->current, res->latest);
fail:
    apr_dbd_transaction_mode_set(d, txn, APR_DBD_TRANSACTION_ROLLBACK);
    apr_dbd_transaction_end(d, p, txn);
    res->error = err;
    res->applied = 0;
    res->applied_names = "";
    return -1;
}
