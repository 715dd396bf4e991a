/* The API's routing table: every resource's rows (each kept in its h_*.c,
 * next to its handlers) in one array, for the request layer to match and
 * the OpenAPI document to describe. */
#include <string.h>

#include "pamps_api.h"

static const pamps_route_set *const resources[] = {
    &pamps_health_routes, &pamps_docs_routes, &pamps_auth_routes, &pamps_me_routes,
    &pamps_task_routes, &pamps_user_routes, &pamps_post_routes, &pamps_org_routes,
};

const pamps_route *pamps_api_routes(apr_pool_t *p, size_t *n)
{
    size_t total = 0, i;
    pamps_route *table, *next;

    for (i = 0; i < sizeof(resources) / sizeof(*resources); i++) {
        total += resources[i]->n;
    }
    table = next = apr_palloc(p, total * sizeof(*table));
    for (i = 0; i < sizeof(resources) / sizeof(*resources); i++) {
        memcpy(next, resources[i]->rows, resources[i]->n * sizeof(*table));
        next += resources[i]->n;
    }
    pamps_route_derive(table, total);
    *n = total;
    return table;
}
