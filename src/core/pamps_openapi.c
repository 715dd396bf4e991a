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

/* What a schema, or a property of one, means to a client: the views' and
 * the bodies' alike (schema NULL: that property in any schema; property
 * NULL: the schema itself). */
static const struct {
    const char *schema, *property, *text;
} words[] = {
    /* clang-format off */
    { "Error", NULL, "An error: detail says what went wrong" },
    { "ValidationError", NULL, "One entry per bad field: loc names it (\"body\", \"query\""
      " or \"header\", then the field), msg says why, type classifies it" },
    { "Health", "status", "healthy; degraded when the database answers but cannot serve;"
      " unhealthy when it cannot be reached" },
    { "Health", "database", "ok, unavailable, or why it cannot serve (read-only, schema"
      " older or newer than the module)" },
    { "Health", "environment", "PampsEnvironment" },
    { "PublicUser", NULL, "A user as anyone sees them" },
    { "Profile", NULL, "A user as anyone sees them, with counts" },
    { "OwnUser", NULL, "Your own account: the profile, your email and role" },
    { NULL, "posts_count", "Posts and replies by the user" },
    { NULL, "followers_count", "Users who follow the user" },
    { NULL, "following_count", "Users the user follows" },
    { NULL, "created_at", "RFC 3339, UTC, whole seconds" },
    { NULL, "updated_at", "RFC 3339, UTC, whole seconds: the last change" },
    { NULL, "avatar", "An http:// or https:// URL, or null" },
    { NULL, "bio", "Up to 280 characters, or null" },
    { "OwnUser", "role", "user or admin" },
    { "TokenPair", NULL, "A login: send access_token as \"Authorization: Bearer ...\";"
      " trade refresh_token at /auth/refresh for a new pair before the access token"
      " expires" },
    { "TokenPair", "expires_in", "Seconds the access token is valid" },
    { "Post", NULL, "A post or a reply, as the caller sees it" },
    { "Post", "parent_id", "The post this replies to; null for a top-level post, or once"
      " that post was deleted" },
    { "Post", "likes_count", "Users who like it" },
    { "Post", "replies_count", "Direct replies to it" },
    { "Post", "liked_by_me", "Whether the caller likes it" },
    { "Feed", NULL, "A page of posts, newest first" },
    { "Feed", "next_before", "Pass as before for the next page; null on the last one" },
    { "Task", NULL, "A task of the caller's (no one else sees it)" },
    { "Org", NULL, "A department or a position" },
    { NULL, "total", "Items in the whole list (a search's: those it finds)" },
    { NULL, "offset", "Items skipped before this page" },
    { "Login", NULL, "JSON, or the same fields as an OAuth2 password form" },
    { "Login", "username", "Username or email" },
    { "RefreshToken", "refresh_token", "The refresh token of the login" },
    { "PasswordChange", "current_password", "A wrong one counts as a failed login" },
    { "PostCreate", "parent_id", "The post this replies to; absent or null for a top-level"
      " post" },
    { "PostCreate", "text", "1 to 280 characters (code points) once trimmed" },
    { "PostUpdate", "text", "1 to 280 characters (code points) once trimmed" },
    { NULL, "title", "1 to 200 characters once trimmed" },
    { "TaskReplace", "description", "Absent: \"\"" },
    { "RoleChange", "role", "Effective from the user's next request" },
    /* clang-format on */
};

/* Sets the words of the schema name and of its properties. */
static void describe(const char *name, json_t *schema)
{
    json_t *props = json_object_get(schema, "properties"), *prop;
    const char *key;

    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        if (words[i].schema && strcmp(words[i].schema, name) != 0) {
            continue;
        }
        if (!words[i].property) {
            json_object_set_new(schema, "description", json_string(words[i].text));
            continue;
        }
        json_object_foreach(props, key, prop) {
            if (strcmp(key, words[i].property) == 0 && !json_object_get(prop, "$ref")) {
                json_object_set_new(prop, "description", json_string(words[i].text));
            }
        }
    }
}

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
    return json_pack("{s:{s:s, s:s, s:s, s:{s:s, s:i, s:i, s:i}},"
                     " s:{s:s, s:s, s:s, s:{s:s, s:i, s:i}},"
                     " s:{s:s, s:s, s:s, s:{s:s, s:i}},"
                     " s:{s:s, s:s, s:s, s:{s:s}},"
                     " s:{s:s, s:s, s:s, s:{s:s}},"
                     " s:{s:s, s:s, s:s, s:{s:s, s:s, s:o}}}",
                     "limit", "name", "limit", "in", "query", "description",
                     "items per page", "schema", "type", "integer",
                     "minimum", 1, "maximum", page_max, "default", page_default,
                     "offset", "name", "offset", "in", "query", "description",
                     "items to skip", "schema", "type", "integer", "minimum", 0, "default", 0,
                     "before", "name", "before", "in", "query", "description",
                     "only posts with a smaller id: the next_before of the page before",
                     "schema", "type", "integer", "minimum", 1,
                     "q", "name", "q", "in", "query", "description",
                     "case-insensitive substring", "schema", "type", "string",
                     "done", "name", "done", "in", "query", "description",
                     "only the tasks done (true) or not (false)", "schema", "type", "boolean",
                     "sort", "name", "sort", "in", "query", "description",
                     "the field to order by; a leading - for descending",
                     "schema", "type", "string",
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

static int is_get(const pamps_route *route);

static void add_parameters(json_t *op, const pamps_route *table, size_t n,
                           const pamps_route *route, json_t *qparams)
{
    json_t *params = json_array();
    char *copy, *word, *state = NULL;

    /* path parameters, in the order of the pattern */
    for (const char *s = strchr(route->pattern, '{'); s; s = strchr(s + 1, '{')) {
        int is_id = strncmp(s, "{id}", 4) == 0;
        const char *end = strchr(s, '}');
        json_array_append_new(params, json_pack("{s:s%, s:s, s:b, s:s, s:o}", "name", s + 1,
                                                (int)(end - s - 1), "in", "path",
                                                "required", 1, "description", is_id
                                                ? "an id; anything else is 404"
                                                : strncmp(s, "{username}", 10) == 0
                                                ? "compared case-insensitively"
                                                : "a file name", "schema", is_id
                                                ? json_pack("{s:s, s:s, s:i}", "type", "integer",
                                                            "format", "int64", "minimum", 1)
                                                : json_pack("{s:s}", "type", "string")));
    }
    if (is_get(route) && pamps_route_etag(table, n, route)) {
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

static json_t *header(const char *type, const char *description, int required)
{
    json_t *h = json_pack("{s:s, s:{s:s}}", "description", description, "schema", "type", type);

    if (required) {
        json_object_set_new(h, "required", json_true());
    }
    return h;
}

static int is_get(const pamps_route *route)
{
    return strcmp(route->method, "GET") == 0;
}

/* What the status means for this operation: the dispatcher's reasons, or
 * the handler's (its description says more). */
static const char *status_words(const pamps_route *table, size_t n, const pamps_route *route,
                                int status)
{
    unsigned flags = route->flags;
    int body = (flags & (PAMPS_ROUTE_JSON_BODY | PAMPS_ROUTE_FORM_BODY)) != 0;

    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 304:
        return is_get(route) && pamps_route_etag(table, n, route)
            ? "Not Modified: If-None-Match names the current ETag (or *)"
            : "Not Modified: If-Modified-Since is not older than Last-Modified";
    case 400:
        return body ? "Bad Request: the body is not JSON, not an object or could not be read,"
                      " or the query has over 100 parameters"
                    : "Bad Request: the query has over 100 parameters";
    case 401:
        return (flags & PAMPS_ROUTE_PUBLIC)
            ? "Unauthorized: see the description"
            : "Unauthorized: no bearer token, or one that is malformed, expired, revoked"
              " or not an access token";
    case 403: return (flags & PAMPS_ROUTE_ADMIN) ? "Forbidden: admin only"
                                                 : "Forbidden: see the description";
    case 404: return "Not Found: no such resource (or not yours)";
    case 409:
        return !(flags & PAMPS_ROUTE_IDEMPOTENT)
            ? "Conflict: the name or email is taken"
            : route->errors[0] == 409 || route->errors[1] == 409
            ? "Conflict: the name or email is taken, or the first request with this"
              " Idempotency-Key is still running"
            : "Conflict: the first request with this Idempotency-Key is still running";
    case 408: return "Request Timeout: the body came too slowly (RequestReadTimeout)";
    case 412:
        return (flags & PAMPS_ROUTE_IF_MATCH)
            ? "Precondition Failed: If-Match names another version; nothing changed"
            : "Precondition Failed: If-Match or If-Unmodified-Since does not hold";
    case 413: return "Payload Too Large: the body is over PampsMaxBodySize";
    case 415:
        return (flags & PAMPS_ROUTE_FORM_BODY)
            ? "Unsupported Media Type: send application/json or"
              " application/x-www-form-urlencoded"
            : "Unsupported Media Type: send application/json";
    case 422: return "Validation Error: one entry per bad field (body, query or header)";
    case 429: return "Too Many Requests: try again after Retry-After seconds";
    case 503:
        return "Service Unavailable: the database cannot be reached, or the transaction"
               " lost to a concurrent one (Retry-After: 1)";
    }
    return "Error";
}

/* {"text/css": {}, ...} from "text/css image/png" */
static json_t *media_types(const char *list)
{
    json_t *content = json_object();
    char *copy = strdup(list), *word, *state = NULL;

    for (word = strtok_r(copy, " ", &state); word; word = strtok_r(NULL, " ", &state)) {
        json_object_set_new(content, word, json_object());
    }
    free(copy);
    return content;
}

static void set_headers(json_t *response, json_t *headers)
{
    if (json_object_size(headers)) {
        json_object_set(response, "headers", headers);
    }
    json_decref(headers);
}

static json_t *success(const pamps_route *table, size_t n, const pamps_route *route)
{
    json_t *ok = json_pack("{s:s}", "description",
                           status_words(table, n, route, route->status));
    json_t *headers = json_object();

    if (route->response && strchr(route->response, '/')) {
        json_object_set_new(ok, "content", media_types(route->response));
    }
    else if (route->response) {
        json_object_set_new(ok, "content", json_body(route->response));
    }
    else if (route->status != 204) {            /* any JSON: this document */
        json_object_set_new(ok, "content", json_pack("{s:{s:{}}}", "application/json",
                                                     "schema"));
    }
    if (pamps_route_etag(table, n, route)) {
        json_object_set_new(headers, "ETag", header("string", "Strong tag of this"
                                                    " representation, for If-None-Match"
                                                    " and If-Match", 1));
        if (!is_get(route)) {
            json_object_set_new(headers, "Content-Location",
                                header("string", "The resource this body represents", 1));
        }
    }
    if (route->status == 201) {
        json_object_set_new(headers, "Location", header("string", "The new resource", 1));
    }
    if (route->flags & PAMPS_ROUTE_IDEMPOTENT) {
        json_object_set_new(headers, "Idempotent-Replayed",
                            header("string", "true: the stored first response of this"
                                   " Idempotency-Key, replayed", 0));
    }
    set_headers(ok, headers);
    return ok;
}

/* An error's body: Error, ValidationError for 422, or the row's own schema
 * for the statuses its handler answers with it (health's 503). */
static const char *error_schema(const pamps_route *route, int status)
{
    if (status == 422) {
        return "ValidationError";
    }
    for (int i = 0; route->errors_response && i < PAMPS_ROUTE_MAX_ERRORS; i++) {
        if (route->errors[i] == status) {
            return route->errors_response;
        }
    }
    return "Error";
}

static json_t *failure(const pamps_route *table, size_t n, const pamps_route *route,
                       int status)
{
    json_t *r = json_pack("{s:s}", "description", status_words(table, n, route, status));
    json_t *headers = json_object();

    if (status == 304) {
        if (is_get(route) && pamps_route_etag(table, n, route)) {
            json_object_set_new(headers, "ETag", header("string", "The current tag", 1));
        }
        set_headers(r, headers);
        return r;
    }
    json_object_set_new(r, "content", json_body(error_schema(route, status)));
    if (status == 401) {
        json_object_set_new(headers, "WWW-Authenticate",
                            header("string", "Bearer, with error=\"invalid_token\" when a"
                                   " token was sent", 1));
    }
    if (status == 429) {
        json_object_set_new(headers, "Retry-After", header("integer", "Seconds to wait", 1));
    }
    if (status == 503) {
        json_object_set_new(headers, "Retry-After",
                            header("integer", "Seconds to wait, after a lost race", 0));
    }
    set_headers(r, headers);
    return r;
}

/* Every status the dispatcher and the handler may answer
 * (pamps_route_statuses), each with its body's schema and headers. */
static json_t *responses(const pamps_route *table, size_t n, const pamps_route *route)
{
    json_t *responses = json_object();
    int statuses[PAMPS_ROUTE_MAX_STATUSES];
    size_t count = pamps_route_statuses(route, statuses);
    char key[8];

    for (size_t i = 0; i < count; i++) {
        snprintf(key, sizeof(key), "%d", statuses[i]);
        json_object_set_new(responses, key, statuses[i] == route->status
                                            ? success(table, n, route)
                                            : failure(table, n, route, statuses[i]));
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

static json_t *operation(const pamps_route *table, size_t n, const pamps_route *route,
                         json_t *qparams)
{
    json_t *op = json_pack("{s:[s], s:s, s:o}", "tags", route->tag, "summary", route->summary,
                           "operationId", operation_id(route));

    if (route->description) {
        json_object_set_new(op, "description", json_string(route->description));
    }
    add_parameters(op, table, n, route, qparams);
    add_request_body(op, route);
    json_object_set_new(op, "responses", responses(table, n, route));
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
        describe(name, schema);
    }
    return schemas;
}

#define ABOUT "Accounts with JWT, a microblog, private tasks, and an organization of" \
    " departments and positions, served by Apache httpd (mod_pamps).\n\n" \
    "Log in at /auth/login and send its access_token as `Authorization: Bearer <token>`." \
    " Errors are `{\"detail\": \"...\"}`; a 422's detail lists one entry per bad field." \
    " Offset lists take limit and offset; feeds take limit and before (the next_before" \
    " of the page before).\n\n" \
    "Each operation lists every status it answers. Besides: every GET also answers HEAD," \
    " every path OPTIONS (with Allow, and CORS preflights), a method a path does not" \
    " serve is 405, and an unknown path 404. A JSON GET sends an ETag (If-None-Match:" \
    " 304) and a PATCH the new one; a write guarded by If-Match is 412 once the resource" \
    " changed; POST /tasks, /posts and /auth/register take an Idempotency-Key."

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
        json_object_set_new(item, method, operation(routes, n, route, qparams));
        if (route->body) {
            json_t *body = body_schema(route->body);

            describe(route->body->name, body);
            json_object_set_new(schemas, route->body->name, body);
        }
    }
    json_decref(qparams);
    return json_pack("{s:s, s:{s:s, s:s, s:s}, s:[{s:s}], s:o, s:{s:o, s:{s:{s:s, s:s, s:s},"
                     " s:{s:s, s:{s:{s:s+, s:{}}}}}}}",
                     "openapi", "3.1.0",
                     "info", "title", "mod_pamps API", "version", version,
                     "description", ABOUT,
                     "servers", "url", server_url,
                     "paths", paths,
                     "components", "schemas", schemas,
                     "securitySchemes", "bearerAuth", "type", "http", "scheme", "bearer",
                     "bearerFormat", "JWT",
                     "OAuth2PasswordBearer", "type", "oauth2", "flows", "password",
                     "tokenUrl", server_url, "/auth/login", "scopes");
}
