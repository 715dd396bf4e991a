/* A new user's password for the pamps command: read from stdin or typed at a
 * terminal, never taken from argv (where ps shows it to every local user),
 * and held to the API's rules before it is hashed. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <apr_strings.h>

#include "pamps_cli.h"
#include "pamps_rules.h"
#include "pamps_validate.h"

/* PampsArgon2's bounds */
#define MAX_MEMORY_KIB (4 * 1024 * 1024)
#define MAX_ITERATIONS 100
#define MAX_LANES      64

int pamps_cli_argon2_cost(const char *text, pamps_argon2_cost *cost)
{
    static const pamps_argon2_cost def = {
        PAMPS_ARGON2_DEFAULT_MEMORY_KIB, PAMPS_ARGON2_DEFAULT_ITERATIONS,
        PAMPS_ARGON2_DEFAULT_PARALLELISM
    };
    unsigned long m, t, par;
    char extra;

    *cost = def;
    if (!text || !*text) {
        return PAMPS_CLI_OK;
    }
    if (sscanf(text, "%lu,%lu,%lu%c", &m, &t, &par, &extra) != 3 || text[0] == '-'
        || m < 8 || m > MAX_MEMORY_KIB || t < 1 || t > MAX_ITERATIONS
        || par < 1 || par > MAX_LANES || m < 8 * par) {
        return pamps_cli_usage_error(NULL, "argon2 cost '%s': give MEMORY_KIB,ITERATIONS,"
                                     "LANES, e.g. 19456,2,1 (memory at least 8 KiB per"
                                     " lane)", text);
    }
    cost->memory_kib = (unsigned)m;
    cost->iterations = (unsigned)t;
    cost->parallelism = (unsigned)par;
    return PAMPS_CLI_OK;
}

/* One line without its line ending; NULL at end of input. */
static char *read_line(apr_pool_t *p, apr_size_t *len)
{
    char *buf = NULL, *line;
    size_t size = 0;
    ssize_t n = getline(&buf, &size, stdin);

    if (n < 0) {
        free(buf);
        return NULL;
    }
    if (n > 0 && buf[n - 1] == '\n') {
        n--;
    }
    if (n > 0 && buf[n - 1] == '\r') {
        n--;
    }
    line = apr_pstrmemdup(p, buf, n);
    memset(buf, 0, size);
    free(buf);
    *len = (apr_size_t)n;
    return line;
}

/* The terminal's settings while echo is off, put back even on Ctrl-C:
 * otherwise the shell would be left typing blind. */
static struct termios saved_termios;
static volatile sig_atomic_t echo_off;

static void restore_echo(void)
{
    if (echo_off) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
        echo_off = 0;
    }
}

static void on_signal(int sig)
{
    restore_echo();
    signal(sig, SIG_DFL);
    raise(sig);
}

static char *prompt_hidden(apr_pool_t *p, const char *prompt, apr_size_t *len)
{
    static const int signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
    struct sigaction sa, old[4];
    struct termios quiet;
    char *line;

    if (tcgetattr(STDIN_FILENO, &saved_termios) != 0) {
        return NULL;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < 4; i++) {
        sigaction(signals[i], &sa, &old[i]);
    }
    quiet = saved_termios;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    quiet.c_lflag |= ECHONL;            /* the Enter key still moves on a line */
    /* echo off before the prompt shows: what is typed after it stays hidden
     * (TCSAFLUSH drops only what was typed before) */
    if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0) {
        echo_off = 1;
    }
    fputs(prompt, stderr);
    fflush(stderr);
    line = read_line(p, len);
    restore_echo();
    for (int i = 0; i < 4; i++) {
        sigaction(signals[i], &old[i], NULL);
    }
    return line;
}

static int check_password(const char *pw, apr_size_t len)
{
    apr_size_t chars;

    if (strlen(pw) != len) {
        return pamps_cli_error("the password contains a NUL byte");
    }
    if (!pamps_cli_valid_utf8(pw, len)) {
        return pamps_cli_error("the password is not valid UTF-8");
    }
    chars = pamps_utf8_length(pw);
    if (chars < PAMPS_PASSWORD_MIN || chars > PAMPS_PASSWORD_MAX) {
        return pamps_cli_error("the password must be %d to %d characters long (it has %"
                               APR_SIZE_T_FMT ")", PAMPS_PASSWORD_MIN, PAMPS_PASSWORD_MAX,
                               chars);
    }
    return PAMPS_CLI_OK;
}

int pamps_cli_read_password(apr_pool_t *p, const char *username, int from_stdin,
                            const char **password)
{
    apr_size_t len, len2;
    char *pw, *again;

    if (from_stdin) {
        if (!(pw = read_line(p, &len))) {
            return pamps_cli_error("no password on stdin (--password-stdin reads one line)");
        }
        if (check_password(pw, len)) {
            return PAMPS_CLI_ERROR;
        }
        *password = pw;
        return PAMPS_CLI_OK;
    }

    /* a script without --password-stdin must fail, not wait at a prompt */
    if (!isatty(STDIN_FILENO)) {
        return pamps_cli_error("stdin is not a terminal: give the password on stdin"
                               " with --password-stdin");
    }
    if (!(pw = prompt_hidden(p, apr_psprintf(p, "Password for %s: ", username), &len))) {
        return pamps_cli_error("no password given");
    }
    if (check_password(pw, len)) {      /* before asking for it again */
        return PAMPS_CLI_ERROR;
    }
    again = prompt_hidden(p, "Repeat the password: ", &len2);
    if (!again || len2 != len || memcmp(pw, again, len) != 0) {
        return pamps_cli_error("the passwords do not match");
    }
    *password = pw;
    return PAMPS_CLI_OK;
}

int pamps_cli_confirm(const pamps_cli_command *cmd, const char *question,
                      const char *confirm)
{
    apr_pool_t *p;
    apr_size_t len;
    const char *answer;
    int rv;

    if (!isatty(STDIN_FILENO)) {
        return pamps_cli_usage_error(cmd, "stdin is not a terminal: confirm with --yes");
    }
    apr_pool_create(&p, NULL);
    fputs(question, stderr);
    fflush(stderr);
    answer = read_line(p, &len);
    rv = answer && strcmp(answer, confirm) == 0
             ? PAMPS_CLI_OK
             : pamps_cli_error("not confirmed: nothing changed");
    apr_pool_destroy(p);
    return rv;
}
