/* The database error table against the drivers' real messages: each text
 * below was captured from apr_dbd (apr_dbd_error after the failing call)
 * with the sqlite3 driver (SQLite 3.40) and the pgsql driver against
 * PostgreSQL 15, except "database table is locked" and the CHECK failure,
 * which came from sqlite3_errmsg through Python's sqlite3 (the first from a
 * DROP TABLE while a statement still read). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "pamps_dberror.h"

#define COUNT(a) (sizeof(a) / sizeof(*(a)))

static const struct {
    const char *driver, *msg;
    pamps_dberr_class class;
} real[] = {
    /* INSERT of a username already there */
    { "sqlite3", "UNIQUE constraint failed: users.username", PAMPS_DBERR_UNIQUE },
    { "pgsql", "ERROR:  duplicate key value violates unique constraint \"users_username_key\"\n"
               "DETAIL:  Key (username)=(alice) already exists.\n", PAMPS_DBERR_UNIQUE },
    /* INSERT of a post whose user is gone */
    { "sqlite3", "FOREIGN KEY constraint failed", PAMPS_DBERR_FOREIGN_KEY },
    { "pgsql", "ERROR:  insert or update on table \"posts\" violates foreign key constraint"
               " \"posts_user_id_fkey\"\nDETAIL:  Key (user_id)=(999) is not present in"
               " table \"users\".\n", PAMPS_DBERR_FOREIGN_KEY },
    /* the backend ended by pg_terminate_backend, then the next call */
    { "pgsql", "FATAL:  terminating connection due to administrator command\n"
               "server closed the connection unexpectedly\n"
               "\tThis probably means the server terminated abnormally\n"
               "\tbefore or while processing the request.\n", PAMPS_DBERR_SESSION_ENDED },
    { "pgsql", "no connection to the server\n", PAMPS_DBERR_SESSION_ENDED },
    /* a prepared statement run after another connection created a table */
    { "sqlite3", "database schema has changed", PAMPS_DBERR_STATEMENTS_LOST },
    /* a labelled statement run after DEALLOCATE ALL */
    { "pgsql", "ERROR:  prepared statement \"pamps_x\" does not exist\n",
      PAMPS_DBERR_STATEMENTS_LOST },
    /* an INSERT while another connection holds BEGIN IMMEDIATE */
    { "sqlite3", "database is locked", PAMPS_DBERR_BUSY },
    { "sqlite3", "database table is locked", PAMPS_DBERR_BUSY },
    /* two transactions taking the same two rows' locks in opposite orders */
    { "pgsql", "ERROR:  deadlock detected\nDETAIL:  Process 4242 waits for ShareLock on"
               " transaction 1234; blocked by process 4243.\nProcess 4243 waits for"
               " ShareLock on transaction 1235; blocked by process 4242.\n"
               "HINT:  See server log for query details.\n", PAMPS_DBERR_RETRY },
    /* an UPDATE, at REPEATABLE READ, of a row changed since the snapshot */
    { "pgsql", "ERROR:  could not serialize access due to concurrent update\n",
      PAMPS_DBERR_RETRY },
};

static void test_real_messages(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(real); i++) {
        if (pamps_dberror_class(real[i].driver, real[i].msg) != real[i].class) {
            fail_msg("%s: \"%s\" is not class %d", real[i].driver, real[i].msg,
                     (int)real[i].class);
        }
    }
}

/* a message is read as its own driver writes it, never as the other's */
static void test_other_driver_does_not_match(void **state)
{
    (void)state;
    assert_int_equal(pamps_dberror_class("pgsql", "database is locked"), PAMPS_DBERR_OTHER);
    assert_int_equal(pamps_dberror_class("sqlite3", "no connection to the server\n"),
                     PAMPS_DBERR_OTHER);
}

/* a CHECK constraint, a missing table: neither retried nor 409 */
static void test_other_errors(void **state)
{
    (void)state;
    assert_int_equal(pamps_dberror_class("sqlite3", "CHECK constraint failed:"
                                         " length(username) BETWEEN 3 AND 32"),
                     PAMPS_DBERR_OTHER);
    assert_int_equal(pamps_dberror_class("sqlite3", "no such table: nope"), PAMPS_DBERR_OTHER);
    assert_int_equal(pamps_dberror_class("pgsql", "ERROR:  relation \"nope\" does not exist\n"
                                         "LINE 1: PREPARE pamps_z (varchar) AS SELECT id FROM"
                                         " nope WHERE id = ...\n"
                                         "                                                    ^\n"),
                     PAMPS_DBERR_OTHER);
    assert_int_equal(pamps_dberror_class("sqlite3", NULL), PAMPS_DBERR_OTHER);
    assert_int_equal(pamps_dberror_class(NULL, "database is locked"), PAMPS_DBERR_OTHER);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_messages),
        cmocka_unit_test(test_other_driver_does_not_match),
        cmocka_unit_test(test_other_errors),
    };
    return cmocka_run_group_tests_name("dberror", tests, NULL, NULL);
}
