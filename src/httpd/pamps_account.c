/* What several handlers do to an account: show its own view, delete it
 * with everything API.md says goes with it, and the profile field rules. */
#include <string.h>

#include "apr_strings.h"
#include "http_protocol.h"

#include "pamps_config.h"
#include "pamps_account.h"
#include "pamps_sql.h"
#include "pamps_validate.h"

const pamps_field_spec pamps_profile_fields[PAMPS_PROFILE_NFIELDS] = {
    { "name",   PAMPS_FIELD_STRING, PAMPS_F_NULLABLE, 0, 100, NULL },
    { "bio",    PAMPS_FIELD_STRING, PAMPS_F_NULLABLE, 0, 280, NULL },
    { "avatar", PAMPS_FIELD_STRING, PAMPS_F_NULLABLE, 0, 2048, pamps_check_http_url },
};

int pamps_send_own_view(pamps_req *req, int status, const char *user_id)
{
    pamps_rows rows;
    pamps_db_status st = pamps_db_select(req, PAMPS_SQL_USER_OWN_VIEW, &rows,
                                         PAMPS_ARGS(user_id));

    if (st != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    if (rows.nrows != 1) {
        return pamps_send_error(req, HTTP_NOT_FOUND, "User not found");
    }
    if (status == HTTP_CREATED) {
        return pamps_send_created(req, pamps_view_own_user(&rows.rows[0]), "/users/%s",
                                  rows.rows[0].col[PAMPS_COL_USER_USERNAME]);
    }
    return pamps_send_json(req, status, pamps_view_own_user(&rows.rows[0]));
}

pamps_db_status pamps_account_delete(pamps_req *req, const char *user_id)
{
    static const int steps[] = {
        PAMPS_SQL_USER_DEL_LIKES, PAMPS_SQL_USER_DETACH_REPLIES, PAMPS_SQL_USER_DEL_POSTS,
        PAMPS_SQL_USER_DEL_FOLLOWS, PAMPS_SQL_USER_DEL_TASKS, PAMPS_SQL_USER_DEL_TOKENS,
        PAMPS_SQL_USER_DEL_DEPARTMENTS, PAMPS_SQL_USER_DEL_POSITIONS, PAMPS_SQL_USER_DELETE
    };
    pamps_db_status st = pamps_db_begin(req);

    for (size_t i = 0; st == PAMPS_DB_OK && i < sizeof(steps) / sizeof(*steps); i++) {
        int stmt = steps[i];

        /* two statements take the user id twice */
        if (stmt == PAMPS_SQL_USER_DEL_LIKES || stmt == PAMPS_SQL_USER_DETACH_REPLIES
            || stmt == PAMPS_SQL_USER_DEL_FOLLOWS) {
            st = pamps_db_exec(req, stmt, NULL, PAMPS_ARGS(user_id, user_id));
        }
        else {
            st = pamps_db_exec(req, stmt, NULL, PAMPS_ARGS(user_id));
        }
    }
    if (st != PAMPS_DB_OK) {
        pamps_db_rollback(req);
        return st;
    }
    return pamps_db_commit(req);
}

const char *pamps_account_hash(pamps_req *req, const char *password)
{
    pamps_argon2_cost cost = pamps_conf_argon2(req->sconf);
    const char *hash = pamps_password_hash(req->r->pool, &cost, password);

    if (!hash) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, req->r, PAMPS_LOGNO(601)
                      "argon2id hashing failed (PampsArgon2 cost too high for memory?)");
        pamps_send_error(req, HTTP_INTERNAL_SERVER_ERROR, "Internal Server Error");
    }
    return hash;
}

const char *pamps_path_user_id(pamps_req *req)
{
    pamps_rows rows;
    pamps_db_status st = pamps_db_select(req, PAMPS_SQL_USER_ID_BY_USERNAME, &rows,
                                         PAMPS_ARGS(req->match.params[0]));

    if (st != PAMPS_DB_OK) {
        pamps_db_fail(req, st);
        return NULL;
    }
    if (rows.nrows != 1) {
        pamps_send_error(req, HTTP_NOT_FOUND, "User not found");
        return NULL;
    }
    return rows.rows[0].col[PAMPS_COL_VALUE];
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
