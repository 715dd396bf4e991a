/* Graceful restarts without the event MPM's one-second pause.
 *
 * After `apachectl graceful` the old children stop accepting at once and
 * finish what they hold; the parent reads the configuration again and then
 * starts the new generation (server/mpm/event/event.c, server_main_loop,
 * the same in worker.c) in one of two ways: one new child for each old
 * one it reaps, or all of them when ap_wait_or_timeout()
 * (server/mpm_common.c) comes back empty from its apr_sleep() of one
 * second. When no old child has exited by the time the configuration is
 * read, which is the rule under load, new connections wait in the listen
 * backlog for that second (bench/graceful.py: 1.2-2.0 s in all).
 *
 * A child's exit sends the parent SIGCHLD, which httpd leaves at SIG_DFL,
 * so the sleep goes on. With a handler, even one that does nothing, the
 * signal ends the sleep (select(2) is never restarted, SA_RESTART or not)
 * and the parent starts the new children when an old one exits.
 *
 * The handler is armed only by a restart's post_config, in the parent,
 * under the event or worker MPM, and only over SIG_DFL: a handler someone
 * else installed already ends the sleep and is left alone. It stays for
 * WINDOW only: once that first sleep is over the new children are started
 * anyway, and httpd runs its idle maintenance once a second on purpose, not
 * on every child's exit; the first signal after WINDOW puts SIG_DFL back.
 * (Not one signal only: one that comes between the MPM's waitpid() and its
 * sleep is lost to it, and the next old child's exit must still count.)
 * It is also taken back when pconf is cleared, before the next restart
 * unloads this module (a handler left in unmapped code would crash the
 * parent), and in every child at child_init, before a child can fork
 * anything of its own; piped loggers exec and get SIG_DFL back, mod_cgid's
 * daemon sets its own. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "ap_mpm.h"
#include "http_config.h"
#include "http_core.h"
#include "http_log.h"

#include "pamps.h"
#include "pamps_restart.h"

#define WINDOW 2                /* seconds; a second's sleep, and slack */

static time_t until;            /* CLOCK_MONOTONIC seconds, set before arming */

static void set_sigchld(void (*handler)(int), int flags)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = handler;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGCHLD, &sa, NULL);
}

/* Interrupting the parent's sleep is its work; clock_gettime() and
 * sigaction() are async-signal-safe. */
static void wake(int sig)
{
    int saved = errno;
    struct timespec now;

    (void)sig;
    if (clock_gettime(CLOCK_MONOTONIC, &now) == 0 && now.tv_sec > until) {
        set_sigchld(SIG_DFL, 0);
    }
    errno = saved;
}

static int sigchld_is(void (*handler)(int))
{
    struct sigaction now;

    return sigaction(SIGCHLD, NULL, &now) == 0 && !(now.sa_flags & SA_SIGINFO)
           && now.sa_handler == handler;
}

static apr_status_t disarm(void *unused)
{
    (void)unused;
    if (sigchld_is(wake)) {
        set_sigchld(SIG_DFL, 0);
    }
    return APR_SUCCESS;
}

static int threaded_mpm(void)
{
    const char *mpm = ap_show_mpm();

    return strcmp(mpm, "event") == 0 || strcmp(mpm, "worker") == 0;
}

/* Generation 0 is the preflight reading of the configuration, 1 the
 * start, and each restart adds one. REALLY_LAST: after the post_config
 * hooks that fork helpers (mod_cgid's daemon). */
static int arm(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    struct timespec now;

    (void)plog;
    (void)ptemp;
    if (ap_state_query(AP_SQ_CONFIG_GEN) < 2 || !threaded_mpm()
        || ap_exists_config_define("ONE_PROCESS") || !sigchld_is(SIG_DFL)) {
        return OK;
    }
    if (clock_gettime(CLOCK_MONOTONIC, &now) != 0) {
        return OK;
    }
    until = now.tv_sec + WINDOW;
    set_sigchld(wake, SA_RESTART | SA_NOCLDSTOP);
    apr_pool_cleanup_register(pconf, NULL, disarm, apr_pool_cleanup_null);
    ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, s, PAMPS_LOGNO(1401)
                 "restart: a child's exit in the next %d s wakes the parent", WINDOW);
    return OK;
}

static void disarm_in_child(apr_pool_t *p, server_rec *s)
{
    (void)p;
    (void)s;
    disarm(NULL);
}

void pamps_restart_register_hooks(apr_pool_t *p)
{
    (void)p;
    ap_hook_post_config(arm, NULL, NULL, APR_HOOK_REALLY_LAST);
    ap_hook_child_init(disarm_in_child, NULL, NULL, APR_HOOK_REALLY_FIRST);
}
