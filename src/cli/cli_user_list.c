/* pamps user-list: every user, oldest first, as an aligned table for people
 * or as JSON for scripts. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <apr_strings.h>
#include <jansson.h>

#include "pamps_cli.h"
#include "pamps_sql.h"
#include "pamps_time.h"
#include "pamps_validate.h"

/* The table shows these, in this order. */
static const struct {
    int col;
    const char *title;
} shown[] = {
    { PAMPS_COL_CLI_USER_USERNAME,   "USERNAME" },
    { PAMPS_COL_CLI_USER_EMAIL,      "EMAIL" },
    { PAMPS_COL_CLI_USER_ROLE,       "ROLE" },
    { PAMPS_COL_CLI_USER_CREATED_AT, "CREATED" },
};
#define NSHOWN (int)(sizeof(shown) / sizeof(shown[0]))

/* SQLite hands back our RFC 3339 text, PostgreSQL its own timestamptz form:
 * both are shown the API's way. */
static const char *created_text(apr_pool_t *p, const char *value)
{
    char out[PAMPS_TIME_LEN];
    long long epoch;

    if (pamps_time_parse(value, &epoch)) {
        return value;
    }
    pamps_time_format(epoch, out);
    return apr_pstrdup(p, out);
}

/* Row values made safe to print (see pamps_cli_printable), times canonical. */
static const char ***clean_rows(apr_pool_t *p, const pamps_rows *rows)
{
    const char ***out = apr_pcalloc(p, sizeof(*out) * (rows->nrows + 1));

    for (int i = 0; i < rows->nrows; i++) {
        out[i] = apr_pcalloc(p, sizeof(**out) * PAMPS_CLI_USER_NCOLS);
        for (int c = 0; c < PAMPS_CLI_USER_NCOLS; c++) {
            out[i][c] = pamps_cli_printable(p, rows->rows[i].col[c]);
        }
        out[i][PAMPS_COL_CLI_USER_CREATED_AT] =
            created_text(p, out[i][PAMPS_COL_CLI_USER_CREATED_AT]);
    }
    return out;
}

static int print_json(const char ***cells, int nrows)
{
    json_t *list = json_array();
    int rv;

    for (int i = 0; i < nrows; i++) {
        json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:s, s:s}",
                              "id",
                              (json_int_t)strtoll(cells[i][PAMPS_COL_CLI_USER_ID], NULL, 10),
                              "username", cells[i][PAMPS_COL_CLI_USER_USERNAME],
                              "email", cells[i][PAMPS_COL_CLI_USER_EMAIL],
                              "role", cells[i][PAMPS_COL_CLI_USER_ROLE],
                              "created_at", cells[i][PAMPS_COL_CLI_USER_CREATED_AT]));
    }
    rv = json_dumpf(list, stdout, JSON_INDENT(2));
    json_decref(list);
    putchar('\n');
    return rv ? pamps_cli_error("cannot write the output") : PAMPS_CLI_OK;
}

/* The width the table must fit: the terminal's, else $COLUMNS; 0 (any)
 * when the output goes to a file or a pipe without $COLUMNS. */
static size_t screen_width(void)
{
    struct winsize ws;
    const char *env = getenv("COLUMNS");

    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col) {
        return ws.ws_col;
    }
    return env && atoi(env) > 0 ? (size_t)atoi(env) : 0;
}

/* Narrows the email, then the username column (the ones that can be long)
 * until the table fits limit, down to a useful minimum each. */
static void fit_widths(size_t *width, size_t limit)
{
    static const struct {
        int col;
        size_t min;
    } narrowed[] = { { 1, 16 }, { 0, 10 } };   /* EMAIL, USERNAME in shown[] */
    size_t total = 2 * (NSHOWN - 1);

    for (int s = 0; s < NSHOWN; s++) {
        total += width[s];
    }
    for (int k = 0; k < 2 && limit && total > limit; k++) {
        size_t *w = &width[narrowed[k].col];
        size_t room = *w > narrowed[k].min ? *w - narrowed[k].min : 0;
        size_t cut = total - limit < room ? total - limit : room;

        *w -= cut;
        total -= cut;
    }
}

/* text cut to width characters, its last one an ellipsis, if it is longer */
static const char *clip(apr_pool_t *p, const char *text, size_t width)
{
    size_t chars = 0, i;

    if (pamps_utf8_length(text) <= width) {
        return text;
    }
    for (i = 0; text[i]; i++) {
        if (((unsigned char)text[i] & 0xC0) != 0x80 && ++chars == width) {
            break;
        }
    }
    return apr_pstrcat(p, apr_pstrmemdup(p, text, i), "\xE2\x80\xA6", NULL);
}

/* Columns padded to their widest cell in characters, not bytes (emails may
 * hold UTF-8), two spaces apart, nothing trailing; long names and emails
 * clipped so that the table fits the terminal. */
static void print_table(apr_pool_t *p, const char ***cells, int nrows)
{
    size_t width[NSHOWN];

    for (int s = 0; s < NSHOWN; s++) {
        width[s] = pamps_utf8_length(shown[s].title);
        for (int i = 0; i < nrows; i++) {
            size_t w = pamps_utf8_length(cells[i][shown[s].col]);

            width[s] = w > width[s] ? w : width[s];
        }
    }
    fit_widths(width, screen_width());
    for (int i = -1; i < nrows; i++) {
        for (int s = 0; s < NSHOWN; s++) {
            const char *text = clip(p, i < 0 ? shown[s].title : cells[i][shown[s].col],
                                    width[s]);

            fputs(text, stdout);
            if (s < NSHOWN - 1) {
                printf("%*s", (int)(width[s] - pamps_utf8_length(text) + 2), "");
            }
        }
        putchar('\n');
    }
}

static int run_user_list(pamps_cli_args *a)
{
    pamps_rows rows;
    pamps_cli_db *db;
    int rv;

    if ((rv = pamps_cli_db_open(a->pool, a->db, 0, &db))
        || (rv = pamps_cli_db_check_schema(db))) {
        return rv;
    }
    if (pamps_cli_select(db, PAMPS_SQL_USERS_ALL, &rows, PAMPS_NOARGS)) {
        return pamps_cli_error("cannot read %s: %s", db->label, db->error);
    }
    if (a->json) {
        return print_json(clean_rows(a->pool, &rows), rows.nrows);
    }
    if (rows.nrows == 0) {
        fprintf(stderr, "no users yet (create one with 'pamps create-user')\n");
        return PAMPS_CLI_OK;
    }
    print_table(a->pool, clean_rows(a->pool, &rows), rows.nrows);
    return PAMPS_CLI_OK;
}

const pamps_cli_command pamps_cli_user_list = {
    "user-list", "[--db SPEC] [--json]",
    "list users as a table or JSON",
    "Lists every user, oldest first: username, email, role and creation time\n"
    "(RFC 3339, UTC) in aligned columns. Long names and emails are cut (ending in\n"
    "an ellipsis) to fit the terminal, or $COLUMNS; --json never cuts.\n\n"
    "Options:\n"
    "  --json   a JSON array of {\"id\", \"username\", \"email\", \"role\", \"created_at\"}\n"
    "           instead, for scripts (an empty array when there are no users)\n\n"
    "Example:\n"
    "  pamps user-list --db sqlite3:/var/lib/pamps/pamps.db\n",
    0, 0, { NULL, NULL }, PAMPS_OPT_DB | PAMPS_OPT_JSON, run_user_list
};
