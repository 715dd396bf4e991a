/* /tasks: private to their owner; every statement carries user_id, so
 * another user's task is simply not found. */
#include <limits.h>
#include <string.h>

#include "apr_strings.h"
#include "http_protocol.h"

#include "pamps_api.h"
#include "pamps_fetch.h"
#include "pamps_lists.h"
#include "pamps_rules.h"
#include "pamps_sql.h"

enum { F_TITLE, F_DESCRIPTION, F_DONE, NFIELDS };

/* the list statement of each order of pamps_task_sorts */
static const int sort_statements[PAMPS_TASK_NSORTS] = {
    [PAMPS_TASK_SORT_CREATED] = PAMPS_SQL_TASK_LIST_CREATED_ASC,
    [PAMPS_TASK_SORT_CREATED_DESC] = PAMPS_SQL_TASK_LIST_CREATED_DESC,
    [PAMPS_TASK_SORT_UPDATED] = PAMPS_SQL_TASK_LIST_UPDATED_ASC,
    [PAMPS_TASK_SORT_UPDATED_DESC] = PAMPS_SQL_TASK_LIST_UPDATED_DESC,
    [PAMPS_TASK_SORT_TITLE] = PAMPS_SQL_TASK_LIST_TITLE_ASC,
    [PAMPS_TASK_SORT_TITLE_DESC] = PAMPS_SQL_TASK_LIST_TITLE_DESC,
};

/* title, description, done (F_*): what each write requires */
static const pamps_field_spec create_fields[NFIELDS] = {
    PAMPS_SPEC_TASK_TITLE(PAMPS_F_REQUIRED),
    PAMPS_SPEC_TASK_DESCRIPTION(0),
    PAMPS_SPEC_TASK_DONE(0),
};
static const pamps_field_spec replace_fields[NFIELDS] = {
    PAMPS_SPEC_TASK_TITLE(PAMPS_F_REQUIRED),
    PAMPS_SPEC_TASK_DESCRIPTION(0),
    PAMPS_SPEC_TASK_DONE(PAMPS_F_REQUIRED),
};
static const pamps_field_spec update_fields[NFIELDS] = {
    PAMPS_SPEC_TASK_TITLE(0),
    PAMPS_SPEC_TASK_DESCRIPTION(0),
    PAMPS_SPEC_TASK_DONE(0),
};
static const pamps_body create_body = PAMPS_BODY("TaskCreate", create_fields);
static const pamps_body replace_body = PAMPS_BODY("TaskReplace", replace_fields);
static const pamps_body update_body = PAMPS_BODY("TaskUpdate", update_fields);

static const char *bool_text(int b)
{
    return b ? "1" : "0";
}

#define NOT_FOUND "Task not found"

/* Sends the task stmt returns (a SELECT, or a write RETURNING it), or 404. */
static int send_task(pamps_req *req, int status, int stmt, int nargs, const char *const *args)
{
    pamps_row row;

    if (pamps_fetch_one(req, stmt, NOT_FOUND, &row, nargs, args) != OK) {
        return DONE;
    }
    if (status == HTTP_CREATED) {
        return pamps_send_created(req, pamps_view_task, &row, "/tasks/%s",
                                  row.col[PAMPS_COL_TASK_ID]);
    }
    return pamps_send_view(req, status, pamps_view_task, &row);
}

static int tasks_list(pamps_req *req)
{
    apr_table_t *args = pamps_query_args(req);
    const char *done = apr_table_get(args, "done"), *q = apr_table_get(args, "q");
    int open_arm = 1, done_arm = 1;    /* the arms of PAMPS_TASK_LIST that run */
    long long total = req->user->tasks_count;
    const char *pattern = (q && *q) ? pamps_like_pattern(req->r->pool, q) : "";
    json_t *errors = json_array();
    pamps_page page;
    int sort;

    pamps_page_params(req, args, &page, 0, errors);
    if (done) {
        int b = pamps_parse_bool_text(done);
        if (b < 0) {
            pamps_json_add_error(errors, "query", "done", "bool_parsing",
                                 "Input should be a valid boolean, unable to interpret input");
        }
        else {
            open_arm = !b;
            done_arm = b;
            total = b ? req->user->tasks_done_count
                      : req->user->tasks_count - req->user->tasks_done_count;
        }
    }
    sort = pamps_query_choice(req->r->pool, apr_table_get(args, "sort"), "sort",
                              pamps_task_sorts, PAMPS_TASK_SORT_DEFAULT, errors);
    if (json_array_size(errors)) {
        return pamps_send_422(req, errors);
    }
    json_decref(errors);
    {
        /* the rows a page needs at most of each arm */
        const char *reach = apr_psprintf(req->r->pool, "%" APR_INT64_T_FMT,
                                         (apr_int64_t)(page.offset > LLONG_MAX - page.limit
                                                       ? LLONG_MAX : page.offset + page.limit));
        const char *list_args[] = { req->user->id_text, pattern, pattern, open_arm ? reach : "0",
                                    req->user->id_text, pattern, pattern, done_arm ? reach : "0" };
        int nargs = (int)(sizeof(list_args) / sizeof(list_args[0]));

        /* a search counts what it finds; otherwise the counters, read
         * with the user (USER_AUTH) */
        if (*pattern) {
            return pamps_send_offset_page(req, &page, sort_statements[sort],
                                          PAMPS_SQL_TASK_COUNT_MATCHES, pamps_view_task,
                                          nargs, list_args);
        }
        return pamps_send_counted_page(req, &page, sort_statements[sort], total,
                                       pamps_view_task, nargs, list_args);
    }
}

static int tasks_create(pamps_req *req)
{
    pamps_field_value v[NFIELDS];
    const char *now = pamps_now_text(req->r->pool);

    if (pamps_read_fields(req, &create_body, v) != OK) {
        return DONE;
    }
    return send_task(req, HTTP_CREATED, PAMPS_SQL_TASK_INSERT,
                     PAMPS_ARGS(req->user->id_text, v[F_TITLE].str,
                                v[F_DESCRIPTION].present ? v[F_DESCRIPTION].str : "",
                                bool_text(v[F_DONE].boolean), now, now));
}

static int tasks_get(pamps_req *req)
{
    return send_task(req, HTTP_OK, PAMPS_SQL_TASK_GET,
                     PAMPS_ARGS(req->match.params[0], req->user->id_text));
}

/* PUT replaces (a missing description becomes ""), PATCH changes what is sent. */
static int update_task(pamps_req *req, int replace)
{
    pamps_field_value v[NFIELDS];
    const char *description;

    if (pamps_read_fields(req, replace ? &replace_body : &update_body, v) != OK) {
        return DONE;
    }
    description = v[F_DESCRIPTION].present ? v[F_DESCRIPTION].str : "";
    return send_task(req, HTTP_OK, PAMPS_SQL_TASK_UPDATE,
                     PAMPS_ARGS(bool_text(v[F_TITLE].present), v[F_TITLE].str,
                                bool_text(replace || v[F_DESCRIPTION].present), description,
                                bool_text(v[F_DONE].present), bool_text(v[F_DONE].boolean),
                                pamps_now_text(req->r->pool), req->match.params[0],
                                req->user->id_text));
}

static int tasks_put(pamps_req *req)
{
    return update_task(req, 1);
}

static int tasks_patch(pamps_req *req)
{
    return update_task(req, 0);
}

static int tasks_delete(pamps_req *req)
{
    int affected = 0;
    pamps_db_status st = pamps_db_exec(req, PAMPS_SQL_TASK_DELETE, &affected,
                                       PAMPS_ARGS(req->match.params[0], req->user->id_text));

    if (st != PAMPS_DB_OK) {
        return pamps_db_fail(req, st);
    }
    if (affected == 0) {
        return pamps_send_error(req, HTTP_NOT_FOUND, NOT_FOUND);
    }
    return pamps_send_no_content(req);
}

/* clang-format off */
static const pamps_route routes[] = {
    { "GET", "/tasks", 0, tasks_list, NULL, .tag = "tasks", .summary = "Your tasks",
      .description = "Newest first unless sort says otherwise; done keeps the tasks done"
                     " or not, q those whose title contains it (case-insensitive).",
      .query = "limit offset done q sort", .status = HTTP_OK, .response = "TaskPage" },
    { "POST", "/tasks", JSON | IDEMPOTENT, tasks_create, NULL, .tag = "tasks", .summary = "Create a task",
      .description = "title is trimmed; description defaults to \"\", done to false."
                     " Answers the task and its Location. With an Idempotency-Key, a"
                     " retry gets the first answer again.",
      .body = &create_body, .status = HTTP_CREATED, .response = "Task" },
    { "GET", "/tasks/{id}", 0, tasks_get, NULL, .tag = "tasks", .summary = "A task of yours",
      .description = "Another user's task is not found (404, never 403).",
      .status = HTTP_OK, .response = "Task" },
    { "PUT", "/tasks/{id}", JSON | IF_MATCH, tasks_put, NULL, .lock = PAMPS_SQL_TASK_LOCK, .tag = "tasks", .summary = "Replace a task",
      .description = "title and done are required; a missing description becomes \"\"."
                     " Another user's task is not found.",
      .body = &replace_body, .status = HTTP_OK, .response = "Task" },
    { "PATCH", "/tasks/{id}", JSON | IF_MATCH, tasks_patch, NULL, .lock = PAMPS_SQL_TASK_LOCK, .tag = "tasks",
      .summary = "Change some fields of a task",
      .description = "Changes the fields sent. Answers the task and its new ETag.",
      .body = &update_body,
      .status = HTTP_OK, .response = "Task" },
    { "DELETE", "/tasks/{id}", IF_MATCH, tasks_delete, NULL, .lock = PAMPS_SQL_TASK_LOCK, .tag = "tasks",
      .summary = "Delete a task",
      .description = "Another user's task, or one already deleted, is not found.",
      .status = HTTP_NO_CONTENT },
};
/* clang-format on */

const pamps_route_set pamps_task_routes = PAMPS_ROUTE_SET(routes);
