/* Dual times and the visitor's own time zone (pagetime.h): the zone chooser's page and form,
 * and the times of the pages written in both zones. */
#include "pagetime.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "tz.h"
#include "util.h"
#include "webreq.h"
#include "webroutes.h"

#define ZONE_COOKIE "gl_tz"
#define ZONES_SHOWN 60 /* matches listed at once; the search narrows the rest */

/* The value of the zone cookie in the request, copied into out; false when there is none. */
static bool cookie_zone(const struct gl_http_req *req, char *out, size_t n)
{
    for (unsigned i = 0; i < req->nheaders; i++) {
        if (strcmp(req->headers[i].name, "cookie") != 0) continue;
        const char *all = req->headers[i].value, *p = all;
        while ((p = strstr(p, ZONE_COOKIE "=")) != NULL) {
            if (p != all && p[-1] != ' ' && p[-1] != ';') {
                p++;
                continue;
            }
            p += strlen(ZONE_COOKIE) + 1;
            size_t len = strcspn(p, "; ");
            if (len == 0 || len >= n) return false;
            memcpy(out, p, len);
            out[len] = '\0';
            return true;
        }
    }
    return false;
}

bool web_request_has_zone(const struct gl_http_req *req)
{
    char z[64];
    return cookie_zone(req, z, sizeof z);
}

void web_visitor_zone_load(struct web *w)
{
    char z[64];
    w->vzone[0] = '\0';
    if (cookie_zone(w->req, z, sizeof z) && gl_tz_valid(z) && strcmp(z, w->prof.timezone) != 0)
        snprintf(w->vzone, sizeof w->vzone, "%s", z);
}

const char *web_entry_zone(const struct web *w)
{
    return w->vzone[0] ? w->vzone : w->prof.timezone;
}

/* A post's time in zone, with its weekday, date and year, in the current language. */
static void fmt_full(const char *zone, int64_t t, char *out, size_t n)
{
    struct tm tm;
    gl_tz_local(zone, t, &tm);
    /* TRANSLATORS: a post's time, a strftime format ("%-d": the day without a leading zero);
     * in English "Tue 3 Nov 2026, 09:30". */
    gl_strftime(out, n, /* xgettext:no-c-format */ _("%a %-d %b %Y, %H:%M"), &tm);
}

void web_fmt_time(const struct web *w, int64_t t, char *out, size_t n)
{
    if (t == GL_TIME_NONE) {
        snprintf(out, n, "%s", _("no date yet"));
        return;
    }
    if (!w->vzone[0]) {
        fmt_full(w->prof.timezone, t, out, n);
        return;
    }
    char mine[96], theirs[48];
    fmt_full(w->vzone, t, mine, sizeof mine);
    struct tm v, p;
    gl_tz_local(w->vzone, t, &v);
    gl_tz_local(w->prof.timezone, t, &p);
    /* The profile's time with its weekday when that is another day than the visitor's. */
    if (v.tm_yday != p.tm_yday)
        /* TRANSLATORS: the team's time on another day than the visitor's, a strftime format;
         * in English "Wed 01:00". */
        gl_strftime(theirs, sizeof theirs, /* xgettext:no-c-format */ _("%a %H:%M"), &p);
    else
        snprintf(theirs, sizeof theirs, "%02d:%02d", p.tm_hour, p.tm_min);
    /* TRANSLATORS: a time in two zones: the visitor's date and time, their zone, the team's
     * time (with its weekday when another day) and the team's zone; in English
     * "Tue 3 Nov 2026, 10:00 your time (America/New_York) · 16:00 Europe/Paris". */
    snprintf(out, n, _("%s your time (%s) · %s %s"), mine, w->vzone, theirs, w->prof.timezone);
}

void web_cell_time(struct web *w, int64_t t)
{
    struct tm p;
    gl_tz_local(w->prof.timezone, t, &p);
    buf_printf(&w->out, "<span class=\"tm\">%02d:%02d</span> ", p.tm_hour, p.tm_min);
    if (!w->vzone[0]) return;
    struct tm v;
    gl_tz_local(w->vzone, t, &v);
    char hm[16], line[64];
    snprintf(hm, sizeof hm, "%02d:%02d", v.tm_hour, v.tm_min);
    /* TRANSLATORS: under a calendar cell's time in the team's zone, the visitor's: "10:00 your
     * time". */
    snprintf(line, sizeof line, _("%s your time"), hm);
    buf_puts(&w->out, "<span class=\"tmv\">");
    buf_html(&w->out, line);
    buf_puts(&w->out, "</span>");
}

static void zone_href(struct web *w, const char *back)
{
    buf_printf(&w->out, "%s/zone", w->base);
    if (back && *back) {
        buf_puts(&w->out, "?back=");
        buf_html(&w->out, back);
    }
}

void web_zone_note(struct web *w, const char *back)
{
    struct gl_buf *b = &w->out;
    buf_puts(b, "<p class=\"tz\">");
    if (w->vzone[0])
        /* TRANSLATORS: the visitor's time zone, then the team's (IANA names: Europe/Paris). */
        buf_text_printf(b, _("Times in your zone (%s) and in the team's (%s)."), w->vzone,
                 w->prof.timezone);
    else
        /* TRANSLATORS: %s is an IANA time zone name such as Europe/Paris. */
        buf_text_printf(b, _("Times in %s."), w->prof.timezone);
    buf_puts(b, " <a href=\"");
    zone_href(w, back);
    buf_puts(b, "\">");
    buf_html(b, w->vzone[0] ? _("Change your time zone") : _("Show times in your own time zone"));
    buf_puts(b, "</a></p>");
}

void web_zone_footer(struct web *w)
{
    buf_puts(&w->out, "<p class=\"zone\"><a href=\"");
    zone_href(w, NULL);
    buf_puts(&w->out, "\">");
    /* TRANSLATORS: the footer's link to the zone chooser; %s is an IANA name (Europe/Paris). */
    buf_text_printf(&w->out, _("Time zone: %s"), web_entry_zone(w));
    buf_puts(&w->out, "</a></p>");
}

/* ---- the chooser ---- */

static char **zones;
static size_t nzones;

void web_zones_free(void)
{
    gl_tz_list_free(zones, nzones);
    zones = NULL;
    nzones = 0;
}

/* Whether zone matches what the visitor typed: any part of its name, without regard to case,
 * a space standing for the underscore ("new york"). */
static bool zone_matches(const char *zone, const char *q)
{
    if (!*q) return true;
    size_t qn = strlen(q);
    for (const char *z = zone; *z; z++) {
        size_t i = 0;
        while (i < qn && z[i]) {
            char a = (char)tolower((unsigned char)z[i]), c = (char)tolower((unsigned char)q[i]);
            if (c == ' ') c = '_';
            if (a != c) break;
            i++;
        }
        if (i == qn) return true;
    }
    return false;
}

/* The page a "back" field names: the post it gives (digits), else the link's main page. */
static void back_path(const struct web *w, const char *back, char *out, size_t n)
{
    bool digits = back && *back && strlen(back) <= 20;
    for (const char *p = back; digits && *p; p++)
        digits = *p >= '0' && *p <= '9';
    if (digits)
        snprintf(out, n, "%s/p/%s", w->base, back);
    else
        snprintf(out, n, "%s", w->base);
}

static void zone_button(struct web *w, const char *zone, const char *label)
{
    buf_puts(&w->out, "<li><button class=\"btn\" name=\"zone\" value=\"");
    buf_html(&w->out, zone);
    buf_puts(&w->out, "\">");
    buf_html(&w->out, label);
    buf_puts(&w->out, "</button></li>");
}

void web_serve_zone(struct web *w, const struct web_args *a)
{
    if (!zones) nzones = gl_tz_list(&zones);
    const char *q = gl_form_get_trimmed(a->query, "q");
    const char *back = gl_form_get(a->query, "back");
    if (!q || strlen(q) > 64) q = "";
    char back_to[GL_TOKEN_LEN + 40];
    back_path(w, back, back_to, sizeof back_to);
    struct gl_buf *b = &w->out;
    page_begin(w, _("Your time zone"));
    buf_printf(b, "<nav class=\"crumbs\"><a href=\"%s\">", back_to);
    buf_html(b, _("‹ Back"));
    buf_puts(b, "</a></nav><section class=\"card\" aria-labelledby=\"zh\"><h1 id=\"zh\">");
    buf_html(b, _("Your time zone"));
    buf_puts(b, "</h1><p>");
    /* TRANSLATORS: %s is the team's IANA time zone name (Europe/Paris). */
    buf_text_printf(b, _("The team plans in %s."), w->prof.timezone);
    buf_puts(b, " ");
    buf_html(b, _("Choose your own zone and every time is shown in both."));
    buf_puts(b, "</p>");
    buf_printf(b, "<form method=\"get\" action=\"%s/zone\" class=\"stack\" role=\"search\">",
               w->base);
    if (back && *back) {
        buf_puts(b, "<input type=\"hidden\" name=\"back\" value=\"");
        buf_html(b, back);
        buf_puts(b, "\">");
    }
    buf_puts(b, "<label for=\"zq\">");
    buf_html(b, _("Search by city or region"));
    buf_puts(b, "</label><input id=\"zq\" name=\"q\" type=\"search\" maxlength=\"64\" value=\"");
    buf_html(b, q);
    buf_puts(b, "\"><button class=\"btn\" type=\"submit\">");
    /* TRANSLATORS: the button of the zone search. */
    buf_html(b, _("Search"));
    buf_puts(b, "</button></form>");

    buf_printf(b, "<form method=\"post\" action=\"%s/zone\">", w->base);
    buf_printf(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", w->csrf);
    if (back && *back) {
        buf_puts(b, "<input type=\"hidden\" name=\"back\" value=\"");
        buf_html(b, back);
        buf_puts(b, "\">");
    }
    size_t found = 0;
    for (size_t i = 0; i < nzones; i++)
        found += zone_matches(zones[i], q);
    buf_puts(b, "<h2>");
    if (!*q)
        buf_text_printf(b, ngettext("All %zu zone", "All %zu zones", found), found);
    else if (found == 1)
        buf_html(b, _("One zone matches"));
    else
        buf_text_printf(b, ngettext("%zu zone matches", "%zu zones match", found), found);
    buf_puts(b, "</h2>");
    if (found == 0) {
        buf_puts(b, "<p class=\"none\">");
        buf_html(b, _("No zone matches. Try a city's name."));
        buf_puts(b, "</p>");
    }
    buf_puts(b, "<ul class=\"zonelist\">");
    if (w->vzone[0]) {
        char label[120];
        /* TRANSLATORS: the choice that goes back to the team's zone (an IANA name). */
        snprintf(label, sizeof label, _("The team's zone (%s)"), w->prof.timezone);
        zone_button(w, "", label);
    }
    size_t shown = 0;
    for (size_t i = 0; i < nzones && shown < ZONES_SHOWN; i++)
        if (zone_matches(zones[i], q)) {
            zone_button(w, zones[i], zones[i]);
            shown++;
        }
    buf_puts(b, "</ul>");
    if (found > shown) {
        buf_puts(b, "<p class=\"hint\">");
        /* TRANSLATORS: how many zones matched but are not listed. */
        buf_text_printf(b,
                 ngettext("%zu more: search to narrow the list.",
                          "%zu more: search to narrow the list.", found - shown),
                 found - shown);
        buf_puts(b, "</p>");
    }
    buf_puts(b, "</form></section>");
    page_end(w);
    web_send(w, 200);
}

void web_post_zone(struct web *w, const struct web_args *a)
{
    const char *zone = gl_form_get_trimmed(a->form, "zone");
    char back_to[GL_TOKEN_LEN + 40];
    back_path(w, gl_form_get(a->form, "back"), back_to, sizeof back_to);
    if (!zone) zone = "";
    if (*zone && !gl_tz_valid(zone)) {
        web_message(w, 422, _("Unknown time zone"),
                    _("That is not a time zone we know. Please choose one from the list."), back_to,
                    _("Back"));
        return;
    }
    /* The team's own zone is no choice: the cookie goes. */
    bool clear = !*zone || strcmp(zone, w->prof.timezone) == 0;
    buf_printf(&w->hdrs,
               "Set-Cookie: " ZONE_COOKIE "=%s; Path=%s; Max-Age=%d; HttpOnly; SameSite=Lax%s\r\n",
               clear ? "" : zone, w->base, clear ? 0 : 365 * 86400, web_secure() ? "; Secure" : "");
    web_redirect(w, back_to);
}
