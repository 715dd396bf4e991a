/* Account operations shared by the auth, /users/me and admin handlers. */
#ifndef PAMPS_ACCOUNT_H
#define PAMPS_ACCOUNT_H

#include "pamps_db.h"
#include "pamps_http.h"

/* Sends the user's own view (with counts) with the given status; 201 adds
 * a Location header. DONE, as every sender. */
int pamps_send_own_view(pamps_req *req, int status, const char *user_id);

/* Deletes the account in one transaction: tasks, likes, follows,
 * memberships, tokens and posts go; others' replies to the posts stay with
 * parent_id null. DONE once 204 is sent, or 404 when the account was gone
 * by then (a concurrent delete won), or a failure. */
int pamps_account_delete(pamps_req *req, const char *user_id);

/* Issues an access/refresh pair (the refresh token recorded in the database,
 * in rotation chain family, or a new chain when NULL) as the login response
 * body. Returns NULL with *st set on failure. */
json_t *pamps_issue_token_pair(pamps_req *req, long long user_id, long long ver,
                               const char *family, pamps_db_status *st);

/* An argon2id hash of password at the configured cost in *hash: OK, or
 * DONE when a 500 has been sent. */
int pamps_account_hash(pamps_req *req, const char *password, const char **hash);

/* The id of the user {username} named first in the path, in *id: OK, or
 * DONE when a 404 (or a failure) has been sent. */
int pamps_path_user_id(pamps_req *req, const char **id);

/* What emails and department/position names are unique by: the text
 * folded to lower case (pamps_fold_case), in the request's pool; NULL for
 * NULL. */
const char *pamps_case_key(pamps_req *req, const char *text);

#endif
