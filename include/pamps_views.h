/* The JSON views API.md defines for database rows. Plain C and jansson:
 * unit tests link this alone. */
#ifndef PAMPS_VIEWS_H
#define PAMPS_VIEWS_H

#include <jansson.h>

#include "pamps_rows.h"

/* Sets key to the canonical RFC 3339 form of a database timestamp. */
void pamps_json_set_time(json_t *obj, const char *key, const char *db_text);

/* Column layouts (see pamps_sql.h):
 *   public user: id, username, name, bio, avatar, created_at
 *   own view:    public user, email, role, posts, followers, following
 *   task:        id, title, description, done, created_at, updated_at
 *   department / position: id, name, description, created_at */
#define PAMPS_PUBLIC_USER_NCOLS 6
json_t *pamps_view_public_user(const pamps_row *row, int first);
json_t *pamps_view_own_user(const pamps_row *row);
json_t *pamps_view_task(const pamps_row *row);

/* post: id, text, parent_id, created_at, updated_at, likes, replies,
 * liked_by_me, then the author's public user columns */
json_t *pamps_view_post(const pamps_row *row);

json_t *pamps_view_org(const pamps_row *row);   /* department or position */

/* {"items": [...], "total": N, "limit": L, "offset": O} */
json_t *pamps_view_offset_page(json_t *items, long long total, long long limit,
                               long long offset);

#endif
