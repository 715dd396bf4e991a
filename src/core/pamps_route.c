/* Path and method matching for the routing table. */
#include <stdio.h>
#include <string.h>

#include "pamps_route.h"
#include "pamps_validate.h"

#define MAX_SEGMENTS 8

/* Splits a path into segments in place; returns the count or -1. */
static int split(char *path, char *seg[MAX_SEGMENTS])
{
    int n = 0;
    char *s = path;

    while (*s == '/') {
        s++;
    }
    while (*s) {
        char *slash = strchr(s, '/');

        if (n == MAX_SEGMENTS) {
            return -1;
        }
        seg[n++] = s;
        if (!slash) {
            break;
        }
        *slash = '\0';
        s = slash + 1;
        if (*s == '/') {        /* "//" inside a path: no route has an empty segment */
            return -1;
        }
    }
    return n;
}

/* Returns a score > 0 when the pattern matches (more literal segments, and
 * earlier ones, score higher), 0 otherwise; captures parameters into m. */
static unsigned match_pattern(const char *pattern, char *seg[], int nseg,
                              pamps_route_match_t *m)
{
    char buf[256], *pseg[MAX_SEGMENTS];
    int np;
    unsigned score = 1;

    if (strlen(pattern) >= sizeof(buf)) {
        return 0;
    }
    strcpy(buf, pattern);
    np = split(buf, pseg);
    if (np != nseg) {
        return 0;
    }
    m->nparams = 0;
    for (int i = 0; i < np; i++) {
        score <<= 1;
        if (pseg[i][0] != '{') {
            if (strcmp(pseg[i], seg[i]) != 0) {
                return 0;
            }
            score |= 1;
            continue;
        }
        if (strcmp(pseg[i], "{id}") == 0) {
            long long id;

            if (pamps_parse_id(seg[i], &id)) {
                return 0;
            }
        }
        if (m->nparams == PAMPS_ROUTE_MAX_PARAMS
            || strlen(seg[i]) >= sizeof(m->params[0])) {
            return 0;
        }
        strcpy(m->params[m->nparams++], seg[i]);
    }
    return score;
}

/* "GET, HEAD" + ", POST" */
static void add_allowed(char *allow, size_t size, const char *method)
{
    if (allow[0]) {
        strncat(allow, ", ", size - strlen(allow) - 1);
    }
    strncat(allow, method, size - strlen(allow) - 1);
}

pamps_route_result pamps_route_find(const pamps_route *table, size_t n,
                                    const char *method, const char *path,
                                    pamps_route_match_t *m)
{
    char buf[PAMPS_ROUTE_MAX_PATH], *seg[MAX_SEGMENTS];
    const char *best_pattern = NULL;
    unsigned best = 0;
    int nseg;

    memset(m, 0, sizeof(*m));
    if (strlen(path) >= sizeof(buf)) {
        return PAMPS_ROUTE_NOT_FOUND;
    }
    strcpy(buf, path);
    nseg = split(buf, seg);
    if (nseg < 0) {
        return PAMPS_ROUTE_NOT_FOUND;
    }
    if (strcmp(method, "HEAD") == 0) {
        method = "GET";
    }

    /* first pass: the most specific pattern that matches the path */
    for (size_t i = 0; i < n; i++) {
        pamps_route_match_t tmp;
        unsigned score = match_pattern(table[i].pattern, seg, nseg, &tmp);

        if (score > best) {
            best = score;
            best_pattern = table[i].pattern;
        }
    }
    if (!best_pattern) {
        return PAMPS_ROUTE_NOT_FOUND;
    }

    /* second pass: the method among the routes of that pattern; the
     * methods of the path are listed for 405 and OPTIONS */
    for (size_t i = 0; i < n; i++) {
        if (strcmp(table[i].pattern, best_pattern) != 0) {
            continue;
        }
        if (strcmp(table[i].method, method) == 0) {
            match_pattern(table[i].pattern, seg, nseg, m);
            m->route = &table[i];
            return PAMPS_ROUTE_FOUND;
        }
        add_allowed(m->allow, sizeof(m->allow), table[i].method);
        if (strcmp(table[i].method, "GET") == 0) {
            add_allowed(m->allow, sizeof(m->allow), "HEAD");
        }
    }
    add_allowed(m->allow, sizeof(m->allow), "OPTIONS");
    return strcmp(method, "OPTIONS") == 0 ? PAMPS_ROUTE_OPTIONS : PAMPS_ROUTE_BAD_METHOD;
}

/* A JSON body on success: 200 with no media type named */
static int json_200(const pamps_route *route)
{
    return route->status == 200 && (!route->response || !strchr(route->response, '/'));
}

/* The row of method on the route's own pattern, or NULL. */
static const pamps_route *sibling(const pamps_route *table, size_t n,
                                  const pamps_route *route, const char *method)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(table[i].pattern, route->pattern) == 0
            && strcmp(table[i].method, method) == 0) {
            return &table[i];
        }
    }
    return NULL;
}

static int tagged_get(const pamps_route *route)
{
    return json_200(route) && strcmp(route->method, "GET") == 0;
}

int pamps_route_etag(const pamps_route *table, size_t n, const pamps_route *route)
{
    const pamps_route *get;

    if (!json_200(route)) {
        return 0;
    }
    if (tagged_get(route)) {
        return 1;
    }
    get = strcmp(route->method, "PATCH") == 0 ? sibling(table, n, route, "GET") : NULL;
    return get && json_200(get) && route->response && get->response
           && strcmp(route->response, get->response) == 0;
}

void pamps_route_derive(pamps_route *table, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (pamps_route_etag(table, n, &table[i])) {
            table[i].flags |= PAMPS_ROUTE_ETAG;
        }
    }
}

/* Adds status to the ascending set out[0..*n) */
static void add_status(int out[PAMPS_ROUTE_MAX_STATUSES], size_t *n, int status)
{
    size_t i = 0;

    while (i < *n && out[i] < status) {
        i++;
    }
    if ((i < *n && out[i] == status) || *n == PAMPS_ROUTE_MAX_STATUSES) {
        return;
    }
    memmove(out + i + 1, out + i, (*n - i) * sizeof(*out));
    out[i] = status;
    (*n)++;
}

size_t pamps_route_statuses(const pamps_route *route, int out[PAMPS_ROUTE_MAX_STATUSES])
{
    unsigned flags = route->flags;
    int body = (flags & (PAMPS_ROUTE_JSON_BODY | PAMPS_ROUTE_FORM_BODY)) != 0;
    size_t n = 0;

    add_status(out, &n, route->status);
    add_status(out, &n, 400);
    if (tagged_get(route)) {
        add_status(out, &n, 304);
    }
    if (!(flags & PAMPS_ROUTE_PUBLIC)) {
        add_status(out, &n, 401);
    }
    if (flags & PAMPS_ROUTE_ADMIN) {
        add_status(out, &n, 403);
    }
    if (strchr(route->pattern, '{')) {
        add_status(out, &n, 404);
    }
    if (flags & PAMPS_ROUTE_IDEMPOTENT) {
        add_status(out, &n, 409);
        add_status(out, &n, 422);
    }
    if (flags & PAMPS_ROUTE_IF_MATCH) {
        add_status(out, &n, 412);
    }
    if (body) {
        add_status(out, &n, 408);
        add_status(out, &n, 413);
        add_status(out, &n, 415);
    }
    if (body || route->query) {
        add_status(out, &n, 422);
    }
    if (!(flags & PAMPS_ROUTE_NO_DB)) {
        add_status(out, &n, 503);
    }
    for (int i = 0; i < PAMPS_ROUTE_MAX_ERRORS && route->errors[i]; i++) {
        add_status(out, &n, route->errors[i]);
    }
    return n;
}
