/* Turns in arrival order: whoever waits gets the turn in the order it came,
 * and a caller that arrives while others wait never goes before them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <apr_atomic.h>
#include <apr_thread_proc.h>

#include "pamps_turn.h"
#include "unit_pool.h"

#define THREADS 6

typedef struct {
    pamps_turn *turn;
    int order[THREADS];                 /* who had the turn, in turn */
    int served;
} test_state;

typedef struct {
    test_state *t;
    int id;
} test_caller;

static void *APR_THREAD_FUNC take_turn(apr_thread_t *thread, void *data)
{
    test_caller *c = data;
    apr_pool_t *p;

    apr_pool_create(&p, NULL);
    pamps_turn_take(c->t->turn, p);
    c->t->order[c->t->served++] = c->id;        /* only the turn's holder writes */
    pamps_turn_pass(c->t->turn);
    apr_pool_destroy(p);
    apr_thread_exit(thread, APR_SUCCESS);
    return NULL;
}

/* Starts caller id and returns once it waits in line (waiting == n). */
static apr_thread_t *start_waiting(test_state *t, test_caller *c, int id, int n)
{
    apr_thread_t *thread;

    c->t = t;
    c->id = id;
    assert_int_equal(apr_thread_create(&thread, NULL, take_turn, c, pool), APR_SUCCESS);
    while (pamps_turn_waiting(t->turn) < n) {
        apr_thread_yield();
    }
    return thread;
}

static void test_waiters_go_in_the_order_they_came(void **state)
{
    test_state t = { 0 };
    test_caller callers[THREADS];
    apr_thread_t *threads[THREADS];
    apr_status_t rv;
    (void)state;

    t.turn = pamps_turn_create(pool);
    assert_non_null(t.turn);
    pamps_turn_take(t.turn, pool);      /* the test holds the turn */
    for (int i = 0; i < THREADS; i++) {
        threads[i] = start_waiting(&t, &callers[i], i, i + 1);
    }
    assert_int_equal(t.served, 0);
    pamps_turn_pass(t.turn);
    for (int i = 0; i < THREADS; i++) {
        apr_thread_join(&rv, threads[i]);
    }
    assert_int_equal(t.served, THREADS);
    for (int i = 0; i < THREADS; i++) {
        assert_int_equal(t.order[i], i);
    }
    assert_int_equal(pamps_turn_waiting(t.turn), 0);
}

/* Passing the turn while someone waits hands it over: the passer, back at
 * once, queues behind the waiter instead of taking it again. */
static void test_a_newcomer_waits_behind_the_line(void **state)
{
    test_state t = { 0 };
    test_caller first;
    apr_thread_t *thread;
    apr_status_t rv;
    (void)state;

    t.turn = pamps_turn_create(pool);
    pamps_turn_take(t.turn, pool);
    thread = start_waiting(&t, &first, 1, 1);
    pamps_turn_pass(t.turn);
    pamps_turn_take(t.turn, pool);      /* returns only after caller 1 passed */
    t.order[t.served++] = 2;
    pamps_turn_pass(t.turn);
    apr_thread_join(&rv, thread);
    assert_int_equal(t.served, 2);
    assert_int_equal(t.order[0], 1);
    assert_int_equal(t.order[1], 2);
}

/* Alone, a caller never waits. */
static void test_alone_no_wait(void **state)
{
    pamps_turn *turn = pamps_turn_create(pool);
    (void)state;

    for (int i = 0; i < 3; i++) {
        pamps_turn_take(turn, pool);
        assert_int_equal(pamps_turn_waiting(turn), 0);
        pamps_turn_pass(turn);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_waiters_go_in_the_order_they_came),
        cmocka_unit_test(test_a_newcomer_waits_behind_the_line),
        cmocka_unit_test(test_alone_no_wait),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
