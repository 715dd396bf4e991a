/* JSON text written straight into one growing buffer: the responses built
 * from rows, without a jansson tree per value (building and freeing those
 * trees was a quarter of GET /tasks's CPU). Plain C, no httpd types. */
#ifndef PAMPS_JSONW_H
#define PAMPS_JSONW_H

#include <stddef.h>

typedef struct {
    char *buf;                  /* malloc'd; NULL after a failed allocation */
    size_t len, cap;
    int comma;                  /* the next member or element needs a ',' first */
} pamps_jw;

void pamps_jw_init(pamps_jw *w);
/* The text (malloc'd, NUL-terminated; the caller frees it), or NULL when
 * memory ran out on the way. */
char *pamps_jw_finish(pamps_jw *w);

void pamps_jw_object_open(pamps_jw *w);
void pamps_jw_object_close(pamps_jw *w);
void pamps_jw_array_open(pamps_jw *w);
void pamps_jw_array_close(pamps_jw *w);
/* A member's name; its value is the next thing written. */
void pamps_jw_key(pamps_jw *w, const char *key);

void pamps_jw_str(pamps_jw *w, const char *s);         /* NULL writes null */
void pamps_jw_int(pamps_jw *w, long long v);
void pamps_jw_bool(pamps_jw *w, int v);
void pamps_jw_null(pamps_jw *w);

#endif
