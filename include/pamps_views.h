/* The JSON views API.md defines for database rows, written as text
 * (pamps_jsonw.h). Plain C: unit tests link this alone. */
#ifndef PAMPS_VIEWS_H
#define PAMPS_VIEWS_H

#include "pamps_columns.h"
#include "pamps_jsonw.h"
#include "pamps_rows.h"

/* Writes the canonical RFC 3339 form of a database timestamp. */
void pamps_jw_time(pamps_jw *w, const char *db_text);

/* Each view reads its row by the PAMPS_COL_* positions of the statement's
 * column list (pamps_columns.h) and writes one JSON object. */
typedef void (*pamps_row_view)(pamps_jw *w, const pamps_row *row);

/* public user, its columns from first on (0, or PAMPS_POST_AUTHOR) */
void pamps_view_public_user(pamps_jw *w, const pamps_row *row, int first);
void pamps_view_user(pamps_jw *w, const pamps_row *row);   /* public user from column 0 */
/* public user and counts (PAMPS_PROFILE_NCOLS columns) */
void pamps_view_profile(pamps_jw *w, const pamps_row *row);
/* the profile, email and role (PAMPS_OWN_NCOLS columns) */
void pamps_view_own_user(pamps_jw *w, const pamps_row *row);
void pamps_view_task(pamps_jw *w, const pamps_row *row);
/* the post as the viewer sees it, with its author */
void pamps_view_post(pamps_jw *w, const pamps_row *row);
void pamps_view_org(pamps_jw *w, const pamps_row *row);   /* department or position */

/* [view(row 0), ... view(row n-1)] */
void pamps_view_rows(pamps_jw *w, pamps_row_view view, const pamps_rows *rows, int n);
/* {"items": [view(row)...], "total": N, "limit": L, "offset": O} */
void pamps_view_offset_page(pamps_jw *w, pamps_row_view view, const pamps_rows *rows,
                            long long total, long long limit, long long offset);

#endif
