/* Time zones across daylight-saving changes, east and west of UTC. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tz.h"

static void test_paris_spring_forward(void **state)
{
    (void)state;
    /* 2026-03-29: Paris goes from 02:00 CET to 03:00 CEST. */
    int64_t before = gl_tz_to_utc("Europe/Paris", 2026, 3, 29, 1, 30);
    int64_t after = gl_tz_to_utc("Europe/Paris", 2026, 3, 29, 3, 30);
    assert_int_equal(before, 1774744200); /* 00:30 UTC */
    assert_int_equal(after, 1774747800);  /* 01:30 UTC */
    assert_int_equal(gl_tz_offset("Europe/Paris", before), 3600);
    assert_int_equal(gl_tz_offset("Europe/Paris", after), 7200);
    /* The day has 23 hours. */
    int64_t d0 = gl_tz_to_utc("Europe/Paris", 2026, 3, 29, 0, 0);
    int64_t d1 = gl_tz_to_utc("Europe/Paris", 2026, 3, 30, 0, 0);
    assert_int_equal(d1 - d0, 23 * 3600);
}

static void test_new_york_fall_back(void **state)
{
    (void)state;
    /* 2026-11-01: New York goes from 02:00 EDT back to 01:00 EST; the day has 25 hours. */
    int64_t d0 = gl_tz_to_utc("America/New_York", 2026, 11, 1, 0, 0);
    int64_t d1 = gl_tz_to_utc("America/New_York", 2026, 11, 2, 0, 0);
    assert_int_equal(d1 - d0, 25 * 3600);
    struct tm tm;
    gl_tz_local("America/New_York", d1 - 1, &tm);
    assert_int_equal(tm.tm_mday, 1);
    assert_int_equal(tm.tm_hour, 23);
}

/* The hour that does not exist moves forward by the gap; the hour that happens twice is the
 * first of the two (still summer time): east and west of UTC. */
static void test_gap_and_repeated_hours(void **state)
{
    (void)state;
    /* Paris 2026-03-29 02:30 does not exist: 03:30 CEST = 01:30 UTC. */
    assert_int_equal(gl_tz_to_utc("Europe/Paris", 2026, 3, 29, 2, 30), 1774747800);
    /* Paris 2026-10-25 02:30 happens at 00:30 UTC (CEST) and 01:30 UTC (CET): the first. */
    assert_int_equal(gl_tz_to_utc("Europe/Paris", 2026, 10, 25, 2, 30), 1792888200);
    /* New York 2026-03-08 02:30 does not exist: 03:30 EDT = 07:30 UTC. */
    assert_int_equal(gl_tz_to_utc("America/New_York", 2026, 3, 8, 2, 30), 1772955000);
    /* New York 2026-11-01 01:30 happens at 05:30 UTC (EDT) and 06:30 UTC (EST): the first. */
    assert_int_equal(gl_tz_to_utc("America/New_York", 2026, 11, 1, 1, 30), 1793511000);
    /* Either side of a change, plain times are plain. */
    assert_int_equal(gl_tz_to_utc("Europe/Paris", 2026, 10, 25, 4, 0), 1792897200);
}

static void test_zone_list(void **state)
{
    (void)state;
    char **z;
    size_t n = gl_tz_list(&z);
    assert_true(n > 300);
    bool paris = false, utc = false;
    for (size_t i = 0; i < n; i++) {
        if (i) assert_true(strcmp(z[i - 1], z[i]) < 0);
        paris |= strcmp(z[i], "Europe/Paris") == 0;
        utc |= strcmp(z[i], "UTC") == 0;
        assert_true(gl_tz_valid(z[i]));
    }
    assert_true(paris && utc);
    gl_tz_list_free(z, n);
}

static void test_tokyo_and_midnight(void **state)
{
    (void)state;
    /* 2026-11-22 23:30 UTC is already the 23rd in Tokyo (UTC+9, no DST) but still the 22nd
     * in Los Angeles. */
    int64_t t = 1795390200;
    struct tm tm;
    gl_tz_local("Asia/Tokyo", t, &tm);
    assert_int_equal(tm.tm_mday, 23);
    assert_int_equal(tm.tm_hour, 8);
    gl_tz_local("America/Los_Angeles", t, &tm);
    assert_int_equal(tm.tm_mday, 22);
    assert_int_equal(tm.tm_hour, 15);
    assert_int_equal(gl_tz_to_utc("Asia/Tokyo", 2026, 11, 23, 8, 30), t);
}

static void test_valid_names_and_calendar(void **state)
{
    (void)state;
    assert_true(gl_tz_valid("Europe/Paris"));
    assert_true(gl_tz_valid("UTC"));
    assert_false(gl_tz_valid("Mars/Olympus"));
    assert_false(gl_tz_valid("../../etc/passwd"));
    assert_false(gl_tz_valid("/etc/localtime"));
    assert_false(gl_tz_valid(""));
    assert_int_equal(gl_days_in_month(2028, 2), 29);
    assert_int_equal(gl_days_in_month(2100, 2), 28);
    assert_int_equal(gl_days_in_month(2026, 11), 30);
    assert_int_equal(gl_weekday(2026, 11, 22), 6); /* a Sunday */
    assert_int_equal(gl_weekday(2026, 11, 23), 0); /* a Monday */
}

/* gl_tz_local converts from each zone's own table (read once) and glibc outside it: both give
 * glibc's answer, field by field, in zones with odd offsets, negative and two-hour DST, a
 * skipped day, and many changes, every three days from 1901 to 2040 and every half hour (and
 * a second) from 2025 to 2027. */
static void test_local_matches_glibc(void **state)
{
    (void)state;
    static const char *const zones[] = {
        "Europe/Paris", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu",
        "Pacific/Apia", "America/St_Johns", "Africa/Casablanca", "Europe/Dublin",
        "Antarctica/Troll", "Pacific/Chatham", "America/Caracas", "Asia/Tehran",
        "Europe/Moscow", "America/Sao_Paulo", "Australia/Sydney", "Pacific/Kiritimati",
        "America/Los_Angeles", "Asia/Tokyo", "UTC", "Etc/GMT+5", "America/Santiago",
        "Asia/Gaza", "Europe/Lisbon", "America/Nuuk"};
    for (size_t z = 0; z < sizeof zones / sizeof *zones; z++) {
        char tzenv[96];
        snprintf(tzenv, sizeof tzenv, ":%s", zones[z]);
        setenv("TZ", tzenv, 1);
        tzset();
        for (int pass = 0; pass < 2; pass++) {
            int64_t from = pass ? 1735689600 : INT32_MIN, to = pass ? 1798761600 : 2208988800;
            int64_t step = pass ? 1801 : 3 * 86400 + 3607;
            for (int64_t t = from; t < to; t += step) {
                struct tm want, got;
                time_t tt = (time_t)t;
                localtime_r(&tt, &want);
                gl_tz_local(zones[z], t, &got);
                if (got.tm_year != want.tm_year || got.tm_yday != want.tm_yday ||
                    got.tm_mon != want.tm_mon || got.tm_mday != want.tm_mday ||
                    got.tm_wday != want.tm_wday || got.tm_hour != want.tm_hour ||
                    got.tm_min != want.tm_min || got.tm_sec != want.tm_sec ||
                    got.tm_isdst != want.tm_isdst || got.tm_gmtoff != want.tm_gmtoff ||
                    strcmp(got.tm_zone, want.tm_zone) != 0)
                    fail_msg("%s at %lld: %s %ld, glibc %s %ld", zones[z], (long long)t,
                             got.tm_zone, got.tm_gmtoff, want.tm_zone, want.tm_gmtoff);
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paris_spring_forward),
        cmocka_unit_test(test_new_york_fall_back),
        cmocka_unit_test(test_gap_and_repeated_hours),
        cmocka_unit_test(test_zone_list),
        cmocka_unit_test(test_tokyo_and_midnight),
        cmocka_unit_test(test_valid_names_and_calendar),
        cmocka_unit_test(test_local_matches_glibc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
