/* RFC 3339 timestamps, whole seconds, UTC. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pamps_time.h"

static void put_digits(char *out, int n, int v)
{
    for (int i = n - 1; i >= 0; i--) {
        out[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

/* strftime's "%Y-%m-%dT%H:%M:%SZ" for years 0-9999, without its locale
 * work (a visible share of a list's CPU) */
static void format_time(const struct tm *tm, char out[PAMPS_TIME_LEN])
{
    int year = tm->tm_year + 1900;

    if (year < 0 || year > 9999) {
        strftime(out, PAMPS_TIME_LEN, "%Y-%m-%dT%H:%M:%SZ", tm);
        return;
    }
    memcpy(out, "0000-00-00T00:00:00Z", PAMPS_TIME_LEN);
    put_digits(out, 4, year);
    put_digits(out + 5, 2, tm->tm_mon + 1);
    put_digits(out + 8, 2, tm->tm_mday);
    put_digits(out + 11, 2, tm->tm_hour);
    put_digits(out + 14, 2, tm->tm_min);
    put_digits(out + 17, 2, tm->tm_sec);
}

void pamps_time_format(long long epoch, char out[PAMPS_TIME_LEN])
{
    time_t t = (time_t)epoch;
    struct tm tm;

    gmtime_r(&t, &tm);
    format_time(&tm, out);
}

static int read_digits(const char **s, int n, int *out)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if ((*s)[i] < '0' || (*s)[i] > '9') {
            return -1;
        }
        v = v * 10 + ((*s)[i] - '0');
    }
    *s += n;
    *out = v;
    return 0;
}

static int days_in_month(int year, int mon)
{
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

    return days[mon - 1] + (mon == 2 && leap);
}

static int expect(const char **s, const char *chars)
{
    if (**s && strchr(chars, **s)) {
        (*s)++;
        return 0;
    }
    return -1;
}

int pamps_time_parse(const char *text, long long *epoch)
{
    const char *s = text;
    struct tm tm;
    int year, mon, day, hh, mm, ss, off = 0;

    if (!s) {
        return -1;
    }
    if (read_digits(&s, 4, &year) || expect(&s, "-") || read_digits(&s, 2, &mon)
        || expect(&s, "-") || read_digits(&s, 2, &day) || expect(&s, "T ")
        || read_digits(&s, 2, &hh) || expect(&s, ":") || read_digits(&s, 2, &mm)
        || expect(&s, ":") || read_digits(&s, 2, &ss)) {
        return -1;
    }
    if (mon < 1 || mon > 12 || day < 1 || day > days_in_month(year, mon) || hh > 23
        || mm > 59 || ss > 59) {
        return -1;              /* timegm would roll these into another date */
    }
    if (*s == '.') {            /* fractions are dropped: whole seconds only */
        if (s[1] < '0' || s[1] > '9') {
            return -1;
        }
        s++;
        while (*s >= '0' && *s <= '9') {
            s++;
        }
    }
    if (*s == 'Z' || *s == 'z') {
        s++;
    }
    else if (*s == '+' || *s == '-') {
        int sign = (*s == '-') ? -1 : 1, oh, om = 0;

        s++;
        if (read_digits(&s, 2, &oh)) {
            return -1;
        }
        if (*s == ':') {
            s++;
            if (read_digits(&s, 2, &om)) {
                return -1;      /* "+05:" */
            }
        }
        else if (*s && read_digits(&s, 2, &om)) {
            return -1;
        }
        if (oh > 23 || om > 59) {
            return -1;
        }
        off = sign * (oh * 3600 + om * 60);
    }
    if (*s) {
        return -1;
    }
    memset(&tm, 0, sizeof(tm));
    tm.tm_year = year - 1900;
    tm.tm_mon = mon - 1;
    tm.tm_mday = day;
    tm.tm_hour = hh;
    tm.tm_min = mm;
    tm.tm_sec = ss;
    *epoch = (long long)timegm(&tm) - off;
    return 0;
}
