/* Timestamps: RFC 3339 UTC strings with whole seconds, e.g. 2026-11-21T23:40:00Z. */
#ifndef PAMPS_TIME_H
#define PAMPS_TIME_H

#define PAMPS_TIME_LEN 21 /* "YYYY-MM-DDTHH:MM:SSZ" plus NUL */

/* Writes the canonical form of an epoch second into out. */
void pamps_time_format(long long epoch, char out[PAMPS_TIME_LEN]);

/* Reads what the databases hand back: our own format (SQLite) or PostgreSQL's
 * "YYYY-MM-DD HH:MM:SS[.frac]+HH[:MM]". Returns 0 on success. */
int pamps_time_parse(const char *text, long long *epoch);

#endif
