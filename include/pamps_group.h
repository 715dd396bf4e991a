/* Group commit's meeting point: threads of one process that each bring a
 * job, of which one at a time leads and runs every job waiting, its own
 * among them (src/core/pamps_group.c). */
#ifndef PAMPS_GROUP_H
#define PAMPS_GROUP_H

#include "apr_pools.h"

typedef struct pamps_group pamps_group;

/* A caller's job, linked into the group's queue; the caller's own memory,
 * which stays valid as pamps_group_run does not return before it ran. */
typedef struct pamps_group_job {
    struct pamps_group_job *next;
    int finished;
} pamps_group_job;

/* Runs the jobs of a batch, first to last along ->next, in the leader's
 * thread with the leader's ctx. */
typedef void pamps_group_run_fn(void *ctx, pamps_group_job *first);

/* NULL when the platform has no threads (each job then runs alone). */
pamps_group *pamps_group_create(apr_pool_t *p);

/* Queues job and returns once it has run: either this thread leads, and
 * runs through run(ctx, ...) the whole queue as one batch, or a leader of
 * the moment runs it in its own batch. */
void pamps_group_run(pamps_group *group, pamps_group_job *job, pamps_group_run_fn *run,
                     void *ctx);

/* Jobs queued for the next batch (the running batch's not counted). */
int pamps_group_waiting(pamps_group *group);

#endif
