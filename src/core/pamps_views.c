/* JSON shapes of API.md's resources, built from database rows. */

#include "pamps_json.h"
#include "pamps_time.h"
#include "pamps_views.h"

void pamps_json_set_time(json_t *obj, const char *key, const char *db_text)
{
    long long epoch;
    char buf[PAMPS_TIME_LEN];

    if (db_text && pamps_time_parse(db_text, &epoch) == 0) {
        pamps_time_format(epoch, buf);
        json_object_set_new(obj, key, json_string(buf));
    }
    else {
        json_object_set_new(obj, key, db_text ? json_string(db_text) : json_null());
    }
}

static const char *col(const pamps_row *row, int i)
{
    return i < row->ncols ? row->col[i] : NULL;
}

json_t *pamps_view_public_user(const pamps_row *row, int first)
{
    json_t *u = json_object();

    json_object_set_new(u, "id", json_integer(pamps_col_int(row, first + PAMPS_COL_USER_ID)));
    pamps_json_set_str(u, "username", col(row, first + PAMPS_COL_USER_USERNAME));
    pamps_json_set_str(u, "name", col(row, first + PAMPS_COL_USER_NAME));
    pamps_json_set_str(u, "bio", col(row, first + PAMPS_COL_USER_BIO));
    pamps_json_set_str(u, "avatar", col(row, first + PAMPS_COL_USER_AVATAR));
    pamps_json_set_time(u, "created_at", col(row, first + PAMPS_COL_USER_CREATED_AT));
    return u;
}

static void set_int(json_t *obj, const char *key, const pamps_row *row, int i)
{
    json_object_set_new(obj, key, json_integer(pamps_col_int(row, i)));
}

/* Built up from the public fields: what a profile shows is what is added
 * here, never what is left after removing private fields. */
json_t *pamps_view_profile(const pamps_row *row)
{
    json_t *u = pamps_view_public_user(row, 0);

    set_int(u, "posts_count", row, PAMPS_COL_USER_POSTS_COUNT);
    set_int(u, "followers_count", row, PAMPS_COL_USER_FOLLOWERS_COUNT);
    set_int(u, "following_count", row, PAMPS_COL_USER_FOLLOWING_COUNT);
    return u;
}

json_t *pamps_view_own_user(const pamps_row *row)
{
    json_t *u = pamps_view_profile(row);

    pamps_json_set_str(u, "email", col(row, PAMPS_COL_USER_EMAIL));
    pamps_json_set_str(u, "role", col(row, PAMPS_COL_USER_ROLE));
    return u;
}

json_t *pamps_view_task(const pamps_row *row)
{
    json_t *t = json_object();
    const char *description = col(row, PAMPS_COL_TASK_DESCRIPTION);

    set_int(t, "id", row, PAMPS_COL_TASK_ID);
    pamps_json_set_str(t, "title", col(row, PAMPS_COL_TASK_TITLE));
    pamps_json_set_str(t, "description", description ? description : "");
    json_object_set_new(t, "done", json_boolean(pamps_col_bool(row, PAMPS_COL_TASK_DONE)));
    pamps_json_set_time(t, "created_at", col(row, PAMPS_COL_TASK_CREATED_AT));
    pamps_json_set_time(t, "updated_at", col(row, PAMPS_COL_TASK_UPDATED_AT));
    return t;
}

json_t *pamps_view_post(const pamps_row *row)
{
    json_t *post = json_object();
    const char *parent = col(row, PAMPS_COL_POST_PARENT_ID);

    set_int(post, "id", row, PAMPS_COL_POST_ID);
    pamps_json_set_str(post, "text", col(row, PAMPS_COL_POST_TEXT));
    json_object_set_new(post, "author", pamps_view_public_user(row, PAMPS_POST_AUTHOR));
    json_object_set_new(post, "parent_id",
                        parent ? json_integer(pamps_col_int(row, PAMPS_COL_POST_PARENT_ID))
                               : json_null());
    pamps_json_set_time(post, "created_at", col(row, PAMPS_COL_POST_CREATED_AT));
    pamps_json_set_time(post, "updated_at", col(row, PAMPS_COL_POST_UPDATED_AT));
    set_int(post, "likes_count", row, PAMPS_COL_POST_LIKES_COUNT);
    set_int(post, "replies_count", row, PAMPS_COL_POST_REPLIES_COUNT);
    json_object_set_new(post, "liked_by_me",
                        json_boolean(pamps_col_bool(row, PAMPS_COL_POST_LIKED_BY_ME)));
    return post;
}

json_t *pamps_view_org(const pamps_row *row)
{
    json_t *o = json_object();

    set_int(o, "id", row, PAMPS_COL_ORG_ID);
    pamps_json_set_str(o, "name", col(row, PAMPS_COL_ORG_NAME));
    pamps_json_set_str(o, "description", col(row, PAMPS_COL_ORG_DESCRIPTION));
    pamps_json_set_time(o, "created_at", col(row, PAMPS_COL_ORG_CREATED_AT));
    return o;
}

json_t *pamps_view_offset_page(json_t *items, long long total, long long limit,
                               long long offset)
{
    return json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total", (json_int_t)total,
                     "limit", (json_int_t)limit, "offset", (json_int_t)offset);
}
