/* Strict body fields and FastAPI-shaped 422 details: missing, wrong types,
 * null handling, lengths in code points after trimming, extra checks, query
 * integers and boolean words. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <apr_general.h>
#include <apr_pools.h>

#include "pamps_json.h"
#include "pamps_rules.h"
#include "unit_pool.h"

#define COUNT(a) (sizeof(a) / sizeof(*(a)))

static json_t *parse(const char *text)
{
    json_error_t err;
    json_t *j = json_loads(text, 0, &err);

    assert_non_null(j);
    return j;
}

/* Asserts errors[i] is {"loc": [where, field], "msg": msg, "type": type},
 * exactly those three keys. msg NULL: not checked. */
static void assert_error(json_t *errors, size_t i, const char *where, const char *field,
                         const char *type, const char *msg)
{
    json_t *e = json_array_get(errors, i), *loc;

    assert_non_null(e);
    assert_true(json_is_object(e));
    assert_int_equal(json_object_size(e), 3);
    loc = json_object_get(e, "loc");
    assert_true(json_is_array(loc));
    assert_int_equal(json_array_size(loc), field ? 2 : 1);
    assert_string_equal(json_string_value(json_array_get(loc, 0)), where);
    if (field) {
        assert_string_equal(json_string_value(json_array_get(loc, 1)), field);
    }
    assert_string_equal(json_string_value(json_object_get(e, "type")), type);
    assert_true(json_is_string(json_object_get(e, "msg")));
    if (msg) {
        assert_string_equal(json_string_value(json_object_get(e, "msg")), msg);
    }
}

/* ---- pamps_json_read_fields ---- */

static const pamps_field_spec register_specs[] = {
    { "username", PAMPS_FIELD_STRING, PAMPS_F_REQUIRED, 0, 0, &pamps_rule_username },
    { "email",    PAMPS_FIELD_STRING, PAMPS_F_REQUIRED, 0, 254, &pamps_rule_email },
    { "password", PAMPS_FIELD_STRING, PAMPS_F_REQUIRED, 8, 128, NULL },
    { "name",     PAMPS_FIELD_STRING, PAMPS_F_NULLABLE, 0, 100, NULL },
    { "avatar",   PAMPS_FIELD_STRING, PAMPS_F_NULLABLE, 0, 2048, &pamps_rule_http_url },
};

static void test_all_good(void **state)
{
    json_t *body = parse("{\"username\": \"bob_1\", \"email\": \"bob@example.com\","
                         " \"password\": \"secret123\", \"name\": \"Bob\","
                         " \"avatar\": \"https://x.org/a.png\", \"id\": 7, \"role\": \"admin\"}");
    json_t *errors = json_array();
    pamps_field_value v[COUNT(register_specs)];
    (void)state;

    assert_int_equal(pamps_json_read_fields(pool, body, register_specs, COUNT(register_specs),
                                            v, errors), 0);
    assert_int_equal(json_array_size(errors), 0);
    for (size_t i = 0; i < COUNT(register_specs); i++) {
        assert_true(v[i].present);
        assert_false(v[i].is_null);
    }
    assert_string_equal(v[0].str, "bob_1");
    assert_string_equal(v[1].str, "bob@example.com");
    assert_string_equal(v[2].str, "secret123");
    assert_string_equal(v[3].str, "Bob");
    assert_string_equal(v[4].str, "https://x.org/a.png");
    /* the value is a pool copy, not jansson's buffer */
    assert_ptr_not_equal(v[0].str, json_string_value(json_object_get(body, "username")));
    json_decref(body);
    json_decref(errors);
}

static void test_missing_required(void **state)
{
    json_t *body = parse("{\"email\": \"bob@example.com\"}");
    json_t *errors = json_array();
    pamps_field_value v[COUNT(register_specs)];
    (void)state;

    assert_int_equal(pamps_json_read_fields(pool, body, register_specs, COUNT(register_specs),
                                            v, errors), 2);
    assert_int_equal(json_array_size(errors), 2);
    assert_error(errors, 0, "body", "username", "missing", "Field required");
    assert_error(errors, 1, "body", "password", "missing", "Field required");
    assert_false(v[0].present);
    assert_true(v[1].present);
    assert_false(v[3].present);     /* optional and absent: no error */
    assert_false(v[4].present);
    assert_null(v[3].str);
    json_decref(body);
    json_decref(errors);
}

static void test_non_object_body_is_all_missing(void **state)
{
    json_t *body = parse("[1, 2]");
    json_t *errors = json_array();
    pamps_field_value v[COUNT(register_specs)];
    (void)state;

    assert_int_equal(pamps_json_read_fields(pool, body, register_specs, COUNT(register_specs),
                                            v, errors), 3);
    assert_int_equal(json_array_size(errors), 3);
    json_decref(body);
    json_decref(errors);
}

static const pamps_field_spec task_specs[] = {
    { "title",       PAMPS_FIELD_STRING, PAMPS_F_REQUIRED | PAMPS_F_TRIM, 1, 5, NULL },
    { "description", PAMPS_FIELD_STRING, 0, 0, 10, NULL },
    { "done",        PAMPS_FIELD_BOOL,   0, 0, 0, NULL },
    { "bio",         PAMPS_FIELD_STRING, PAMPS_F_NULLABLE, 0, 3, NULL },
};

static int read_task(const char *text, pamps_field_value *v, json_t **errors)
{
    json_t *body = parse(text);
    int bad;

    *errors = json_array();
    bad = pamps_json_read_fields(pool, body, task_specs, COUNT(task_specs), v, *errors);
    assert_int_equal((size_t)bad, json_array_size(*errors));
    json_decref(body);
    return bad;
}

static void test_wrong_types(void **state)
{
    pamps_field_value v[COUNT(task_specs)];
    json_t *errors;
    (void)state;

    assert_int_equal(read_task("{\"title\": 5, \"done\": \"true\"}", v, &errors), 2);
    assert_error(errors, 0, "body", "title", "string_type", "Input should be a valid string");
    assert_error(errors, 1, "body", "done", "bool_type", "Input should be a valid boolean");
    json_decref(errors);

    assert_int_equal(read_task("{\"title\": \"ok\", \"done\": 1}", v, &errors), 1);
    assert_error(errors, 0, "body", "done", "bool_type", "Input should be a valid boolean");
    json_decref(errors);

    assert_int_equal(read_task("{\"title\": \"ok\", \"done\": 0}", v, &errors), 1);
    assert_error(errors, 0, "body", "done", "bool_type", NULL);
    json_decref(errors);

    assert_int_equal(read_task("{\"title\": [\"a\"], \"description\": {}}", v, &errors), 2);
    assert_error(errors, 0, "body", "title", "string_type", NULL);
    assert_error(errors, 1, "body", "description", "string_type", NULL);
    json_decref(errors);

    assert_int_equal(read_task("{\"title\": true, \"description\": 1.5}", v, &errors), 2);
    assert_error(errors, 0, "body", "title", "string_type", NULL);
    assert_error(errors, 1, "body", "description", "string_type", NULL);
    json_decref(errors);
}

static void test_booleans(void **state)
{
    pamps_field_value v[COUNT(task_specs)];
    json_t *errors;
    (void)state;

    assert_int_equal(read_task("{\"title\": \"a\", \"done\": true}", v, &errors), 0);
    assert_true(v[2].present);
    assert_int_equal(v[2].boolean, 1);
    json_decref(errors);

    assert_int_equal(read_task("{\"title\": \"a\", \"done\": false}", v, &errors), 0);
    assert_true(v[2].present);
    assert_int_equal(v[2].boolean, 0);
    json_decref(errors);

    assert_int_equal(read_task("{\"title\": \"a\"}", v, &errors), 0);
    assert_false(v[2].present);
    json_decref(errors);
}

static void test_null_handling(void **state)
{
    pamps_field_value v[COUNT(task_specs)];
    json_t *errors;
    (void)state;

    /* nullable: null is a value that clears */
    assert_int_equal(read_task("{\"title\": \"a\", \"bio\": null}", v, &errors), 0);
    assert_true(v[3].present);
    assert_true(v[3].is_null);
    assert_null(v[3].str);
    json_decref(errors);

    /* not nullable: null is a type error, for strings and booleans alike */
    assert_int_equal(read_task("{\"title\": null, \"description\": null, \"done\": null}",
                               v, &errors), 3);
    assert_error(errors, 0, "body", "title", "string_type", NULL);
    assert_error(errors, 1, "body", "description", "string_type", NULL);
    assert_error(errors, 2, "body", "done", "bool_type", NULL);
    assert_false(v[0].is_null);
    json_decref(errors);
}

static void test_lengths_in_code_points_after_trim(void **state)
{
    pamps_field_value v[COUNT(task_specs)];
    json_t *errors;
    (void)state;

    /* "héllo" is 5 code points but 6 bytes; the spaces are trimmed first */
    assert_int_equal(read_task("{\"title\": \"  h\\u00e9llo \\t\\n\"}", v, &errors), 0);
    assert_string_equal(v[0].str, "h\xc3\xa9llo");
    json_decref(errors);

    /* five emoji are 5 code points (20 bytes) */
    assert_int_equal(read_task("{\"title\": \"\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80"
                               "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\"}", v, &errors), 0);
    assert_int_equal(strlen(v[0].str), 20);
    json_decref(errors);

    /* six are too many */
    assert_int_equal(read_task("{\"title\": \"\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80"
                               "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\"}", v, &errors),
                     1);
    assert_error(errors, 0, "body", "title", "string_too_long",
                 "String should have at most 5 characters");
    json_decref(errors);

    /* only blanks: empty after trimming */
    assert_int_equal(read_task("{\"title\": \"   \\t  \"}", v, &errors), 1);
    assert_error(errors, 0, "body", "title", "string_too_short",
                 "String should have at least 1 character");
    json_decref(errors);

    assert_int_equal(read_task("{\"title\": \"\"}", v, &errors), 1);
    assert_error(errors, 0, "body", "title", "string_too_short", NULL);
    json_decref(errors);

    /* without F_TRIM the spaces count and are kept */
    assert_int_equal(read_task("{\"title\": \"a\", \"description\": \"  \\u00e9\\u00e9\\u00e9\\u00e9"
                               "\\u00e9\\u00e9  \"}", v, &errors), 0);
    assert_string_equal(v[1].str, "  \xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9  ");
    json_decref(errors);

    assert_int_equal(read_task("{\"title\": \"a\", \"description\": \"     123456\"}", v, &errors), 1);
    assert_error(errors, 0, "body", "description", "string_too_long",
                 "String should have at most 10 characters");
    json_decref(errors);
}

static void test_singular_and_plural_messages(void **state)
{
    static const pamps_field_spec specs[] = {
        { "a", PAMPS_FIELD_STRING, 0, 2, 0, NULL },
        { "b", PAMPS_FIELD_STRING, 0, 0, 1, NULL },
    };
    pamps_field_value v[2];
    json_t *body = parse("{\"a\": \"x\", \"b\": \"yz\"}"), *errors = json_array();
    (void)state;

    assert_int_equal(pamps_json_read_fields(pool, body, specs, 2, v, errors), 2);
    assert_error(errors, 0, "body", "a", "string_too_short",
                 "String should have at least 2 characters");
    assert_error(errors, 1, "body", "b", "string_too_long",
                 "String should have at most 1 character");
    json_decref(body);
    json_decref(errors);
}

static void test_extra_check(void **state)
{
    json_t *body = parse("{\"username\": \"bad name\", \"email\": \"nope\","
                         " \"password\": \"short\", \"avatar\": \"ftp://x\"}");
    json_t *errors = json_array();
    pamps_field_value v[COUNT(register_specs)];
    (void)state;

    /* one entry per bad field, in spec order */
    assert_int_equal(pamps_json_read_fields(pool, body, register_specs, COUNT(register_specs),
                                            v, errors), 4);
    assert_int_equal(json_array_size(errors), 4);
    assert_error(errors, 0, "body", "username", "string_pattern_mismatch",
                 "String should match pattern '^[A-Za-z0-9_]{3,32}$'");
    assert_error(errors, 1, "body", "email", "value_error",
                 "value is not a valid email address");
    assert_error(errors, 2, "body", "password", "string_too_short",
                 "String should have at least 8 characters");
    assert_error(errors, 3, "body", "avatar", "url_parsing",
                 "Input should be a valid URL with an http or https scheme");
    json_decref(body);
    json_decref(errors);
}

static void test_length_checked_before_extra_check(void **state)
{
    /* a field that is both too long and fails the check gets one entry */
    static const pamps_field_spec specs[] = {
        { "username", PAMPS_FIELD_STRING, PAMPS_F_REQUIRED, 0, 4, &pamps_rule_username },
    };
    pamps_field_value v[1];
    json_t *body = parse("{\"username\": \"a b c d e\"}"), *errors = json_array();
    (void)state;

    assert_int_equal(pamps_json_read_fields(pool, body, specs, 1, v, errors), 1);
    assert_int_equal(json_array_size(errors), 1);
    assert_error(errors, 0, "body", "username", "string_too_long", NULL);
    json_decref(body);
    json_decref(errors);
}

static void test_extra_check_sees_trimmed_value(void **state)
{
    static const pamps_field_spec specs[] = {
        { "username", PAMPS_FIELD_STRING, PAMPS_F_TRIM, 0, 0, &pamps_rule_username },
    };
    pamps_field_value v[1];
    json_t *body = parse("{\"username\": \"  bob  \"}"), *errors = json_array();
    (void)state;

    assert_int_equal(pamps_json_read_fields(pool, body, specs, 1, v, errors), 0);
    assert_string_equal(v[0].str, "bob");
    json_decref(body);
    json_decref(errors);
}

/* ---- pamps_query_int ---- */

static void test_query_choice(void **state)
{
    json_t *errors = json_array();
    (void)state;

    assert_int_equal(pamps_query_choice(pool, NULL, "sort", pamps_task_sorts, 1, errors), 1);
    assert_int_equal(pamps_query_choice(pool, "title", "sort", pamps_task_sorts, 1, errors),
                     PAMPS_TASK_SORT_TITLE);
    assert_int_equal(json_array_size(errors), 0);
    assert_int_equal(pamps_query_choice(pool, "TITLE", "sort", pamps_task_sorts, 1, errors), 1);
    assert_int_equal(json_array_size(errors), 1);
    assert_error(errors, 0, "query", "sort", "literal_error",
                 "Input should be 'created_at', '-created_at', 'updated_at', '-updated_at',"
                 " 'title' or '-title'");
    json_decref(errors);
}

static void test_query_int(void **state)
{
    json_t *errors = json_array();
    (void)state;

    assert_int_equal(pamps_query_int(NULL, "limit", 20, 1, 100, errors), 20);
    assert_int_equal(pamps_query_int("1", "limit", 20, 1, 100, errors), 1);
    assert_int_equal(pamps_query_int("100", "limit", 20, 1, 100, errors), 100);
    assert_int_equal(pamps_query_int("37", "limit", 20, 1, 100, errors), 37);
    assert_int_equal(pamps_query_int("0", "offset", 0, 0, 9223372036854775807LL, errors), 0);
    assert_int_equal(json_array_size(errors), 0);

    assert_int_equal(pamps_query_int("abc", "limit", 20, 1, 100, errors), 20);
    assert_int_equal(json_array_size(errors), 1);
    assert_error(errors, 0, "query", "limit", "int_parsing",
                 "Input should be a valid integer, unable to parse string as an integer");

    assert_int_equal(pamps_query_int("0", "limit", 20, 1, 100, errors), 20);
    assert_int_equal(json_array_size(errors), 2);
    assert_error(errors, 1, "query", "limit", "greater_than_equal",
                 "Input should be greater than or equal to 1");

    assert_int_equal(pamps_query_int("101", "limit", 20, 1, 100, errors), 20);
    assert_int_equal(json_array_size(errors), 3);
    assert_error(errors, 2, "query", "limit", "less_than_equal",
                 "Input should be less than or equal to 100");

    assert_int_equal(pamps_query_int("-1", "offset", 0, 0, 1000, errors), 0);
    assert_int_equal(json_array_size(errors), 4);
    assert_error(errors, 3, "query", "offset", "greater_than_equal",
                 "Input should be greater than or equal to 0");
    json_decref(errors);

    /* other unparsable forms */
    {
        const char *bad[] = { "", "1.5", "5x", "1e2", "99999999999999999999", "0x10", "ten" };
        for (size_t i = 0; i < COUNT(bad); i++) {
            errors = json_array();
            assert_int_equal(pamps_query_int(bad[i], "limit", 20, 1, 100, errors), 20);
            assert_int_equal(json_array_size(errors), 1);
            assert_error(errors, 0, "query", "limit", "int_parsing", NULL);
            json_decref(errors);
        }
    }
}

/* ---- pamps_parse_bool_text ---- */

static void test_parse_bool_text(void **state)
{
    const char *yes[] = { "true", "TRUE", "True", "1", "yes", "on", "t", "y", "Y", "On" };
    const char *no[] = { "false", "FALSE", "0", "no", "off", "f", "n", "No", "OFF" };
    const char *neither[] = { "", "2", "maybe", "tru", "truee", " true", "-1", "null" };
    (void)state;

    for (size_t i = 0; i < COUNT(yes); i++) {
        assert_int_equal(pamps_parse_bool_text(yes[i]), 1);
    }
    for (size_t i = 0; i < COUNT(no); i++) {
        assert_int_equal(pamps_parse_bool_text(no[i]), 0);
    }
    for (size_t i = 0; i < COUNT(neither); i++) {
        assert_int_equal(pamps_parse_bool_text(neither[i]), -1);
    }
}

/* ---- pamps_json_add_error ---- */

static void test_add_error_shape(void **state)
{
    json_t *errors = json_array(), *expected;
    (void)state;

    pamps_json_add_error(errors, "body", "email", "value_error", "bad email");
    pamps_json_add_error(errors, "body", NULL, "model_attributes_type", "not an object");
    assert_int_equal(json_array_size(errors), 2);
    assert_error(errors, 0, "body", "email", "value_error", "bad email");
    assert_error(errors, 1, "body", NULL, "model_attributes_type", "not an object");

    expected = parse("[{\"loc\": [\"body\", \"email\"], \"msg\": \"bad email\","
                     "  \"type\": \"value_error\"},"
                     " {\"loc\": [\"body\"], \"msg\": \"not an object\","
                     "  \"type\": \"model_attributes_type\"}]");
    assert_true(json_equal(errors, expected));
    json_decref(expected);
    json_decref(errors);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_good),
        cmocka_unit_test(test_missing_required),
        cmocka_unit_test(test_non_object_body_is_all_missing),
        cmocka_unit_test(test_wrong_types),
        cmocka_unit_test(test_booleans),
        cmocka_unit_test(test_null_handling),
        cmocka_unit_test(test_lengths_in_code_points_after_trim),
        cmocka_unit_test(test_singular_and_plural_messages),
        cmocka_unit_test(test_extra_check),
        cmocka_unit_test(test_length_checked_before_extra_check),
        cmocka_unit_test(test_extra_check_sees_trimmed_value),
        cmocka_unit_test(test_query_int),
        cmocka_unit_test(test_query_choice),
        cmocka_unit_test(test_parse_bool_text),
        cmocka_unit_test(test_add_error_shape),
    };
    return cmocka_run_group_tests_name("json", tests, setup, teardown);
}
