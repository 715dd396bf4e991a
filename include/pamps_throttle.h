/* Attempts counted in the database (failed logins, registrations), so every
 * httpd child and node shares them, and the purge of rows that expired
 * (src/httpd/pamps_throttle.c). */
#ifndef PAMPS_THROTTLE_H
#define PAMPS_THROTTLE_H

#include "pamps_db.h"

/* An attempt counted from its arrival, before it is evaluated: one row
 * per key it counts for. A failed attempt keeps them; one that did not
 * fail gives them back with pamps_throttle_release. */
typedef struct {
    int n;
    const char *id[2];
} pamps_attempt;

/* A login attempt (or a password check) of an account and of the client
 * address: user_id is the account's id, or NULL for a name no account has,
 * which then counts by name. OK, or DONE once 429 (or 503) is sent. */
int pamps_throttle_login(pamps_req *req, const char *user_id, const char *name,
                         pamps_attempt *a);

/* A registration from the client address: OK, or DONE once 429 is sent. */
int pamps_throttle_register(pamps_req *req, pamps_attempt *a);

void pamps_throttle_release(pamps_req *req, const pamps_attempt *a);

/* Deletes a batch of rows that no longer count: expired refresh tokens,
 * attempts older than every window. */
void pamps_throttle_purge(pamps_req *req);

#endif
