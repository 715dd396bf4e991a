/* /departments and /positions, and users' assignments to them: one
 * implementation, parameterised by the kind (its statements and its noun). */
#include <string.h>

#include "apr_strings.h"
#include "http_protocol.h"

#include "pamps_api.h"
#include "pamps_account.h"
#include "pamps_lists.h"
#include "pamps_sql.h"
#include "pamps_validate.h"

struct pamps_org_kind {
    const char *noun;             /* for messages: "Department" */
    const char *path;             /* for Location: "/departments" */
    int list, count, get, insert, update, delete_members, delete_one;
    int members_list, members_count, of_user_list, of_user_count, assign, unassign;
};
typedef pamps_org_kind org_kind;

#define ORG_KIND(K, noun, path) { noun, path, \
    PAMPS_SQL_##K##_LIST, PAMPS_SQL_##K##_COUNT, PAMPS_SQL_##K##_GET, \
    PAMPS_SQL_##K##_INSERT, PAMPS_SQL_##K##_UPDATE, PAMPS_SQL_##K##_DELETE_MEMBERS, \
    PAMPS_SQL_##K##_DELETE, PAMPS_SQL_##K##_MEMBERS_LIST, PAMPS_SQL_##K##_MEMBERS_COUNT, \
    PAMPS_SQL_##K##_OF_USER_LIST, PAMPS_SQL_##K##_OF_USER_COUNT, PAMPS_SQL_##K##_ASSIGN, \
    PAMPS_SQL_##K##_UNASSIGN }

const pamps_org_kind pamps_departments = ORG_KIND(DEPT, "Department", "/departments");
const pamps_org_kind pamps_positions = ORG_KIND(POS, "Position", "/positions");

static const org_kind *kind_of(pamps_req *req)
{
    return req->match.route->data;
}

static int not_found(pamps_req *req, const org_kind *k)
{
    return pamps_send_error(req, HTTP_NOT_FOUND,
                            apr_pstrcat(req->r->pool, k->noun, " not found", NULL));
}

static int conflict(pamps_req *req, const org_kind *k)
{
    return pamps_send_error(req, HTTP_CONFLICT,
                            apr_pstrcat(req->r->pool, k->noun, " name already exists", NULL));
}

/* 1 when the item {id} exists; 0 when a 404 or failure has been sent */
static int exists(pamps_req *req, const org_kind *k, const char *id)
{
    pamps_rows rows;
    pamps_db_status st = pamps_db_select(req, k->get, &rows, PAMPS_ARGS(id));

    if (st != PAMPS_DB_OK) {
        pamps_db_fail(req, st);
        return 0;
    }
    if (rows.nrows != 1) {
        not_found(req, k);
        return 0;
    }
    return 1;
}

static int send_item(pamps_req *req, const org_kind *k, int status, const char *id)
{
    pamps_rows rows;
    pamps_db_status st = pamps_db_select(req, k->get, &rows, PAMPS_ARGS(id));

    if (st != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    if (rows.nrows != 1) {
        return not_found(req, k);
    }
    if (status == HTTP_CREATED) {
        return pamps_send_created(req, pamps_view_org(&rows.rows[0]), "%s/%s", k->path, id);
    }
    return pamps_send_json(req, status, pamps_view_org(&rows.rows[0]));
}

/* name 1..100 as given (not trimmed), description <= 1000 or null */
static int read_item(pamps_req *req, unsigned name_flags, pamps_field_value v[2])
{
    const pamps_field_spec specs[2] = {
        { "name", PAMPS_FIELD_STRING, name_flags, 1, 100, NULL },
        { "description", PAMPS_FIELD_STRING, PAMPS_F_NULLABLE, 0, 1000, NULL },
    };

    return pamps_read_fields(req, specs, 2, v);
}

int pamps_h_org_list(pamps_req *req)
{
    const org_kind *k = kind_of(req);
    pamps_page page;

    if (pamps_read_offset_page(req, &page)) {
        return OK;
    }
    return pamps_send_offset_page(req, &page, k->list, k->count, pamps_view_org, PAMPS_NOARGS);
}

int pamps_h_org_get(pamps_req *req)
{
    return send_item(req, kind_of(req), HTTP_OK, req->match.params[0]);
}

int pamps_h_org_members(pamps_req *req)
{
    const org_kind *k = kind_of(req);
    const char *id = req->match.params[0];
    pamps_page page;

    if (pamps_read_offset_page(req, &page) || !exists(req, k, id)) {
        return OK;
    }
    return pamps_send_user_page(req, &page, k->members_list, k->members_count, PAMPS_ARGS(id));
}

int pamps_h_org_create(pamps_req *req)
{
    const org_kind *k = kind_of(req);
    pamps_field_value v[2];
    pamps_rows rows;
    pamps_db_status st;

    if (read_item(req, PAMPS_F_REQUIRED, v)) {
        return OK;
    }
    st = pamps_db_select(req, k->insert, &rows,
                         PAMPS_ARGS(v[0].str, pamps_case_key(req, v[0].str), v[1].str,
                                    pamps_now_text(req->r->pool)));
    if (st != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    if (rows.nrows != 1) {      /* ON CONFLICT DO NOTHING: the name is taken */
        return conflict(req, k);
    }
    return send_item(req, k, HTTP_CREATED, rows.rows[0].col[PAMPS_COL_VALUE]);
}

int pamps_h_org_patch(pamps_req *req)
{
    const org_kind *k = kind_of(req);
    const char *id = req->match.params[0];
    pamps_field_value v[2];
    pamps_db_status st;
    int affected = 0;

    if (read_item(req, 0, v)) {
        return OK;
    }
    st = pamps_db_exec(req, k->update, &affected,
                       PAMPS_ARGS(v[0].present ? "1" : "0", v[0].str,
                                  v[0].present ? "1" : "0", pamps_case_key(req, v[0].str),
                                  v[1].present ? "1" : "0", v[1].str, id));
    if (st == PAMPS_DB_CONFLICT) {
        return conflict(req, k);
    }
    if (st != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    if (affected == 0) {
        return not_found(req, k);
    }
    return send_item(req, k, HTTP_OK, id);
}

int pamps_h_org_delete(pamps_req *req)
{
    const org_kind *k = kind_of(req);
    const char *id = req->match.params[0];
    pamps_db_status st;
    int affected = 0;

    /* its memberships go with it, nothing else */
    if ((st = pamps_db_begin(req)) != PAMPS_DB_OK
        || (st = pamps_db_exec(req, k->delete_members, NULL, PAMPS_ARGS(id))) != PAMPS_DB_OK
        || (st = pamps_db_exec(req, k->delete_one, &affected, PAMPS_ARGS(id))) != PAMPS_DB_OK
        || (st = pamps_db_commit(req)) != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    return affected ? pamps_send_no_content(req) : not_found(req, k);
}

int pamps_h_org_of_user(pamps_req *req)
{
    const org_kind *k = kind_of(req);
    const char *user;
    pamps_page page;

    if (pamps_read_offset_page(req, &page) || !(user = pamps_path_user_id(req))) {
        return OK;
    }
    return pamps_send_offset_page(req, &page, k->of_user_list, k->of_user_count,
                                  pamps_view_org, PAMPS_ARGS(user));
}

static int change_membership(pamps_req *req, int assign)
{
    const org_kind *k = kind_of(req);
    const char *user, *id = req->match.params[1];
    pamps_db_status st;

    if (!(user = pamps_path_user_id(req)) || !exists(req, k, id)) {
        return OK;
    }
    st = assign ? pamps_db_exec(req, k->assign, NULL,
                                PAMPS_ARGS(id, user, pamps_now_text(req->r->pool)))
                : pamps_db_exec(req, k->unassign, NULL, PAMPS_ARGS(id, user));
    if (st != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    return pamps_send_no_content(req);
}

int pamps_h_org_assign(pamps_req *req)
{
    return change_membership(req, 1);
}

int pamps_h_org_unassign(pamps_req *req)
{
    return change_membership(req, 0);
}
