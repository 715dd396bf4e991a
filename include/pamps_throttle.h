/* Failed logins, counted in the database so every httpd child and node
 * shares them (src/httpd/pamps_throttle.c). */
#ifndef PAMPS_THROTTLE_H
#define PAMPS_THROTTLE_H

#include "pamps_db.h"

pamps_db_status pamps_throttle_check(pamps_req *req, const char *account_key,
                                     int *retry_after);
void pamps_throttle_record_failure(pamps_req *req, const char *account_key);
void pamps_throttle_clear(pamps_req *req, const char *account_key);

#endif
