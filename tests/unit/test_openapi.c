/* The OpenAPI document is made from the route rows alone: every row is an
 * operation with its success status, the errors its flags, path, body and
 * query imply and those it names; bodies come from the field specs; the
 * page limits are the ones passed in. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "pamps_openapi.h"
#include "pamps_rules.h"

static int handler(struct pamps_req *req)
{
    (void)req;
    return 0;
}

static const pamps_field_spec fields[] = {
    PAMPS_SPEC_USERNAME(PAMPS_F_REQUIRED),
    PAMPS_SPEC_PASSWORD("password", PAMPS_F_REQUIRED),
    PAMPS_SPECS_PROFILE,
    PAMPS_SPEC_ROLE(0),
    { "parent_id", PAMPS_FIELD_ID, PAMPS_F_NULLABLE, 0, 0, NULL },
};
static const pamps_body body = PAMPS_BODY("Thing", fields);

static const pamps_route rows[] = {
    { "GET", "/health", PAMPS_ROUTE_PUBLIC, handler, NULL, .tag = "health",
      .summary = "health", .status = 200, .response = "Health", .errors = { 503 } },
    { "POST", "/things", PAMPS_ROUTE_JSON_BODY | PAMPS_ROUTE_ADMIN, handler, NULL,
      .tag = "things", .summary = "make one", .body = &body, .status = 201,
      .response = "Task", .errors = { 409 } },
    { "GET", "/things", 0, handler, NULL, .tag = "things", .summary = "list",
      .query = "limit offset q", .status = 200, .response = "TaskPage" },
    { "DELETE", "/things/{id}", 0, handler, NULL, .tag = "things", .summary = "drop one",
      .status = 204 },
    { "GET", "/page", PAMPS_ROUTE_PUBLIC | PAMPS_ROUTE_NO_DB, handler, NULL, .tag = "docs",
      .summary = "page", .status = 200, .response = "text/html" },
    { "GET", "/files/{file}", PAMPS_ROUTE_PUBLIC | PAMPS_ROUTE_NO_DB, handler, NULL,
      .tag = "docs", .summary = "file", .status = 200, .response = "text/css image/png",
      .errors = { 304 } },
};
#define N (sizeof(rows) / sizeof(rows[0]))

static json_t *doc;

static int setup(void **state)
{
    (void)state;
    doc = pamps_openapi_document(rows, N, "9.9", "/api", 7, 42);
    return doc ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    json_decref(doc);
    return 0;
}

static json_t *op(const char *path, const char *method)
{
    json_t *o = json_object_get(json_object_get(json_object_get(doc, "paths"), path), method);

    assert_non_null(o);
    return o;
}

/* the operation's response statuses, "200 401 ..." in key order */
static void assert_statuses(json_t *o, const char *const *want, size_t n)
{
    json_t *responses = json_object_get(o, "responses");

    assert_int_equal(json_object_size(responses), n);
    for (size_t i = 0; i < n; i++) {
        assert_non_null(json_object_get(responses, want[i]));
    }
}

static void test_every_row_is_an_operation(void **state)
{
    size_t ops = 0;
    const char *path;
    json_t *item;
    (void)state;

    assert_string_equal(json_string_value(json_object_get(doc, "openapi")), "3.1.0");
    json_object_foreach(json_object_get(doc, "paths"), path, item) {
        ops += json_object_size(item);
    }
    assert_int_equal(ops, N);
    for (size_t i = 0; i < N; i++) {
        char method[8];
        size_t j;
        for (j = 0; rows[i].method[j]; j++) {
            method[j] = (char)(rows[i].method[j] - 'A' + 'a');
        }
        method[j] = '\0';
        assert_string_equal(json_string_value(json_object_get(op(rows[i].pattern, method),
                                                              "summary")),
                            rows[i].summary);
    }
}

static void test_statuses_follow_flags_and_rows(void **state)
{
    /* every operation: 400 (too many query parameters) and 503; a JSON
     * GET: 304 (If-None-Match) */
    static const char *const health[] = { "200", "400", "503", "304" };
    static const char *const create[] = { "201", "401", "403", "400", "408", "413", "415",
                                          "422", "409", "503" };
    static const char *const list[] = { "200", "401", "422", "400", "503", "304" };
    static const char *const drop[] = { "204", "401", "404", "400", "503" };
    /* served without the database: no 503; a 304 the row names */
    static const char *const page[] = { "200", "400" };
    static const char *const file[] = { "200", "304", "400", "404" };
    (void)state;

    assert_statuses(op("/health", "get"), health, 4);
    assert_statuses(op("/things", "post"), create, 10);
    assert_statuses(op("/things", "get"), list, 6);
    assert_statuses(op("/things/{id}", "delete"), drop, 5);
    assert_statuses(op("/page", "get"), page, 2);
    assert_statuses(op("/files/{file}", "get"), file, 4);
    assert_string_equal(json_string_value(json_object_get(op("/things/{id}", "delete"),
                                                          "operationId")), "deleteThingsById");
    assert_null(json_object_get(op("/health", "get"), "security"));
    assert_non_null(json_object_get(op("/things", "get"), "security"));
    assert_non_null(json_object_get(json_object_get(json_object_get(
        json_object_get(op("/page", "get"), "responses"), "200"), "content"), "text/html"));
}

static json_t *response_header(const char *path, const char *method, const char *status,
                               const char *name)
{
    return json_object_get(json_object_get(json_object_get(json_object_get(
        op(path, method), "responses"), status), "headers"), name);
}

/* The headers a client reads: ETag (and 304) for a GET, Location for a
 * 201, WWW-Authenticate for a 401; one content entry per media type. */
static void test_headers_and_media_types(void **state)
{
    json_t *content = json_object_get(json_object_get(json_object_get(
        op("/files/{file}", "get"), "responses"), "200"), "content");
    (void)state;

    assert_non_null(response_header("/things", "get", "200", "ETag"));
    assert_non_null(response_header("/things", "get", "304", "ETag"));
    assert_null(response_header("/page", "get", "200", "ETag"));
    assert_non_null(response_header("/things", "post", "201", "Location"));
    assert_non_null(response_header("/things", "post", "401", "WWW-Authenticate"));
    assert_null(json_object_get(json_object_get(json_object_get(
        op("/files/{file}", "get"), "responses"), "304"), "content"));
    assert_int_equal(json_object_size(content), 2);
    assert_non_null(json_object_get(content, "image/png"));
}

static void test_body_schema_comes_from_the_specs(void **state)
{
    json_t *thing = json_object_get(json_object_get(json_object_get(doc, "components"),
                                                    "schemas"), "Thing");
    json_t *props = json_object_get(thing, "properties"), *required;
    (void)state;

    assert_non_null(thing);
    required = json_object_get(thing, "required");
    assert_int_equal(json_array_size(required), 2);
    assert_string_equal(json_string_value(json_array_get(required, 0)), "username");
    assert_string_equal(json_string_value(json_object_get(json_object_get(props, "username"),
                                                          "pattern")),
                        PAMPS_USERNAME_PATTERN);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(props, "password"),
                                                        "maxLength")), PAMPS_PASSWORD_MAX);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(props, "password"),
                                                        "minLength")), PAMPS_PASSWORD_MIN);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(props, "avatar"),
                                                        "maxLength")), PAMPS_AVATAR_MAX);
    assert_true(json_is_array(json_object_get(json_object_get(props, "bio"), "type")));
    assert_int_equal(json_array_size(json_object_get(json_object_get(props, "role"), "enum")), 2);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(props, "parent_id"),
                                                        "minimum")), 1);
}

static void test_limit_follows_the_page_size(void **state)
{
    json_t *params = json_object_get(op("/things", "get"), "parameters"), *limit = NULL;
    (void)state;

    for (size_t i = 0; i < json_array_size(params); i++) {
        json_t *p = json_array_get(params, i);
        if (strcmp(json_string_value(json_object_get(p, "name")), "limit") == 0) {
            limit = json_object_get(p, "schema");
        }
    }
    assert_non_null(limit);
    assert_int_equal(json_integer_value(json_object_get(limit, "maximum")), 42);
    assert_int_equal(json_integer_value(json_object_get(limit, "default")), 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_row_is_an_operation),
        cmocka_unit_test(test_statuses_follow_flags_and_rows),
        cmocka_unit_test(test_headers_and_media_types),
        cmocka_unit_test(test_body_schema_comes_from_the_specs),
        cmocka_unit_test(test_limit_follows_the_page_size),
    };
    return cmocka_run_group_tests_name("openapi", tests, setup, teardown);
}
