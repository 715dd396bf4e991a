/* Paths and methods through the router, against a table shaped like the
 * API's (literals, {id}, {username}, two parameters). */
#include "fuzz_common.h"
#include "pamps_route.h"

static const pamps_route table[] = {
    { .method = "GET", .pattern = "/users/me" },
    { .method = "GET", .pattern = "/users/{username}" },
    { .method = "DELETE", .pattern = "/users/{username}" },
    { .method = "GET", .pattern = "/users/{username}/departments" },
    { .method = "PUT", .pattern = "/users/{username}/departments/{id}" },
    { .method = "GET", .pattern = "/tasks" },
    { .method = "POST", .pattern = "/tasks" },
    { .method = "GET", .pattern = "/tasks/{id}" },
    { .method = "PATCH", .pattern = "/tasks/{id}" },
    { .method = "GET", .pattern = "/posts/{id}/likes" },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const methods[] = { "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE" };
    apr_pool_t *p = fuzz_pool();
    pamps_route_match_t m;
    const char *path;

    if (size == 0) {
        apr_pool_destroy(p);
        return 0;
    }
    path = fuzz_text(p, data + 1, size - 1);
    if (pamps_route_find(table, sizeof(table) / sizeof(table[0]), methods[data[0] % 6], path,
                         &m) == PAMPS_ROUTE_FOUND
        && (!m.route || m.nparams > PAMPS_ROUTE_MAX_PARAMS)) {
        abort();
    }
    apr_pool_destroy(p);
    return 0;
}
