/* GET /health: liveness with a real database round trip. */
#include "http_protocol.h"

#include "pamps_api.h"

int pamps_h_health(pamps_req *req)
{
    int ok = pamps_db_ping(req);

    return pamps_send_json(req, ok ? HTTP_OK : HTTP_SERVICE_UNAVAILABLE,
                           json_pack("{s:s, s:s, s:s, s:s}",
                                     "status", ok ? "healthy" : "unhealthy",
                                     "version", PAMPS_VERSION,
                                     "environment", pamps_conf_environment(req->sconf),
                                     "database", ok ? "ok" : "unavailable"));
}
