/* The API's routing table: every path of API.md, its method, what it needs
 * before the handler runs, and the handler. */
#include "pamps_api.h"

#define PUBLIC    PAMPS_ROUTE_PUBLIC
#define JSON      PAMPS_ROUTE_JSON_BODY
#define FORM      PAMPS_ROUTE_FORM_BODY
#define ADMIN     PAMPS_ROUTE_ADMIN

/* departments and positions: one handler set, told apart by the route's data */
#define ORG_ROUTES(path, kind) \
    { "GET",    path,                  0,            pamps_h_org_list,     kind }, \
    { "POST",   path,                  JSON | ADMIN, pamps_h_org_create,   kind }, \
    { "GET",    path "/{id}",          0,            pamps_h_org_get,      kind }, \
    { "PATCH",  path "/{id}",          JSON | ADMIN, pamps_h_org_patch,    kind }, \
    { "DELETE", path "/{id}",          ADMIN,        pamps_h_org_delete,   kind }, \
    { "GET",    path "/{id}/members",  0,            pamps_h_org_members,  kind }, \
    { "GET",    "/users/{username}" path, 0,         pamps_h_org_of_user,  kind }, \
    { "PUT",    "/users/{username}" path "/{id}", ADMIN, pamps_h_org_assign,   kind }, \
    { "DELETE", "/users/{username}" path "/{id}", ADMIN, pamps_h_org_unassign, kind }

static const pamps_route routes[] = {
    { "GET",    "/health",            PUBLIC,               pamps_h_health, NULL },
    { "GET",    "/openapi.json",      PUBLIC,               pamps_h_openapi, NULL },
    { "GET",    "/docs",              PUBLIC,               pamps_h_docs, NULL },
    { "POST",   "/auth/register",     PUBLIC | JSON,        pamps_h_register, NULL },
    { "POST",   "/auth/login",        PUBLIC | JSON | FORM, pamps_h_login, NULL },
    { "POST",   "/auth/refresh",      PUBLIC | JSON,        pamps_h_refresh, NULL },
    { "POST",   "/auth/logout",       JSON,                 pamps_h_logout, NULL },
    { "GET",    "/users/me",          0,                    pamps_h_me_get, NULL },
    { "PATCH",  "/users/me",          JSON,                 pamps_h_me_patch, NULL },
    { "DELETE", "/users/me",          0,                    pamps_h_me_delete, NULL },
    { "PUT",    "/users/me/password", JSON,                 pamps_h_me_password, NULL },
    { "GET",    "/tasks",             0,                    pamps_h_tasks_list, NULL },
    { "POST",   "/tasks",             JSON,                 pamps_h_tasks_create, NULL },
    { "GET",    "/tasks/{id}",        0,                    pamps_h_tasks_get, NULL },
    { "PUT",    "/tasks/{id}",        JSON,                 pamps_h_tasks_put, NULL },
    { "PATCH",  "/tasks/{id}",        JSON,                 pamps_h_tasks_patch, NULL },
    { "DELETE", "/tasks/{id}",        0,                    pamps_h_tasks_delete, NULL },
    { "GET",    "/users",             0,                    pamps_h_users_list, NULL },
    { "GET",    "/users/{username}",  0,                    pamps_h_users_profile, NULL },
    { "PATCH",  "/users/{username}",  JSON | ADMIN,         pamps_h_users_set_role, NULL },
    { "DELETE", "/users/{username}",  ADMIN,                pamps_h_users_delete, NULL },
    { "GET",    "/users/{username}/posts",     0,           pamps_h_users_posts, NULL },
    { "GET",    "/users/{username}/followers", 0,           pamps_h_users_followers, NULL },
    { "GET",    "/users/{username}/following", 0,           pamps_h_users_following, NULL },
    { "POST",   "/users/{username}/follow",    0,           pamps_h_users_follow, NULL },
    { "DELETE", "/users/{username}/follow",    0,           pamps_h_users_unfollow, NULL },
    { "GET",    "/posts",             0,                    pamps_h_posts_feed, NULL },
    { "POST",   "/posts",             JSON,                 pamps_h_posts_create, NULL },
    { "GET",    "/posts/timeline",    0,                    pamps_h_posts_timeline, NULL },
    { "GET",    "/posts/{id}",        0,                    pamps_h_posts_get, NULL },
    { "PATCH",  "/posts/{id}",        JSON,                 pamps_h_posts_patch, NULL },
    { "DELETE", "/posts/{id}",        0,                    pamps_h_posts_delete, NULL },
    { "GET",    "/posts/{id}/replies", 0,                   pamps_h_posts_replies, NULL },
    { "POST",   "/posts/{id}/like",   0,                    pamps_h_posts_like, NULL },
    { "DELETE", "/posts/{id}/like",   0,                    pamps_h_posts_unlike, NULL },
    { "GET",    "/posts/{id}/likes",  0,                    pamps_h_posts_likes, NULL },
    ORG_ROUTES("/departments", &pamps_departments),
    ORG_ROUTES("/positions", &pamps_positions),
};

const pamps_route *pamps_api_routes(size_t *n)
{
    *n = sizeof(routes) / sizeof(routes[0]);
    return routes;
}
