/* What several handlers do to an account: show its own view, delete it
 * with everything API.md says goes with it. */
#include <string.h>

#include "apr_strings.h"
#include "http_protocol.h"

#include "pamps_config.h"
#include "pamps_account.h"
#include "pamps_fetch.h"
#include "pamps_sql.h"
#include "pamps_validate.h"

#define USER_NOT_FOUND "User not found"

int pamps_send_own_view(pamps_req *req, int status, const char *user_id)
{
    pamps_row row;

    if (pamps_fetch_one(req, PAMPS_SQL_USER_OWN_VIEW, USER_NOT_FOUND, &row,
                        PAMPS_ARGS(user_id)) != OK) {
        return DONE;
    }
    if (status == HTTP_CREATED) {
        return pamps_send_created(req, pamps_view_own_user, &row, "/users/%s",
                                  row.col[PAMPS_COL_USER_USERNAME]);
    }
    return pamps_send_view(req, status, pamps_view_own_user, &row);
}

int pamps_account_delete(pamps_req *req, const char *user_id)
{
    static const int steps[] = {
        PAMPS_SQL_USER_DEL_LIKES, PAMPS_SQL_USER_DETACH_REPLIES, PAMPS_SQL_USER_DEL_POSTS,
        PAMPS_SQL_USER_DEL_FOLLOWS, PAMPS_SQL_USER_DEL_TASKS, PAMPS_SQL_USER_DEL_TOKENS,
        PAMPS_SQL_USER_DEL_DEPARTMENTS, PAMPS_SQL_USER_DEL_POSITIONS, PAMPS_SQL_USER_DELETE
    };
    pamps_db_status st = pamps_db_begin(req);
    pamps_rows locked;
    int deleted = 0;

    /* the rows that point at the account, before any statement below
     * updates its counters or those of its posts (see PAMPS_LOCK_ROWS) */
    if (st == PAMPS_DB_OK) {
        st = pamps_db_select(req, PAMPS_SQL_USER_LOCK_CHILDREN, &locked,
                             PAMPS_ARGS(user_id, user_id, user_id, user_id, user_id,
                                        user_id, user_id, user_id, user_id));
    }

    for (size_t i = 0; st == PAMPS_DB_OK && i < sizeof(steps) / sizeof(*steps); i++) {
        int stmt = steps[i];

        /* two statements take the user id twice */
        if (stmt == PAMPS_SQL_USER_DEL_LIKES || stmt == PAMPS_SQL_USER_DETACH_REPLIES
            || stmt == PAMPS_SQL_USER_DEL_FOLLOWS) {
            st = pamps_db_exec(req, stmt, NULL, PAMPS_ARGS(user_id, user_id));
        }
        else {
            /* the last one, USER_DELETE, says whether this request deleted it */
            st = pamps_db_exec(req, stmt, &deleted, PAMPS_ARGS(user_id));
        }
    }
    if (st != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    /* the caller was authenticated (or the user looked up) a moment ago, but
     * a concurrent delete may have taken the account since: one 204 only */
    if (deleted == 0) {
        pamps_db_rollback(req);
        return pamps_send_error(req, HTTP_NOT_FOUND, USER_NOT_FOUND);
    }
    if ((st = pamps_db_commit(req)) != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    return pamps_send_no_content(req);
}

int pamps_account_hash(pamps_req *req, const char *password, const char **hash)
{
    pamps_argon2_cost cost = pamps_conf_argon2(req->sconf);

    *hash = pamps_password_hash(req->r->pool, &cost, password);
    if (!*hash) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, req->r, PAMPS_LOGNO(601)
                      "argon2id hashing failed (PampsArgon2 cost too high for memory?)");
        return pamps_send_error(req, HTTP_INTERNAL_SERVER_ERROR, "Internal Server Error");
    }
    return OK;
}

int pamps_path_user_id(pamps_req *req, const char **id)
{
    pamps_row row;

    if (pamps_fetch_one(req, PAMPS_SQL_USER_ID_BY_USERNAME, USER_NOT_FOUND, &row,
                        PAMPS_ARGS(req->match.params[0])) != OK) {
        return DONE;
    }
    *id = row.col[PAMPS_COL_VALUE];
    return OK;
}

const char *pamps_case_key(pamps_req *req, const char *text)
{
    char *key;

    if (!text) {
        return NULL;
    }
    key = apr_palloc(req->r->pool, strlen(text) + 1);
    pamps_fold_case(text, key);
    return key;
}
