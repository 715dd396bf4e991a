/* /posts: the microblog. Writes check the author (or an admin, for
 * deletion) after validation, as API.md orders it. */
#include <string.h>

#include "apr_strings.h"
#include "http_protocol.h"

#include "pamps_api.h"
#include "pamps_fetch.h"
#include "pamps_lists.h"
#include "pamps_rules.h"
#include "pamps_sql.h"

/* text, and for a new post the post it replies to (absent or null: none) */
static const pamps_field_spec post_fields[] = {
    PAMPS_SPEC_POST_TEXT(PAMPS_F_REQUIRED),
    { "parent_id", PAMPS_FIELD_ID, PAMPS_F_NULLABLE, 0, 0, NULL },
};
static const pamps_body create_body = PAMPS_BODY("PostCreate", post_fields);
static const pamps_body update_body = { "PostUpdate", post_fields, 1 };

#define NOT_FOUND "Post not found"

/* Sends the post {id} as the caller sees it, or 404. */
static int send_post(pamps_req *req, int status, const char *id)
{
    pamps_row row;

    if (pamps_fetch_one(req, PAMPS_SQL_POST_GET, NOT_FOUND, &row,
                        PAMPS_ARGS(req->user->id_text, id)) != OK) {
        return DONE;
    }
    if (status == HTTP_CREATED) {
        return pamps_send_created(req, pamps_view_post, &row, "/posts/%s", id);
    }
    return pamps_send_view(req, status, pamps_view_post, &row);
}

/* The author id of post {id} in *owner: OK, or DONE when a 404 (or a
 * failure) was sent. */
static int post_owner(pamps_req *req, const char *id, const char **owner)
{
    pamps_row row;

    if (pamps_fetch_one(req, PAMPS_SQL_POST_OWNER, NOT_FOUND, &row, PAMPS_ARGS(id)) != OK) {
        return DONE;
    }
    *owner = row.col[PAMPS_COL_VALUE];
    return OK;
}

static int posts_create(pamps_req *req)
{
    pamps_field_value v[2];
    const char *parent, *now = pamps_now_text(req->r->pool);
    pamps_rows rows;
    pamps_db_status st;

    if (pamps_read_fields(req, &create_body, v) != OK) {
        return DONE;
    }
    if ((parent = v[1].str) != NULL) {
        if ((st = pamps_db_select(req, PAMPS_SQL_POST_OWNER, &rows, PAMPS_ARGS(parent)))
            != PAMPS_DB_OK) {
            return pamps_db_fail(req, st);
        }
        if (rows.nrows != 1) {
            json_t *errors = json_array();
            pamps_json_add_error(errors, "body", "parent_id", "value_error",
                                 "The parent post does not exist");
            return pamps_send_422(req, errors);
        }
    }
    st = pamps_db_select(req, PAMPS_SQL_POST_INSERT, &rows,
                         PAMPS_ARGS(req->user->id_text, parent, v[0].str, now, now));
    if (st != PAMPS_DB_OK || rows.nrows != 1) {
        return pamps_db_fail(req, st == PAMPS_DB_OK ? PAMPS_DB_ERROR : st);
    }
    return send_post(req, HTTP_CREATED, rows.rows[0].col[PAMPS_COL_VALUE]);
}

static int posts_feed(pamps_req *req)
{
    pamps_page page;

    if (pamps_read_feed_page(req, &page) != OK) {
        return DONE;
    }
    return pamps_send_feed(req, &page, PAMPS_SQL_FEED_ALL,
                           PAMPS_ARGS(req->user->id_text, page.before_text, page.fetch_text));
}

static int posts_timeline(pamps_req *req)
{
    const char *me = req->user->id_text;
    pamps_page page;

    if (pamps_read_feed_page(req, &page) != OK) {
        return DONE;
    }
    /* each author contributes at most limit + 1 posts: the bound is the
     * one at offset limit (see FEED_TIMELINE) */
    return pamps_send_feed(req, &page, PAMPS_SQL_FEED_TIMELINE,
                           PAMPS_ARGS(me, me, me, page.before_text, page.before_text,
                                      page.limit_text, page.fetch_text));
}

static int posts_get(pamps_req *req)
{
    return send_post(req, HTTP_OK, req->match.params[0]);
}

static int posts_replies(pamps_req *req)
{
    const char *id = req->match.params[0], *owner;
    pamps_page page;

    if (pamps_read_feed_page(req, &page) != OK || post_owner(req, id, &owner) != OK) {
        return DONE;
    }
    return pamps_send_feed(req, &page, PAMPS_SQL_FEED_REPLIES,
                           PAMPS_ARGS(req->user->id_text, id, page.before_text,
                                      page.fetch_text));
}

static int posts_patch(pamps_req *req)
{
    const char *id = req->match.params[0], *owner;
    pamps_field_value v[1];
    pamps_db_status st;

    if (pamps_read_fields(req, &update_body, v) != OK) {
        return DONE;
    }
    if (post_owner(req, id, &owner) != OK) {
        return DONE;
    }
    if (strcmp(owner, req->user->id_text) != 0) {
        return pamps_send_error(req, HTTP_FORBIDDEN, "Only the author can edit this post");
    }
    st = pamps_db_exec(req, PAMPS_SQL_POST_UPDATE, NULL,
                       PAMPS_ARGS(v[0].str, pamps_now_text(req->r->pool), id));
    if (st != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    return send_post(req, HTTP_OK, id);
}

static int posts_delete(pamps_req *req)
{
    const char *id = req->match.params[0], *owner;
    pamps_db_status st;
    pamps_rows locked;
    int deleted = 0;

    if (post_owner(req, id, &owner) != OK) {
        return DONE;
    }
    if (strcmp(owner, req->user->id_text) != 0 && !req->user->is_admin) {
        return pamps_send_error(req, HTTP_FORBIDDEN,
                                "Only the author or an admin can delete this post");
    }
    /* replies stay, as top-level posts; likes go with the post. Both are
     * locked before the post's counters are touched (see PAMPS_LOCK_ROWS) */
    if ((st = pamps_db_begin(req)) != PAMPS_DB_OK
        || (st = pamps_db_select(req, PAMPS_SQL_POST_LOCK_CHILDREN, &locked,
                                 PAMPS_ARGS(id, id))) != PAMPS_DB_OK
        || (st = pamps_db_exec(req, PAMPS_SQL_POST_DETACH_REPLIES, NULL, PAMPS_ARGS(id)))
           != PAMPS_DB_OK
        || (st = pamps_db_exec(req, PAMPS_SQL_POST_DEL_LIKES, NULL, PAMPS_ARGS(id)))
           != PAMPS_DB_OK
        || (st = pamps_db_exec(req, PAMPS_SQL_POST_DELETE, &deleted, PAMPS_ARGS(id)))
           != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    /* the look-up above saw the post, but a concurrent delete may have
     * taken it since: only the request whose statement removed it says so */
    if (deleted == 0) {
        pamps_db_rollback(req);
        return pamps_send_error(req, HTTP_NOT_FOUND, NOT_FOUND);
    }
    if ((st = pamps_db_commit(req)) != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    return pamps_send_no_content(req);
}

static int change_like(pamps_req *req, int stmt)
{
    const char *id = req->match.params[0], *owner;
    pamps_db_status st;

    if (post_owner(req, id, &owner) != OK) {
        return DONE;
    }
    if (stmt == PAMPS_SQL_LIKE_INSERT) {
        st = pamps_db_exec(req, stmt, NULL, PAMPS_ARGS(id, req->user->id_text,
                                                       pamps_now_text(req->r->pool)));
    }
    else {
        st = pamps_db_exec(req, stmt, NULL, PAMPS_ARGS(id, req->user->id_text));
    }
    if (st != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    return pamps_send_no_content(req);
}

static int posts_like(pamps_req *req)
{
    return change_like(req, PAMPS_SQL_LIKE_INSERT);
}

static int posts_unlike(pamps_req *req)
{
    return change_like(req, PAMPS_SQL_LIKE_DELETE);
}

static int posts_likes(pamps_req *req)
{
    const char *id = req->match.params[0], *owner;
    pamps_page page;

    if (pamps_read_offset_page(req, &page) != OK || post_owner(req, id, &owner) != OK) {
        return DONE;
    }
    return pamps_send_user_page(req, &page, PAMPS_SQL_LIKERS_LIST, PAMPS_SQL_LIKERS_COUNT,
                                PAMPS_ARGS(id));
}

/* clang-format off */
static const pamps_route routes[] = {
    { "GET", "/posts", 0, posts_feed, NULL, .tag = "posts",
      .summary = "All posts, newest first",
      .description = "Every post, replies included. The next page: before=next_before.",
      .query = "limit before",
      .status = HTTP_OK, .response = "Feed" },
    { "POST", "/posts", JSON | IDEMPOTENT, posts_create, NULL, .tag = "posts",
      .summary = "Write a post or a reply",
      .description = "text is trimmed. A reply names its parent_id; one that names no post"
                     " is 422. Answers the post and its Location. With an Idempotency-Key,"
                     " a retry gets the first answer again.",
      .body = &create_body, .status = HTTP_CREATED, .response = "Post" },
    { "GET", "/posts/timeline", 0, posts_timeline, NULL, .tag = "posts",
      .summary = "Posts of the users you follow, and yours",
      .description = "Newest first, replies included. The next page: before=next_before.",
      .query = "limit before",
      .status = HTTP_OK, .response = "Feed" },
    { "GET", "/posts/{id}", 0, posts_get, NULL, .tag = "posts", .summary = "A post",
      .description = "With its author, its likes and replies counts, and whether you like"
                     " it.",
      .status = HTTP_OK, .response = "Post" },
    { "PATCH", "/posts/{id}", JSON | IF_MATCH, posts_patch, NULL, .lock = PAMPS_SQL_POST_LOCK, .tag = "posts",
      .summary = "Edit your post",
      .description = "Only its author may (403 otherwise, admins included). Answers the"
                     " post and its new ETag.",
      .body = &update_body,
      .status = HTTP_OK, .response = "Post", .errors = { HTTP_FORBIDDEN } },
    { "DELETE", "/posts/{id}", IF_MATCH, posts_delete, NULL, .lock = PAMPS_SQL_POST_LOCK, .tag = "posts",
      .summary = "Delete a post (author or admin)",
      .description = "Its likes go; its replies stay, as top-level posts. Anyone else is"
                     " 403.",
      .status = HTTP_NO_CONTENT, .errors = { HTTP_FORBIDDEN } },
    { "GET", "/posts/{id}/replies", 0, posts_replies, NULL, .tag = "posts",
      .summary = "Direct replies to a post",
      .description = "Newest first; replies to replies are not included.",
      .query = "limit before",
      .status = HTTP_OK, .response = "Feed" },
    { "POST", "/posts/{id}/like", 0, posts_like, NULL, .tag = "posts",
      .summary = "Like a post",
      .description = "Liking again changes nothing (204).", .status = HTTP_NO_CONTENT },
    { "DELETE", "/posts/{id}/like", 0, posts_unlike, NULL, .tag = "posts",
      .summary = "Take back a like",
      .description = "Taking back a like never given is 204 too.",
      .status = HTTP_NO_CONTENT },
    { "GET", "/posts/{id}/likes", 0, posts_likes, NULL, .tag = "posts",
      .summary = "Who liked a post",
      .description = "Public views of the users who like it, by id.",
      .query = "limit offset",
      .status = HTTP_OK, .response = "UserPage" },
};
/* clang-format on */

const pamps_route_set pamps_post_routes = PAMPS_ROUTE_SET(routes);
