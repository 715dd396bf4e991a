/* argon2id hashing with a tiny cost so the tests stay fast. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <pthread.h>
#include <cmocka.h>

#include <argon2.h>

#include <apr_general.h>
#include <apr_pools.h>

#include "pamps_password.h"
#include "unit_pool.h"

static const pamps_argon2_cost cheap = { 1024, 1, 1 };

static void test_hash_is_encoded_argon2id(void **state)
{
    char *h = pamps_password_hash(pool, &cheap, "correct horse");
    (void)state;

    assert_non_null(h);
    assert_true(strncmp(h, "$argon2id$", 10) == 0);
    assert_non_null(strstr(h, "$m=1024,t=1,p=1$"));
    assert_null(strstr(h, "correct horse"));
}

static void test_salt_differs(void **state)
{
    char *a = pamps_password_hash(pool, &cheap, "same password");
    char *b = pamps_password_hash(pool, &cheap, "same password");
    (void)state;

    assert_non_null(a);
    assert_non_null(b);
    assert_string_not_equal(a, b);
    assert_int_equal(pamps_password_verify(pool, &cheap, a, "same password"), 1);
    assert_int_equal(pamps_password_verify(pool, &cheap, b, "same password"), 1);
}

static void test_verify_right_and_wrong(void **state)
{
    char *h = pamps_password_hash(pool, &cheap, "s3cret-pa55");
    (void)state;

    assert_non_null(h);
    assert_int_equal(pamps_password_verify(pool, &cheap, h, "s3cret-pa55"), 1);
    assert_int_equal(pamps_password_verify(pool, &cheap, h, "s3cret-pa56"), 0);
    assert_int_equal(pamps_password_verify(pool, &cheap, h, "S3cret-pa55"), 0);
    assert_int_equal(pamps_password_verify(pool, &cheap, h, "s3cret-pa5"), 0);
    assert_int_equal(pamps_password_verify(pool, &cheap, h, "s3cret-pa55 "), 0);
    assert_int_equal(pamps_password_verify(pool, &cheap, h, ""), 0);
}

static void test_utf8_and_empty_passwords(void **state)
{
    char *h = pamps_password_hash(pool, &cheap, "p\xc3\xa4ssw\xc3\xb6rd \xf0\x9f\x94\x91");
    char *e = pamps_password_hash(pool, &cheap, "");
    (void)state;

    assert_non_null(h);
    assert_int_equal(pamps_password_verify(pool, &cheap, h,
                                           "p\xc3\xa4ssw\xc3\xb6rd \xf0\x9f\x94\x91"), 1);
    assert_int_equal(pamps_password_verify(pool, &cheap, h, "passwrd "), 0);
    assert_non_null(e);
    assert_int_equal(pamps_password_verify(pool, &cheap, e, ""), 1);
    assert_int_equal(pamps_password_verify(pool, &cheap, e, "x"), 0);
}

static void test_hash_of_another_cost_still_verifies(void **state)
{
    pamps_argon2_cost other = { 2048, 2, 1 };
    char *h = pamps_password_hash(pool, &other, "old hash");
    (void)state;

    assert_non_null(h);
    assert_non_null(strstr(h, "$m=2048,t=2,p=1$"));
    assert_int_equal(pamps_password_verify(pool, &cheap, h, "old hash"), 1);
    assert_int_equal(pamps_password_verify(pool, &cheap, h, "new hash"), 0);
}

static void test_verify_null_or_junk_encoded(void **state)
{
    (void)state;
    assert_int_equal(pamps_password_verify(pool, &cheap, NULL, "anything"), 0);
    assert_int_equal(pamps_password_verify(pool, &cheap, NULL, ""), 0);
    assert_int_equal(pamps_password_verify(pool, &cheap, "", "anything"), 0);
    assert_int_equal(pamps_password_verify(pool, &cheap, "not a hash", "anything"), 0);
    assert_int_equal(pamps_password_verify(pool, &cheap, "$argon2id$v=19$m=1024,t=1,p=1$",
                                           "anything"), 0);
    /* an argon2i hash is not accepted as argon2id */
    assert_int_equal(pamps_password_verify(pool, &cheap,
                     "$argon2i$v=19$m=1024,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$"
                     "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "anything"), 0);
}

static void test_invalid_cost_gives_null(void **state)
{
    /* argon2 needs at least 8 KiB per lane, and one pass */
    pamps_argon2_cost too_small = { 4, 1, 1 }, no_pass = { 1024, 0, 1 };
    (void)state;

    assert_null(pamps_password_hash(pool, &too_small, "pw"));
    assert_null(pamps_password_hash(pool, &no_pass, "pw"));
    assert_int_equal(pamps_password_verify(pool, &too_small, NULL, "pw"), 0);
}

/* libargon2's own encoding and ours read each other */
static void test_same_encoding_as_libargon2(void **state)
{
    const unsigned char salt[16] = "0123456789abcdef";
    char theirs[128];
    char *ours = pamps_password_hash(pool, &cheap, "shared secret");
    (void)state;

    assert_int_equal(argon2id_hash_encoded(1, 1024, 1, "shared secret", 13, salt,
                                           sizeof(salt), 32, theirs, sizeof(theirs)),
                     ARGON2_OK);
    assert_int_equal(pamps_password_verify(pool, &cheap, theirs, "shared secret"), 1);
    assert_int_equal(pamps_password_verify(pool, &cheap, theirs, "shared secreT"), 0);
    assert_non_null(ours);
    assert_int_equal(argon2id_verify(ours, "shared secret", 13), ARGON2_OK);
    assert_int_not_equal(argon2id_verify(ours, "shared secreT", 13), ARGON2_OK);
}

#define HASHERS 8

static void *hash_twice(void *arg)
{
    apr_pool_t *p;
    int *ok = arg;

    apr_pool_create(&p, NULL);
    for (int i = 0; i < 2; i++) {
        char *h = pamps_password_hash(p, &cheap, "in parallel");

        *ok += h && pamps_password_verify(p, &cheap, h, "in parallel");
    }
    apr_pool_destroy(p);
    return NULL;
}

/* More threads than cores hash at once: all finish, never more than the
 * limit at a time */
static void test_parallel_hashes_are_bounded(void **state)
{
    pthread_t t[HASHERS];
    int ok[HASHERS] = { 0 };
    (void)state;

    for (int i = 0; i < HASHERS; i++) {
        assert_int_equal(pthread_create(&t[i], NULL, hash_twice, &ok[i]), 0);
    }
    for (int i = 0; i < HASHERS; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(ok[i], 2);
    }
    assert_true(pamps_password_max_parallel() >= 1);
    assert_true(pamps_password_peak_parallel() >= 1);
    assert_true(pamps_password_peak_parallel() <= pamps_password_max_parallel());
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hash_is_encoded_argon2id),
        cmocka_unit_test(test_salt_differs),
        cmocka_unit_test(test_verify_right_and_wrong),
        cmocka_unit_test(test_utf8_and_empty_passwords),
        cmocka_unit_test(test_hash_of_another_cost_still_verifies),
        cmocka_unit_test(test_verify_null_or_junk_encoded),
        cmocka_unit_test(test_invalid_cost_gives_null),
        cmocka_unit_test(test_same_encoding_as_libargon2),
        cmocka_unit_test(test_parallel_hashes_are_bounded),
    };
    return cmocka_run_group_tests_name("password", tests, setup, teardown);
}
