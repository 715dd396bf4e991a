/* /tasks: private to their owner; every statement carries user_id, so
 * another user's task is simply not found. */
#include <string.h>

#include "apr_strings.h"
#include "http_protocol.h"

#include "pamps_api.h"
#include "pamps_lists.h"
#include "pamps_sql.h"

enum { F_TITLE, F_DESCRIPTION, F_DONE, NFIELDS };

static const struct {
    const char *name;
    int stmt;
} sorts[] = {
    { "-created_at", PAMPS_SQL_TASK_LIST_CREATED_DESC },
    { "created_at",  PAMPS_SQL_TASK_LIST_CREATED_ASC },
    { "-updated_at", PAMPS_SQL_TASK_LIST_UPDATED_DESC },
    { "updated_at",  PAMPS_SQL_TASK_LIST_UPDATED_ASC },
    { "-title",      PAMPS_SQL_TASK_LIST_TITLE_DESC },
    { "title",       PAMPS_SQL_TASK_LIST_TITLE_ASC },
};

/* title/description/done with the given required flags; nonzero when a
 * 422 has been sent */
static int read_task(pamps_req *req, unsigned title_flags, unsigned done_flags,
                     pamps_field_value *v)
{
    const pamps_field_spec specs[NFIELDS] = {
        { "title", PAMPS_FIELD_STRING, title_flags | PAMPS_F_TRIM, 1, 200, NULL },
        { "description", PAMPS_FIELD_STRING, 0, 0, 5000, NULL },
        { "done", PAMPS_FIELD_BOOL, done_flags, 0, 0, NULL },
    };

    return pamps_read_fields(req, specs, NFIELDS, v);
}

static const char *bool_text(int b)
{
    return b ? "1" : "0";
}

static int send_task_or_404(pamps_req *req, int status, pamps_db_status st,
                            pamps_rows *rows)
{
    if (st != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    if (rows->nrows != 1) {
        return pamps_send_error(req, HTTP_NOT_FOUND, "Task not found");
    }
    if (status == HTTP_CREATED) {
        return pamps_send_created(req, pamps_view_task(&rows->rows[0]), "/tasks/%s",
                                  rows->rows[0].col[PAMPS_COL_TASK_ID]);
    }
    return pamps_send_json(req, status, pamps_view_task(&rows->rows[0]));
}

int pamps_h_tasks_list(pamps_req *req)
{
    apr_table_t *args = pamps_query_args(req);
    const char *done = apr_table_get(args, "done"), *q = apr_table_get(args, "q");
    const char *sort = apr_table_get(args, "sort"), *done_mode = "any", *done_value = "0";
    const char *pattern = (q && *q) ? pamps_like_pattern(req->r->pool, q) : "";
    json_t *errors = json_array();
    int stmt = PAMPS_SQL_TASK_LIST_CREATED_DESC;
    pamps_page page;

    pamps_page_params(req, args, &page, 0, errors);
    if (done) {
        int b = pamps_parse_bool_text(done);
        if (b < 0) {
            pamps_json_add_error(errors, "query", "done", "bool_parsing",
                                 "Input should be a valid boolean, unable to interpret input");
        }
        else {
            done_mode = "only";
            done_value = bool_text(b);
        }
    }
    if (sort) {
        size_t i;
        for (i = 0; i < sizeof(sorts) / sizeof(*sorts) && strcmp(sorts[i].name, sort); i++) {
        }
        if (i == sizeof(sorts) / sizeof(*sorts)) {
            pamps_json_add_error(errors, "query", "sort", "literal_error",
                                 "Input should be 'created_at', '-created_at', 'updated_at',"
                                 " '-updated_at', 'title' or '-title'");
        }
        else {
            stmt = sorts[i].stmt;
        }
    }
    if (json_array_size(errors)) {
        return pamps_send_422(req, errors);
    }
    json_decref(errors);
    return pamps_send_offset_page(req, &page, stmt, PAMPS_SQL_TASK_COUNT, pamps_view_task,
                                  PAMPS_ARGS(req->user->id_text, done_mode, done_value,
                                             pattern, pattern));
}

int pamps_h_tasks_create(pamps_req *req)
{
    pamps_field_value v[NFIELDS];
    const char *now = pamps_now_text(req->r->pool);
    pamps_rows rows;
    pamps_db_status st;

    if (read_task(req, PAMPS_F_REQUIRED, 0, v)) {
        return OK;
    }
    st = pamps_db_select(req, PAMPS_SQL_TASK_INSERT, &rows,
                         PAMPS_ARGS(req->user->id_text, v[F_TITLE].str,
                                    v[F_DESCRIPTION].present ? v[F_DESCRIPTION].str : "",
                                    bool_text(v[F_DONE].boolean), now, now));
    return send_task_or_404(req, HTTP_CREATED, st, &rows);
}

int pamps_h_tasks_get(pamps_req *req)
{
    pamps_rows rows;
    pamps_db_status st = pamps_db_select(req, PAMPS_SQL_TASK_GET, &rows,
                                         PAMPS_ARGS(req->match.params[0], req->user->id_text));

    return send_task_or_404(req, HTTP_OK, st, &rows);
}

/* PUT replaces (a missing description becomes ""), PATCH changes what is sent. */
static int update_task(pamps_req *req, int replace)
{
    pamps_field_value v[NFIELDS];
    unsigned required = replace ? PAMPS_F_REQUIRED : 0;
    const char *description;
    pamps_rows rows;
    pamps_db_status st;

    if (read_task(req, required, required, v)) {
        return OK;
    }
    description = v[F_DESCRIPTION].present ? v[F_DESCRIPTION].str : "";
    st = pamps_db_select(req, PAMPS_SQL_TASK_UPDATE, &rows,
                         PAMPS_ARGS(bool_text(v[F_TITLE].present), v[F_TITLE].str,
                                    bool_text(replace || v[F_DESCRIPTION].present), description,
                                    bool_text(v[F_DONE].present), bool_text(v[F_DONE].boolean),
                                    pamps_now_text(req->r->pool), req->match.params[0],
                                    req->user->id_text));
    return send_task_or_404(req, HTTP_OK, st, &rows);
}

int pamps_h_tasks_put(pamps_req *req)
{
    return update_task(req, 1);
}

int pamps_h_tasks_patch(pamps_req *req)
{
    return update_task(req, 0);
}

int pamps_h_tasks_delete(pamps_req *req)
{
    int affected = 0;
    pamps_db_status st = pamps_db_exec(req, PAMPS_SQL_TASK_DELETE, &affected,
                                       PAMPS_ARGS(req->match.params[0], req->user->id_text));

    if (st != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    if (affected == 0) {
        return pamps_send_error(req, HTTP_NOT_FOUND, "Task not found");
    }
    return pamps_send_no_content(req);
}
