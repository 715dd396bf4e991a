/* The verified-token cache: hits only for the same token before its exp. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "pamps_token_cache.h"

static apr_pool_t *pool;

static pamps_claims claims_of(long long sub, long long exp, const char *fam)
{
    pamps_claims c = { sub, "access", 100, exp, "0123456789abcdef0123456789abcdef", 3, fam };
    return c;
}

static void test_hit_until_exp(void **state)
{
    pamps_token_cache *c = pamps_token_cache_create(pool, 16);
    pamps_claims in = claims_of(42, 1000, "fedcba9876543210fedcba9876543210"), out;
    (void)state;

    assert_non_null(c);
    assert_int_equal(pamps_token_cache_get(c, "a.b.c", 500, pool, &out), 0);
    pamps_token_cache_put(c, "a.b.c", &in);
    assert_int_equal(pamps_token_cache_get(c, "a.b.c", 999, pool, &out), 1);
    assert_true(out.sub == 42 && out.exp == 1000 && out.ver == 3 && out.iat == 100);
    assert_string_equal(out.type, "access");
    assert_string_equal(out.jti, in.jti);
    assert_string_equal(out.fam, in.fam);
    /* expired: verified again (and refused) by the caller */
    assert_int_equal(pamps_token_cache_get(c, "a.b.c", 1000, pool, &out), 0);
}

static void test_other_tokens_miss(void **state)
{
    pamps_token_cache *c = pamps_token_cache_create(pool, 1);    /* one slot for all */
    pamps_claims in = claims_of(1, 1000, NULL), out;
    (void)state;

    pamps_token_cache_put(c, "a.b.c", &in);
    assert_int_equal(pamps_token_cache_get(c, "a.b.d", 1, pool, &out), 0);
    assert_int_equal(pamps_token_cache_get(c, "a.b.", 1, pool, &out), 0);
    assert_int_equal(pamps_token_cache_get(c, "a.b.cc", 1, pool, &out), 0);
    assert_int_equal(pamps_token_cache_get(c, "", 1, pool, &out), 0);
    assert_int_equal(pamps_token_cache_get(c, NULL, 1, pool, &out), 0);
    assert_int_equal(pamps_token_cache_get(c, "a.b.c", 1, pool, &out), 1);
    assert_null(out.fam);
    /* the newest token takes the slot */
    in.sub = 2;
    pamps_token_cache_put(c, "x.y.z", &in);
    assert_int_equal(pamps_token_cache_get(c, "a.b.c", 1, pool, &out), 0);
    assert_int_equal(pamps_token_cache_get(c, "x.y.z", 1, pool, &out), 1);
    assert_true(out.sub == 2);
}

static void test_too_long_is_not_kept(void **state)
{
    pamps_token_cache *c = pamps_token_cache_create(pool, 8);
    pamps_claims in = claims_of(1, 1000, NULL), out;
    char *big = apr_palloc(pool, 5000);
    (void)state;

    memset(big, 'a', 4999);
    big[4999] = '\0';
    pamps_token_cache_put(c, big, &in);
    assert_int_equal(pamps_token_cache_get(c, big, 1, pool, &out), 0);
    in.jti = apr_pstrndup(pool, big, 65);
    pamps_token_cache_put(c, "a.b.c", &in);
    assert_int_equal(pamps_token_cache_get(c, "a.b.c", 1, pool, &out), 0);
    /* no cache: nothing kept, nothing found */
    pamps_token_cache_put(NULL, "a.b.c", &in);
    assert_int_equal(pamps_token_cache_get(NULL, "a.b.c", 1, pool, &out), 0);
    assert_null(pamps_token_cache_create(pool, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hit_until_exp),
        cmocka_unit_test(test_other_tokens_miss),
        cmocka_unit_test(test_too_long_is_not_kept),
    };
    int rc;

    apr_initialize();
    apr_pool_create(&pool, NULL);
    rc = cmocka_run_group_tests_name("token_cache", tests, NULL, NULL);
    apr_pool_destroy(pool);
    apr_terminate();
    return rc;
}
