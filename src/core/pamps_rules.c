/* The API's field rules (pamps_rules.h): the checks that are more than a
 * length, and the words the document says them in. */
#include <ctype.h>
#include <string.h>

#include "pamps_rules.h"
#include "pamps_validate.h"

static const char *const roles[] = { "user", "admin", NULL };

const char *const pamps_task_sorts[PAMPS_TASK_NSORTS + 1] = {
    [PAMPS_TASK_SORT_CREATED] = "created_at", [PAMPS_TASK_SORT_CREATED_DESC] = "-created_at",
    [PAMPS_TASK_SORT_UPDATED] = "updated_at", [PAMPS_TASK_SORT_UPDATED_DESC] = "-updated_at",
    [PAMPS_TASK_SORT_TITLE] = "title", [PAMPS_TASK_SORT_TITLE_DESC] = "-title",
    [PAMPS_TASK_NSORTS] = NULL
};

int pamps_valid_username(const char *s)
{
    size_t n = strlen(s);

    if (n < PAMPS_USERNAME_MIN || n > PAMPS_USERNAME_MAX) {
        return 0;
    }
    for (; *s; s++) {
        if (!(isalnum((unsigned char)*s) || *s == '_') || (unsigned char)*s > 0x7F) {
            return 0;
        }
    }
    return 1;
}

int pamps_valid_email(const char *s)
{
    const char *at = strchr(s, '@'), *dot, *c;

    if (!at || strchr(at + 1, '@') || at == s || strlen(s) > PAMPS_EMAIL_MAX) {
        return 0;
    }
    for (c = s; *c; c++) {
        if ((unsigned char)*c <= 0x20) {    /* no spaces or controls */
            return 0;
        }
    }
    dot = strchr(at + 1, '.');
    /* the domain needs a dot with a label on each side */
    if (!dot || dot == at + 1 || at[1] == '.' || s[strlen(s) - 1] == '.'
        || strstr(at + 1, "..")) {
        return 0;
    }
    return 1;
}

int pamps_valid_role(const char *s)
{
    for (size_t i = 0; roles[i]; i++) {
        if (strcmp(s, roles[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

const char *pamps_check_username(const char *value, const char **type)
{
    if (pamps_valid_username(value)) {
        return NULL;
    }
    *type = "string_pattern_mismatch";
    return "String should match pattern '" PAMPS_USERNAME_PATTERN "'";
}

const char *pamps_check_email(const char *value, const char **type)
{
    if (pamps_valid_email(value)) {
        return NULL;
    }
    *type = "value_error";
    return "value is not a valid email address";
}

const char *pamps_check_http_url(const char *value, const char **type)
{
    if (pamps_valid_http_url(value)) {
        return NULL;
    }
    *type = "url_parsing";
    return "Input should be a valid URL with an http or https scheme";
}

const pamps_string_rule pamps_rule_username = {
    pamps_check_username, PAMPS_USERNAME_PATTERN, NULL, NULL
};
const pamps_string_rule pamps_rule_email = { pamps_check_email, NULL, "email", NULL };
const pamps_string_rule pamps_rule_http_url = { pamps_check_http_url, NULL, "uri", NULL };
const pamps_string_rule pamps_rule_role = { NULL, NULL, NULL, roles };
