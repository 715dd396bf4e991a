/* The field rules of API.md's table, stated once. The handlers read bodies
 * by the specs built here, the OpenAPI document describes those bodies (and
 * the responses' lengths) from them, and the pamps command checks with the
 * same bounds. Plain C: no httpd types. */
#ifndef PAMPS_RULES_H
#define PAMPS_RULES_H

#include "pamps_json.h"

/* lengths, in code points */
#define PAMPS_USERNAME_MIN         3
#define PAMPS_USERNAME_MAX         32
#define PAMPS_EMAIL_MIN            3
#define PAMPS_EMAIL_MAX            254
#define PAMPS_PASSWORD_MIN         8
#define PAMPS_PASSWORD_MAX         128
#define PAMPS_NAME_MAX             100
#define PAMPS_BIO_MAX              280
#define PAMPS_AVATAR_MAX           2048
#define PAMPS_POST_TEXT_MAX        280
#define PAMPS_TASK_TITLE_MAX       200
#define PAMPS_TASK_DESCRIPTION_MAX 5000
#define PAMPS_ORG_NAME_MAX         100
#define PAMPS_ORG_DESCRIPTION_MAX  1000

/* a bound as text, for messages and schemas built at compile time */
#define PAMPS_RULE_TEXT(n) PAMPS_RULE_TEXT_(n)
#define PAMPS_RULE_TEXT_(n) #n

#define PAMPS_USERNAME_PATTERN "^[A-Za-z0-9_]{" PAMPS_RULE_TEXT(PAMPS_USERNAME_MIN) "," \
    PAMPS_RULE_TEXT(PAMPS_USERNAME_MAX) "}$"

int pamps_valid_username(const char *s);   /* PAMPS_USERNAME_PATTERN */
int pamps_valid_email(const char *s);      /* one @, local part, dotted domain, <= 254 */
int pamps_valid_role(const char *s);       /* user or admin */

/* The rules' checks in the form pamps_json_read_fields takes: NULL when
 * the value is fine, else the message, with the error type in *type. */
const char *pamps_check_username(const char *value, const char **type);
const char *pamps_check_email(const char *value, const char **type);
const char *pamps_check_http_url(const char *value, const char **type);

/* GET /tasks?sort=: the orders, in the order the handler's statements and
 * the document list them; the default is -created_at */
enum { PAMPS_TASK_SORT_CREATED, PAMPS_TASK_SORT_CREATED_DESC, PAMPS_TASK_SORT_UPDATED,
       PAMPS_TASK_SORT_UPDATED_DESC, PAMPS_TASK_SORT_TITLE, PAMPS_TASK_SORT_TITLE_DESC,
       PAMPS_TASK_NSORTS };
#define PAMPS_TASK_SORT_DEFAULT PAMPS_TASK_SORT_CREATED_DESC
extern const char *const pamps_task_sorts[PAMPS_TASK_NSORTS + 1];

extern const pamps_string_rule pamps_rule_username, pamps_rule_email, pamps_rule_http_url,
                               pamps_rule_role;

/* The specs, each field's rule with the endpoint's flags (PAMPS_F_REQUIRED
 * where the body must have it). */
#define PAMPS_SPEC_USERNAME(flags) { "username", PAMPS_FIELD_STRING, (flags), \
    PAMPS_USERNAME_MIN, PAMPS_USERNAME_MAX, &pamps_rule_username }
#define PAMPS_SPEC_EMAIL(flags) { "email", PAMPS_FIELD_STRING, (flags), \
    PAMPS_EMAIL_MIN, PAMPS_EMAIL_MAX, &pamps_rule_email }
#define PAMPS_SPEC_PASSWORD(name, flags) { name, PAMPS_FIELD_STRING, (flags), \
    PAMPS_PASSWORD_MIN, PAMPS_PASSWORD_MAX, NULL }
/* name, bio, avatar: optional, null clears */
#define PAMPS_SPECS_PROFILE \
    { "name", PAMPS_FIELD_STRING, PAMPS_F_NULLABLE, 0, PAMPS_NAME_MAX, NULL }, \
    { "bio", PAMPS_FIELD_STRING, PAMPS_F_NULLABLE, 0, PAMPS_BIO_MAX, NULL }, \
    { "avatar", PAMPS_FIELD_STRING, PAMPS_F_NULLABLE, 0, PAMPS_AVATAR_MAX, &pamps_rule_http_url }
#define PAMPS_SPECS_PROFILE_N 3
#define PAMPS_SPEC_ROLE(flags) { "role", PAMPS_FIELD_STRING, (flags), 0, 0, &pamps_rule_role }
#define PAMPS_SPEC_POST_TEXT(flags) { "text", PAMPS_FIELD_STRING, (flags) | PAMPS_F_TRIM, \
    1, PAMPS_POST_TEXT_MAX, NULL }
#define PAMPS_SPEC_TASK_TITLE(flags) { "title", PAMPS_FIELD_STRING, (flags) | PAMPS_F_TRIM, \
    1, PAMPS_TASK_TITLE_MAX, NULL }
#define PAMPS_SPEC_TASK_DESCRIPTION(flags) { "description", PAMPS_FIELD_STRING, (flags), \
    0, PAMPS_TASK_DESCRIPTION_MAX, NULL }
#define PAMPS_SPEC_TASK_DONE(flags) { "done", PAMPS_FIELD_BOOL, (flags), 0, 0, NULL }
/* department and position names are stored as given, not trimmed */
#define PAMPS_SPEC_ORG_NAME(flags) { "name", PAMPS_FIELD_STRING, (flags), \
    1, PAMPS_ORG_NAME_MAX, NULL }
#define PAMPS_SPEC_ORG_DESCRIPTION(flags) { "description", PAMPS_FIELD_STRING, \
    (flags) | PAMPS_F_NULLABLE, 0, PAMPS_ORG_DESCRIPTION_MAX, NULL }

#endif
