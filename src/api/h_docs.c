/* GET /openapi.json and GET /docs: the API described, and rendered by a
 * self-contained page (no CDN: it works offline and under a strict CSP). */
#include <string.h>

#include "apr_strings.h"
#include "http_protocol.h"

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

static const char docs_page[] =
"<!DOCTYPE html>\n"
"<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
"<title>mod_pamps API</title>\n"
"<style>\n"
"body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1d232b;background:#f6f7f9}\n"
"header{background:#1d3557;color:#fff;padding:18px 28px}header h1{margin:0;font-size:22px}\n"
"main{max-width:980px;margin:0 auto;padding:16px 28px}h2{text-transform:capitalize;"
"border-bottom:1px solid #d6dae0;padding-bottom:4px}\n"
"details{background:#fff;border:1px solid #d6dae0;border-radius:6px;margin:8px 0}\n"
"summary{cursor:pointer;padding:8px 12px;display:flex;gap:12px;align-items:center}\n"
".m{font:bold 12px monospace;color:#fff;border-radius:4px;padding:3px 0;width:64px;"
"text-align:center}.GET{background:#2a7ab0}.POST{background:#2f9e44}.PUT{background:#c77d0a}"
".PATCH{background:#8250df}.DELETE{background:#c92a2a}\n"
"code{font-family:monospace}.path{font-weight:600}.lock{margin-left:auto;color:#6b7480}\n"
".body{padding:4px 16px 12px}table{border-collapse:collapse;width:100%}"
"td,th{text-align:left;border-top:1px solid #eceef1;padding:4px 6px;vertical-align:top}\n"
"pre{background:#f1f3f5;padding:8px;border-radius:4px;overflow:auto;font-size:13px}\n"
"</style></head><body>\n"
"<header><h1>mod_pamps API</h1><div id=\"info\">loading openapi.json&hellip;</div></header>\n"
"<main id=\"ops\"></main>\n"
"<script>\n"
"'use strict';\n"
"const el = (tag, attrs, ...kids) => { const e = document.createElement(tag);\n"
"  Object.assign(e, attrs || {}); kids.forEach(k => e.append(k)); return e; };\n"
"function schemaText(s, spec, depth) {\n"
"  if (!s) return '';\n"
"  if (s.$ref) { const name = s.$ref.split('/').pop();\n"
"    return depth > 1 ? name : name + ' ' + schemaText(spec.components.schemas[name], spec, depth + 1); }\n"
"  if (s.type === 'object' && s.properties) {\n"
"    const req = s.required || [];\n"
"    return '{\\n' + Object.entries(s.properties).map(([k, v]) => '  ' + k +\n"
"      (req.includes(k) ? '' : '?') + ': ' + schemaText(v, spec, depth + 1).replace(/\\n/g, '\\n  '))\n"
"      .join(',\\n') + '\\n}'; }\n"
"  if (s.type === 'array') return '[' + schemaText(s.items, spec, depth) + ']';\n"
"  const t = [].concat(s.type || 'any').join('|');\n"
"  const extra = ['minLength','maxLength','minimum','maximum','pattern','format','enum','default']\n"
"    .filter(k => k in s).map(k => k + '=' + JSON.stringify(s[k]));\n"
"  return t + (extra.length ? ' (' + extra.join(', ') + ')' : ''); }\n"
"function render(spec) {\n"
"  document.getElementById('info').textContent = spec.info.description + ' Version ' +\n"
"    spec.info.version + ', served at ' + spec.servers[0].url + '.';\n"
"  const groups = {};\n"
"  for (const [path, item] of Object.entries(spec.paths))\n"
"    for (const [method, op] of Object.entries(item))\n"
"      (groups[op.tags[0]] = groups[op.tags[0]] || []).push([method.toUpperCase(), path, op]);\n"
"  const main = document.getElementById('ops');\n"
"  for (const [tag, list] of Object.entries(groups)) {\n"
"    main.append(el('h2', {textContent: tag}));\n"
"    for (const [method, path, op] of list) {\n"
"      const body = el('div', {className: 'body'});\n"
"      if (op.parameters) {\n"
"        const t = el('table', {}, el('tr', {}, el('th', {textContent: 'parameter'}),\n"
"          el('th', {textContent: 'in'}), el('th', {textContent: 'schema'})));\n"
"        op.parameters.forEach(p => t.append(el('tr', {}, el('td', {textContent: p.name}),\n"
"          el('td', {textContent: p.in}), el('td', {textContent: schemaText(p.schema, spec, 2)}))));\n"
"        body.append(t); }\n"
"      if (op.requestBody) { const c = op.requestBody.content;\n"
"        body.append(el('p', {textContent: 'Body (' + Object.keys(c).join(' or ') + '):'}),\n"
"          el('pre', {textContent: schemaText(Object.values(c)[0].schema, spec, 0)})); }\n"
"      for (const [code, r] of Object.entries(op.responses)) {\n"
"        const c = r.content && r.content['application/json'];\n"
"        body.append(el('p', {textContent: code + ' ' + r.description}));\n"
"        if (c && code < 300) body.append(el('pre', {textContent: schemaText(c.schema, spec, 0)})); }\n"
"      main.append(el('details', {}, el('summary', {},\n"
"        el('span', {className: 'm ' + method, textContent: method}),\n"
"        el('code', {className: 'path', textContent: path}),\n"
"        el('span', {textContent: op.summary}),\n"
"        el('span', {className: 'lock', textContent: op.security ? 'bearer token' : 'public'})), body));\n"
"    } } }\n"
"fetch(location.pathname.replace(/\\/docs\\/?$/, '/openapi.json')).then(r => r.json()).then(render).catch(e =>\n"
"  document.getElementById('info').textContent = 'Could not load openapi.json: ' + e);\n"
"</script></body></html>\n";

static int docs(pamps_req *req)
{
    request_rec *r = req->r;

    ap_set_content_type(r, "text/html; charset=utf-8");
    ap_set_content_length(r, sizeof(docs_page) - 1);
    if (!r->header_only) {
        ap_rwrite(docs_page, sizeof(docs_page) - 1, r);
    }
    return DONE;
}

/* clang-format off */
static const pamps_route routes[] = {
    { "GET", "/openapi.json", PUBLIC, openapi, NULL, .tag = "docs",
      .summary = "This document", .status = HTTP_OK },
    { "GET", "/docs", PUBLIC, docs, NULL, .tag = "docs",
      .summary = "This document as a page", .status = HTTP_OK, .response = "text/html" },
};
/* clang-format on */

const pamps_route_set pamps_docs_routes = PAMPS_ROUTE_SET(routes);
