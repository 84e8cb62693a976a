/* The iCalendar feed of a calendar or collab link (RFC 5545): one VEVENT per visible post, in
 * UTC, lines folded at 75 octets, text escaped. Google Calendar, Apple Calendar and
 * Thunderbird subscribe to it by URL. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "webctx.h"

#include "i18n.h"

/* Appends one content line, escaping TEXT when asked and folding every 75 octets without
 * cutting a UTF-8 character. */
static void line(struct gl_buf *b, const char *name, const char *value, bool text)
{
    struct gl_buf l;
    buf_init(&l, 128);
    buf_puts(&l, name);
    buf_puts(&l, ":");
    for (const char *p = value; *p; p++) {
        if (text && (*p == '\\' || *p == ';' || *p == ',')) {
            buf_put(&l, "\\", 1);
            buf_put(&l, p, 1);
        } else if (text && *p == '\n') {
            buf_puts(&l, "\\n");
        } else if (*p == '\r' || (unsigned char)*p < 0x20) {
            continue;
        } else {
            buf_put(&l, p, 1);
        }
    }
    size_t i = 0, width = 75;
    while (i < l.n) {
        size_t take = l.n - i < width ? l.n - i : width;
        while (i + take < l.n && take > 0 && ((unsigned char)l.p[i + take] & 0xC0) == 0x80) take--;
        if (i) buf_put(b, " ", 1);
        buf_put(b, l.p + i, take);
        buf_puts(b, "\r\n");
        i += take;
        width = 74; /* the leading space counts */
    }
    buf_free(&l);
}

static void utc(int64_t t, char *out, size_t n)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, n, "%Y%m%dT%H%M%SZ", &tm);
}

void ical_render(struct web *w, const struct gl_postv *posts, const char *public_url)
{
    struct gl_buf *b = &w->out;
    buf_puts(b, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Greenlight//Greenlight//EN\r\n"
                "CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n");
    char name[256];
    /* TRANSLATORS: the calendar's name in a calendar app: the profile's name and the kind. */
    snprintf(name, sizeof name, _("%s (%s)"), brand_name(w),
             w->link.kind == LINK_COLLAB ? _("collaboration") : _("content calendar"));
    line(b, "X-WR-CALNAME", name, true);
    line(b, "X-WR-TIMEZONE", w->prof.timezone, false);
    buf_puts(b, "REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\nX-PUBLISHED-TTL:PT1H\r\n");
    for (size_t i = 0; i < posts->n; i++) {
        const struct gl_post *p = &posts->items[i];
        if (p->scheduled_at == GL_TIME_NONE) continue;
        char uid[96], start[32], mod[32], seq[16];
        snprintf(uid, sizeof uid, "post-%llu-link-%llu@greenlight", (unsigned long long)p->id,
                 (unsigned long long)w->link.id);
        utc(p->scheduled_at, start, sizeof start);
        /* The post's own time, not the clock's: the feed's bytes, and so its ETag, change only
         * when what it shows does, and a calendar program polling with If-None-Match gets 304. */
        utc(p->updated_at ? p->updated_at : p->created_at, mod, sizeof mod);
        snprintf(seq, sizeof seq, "%u", p->revision);
        buf_puts(b, "BEGIN:VEVENT\r\n");
        line(b, "UID", uid, false);
        line(b, "DTSTAMP", mod, false);
        line(b, "DTSTART", start, false);
        buf_puts(b, "DURATION:PT30M\r\n");
        line(b, "LAST-MODIFIED", mod, false);
        line(b, "SEQUENCE", seq, false);
        struct gl_buf s;
        buf_init(&s, 256);
        buf_printf(&s, "[%s] ", web_status_label(w, p->status));
        for (size_t k = 0; k < p->nplatforms; k++) {
            if (k) buf_puts(&s, ", ");
            buf_puts(&s, p->platforms[k]);
        }
        buf_puts(&s, ": ");
        size_t cap = strlen(p->caption), cut = cap > 80 ? 80 : cap;
        while (cut < cap && cut > 0 && ((unsigned char)p->caption[cut] & 0xC0) == 0x80) cut--;
        buf_put(&s, p->caption, cut);
        if (cut < cap) buf_puts(&s, "…");
        for (size_t k = 0; k < s.n; k++)
            if (s.p[k] == '\n') s.p[k] = ' ';
        line(b, "SUMMARY", s.p, true);
        s.n = 0;
        buf_puts(&s, p->caption);
        if (p->notes && *p->notes && web_shows(w, LF_NOTES)) {
            buf_printf(&s, "\n\n%s ", _("Notes for approvers:"));
            buf_puts(&s, p->notes);
        }
        buf_puts(&s, "\n\n");
        buf_printf(&s, _("Status: %s"), web_status_label(w, p->status));
        line(b, "DESCRIPTION", s.p, true);
        s.n = 0;
        buf_printf(&s, "%s%s/p/%llu", public_url, w->base, (unsigned long long)p->id);
        line(b, "URL", s.p, false);
        buf_free(&s);
        buf_puts(b, p->status == ST_SCHEDULED || p->status == ST_PUBLISHING ||
                            p->status == ST_PUBLISHED
                        ? "STATUS:CONFIRMED\r\n"
                        : "STATUS:TENTATIVE\r\n");
        buf_puts(b, "TRANSP:TRANSPARENT\r\nEND:VEVENT\r\n");
    }
    buf_puts(b, "END:VCALENDAR\r\n");
}
