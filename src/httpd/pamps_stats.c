/* Counters in one anonymous shared memory segment, made by the parent
 * before it forks and kept across graceful restarts, so /server-status
 * shows the sums of every child. Updated with atomic adds; read without
 * locking (a status page may mix counts a request apart). */
#include <string.h>

#include "apr_shm.h"
#include "apr_strings.h"
#include "http_protocol.h"
#include "mod_status.h"

#include "pamps_stats.h"

#define MAX_GROUPS 15           /* route tags; one more for unrouted paths */
#define SHM_KEY "pamps-stats-shm"

typedef struct {
    apr_uint64_t requests, client_errors, server_errors, time_us;
} group_counts;

typedef struct {
    group_counts group[MAX_GROUPS + 1];
    apr_uint64_t db_calls, db_time_us;
    apr_uint64_t db_held_now, db_held_total, db_awaited;
    apr_uint64_t writes_waiting, write_batches, writes_batched;
    apr_uint64_t events[PAMPS_STAT_NEVENTS];
} shared_counts;

static shared_counts *counts;
static const char *group_names[MAX_GROUPS + 1];
static int ngroups;

static void add(apr_uint64_t *c, apr_uint64_t v)
{
    if (counts) {
        __atomic_fetch_add(c, v, __ATOMIC_RELAXED);
    }
}

static apr_uint64_t get(const apr_uint64_t *c)
{
    return __atomic_load_n(c, __ATOMIC_RELAXED);
}

void pamps_stats_count(pamps_stat_event ev)
{
    if (counts) {
        add(&counts->events[ev], 1);
    }
}

void pamps_stats_db_time(pamps_req *req, apr_interval_time_t t)
{
    req->db_time += t;          /* for the pamps-db-us note */
    if (!counts) {
        return;
    }
    add(&counts->db_calls, 1);
    add(&counts->db_time_us, (apr_uint64_t)t);
}

/* A count of what goes on now, up or down by one; c NULL without counts. */
static void gauge(apr_uint64_t *c, int delta)
{
    if (!c) {
        return;
    }
    if (delta > 0) {
        add(c, 1);
    }
    else {
        __atomic_fetch_sub(c, 1, __ATOMIC_RELAXED);
    }
}

void pamps_stats_db_awaited(int delta)
{
    gauge(counts ? &counts->db_awaited : NULL, delta);
}

void pamps_stats_write_waiting(int delta)
{
    gauge(counts ? &counts->writes_waiting : NULL, delta);
}

void pamps_stats_write_batch(int n)
{
    if (!counts) {
        return;
    }
    add(&counts->write_batches, 1);
    add(&counts->writes_batched, (apr_uint64_t)n);
}

static apr_status_t released(void *data)
{
    (void)data;
    gauge(counts ? &counts->db_held_now : NULL, -1);
    return APR_SUCCESS;
}

void pamps_stats_db_held(pamps_req *req)
{
    if (counts) {
        add(&counts->db_held_now, 1);
        add(&counts->db_held_total, 1);
        apr_pool_cleanup_register(req->r->pool, NULL, released, apr_pool_cleanup_null);
    }
}

static int group_of(const pamps_req *req)
{
    if (req->route_result == PAMPS_ROUTE_FOUND && req->match.route->tag) {
        for (int i = 0; i < ngroups; i++) {
            if (strcmp(group_names[i], req->match.route->tag) == 0) {
                return i;
            }
        }
    }
    return ngroups;             /* unrouted: 404, 405 */
}

/* Before mod_log_config writes the line: the notes LogFormat can print. */
static int log_request(request_rec *r)
{
    pamps_req *req = ap_get_module_config(r->request_config, &pamps_module);
    group_counts *g;
    apr_interval_time_t took = apr_time_now() - r->request_time;

    if (!req) {
        return DECLINED;
    }
    if (req->route_result == PAMPS_ROUTE_FOUND) {
        apr_table_setn(r->notes, "pamps-route",
                       apr_pstrcat(r->pool, req->match.route->method, " ",
                                   req->match.route->pattern, NULL));
    }
    apr_table_setn(r->notes, "pamps-db-us",
                   apr_psprintf(r->pool, "%" APR_INT64_T_FMT, (apr_int64_t)req->db_time));
    if (!counts) {
        return DECLINED;
    }
    g = &counts->group[group_of(req)];
    add(&g->requests, 1);
    add(&g->time_us, (apr_uint64_t)took);
    if (r->status >= 500) {
        add(&g->server_errors, 1);
    }
    else if (r->status >= 400) {
        add(&g->client_errors, 1);
    }
    return DECLINED;
}

static int make_shm(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    apr_pool_t *keep = s->process->pool;
    apr_shm_t *shm = NULL;
    void *data = NULL;
    apr_status_t rv;

    (void)pconf;
    (void)plog;
    (void)ptemp;
    apr_pool_userdata_get(&data, SHM_KEY, keep);
    if (!data) {
        rv = apr_shm_create(&shm, sizeof(shared_counts), NULL, keep);
        if (rv != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_WARNING, rv, s, PAMPS_LOGNO(3)
                         "no shared memory for the status counters: /server-status"
                         " shows none");
            return OK;
        }
        data = apr_shm_baseaddr_get(shm);
        memset(data, 0, sizeof(shared_counts));
        apr_pool_userdata_set(data, SHM_KEY, apr_pool_cleanup_null, keep);
    }
    counts = data;
    return OK;
}

static void row(request_rec *r, int flags, const char *name, const group_counts *g)
{
    apr_uint64_t n = get(&g->requests);

    if (flags & AP_STATUS_SHORT) {
        ap_rprintf(r, "Pamps %s requests: %" APR_UINT64_T_FMT "\n"
                   "Pamps %s 4xx: %" APR_UINT64_T_FMT "\n"
                   "Pamps %s 5xx: %" APR_UINT64_T_FMT "\n"
                   "Pamps %s mean ms: %.1f\n",
                   name, n, name, get(&g->client_errors), name, get(&g->server_errors),
                   name, n ? get(&g->time_us) / 1000.0 / (double)n : 0.0);
        return;
    }
    ap_rprintf(r, "<tr><td>%s</td><td>%" APR_UINT64_T_FMT "</td><td>%" APR_UINT64_T_FMT
               "</td><td>%" APR_UINT64_T_FMT "</td><td>%.1f</td></tr>\n",
               ap_escape_html(r->pool, name), n, get(&g->client_errors),
               get(&g->server_errors), n ? get(&g->time_us) / 1000.0 / (double)n : 0.0);
}

static int status_section(request_rec *r, int flags)
{
    static const char *const events[PAMPS_STAT_NEVENTS] = {
        "login failures", "logins throttled", "registrations throttled"
    };
    apr_uint64_t calls;

    if (!counts) {
        return OK;
    }
    calls = get(&counts->db_calls);
    if (!(flags & AP_STATUS_SHORT)) {
        ap_rputs("<hr />\n<h2>mod_pamps</h2>\n<table border=\"1\"><tr><th>route group</th>"
                 "<th>requests</th><th>4xx</th><th>5xx</th><th>mean ms</th></tr>\n", r);
    }
    for (int i = 0; i <= ngroups; i++) {
        row(r, flags, group_names[i], &counts->group[i]);
    }
    if (!(flags & AP_STATUS_SHORT)) {
        ap_rputs("</table>\n<dl>\n", r);
    }
    ap_rprintf(r, (flags & AP_STATUS_SHORT) ? "Pamps DB calls: %" APR_UINT64_T_FMT "\n"
               "Pamps DB mean us: %.0f\nPamps DB connections held: %" APR_UINT64_T_FMT "\n"
               "Pamps DB connections awaited: %" APR_UINT64_T_FMT "\n"
               : "<dt>database calls: %" APR_UINT64_T_FMT ", mean %.0f us; connections"
               " held by requests now: %" APR_UINT64_T_FMT ", awaited by requests now: %"
               APR_UINT64_T_FMT "</dt>\n",
               calls, calls ? (double)get(&counts->db_time_us) / (double)calls : 0.0,
               get(&counts->db_held_now), get(&counts->db_awaited));
    ap_rprintf(r, (flags & AP_STATUS_SHORT) ? "Pamps SQLite write batches: %" APR_UINT64_T_FMT
               "\nPamps SQLite writes batched: %" APR_UINT64_T_FMT
               "\nPamps SQLite writes waiting: %" APR_UINT64_T_FMT "\n"
               : "<dt>SQLite write batches (group commit): %" APR_UINT64_T_FMT ", of %"
               APR_UINT64_T_FMT " writes in all; writes queued or running now: %"
               APR_UINT64_T_FMT "</dt>\n",
               get(&counts->write_batches), get(&counts->writes_batched),
               get(&counts->writes_waiting));
    for (int i = 0; i < PAMPS_STAT_NEVENTS; i++) {
        ap_rprintf(r, (flags & AP_STATUS_SHORT) ? "Pamps %s: %" APR_UINT64_T_FMT "\n"
                   : "<dt>%s: %" APR_UINT64_T_FMT "</dt>\n", events[i],
                   get(&counts->events[i]));
    }
    if (!(flags & AP_STATUS_SHORT)) {
        ap_rputs("</dl>\n", r);
    }
    return OK;
}

void pamps_stats_register_hooks(apr_pool_t *p, const pamps_route *routes, size_t n)
{
    static const char *const before_log[] = { "mod_log_config.c", NULL };

    (void)p;
    ngroups = 0;
    for (size_t i = 0; i < n; i++) {
        int known = 0;

        for (int j = 0; j < ngroups && !known; j++) {
            known = routes[i].tag && strcmp(group_names[j], routes[i].tag) == 0;
        }
        if (routes[i].tag && !known && ngroups < MAX_GROUPS) {
            group_names[ngroups++] = routes[i].tag;
        }
    }
    group_names[ngroups] = "unrouted";
    ap_hook_post_config(make_shm, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_log_transaction(log_request, NULL, before_log, APR_HOOK_FIRST);
    APR_OPTIONAL_HOOK(ap, status_hook, status_section, NULL, NULL, APR_HOOK_MIDDLE);
}
