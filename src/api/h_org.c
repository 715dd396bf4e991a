/* /departments and /positions, and users' assignments to them: one
 * implementation, parameterised by the kind (its statements and its noun). */
#include <string.h>

#include "apr_strings.h"
#include "http_protocol.h"

#include "pamps_api.h"
#include "pamps_account.h"
#include "pamps_fetch.h"
#include "pamps_lists.h"
#include "pamps_sql.h"
#include "pamps_rules.h"

/* what a route's data names: the kind of item it serves */
typedef struct {
    const char *noun;             /* for messages: "Department" */
    const char *path;             /* for Location: "/departments" */
    int list, count, get, insert, update, delete_members, delete_one;
    int members_list, members_count, of_user_list, of_user_count, assign, unassign;
} org_kind;

#define ORG_KIND(K, noun, path) { noun, path, \
    PAMPS_SQL_##K##_LIST, PAMPS_SQL_##K##_COUNT, PAMPS_SQL_##K##_GET, \
    PAMPS_SQL_##K##_INSERT, PAMPS_SQL_##K##_UPDATE, PAMPS_SQL_##K##_DELETE_MEMBERS, \
    PAMPS_SQL_##K##_DELETE, PAMPS_SQL_##K##_MEMBERS_LIST, PAMPS_SQL_##K##_MEMBERS_COUNT, \
    PAMPS_SQL_##K##_OF_USER_LIST, PAMPS_SQL_##K##_OF_USER_COUNT, PAMPS_SQL_##K##_ASSIGN, \
    PAMPS_SQL_##K##_UNASSIGN }

static const org_kind departments = ORG_KIND(DEPT, "Department", "/departments");
static const org_kind positions = ORG_KIND(POS, "Position", "/positions");

static const org_kind *kind_of(pamps_req *req)
{
    return req->match.route->data;
}

static const char *not_found_text(pamps_req *req, const org_kind *k)
{
    return apr_pstrcat(req->r->pool, k->noun, " not found", NULL);
}

static int not_found(pamps_req *req, const org_kind *k)
{
    return pamps_send_error(req, HTTP_NOT_FOUND, not_found_text(req, k));
}

static int conflict(pamps_req *req, const org_kind *k)
{
    return pamps_send_error(req, HTTP_CONFLICT,
                            apr_pstrcat(req->r->pool, k->noun, " name already exists", NULL));
}

/* The item {id} in *row (or only whether it exists, row NULL): OK, or DONE
 * when a 404 or failure has been sent */
static int fetch_item(pamps_req *req, const org_kind *k, const char *id, pamps_row *row)
{
    return pamps_fetch_one(req, k->get, not_found_text(req, k), row, PAMPS_ARGS(id));
}

static int send_item(pamps_req *req, const org_kind *k, int status, const char *id)
{
    pamps_row row;

    if (fetch_item(req, k, id, &row) != OK) {
        return DONE;
    }
    if (status == HTTP_CREATED) {
        return pamps_send_created(req, pamps_view_org, &row, "%s/%s", k->path, id);
    }
    return pamps_send_view(req, status, pamps_view_org, &row);
}

static const pamps_field_spec create_fields[] = {
    PAMPS_SPEC_ORG_NAME(PAMPS_F_REQUIRED),
    PAMPS_SPEC_ORG_DESCRIPTION(0),
};
static const pamps_field_spec update_fields[] = {
    PAMPS_SPEC_ORG_NAME(0),
    PAMPS_SPEC_ORG_DESCRIPTION(0),
};
static const pamps_body create_body = PAMPS_BODY("OrgCreate", create_fields);
static const pamps_body update_body = PAMPS_BODY("OrgUpdate", update_fields);

static int org_list(pamps_req *req)
{
    const org_kind *k = kind_of(req);
    pamps_page page;

    if (pamps_read_offset_page(req, &page) != OK) {
        return DONE;
    }
    return pamps_send_offset_page(req, &page, k->list, k->count, pamps_view_org, PAMPS_NOARGS);
}

static int org_get(pamps_req *req)
{
    return send_item(req, kind_of(req), HTTP_OK, req->match.params[0]);
}

static int org_members(pamps_req *req)
{
    const org_kind *k = kind_of(req);
    const char *id = req->match.params[0];
    pamps_page page;

    if (pamps_read_offset_page(req, &page) != OK || fetch_item(req, k, id, NULL) != OK) {
        return DONE;
    }
    return pamps_send_user_page(req, &page, k->members_list, k->members_count, PAMPS_ARGS(id));
}

static int org_create(pamps_req *req)
{
    const org_kind *k = kind_of(req);
    pamps_field_value v[2];
    pamps_rows rows;
    pamps_db_status st;

    if (pamps_read_fields(req, &create_body, v) != OK) {
        return DONE;
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

static int org_patch(pamps_req *req)
{
    const org_kind *k = kind_of(req);
    const char *id = req->match.params[0];
    pamps_field_value v[2];
    pamps_db_status st;
    int affected = 0;

    if (pamps_read_fields(req, &update_body, v) != OK) {
        return DONE;
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

static int org_delete(pamps_req *req)
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

static int org_of_user(pamps_req *req)
{
    const org_kind *k = kind_of(req);
    const char *user;
    pamps_page page;

    if (pamps_read_offset_page(req, &page) != OK || pamps_path_user_id(req, &user) != OK) {
        return DONE;
    }
    return pamps_send_offset_page(req, &page, k->of_user_list, k->of_user_count,
                                  pamps_view_org, PAMPS_ARGS(user));
}

static int change_membership(pamps_req *req, int assign)
{
    const org_kind *k = kind_of(req);
    const char *user, *id = req->match.params[1];
    pamps_db_status st;

    if (pamps_path_user_id(req, &user) != OK || fetch_item(req, k, id, NULL) != OK) {
        return DONE;
    }
    st = assign ? pamps_db_exec(req, k->assign, NULL,
                                PAMPS_ARGS(id, user, pamps_now_text(req->r->pool)))
                : pamps_db_exec(req, k->unassign, NULL, PAMPS_ARGS(id, user));
    if (st != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    return pamps_send_no_content(req);
}

static int org_assign(pamps_req *req)
{
    return change_membership(req, 1);
}

static int org_unassign(pamps_req *req)
{
    return change_membership(req, 0);
}

/* clang-format off */
/* departments and positions: one row set, told apart by the rows' data */
#define ORG_ROUTES(path, kind, lock_stmt, one, many) \
    { "GET", path, 0, org_list, kind, .tag = "organization", .summary = "List " many, \
      .description = "Every " one ", by id; any authenticated user.", \
      .query = "limit offset", .status = HTTP_OK, .response = "OrgPage" }, \
    { "POST", path, JSON | ADMIN, org_create, kind, .tag = "organization", \
      .summary = "Create a " one " (admin)", \
      .description = "A name another " one " has (compared case-insensitively) is 409." \
                     " Answers the " one " and its Location.", .body = &create_body, \
      .status = HTTP_CREATED, .response = "Org", .errors = { HTTP_CONFLICT } }, \
    { "GET", path "/{id}", 0, org_get, kind, .tag = "organization", .summary = "A " one, \
      .description = "Its name and description; any authenticated user.", \
      .status = HTTP_OK, .response = "Org" }, \
    { "PATCH", path "/{id}", JSON | ADMIN | IF_MATCH, org_patch, kind, .lock = lock_stmt, .tag = "organization", \
      .summary = "Change a " one " (admin)", \
      .description = "Changes the fields sent; a name another " one " has is 409." \
                     " Answers the " one " and its new ETag.", .body = &update_body, \
      .status = HTTP_OK, .response = "Org", .errors = { HTTP_CONFLICT } }, \
    { "DELETE", path "/{id}", ADMIN | IF_MATCH, org_delete, kind, .lock = lock_stmt, .tag = "organization", \
      .summary = "Delete a " one " (admin)", \
      .description = "Its memberships go with it.", .status = HTTP_NO_CONTENT }, \
    { "GET", path "/{id}/members", 0, org_members, kind, .tag = "organization", \
      .summary = "Members of a " one, \
      .description = "Public views of its members, by id.", .query = "limit offset", \
      .status = HTTP_OK, .response = "UserPage" }, \
    { "GET", "/users/{username}" path, 0, org_of_user, kind, .tag = "organization", \
      .summary = "A user's " many, \
      .description = "The " many " the user belongs to, by id.", .query = "limit offset", \
      .status = HTTP_OK, .response = "OrgPage" }, \
    { "PUT", "/users/{username}" path "/{id}", ADMIN, org_assign, kind, \
      .tag = "organization", .summary = "Assign a user to a " one " (admin)", \
      .description = "Assigning again changes nothing (204).", \
      .status = HTTP_NO_CONTENT }, \
    { "DELETE", "/users/{username}" path "/{id}", ADMIN, org_unassign, kind, \
      .tag = "organization", .summary = "Unassign a user from a " one " (admin)", \
      .description = "Unassigning a user who is not a member is 204 too.", \
      .status = HTTP_NO_CONTENT }

static const pamps_route routes[] = {
    ORG_ROUTES("/departments", &departments, PAMPS_SQL_DEPT_LOCK, "department", "departments"),
    ORG_ROUTES("/positions", &positions, PAMPS_SQL_POS_LOCK, "position", "positions"),
};
/* clang-format on */

const pamps_route_set pamps_org_routes = PAMPS_ROUTE_SET(routes);
