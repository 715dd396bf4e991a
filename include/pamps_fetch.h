/* The one row a path names, or the 404 (src/httpd/pamps_fetch.c). */
#ifndef PAMPS_FETCH_H
#define PAMPS_FETCH_H

#include "pamps_db.h"

/* Runs stmt with args; returns OK with its one row in *row (when row is not
 * NULL), or DONE once the 404 {"detail": not_found} or the database failure
 * has been sent. */
int pamps_fetch_one(pamps_req *req, int stmt, const char *not_found, pamps_row *row,
                    int nargs, const char *const *args);

#endif
