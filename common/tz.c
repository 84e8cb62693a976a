/* Time zone conversions through the system's tzdata.
 * glibc only converts in the zone named by TZ, and rereads the zone file at every change of
 * name: with profiles in several zones that was a file read per conversion. So each zone's
 * transitions are read from its TZif file once and converted from here; only an instant past
 * the last transition of a zone that still has a daylight-saving rule (the file's POSIX TZ
 * footer) goes through glibc, which is then given TZ under a lock. A tzdata upgrade takes
 * effect at the next start. */
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

/* ---- a zone's transitions, from its TZif file (RFC 8536), version 2 or later ---- */

struct zone_type {
    int32_t utoff;
    bool isdst;
    uint8_t abbr; /* offset in the zone's abbreviations */
};

struct zone_table {
    char name[72];
    bool usable;     /* read, version 2 or later, no leap seconds */
    bool fixed_after; /* the footer has no DST rule: the last type holds after the table */
    uint8_t before;  /* the type before the first transition: glibc's, the first not DST */
    size_t n;        /* transitions */
    int64_t *at;     /* their instants, ascending */
    uint8_t *type;   /* the type each begins */
    struct zone_type *types;
    char *abbrs;     /* NUL-terminated abbreviations, kept for the process's life: tm_zone */
};

#define ZONE_TABLES 64 /* zones past these are converted through glibc */
static struct zone_table zone_tables[ZONE_TABLES];
static size_t nzone_tables;

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* Reads the version 2 data block of a TZif file into z; false when it cannot be used. */
static bool zone_parse(struct zone_table *z, const unsigned char *b, size_t len)
{
    if (len < 44 || memcmp(b, "TZif", 4) != 0 || b[4] < '2') return false;
    /* Skip the version 1 block (32-bit instants) to the second header. */
    uint32_t isut = be32(b + 20), isstd = be32(b + 24), leap = be32(b + 28),
             timecnt = be32(b + 32), typecnt = be32(b + 36), charcnt = be32(b + 40);
    size_t v1 = (size_t)timecnt * 5 + (size_t)typecnt * 6 + charcnt + (size_t)leap * 8 +
                isstd + isut;
    if (len < 44 + v1 + 44) return false;
    b += 44 + v1;
    len -= 44 + v1;
    if (memcmp(b, "TZif", 4) != 0) return false;
    isut = be32(b + 20), isstd = be32(b + 24), leap = be32(b + 28);
    timecnt = be32(b + 32), typecnt = be32(b + 36), charcnt = be32(b + 40);
    if (leap || typecnt == 0 || typecnt > 256 || charcnt == 0 || timecnt > 100000) return false;
    size_t need = 44 + (size_t)timecnt * 9 + (size_t)typecnt * 6 + charcnt + isstd + isut;
    if (len < need) return false;
    /* The footer, "\n<POSIX TZ string>\n": without a ',' it has no daylight-saving rule, so
     * the last transition's type holds for ever after it. */
    const char *footer = (const char *)b + need, *fend = footer + 1;
    size_t flen = len - need;
    if (flen < 2 || footer[0] != '\n') return false;
    while (fend < footer + flen && *fend != '\n') fend++;
    if (fend == footer + flen) return false;
    z->fixed_after = !memchr(footer, ',', (size_t)(fend - footer));
    const unsigned char *at = b + 44, *idx = at + (size_t)timecnt * 8,
                        *tt = idx + timecnt, *ch = tt + (size_t)typecnt * 6;
    for (uint32_t i = 0; i < typecnt; i++)
        if (tt[(size_t)i * 6 + 5] >= charcnt) return false;
    for (uint32_t i = 0; i < timecnt; i++)
        if (idx[i] >= typecnt || (i && be64(at + (size_t)i * 8) <= be64(at + (size_t)(i - 1) * 8)))
            return false;
    z->before = 0;
    while (z->before + 1u < typecnt && tt[(size_t)z->before * 6 + 4]) z->before++;
    if (tt[(size_t)z->before * 6 + 4]) z->before = 0;
    z->n = timecnt;
    z->at = xmalloc((timecnt ? timecnt : 1) * sizeof *z->at);
    z->type = xmalloc(timecnt ? timecnt : 1);
    for (uint32_t i = 0; i < timecnt; i++) {
        z->at[i] = be64(at + (size_t)i * 8);
        z->type[i] = idx[i];
    }
    z->types = xmalloc(typecnt * sizeof *z->types);
    for (uint32_t i = 0; i < typecnt; i++) {
        const unsigned char *t = tt + (size_t)i * 6;
        z->types[i] = (struct zone_type){.utoff = (int32_t)be32(t), .isdst = t[4] != 0,
                                         .abbr = t[5]};
    }
    z->abbrs = xmalloc(charcnt + 1);
    memcpy(z->abbrs, ch, charcnt);
    z->abbrs[charcnt] = '\0';
    return true;
}

static void zone_read(struct zone_table *z, const char *zone)
{
    snprintf(z->name, sizeof z->name, "%s", zone);
    if (!gl_tz_valid(zone)) return; /* the same names glibc would be asked for */
    char path[128];
    snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", zone);
    FILE *f = fopen(path, "rb");
    if (!f) return;
    static unsigned char buf[1 << 17]; /* under the lock; a zone file is a few KiB */
    size_t len = fread(buf, 1, sizeof buf, f);
    bool whole = feof(f) && !ferror(f);
    fclose(f);
    z->usable = whole && zone_parse(z, buf, len);
}

/* The zone's table, read at its first use; NULL past ZONE_TABLES zones. Under tz_lock. */
static const struct zone_table *zone_table(const char *zone)
{
    for (size_t i = 0; i < nzone_tables; i++)
        if (strcmp(zone_tables[i].name, zone) == 0) return &zone_tables[i];
    if (nzone_tables == ZONE_TABLES || strlen(zone) >= sizeof zone_tables[0].name) return NULL;
    struct zone_table *z = &zone_tables[nzone_tables++];
    zone_read(z, zone);
    return z;
}

/* Converts as glibc's localtime_r does: before the first transition (or with none) the first
 * type that is not daylight-saving time, then the type of the last transition at or before
 * utc. False when glibc must: past the last transition of a zone with a DST rule. */
static bool zone_local(const struct zone_table *z, int64_t utc, struct tm *out)
{
    /* An instant near the ends of int64 (a hostile date) would overflow with its offset:
     * glibc answers for those, as before the tables. */
    if (!z || !z->usable || utc > INT64_MAX / 2 || utc < INT64_MIN / 2) return false;
    unsigned type;
    if (z->n == 0 || utc < z->at[0]) {
        type = z->before;
    } else if (utc >= z->at[z->n - 1]) {
        if (!z->fixed_after) return false;
        type = z->type[z->n - 1];
    } else {
        size_t lo = 0, hi = z->n - 1; /* at[lo] <= utc < at[hi] */
        while (hi - lo > 1) {
            size_t mid = lo + (hi - lo) / 2;
            if (z->at[mid] <= utc)
                lo = mid;
            else
                hi = mid;
        }
        type = z->type[lo];
    }
    const struct zone_type *t = &z->types[type];
    time_t local = (time_t)(utc + t->utoff);
    if (!gmtime_r(&local, out)) return false;
    out->tm_isdst = t->isdst;
    out->tm_gmtoff = t->utoff;
    out->tm_zone = z->abbrs + t->abbr;
    return true;
}

void gl_tz_local(const char *zone, int64_t utc, struct tm *out)
{
    time_t t = (time_t)utc;
    pthread_mutex_lock(&tz_lock);
    if (!zone_local(zone_table(zone), utc, out)) {
        set_zone(zone);
        localtime_r(&t, out);
    }
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
