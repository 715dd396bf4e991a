/* The migration runner's statement splitter: trigger and function bodies
 * hold ';' that do not end their statement. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "pamps_migrate.h"

static void expect_split(const char *script, const char *const *want, int n)
{
    char buf[512], *pos = buf, *stmt;
    int i = 0;

    strcpy(buf, script);
    while ((stmt = pamps_migrate_next(&pos)) != NULL && i < n) {
        assert_string_equal(stmt, want[i]);
        i++;
    }
    assert_null(stmt);
    assert_int_equal(i, n);
}

static void test_plain_statements(void **state)
{
    const char *const want[] = { "CREATE TABLE a (x TEXT DEFAULT ';')", "DROP TABLE b", "" };

    (void)state;
    expect_split("CREATE TABLE a (x TEXT DEFAULT ';');\n DROP TABLE b;;\n", want, 3);
}

static void test_sqlite_trigger_body(void **state)
{
    const char *const want[] = {
        "CREATE TRIGGER t AFTER INSERT ON x BEGIN\n UPDATE y SET n = n + CASE WHEN 1 THEN 1"
        " ELSE 0 END;\n UPDATE z SET n = 1;\nEND",
        "SELECT end_at FROM w",
    };

    (void)state;
    expect_split("CREATE TRIGGER t AFTER INSERT ON x BEGIN\n UPDATE y SET n = n + CASE WHEN 1"
                 " THEN 1 ELSE 0 END;\n UPDATE z SET n = 1;\nEND;\nSELECT end_at FROM w;",
                 want, 2);
}

static void test_dollar_quoted_body(void **state)
{
    const char *const want[] = {
        "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
        " UPDATE t SET n = 'it''s';\n RETURN NULL;\nEND $$",
        "CREATE TRIGGER g AFTER INSERT ON t FOR EACH STATEMENT EXECUTE FUNCTION f()",
    };

    (void)state;
    expect_split("CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
                 " UPDATE t SET n = 'it''s';\n RETURN NULL;\nEND $$;\n"
                 "CREATE TRIGGER g AFTER INSERT ON t FOR EACH STATEMENT EXECUTE FUNCTION f();\n",
                 want, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_statements),
        cmocka_unit_test(test_sqlite_trigger_body),
        cmocka_unit_test(test_dollar_quoted_body),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
