/* Threads of one process taking turns, one at a time, in the order they
 * came (src/core/pamps_turn.c). */
#ifndef PAMPS_TURN_H
#define PAMPS_TURN_H

#include "apr_pools.h"

typedef struct pamps_turn pamps_turn;

/* NULL when the platform has no threads (there is no one to wait for). */
pamps_turn *pamps_turn_create(apr_pool_t *p);

/* Returns when it is the caller's turn: at once if nobody has it, else
 * once every caller that came before has passed it on. A caller that
 * waits takes what it waits on from p. */
void pamps_turn_take(pamps_turn *turn, apr_pool_t *p);

/* Ends the caller's turn; the caller that has waited longest has it next. */
void pamps_turn_pass(pamps_turn *turn);

/* Callers waiting for their turn. */
int pamps_turn_waiting(pamps_turn *turn);

#endif
