/* Counters shared by all children (src/httpd/pamps_stats.c): requests and
 * errors per route group, database time, connections held, failed and
 * throttled logins; shown in mod_status's /server-status, and per request
 * as notes for LogFormat (%{pamps-route}n, %{pamps-db-us}n). */
#ifndef PAMPS_STATS_H
#define PAMPS_STATS_H

#include "pamps.h"

typedef enum {
    PAMPS_STAT_LOGIN_FAILED,
    PAMPS_STAT_LOGIN_THROTTLED,
    PAMPS_STAT_REGISTER_THROTTLED,
    PAMPS_STAT_NEVENTS
} pamps_stat_event;

/* Route groups (the routes' tags) are read from the table before children start. */
void pamps_stats_register_hooks(apr_pool_t *p, const pamps_route *routes, size_t n);

void pamps_stats_count(pamps_stat_event ev);

/* A database call of the request took t. */
void pamps_stats_db_time(pamps_req *req, apr_interval_time_t t);

/* The request holds a pooled connection until it ends. */
void pamps_stats_db_held(pamps_req *req);

/* A request begins (+1) or ends (-1) waiting for a pooled connection. */
void pamps_stats_db_awaited(int delta);

/* SQLite's group commit (pamps_db.c): a write joins (+1) or leaves (-1)
 * the writes waiting for their batch; a batch of n writes ran. */
void pamps_stats_write_waiting(int delta);
void pamps_stats_write_batch(int n);

#endif
