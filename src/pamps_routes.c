/* The API's routing table: every path of API.md, its method, what it needs
 * before the handler runs, and the handler. */
#include "pamps.h"

#define PUBLIC    PAMPS_ROUTE_PUBLIC
#define JSON      PAMPS_ROUTE_JSON_BODY
#define FORM      PAMPS_ROUTE_FORM_BODY
#define ADMIN     PAMPS_ROUTE_ADMIN

static const pamps_route routes[] = {
    { "GET",    "/health",            PUBLIC,               pamps_h_health },
    { "POST",   "/auth/register",     PUBLIC | JSON,        pamps_h_register },
    { "POST",   "/auth/login",        PUBLIC | JSON | FORM, pamps_h_login },
    { "POST",   "/auth/refresh",      PUBLIC | JSON,        pamps_h_refresh },
    { "POST",   "/auth/logout",       JSON,                 pamps_h_logout },
    { "GET",    "/users/me",          0,                    pamps_h_me_get },
    { "PATCH",  "/users/me",          JSON,                 pamps_h_me_patch },
    { "DELETE", "/users/me",          0,                    pamps_h_me_delete },
    { "PUT",    "/users/me/password", JSON,                 pamps_h_me_password },
    { "GET",    "/tasks",             0,                    pamps_h_tasks_list },
    { "POST",   "/tasks",             JSON,                 pamps_h_tasks_create },
    { "GET",    "/tasks/{id}",        0,                    pamps_h_tasks_get },
    { "PUT",    "/tasks/{id}",        JSON,                 pamps_h_tasks_put },
    { "PATCH",  "/tasks/{id}",        JSON,                 pamps_h_tasks_patch },
    { "DELETE", "/tasks/{id}",        0,                    pamps_h_tasks_delete },
};

const pamps_route *pamps_routes(size_t *n)
{
    *n = sizeof(routes) / sizeof(routes[0]);
    return routes;
}
