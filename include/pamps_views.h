/* The JSON views API.md defines for database rows. Plain C and jansson:
 * unit tests link this alone. */
#ifndef PAMPS_VIEWS_H
#define PAMPS_VIEWS_H

#include <jansson.h>

#include "pamps_columns.h"
#include "pamps_rows.h"

/* Sets key to the canonical RFC 3339 form of a database timestamp. */
void pamps_json_set_time(json_t *obj, const char *key, const char *db_text);

/* Each view reads its row by the PAMPS_COL_* positions of the statement's
 * column list (pamps_columns.h). */

/* public user, its columns from first on (0, or PAMPS_POST_AUTHOR) */
json_t *pamps_view_public_user(const pamps_row *row, int first);
/* public user and counts (PAMPS_PROFILE_NCOLS columns) */
json_t *pamps_view_profile(const pamps_row *row);
/* the profile, email and role (PAMPS_OWN_NCOLS columns) */
json_t *pamps_view_own_user(const pamps_row *row);
json_t *pamps_view_task(const pamps_row *row);
/* the post as the viewer sees it, with its author */
json_t *pamps_view_post(const pamps_row *row);
json_t *pamps_view_org(const pamps_row *row);   /* department or position */

/* {"items": [...], "total": N, "limit": L, "offset": O} */
json_t *pamps_view_offset_page(json_t *items, long long total, long long limit,
                               long long offset);

#endif
