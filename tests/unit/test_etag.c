/* Entity tags and the conditional headers' lists. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "pamps_etag.h"

static void test_tag_changes_with_body(void **state)
{
    char a[PAMPS_ETAG_LEN], b[PAMPS_ETAG_LEN], c[PAMPS_ETAG_LEN];
    (void)state;

    pamps_etag_of("{\"id\":1}", 8, a);
    pamps_etag_of("{\"id\":2}", 8, b);
    pamps_etag_of("{\"id\":1}", 8, c);
    assert_int_equal(strlen(a), PAMPS_ETAG_LEN - 1);
    assert_true(a[0] == '"' && a[PAMPS_ETAG_LEN - 2] == '"');
    assert_string_not_equal(a, b);
    assert_string_equal(a, c);
}

static void test_lists(void **state)
{
    const char *tag = "\"0123456789abcdef\"";
    (void)state;

    assert_true(pamps_etag_matches(tag, tag, 0));
    assert_true(pamps_etag_matches("*", tag, 0));
    assert_true(pamps_etag_matches(" \"x\" , \"0123456789abcdef\" ", tag, 0));
    assert_false(pamps_etag_matches("\"x\", \"y\"", tag, 1));
    assert_false(pamps_etag_matches("", tag, 1));
    assert_false(pamps_etag_matches(",,", tag, 1));
    assert_false(pamps_etag_matches("\"0123456789abcde\"", tag, 1));
    /* If-None-Match compares weakly, If-Match strongly */
    assert_true(pamps_etag_matches("W/\"0123456789abcdef\"", tag, 1));
    assert_false(pamps_etag_matches("W/\"0123456789abcdef\"", tag, 0));
}

static void test_gzip_suffix(void **state)
{
    const char *tag = "\"0123456789abcdef\"";
    (void)state;

    /* mod_deflate's DeflateAlterETag AddSuffix */
    assert_true(pamps_etag_matches("\"0123456789abcdef-gzip\"", tag, 0));
    assert_true(pamps_etag_matches("W/\"0123456789abcdef-gzip\"", tag, 1));
    assert_false(pamps_etag_matches("\"0123456789abcdee-gzip\"", tag, 0));
    assert_false(pamps_etag_matches("\"0123456789abcdef-gzi\"", tag, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tag_changes_with_body),
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_gzip_suffix),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
