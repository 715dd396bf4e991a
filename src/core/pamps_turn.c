/* Turns in arrival order. A condition variable alone wakes its waiters in
 * no particular order, and a thread that was not waiting at all can take
 * what was freed before the woken one runs: under load some threads lose
 * again and again. Here each waiter has its own condition, queued, and a
 * turn passes straight to the head of the queue, never to a newcomer. */
#include "apr_thread_cond.h"
#include "apr_thread_mutex.h"

#include "pamps_turn.h"

#if APR_HAS_THREADS
typedef struct waiter {
    struct waiter *next;
    apr_thread_cond_t *wake;
    int go;                             /* the turn was passed to it */
} waiter;
#endif

struct pamps_turn {
#if APR_HAS_THREADS
    apr_thread_mutex_t *mutex;          /* guards all below */
    waiter *head, **tail;               /* waiting, first come first */
#endif
    int taken;                          /* someone has the turn */
    int waiting;                        /* how many wait */
};

pamps_turn *pamps_turn_create(apr_pool_t *p)
{
#if APR_HAS_THREADS
    pamps_turn *t = apr_pcalloc(p, sizeof(*t));

    if (apr_thread_mutex_create(&t->mutex, APR_THREAD_MUTEX_DEFAULT, p) != APR_SUCCESS) {
        return NULL;
    }
    t->tail = &t->head;
    return t;
#else
    (void)p;
    return NULL;
#endif
}

void pamps_turn_take(pamps_turn *t, apr_pool_t *p)
{
#if APR_HAS_THREADS
    waiter w = { NULL, NULL, 0 };

    apr_thread_mutex_lock(t->mutex);
    if (!t->taken) {
        t->taken = 1;           /* nobody waits while nobody has it */
        apr_thread_mutex_unlock(t->mutex);
        return;
    }
    if (apr_thread_cond_create(&w.wake, p) != APR_SUCCESS) {
        /* cannot wait in line: go ahead, as without turns */
        apr_thread_mutex_unlock(t->mutex);
        return;
    }
    /* w, on this stack, leaves the queue (pamps_turn_pass) before the
     * wait below can end */
    *t->tail = &w;
    /* cppcheck-suppress autoVariables */
    t->tail = &w.next;
    t->waiting++;
    while (!w.go) {
        apr_thread_cond_wait(w.wake, t->mutex);
    }
    apr_thread_mutex_unlock(t->mutex);
#else
    (void)t;
    (void)p;
#endif
}

void pamps_turn_pass(pamps_turn *t)
{
#if APR_HAS_THREADS
    waiter *w;

    apr_thread_mutex_lock(t->mutex);
    w = t->head;
    if (w) {
        t->head = w->next;
        if (!t->head) {
            t->tail = &t->head;
        }
        t->waiting--;
        w->go = 1;              /* the turn stays taken: it is w's now */
        apr_thread_cond_signal(w->wake);
    }
    else {
        t->taken = 0;
    }
    apr_thread_mutex_unlock(t->mutex);
#else
    (void)t;
#endif
}

int pamps_turn_waiting(pamps_turn *t)
{
#if APR_HAS_THREADS
    int n;

    apr_thread_mutex_lock(t->mutex);
    n = t->waiting;
    apr_thread_mutex_unlock(t->mutex);
    return n;
#else
    (void)t;
    return 0;
#endif
}
