/* mod_pamps: a REST backend served from inside Apache httpd.
 *
 * This file only wires the module together: the module record, its
 * directives (src/httpd/pamps_config.c) and its hooks. */
#include "httpd.h"
#include "http_config.h"
#include "http_log.h"
#include "http_request.h"

#include "pamps_api.h"
#include "pamps_auth.h"
#include "pamps_config.h"
#include "pamps_cors.h"
#include "pamps_db.h"
#include "pamps_dispatch.h"
#include "pamps_errors.h"
#include "pamps_extras.h"
#include "pamps_http.h"
#include "pamps_location.h"
#include "pamps_request.h"
#include "pamps_restart.h"
#include "pamps_startup.h"
#include "pamps_stats.h"

/* mod_dbd may be loaded after us: its functions are found once all
 * modules are loaded, never linked directly. */
static void retrieve_optional_fns(void)
{
    pamps_db_retrieve_optional_fns();
}

/* Refuse to start with a configuration that could only fail at request time. */
static int check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                        server_rec *s)
{
    (void)pconf;
    (void)plog;
    (void)ptemp;
    pamps_db_retrieve_optional_fns();   /* optional_fn_retrieve runs later */
    if (!pamps_db_available()) {
        for (server_rec *sp = s; sp; sp = sp->next) {
            pamps_srv_conf *conf = ap_get_module_config(sp->module_config, &pamps_module);
            if (conf->key) {
                ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, PAMPS_LOGNO(1)
                             "mod_dbd is not loaded: add 'LoadModule dbd_module'");
                return HTTP_INTERNAL_SERVER_ERROR;
            }
        }
    }
    return OK;
}

/* Runs under `apache2 -t` too (post_config does not). */
static int startup_check(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                         server_rec *s)
{
    (void)pconf;
    (void)plog;
    return pamps_startup_check(ptemp, s);
}

static void child_init(apr_pool_t *p, server_rec *s)
{
    pamps_db_child_init(p, s);
    pamps_auth_child_init(p, s);
}

static void register_hooks(apr_pool_t *p)
{
    static const char *const after_dbd[] = { "mod_dbd.c", NULL };
    size_t nroutes;
    const pamps_route *routes = pamps_api_routes(p, &nroutes);

    pamps_request_use_routes(routes, nroutes);
    pamps_http_on_respond(pamps_extras_respond);
    pamps_stats_register_hooks(p, routes, nroutes);

    ap_hook_optional_fn_retrieve(retrieve_optional_fns, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_check_config(startup_check, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(check_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(child_init, after_dbd, NULL, APR_HOOK_MIDDLE);
    pamps_auth_register_hooks(p);
    pamps_cors_register_hooks(p);
    pamps_db_register_hooks(p);
    ap_hook_map_to_storage(pamps_map_to_storage, NULL, NULL, APR_HOOK_FIRST);
    pamps_errors_register_hooks(p);
    pamps_restart_register_hooks(p);
    ap_hook_handler(pamps_dispatch, NULL, NULL, APR_HOOK_MIDDLE);
}

module AP_MODULE_DECLARE_DATA pamps_module = {
    STANDARD20_MODULE_STUFF,
    pamps_create_dir_conf,
    pamps_merge_dir_conf,
    pamps_create_srv_conf,
    pamps_merge_srv_conf,
    pamps_directives,
    register_hooks,
    AP_MODULE_FLAG_NONE
};
