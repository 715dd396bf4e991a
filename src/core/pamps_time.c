/* RFC 3339 timestamps, whole seconds, UTC. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pamps_time.h"

/* Days since 1970-01-01 of a proleptic Gregorian date, and back (Howard
 * Hinnant's algorithms): timegm and gmtime_r were most of a timestamp's
 * cost in a list. */
static long long days_from_civil(long long y, int m, int d)
{
    long long era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long long z, long long *y, int *m, int *d)
{
    long long era, doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static void put_digits(char *out, int n, int v)
{
    for (int i = n - 1; i >= 0; i--) {
        out[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

void pamps_time_format(long long epoch, char out[PAMPS_TIME_LEN])
{
    long long days = epoch / 86400, secs = epoch % 86400, year;
    int mon, day;

    if (secs < 0) {
        secs += 86400;
        days--;
    }
    civil_from_days(days, &year, &mon, &day);
    if (year < 0 || year > 9999) {      /* not a four-digit year: as strftime would */
        time_t t = (time_t)epoch;
        struct tm tm;

        gmtime_r(&t, &tm);
        strftime(out, PAMPS_TIME_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
        return;
    }
    memcpy(out, "0000-00-00T00:00:00Z", PAMPS_TIME_LEN);
    put_digits(out, 4, (int)year);
    put_digits(out + 5, 2, mon);
    put_digits(out + 8, 2, day);
    put_digits(out + 11, 2, (int)(secs / 3600));
    put_digits(out + 14, 2, (int)(secs / 60 % 60));
    put_digits(out + 17, 2, (int)(secs % 60));
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
    *epoch = days_from_civil(year, mon, day) * 86400LL + hh * 3600 + mm * 60 + ss - off;
    return 0;
}
