/* mod_dbd access with statements prepared once per connection
 * (src/httpd/pamps_db.c). */
#ifndef PAMPS_DB_H
#define PAMPS_DB_H

#include "pamps.h"
#include "pamps_sql.h"
#include "pamps_views.h"

typedef enum {
    PAMPS_DB_OK = 0,
    PAMPS_DB_UNAVAILABLE,         /* no connection: 503 */
    PAMPS_DB_CONFLICT,            /* a unique constraint said no: 409 */
    PAMPS_DB_GONE,                /* a referenced row vanished meanwhile: 404 */
    PAMPS_DB_ERROR,               /* anything else: logged, 500 */
    PAMPS_DB_RETRY                /* lost a race (deadlock): 503 + Retry-After */
} pamps_db_status;

void pamps_db_retrieve_optional_fns(void);
/* pre_config/post_config: the server-wide SQLite write mutex */
void pamps_db_register_hooks(apr_pool_t *p);
int pamps_db_available(void);
pamps_db_status pamps_db_select(pamps_req *req, int stmt, pamps_rows *out,
                                int nargs, const char *const *args);
pamps_db_status pamps_db_exec(pamps_req *req, int stmt, int *affected,
                              int nargs, const char *const *args);
pamps_db_status pamps_db_begin(pamps_req *req);
pamps_db_status pamps_db_commit(pamps_req *req);
void pamps_db_rollback(pamps_req *req);
int pamps_db_fail(pamps_req *req, pamps_db_status st);
int pamps_db_ping(pamps_req *req);

/* Why the database answers but cannot serve, in a few words ("schema older
 * than the module", "schema newer than the module", "database read-only"),
 * or NULL when it can (or cannot be asked). */
const char *pamps_db_cannot_serve(pamps_req *req);
void pamps_db_child_init(apr_pool_t *p, server_rec *s);

#endif
