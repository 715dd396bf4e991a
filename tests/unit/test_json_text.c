/* Any RFC 8259 document is read: numbers jansson refuses for their size
 * become a value no field accepts; everything else is as jansson has it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "pamps_json_text.h"
#include "unit_pool.h"

static json_t *parse(const char *text)
{
    return pamps_json_parse(pool, text, strlen(text));
}

static void test_ordinary_documents_as_jansson(void **state)
{
    json_t *j = parse("{\"title\":\"x\",\"n\":-9223372036854775808,\"r\":1.5e300}");

    (void)state;
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "title")), "x");
    assert_true(json_integer_value(json_object_get(j, "n")) == (json_int_t)(-9223372036854775807LL - 1));
    assert_true(json_is_real(json_object_get(j, "r")));
    json_decref(j);
}

static void test_huge_numbers_are_accepted(void **state)
{
    static const char *const docs[] = {
        "{\"title\":\"x\",\"extra\":18446744073709551616}",
        "{\"title\":\"x\",\"extra\":-18446744073709551616}",
        "{\"title\":\"x\",\"extra\":1e400}",
        "{\"title\":\"x\",\"extra\":-1e400}",
        "{\"title\":\"x\",\"extra\":[1, 2e999, {\"y\": 99999999999999999999999}]}",
    };

    (void)state;
    for (size_t i = 0; i < sizeof(docs) / sizeof(*docs); i++) {
        json_t *j = parse(docs[i]);

        assert_non_null(j);
        assert_string_equal(json_string_value(json_object_get(j, "title")), "x");
        json_decref(j);
    }
}

static void test_huge_number_is_no_field_value(void **state)
{
    json_t *j = parse("{\"parent_id\":9223372036854775808,\"text\":1e400}");

    (void)state;
    assert_non_null(j);
    assert_true(json_is_array(json_object_get(j, "parent_id")));
    assert_true(json_is_array(json_object_get(j, "text")));
    json_decref(j);
}

static void test_numbers_inside_strings_stay(void **state)
{
    json_t *j = parse("{\"t\":\"1e400 \\\" 18446744073709551616\",\"n\":1e400}");

    (void)state;
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "t")),
                        "1e400 \" 18446744073709551616");
    json_decref(j);
}

static void test_underflow_is_zero_as_in_jansson(void **state)
{
    json_t *j = parse("{\"r\":1e-400}");

    (void)state;
    assert_non_null(j);
    assert_true(json_is_real(json_object_get(j, "r")));
    json_decref(j);
}

static void test_invalid_text_stays_invalid(void **state)
{
    static const char *const docs[] = {
        "", "{", "{\"a\":1e400", "{\"a\":01}", "{\"a\":1e}", "{\"a\":--1}", "nul",
        "{\"a\":18446744073709551616,}", "[1e400 1]",
    };

    (void)state;
    for (size_t i = 0; i < sizeof(docs) / sizeof(*docs); i++) {
        assert_null(parse(docs[i]));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ordinary_documents_as_jansson),
        cmocka_unit_test(test_huge_numbers_are_accepted),
        cmocka_unit_test(test_huge_number_is_no_field_value),
        cmocka_unit_test(test_numbers_inside_strings_stay),
        cmocka_unit_test(test_underflow_is_zero_as_in_jansson),
        cmocka_unit_test(test_invalid_text_stays_invalid),
    };
    return cmocka_run_group_tests_name("json_text", tests, setup, teardown);
}
