/* Login throttling: failures are rows in login_failures, keyed by account
 * and by client address, so all children and all nodes count together. */
#include "apr_strings.h"

#include "pamps_config.h"
#include "pamps_http.h"
#include "pamps_throttle.h"
#include "pamps_sql.h"
#include "pamps_time.h"

static const char *address_key(pamps_req *req)
{
    return apr_pstrcat(req->r->pool, "addr:", pamps_client_address(req->r), NULL);
}

/* Counts failures of key in the window; sets *retry_after when locked. */
static pamps_db_status over_limit(pamps_req *req, const char *key, int limit,
                                  long long now, int *retry_after)
{
    int window = pamps_conf_throttle_window(req->sconf);
    pamps_rows rows;
    long long oldest;
    pamps_db_status st = pamps_db_select(req, PAMPS_SQL_FAILURES_COUNT, &rows,
                                         PAMPS_ARGS(key, pamps_time_text(req->r->pool,
                                                                   now - window)));

    if (st != PAMPS_DB_OK || rows.nrows != 1
        || pamps_col_int(&rows.rows[0], PAMPS_COL_FAILURES_COUNT) < limit) {
        return st;
    }
    if (pamps_time_parse(rows.rows[0].col[PAMPS_COL_FAILURES_OLDEST], &oldest)) {
        oldest = now;
    }
    *retry_after = (int)(oldest + window - now);
    if (*retry_after < 1) {
        *retry_after = 1;
    }
    return PAMPS_DB_OK;
}

pamps_db_status pamps_throttle_check(pamps_req *req, const char *account_key,
                                     int *retry_after)
{
    long long now = (long long)apr_time_sec(apr_time_now());
    pamps_db_status st;

    *retry_after = 0;
    st = over_limit(req, account_key, pamps_conf_throttle_account(req->sconf), now,
                    retry_after);
    if (st == PAMPS_DB_OK && !*retry_after) {
        st = over_limit(req, address_key(req), pamps_conf_throttle_address(req->sconf),
                        now, retry_after);
    }
    return st;
}

void pamps_throttle_record_failure(pamps_req *req, const char *account_key)
{
    long long now = (long long)apr_time_sec(apr_time_now());
    const char *keys[2] = { account_key, address_key(req) };
    const char *now_text = pamps_time_text(req->r->pool, now);
    const char *expired = pamps_time_text(req->r->pool, now - pamps_conf_throttle_window(req->sconf));

    for (int i = 0; i < 2; i++) {
        pamps_db_exec(req, PAMPS_SQL_FAILURES_PRUNE, NULL, PAMPS_ARGS(keys[i], expired));
        pamps_db_exec(req, PAMPS_SQL_FAILURES_INSERT, NULL, PAMPS_ARGS(keys[i], now_text));
    }
}

void pamps_throttle_clear(pamps_req *req, const char *account_key)
{
    pamps_db_exec(req, PAMPS_SQL_FAILURES_CLEAR, NULL, PAMPS_ARGS(account_key));
}
