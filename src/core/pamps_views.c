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

    json_object_set_new(u, "id", json_integer(pamps_col_int(row, first)));
    pamps_json_set_str(u, "username", col(row, first + 1));
    pamps_json_set_str(u, "name", col(row, first + 2));
    pamps_json_set_str(u, "bio", col(row, first + 3));
    pamps_json_set_str(u, "avatar", col(row, first + 4));
    pamps_json_set_time(u, "created_at", col(row, first + 5));
    return u;
}

json_t *pamps_view_own_user(const pamps_row *row)
{
    json_t *u = pamps_view_public_user(row, 0);
    int c = PAMPS_PUBLIC_USER_NCOLS;

    pamps_json_set_str(u, "email", col(row, c));
    pamps_json_set_str(u, "role", col(row, c + 1));
    json_object_set_new(u, "posts_count", json_integer(pamps_col_int(row, c + 2)));
    json_object_set_new(u, "followers_count", json_integer(pamps_col_int(row, c + 3)));
    json_object_set_new(u, "following_count", json_integer(pamps_col_int(row, c + 4)));
    return u;
}

json_t *pamps_view_task(const pamps_row *row)
{
    json_t *t = json_object();

    json_object_set_new(t, "id", json_integer(pamps_col_int(row, 0)));
    pamps_json_set_str(t, "title", col(row, 1));
    pamps_json_set_str(t, "description", col(row, 2) ? col(row, 2) : "");
    json_object_set_new(t, "done", json_boolean(pamps_col_bool(row, 3)));
    pamps_json_set_time(t, "created_at", col(row, 4));
    pamps_json_set_time(t, "updated_at", col(row, 5));
    return t;
}

json_t *pamps_view_post(const pamps_row *row)
{
    json_t *post = json_object();

    json_object_set_new(post, "id", json_integer(pamps_col_int(row, 0)));
    pamps_json_set_str(post, "text", col(row, 1));
    json_object_set_new(post, "author", pamps_view_public_user(row, 8));
    json_object_set_new(post, "parent_id",
                        col(row, 2) ? json_integer(pamps_col_int(row, 2)) : json_null());
    pamps_json_set_time(post, "created_at", col(row, 3));
    pamps_json_set_time(post, "updated_at", col(row, 4));
    json_object_set_new(post, "likes_count", json_integer(pamps_col_int(row, 5)));
    json_object_set_new(post, "replies_count", json_integer(pamps_col_int(row, 6)));
    json_object_set_new(post, "liked_by_me", json_boolean(pamps_col_bool(row, 7)));
    return post;
}

json_t *pamps_view_org(const pamps_row *row)
{
    json_t *o = json_object();

    json_object_set_new(o, "id", json_integer(pamps_col_int(row, 0)));
    pamps_json_set_str(o, "name", col(row, 1));
    pamps_json_set_str(o, "description", col(row, 2));
    pamps_json_set_time(o, "created_at", col(row, 3));
    return o;
}

json_t *pamps_view_offset_page(json_t *items, long long total, long long limit,
                               long long offset)
{
    return json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total", (json_int_t)total,
                     "limit", (json_int_t)limit, "offset", (json_int_t)offset);
}
