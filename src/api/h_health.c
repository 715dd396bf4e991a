/* GET /health: liveness with a real database round trip. */
#include "http_protocol.h"

#include "pamps_api.h"

/* healthy: 200; degraded (the database answers but cannot serve this
 * build: the cause in a few words) or unhealthy (no database): 503 */
static int health(pamps_req *req)
{
    int ok = pamps_db_ping(req);
    const char *mismatch = pamps_db_cannot_serve(req);
    const char *status = mismatch ? "degraded" : ok ? "healthy" : "unhealthy";

    return pamps_send_json(req, ok && !mismatch ? HTTP_OK : HTTP_SERVICE_UNAVAILABLE,
                           json_pack("{s:s, s:s, s:s, s:s}",
                                     "status", status,
                                     "version", PAMPS_VERSION,
                                     "environment", pamps_conf_environment(req->sconf),
                                     "database", mismatch ? mismatch
                                                 : ok ? "ok" : "unavailable"));
}

/* clang-format off */
static const pamps_route routes[] = {
    { "GET", "/health", PUBLIC, health, NULL, .tag = "health",
      .summary = "Service and database health",
      .description = "503 when the database cannot be reached (unhealthy) or answers"
                     " but cannot serve: its schema is older or newer than the module"
                     " or it is read-only (degraded, the cause in database).",
      .status = HTTP_OK, .response = "Health", .errors = { HTTP_SERVICE_UNAVAILABLE },
      .errors_response = "Health" },
};
/* clang-format on */

const pamps_route_set pamps_health_routes = PAMPS_ROUTE_SET(routes);
