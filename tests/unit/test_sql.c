/* The statement tables: every statement, in both dialects, has exactly the
 * placeholders it declares (pamps_db refuses calls that give another
 * number, so a text and its count must never drift apart). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "pamps_sql.h"

static void check_table(const pamps_sql_statement *table)
{
    for (int i = 0; i < PAMPS_SQL_COUNT; i++) {
        int found;

        assert_non_null(table[i].label);
        assert_non_null(table[i].sql);
        found = pamps_sql_placeholders(table[i].sql);
        if (found != table[i].nargs) {
            fail_msg("%s declares %d arguments, its text has %d placeholders: %s",
                     table[i].label, table[i].nargs, found, table[i].sql);
        }
    }
}

static void test_sqlite_counts(void **state)
{
    (void)state;
    check_table(pamps_sql_for_driver("sqlite3"));
}

static void test_pgsql_counts(void **state)
{
    (void)state;
    check_table(pamps_sql_for_driver("pgsql"));
}

/* one label and one count per statement, whatever the dialect */
static void test_dialects_agree(void **state)
{
    (void)state;
    for (int i = 0; i < PAMPS_SQL_COUNT; i++) {
        assert_string_equal(pamps_sql[i].label, pamps_sql_pgsql[i].label);
        assert_int_equal(pamps_sql[i].nargs, pamps_sql_pgsql[i].nargs);
    }
}

static void test_placeholder_count(void **state)
{
    (void)state;
    assert_int_equal(pamps_sql_placeholders("SELECT 1"), 0);
    assert_int_equal(pamps_sql_placeholders("SELECT %s, CAST(%s AS BIGINT)"), 2);
    /* %% is a literal percent sign, not a value */
    assert_int_equal(pamps_sql_placeholders("SELECT '100%%' WHERE a LIKE %s"), 1);
    assert_int_equal(pamps_sql_placeholders("%d %pDi %%%s"), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sqlite_counts),
        cmocka_unit_test(test_pgsql_counts),
        cmocka_unit_test(test_dialects_agree),
        cmocka_unit_test(test_placeholder_count),
    };
    return cmocka_run_group_tests_name("sql", tests, NULL, NULL);
}
