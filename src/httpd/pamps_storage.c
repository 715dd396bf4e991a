/* No file stands behind the API, yet httpd walks the filesystem for every
 * request that no map_to_storage hook claims (a stat per path segment of
 * DocumentRoot + URI). Like mod_proxy, the module claims its own requests:
 * those the <Location> hands to "SetHandler pamps". <Directory> sections
 * therefore do not apply to the API, as they do not to proxied paths. */
#include <strings.h>

#include "ap_expr.h"
#include "http_core.h"
#include "http_request.h"

#include "pamps_storage.h"

int pamps_map_to_storage(request_rec *r)
{
    const core_dir_config *core;
    const char *handler = NULL, *err = NULL;

    /* the sections that match the URI decide, as they will for the handler */
    if (ap_location_walk(r) == OK) {
        core = ap_get_core_module_config(r->per_dir_config);
        if (core && core->expr_handler) {
            handler = ap_expr_str_exec(r, core->expr_handler, &err);
        }
        if (handler && !err && strcasecmp(handler, PAMPS_HANDLER) == 0) {
            return OK;
        }
    }
    /* core's walk starts from the server's defaults, as it expects */
    r->per_dir_config = r->server->lookup_defaults;
    return DECLINED;
}
