/* /users: the directory, profiles, a user's posts, the social graph, and
 * the admin's role change and account deletion. */
#include <string.h>

#include "apr_strings.h"
#include "http_protocol.h"

#include "pamps_api.h"
#include "pamps_account.h"
#include "pamps_lists.h"
#include "pamps_sql.h"

int pamps_h_users_list(pamps_req *req)
{
    const char *q = apr_table_get(pamps_query_args(req), "q");
    const char *pattern = (q && *q) ? pamps_like_pattern(req->r->pool, q) : "";
    pamps_page page;

    if (pamps_read_offset_page(req, &page)) {
        return OK;
    }
    return pamps_send_user_page(req, &page, PAMPS_SQL_USERS_LIST, PAMPS_SQL_USERS_COUNT,
                                PAMPS_ARGS(pattern, pattern));
}

int pamps_h_users_profile(pamps_req *req)
{
    pamps_rows rows;
    pamps_db_status st = pamps_db_select(req, PAMPS_SQL_USER_PROFILE, &rows,
                                         PAMPS_ARGS(req->match.params[0]));

    if (st != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    if (rows.nrows != 1) {
        return pamps_send_error(req, HTTP_NOT_FOUND, "User not found");
    }
    return pamps_send_json(req, HTTP_OK, pamps_view_profile(&rows.rows[0]));
}

int pamps_h_users_posts(pamps_req *req)
{
    pamps_page page;
    const char *id;

    if (pamps_read_feed_page(req, &page) || !(id = pamps_path_user_id(req))) {
        return OK;
    }
    return pamps_send_feed(req, &page, PAMPS_SQL_FEED_USER,
                           PAMPS_ARGS(req->user->id_text, id, page.before_text,
                                      page.fetch_text));
}

/* followers or following of {username} */
static int send_graph(pamps_req *req, int list_stmt, int count_stmt)
{
    pamps_page page;
    const char *id;

    if (pamps_read_offset_page(req, &page) || !(id = pamps_path_user_id(req))) {
        return OK;
    }
    return pamps_send_user_page(req, &page, list_stmt, count_stmt, PAMPS_ARGS(id));
}

int pamps_h_users_followers(pamps_req *req)
{
    return send_graph(req, PAMPS_SQL_FOLLOWERS_LIST, PAMPS_SQL_FOLLOWERS_COUNT);
}

int pamps_h_users_following(pamps_req *req)
{
    return send_graph(req, PAMPS_SQL_FOLLOWING_LIST, PAMPS_SQL_FOLLOWING_COUNT);
}

static int change_follow(pamps_req *req, int stmt)
{
    const char *id = pamps_path_user_id(req);
    pamps_db_status st;

    if (!id) {
        return OK;
    }
    if (stmt == PAMPS_SQL_FOLLOW_INSERT) {
        if (strcmp(id, req->user->id_text) == 0) {
            json_t *errors = json_array();
            pamps_json_add_error(errors, "path", "username", "value_error",
                                 "You cannot follow yourself");
            return pamps_send_422(req, errors);
        }
        st = pamps_db_exec(req, stmt, NULL, PAMPS_ARGS(req->user->id_text, id,
                                                       pamps_now_text(req->r->pool)));
    }
    else {
        st = pamps_db_exec(req, stmt, NULL, PAMPS_ARGS(req->user->id_text, id));
    }
    if (st != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    return pamps_send_no_content(req);
}

int pamps_h_users_follow(pamps_req *req)
{
    return change_follow(req, PAMPS_SQL_FOLLOW_INSERT);
}

int pamps_h_users_unfollow(pamps_req *req)
{
    return change_follow(req, PAMPS_SQL_FOLLOW_DELETE);
}

static const char *check_role(const char *value, const char **type)
{
    if (strcmp(value, "user") == 0 || strcmp(value, "admin") == 0) {
        return NULL;
    }
    *type = "literal_error";
    return "Input should be 'user' or 'admin'";
}

int pamps_h_users_set_role(pamps_req *req)
{
    static const pamps_field_spec specs[] = {
        { "role", PAMPS_FIELD_STRING, PAMPS_F_REQUIRED, 0, 0, check_role },
    };
    pamps_field_value v[1];
    const char *id;
    pamps_db_status st;

    if (pamps_read_fields(req, specs, 1, v)) {
        return OK;
    }
    if (!(id = pamps_path_user_id(req))) {
        return OK;
    }
    st = pamps_db_exec(req, PAMPS_SQL_USER_SET_ROLE, NULL,
                       PAMPS_ARGS(v[0].str, pamps_now_text(req->r->pool), id));
    if (st != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    return pamps_send_own_view(req, HTTP_OK, id);
}

int pamps_h_users_delete(pamps_req *req)
{
    const char *id = pamps_path_user_id(req);
    pamps_db_status st;

    if (!id) {
        return OK;
    }
    if ((st = pamps_account_delete(req, id)) != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    return pamps_send_no_content(req);
}
