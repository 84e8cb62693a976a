/* Time zone conversions: the store keeps UTC, people see each profile's zone (IANA names). */
#ifndef GL_TZ_H
#define GL_TZ_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* True when zone names an installed IANA zone ("Europe/Paris", "UTC"). */
bool gl_tz_valid(const char *zone);
/* The local broken-down time in zone of the UTC instant utc. */
void gl_tz_local(const char *zone, int64_t utc, struct tm *out);
/* The UTC instant of a local wall-clock time in zone. A time skipped by a daylight-saving
 * change (02:30 when clocks go from 02:00 to 03:00) is moved forward by the gap (03:30); a
 * time that happens twice (01:30 when clocks go back from 02:00 to 01:00) is the first of the
 * two, still on summer time. */
int64_t gl_tz_to_utc(const char *zone, int year, int month, int day, int hour, int minute);
/* Every IANA zone of the system's tzdata (zone1970.tab, else zone.tab) and "UTC", sorted;
 * *out is an array of strings, each and the array to free with gl_tz_list_free. */
size_t gl_tz_list(char ***out);
void gl_tz_list_free(char **zones, size_t n);
/* Offset from UTC, in seconds east, of zone at the instant utc. */
long gl_tz_offset(const char *zone, int64_t utc);
/* Days in a month of the Gregorian calendar (month 1..12). */
int gl_days_in_month(int year, int month);
/* Day of week of a date, 0 = Monday .. 6 = Sunday. */
int gl_weekday(int year, int month, int day);

#endif
