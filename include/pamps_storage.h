/* The API's requests map to no file (src/httpd/pamps_storage.c). */
#ifndef PAMPS_STORAGE_H
#define PAMPS_STORAGE_H

#include "pamps.h"

/* map_to_storage hook: OK (no directory walk) for requests that
 * SetHandler pamps serves, DECLINED for every other. */
int pamps_map_to_storage(request_rec *r);

#endif
