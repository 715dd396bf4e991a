/* Which requests are the API's: those "SetHandler pamps" applies to
 * (src/httpd/pamps_location.c). */
#ifndef PAMPS_LOCATION_H
#define PAMPS_LOCATION_H

#include "pamps.h"

/* Whether SetHandler pamps applies under r's current per-dir config. */
int pamps_location_sets_handler(request_rec *r);

/* The path of the <Location> whose SetHandler applies to r (the API's
 * mount point), not that of a nested section adding other directives;
 * NULL when no section set a handler. */
const char *pamps_location_handler_section(request_rec *r);

/* Whether the <Location> sections for r's path set it, whatever per-dir
 * config r has now (errors met before the sections were merged come with
 * the server's defaults); r's config is left as it was. */
int pamps_location_is_api(request_rec *r);

/* map_to_storage hook: OK (no directory walk) for the API's requests,
 * DECLINED for every other. */
int pamps_map_to_storage(request_rec *r);

#endif
