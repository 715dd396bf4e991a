/* JSON shapes of API.md's resources, written from database rows. */

#include "pamps_time.h"
#include "pamps_views.h"

void pamps_jw_time(pamps_jw *w, const char *db_text)
{
    long long epoch;
    char buf[PAMPS_TIME_LEN];

    if (db_text && pamps_time_parse(db_text, &epoch) == 0) {
        pamps_time_format(epoch, buf);
        pamps_jw_str(w, buf);
    }
    else {
        pamps_jw_str(w, db_text);
    }
}

static const char *col(const pamps_row *row, int i)
{
    return i < row->ncols ? row->col[i] : NULL;
}

static void member_str(pamps_jw *w, const char *key, const char *value)
{
    pamps_jw_key(w, key);
    pamps_jw_str(w, value);
}

static void member_int(pamps_jw *w, const char *key, const pamps_row *row, int i)
{
    pamps_jw_key(w, key);
    pamps_jw_int(w, pamps_col_int(row, i));
}

static void member_time(pamps_jw *w, const char *key, const char *db_text)
{
    pamps_jw_key(w, key);
    pamps_jw_time(w, db_text);
}

static void public_user_members(pamps_jw *w, const pamps_row *row, int first)
{
    member_int(w, "id", row, first + PAMPS_COL_USER_ID);
    member_str(w, "username", col(row, first + PAMPS_COL_USER_USERNAME));
    member_str(w, "name", col(row, first + PAMPS_COL_USER_NAME));
    member_str(w, "bio", col(row, first + PAMPS_COL_USER_BIO));
    member_str(w, "avatar", col(row, first + PAMPS_COL_USER_AVATAR));
    member_time(w, "created_at", col(row, first + PAMPS_COL_USER_CREATED_AT));
}

/* Built up from the public fields: what a profile shows is what is added
 * here, never what is left after removing private fields. */
static void profile_members(pamps_jw *w, const pamps_row *row)
{
    public_user_members(w, row, 0);
    member_int(w, "posts_count", row, PAMPS_COL_USER_POSTS_COUNT);
    member_int(w, "followers_count", row, PAMPS_COL_USER_FOLLOWERS_COUNT);
    member_int(w, "following_count", row, PAMPS_COL_USER_FOLLOWING_COUNT);
}

void pamps_view_public_user(pamps_jw *w, const pamps_row *row, int first)
{
    pamps_jw_object_open(w);
    public_user_members(w, row, first);
    pamps_jw_object_close(w);
}

void pamps_view_user(pamps_jw *w, const pamps_row *row)
{
    pamps_view_public_user(w, row, 0);
}

void pamps_view_profile(pamps_jw *w, const pamps_row *row)
{
    pamps_jw_object_open(w);
    profile_members(w, row);
    pamps_jw_object_close(w);
}

void pamps_view_own_user(pamps_jw *w, const pamps_row *row)
{
    pamps_jw_object_open(w);
    profile_members(w, row);
    member_str(w, "email", col(row, PAMPS_COL_USER_EMAIL));
    member_str(w, "role", col(row, PAMPS_COL_USER_ROLE));
    pamps_jw_object_close(w);
}

void pamps_view_task(pamps_jw *w, const pamps_row *row)
{
    const char *description = col(row, PAMPS_COL_TASK_DESCRIPTION);

    pamps_jw_object_open(w);
    member_int(w, "id", row, PAMPS_COL_TASK_ID);
    member_str(w, "title", col(row, PAMPS_COL_TASK_TITLE));
    member_str(w, "description", description ? description : "");
    pamps_jw_key(w, "done");
    pamps_jw_bool(w, pamps_col_bool(row, PAMPS_COL_TASK_DONE));
    member_time(w, "created_at", col(row, PAMPS_COL_TASK_CREATED_AT));
    member_time(w, "updated_at", col(row, PAMPS_COL_TASK_UPDATED_AT));
    pamps_jw_object_close(w);
}

void pamps_view_post(pamps_jw *w, const pamps_row *row)
{
    pamps_jw_object_open(w);
    member_int(w, "id", row, PAMPS_COL_POST_ID);
    member_str(w, "text", col(row, PAMPS_COL_POST_TEXT));
    pamps_jw_key(w, "author");
    pamps_view_public_user(w, row, PAMPS_POST_AUTHOR);
    pamps_jw_key(w, "parent_id");
    if (col(row, PAMPS_COL_POST_PARENT_ID)) {
        pamps_jw_int(w, pamps_col_int(row, PAMPS_COL_POST_PARENT_ID));
    }
    else {
        pamps_jw_null(w);
    }
    member_time(w, "created_at", col(row, PAMPS_COL_POST_CREATED_AT));
    member_time(w, "updated_at", col(row, PAMPS_COL_POST_UPDATED_AT));
    member_int(w, "likes_count", row, PAMPS_COL_POST_LIKES_COUNT);
    member_int(w, "replies_count", row, PAMPS_COL_POST_REPLIES_COUNT);
    pamps_jw_key(w, "liked_by_me");
    pamps_jw_bool(w, pamps_col_bool(row, PAMPS_COL_POST_LIKED_BY_ME));
    pamps_jw_object_close(w);
}

void pamps_view_org(pamps_jw *w, const pamps_row *row)
{
    pamps_jw_object_open(w);
    member_int(w, "id", row, PAMPS_COL_ORG_ID);
    member_str(w, "name", col(row, PAMPS_COL_ORG_NAME));
    member_str(w, "description", col(row, PAMPS_COL_ORG_DESCRIPTION));
    member_time(w, "created_at", col(row, PAMPS_COL_ORG_CREATED_AT));
    pamps_jw_object_close(w);
}

void pamps_view_rows(pamps_jw *w, pamps_row_view view, const pamps_rows *rows, int n)
{
    pamps_jw_array_open(w);
    for (int i = 0; i < n && i < rows->nrows; i++) {
        view(w, &rows->rows[i]);
    }
    pamps_jw_array_close(w);
}

void pamps_view_offset_page(pamps_jw *w, pamps_row_view view, const pamps_rows *rows,
                            long long total, long long limit, long long offset)
{
    pamps_jw_object_open(w);
    pamps_jw_key(w, "items");
    pamps_view_rows(w, view, rows, rows->nrows);
    pamps_jw_key(w, "total");
    pamps_jw_int(w, total);
    pamps_jw_key(w, "limit");
    pamps_jw_int(w, limit);
    pamps_jw_key(w, "offset");
    pamps_jw_int(w, offset);
    pamps_jw_object_close(w);
}
