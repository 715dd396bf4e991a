/* Group commit's meeting point: every job runs exactly once, in the batch
 * of whichever thread leads, and jobs that queue while a batch runs form
 * the next batch together. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <apr_atomic.h>
#include <apr_thread_proc.h>

#include "pamps_group.h"
#include "unit_pool.h"

#define THREADS 8

typedef struct {
    pamps_group_job link;       /* first, as in pamps_db.c */
    int runs;                   /* how often a batch ran it */
} test_job;

typedef struct {
    pamps_group *group;
    int batches;
    int sizes[THREADS];
    volatile apr_uint32_t leading;      /* the first batch runs */
} test_state;

/* The first batch waits until every other thread has queued its job, so
 * the second batch must take all of them at once. */
static void run(void *ctx, pamps_group_job *first)
{
    test_state *t = ctx;
    int n = 0;

    if (t->batches == 0) {
        apr_atomic_set32(&t->leading, 1);
        while (pamps_group_waiting(t->group) < THREADS - 1) {
            apr_thread_yield();
        }
    }
    for (pamps_group_job *j = first; j; j = j->next) {
        ((test_job *)j)->runs++;
        n++;
    }
    t->sizes[t->batches++] = n;
}

static test_state *shared;

static void *APR_THREAD_FUNC submit(apr_thread_t *thread, void *data)
{
    test_job *job = data;

    pamps_group_run(shared->group, &job->link, run, shared);
    apr_thread_exit(thread, APR_SUCCESS);
    return NULL;
}

static void test_waiting_jobs_run_as_one_batch(void **state)
{
    test_state t = { 0 };
    test_job jobs[THREADS] = { { { 0 }, 0 } };
    apr_thread_t *threads[THREADS];
    apr_status_t rv;
    (void)state;

    t.group = pamps_group_create(pool);
    assert_non_null(t.group);
    shared = &t;
    /* the first thread leads alone; the others come while it runs */
    for (int i = 0; i < THREADS; i++) {
        assert_int_equal(apr_thread_create(&threads[i], NULL, submit, &jobs[i], pool),
                         APR_SUCCESS);
        while (i == 0 && !apr_atomic_read32(&t.leading)) {
            apr_thread_yield();
        }
    }
    for (int i = 0; i < THREADS; i++) {
        apr_thread_join(&rv, threads[i]);
    }
    for (int i = 0; i < THREADS; i++) {
        assert_int_equal(jobs[i].runs, 1);
    }
    assert_int_equal(t.batches, 2);
    assert_int_equal(t.sizes[0], 1);
    assert_int_equal(t.sizes[1], THREADS - 1);
    assert_int_equal(pamps_group_waiting(t.group), 0);
}

/* One caller at a time: each job is a batch of its own. */
static void test_one_at_a_time(void **state)
{
    test_state t = { 0 };
    test_job a = { { 0 }, 0 }, b = { { 0 }, 0 };
    (void)state;

    t.group = pamps_group_create(pool);
    t.batches = 1;              /* no first-batch wait */
    pamps_group_run(t.group, &a.link, run, &t);
    pamps_group_run(t.group, &b.link, run, &t);
    assert_int_equal(a.runs, 1);
    assert_int_equal(b.runs, 1);
    assert_int_equal(t.batches, 3);
    assert_int_equal(t.sizes[1], 1);
    assert_int_equal(t.sizes[2], 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_waiting_jobs_run_as_one_batch),
        cmocka_unit_test(test_one_at_a_time),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
