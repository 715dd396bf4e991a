/* The API layer (src/api/): the resource handlers and the route table that
 * names them. Private to this folder and to the module's wiring. */
#ifndef PAMPS_API_H
#define PAMPS_API_H

#include "pamps.h"
#include "pamps_config.h"
#include "pamps_db.h"
#include "pamps_http.h"

/* The table mod_pamps.c hands to the request layer. */
const pamps_route *pamps_api_routes(size_t *n);

int pamps_h_health(pamps_req *req);
int pamps_h_openapi(pamps_req *req);
int pamps_h_docs(pamps_req *req);
int pamps_h_register(pamps_req *req);
int pamps_h_login(pamps_req *req);
int pamps_h_refresh(pamps_req *req);
int pamps_h_logout(pamps_req *req);
int pamps_h_me_get(pamps_req *req);
int pamps_h_me_patch(pamps_req *req);
int pamps_h_me_delete(pamps_req *req);
int pamps_h_me_password(pamps_req *req);
int pamps_h_tasks_list(pamps_req *req);
int pamps_h_tasks_create(pamps_req *req);
int pamps_h_tasks_get(pamps_req *req);
int pamps_h_tasks_put(pamps_req *req);
int pamps_h_tasks_patch(pamps_req *req);
int pamps_h_tasks_delete(pamps_req *req);
int pamps_h_users_list(pamps_req *req);
int pamps_h_users_profile(pamps_req *req);
int pamps_h_users_posts(pamps_req *req);
int pamps_h_users_followers(pamps_req *req);
int pamps_h_users_following(pamps_req *req);
int pamps_h_users_follow(pamps_req *req);
int pamps_h_users_unfollow(pamps_req *req);
int pamps_h_users_set_role(pamps_req *req);
int pamps_h_users_delete(pamps_req *req);
int pamps_h_posts_create(pamps_req *req);
int pamps_h_posts_feed(pamps_req *req);
int pamps_h_posts_timeline(pamps_req *req);
int pamps_h_posts_get(pamps_req *req);
int pamps_h_posts_replies(pamps_req *req);
int pamps_h_posts_patch(pamps_req *req);
int pamps_h_posts_delete(pamps_req *req);
int pamps_h_posts_like(pamps_req *req);
int pamps_h_posts_unlike(pamps_req *req);
int pamps_h_posts_likes(pamps_req *req);
typedef struct pamps_org_kind pamps_org_kind;  /* route data for h_org.c */
extern const pamps_org_kind pamps_departments, pamps_positions;
int pamps_h_org_list(pamps_req *req);
int pamps_h_org_get(pamps_req *req);
int pamps_h_org_members(pamps_req *req);
int pamps_h_org_create(pamps_req *req);
int pamps_h_org_patch(pamps_req *req);
int pamps_h_org_delete(pamps_req *req);
int pamps_h_org_of_user(pamps_req *req);
int pamps_h_org_assign(pamps_req *req);
int pamps_h_org_unassign(pamps_req *req);

#endif
