/* The OpenAPI 3 document, built from the routing table itself so every
 * route is described and paths, methods and security cannot drift; the
 * words and schemas of each operation come from the table below. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pamps_openapi.h"

typedef struct {
    const char *op;          /* "METHOD /pattern" as in the routing table */
    const char *tag;
    const char *summary;
    const char *request;     /* schema name of the JSON body, or NULL */
    int status;              /* success status */
    const char *response;    /* schema name of the success body, or NULL */
    const char *query;       /* query parameters, space separated */
} op_doc;

static const op_doc ops[] = {
    { "GET /health", "health", "Service and database health", NULL, 200, "Health", NULL },
    { "POST /auth/register", "auth", "Create an account", "Register", 201, "OwnUser", NULL },
    { "POST /auth/login", "auth", "Log in (JSON or OAuth2 password form)", "Login", 200, "TokenPair", NULL },
    { "POST /auth/refresh", "auth", "Rotate a refresh token for a new pair", "RefreshToken", 200, "TokenPair", NULL },
    { "POST /auth/logout", "auth", "Revoke a refresh token", "RefreshToken", 204, NULL, NULL },
    { "GET /users/me", "users", "Your account, with counts", NULL, 200, "OwnUser", NULL },
    { "PATCH /users/me", "users", "Change your profile or email", "ProfileUpdate", 200, "OwnUser", NULL },
    { "DELETE /users/me", "users", "Delete your account", NULL, 204, NULL, NULL },
    { "PUT /users/me/password", "users", "Change your password (ends older tokens)", "PasswordChange", 204, NULL, NULL },
    { "GET /users", "users", "List users", NULL, 200, "UserPage", "limit offset q" },
    { "GET /users/{username}", "users", "A user's profile", NULL, 200, "Profile", NULL },
    { "PATCH /users/{username}", "admin", "Change a user's role (admin)", "RoleChange", 200, "OwnUser", NULL },
    { "DELETE /users/{username}", "admin", "Delete a user (admin)", NULL, 204, NULL, NULL },
    { "GET /users/{username}/posts", "posts", "A user's posts", NULL, 200, "Feed", "limit before" },
    { "GET /users/{username}/followers", "users", "Who follows the user", NULL, 200, "UserPage", "limit offset" },
    { "GET /users/{username}/following", "users", "Whom the user follows", NULL, 200, "UserPage", "limit offset" },
    { "POST /users/{username}/follow", "users", "Follow a user", NULL, 204, NULL, NULL },
    { "DELETE /users/{username}/follow", "users", "Unfollow a user", NULL, 204, NULL, NULL },
    { "GET /posts", "posts", "All posts, newest first", NULL, 200, "Feed", "limit before" },
    { "POST /posts", "posts", "Write a post or a reply", "PostCreate", 201, "Post", NULL },
    { "GET /posts/timeline", "posts", "Posts of the users you follow, and yours", NULL, 200, "Feed", "limit before" },
    { "GET /posts/{id}", "posts", "A post", NULL, 200, "Post", NULL },
    { "PATCH /posts/{id}", "posts", "Edit your post", "PostUpdate", 200, "Post", NULL },
    { "DELETE /posts/{id}", "posts", "Delete a post (author or admin)", NULL, 204, NULL, NULL },
    { "GET /posts/{id}/replies", "posts", "Direct replies to a post", NULL, 200, "Feed", "limit before" },
    { "POST /posts/{id}/like", "posts", "Like a post", NULL, 204, NULL, NULL },
    { "DELETE /posts/{id}/like", "posts", "Take back a like", NULL, 204, NULL, NULL },
    { "GET /posts/{id}/likes", "posts", "Who liked a post", NULL, 200, "UserPage", "limit offset" },
    { "GET /tasks", "tasks", "Your tasks", NULL, 200, "TaskPage", "limit offset done q sort" },
    { "POST /tasks", "tasks", "Create a task", "TaskCreate", 201, "Task", NULL },
    { "GET /tasks/{id}", "tasks", "A task of yours", NULL, 200, "Task", NULL },
    { "PUT /tasks/{id}", "tasks", "Replace a task", "TaskReplace", 200, "Task", NULL },
    { "PATCH /tasks/{id}", "tasks", "Change some fields of a task", "TaskUpdate", 200, "Task", NULL },
    { "DELETE /tasks/{id}", "tasks", "Delete a task", NULL, 204, NULL, NULL },
    { "GET /departments", "organization", "List departments", NULL, 200, "OrgPage", "limit offset" },
    { "POST /departments", "organization", "Create a department (admin)", "OrgCreate", 201, "Org", NULL },
    { "GET /departments/{id}", "organization", "A department", NULL, 200, "Org", NULL },
    { "PATCH /departments/{id}", "organization", "Change a department (admin)", "OrgUpdate", 200, "Org", NULL },
    { "DELETE /departments/{id}", "organization", "Delete a department (admin)", NULL, 204, NULL, NULL },
    { "GET /departments/{id}/members", "organization", "Members of a department", NULL, 200, "UserPage", "limit offset" },
    { "GET /users/{username}/departments", "organization", "A user's departments", NULL, 200, "OrgPage", "limit offset" },
    { "PUT /users/{username}/departments/{id}", "organization", "Assign a user to a department (admin)", NULL, 204, NULL, NULL },
    { "DELETE /users/{username}/departments/{id}", "organization", "Unassign a user from a department (admin)", NULL, 204, NULL, NULL },
    { "GET /positions", "organization", "List positions", NULL, 200, "OrgPage", "limit offset" },
    { "POST /positions", "organization", "Create a position (admin)", "OrgCreate", 201, "Org", NULL },
    { "GET /positions/{id}", "organization", "A position", NULL, 200, "Org", NULL },
    { "PATCH /positions/{id}", "organization", "Change a position (admin)", "OrgUpdate", 200, "Org", NULL },
    { "DELETE /positions/{id}", "organization", "Delete a position (admin)", NULL, 204, NULL, NULL },
    { "GET /positions/{id}/members", "organization", "Holders of a position", NULL, 200, "UserPage", "limit offset" },
    { "GET /users/{username}/positions", "organization", "A user's positions", NULL, 200, "OrgPage", "limit offset" },
    { "PUT /users/{username}/positions/{id}", "organization", "Assign a user to a position (admin)", NULL, 204, NULL, NULL },
    { "DELETE /users/{username}/positions/{id}", "organization", "Unassign a user from a position (admin)", NULL, 204, NULL, NULL },
    { "GET /openapi.json", "docs", "This document", NULL, 200, NULL, NULL },
    { "GET /docs", "docs", "This document as a page", NULL, 200, NULL, NULL },
};

#define STR(max) "{\"type\":\"string\",\"maxLength\":" #max "}"
#define NSTR(max) "{\"type\":[\"string\",\"null\"],\"maxLength\":" #max "}"
#define TIME "{\"type\":\"string\",\"format\":\"date-time\"}"
#define ID "{\"type\":\"integer\",\"format\":\"int64\",\"minimum\":1}"
#define REF(name) "{\"$ref\":\"#/components/schemas/" name "\"}"
#define PAGE(item) "{\"type\":\"object\",\"required\":[\"items\",\"total\",\"limit\",\"offset\"]," \
    "\"properties\":{\"items\":{\"type\":\"array\",\"items\":" REF(item) "}," \
    "\"total\":{\"type\":\"integer\"},\"limit\":{\"type\":\"integer\"},\"offset\":{\"type\":\"integer\"}}}"
#define PUBLIC_USER_PROPS "\"id\":" ID ",\"username\":" STR(32) ",\"name\":" NSTR(100) \
    ",\"bio\":" NSTR(280) ",\"avatar\":" NSTR(2048) ",\"created_at\":" TIME
#define COUNT_PROPS ",\"posts_count\":{\"type\":\"integer\"},\"followers_count\":{\"type\":\"integer\"}," \
    "\"following_count\":{\"type\":\"integer\"}"
#define OWN_PROPS ",\"email\":" STR(254) ",\"role\":{\"type\":\"string\",\"enum\":[\"user\",\"admin\"]}"

static const char schemas[] = "{"
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
    "\"Register\":{\"type\":\"object\",\"required\":[\"username\",\"email\",\"password\"],"
        "\"properties\":{\"username\":{\"type\":\"string\",\"pattern\":\"^[A-Za-z0-9_]{3,32}$\"},"
        "\"email\":{\"type\":\"string\",\"format\":\"email\",\"maxLength\":254},"
        "\"password\":{\"type\":\"string\",\"minLength\":8,\"maxLength\":128},"
        "\"name\":" NSTR(100) ",\"bio\":" NSTR(280) ",\"avatar\":" NSTR(2048) "}},"
    "\"Login\":{\"type\":\"object\",\"required\":[\"username\",\"password\"],\"properties\":{"
        "\"username\":{\"type\":\"string\",\"description\":\"username or email\"},"
        "\"password\":{\"type\":\"string\"}}},"
    "\"TokenPair\":{\"type\":\"object\",\"properties\":{\"access_token\":{\"type\":\"string\"},"
        "\"refresh_token\":{\"type\":\"string\"},\"token_type\":{\"type\":\"string\",\"enum\":[\"bearer\"]},"
        "\"expires_in\":{\"type\":\"integer\"}}},"
    "\"RefreshToken\":{\"type\":\"object\",\"required\":[\"refresh_token\"],"
        "\"properties\":{\"refresh_token\":{\"type\":\"string\"}}},"
    "\"ProfileUpdate\":{\"type\":\"object\",\"properties\":{\"name\":" NSTR(100) ",\"bio\":" NSTR(280)
        ",\"avatar\":" NSTR(2048) ",\"email\":" STR(254) "}},"
    "\"PasswordChange\":{\"type\":\"object\",\"required\":[\"current_password\",\"new_password\"],"
        "\"properties\":{\"current_password\":{\"type\":\"string\"},"
        "\"new_password\":{\"type\":\"string\",\"minLength\":8,\"maxLength\":128}}},"
    "\"RoleChange\":{\"type\":\"object\",\"required\":[\"role\"],\"properties\":{"
        "\"role\":{\"type\":\"string\",\"enum\":[\"user\",\"admin\"]}}},"
    "\"Post\":{\"type\":\"object\",\"properties\":{\"id\":" ID ",\"text\":" STR(280)
        ",\"author\":" REF("PublicUser") ",\"parent_id\":{\"type\":[\"integer\",\"null\"]},"
        "\"created_at\":" TIME ",\"updated_at\":" TIME ",\"likes_count\":{\"type\":\"integer\"},"
        "\"replies_count\":{\"type\":\"integer\"},\"liked_by_me\":{\"type\":\"boolean\"}}},"
    "\"Feed\":{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\",\"items\":" REF("Post") "},"
        "\"limit\":{\"type\":\"integer\"},\"next_before\":{\"type\":[\"integer\",\"null\"]}}},"
    "\"PostCreate\":{\"type\":\"object\",\"required\":[\"text\"],\"properties\":{"
        "\"text\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":280},"
        "\"parent_id\":{\"type\":[\"integer\",\"null\"]}}},"
    "\"PostUpdate\":{\"type\":\"object\",\"required\":[\"text\"],\"properties\":{"
        "\"text\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":280}}},"
    "\"Task\":{\"type\":\"object\",\"properties\":{\"id\":" ID ",\"title\":" STR(200)
        ",\"description\":" STR(5000) ",\"done\":{\"type\":\"boolean\"},\"created_at\":" TIME
        ",\"updated_at\":" TIME "}},"
    "\"TaskPage\":" PAGE("Task") ","
    "\"TaskCreate\":{\"type\":\"object\",\"required\":[\"title\"],\"properties\":{"
        "\"title\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":200},"
        "\"description\":" STR(5000) ",\"done\":{\"type\":\"boolean\",\"default\":false}}},"
    "\"TaskReplace\":{\"type\":\"object\",\"required\":[\"title\",\"done\"],\"properties\":{"
        "\"title\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":200},"
        "\"description\":" STR(5000) ",\"done\":{\"type\":\"boolean\"}}},"
    "\"TaskUpdate\":{\"type\":\"object\",\"properties\":{"
        "\"title\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":200},"
        "\"description\":" STR(5000) ",\"done\":{\"type\":\"boolean\"}}},"
    "\"Org\":{\"type\":\"object\",\"properties\":{\"id\":" ID ",\"name\":" STR(100)
        ",\"description\":" NSTR(1000) ",\"created_at\":" TIME "}},"
    "\"OrgPage\":" PAGE("Org") ","
    "\"OrgCreate\":{\"type\":\"object\",\"required\":[\"name\"],\"properties\":{"
        "\"name\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":100},\"description\":" NSTR(1000) "}},"
    "\"OrgUpdate\":{\"type\":\"object\",\"properties\":{"
        "\"name\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":100},\"description\":" NSTR(1000) "}}"
    "}";

static const char *query_params = "{"
    "\"limit\":{\"name\":\"limit\",\"in\":\"query\",\"schema\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":100,\"default\":20}},"
    "\"offset\":{\"name\":\"offset\",\"in\":\"query\",\"schema\":{\"type\":\"integer\",\"minimum\":0,\"default\":0}},"
    "\"before\":{\"name\":\"before\",\"in\":\"query\",\"description\":\"only posts with a smaller id\",\"schema\":{\"type\":\"integer\",\"minimum\":1}},"
    "\"q\":{\"name\":\"q\",\"in\":\"query\",\"description\":\"case-insensitive substring\",\"schema\":{\"type\":\"string\"}},"
    "\"done\":{\"name\":\"done\",\"in\":\"query\",\"schema\":{\"type\":\"boolean\"}},"
    "\"sort\":{\"name\":\"sort\",\"in\":\"query\",\"schema\":{\"type\":\"string\",\"default\":\"-created_at\","
        "\"enum\":[\"created_at\",\"-created_at\",\"updated_at\",\"-updated_at\",\"title\",\"-title\"]}}"
    "}";

static const op_doc *find_doc(const char *method, const char *pattern)
{
    size_t mlen = strlen(method);

    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
        if (strncmp(ops[i].op, method, mlen) == 0 && ops[i].op[mlen] == ' '
            && strcmp(ops[i].op + mlen + 1, pattern) == 0) {
            return &ops[i];
        }
    }
    return NULL;
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

static json_t *operation(const pamps_route *route, const op_doc *doc, json_t *qparams)
{
    json_t *op = json_object(), *responses = json_object(), *params = json_array();
    char status[4], *copy, *word, *state = NULL;

    json_object_set_new(op, "tags", json_pack("[s]", doc ? doc->tag : "other"));
    json_object_set_new(op, "summary", json_string(doc ? doc->summary : route->pattern));
    json_object_set_new(op, "operationId", json_sprintf("%s %s", route->method, route->pattern));

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
    if (doc && doc->query) {
        copy = strdup(doc->query);
        for (word = strtok_r(copy, " ", &state); word; word = strtok_r(NULL, " ", &state)) {
            json_array_append(params, json_object_get(qparams, word));
        }
        free(copy);
    }
    if (json_array_size(params)) {
        json_object_set(op, "parameters", params);
    }
    json_decref(params);

    if (route->flags & PAMPS_ROUTE_JSON_BODY) {
        json_t *content = json_body(doc && doc->request ? doc->request : "Error");
        if (route->flags & PAMPS_ROUTE_FORM_BODY) {
            json_object_set_new(content, "application/x-www-form-urlencoded",
                                json_pack("{s:o}", "schema", ref(doc->request)));
        }
        json_object_set_new(op, "requestBody", json_pack("{s:b, s:o}", "required", 1,
                                                         "content", content));
    }

    snprintf(status, sizeof(status), "%d", doc ? doc->status : 200);
    if (doc && doc->response) {
        json_object_set_new(responses, status, json_pack("{s:s, s:o}", "description", "Success",
                                                         "content", json_body(doc->response)));
    }
    else if (doc && !strcmp(doc->op, "GET /docs")) {
        json_object_set_new(responses, status, json_pack("{s:s, s:{s:{}}}", "description",
                                                         "HTML page", "content", "text/html"));
    }
    else {
        json_object_set_new(responses, status, json_pack("{s:s}", "description",
                                                         doc && doc->status == 204
                                                         ? "No Content" : "Success"));
    }
    if (!(route->flags & PAMPS_ROUTE_PUBLIC)) {
        json_object_set_new(op, "security", json_pack("[{s:[]}]", "bearerAuth"));
        json_object_set_new(responses, "401", json_pack("{s:s, s:o}", "description",
                                                        "Not authenticated",
                                                        "content", json_body("Error")));
    }
    if (route->flags & PAMPS_ROUTE_ADMIN) {
        json_object_set_new(responses, "403", json_pack("{s:s, s:o}", "description",
                                                        "Admin only", "content",
                                                        json_body("Error")));
    }
    if (strchr(route->pattern, '{')) {
        json_object_set_new(responses, "404", json_pack("{s:s, s:o}", "description",
                                                        "Not found", "content",
                                                        json_body("Error")));
    }
    if ((route->flags & PAMPS_ROUTE_JSON_BODY) || (doc && doc->query)) {
        json_object_set_new(responses, "422", json_pack("{s:s, s:o}", "description",
                                                        "Validation error", "content",
                                                        json_body("ValidationError")));
    }
    json_object_set_new(op, "responses", responses);
    return op;
}

json_t *pamps_openapi_document(const pamps_route *routes, size_t n, const char *version,
                               const char *server_url)
{
    json_t *paths = json_object(), *qparams = json_loads(query_params, 0, NULL);
    json_t *doc;

    for (size_t i = 0; i < n; i++) {
        const op_doc *d = find_doc(routes[i].method, routes[i].pattern);
        json_t *item = json_object_get(paths, routes[i].pattern);
        char *method = strdup(routes[i].method);

        if (!item) {
            item = json_object();
            json_object_set_new(paths, routes[i].pattern, item);
        }
        for (char *c = method; *c; c++) {
            *c = (char)(*c - 'A' + 'a');
        }
        json_object_set_new(item, method, operation(&routes[i], d, qparams));
        free(method);
    }
    json_decref(qparams);
    doc = json_pack("{s:s, s:{s:s, s:s, s:s}, s:[{s:s}], s:o, s:{s:o, s:{s:{s:s, s:s, s:s}}}}",
                    "openapi", "3.1.0",
                    "info", "title", "mod_pamps API", "version", version,
                    "description", "Accounts, microblog, tasks and organization, served by Apache httpd.",
                    "servers", "url", server_url,
                    "paths", paths,
                    "components", "schemas", json_loads(schemas, 0, NULL),
                    "securitySchemes", "bearerAuth", "type", "http", "scheme", "bearer",
                    "bearerFormat", "JWT");
    return doc;
}
