/* /users/me: the caller's own account. */
#include "apr_strings.h"
#include "http_protocol.h"

#include "pamps_api.h"
#include "pamps_account.h"
#include "pamps_sql.h"
#include "pamps_validate.h"

int pamps_h_me_get(pamps_req *req)
{
    return pamps_send_own_view(req, HTTP_OK, req->user->id_text);
}

/* "1" when the field was sent (a change, possibly to null), else "0" */
static const char *sent(const pamps_field_value *v)
{
    return v->present ? "1" : "0";
}

int pamps_h_me_patch(pamps_req *req)
{
    static const pamps_field_spec email_spec[] = {
        { "email", PAMPS_FIELD_STRING, 0, 3, 254, pamps_check_email },
    };
    pamps_field_value prof[PAMPS_PROFILE_NFIELDS], email[1];
    apr_pool_t *p = req->r->pool;
    json_t *errors = json_array();
    pamps_rows rows;
    pamps_db_status st;
    int bad = pamps_json_read_fields(p, req->body, pamps_profile_fields,
                                     PAMPS_PROFILE_NFIELDS, prof, errors);

    bad += pamps_json_read_fields(p, req->body, email_spec, 1, email, errors);
    if (bad) {
        return pamps_send_422(req, errors);
    }
    json_decref(errors);
    if (email[0].present) {
        st = pamps_db_select(req, PAMPS_SQL_USER_ID_BY_EMAIL, &rows,
                             PAMPS_ARGS(pamps_case_key(req, email[0].str)));
        if (st != PAMPS_DB_OK) {
            return pamps_db_fail(req, st);
        }
        if (rows.nrows && pamps_col_int(&rows.rows[0], PAMPS_COL_VALUE) != req->user->id) {
            return pamps_send_error(req, HTTP_CONFLICT, "Email already registered");
        }
    }
    st = pamps_db_exec(req, PAMPS_SQL_USER_PATCH, NULL,
                       PAMPS_ARGS(sent(&prof[0]), prof[0].str, sent(&prof[1]), prof[1].str,
                                  sent(&prof[2]), prof[2].str, sent(&email[0]), email[0].str,
                                  sent(&email[0]), pamps_case_key(req, email[0].str),
                                  pamps_now_text(p), req->user->id_text));
    if (st == PAMPS_DB_CONFLICT) {
        return pamps_send_error(req, HTTP_CONFLICT, "Email already registered");
    }
    if (st != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    return pamps_send_own_view(req, HTTP_OK, req->user->id_text);
}

int pamps_h_me_delete(pamps_req *req)
{
    pamps_db_status st = pamps_account_delete(req, req->user->id_text);

    if (st != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    return pamps_send_no_content(req);
}

int pamps_h_me_password(pamps_req *req)
{
    static const pamps_field_spec specs[] = {
        { "current_password", PAMPS_FIELD_STRING, PAMPS_F_REQUIRED, 0, 0, NULL },
        { "new_password",     PAMPS_FIELD_STRING, PAMPS_F_REQUIRED, 8, 128, NULL },
    };
    pamps_field_value v[2];
    apr_pool_t *p = req->r->pool;
    pamps_argon2_cost cost = pamps_conf_argon2(req->sconf);
    const char *now = pamps_now_text(p), *hash;
    pamps_rows rows;
    pamps_db_status st;

    if (pamps_read_fields(req, specs, 2, v)) {
        return OK;
    }
    st = pamps_db_select(req, PAMPS_SQL_USER_PASSWORD_HASH, &rows,
                         PAMPS_ARGS(req->user->id_text));
    if (st != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    if (rows.nrows != 1
        || !pamps_password_verify(p, &cost, rows.rows[0].col[PAMPS_COL_VALUE], v[0].str)) {
        return pamps_send_error(req, HTTP_FORBIDDEN, "Current password is incorrect");
    }
    if (!(hash = pamps_account_hash(req, v[1].str))) {
        return OK;
    }
    /* the version bump ends every token issued before; refresh rows go too */
    if ((st = pamps_db_begin(req)) != PAMPS_DB_OK
        || (st = pamps_db_exec(req, PAMPS_SQL_USER_SET_PASSWORD, NULL,
                               PAMPS_ARGS(hash, now, req->user->id_text))) != PAMPS_DB_OK
        || (st = pamps_db_exec(req, PAMPS_SQL_REFRESH_REVOKE_USER, NULL,
                               PAMPS_ARGS(now, req->user->id_text))) != PAMPS_DB_OK
        || (st = pamps_db_commit(req)) != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    return pamps_send_no_content(req);
}
