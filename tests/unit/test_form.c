/* Form and query fields: decoding, the last value winning, what is skipped,
 * the cap on pairs, and linear cost on a body of many keys. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <stdio.h>

#include "pamps_form.h"
#include "unit_pool.h"

static apr_hash_t *parse(const char *text)
{
    return pamps_form_parse(pool, text, strlen(text), PAMPS_FORM_MAX_FIELDS);
}

static const char *get(apr_hash_t *h, const char *key)
{
    return apr_hash_get(h, key, APR_HASH_KEY_STRING);
}

static void test_decoding(void **state)
{
    apr_hash_t *h = parse("username=al+ice%40example.com&password=p%26ss%3Dw%C3%B6rd&flag");

    (void)state;
    assert_int_equal(apr_hash_count(h), 3);
    assert_string_equal(get(h, "username"), "al ice@example.com");
    assert_string_equal(get(h, "password"), "p&ss=w\xc3\xb6rd");
    assert_string_equal(get(h, "flag"), "");
}

static void test_last_value_wins_and_empty_pairs_skipped(void **state)
{
    apr_hash_t *h = parse("&a=1&&a=2&b=&=x&");

    (void)state;
    assert_int_equal(apr_hash_count(h), 3);
    assert_string_equal(get(h, "a"), "2");
    assert_string_equal(get(h, "b"), "");
    assert_string_equal(get(h, ""), "x");
}

static void test_malformed_escapes_and_nul_are_skipped(void **state)
{
    apr_hash_t *h = parse("a=%zz&b=%4&c=%00&d%=1&e=%41%4a&f=%");

    (void)state;
    assert_int_equal(apr_hash_count(h), 1);
    assert_string_equal(get(h, "e"), "AJ");
}

static void test_text_is_not_read_past_len(void **state)
{
    apr_hash_t *h = pamps_form_parse(pool, "a=12&b=3", 3, 10);

    (void)state;
    assert_int_equal(apr_hash_count(h), 1);
    assert_string_equal(get(h, "a"), "1");
}

static void test_too_many_pairs(void **state)
{
    (void)state;
    assert_non_null(pamps_form_parse(pool, "a&b&c", 5, 3));
    assert_null(pamps_form_parse(pool, "a&b&c&d", 7, 3));
    /* empty pairs are not pairs */
    assert_non_null(pamps_form_parse(pool, "a&&&&b&&&c", 10, 3));
}

/* 150k distinct keys: with a table scanned on every insert this took
 * seconds; here it is one pass (cmocka has no timer: the cap makes the
 * big body NULL at once, and a cap above it reads every key). */
static void test_many_keys(void **state)
{
    size_t n = 150000, len = 0;
    char *text = apr_palloc(pool, n * 8 + 1);
    apr_hash_t *h;

    (void)state;
    for (size_t i = 0; i < n; i++) {
        len += (size_t)snprintf(text + len, 9, "%s%06zu", i ? "&" : "", i);
    }
    assert_null(pamps_form_parse(pool, text, len, PAMPS_FORM_MAX_FIELDS));
    h = pamps_form_parse(pool, text, len, (int)n);
    assert_non_null(h);
    assert_int_equal(apr_hash_count(h), n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decoding),
        cmocka_unit_test(test_last_value_wins_and_empty_pairs_skipped),
        cmocka_unit_test(test_malformed_escapes_and_nul_are_skipped),
        cmocka_unit_test(test_text_is_not_read_past_len),
        cmocka_unit_test(test_too_many_pairs),
        cmocka_unit_test(test_many_keys),
    };
    return cmocka_run_group_tests_name("form", tests, setup, teardown);
}
