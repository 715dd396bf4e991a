/* GET /health: liveness with a real database round trip. */
#include "http_protocol.h"

#include "pamps_api.h"

static int health(pamps_req *req)
{
    int ok = pamps_db_ping(req);

    return pamps_send_json(req, ok ? HTTP_OK : HTTP_SERVICE_UNAVAILABLE,
                           json_pack("{s:s, s:s, s:s, s:s}",
                                     "status", ok ? "healthy" : "unhealthy",
                                     "version", PAMPS_VERSION,
                                     "environment", pamps_conf_environment(req->sconf),
                                     "database", ok ? "ok" : "unavailable"));
}

/* clang-format off */
static const pamps_route routes[] = {
    { "GET", "/health", PUBLIC, health, NULL, .tag = "health",
      .summary = "Service and database health",
      .description = "503 when the database cannot be reached or cannot serve.",
      .status = HTTP_OK, .response = "Health", .errors = { HTTP_SERVICE_UNAVAILABLE } },
};
/* clang-format on */

const pamps_route_set pamps_health_routes = PAMPS_ROUTE_SET(routes);
