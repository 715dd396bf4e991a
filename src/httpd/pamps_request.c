/* The per-request record: made on first use in a request (by the authz
 * provider, the authn hook or the content handler, whichever runs first)
 * and routed then, once. Outside the API (a <Location> the pamps-user
 * providers guard) there is no route: its paths are not the API's. */
#include "pamps_http.h"
#include "pamps_location.h"
#include "pamps_request.h"

static const pamps_route *route_table;
static size_t route_count;

void pamps_request_use_routes(const pamps_route *routes, size_t n)
{
    route_table = routes;
    route_count = n;
}

const pamps_route *pamps_request_routes(size_t *n)
{
    *n = route_count;
    return route_table;
}

pamps_req *pamps_request(request_rec *r)
{
    pamps_req *req = ap_get_module_config(r->request_config, &pamps_module);

    if (req) {
        return req;
    }
    req = apr_pcalloc(r->pool, sizeof(*req));
    req->r = r;
    req->sconf = ap_get_module_config(r->server->module_config, &pamps_module);
    req->dconf = ap_get_module_config(r->per_dir_config, &pamps_module);
    req->in_api = pamps_location_sets_handler(r);
    req->route_result = req->in_api
        ? pamps_route_find(route_table, route_count, r->method,
                           pamps_path_in_api(r, req->dconf), &req->match)
        : PAMPS_ROUTE_NOT_FOUND;
    ap_set_module_config(r->request_config, &pamps_module, req);
    return req;
}
