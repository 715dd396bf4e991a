/* GET /openapi.json and GET /docs: the API described, and rendered by
 * Swagger UI (npm's swagger-ui-dist, installed by make deps or the package,
 * never committed), served from the API's own origin: no CDN, and no inline
 * script or style, so it works offline and under a strict CSP. */
#include <string.h>

#include "apr_strings.h"
#include "apr_file_io.h"
#include "http_protocol.h"
#include "http_request.h"

#include "pamps_api.h"
#include "pamps_openapi.h"
#include "pamps_request.h"

static int openapi(pamps_req *req)
{
    size_t n;
    const pamps_route *routes = pamps_request_routes(&n);

    return pamps_send_json(req, HTTP_OK,
                           pamps_openapi_document(routes, n, PAMPS_VERSION,
                                                  pamps_mount(req->r, req->dconf),
                                                  pamps_conf_page_default(req->dconf),
                                                  pamps_conf_page_max(req->dconf)));
}

/* The page loads everything from the API's own origin, so it works offline
 * and under the policy it sends: no inline script or style. */
#define DOCS_CSP "default-src 'self'; img-src 'self' data:; base-uri 'none'; " \
                 "frame-ancestors 'none'; form-action 'self'"

static int docs(pamps_req *req)
{
    request_rec *r = req->r;
    const char *base = ap_escape_html(r->pool, pamps_mount(r, req->dconf));
    const char *page = apr_psprintf(r->pool,
        "<!DOCTYPE html>\n"
        "<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<title>mod_pamps API</title>\n"
        "<link rel=\"stylesheet\" href=\"%s/docs/swagger-ui.css\">\n"
        "<link rel=\"icon\" type=\"image/png\" href=\"%s/docs/favicon-32x32.png\">\n"
        "</head><body>\n"
        "<div id=\"swagger-ui\"></div>\n"
        "<script src=\"%s/docs/swagger-ui-bundle.js\"></script>\n"
        "<script src=\"%s/docs/pamps-docs.js\"></script>\n"
        "</body></html>\n", base, base, base, base);
    apr_size_t len = strlen(page);

    apr_table_setn(r->headers_out, "Content-Security-Policy", DOCS_CSP);
    ap_set_content_type(r, "text/html; charset=utf-8");
    ap_set_content_length(r, (apr_off_t)len);
    if (!r->header_only) {
        ap_rwrite(page, (int)len, r);
    }
    return DONE;
}

/* Swagger UI's set-up: the document of this mount point, "Try it out" on,
 * Authorize with the login form (the document's OAuth2 password flow). */
static const char init_script[] =
"'use strict';\n"
"(function () {\n"
"  var base = location.pathname.replace(/\\/docs\\/?$/, '');\n"
"  if (typeof SwaggerUIBundle !== 'function') {\n"
"    document.getElementById('swagger-ui').textContent = 'Swagger UI did not load from ' +\n"
"      base + '/docs/swagger-ui-bundle.js: install it (make deps, or the package), or point' +\n"
"      ' PampsDocsDir at npm\\'s swagger-ui-dist. The API is described in ' +\n"
"      base + '/openapi.json.';\n"
"    return;\n"
"  }\n"
"  window.ui = SwaggerUIBundle({\n"
"    url: base + '/openapi.json',\n"
"    dom_id: '#swagger-ui',\n"
"    deepLinking: true,\n"
"    tryItOutEnabled: true,\n"
"    displayRequestDuration: true,\n"
"    filter: true,\n"
"    presets: [SwaggerUIBundle.presets.apis],\n"
"    plugins: [SwaggerUIBundle.plugins.DownloadUrl],\n"
"    layout: 'BaseLayout'\n"
"  });\n"
"}());\n";

/* The files of swagger-ui-dist the page loads; nothing else is served
 * from PampsDocsDir. */
static const struct {
    const char *name, *type;
} docs_files[] = {
    { "swagger-ui.css", "text/css; charset=utf-8" },
    { "swagger-ui-bundle.js", "text/javascript; charset=utf-8" },
    { "favicon-32x32.png", "image/png" },
    { "favicon-16x16.png", "image/png" },
};

static int send_init_script(request_rec *r)
{
    ap_set_content_type(r, "text/javascript; charset=utf-8");
    ap_set_content_length(r, sizeof(init_script) - 1);
    if (!r->header_only) {
        ap_rwrite(init_script, sizeof(init_script) - 1, r);
    }
    return DONE;
}

/* One file of PampsDocsDir, with Last-Modified (and 304 on a match). */
static int send_docs_file(pamps_req *req, const char *name, const char *type)
{
    request_rec *r = req->r;
    const char *path = apr_pstrcat(r->pool, pamps_conf_docs_dir(req->dconf), "/", name, NULL);
    apr_file_t *f;
    apr_finfo_t info;
    apr_size_t sent;
    apr_status_t rv;
    int rc;

    rv = apr_file_open(&f, path, APR_FOPEN_READ | APR_FOPEN_BINARY, 0, r->pool);
    if (rv == APR_SUCCESS) {
        rv = apr_file_info_get(&info, APR_FINFO_SIZE | APR_FINFO_MTIME, f);
    }
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, rv, r, PAMPS_LOGNO(801)
                      "cannot read %s: install Swagger UI (make deps, or the package)"
                      " or set PampsDocsDir", path);
        return pamps_send_error(req, HTTP_NOT_FOUND, "Not Found");
    }
    ap_update_mtime(r, info.mtime);
    ap_set_last_modified(r);
    apr_table_setn(r->headers_out, "Cache-Control", "public, max-age=3600");
    if ((rc = ap_meets_conditions(r)) == HTTP_PRECONDITION_FAILED) {
        return pamps_send_error(req, rc, "Precondition Failed");
    }
    if (rc != OK) {
        r->status = rc;             /* 304, bodiless */
        return DONE;
    }
    ap_set_content_type(r, type);
    ap_set_content_length(r, info.size);
    if (!r->header_only) {
        ap_send_fd(f, r, 0, (apr_size_t)info.size, &sent);
    }
    return DONE;
}

static int docs_file(pamps_req *req)
{
    const char *name = req->match.params[0];

    if (strcmp(name, "pamps-docs.js") == 0) {
        return send_init_script(req->r);
    }
    for (size_t i = 0; i < sizeof(docs_files) / sizeof(docs_files[0]); i++) {
        if (strcmp(name, docs_files[i].name) == 0) {
            return send_docs_file(req, name, docs_files[i].type);
        }
    }
    return pamps_send_error(req, HTTP_NOT_FOUND, "Not Found");
}

/* clang-format off */
static const pamps_route routes[] = {
    { "GET", "/openapi.json", PUBLIC | NO_DB, openapi, NULL, .tag = "docs",
      .summary = "This document",
      .description = "The OpenAPI 3.1 document of this API, made from the routes the module"
                     " serves: every operation with its parameters, bodies, the statuses"
                     " it answers and their bodies and headers. The bounds of limit are"
                     " this location's PampsPageSize.",
      .status = HTTP_OK },
    { "GET", "/docs", PUBLIC | NO_DB, docs, NULL, .tag = "docs",
      .summary = "This document as a page (Swagger UI)",
      .description = "Swagger UI, loaded from this origin under a strict"
                     " Content-Security-Policy: Authorize with the login form (the OAuth2"
                     " password flow), try any call, read the schemas.",
      .status = HTTP_OK, .response = "text/html" },
    { "GET", "/docs/{file}", PUBLIC | NO_DB, docs_file, NULL, .tag = "docs",
      .summary = "A file the docs page loads (Swagger UI's, from PampsDocsDir)",
      .status = HTTP_OK, .response = "text/css text/javascript image/png",
      .description = "Sent with Last-Modified; If-Modified-Since, If-None-Match,"
                     " If-Match and If-Unmodified-Since are evaluated as for a static"
                     " file (304, 412).",
      .errors = { HTTP_NOT_MODIFIED, HTTP_PRECONDITION_FAILED } },
};
/* clang-format on */

const pamps_route_set pamps_docs_routes = PAMPS_ROUTE_SET(routes);
