/* The OpenAPI 3.1 document, made from the route rows alone: paths, methods,
 * security, words, request bodies (from the very field specs the handlers
 * read by) and statuses cannot drift from what is served. The responses'
 * schemas are the views', their lengths the rules'. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pamps_openapi.h"
#include "pamps_rules.h"

#define STR(max) "{\"type\":\"string\",\"maxLength\":" PAMPS_RULE_TEXT(max) "}"
#define NSTR(max) "{\"type\":[\"string\",\"null\"],\"maxLength\":" PAMPS_RULE_TEXT(max) "}"
#define TIME "{\"type\":\"string\",\"format\":\"date-time\"}"
#define ID "{\"type\":\"integer\",\"format\":\"int64\",\"minimum\":1}"
#define REF(name) "{\"$ref\":\"#/components/schemas/" name "\"}"
#define PAGE(item) "{\"type\":\"object\",\"required\":[\"items\",\"total\",\"limit\",\"offset\"]," \
    "\"properties\":{\"items\":{\"type\":\"array\",\"items\":" REF(item) "}," \
    "\"total\":{\"type\":\"integer\"},\"limit\":{\"type\":\"integer\"},\"offset\":{\"type\":\"integer\"}}}"
#define PUBLIC_USER_PROPS "\"id\":" ID ",\"username\":" STR(PAMPS_USERNAME_MAX) \
    ",\"name\":" NSTR(PAMPS_NAME_MAX) ",\"bio\":" NSTR(PAMPS_BIO_MAX) \
    ",\"avatar\":" NSTR(PAMPS_AVATAR_MAX) ",\"created_at\":" TIME
#define COUNT_PROPS ",\"posts_count\":{\"type\":\"integer\"},\"followers_count\":{\"type\":\"integer\"}," \
    "\"following_count\":{\"type\":\"integer\"}"
#define OWN_PROPS ",\"email\":" STR(PAMPS_EMAIL_MAX) ""   /* role: from its rule */

static const char view_schema_text[] = "{"
    "\"Error\":{\"type\":\"object\",\"properties\":{\"detail\":{\"type\":\"string\"}}},"
    "\"ValidationError\":{\"type\":\"object\",\"properties\":{\"detail\":{\"type\":\"array\","
        "\"items\":{\"type\":\"object\",\"properties\":{\"loc\":{\"type\":\"array\",\"items\":"
        "{\"type\":\"string\"}},\"msg\":{\"type\":\"string\"},\"type\":{\"type\":\"string\"}}}}}},"
    "\"Health\":{\"type\":\"object\",\"properties\":{\"status\":{\"type\":\"string\"},"
        "\"version\":{\"type\":\"string\"},\"environment\":{\"type\":\"string\"},"
        "\"database\":{\"type\":\"string\"}}},"
    "\"PublicUser\":{\"type\":\"object\",\"properties\":{" PUBLIC_USER_PROPS "}},"
    "\"Profile\":{\"type\":\"object\",\"properties\":{" PUBLIC_USER_PROPS COUNT_PROPS "}},"
    "\"OwnUser\":{\"type\":\"object\",\"properties\":{" PUBLIC_USER_PROPS COUNT_PROPS OWN_PROPS "}},"
    "\"UserPage\":" PAGE("PublicUser") ","
    "\"TokenPair\":{\"type\":\"object\",\"properties\":{\"access_token\":{\"type\":\"string\"},"
        "\"refresh_token\":{\"type\":\"string\"},\"token_type\":{\"type\":\"string\",\"enum\":[\"bearer\"]},"
        "\"expires_in\":{\"type\":\"integer\"}}},"
    "\"Post\":{\"type\":\"object\",\"properties\":{\"id\":" ID ",\"text\":" STR(PAMPS_POST_TEXT_MAX)
        ",\"author\":" REF("PublicUser") ",\"parent_id\":{\"type\":[\"integer\",\"null\"]},"
        "\"created_at\":" TIME ",\"updated_at\":" TIME ",\"likes_count\":{\"type\":\"integer\"},"
        "\"replies_count\":{\"type\":\"integer\"},\"liked_by_me\":{\"type\":\"boolean\"}}},"
    "\"Feed\":{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\",\"items\":" REF("Post") "},"
        "\"limit\":{\"type\":\"integer\"},\"next_before\":{\"type\":[\"integer\",\"null\"]}}},"
    "\"Task\":{\"type\":\"object\",\"properties\":{\"id\":" ID ",\"title\":" STR(PAMPS_TASK_TITLE_MAX)
        ",\"description\":" STR(PAMPS_TASK_DESCRIPTION_MAX) ",\"done\":{\"type\":\"boolean\"},\"created_at\":" TIME
        ",\"updated_at\":" TIME "}},"
    "\"TaskPage\":" PAGE("Task") ","
    "\"Org\":{\"type\":\"object\",\"properties\":{\"id\":" ID ",\"name\":" STR(PAMPS_ORG_NAME_MAX)
        ",\"description\":" NSTR(PAMPS_ORG_DESCRIPTION_MAX) ",\"created_at\":" TIME "}},"
    "\"OrgPage\":" PAGE("Org")
    "}";

/* ["a", "b", ...] from a NULL-ended list */
static json_t *string_array(const char *const *values)
{
    json_t *a = json_array();

    for (size_t i = 0; values[i]; i++) {
        json_array_append_new(a, json_string(values[i]));
    }
    return a;
}

/* The query parameters routes name; limit's bounds are the page size of
 * the request's <Location> (PampsPageSize). */
static json_t *query_params(int page_default, int page_max)
{
    return json_pack("{s:{s:s, s:s, s:{s:s, s:i, s:i, s:i}},"
                     " s:{s:s, s:s, s:{s:s, s:i, s:i}},"
                     " s:{s:s, s:s, s:s, s:{s:s, s:i}},"
                     " s:{s:s, s:s, s:s, s:{s:s}},"
                     " s:{s:s, s:s, s:{s:s}},"
                     " s:{s:s, s:s, s:{s:s, s:s, s:o}}}",
                     "limit", "name", "limit", "in", "query", "schema", "type", "integer",
                     "minimum", 1, "maximum", page_max, "default", page_default,
                     "offset", "name", "offset", "in", "query", "schema", "type", "integer",
                     "minimum", 0, "default", 0,
                     "before", "name", "before", "in", "query", "description",
                     "only posts with a smaller id", "schema", "type", "integer", "minimum", 1,
                     "q", "name", "q", "in", "query", "description",
                     "case-insensitive substring", "schema", "type", "string",
                     "done", "name", "done", "in", "query", "schema", "type", "boolean",
                     "sort", "name", "sort", "in", "query", "schema", "type", "string",
                     "default", pamps_task_sorts[PAMPS_TASK_SORT_DEFAULT],
                     "enum", string_array(pamps_task_sorts));
}

static json_t *ref(const char *schema)
{
    char buf[128];

    snprintf(buf, sizeof(buf), "#/components/schemas/%s", schema);
    return json_pack("{s:s}", "$ref", buf);
}

static json_t *json_body(const char *schema)
{
    return json_pack("{s:{s:o}}", "application/json", "schema", ref(schema));
}

/* One field of a body, as the reader checks it. */
static json_t *field_schema(const pamps_field_spec *f)
{
    static const char *const types[] = { "string", "boolean", "integer" };
    const pamps_string_rule *rule = f->rule;
    json_t *s = json_object();

    json_object_set_new(s, "type", (f->flags & PAMPS_F_NULLABLE)
                        ? json_pack("[ss]", types[f->type], "null") : json_string(types[f->type]));
    if (f->type == PAMPS_FIELD_ID) {
        json_object_set_new(s, "format", json_string("int64"));
        json_object_set_new(s, "minimum", json_integer(1));
    }
    if (f->min_len) {
        json_object_set_new(s, "minLength", json_integer((json_int_t)f->min_len));
    }
    if (f->max_len) {
        json_object_set_new(s, "maxLength", json_integer((json_int_t)f->max_len));
    }
    if (rule && rule->pattern) {
        json_object_set_new(s, "pattern", json_string(rule->pattern));
    }
    if (rule && rule->format) {
        json_object_set_new(s, "format", json_string(rule->format));
    }
    if (rule && rule->values) {
        json_object_set_new(s, "enum", string_array(rule->values));
    }
    return s;
}

static json_t *body_schema(const pamps_body *body)
{
    json_t *props = json_object(), *required = json_array();

    for (size_t i = 0; i < body->nfields; i++) {
        json_object_set_new(props, body->fields[i].name, field_schema(&body->fields[i]));
        if (body->fields[i].flags & PAMPS_F_REQUIRED) {
            json_array_append_new(required, json_string(body->fields[i].name));
        }
    }
    if (!json_array_size(required)) {
        json_decref(required);
        return json_pack("{s:s, s:o}", "type", "object", "properties", props);
    }
    return json_pack("{s:s, s:o, s:o}", "type", "object", "required", required,
                     "properties", props);
}

static json_t *header_param(const char *name, const char *description)
{
    return json_pack("{s:s, s:s, s:s, s:{s:s}}", "name", name, "in", "header",
                     "description", description, "schema", "type", "string");
}

static int is_tagged(const pamps_route *route);

static void add_parameters(json_t *op, const pamps_route *route, json_t *qparams)
{
    json_t *params = json_array();
    char *copy, *word, *state = NULL;

    /* path parameters, in the order of the pattern */
    for (const char *s = strchr(route->pattern, '{'); s; s = strchr(s + 1, '{')) {
        int is_id = strncmp(s, "{id}", 4) == 0;
        const char *end = strchr(s, '}');
        json_array_append_new(params, json_pack("{s:s%, s:s, s:b, s:o}", "name", s + 1,
                                                (int)(end - s - 1), "in", "path",
                                                "required", 1, "schema", is_id
                                                ? json_pack("{s:s, s:s, s:i}", "type", "integer",
                                                            "format", "int64", "minimum", 1)
                                                : json_pack("{s:s}", "type", "string")));
    }
    if (is_tagged(route)) {
        json_array_append_new(params, header_param("If-None-Match",
                                                   "a tag of this resource: 304 while it holds"));
    }
    if (route->flags & PAMPS_ROUTE_IF_MATCH) {
        json_array_append_new(params, header_param("If-Match",
                                                   "the resource's ETag (or *): 412 once it"
                                                   " changed"));
    }
    if (route->flags & PAMPS_ROUTE_IDEMPOTENT) {
        json_array_append_new(params, json_pack("{s:s, s:s, s:s, s:{s:s, s:i, s:i, s:s}}",
                                                "name", "Idempotency-Key", "in", "header",
                                                "description", "a retry with the same key and"
                                                " body gets the first response again (24 h)",
                                                "schema", "type", "string", "minLength", 1,
                                                "maxLength", 255, "pattern", "^[ -~]+$"));
    }
    if (route->query) {
        copy = strdup(route->query);
        for (word = strtok_r(copy, " ", &state); word; word = strtok_r(NULL, " ", &state)) {
            json_array_append(params, json_object_get(qparams, word));
        }
        free(copy);
    }
    if (json_array_size(params)) {
        json_object_set(op, "parameters", params);
    }
    json_decref(params);
}

static void add_request_body(json_t *op, const pamps_route *route)
{
    json_t *content;

    if (!(route->flags & PAMPS_ROUTE_JSON_BODY) || !route->body) {
        return;
    }
    content = json_body(route->body->name);
    if (route->flags & PAMPS_ROUTE_FORM_BODY) {
        json_object_set_new(content, "application/x-www-form-urlencoded",
                            json_pack("{s:o}", "schema", ref(route->body->name)));
    }
    json_object_set_new(op, "requestBody", json_pack("{s:b, s:o}", "required", 1,
                                                     "content", content));
}

static const char *error_words(int status)
{
    switch (status) {
    case 400: return "Body is not a JSON object";
    case 401: return "Not authenticated";
    case 403: return "Forbidden";
    case 404: return "Not found";
    case 409: return "Conflict with existing data";
    case 413: return "Body too large";
    case 415: return "Unsupported media type";
    case 422: return "Validation error";
    case 412: return "Precondition Failed: If-Match names another version";
    case 429: return "Too many attempts";
    case 503: return "Database unavailable";
    }
    return "Error";
}

static void add_error(json_t *responses, int status, const char *words)
{
    char key[8];

    snprintf(key, sizeof(key), "%d", status);
    json_object_set_new(responses, key, json_pack("{s:s, s:o}", "description",
                                                  words ? words : error_words(status),
                                                  "content", json_body(status == 422
                                                      ? "ValidationError" : "Error")));
}

/* A JSON 200 to GET carries an ETag (pamps_http.c). */
static int is_tagged(const pamps_route *route)
{
    return strcmp(route->method, "GET") == 0 && route->status == 200
           && (!route->response || !strchr(route->response, '/'));
}

static json_t *success(const pamps_route *route)
{
    if (is_tagged(route)) {
        json_t *ok = json_pack("{s:s, s:{s:{s:s, s:{s:s}}}}", "description", "Success",
                               "headers", "ETag", "description",
                               "Strong tag of this representation", "schema", "type", "string");

        json_object_set_new(ok, "content", route->response ? json_body(route->response)
                                                           : json_pack("{s:{s:{}}}",
                                                                       "application/json",
                                                                       "schema"));
        return ok;
    }
    if (!route->response) {
        return json_pack("{s:s}", "description",
                         route->status == 204 ? "No Content" : "Success");
    }
    if (strchr(route->response, '/')) {         /* a media type, no schema */
        return json_pack("{s:s, s:{s:{}}}", "description", "Success",
                         "content", route->response);
    }
    return json_pack("{s:s, s:o}", "description", "Success",
                     "content", json_body(route->response));
}

static json_t *responses(const pamps_route *route)
{
    json_t *responses = json_object();
    char key[8];

    snprintf(key, sizeof(key), "%d", route->status);
    json_object_set_new(responses, key, success(route));
    if (!(route->flags & PAMPS_ROUTE_PUBLIC)) {
        add_error(responses, 401, NULL);
    }
    if (route->flags & PAMPS_ROUTE_ADMIN) {
        add_error(responses, 403, "Admin only");
    }
    if (strchr(route->pattern, '{')) {
        add_error(responses, 404, NULL);
    }
    if (route->flags & PAMPS_ROUTE_JSON_BODY) {
        add_error(responses, 413, NULL);
        add_error(responses, 415, NULL);
    }
    if ((route->flags & PAMPS_ROUTE_JSON_BODY) || route->query) {
        add_error(responses, 422, NULL);
    }
    /* every operation: too many query parameters, the database away */
    add_error(responses, 400, "Too many query parameters, or a body that is not a JSON object");
    add_error(responses, 503, NULL);
    if (route->flags & PAMPS_ROUTE_IF_MATCH) {
        add_error(responses, 412, NULL);
    }
    if (route->flags & PAMPS_ROUTE_IDEMPOTENT) {
        add_error(responses, 409, NULL);
        add_error(responses, 422, NULL);
    }
    if (is_tagged(route)) {
        json_object_set_new(responses, "304", json_pack("{s:s}", "description",
                                                        "Not Modified (If-None-Match)"));
    }
    for (int i = 0; i < PAMPS_ROUTE_MAX_ERRORS && route->errors[i]; i++) {
        snprintf(key, sizeof(key), "%d", route->errors[i]);
        if (!json_object_get(responses, key)) {
            add_error(responses, route->errors[i], NULL);
        }
    }
    return responses;
}

/* The row's operationId, or one made of its method and path:
 * "GET /tasks/{id}" -> "getTasksById", a name generated clients can use. */
static json_t *operation_id(const pamps_route *route)
{
    char buf[160];
    size_t n = 0;
    int upper = 0;

    if (route->operation_id) {
        return json_string(route->operation_id);
    }
    for (const char *m = route->method; *m && n < 8; m++) {
        buf[n++] = (char)(*m - 'A' + 'a');
    }
    for (const char *s = route->pattern; *s && n < sizeof(buf) - 4; s++) {
        if (*s == '/' || *s == '}') {
            upper = 1;
        }
        else if (*s == '{') {
            buf[n++] = 'B';
            buf[n++] = 'y';
            upper = 1;
        }
        else if (*s == '_' || *s == '.' || *s == '-') {
            upper = 1;
        }
        else {
            buf[n++] = (char)(upper && *s >= 'a' && *s <= 'z' ? *s - 'a' + 'A' : *s);
            upper = 0;
        }
    }
    buf[n] = '\0';
    return json_string(buf);
}

static json_t *operation(const pamps_route *route, json_t *qparams)
{
    json_t *op = json_pack("{s:[s], s:s, s:o}", "tags", route->tag, "summary", route->summary,
                           "operationId", operation_id(route));

    if (route->description) {
        json_object_set_new(op, "description", json_string(route->description));
    }
    add_parameters(op, route, qparams);
    add_request_body(op, route);
    json_object_set_new(op, "responses", responses(route));
    if (!(route->flags & PAMPS_ROUTE_PUBLIC)) {
        /* either scheme: the docs page authorizes through the login form */
        json_object_set_new(op, "security", json_pack("[{s:[]}, {s:[]}]", "bearerAuth",
                                                      "OAuth2PasswordBearer"));
    }
    return op;
}

/* Every property of an object schema (and of those nested in it) is
 * required: the views write each key always, null when there is no value. */
static void require_all(json_t *schema)
{
    json_t *props = json_object_get(schema, "properties"), *required, *value;
    const char *key;

    if (json_object_get(schema, "items")) {
        require_all(json_object_get(schema, "items"));
    }
    if (!props) {
        return;
    }
    required = json_array();
    json_object_foreach(props, key, value) {
        json_array_append_new(required, json_string(key));
        require_all(value);
    }
    json_object_set_new(schema, "required", required);
}

/* The views' schemas, with the role's values from its rule. */
static json_t *view_schemas(void)
{
    static const pamps_field_spec role = PAMPS_SPEC_ROLE(0);
    json_t *schemas = json_loads(view_schema_text, 0, NULL), *schema;
    const char *name;

    json_object_set_new(json_object_get(json_object_get(schemas, "OwnUser"), "properties"),
                        "role", field_schema(&role));
    json_object_foreach(schemas, name, schema) {
        require_all(schema);
    }
    return schemas;
}

json_t *pamps_openapi_document(const pamps_route *routes, size_t n, const char *version,
                               const char *server_url, int page_default, int page_max)
{
    json_t *paths = json_object(), *schemas = view_schemas();
    json_t *qparams = query_params(page_default, page_max);

    for (size_t i = 0; i < n; i++) {
        const pamps_route *route = &routes[i];
        json_t *item = json_object_get(paths, route->pattern);
        char method[8];
        size_t j;

        if (!item) {
            item = json_object();
            json_object_set_new(paths, route->pattern, item);
        }
        for (j = 0; j < sizeof(method) - 1 && route->method[j]; j++) {
            method[j] = (char)(route->method[j] - 'A' + 'a');
        }
        method[j] = '\0';
        json_object_set_new(item, method, operation(route, qparams));
        if (route->body) {
            json_object_set_new(schemas, route->body->name, body_schema(route->body));
        }
    }
    json_decref(qparams);
    return json_pack("{s:s, s:{s:s, s:s, s:s}, s:[{s:s}], s:o, s:{s:o, s:{s:{s:s, s:s, s:s},"
                     " s:{s:s, s:{s:{s:s+, s:{}}}}}}}",
                     "openapi", "3.1.0",
                     "info", "title", "mod_pamps API", "version", version,
                     "description", "Accounts, microblog, tasks and organization, served by Apache httpd.",
                     "servers", "url", server_url,
                     "paths", paths,
                     "components", "schemas", schemas,
                     "securitySchemes", "bearerAuth", "type", "http", "scheme", "bearer",
                     "bearerFormat", "JWT",
                     "OAuth2PasswordBearer", "type", "oauth2", "flows", "password",
                     "tokenUrl", server_url, "/auth/login", "scopes");
}
