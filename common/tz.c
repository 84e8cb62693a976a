/* Time zone conversions through the C library and the system's tzdata.
 * glibc only converts in the zone named by TZ, so each call sets TZ under a lock; tzset()
 * reloads the zone file only when the name changes. */
#include "tz.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

static pthread_mutex_t tz_lock = PTHREAD_MUTEX_INITIALIZER;

bool gl_tz_valid(const char *zone)
{
    size_t n = strlen(zone);
    if (n == 0 || n > 64 || zone[0] == '/' || strstr(zone, "..")) return false;
    for (size_t i = 0; i < n; i++) {
        char c = zone[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '/' || c == '_' || c == '-' || c == '+'))
            return false;
    }
    char path[128];
    snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", zone);
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    char magic[4] = {0};
    size_t got = fread(magic, 1, 4, f);
    fclose(f);
    return got == 4 && memcmp(magic, "TZif", 4) == 0;
}

static void set_zone(const char *zone)
{
    static char current[80];
    if (strcmp(current, zone) == 0) return;
    snprintf(current, sizeof current, "%s", zone);
    char value[96];
    snprintf(value, sizeof value, ":%s", zone);
    setenv("TZ", value, 1);
    tzset();
}

void gl_tz_local(const char *zone, int64_t utc, struct tm *out)
{
    time_t t = (time_t)utc;
    pthread_mutex_lock(&tz_lock);
    set_zone(zone);
    localtime_r(&t, out);
    pthread_mutex_unlock(&tz_lock);
}

long gl_tz_offset(const char *zone, int64_t utc)
{
    struct tm tm;
    gl_tz_local(zone, utc, &tm);
    return tm.tm_gmtoff;
}

int64_t gl_tz_to_utc(const char *zone, int year, int month, int day, int hour, int minute)
{
    /* The wall-clock time read as if it were UTC, then each offset the zone has a day either
     * side tried: an offset fits when the instant it gives has that offset. Decided here, not
     * by mktime's tm_isdst guess, so a repeated hour always gives its first instant. */
    struct tm tm = {0};
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    int64_t wall = (int64_t)timegm(&tm);
    long before = gl_tz_offset(zone, wall - 86400), after = gl_tz_offset(zone, wall + 86400);
    int64_t t1 = wall - before, t2 = wall - after;
    bool fits1 = gl_tz_offset(zone, t1) == before, fits2 = gl_tz_offset(zone, t2) == after;
    if (fits1 && fits2) return t1 < t2 ? t1 : t2; /* the same, or a repeated hour: the first */
    if (fits1) return t1;
    if (fits2) return t2;
    /* In a gap: read with the offset from before the change, which lands past it by the gap. */
    return t1;
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

size_t gl_tz_list(char ***out)
{
    static const char *const tab_files[] = {"/usr/share/zoneinfo/zone1970.tab",
                                            "/usr/share/zoneinfo/zone.tab"};
    char **v = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < sizeof tab_files / sizeof *tab_files && !n; i++) {
        FILE *f = fopen(tab_files[i], "r");
        if (!f) continue;
        char line[512];
        while (fgets(line, sizeof line, f)) {
            if (line[0] == '#') continue;
            /* codes, coordinates, zone, comment: tab separated */
            char *save = NULL, *t = strtok_r(line, "\t\n", &save);
            t = t ? strtok_r(NULL, "\t\n", &save) : NULL;
            t = t ? strtok_r(NULL, "\t\n", &save) : NULL;
            if (!t) continue;
            if (n == cap) v = xrealloc(v, (cap = cap ? cap * 2 : 512) * sizeof *v);
            v[n++] = xstrdup(t);
        }
        fclose(f);
    }
    if (n == cap) v = xrealloc(v, (cap + 1) * sizeof *v);
    v[n++] = xstrdup("UTC");
    qsort(v, n, sizeof *v, cmp_str);
    *out = v;
    return n;
}

void gl_tz_list_free(char **zones, size_t n)
{
    for (size_t i = 0; i < n; i++) free(zones[i]);
    free(zones);
}

int gl_days_in_month(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0)) return 29;
    return days[(month - 1) % 12];
}

int gl_weekday(int year, int month, int day)
{
    /* Sakamoto's method gives 0 = Sunday; shift to 0 = Monday. */
    static const int t[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
    if (month < 3) year -= 1;
    int w = (year + year / 4 - year / 100 + year / 400 + t[month - 1] + day) % 7;
    return (w + 6) % 7;
}
