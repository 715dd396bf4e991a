/* JSON views of database rows: exact shapes, NULL columns, booleans and
 * timestamps as SQLite and PostgreSQL return them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "pamps_views.h"

#define COUNT(a) (sizeof(a) / sizeof(*(a)))
#define ROW(cols) { (int)COUNT(cols), cols }

/* view(row) as jansson reads the text it writes (NULL if it is no JSON) */
static json_t *render(pamps_row_view view, const pamps_row *row)
{
    pamps_jw w;
    char *text;
    json_t *doc;

    pamps_jw_init(&w);
    view(&w, row);
    text = pamps_jw_finish(&w);
    assert_non_null(text);
    doc = json_loads(text, JSON_DECODE_ANY, NULL);
    free(text);
    return doc;
}

static void public_user_at_2(pamps_jw *w, const pamps_row *row)
{
    pamps_view_public_user(w, row, 2);
}

/* Asserts got equals the JSON text want (key order does not matter), and
 * releases got. */
static void assert_json(json_t *got, const char *want)
{
    json_error_t err;
    json_t *w = json_loads(want, 0, &err);

    assert_non_null(w);
    assert_non_null(got);
    if (!json_equal(got, w)) {
        char *g = json_dumps(got, JSON_SORT_KEYS), *x = json_dumps(w, JSON_SORT_KEYS);
        print_error("got:  %s\nwant: %s\n", g, x);
        free(g);
        free(x);
        json_decref(w);
        json_decref(got);
        fail();
    }
    json_decref(w);
    json_decref(got);
}

static void test_task_sqlite(void **state)
{
    const char *cols[] = { "7", "Buy milk", "two litres", "1",
                           "2026-11-21T23:40:00Z", "2026-11-22T08:00:05Z" };
    pamps_row row = ROW(cols);
    (void)state;

    assert_json(render(pamps_view_task, &row),
                "{\"id\": 7, \"title\": \"Buy milk\", \"description\": \"two litres\","
                " \"done\": true, \"created_at\": \"2026-11-21T23:40:00Z\","
                " \"updated_at\": \"2026-11-22T08:00:05Z\"}");
}

static void test_task_postgresql(void **state)
{
    const char *cols[] = { "9223372036854775807", "T", "", "f",
                           "2026-11-21 23:40:00+00", "2026-11-22 13:30:05.123456+05:30" };
    pamps_row row = ROW(cols);
    (void)state;

    assert_json(render(pamps_view_task, &row),
                "{\"id\": 9223372036854775807, \"title\": \"T\", \"description\": \"\","
                " \"done\": false, \"created_at\": \"2026-11-21T23:40:00Z\","
                " \"updated_at\": \"2026-11-22T08:00:05Z\"}");
}

static void test_task_booleans(void **state)
{
    const char *yes[] = { "1", "t", "true" }, *no[] = { "0", "f", "false", NULL };
    const char *cols[] = { "1", "x", "", NULL, "2026-11-21T23:40:00Z", "2026-11-21T23:40:00Z" };
    pamps_row row = ROW(cols);
    json_t *t;
    (void)state;

    for (size_t i = 0; i < COUNT(yes); i++) {
        cols[3] = yes[i];
        t = render(pamps_view_task, &row);
        assert_true(json_is_true(json_object_get(t, "done")));
        json_decref(t);
        assert_int_equal(pamps_col_bool(&row, 3), 1);
    }
    for (size_t i = 0; i < COUNT(no); i++) {
        cols[3] = no[i];
        t = render(pamps_view_task, &row);
        assert_true(json_is_false(json_object_get(t, "done")));
        json_decref(t);
        assert_int_equal(pamps_col_bool(&row, 3), 0);
    }
}

static void test_task_null_description_is_empty_string(void **state)
{
    /* API.md: description is optional with default "" (never null) */
    const char *cols[] = { "3", "t", NULL, "0", "2026-11-21T23:40:00Z", NULL };
    pamps_row row = ROW(cols);
    (void)state;

    assert_json(render(pamps_view_task, &row),
                "{\"id\": 3, \"title\": \"t\", \"description\": \"\", \"done\": false,"
                " \"created_at\": \"2026-11-21T23:40:00Z\", \"updated_at\": null}");
}

static void test_public_user(void **state)
{
    const char *cols[] = { "12", "alice", "Alice A.", NULL, NULL, "2026-11-21 23:40:00+00" };
    pamps_row row = ROW(cols);
    (void)state;

    assert_json(render(pamps_view_user, &row),
                "{\"id\": 12, \"username\": \"alice\", \"name\": \"Alice A.\", \"bio\": null,"
                " \"avatar\": null, \"created_at\": \"2026-11-21T23:40:00Z\"}");
}

static void test_public_user_at_offset(void **state)
{
    /* an author embedded after other columns, as in a post row */
    const char *cols[] = { "99", "hello", "12", "alice", NULL, "bio", "https://x/a.png",
                           "2026-11-21T23:40:00Z", "tail" };
    pamps_row row = ROW(cols);
    (void)state;

    assert_json(render(public_user_at_2, &row),
                "{\"id\": 12, \"username\": \"alice\", \"name\": null, \"bio\": \"bio\","
                " \"avatar\": \"https://x/a.png\", \"created_at\": \"2026-11-21T23:40:00Z\"}");
}

static void test_own_user(void **state)
{
    const char *cols[PAMPS_OWN_NCOLS] = {
        [PAMPS_COL_USER_ID] = "5", [PAMPS_COL_USER_USERNAME] = "bob",
        [PAMPS_COL_USER_BIO] = "hi", [PAMPS_COL_USER_CREATED_AT] = "2026-11-21T23:40:00Z",
        [PAMPS_COL_USER_EMAIL] = "bob@example.com", [PAMPS_COL_USER_ROLE] = "admin",
        [PAMPS_COL_USER_POSTS_COUNT] = "3", [PAMPS_COL_USER_FOLLOWERS_COUNT] = "10",
        [PAMPS_COL_USER_FOLLOWING_COUNT] = "0" };
    pamps_row row = ROW(cols);
    (void)state;

    assert_json(render(pamps_view_own_user, &row),
                "{\"id\": 5, \"username\": \"bob\", \"name\": null, \"bio\": \"hi\","
                " \"avatar\": null, \"created_at\": \"2026-11-21T23:40:00Z\","
                " \"email\": \"bob@example.com\", \"role\": \"admin\", \"posts_count\": 3,"
                " \"followers_count\": 10, \"following_count\": 0}");
}

static void test_own_user_postgresql(void **state)
{
    const char *cols[PAMPS_OWN_NCOLS] = {
        [PAMPS_COL_USER_ID] = "6", [PAMPS_COL_USER_USERNAME] = "carol",
        [PAMPS_COL_USER_NAME] = "Carol", [PAMPS_COL_USER_BIO] = "",
        [PAMPS_COL_USER_AVATAR] = "http://c.org/c.jpg",
        [PAMPS_COL_USER_CREATED_AT] = "2026-11-22 01:40:00+02",
        [PAMPS_COL_USER_EMAIL] = "carol@example.org", [PAMPS_COL_USER_ROLE] = "user",
        [PAMPS_COL_USER_POSTS_COUNT] = "0", [PAMPS_COL_USER_FOLLOWERS_COUNT] = "0",
        [PAMPS_COL_USER_FOLLOWING_COUNT] = "1" };
    pamps_row row = ROW(cols);
    (void)state;

    assert_json(render(pamps_view_own_user, &row),
                "{\"id\": 6, \"username\": \"carol\", \"name\": \"Carol\", \"bio\": \"\","
                " \"avatar\": \"http://c.org/c.jpg\", \"created_at\": \"2026-11-21T23:40:00Z\","
                " \"email\": \"carol@example.org\", \"role\": \"user\", \"posts_count\": 0,"
                " \"followers_count\": 0, \"following_count\": 1}");
}

/* A profile is built from the public fields and counts: a row that holds
 * more (say, the own view's) shows nothing beyond them. */
static void test_profile_adds_public_fields_only(void **state)
{
    const char *cols[PAMPS_OWN_NCOLS] = {
        [PAMPS_COL_USER_ID] = "5", [PAMPS_COL_USER_USERNAME] = "bob",
        [PAMPS_COL_USER_CREATED_AT] = "2026-11-21T23:40:00Z",
        [PAMPS_COL_USER_EMAIL] = "bob@example.com", [PAMPS_COL_USER_ROLE] = "admin",
        [PAMPS_COL_USER_POSTS_COUNT] = "3", [PAMPS_COL_USER_FOLLOWERS_COUNT] = "10",
        [PAMPS_COL_USER_FOLLOWING_COUNT] = "1" };
    pamps_row row = ROW(cols);
    (void)state;

    assert_json(render(pamps_view_profile, &row),
                "{\"id\": 5, \"username\": \"bob\", \"name\": null, \"bio\": null,"
                " \"avatar\": null, \"created_at\": \"2026-11-21T23:40:00Z\","
                " \"posts_count\": 3, \"followers_count\": 10, \"following_count\": 1}");
}

static void test_post_with_author(void **state)
{
    const char *cols[PAMPS_POST_AUTHOR + PAMPS_USER_NCOLS] = {
        [PAMPS_COL_POST_ID] = "40", [PAMPS_COL_POST_TEXT] = "hi",
        [PAMPS_COL_POST_CREATED_AT] = "2026-11-21 23:40:00+00",
        [PAMPS_COL_POST_UPDATED_AT] = "2026-11-21 23:40:00+00",
        [PAMPS_COL_POST_LIKES_COUNT] = "2", [PAMPS_COL_POST_REPLIES_COUNT] = "0",
        [PAMPS_COL_POST_LIKED_BY_ME] = "t",
        [PAMPS_POST_AUTHOR + PAMPS_COL_USER_ID] = "12",
        [PAMPS_POST_AUTHOR + PAMPS_COL_USER_USERNAME] = "alice",
        [PAMPS_POST_AUTHOR + PAMPS_COL_USER_CREATED_AT] = "2026-11-21T23:40:00Z" };
    pamps_row row = ROW(cols);
    (void)state;

    assert_json(render(pamps_view_post, &row),
                "{\"id\": 40, \"text\": \"hi\", \"parent_id\": null,"
                " \"created_at\": \"2026-11-21T23:40:00Z\","
                " \"updated_at\": \"2026-11-21T23:40:00Z\", \"likes_count\": 2,"
                " \"replies_count\": 0, \"liked_by_me\": true,"
                " \"author\": {\"id\": 12, \"username\": \"alice\", \"name\": null,"
                " \"bio\": null, \"avatar\": null, \"created_at\": \"2026-11-21T23:40:00Z\"}}");
}

static void test_short_row_gives_nulls(void **state)
{
    /* columns past ncols read as NULL rather than out of bounds */
    const char *cols[] = { "5", "bob" };
    pamps_row row = ROW(cols);
    (void)state;

    assert_json(render(pamps_view_own_user, &row),
                "{\"id\": 5, \"username\": \"bob\", \"name\": null, \"bio\": null,"
                " \"avatar\": null, \"created_at\": null, \"email\": null, \"role\": null,"
                " \"posts_count\": 0, \"followers_count\": 0, \"following_count\": 0}");
}

/* the members of test_set_time, one per database form */
static void times(pamps_jw *w, const pamps_row *row)
{
    static const char *const keys[] = { "sqlite", "pg", "pg_frac", "offset", "sqlite_plain",
                                        "null" };

    pamps_jw_object_open(w);
    for (size_t i = 0; i < COUNT(keys); i++) {
        pamps_jw_key(w, keys[i]);
        pamps_jw_time(w, row->col[i]);
    }
    pamps_jw_object_close(w);
}

static void test_set_time(void **state)
{
    const char *cols[] = { "2026-11-21T23:40:00Z", "2026-11-21 23:40:00+00",
                           "2026-11-21 23:40:00.654321+00", "2026-11-22 05:10:00+05:30",
                           "2026-11-21 23:40:00", NULL };
    pamps_row row = ROW(cols);
    (void)state;

    assert_json(render(times, &row), "{\"sqlite\": \"2026-11-21T23:40:00Z\", \"pg\": \"2026-11-21T23:40:00Z\","
                   " \"pg_frac\": \"2026-11-21T23:40:00Z\", \"offset\": \"2026-11-21T23:40:00Z\","
                   " \"sqlite_plain\": \"2026-11-21T23:40:00Z\", \"null\": null}");
}

static void test_col_int(void **state)
{
    const char *cols[] = { "42", NULL, "-3", "9223372036854775807", "3.0" };
    pamps_row row = ROW(cols);
    (void)state;

    assert_int_equal(pamps_col_int(&row, 0), 42);
    assert_int_equal(pamps_col_int(&row, 1), 0);
    assert_int_equal(pamps_col_int(&row, 2), -3);
    assert_true(pamps_col_int(&row, 3) == 9223372036854775807LL);
    assert_int_equal(pamps_col_int(&row, 4), 3);
    assert_int_equal(pamps_col_int(&row, 5), 0);     /* past the end */
    assert_int_equal(pamps_col_bool(&row, 9), 0);
}

static const pamps_rows *page_rows;
static long long page_total;

static void page(pamps_jw *w, const pamps_row *row)
{
    (void)row;
    pamps_view_offset_page(w, pamps_view_task, page_rows, page_total, 20, 40);
}

static void page_of_100(pamps_jw *w, const pamps_row *row)
{
    (void)row;
    pamps_view_offset_page(w, pamps_view_task, page_rows, page_total, 100, 0);
}

static void test_offset_page(void **state)
{
    const char *cols[] = { "1", "a", NULL, "t", "2026-11-21 23:40:00+00",
                           "2026-11-21 23:40:00+00" };
    pamps_row row = ROW(cols);
    pamps_rows one = { 1, &row }, none = { 0, NULL };
    (void)state;

    page_rows = &one;
    page_total = 41;
    assert_json(render(page, NULL),
                "{\"items\": [{\"id\": 1, \"title\": \"a\", \"description\": \"\","
                " \"done\": true, \"created_at\": \"2026-11-21T23:40:00Z\","
                " \"updated_at\": \"2026-11-21T23:40:00Z\"}],"
                " \"total\": 41, \"limit\": 20, \"offset\": 40}");

    page_rows = &none;
    page_total = 0;
    assert_json(render(page_of_100, NULL),
                "{\"items\": [], \"total\": 0, \"limit\": 100, \"offset\": 0}");
}

static void escapes(pamps_jw *w, const pamps_row *row)
{
    pamps_jw_array_open(w);
    pamps_jw_str(w, row->col[0]);
    pamps_jw_int(w, -9223372036854775807LL - 1);
    pamps_jw_int(w, 0);
    pamps_jw_bool(w, 0);
    pamps_jw_null(w);
    pamps_jw_array_open(w);
    pamps_jw_array_close(w);
    pamps_jw_object_open(w);
    pamps_jw_object_close(w);
    pamps_jw_array_close(w);
}

static void test_writer_escapes_and_numbers(void **state)
{
    const char *cols[] = { "q\"b\\s/\b\f\n\r\t\x01\x1f \xc3\xa9\xe2\x80\xa8" };
    pamps_row row = ROW(cols);
    pamps_jw w;
    char *text;
    (void)state;

    pamps_jw_init(&w);
    escapes(&w, &row);
    text = pamps_jw_finish(&w);
    assert_string_equal(text, "[\"q\\\"b\\\\s/\\b\\f\\n\\r\\t\\u0001\\u001f "
                              "\xc3\xa9\xe2\x80\xa8\",-9223372036854775808,0,false,null,[],{}]");
    free(text);
    assert_json(render(escapes, &row),
                "[\"q\\\"b\\\\s/\\b\\f\\n\\r\\t\\u0001\\u001f \\u00e9\\u2028\","
                " -9223372036854775808, 0, false, null, [], {}]");
}

/* a text longer than the first buffer grows it */
static void long_text(pamps_jw *w, const pamps_row *row)
{
    (void)row;
    pamps_jw_array_open(w);
    for (int i = 0; i < 5000; i++) {
        pamps_jw_str(w, "0123456789");
    }
    pamps_jw_array_close(w);
}

static void test_writer_grows(void **state)
{
    json_t *doc = render(long_text, NULL);
    (void)state;

    assert_non_null(doc);
    assert_int_equal(json_array_size(doc), 5000);
    assert_string_equal(json_string_value(json_array_get(doc, 4999)), "0123456789");
    json_decref(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_task_sqlite),
        cmocka_unit_test(test_task_postgresql),
        cmocka_unit_test(test_task_booleans),
        cmocka_unit_test(test_task_null_description_is_empty_string),
        cmocka_unit_test(test_public_user),
        cmocka_unit_test(test_public_user_at_offset),
        cmocka_unit_test(test_own_user),
        cmocka_unit_test(test_own_user_postgresql),
        cmocka_unit_test(test_profile_adds_public_fields_only),
        cmocka_unit_test(test_post_with_author),
        cmocka_unit_test(test_short_row_gives_nulls),
        cmocka_unit_test(test_set_time),
        cmocka_unit_test(test_col_int),
        cmocka_unit_test(test_offset_page),
        cmocka_unit_test(test_writer_escapes_and_numbers),
        cmocka_unit_test(test_writer_grows),
    };
    return cmocka_run_group_tests_name("views", tests, NULL, NULL);
}
