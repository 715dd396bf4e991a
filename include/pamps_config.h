/* Directives, and the per-server and per-directory records they fill
 * (src/httpd/pamps_config.c). Unset values stay -1/NULL through merges;
 * the getters apply the defaults. */
#ifndef PAMPS_CONFIG_H
#define PAMPS_CONFIG_H

#include "pamps.h"
#include "pamps_password.h"
#include "pamps_token.h"

extern const command_rec pamps_directives[];
void *pamps_create_srv_conf(apr_pool_t *p, server_rec *s);
void *pamps_merge_srv_conf(apr_pool_t *p, void *base, void *add);
void *pamps_create_dir_conf(apr_pool_t *p, char *dir);
void *pamps_merge_dir_conf(apr_pool_t *p, void *base, void *add);

jwt_alg_t pamps_conf_alg(const pamps_srv_conf *c);
apr_int64_t pamps_conf_access_ttl(const pamps_srv_conf *c);
apr_int64_t pamps_conf_refresh_ttl(const pamps_srv_conf *c);
const char *pamps_conf_environment(const pamps_srv_conf *c);
pamps_argon2_cost pamps_conf_argon2(const pamps_srv_conf *c);
int pamps_conf_auto_migrate(const pamps_srv_conf *c);
int pamps_conf_sqlite_sync_full(const pamps_srv_conf *c);
int pamps_conf_throttle_account(const pamps_srv_conf *c);
int pamps_conf_throttle_address(const pamps_srv_conf *c);
int pamps_conf_throttle_window(const pamps_srv_conf *c);
int pamps_conf_register_limit(const pamps_srv_conf *c);
int pamps_conf_register_window(const pamps_srv_conf *c);
apr_off_t pamps_conf_max_body(const pamps_dir_conf *c);
int pamps_conf_page_default(const pamps_dir_conf *c);
int pamps_conf_page_max(const pamps_dir_conf *c);
int pamps_conf_forward_identity(const pamps_dir_conf *c);
int pamps_conf_forward_token(const pamps_dir_conf *c);
/* the user, user id and role header names, in that order */
const char *const *pamps_conf_identity_headers(const pamps_dir_conf *c);
int pamps_conf_cors_max_age(const pamps_dir_conf *c);
const char *pamps_conf_cors_headers(const pamps_dir_conf *c);
const char *pamps_conf_docs_dir(const pamps_dir_conf *c);
pamps_token_keys pamps_conf_token_keys(const pamps_srv_conf *c);

#endif
