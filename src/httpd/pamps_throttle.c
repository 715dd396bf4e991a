/* Throttling: attempts are rows in login_failures, keyed by account, by
 * client address, or by address for registrations, so all children and all
 * nodes count together.
 *
 * The limit holds under concurrency because an attempt is counted before
 * it is evaluated: its row is inserted (committed at once) and only then
 * are the key's rows in the window counted, its own and those of attempts
 * still running included. Of two attempts, the one that counts later sees
 * the other's row, so no more than the limit ever pass. An attempt over
 * the limit deletes its row again and is answered 429. */
#include "apr_strings.h"
#include "http_protocol.h"

#include "pamps_config.h"
#include "pamps_http.h"
#include "pamps_throttle.h"
#include "pamps_sql.h"
#include "pamps_stats.h"
#include "pamps_time.h"

/* Expired refresh tokens are kept this long past their exp: a node whose
 * clock lags still finds the row of a token it takes for valid, and does
 * not mistake it for a reused one. */
#define REFRESH_PURGE_GRACE 3600

typedef struct {
    const char *key;
    int limit;
    int window;
} key_limit;

static long long now_sec(void)
{
    return (long long)apr_time_sec(apr_time_now());
}

/* Counts key's rows in its window; raises *retry_after when there are more
 * than the limit (the attempt's own row is one of them). */
static pamps_db_status over_limit(pamps_req *req, const key_limit *k, long long now,
                                  int *retry_after)
{
    pamps_rows rows;
    long long oldest;
    int wait;
    pamps_db_status st = pamps_db_select(req, PAMPS_SQL_FAILURES_COUNT, &rows,
                                         PAMPS_ARGS(k->key, pamps_time_text(req->r->pool,
                                                                            now - k->window)));

    if (st != PAMPS_DB_OK || rows.nrows != 1
        || pamps_col_int(&rows.rows[0], PAMPS_COL_FAILURES_COUNT) <= k->limit) {
        return st;
    }
    if (pamps_time_parse(rows.rows[0].col[PAMPS_COL_FAILURES_OLDEST], &oldest)) {
        oldest = now;
    }
    wait = (int)(oldest + k->window - now);
    if (wait < 1) {
        wait = 1;
    }
    if (wait > *retry_after) {
        *retry_after = wait;
    }
    return PAMPS_DB_OK;
}

/* Counts an attempt for each of the keys: OK when every key is within its
 * limit; otherwise the rows are given back and the 429 (or 503) is sent. */
static int count_attempt(pamps_req *req, const key_limit *keys, int n, pamps_attempt *a,
                         pamps_stat_event ev, const char *what, const char *message)
{
    apr_pool_t *p = req->r->pool;
    long long now = now_sec();
    const char *now_text = pamps_time_text(p, now);
    pamps_db_status st = PAMPS_DB_OK;
    pamps_rows rows;
    int retry_after = 0;

    a->n = 0;
    for (int i = 0; i < n && st == PAMPS_DB_OK; i++) {
        st = pamps_db_select(req, PAMPS_SQL_FAILURES_RESERVE, &rows,
                             PAMPS_ARGS(keys[i].key, now_text));
        if (st == PAMPS_DB_OK && rows.nrows == 1) {
            a->id[a->n++] = rows.rows[0].col[PAMPS_COL_VALUE];
        }
    }
    for (int i = 0; i < n && st == PAMPS_DB_OK; i++) {
        st = over_limit(req, &keys[i], now, &retry_after);
    }
    if (st == PAMPS_DB_OK && !retry_after) {
        return OK;
    }
    pamps_throttle_release(req, a);
    a->n = 0;
    if (st != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, req->r, PAMPS_LOGNO(602)
                  "%s throttled from %s for %d s", what, pamps_client_address(req->r),
                  retry_after);
    pamps_stats_count(ev);
    apr_table_setn(req->r->err_headers_out, "Retry-After", apr_itoa(p, retry_after));
    return pamps_send_error(req, HTTP_TOO_MANY_REQUESTS, message);
}

static const char *address_key(pamps_req *req, const char *kind)
{
    return apr_pstrcat(req->r->pool, kind, pamps_client_address(req->r), NULL);
}

int pamps_throttle_login(pamps_req *req, const char *user_id, const char *name,
                         pamps_attempt *a)
{
    apr_pool_t *p = req->r->pool;
    int window = pamps_conf_throttle_window(req->sconf);
    key_limit keys[2] = {
        { NULL, pamps_conf_throttle_account(req->sconf), window },
        { address_key(req, "addr:"), pamps_conf_throttle_address(req->sconf), window },
    };

    if (user_id) {
        keys[0].key = apr_pstrcat(p, "user:", user_id, NULL);
    }
    else {
        char *lower = apr_pstrdup(p, name);

        ap_str_tolower(lower);
        keys[0].key = apr_pstrcat(p, "name:", lower, NULL);
    }
    return count_attempt(req, keys, 2, a, PAMPS_STAT_LOGIN_THROTTLED, "login", "Too many failed login attempts; try again later");
}

int pamps_throttle_register(pamps_req *req, pamps_attempt *a)
{
    key_limit key = { address_key(req, "register:"), pamps_conf_register_limit(req->sconf),
                      pamps_conf_register_window(req->sconf) };

    return count_attempt(req, &key, 1, a, PAMPS_STAT_REGISTER_THROTTLED, "registration",
                         "Too many registrations from your address;"
                         " try again later");
}

void pamps_throttle_release(pamps_req *req, const pamps_attempt *a)
{
    for (int i = 0; i < a->n; i++) {
        pamps_db_exec(req, PAMPS_SQL_FAILURES_RELEASE, NULL, PAMPS_ARGS(a->id[i]));
    }
}

void pamps_throttle_purge(pamps_req *req)
{
    apr_pool_t *p = req->r->pool;
    long long now = now_sec();
    int keep = pamps_conf_throttle_window(req->sconf);

    if (pamps_conf_register_window(req->sconf) > keep) {
        keep = pamps_conf_register_window(req->sconf);
    }
    pamps_db_exec(req, PAMPS_SQL_FAILURES_PURGE, NULL,
                  PAMPS_ARGS(pamps_time_text(p, now - keep)));
    pamps_db_exec(req, PAMPS_SQL_REFRESH_PURGE, NULL,
                  PAMPS_ARGS(pamps_time_text(p, now - REFRESH_PURGE_GRACE)));
}
