/* Validation rules of API.md: code point counting, trimming, usernames,
 * emails, URLs, path ids, and the check functions used by field specs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "pamps_rules.h"
#include "pamps_validate.h"

#define COUNT(a) (sizeof(a) / sizeof(*(a)))

static void test_utf8_length(void **state)
{
    (void)state;
    assert_int_equal(pamps_utf8_length(""), 0);
    assert_int_equal(pamps_utf8_length("hello"), 5);
    assert_int_equal(pamps_utf8_length("h\xc3\xa9llo"), 5);            /* é: 2 bytes */
    assert_int_equal(pamps_utf8_length("\xe2\x82\xac"), 1);            /* €: 3 bytes */
    assert_int_equal(pamps_utf8_length("\xe6\x97\xa5\xe6\x9c\xac"), 2); /* 日本 */
    assert_int_equal(pamps_utf8_length("\xf0\x9f\x98\x80"), 1);        /* 😀: 4 bytes */
    assert_int_equal(pamps_utf8_length("a\xf0\x9f\x98\x80" "b\xf0\x9f\x91\x8d"), 4);
}

static void test_trim(void **state)
{
    size_t len;
    const char *t;
    (void)state;

    t = pamps_trim("  hi there \t\n", &len);
    assert_int_equal(len, 8);
    assert_memory_equal(t, "hi there", 8);

    t = pamps_trim("abc", &len);
    assert_int_equal(len, 3);
    assert_memory_equal(t, "abc", 3);

    pamps_trim("", &len);
    assert_int_equal(len, 0);

    pamps_trim(" \t\r\n\f\v ", &len);
    assert_int_equal(len, 0);

    t = pamps_trim("\n\xc3\xa9 x \xc3\xa9\r", &len);   /* UTF-8 inside is kept */
    assert_int_equal(len, 7);
    assert_memory_equal(t, "\xc3\xa9 x \xc3\xa9", 7);
}

/* what Python's str.strip() takes off, as FastAPI applications trim */
static void test_trim_unicode_spaces(void **state)
{
    size_t len;
    const char *t;
    (void)state;

    /* no-break space, ideographic space, line separator around a word */
    t = pamps_trim("\xc2\xa0hi\xe3\x80\x80\xe2\x80\xa8", &len);
    assert_int_equal(len, 2);
    assert_memory_equal(t, "hi", 2);

    pamps_trim("\xc2\xa0\xe2\x80\x83\x1f", &len);   /* only spaces */
    assert_int_equal(len, 0);

    /* a space-like letter is not a space: U+200B (zero width) stays */
    pamps_trim(" \xe2\x80\x8b ", &len);
    assert_int_equal(len, 3);
}

static void fold_is(const char *in, const char *want)
{
    char out[64];

    pamps_fold_case(in, out);
    assert_string_equal(out, want);
}

static void test_fold_case(void **state)
{
    (void)state;
    fold_is("Ops Team_42", "ops team_42");
    fold_is("\xc3\x84rger \xc3\x98re", "\xc3\xa4rger \xc3\xb8re");      /* Ärger Øre */
    fold_is("\xc3\x97", "\xc3\x97");                                    /* × stays */
    fold_is("\xc5\x81\xc3\xb3" "d\xc5\xba", "\xc5\x82\xc3\xb3" "d\xc5\xba");  /* Łódź */
    fold_is("\xc5\xbd\xc5\xb8", "\xc5\xbe\xc3\xbf");                        /* ŽŸ */
    fold_is("\xce\x94\xce\x86", "\xce\xb4\xce\xac");                        /* ΔΆ */
    fold_is("\xd0\x96\xd0\x81", "\xd0\xb6\xd1\x91");                        /* ЖЁ */
    fold_is("\xef\xbc\xa1", "\xef\xbd\x81");                              /* fullwidth A */
    fold_is("\xc4\xb0", "i");                                          /* İ shrinks */
    fold_is("\xe4\xb8\x80", "\xe4\xb8\x80");                              /* CJK stays */
    fold_is("", "");
}

/* Text that is not UTF-8 (a Latin-1 name in a Require line) keeps its stray
 * bytes, and neither the end of the text nor that of the output is passed:
 * both buffers have their exact size, for ASan to see. */
static void test_fold_case_not_utf8(void **state)
{
    static const char *const cases[][2] = {
        { "S\xe9" "curit\xe9", "s\xe9" "curit\xe9" },    /* Latin-1 */
        { "\xc3", "\xc3" },                                /* cut short at the end */
        { "A\xf0\x9f", "a\xf0\x9f" },
        { "\xe2\x82X", "\xe2\x82x" },
        { "\x80Z\xff", "\x80z\xff" },                     /* no lead byte, none at all */
    };

    (void)state;
    for (size_t i = 0; i < COUNT(cases); i++) {
        char *in = strdup(cases[i][0]), *out = malloc(strlen(in) + 1);

        pamps_fold_case(in, out);
        assert_string_equal(out, cases[i][1]);
        free(out);
        free(in);
    }
}

static void test_valid_username(void **state)
{
    const char *good[] = { "bob", "Bob_42", "___", "abc",
                           "abcdefghijklmnopqrstuvwxyz012345" /* 32 */ };
    const char *bad[] = { "", "ab", "abcdefghijklmnopqrstuvwxyz0123456" /* 33 */,
                          "bob smith", "bob-smith", "bob.smith", "bob@x", " bob", "bob ",
                          "h\xc3\xa9llo", "\xc3\xa9\xc3\xa9\xc3\xa9", "bo\tb" };
    (void)state;
    for (size_t i = 0; i < COUNT(good); i++) {
        assert_true(pamps_valid_username(good[i]));
    }
    for (size_t i = 0; i < COUNT(bad); i++) {
        assert_false(pamps_valid_username(bad[i]));
    }
}

static void test_valid_email(void **state)
{
    const char *good[] = { "a@b.c", "alice@example.com", "first.last+tag@mail.example.org",
                           "x_y@sub.domain.co" };
    const char *bad[] = { "", "alice", "@example.com", "alice@", "alice@example",
                          "alice@@example.com", "a@b@example.com", "alice@.example.com",
                          "alice@example.com.", "alice@example..com", "al ice@example.com",
                          "alice@exa mple.com", " alice@example.com", "alice@example.com ",
                          "alice\t@example.com", "alice@example.com\n" };
    char longest[256];
    (void)state;

    for (size_t i = 0; i < COUNT(good); i++) {
        assert_true(pamps_valid_email(good[i]));
    }
    for (size_t i = 0; i < COUNT(bad); i++) {
        assert_false(pamps_valid_email(bad[i]));
    }
    /* 254 characters is the limit: 242 + "@example.com" (12) */
    memset(longest, 'a', 242);
    strcpy(longest + 242, "@example.com");
    assert_int_equal(strlen(longest), 254);
    assert_true(pamps_valid_email(longest));
    memset(longest, 'a', 243);
    strcpy(longest + 243, "@example.com");
    assert_int_equal(strlen(longest), 255);
    assert_false(pamps_valid_email(longest));
}

static void test_valid_http_url(void **state)
{
    const char *good[] = { "http://example.com", "https://example.com/a.png",
                           "https://x", "http://127.0.0.1:8080/p?q=1#f" };
    const char *bad[] = { "", "example.com", "ftp://example.com", "http://", "https://",
                          "http:///path", "https://?q", "https://#f", "http://:80",
                          "http://exa mple.com", "https://example.com/\x7f",
                          "javascript:alert(1)", "http:/example.com", " http://x.com" };
    (void)state;
    for (size_t i = 0; i < COUNT(good); i++) {
        assert_true(pamps_valid_http_url(good[i]));
    }
    for (size_t i = 0; i < COUNT(bad); i++) {
        assert_false(pamps_valid_http_url(bad[i]));
    }
}

static void test_parse_id(void **state)
{
    const char *bad[] = { "0", "-1", "1.5", "abc", "9223372036854775808", "", "+1", " 1",
                          "1 ", "1a", "0x10", "99999999999999999999", "-9223372036854775808" };
    long long id;
    (void)state;

    for (size_t i = 0; i < COUNT(bad); i++) {
        id = 12345;
        assert_int_not_equal(pamps_parse_id(bad[i], &id), 0);
        assert_int_equal(id, 12345);             /* untouched on failure */
    }
    assert_int_not_equal(pamps_parse_id(NULL, &id), 0);

    assert_int_equal(pamps_parse_id("1", &id), 0);
    assert_int_equal(id, 1);
    assert_int_equal(pamps_parse_id("42", &id), 0);
    assert_int_equal(id, 42);
    assert_int_equal(pamps_parse_id("9223372036854775807", &id), 0);
    assert_true(id == 9223372036854775807LL);
}

static void test_check_username(void **state)
{
    const char *type = NULL;
    (void)state;
    assert_null(pamps_check_username("good_name", &type));
    assert_null(type);
    assert_string_equal(pamps_check_username("no way", &type),
                        "String should match pattern '^[A-Za-z0-9_]{3,32}$'");
    assert_string_equal(type, "string_pattern_mismatch");
}

static void test_check_email(void **state)
{
    const char *type = NULL;
    (void)state;
    assert_null(pamps_check_email("a@b.co", &type));
    assert_null(type);
    assert_string_equal(pamps_check_email("not-an-email", &type),
                        "value is not a valid email address");
    assert_string_equal(type, "value_error");
}

static void test_check_http_url(void **state)
{
    const char *type = NULL;
    (void)state;
    assert_null(pamps_check_http_url("https://example.com/me.png", &type));
    assert_null(type);
    assert_string_equal(pamps_check_http_url("ftp://example.com", &type),
                        "Input should be a valid URL with an http or https scheme");
    assert_string_equal(type, "url_parsing");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_length),
        cmocka_unit_test(test_trim),
        cmocka_unit_test(test_trim_unicode_spaces),
        cmocka_unit_test(test_fold_case),
        cmocka_unit_test(test_fold_case_not_utf8),
        cmocka_unit_test(test_valid_username),
        cmocka_unit_test(test_valid_email),
        cmocka_unit_test(test_valid_http_url),
        cmocka_unit_test(test_parse_id),
        cmocka_unit_test(test_check_username),
        cmocka_unit_test(test_check_email),
        cmocka_unit_test(test_check_http_url),
    };
    return cmocka_run_group_tests_name("validate", tests, NULL, NULL);
}
