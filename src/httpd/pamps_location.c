/* Which requests are the API's. No file stands behind the API, yet httpd
 * walks the filesystem for every request that no map_to_storage hook
 * claims (a stat per path segment of DocumentRoot + URI). Like mod_proxy,
 * the module claims its own requests: those the <Location> hands to
 * "SetHandler pamps". <Directory> sections therefore do not apply to the
 * API, as they do not to proxied paths. */
#include <string.h>

#include "ap_expr.h"
#include "http_core.h"
#include "http_request.h"

#include "pamps_location.h"

int pamps_location_sets_handler(request_rec *r)
{
    const core_dir_config *d = ap_get_core_module_config(r->per_dir_config);
    const char *err = NULL, *handler;

    /* SetHandler is an expression in 2.4; core evaluates it the same way */
    if (!d || !d->expr_handler) {
        return 0;
    }
    handler = ap_expr_str_exec(r, d->expr_handler, &err);
    return !err && handler && strcmp(handler, PAMPS_HANDLER) == 0;
}

const char *pamps_location_handler_section(request_rec *r)
{
    const core_dir_config *d = ap_get_core_module_config(r->per_dir_config);
    const core_server_config *sc = ap_get_core_module_config(r->server->module_config);
    ap_conf_vector_t **sections;

    if (!d || !d->expr_handler || !sc->sec_url) {
        return NULL;
    }
    /* a merge keeps the innermost SetHandler's expression itself: the
     * section holding that very expression is the one that set it */
    sections = (ap_conf_vector_t **)sc->sec_url->elts;
    for (int i = sc->sec_url->nelts - 1; i >= 0; i--) {
        const core_dir_config *s = ap_get_core_module_config(sections[i]);

        if (s->expr_handler == d->expr_handler) {
            return s->d;
        }
    }
    return NULL;
}

int pamps_location_is_api(request_rec *r)
{
    ap_conf_vector_t *saved = r->per_dir_config;
    int yes;

    if (!r->uri || r->uri[0] != '/') {
        return 0;
    }
    r->per_dir_config = r->server->lookup_defaults;
    yes = ap_location_walk(r) == OK && pamps_location_sets_handler(r);
    r->per_dir_config = saved;
    return yes;
}

int pamps_map_to_storage(request_rec *r)
{
    /* core's own location walk, which follows, is served from the cache
     * this one fills */
    return pamps_location_is_api(r) ? OK : DECLINED;
}
