/* /users: the directory, profiles, a user's posts, the social graph, and
 * the admin's role change and account deletion. */
#include <string.h>

#include "apr_strings.h"
#include "http_protocol.h"

#include "pamps_api.h"
#include "pamps_account.h"
#include "pamps_fetch.h"
#include "pamps_lists.h"
#include "pamps_rules.h"
#include "pamps_sql.h"

static int users_list(pamps_req *req)
{
    const char *q = apr_table_get(pamps_query_args(req), "q");
    const char *pattern = (q && *q) ? pamps_like_pattern(req->r->pool, q) : "";
    pamps_page page;

    if (pamps_read_offset_page(req, &page) != OK) {
        return DONE;
    }
    return pamps_send_user_page(req, &page, PAMPS_SQL_USERS_LIST,
                                *pattern ? PAMPS_SQL_USERS_COUNT_MATCHES : PAMPS_SQL_USERS_COUNT,
                                PAMPS_ARGS(pattern, pattern));
}

static int users_profile(pamps_req *req)
{
    pamps_row row;

    if (pamps_fetch_one(req, PAMPS_SQL_USER_PROFILE, "User not found", &row,
                        PAMPS_ARGS(req->match.params[0])) != OK) {
        return DONE;
    }
    return pamps_send_view(req, HTTP_OK, pamps_view_profile, &row);
}

static int users_posts(pamps_req *req)
{
    pamps_page page;
    const char *id;

    if (pamps_read_feed_page(req, &page) != OK || pamps_path_user_id(req, &id) != OK) {
        return DONE;
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

    if (pamps_read_offset_page(req, &page) != OK || pamps_path_user_id(req, &id) != OK) {
        return DONE;
    }
    return pamps_send_user_page(req, &page, list_stmt, count_stmt, PAMPS_ARGS(id));
}

static int users_followers(pamps_req *req)
{
    return send_graph(req, PAMPS_SQL_FOLLOWERS_LIST, PAMPS_SQL_FOLLOWERS_COUNT);
}

static int users_following(pamps_req *req)
{
    return send_graph(req, PAMPS_SQL_FOLLOWING_LIST, PAMPS_SQL_FOLLOWING_COUNT);
}

static int change_follow(pamps_req *req, int stmt)
{
    const char *id;
    pamps_db_status st;

    if (pamps_path_user_id(req, &id) != OK) {
        return DONE;
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

static int users_follow(pamps_req *req)
{
    return change_follow(req, PAMPS_SQL_FOLLOW_INSERT);
}

static int users_unfollow(pamps_req *req)
{
    return change_follow(req, PAMPS_SQL_FOLLOW_DELETE);
}

static const pamps_field_spec role_fields[] = {
    PAMPS_SPEC_ROLE(PAMPS_F_REQUIRED),
};
static const pamps_body role_body = PAMPS_BODY("RoleChange", role_fields);

static int users_set_role(pamps_req *req)
{
    pamps_field_value v[1];
    const char *id;
    pamps_db_status st;

    if (pamps_read_fields(req, &role_body, v) != OK) {
        return DONE;
    }
    if (pamps_path_user_id(req, &id) != OK) {
        return DONE;
    }
    st = pamps_db_exec(req, PAMPS_SQL_USER_SET_ROLE, NULL,
                       PAMPS_ARGS(v[0].str, pamps_now_text(req->r->pool), id));
    if (st != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    return pamps_send_own_view(req, HTTP_OK, id);
}

static int users_delete(pamps_req *req)
{
    const char *id;

    if (pamps_path_user_id(req, &id) != OK) {
        return DONE;
    }
    return pamps_account_delete(req, id);
}

/* clang-format off */
static const pamps_route routes[] = {
    { "GET", "/users", 0, users_list, NULL, .tag = "users", .summary = "List users",
      .description = "Public views, by id; q keeps the users whose username contains it"
                     " (case-insensitive).",
      .query = "limit offset q", .status = HTTP_OK, .response = "UserPage" },
    { "GET", "/users/{username}", 0, users_profile, NULL, .tag = "users",
      .summary = "A user's profile",
      .description = "The public view with posts, followers and following counts.",
      .status = HTTP_OK, .response = "Profile" },
    { "PATCH", "/users/{username}", JSON | ADMIN | IF_MATCH, users_set_role, NULL,
      .lock = PAMPS_SQL_USER_LOCK_NAME, .tag = "admin",
      .summary = "Change a user's role (admin)",
      .description = "Takes effect on that user's next request. Answers that user's own"
                     " view (not the profile this path's GET shows, so no ETag).",
      .body = &role_body,
      .status = HTTP_OK, .response = "OwnUser" },
    { "DELETE", "/users/{username}", ADMIN | IF_MATCH, users_delete, NULL,
      .lock = PAMPS_SQL_USER_LOCK_NAME, .tag = "admin",
      .summary = "Delete a user (admin)",
      .description = "As DELETE /users/me: their tasks, likes, follows, memberships and"
                     " posts go; others' replies to their posts stay, as top-level posts.",
      .status = HTTP_NO_CONTENT },
    { "GET", "/users/{username}/posts", 0, users_posts, NULL, .tag = "posts",
      .summary = "A user's posts",
      .description = "Their posts and replies, newest first.", .query = "limit before",
      .status = HTTP_OK, .response = "Feed" },
    { "GET", "/users/{username}/followers", 0, users_followers, NULL, .tag = "users",
      .summary = "Who follows the user",
      .description = "Public views of the followers, by id.", .query = "limit offset",
      .status = HTTP_OK, .response = "UserPage" },
    { "GET", "/users/{username}/following", 0, users_following, NULL, .tag = "users",
      .summary = "Whom the user follows",
      .description = "Public views of the users followed, by id.", .query = "limit offset",
      .status = HTTP_OK, .response = "UserPage" },
    { "POST", "/users/{username}/follow", 0, users_follow, NULL, .tag = "users",
      .summary = "Follow a user",
      .description = "Following again changes nothing (204); following yourself is 422.",
      .status = HTTP_NO_CONTENT, .errors = { HTTP_UNPROCESSABLE_ENTITY } },
    { "DELETE", "/users/{username}/follow", 0, users_unfollow, NULL, .tag = "users",
      .summary = "Unfollow a user",
      .description = "Unfollowing someone you do not follow is 204 too.",
      .status = HTTP_NO_CONTENT },
};
/* clang-format on */

const pamps_route_set pamps_user_routes = PAMPS_ROUTE_SET(routes);
