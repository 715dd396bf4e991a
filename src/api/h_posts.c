/* /posts: the microblog. Writes check the author (or an admin, for
 * deletion) after validation, as API.md orders it. */
#include <string.h>

#include "apr_strings.h"
#include "http_protocol.h"

#include "pamps_api.h"
#include "pamps_lists.h"
#include "pamps_sql.h"

static const pamps_field_spec text_spec[] = {
    { "text", PAMPS_FIELD_STRING, PAMPS_F_REQUIRED | PAMPS_F_TRIM, 1, 280, NULL },
};

/* Sends the post {id} as the caller sees it, or 404. */
static int send_post(pamps_req *req, int status, const char *id)
{
    pamps_rows rows;
    pamps_db_status st = pamps_db_select(req, PAMPS_SQL_POST_GET, &rows,
                                         PAMPS_ARGS(req->user->id_text, id));

    if (st != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    if (rows.nrows != 1) {
        return pamps_send_error(req, HTTP_NOT_FOUND, "Post not found");
    }
    if (status == HTTP_CREATED) {
        return pamps_send_created(req, pamps_view_post(&rows.rows[0]), "/posts/%s", id);
    }
    return pamps_send_json(req, status, pamps_view_post(&rows.rows[0]));
}

/* The author id of post {id}; NULL when a 404 (or a failure) was sent. */
static const char *post_owner(pamps_req *req, const char *id)
{
    pamps_rows rows;
    pamps_db_status st = pamps_db_select(req, PAMPS_SQL_POST_OWNER, &rows, PAMPS_ARGS(id));

    if (st != PAMPS_DB_OK) {
        pamps_db_fail(req, st);
        return NULL;
    }
    if (rows.nrows != 1) {
        pamps_send_error(req, HTTP_NOT_FOUND, "Post not found");
        return NULL;
    }
    return rows.rows[0].col[PAMPS_COL_VALUE];
}

/* parent_id: absent or null for a top-level post, else a positive integer */
static int read_parent(pamps_req *req, json_t *errors, const char **parent)
{
    json_t *v = json_object_get(req->body, "parent_id");

    *parent = NULL;
    if (!v || json_is_null(v)) {
        return 0;
    }
    if (!json_is_integer(v) || json_integer_value(v) <= 0) {
        pamps_json_add_error(errors, "body", "parent_id", "int_type",
                             "Input should be a valid post id");
        return 1;
    }
    *parent = apr_psprintf(req->r->pool, "%" APR_INT64_T_FMT, (apr_int64_t)json_integer_value(v));
    return 0;
}

int pamps_h_posts_create(pamps_req *req)
{
    apr_pool_t *p = req->r->pool;
    pamps_field_value v[1];
    json_t *errors = json_array();
    const char *parent, *now = pamps_now_text(p);
    pamps_rows rows;
    pamps_db_status st;
    int bad = pamps_json_read_fields(p, req->body, text_spec, 1, v, errors);

    bad += read_parent(req, errors, &parent);
    if (!bad && parent) {
        if ((st = pamps_db_select(req, PAMPS_SQL_POST_OWNER, &rows, PAMPS_ARGS(parent)))
            != PAMPS_DB_OK) {
            json_decref(errors);
            return pamps_db_fail(req, st);
        }
        if (rows.nrows != 1) {
            pamps_json_add_error(errors, "body", "parent_id", "value_error",
                                 "The parent post does not exist");
            bad++;
        }
    }
    if (bad) {
        return pamps_send_422(req, errors);
    }
    json_decref(errors);
    st = pamps_db_select(req, PAMPS_SQL_POST_INSERT, &rows,
                         PAMPS_ARGS(req->user->id_text, parent, v[0].str, now, now));
    if (st != PAMPS_DB_OK || rows.nrows != 1) {
        return pamps_db_fail(req, st == PAMPS_DB_OK ? PAMPS_DB_ERROR : st);
    }
    return send_post(req, HTTP_CREATED, rows.rows[0].col[PAMPS_COL_VALUE]);
}

int pamps_h_posts_feed(pamps_req *req)
{
    pamps_page page;

    if (pamps_read_feed_page(req, &page)) {
        return OK;
    }
    return pamps_send_feed(req, &page, PAMPS_SQL_FEED_ALL,
                           PAMPS_ARGS(req->user->id_text, page.before_text, page.fetch_text));
}

int pamps_h_posts_timeline(pamps_req *req)
{
    const char *me = req->user->id_text;
    pamps_page page;

    if (pamps_read_feed_page(req, &page)) {
        return OK;
    }
    /* each author contributes at most limit + 1 posts: the bound is the
     * one at offset limit (see FEED_TIMELINE) */
    return pamps_send_feed(req, &page, PAMPS_SQL_FEED_TIMELINE,
                           PAMPS_ARGS(me, me, me, page.before_text, page.before_text,
                                      page.limit_text, page.fetch_text));
}

int pamps_h_posts_get(pamps_req *req)
{
    return send_post(req, HTTP_OK, req->match.params[0]);
}

int pamps_h_posts_replies(pamps_req *req)
{
    const char *id = req->match.params[0];
    pamps_page page;

    if (pamps_read_feed_page(req, &page) || !post_owner(req, id)) {
        return OK;
    }
    return pamps_send_feed(req, &page, PAMPS_SQL_FEED_REPLIES,
                           PAMPS_ARGS(req->user->id_text, id, page.before_text,
                                      page.fetch_text));
}

int pamps_h_posts_patch(pamps_req *req)
{
    const char *id = req->match.params[0], *owner;
    pamps_field_value v[1];
    pamps_db_status st;

    if (pamps_read_fields(req, text_spec, 1, v)) {
        return OK;
    }
    if (!(owner = post_owner(req, id))) {
        return OK;
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

int pamps_h_posts_delete(pamps_req *req)
{
    const char *id = req->match.params[0], *owner;
    pamps_db_status st;

    if (!(owner = post_owner(req, id))) {
        return OK;
    }
    if (strcmp(owner, req->user->id_text) != 0 && !req->user->is_admin) {
        return pamps_send_error(req, HTTP_FORBIDDEN,
                                "Only the author or an admin can delete this post");
    }
    /* replies stay, as top-level posts; likes go with the post */
    if ((st = pamps_db_begin(req)) != PAMPS_DB_OK
        || (st = pamps_db_exec(req, PAMPS_SQL_POST_DETACH_REPLIES, NULL, PAMPS_ARGS(id)))
           != PAMPS_DB_OK
        || (st = pamps_db_exec(req, PAMPS_SQL_POST_DEL_LIKES, NULL, PAMPS_ARGS(id)))
           != PAMPS_DB_OK
        || (st = pamps_db_exec(req, PAMPS_SQL_POST_DELETE, NULL, PAMPS_ARGS(id)))
           != PAMPS_DB_OK
        || (st = pamps_db_commit(req)) != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    return pamps_send_no_content(req);
}

static int change_like(pamps_req *req, int stmt)
{
    const char *id = req->match.params[0];
    pamps_db_status st;

    if (!post_owner(req, id)) {
        return OK;
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

int pamps_h_posts_like(pamps_req *req)
{
    return change_like(req, PAMPS_SQL_LIKE_INSERT);
}

int pamps_h_posts_unlike(pamps_req *req)
{
    return change_like(req, PAMPS_SQL_LIKE_DELETE);
}

int pamps_h_posts_likes(pamps_req *req)
{
    const char *id = req->match.params[0];
    pamps_page page;

    if (pamps_read_offset_page(req, &page) || !post_owner(req, id)) {
        return OK;
    }
    return pamps_send_user_page(req, &page, PAMPS_SQL_LIKERS_LIST, PAMPS_SQL_LIKERS_COUNT,
                                PAMPS_ARGS(id));
}
