/* Group commit's meeting point. A thread that brings a job while no
 * leader runs becomes the leader: it takes every job queued so far, runs
 * them as one batch and wakes their threads. Jobs that arrive meanwhile
 * wait for the next batch, led by the first of their threads to wake. So
 * a batch grows with the load: one job when requests come one at a time,
 * many when writers queue (pamps_db.c's SQLite writes). */
#include "apr_thread_cond.h"
#include "apr_thread_mutex.h"

#include "pamps_group.h"

struct pamps_group {
#if APR_HAS_THREADS
    apr_thread_mutex_t *mutex;          /* guards all below */
    apr_thread_cond_t *ran;             /* a batch ended */
#endif
    pamps_group_job *head, **tail;      /* waiting for a leader */
    int waiting;                        /* how many */
    int leading;                        /* a batch is running */
};

pamps_group *pamps_group_create(apr_pool_t *p)
{
#if APR_HAS_THREADS
    pamps_group *g = apr_pcalloc(p, sizeof(*g));

    if (apr_thread_mutex_create(&g->mutex, APR_THREAD_MUTEX_DEFAULT, p) != APR_SUCCESS
        || apr_thread_cond_create(&g->ran, p) != APR_SUCCESS) {
        return NULL;
    }
    g->tail = &g->head;
    return g;
#else
    (void)p;
    return NULL;
#endif
}

void pamps_group_run(pamps_group *g, pamps_group_job *job, pamps_group_run_fn *run, void *ctx)
{
#if APR_HAS_THREADS
    pamps_group_job *batch, *j, *next;

    job->next = NULL;
    job->finished = 0;
    apr_thread_mutex_lock(g->mutex);
    *g->tail = job;
    g->tail = &job->next;
    g->waiting++;
    while (!job->finished && g->leading) {
        apr_thread_cond_wait(g->ran, g->mutex);
    }
    if (job->finished) {
        apr_thread_mutex_unlock(g->mutex);
        return;
    }
    /* lead: the whole queue, this job included, is the batch */
    g->leading = 1;
    batch = g->head;
    g->head = NULL;
    g->tail = &g->head;
    g->waiting = 0;
    apr_thread_mutex_unlock(g->mutex);

    run(ctx, batch);

    apr_thread_mutex_lock(g->mutex);
    for (j = batch; j; j = next) {
        next = j->next;         /* a finished job's memory is its thread's again */
        j->finished = 1;
    }
    g->leading = 0;
    apr_thread_cond_broadcast(g->ran);
    apr_thread_mutex_unlock(g->mutex);
#else
    (void)g;
    job->next = NULL;
    run(ctx, job);
    job->finished = 1;
#endif
}

int pamps_group_waiting(pamps_group *g)
{
#if APR_HAS_THREADS
    int n;

    apr_thread_mutex_lock(g->mutex);
    n = g->waiting;
    apr_thread_mutex_unlock(g->mutex);
    return n;
#else
    (void)g;
    return 0;
#endif
}
