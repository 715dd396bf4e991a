/* Routing: literal segments beat parameters, ids must be positive int64,
 * trailing slashes do not matter, wrong methods list what is allowed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "pamps_route.h"

/* a handler to point at: rows are told apart by the name in their data */
static int handler(struct pamps_req *req)
{
    (void)req;
    return 0;
}

static const pamps_route table[] = {
    { "GET",    "/users/me",          0, handler, "me", .tag = "t" },
    { "PATCH",  "/users/me",          0, handler, "me_patch", .tag = "t" },
    { "GET",    "/users/{username}",  0, handler, "profile", .tag = "t" },
    { "DELETE", "/users/{username}",  0, handler, "profile_delete", .tag = "t" },
    { "GET",    "/tasks",             0, handler, "list", .tag = "t" },
    { "POST",   "/tasks",             0, handler, "create", .tag = "t" },
    { "GET",    "/tasks/{id}",        0, handler, "get", .tag = "t" },
};
#define N (sizeof(table) / sizeof(table[0]))

static const char *find(const char *method, const char *path, pamps_route_match_t *m)
{
    if (pamps_route_find(table, N, method, path, m) != PAMPS_ROUTE_FOUND) {
        return NULL;
    }
    assert_ptr_equal(m->route->handler, handler);
    return m->route->data;
}

static void test_literal_beats_parameter(void **state)
{
    pamps_route_match_t m;
    (void)state;
    assert_string_equal(find("GET", "/users/me", &m), "me");
    assert_string_equal(find("GET", "/users/bob", &m), "profile");
    assert_string_equal(m.params[0], "bob");
}

static void test_trailing_slash_is_the_same(void **state)
{
    pamps_route_match_t m;
    (void)state;
    assert_string_equal(find("GET", "/tasks/", &m), "list");
    assert_string_equal(find("GET", "/tasks/7/", &m), "get");
    assert_string_equal(m.params[0], "7");
}

static void test_ids_must_be_positive_int64(void **state)
{
    pamps_route_match_t m;
    const char *bad[] = { "/tasks/abc", "/tasks/0", "/tasks/-1", "/tasks/1.5",
                          "/tasks/9223372036854775808", "/tasks/+1" };
    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        assert_int_equal(pamps_route_find(table, N, "GET", bad[i], &m), PAMPS_ROUTE_NOT_FOUND);
    }
    assert_string_equal(find("GET", "/tasks/9223372036854775807", &m), "get");
}

static void test_wrong_method_lists_allowed(void **state)
{
    pamps_route_match_t m;
    (void)state;
    assert_int_equal(pamps_route_find(table, N, "DELETE", "/users/me", &m),
                     PAMPS_ROUTE_BAD_METHOD);
    assert_string_equal(m.allow, "GET, HEAD, PATCH, OPTIONS");
    assert_int_equal(pamps_route_find(table, N, "PUT", "/tasks", &m), PAMPS_ROUTE_BAD_METHOD);
    assert_string_equal(m.allow, "GET, HEAD, POST, OPTIONS");
}

static void test_options_lists_the_path_methods(void **state)
{
    pamps_route_match_t m;
    (void)state;
    assert_int_equal(pamps_route_find(table, N, "OPTIONS", "/users/alice", &m),
                     PAMPS_ROUTE_OPTIONS);
    assert_null(m.route);
    assert_string_equal(m.allow, "GET, HEAD, DELETE, OPTIONS");
    assert_int_equal(pamps_route_find(table, N, "OPTIONS", "/nope", &m),
                     PAMPS_ROUTE_NOT_FOUND);
}

static void test_head_uses_get_and_unknown_is_404(void **state)
{
    pamps_route_match_t m;
    (void)state;
    assert_string_equal(find("HEAD", "/tasks", &m), "list");
    assert_int_equal(pamps_route_find(table, N, "GET", "/nope", &m), PAMPS_ROUTE_NOT_FOUND);
    assert_int_equal(pamps_route_find(table, N, "GET", "/tasks//1", &m), PAMPS_ROUTE_NOT_FOUND);
    assert_int_equal(pamps_route_find(table, N, "GET", "/users/me/extra", &m),
                     PAMPS_ROUTE_NOT_FOUND);
}

/* Which 200s carry an ETag: JSON GETs, and PATCHes answering their
 * path's GET representation; never PUT, a page, or another schema. */
static void test_etag_routes(void **state)
{
    pamps_route rows[] = {
        { "GET", "/tasks/{id}", 0, handler, NULL, .status = 200, .response = "Task" },
        { "PATCH", "/tasks/{id}", 0, handler, NULL, .status = 200, .response = "Task" },
        { "PUT", "/tasks/{id}", 0, handler, NULL, .status = 200, .response = "Task" },
        { "DELETE", "/tasks/{id}", 0, handler, NULL, .status = 204 },
        { "GET", "/users/{username}", 0, handler, NULL, .status = 200, .response = "Profile" },
        { "PATCH", "/users/{username}", 0, handler, NULL, .status = 200, .response = "OwnUser" },
        { "GET", "/openapi.json", 0, handler, NULL, .status = 200 },
        { "GET", "/docs", 0, handler, NULL, .status = 200, .response = "text/html" },
        { "PATCH", "/orphan", 0, handler, NULL, .status = 200, .response = "Task" },
    };
    static const int tagged[] = { 1, 1, 0, 0, 1, 0, 1, 0, 0 };
    size_t n = sizeof(rows) / sizeof(rows[0]);
    (void)state;

    pamps_route_derive(rows, n);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(pamps_route_etag(rows, n, &rows[i]), tagged[i]);
        assert_int_equal((rows[i].flags & PAMPS_ROUTE_ETAG) != 0, tagged[i]);
    }
}

static void assert_statuses(const pamps_route *route, const int *want, size_t n)
{
    int got[PAMPS_ROUTE_MAX_STATUSES];

    assert_int_equal(pamps_route_statuses(route, got), n);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(got[i], want[i]);
    }
}

/* What each fact of a row adds, ascending, each status once. */
static void test_statuses_follow_the_row(void **state)
{
    static const pamps_route page = { "GET", "/docs", PAMPS_ROUTE_PUBLIC | PAMPS_ROUTE_NO_DB,
                                      handler, NULL, .status = 200, .response = "text/html" };
    static const pamps_route health = { "GET", "/health", PAMPS_ROUTE_PUBLIC, handler, NULL,
                                        .status = 200, .response = "Health",
                                        .errors = { 503 } };
    static const pamps_route list = { "GET", "/tasks", 0, handler, NULL, .status = 200,
                                      .response = "TaskPage", .query = "limit" };
    static const pamps_route create = { "POST", "/tasks", PAMPS_ROUTE_JSON_BODY
                                        | PAMPS_ROUTE_IDEMPOTENT, handler, NULL,
                                        .status = 201, .response = "Task" };
    static const pamps_route patch = { "PATCH", "/departments/{id}", PAMPS_ROUTE_JSON_BODY
                                       | PAMPS_ROUTE_ADMIN | PAMPS_ROUTE_IF_MATCH, handler,
                                       NULL, .status = 200, .response = "Org",
                                       .errors = { 409 } };
    static const pamps_route login = { "POST", "/auth/login", PAMPS_ROUTE_PUBLIC
                                       | PAMPS_ROUTE_JSON_BODY | PAMPS_ROUTE_FORM_BODY,
                                       handler, NULL, .status = 200, .response = "TokenPair",
                                       .errors = { 401, 429 } };
    static const int page_s[] = { 200, 400 };
    static const int health_s[] = { 200, 304, 400, 503 };
    static const int list_s[] = { 200, 304, 400, 401, 422, 503 };
    static const int create_s[] = { 201, 400, 401, 408, 409, 413, 415, 422, 503 };
    static const int patch_s[] = { 200, 400, 401, 403, 404, 408, 409, 412, 413, 415, 422,
                                   503 };
    static const int login_s[] = { 200, 400, 401, 408, 413, 415, 422, 429, 503 };
    (void)state;

    assert_statuses(&page, page_s, 2);
    assert_statuses(&health, health_s, 4);
    assert_statuses(&list, list_s, 6);
    assert_statuses(&create, create_s, 9);
    assert_statuses(&patch, patch_s, 12);
    assert_statuses(&login, login_s, 9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_literal_beats_parameter),
        cmocka_unit_test(test_trailing_slash_is_the_same),
        cmocka_unit_test(test_ids_must_be_positive_int64),
        cmocka_unit_test(test_wrong_method_lists_allowed),
        cmocka_unit_test(test_head_uses_get_and_unknown_is_404),
        cmocka_unit_test(test_options_lists_the_path_methods),
        cmocka_unit_test(test_etag_routes),
        cmocka_unit_test(test_statuses_follow_the_row),
    };
    return cmocka_run_group_tests_name("route", tests, NULL, NULL);
}
