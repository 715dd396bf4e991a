/* SQLite's WAL checkpoints run after a response, not inside the commit
 * that holds the write mutex (src/httpd/pamps_wal.c). */
#ifndef PAMPS_WAL_H
#define PAMPS_WAL_H

#include "httpd.h"
#include "pamps.h"

/* On a pooled SQLite connection: its commits note when a checkpoint is due */
void pamps_wal_hook(ap_dbd_t *db);
/* Runs a due checkpoint on db, which r holds outside any transaction */
void pamps_wal_checkpoint_if_due(request_rec *r, ap_dbd_t *db);

#endif
