/* The HTML of the link pages: semantic markup, forms that work without JavaScript, every piece
 * of user text escaped. One stylesheet (webstatic.c) makes it readable on a phone and a desktop. */
#include "webctx.h"

#include <http_parser.h>
#include <string.h>

#include "brand.h"
#include "captiondiff.h"
#include "events.h"
#include "pagetime.h"
#include "i18n.h"
#include "pagepreview.h"
#include "rpc.h"
#include "tz.h"
#include "util.h"
#include "webstatic.h"

/* Appends fmt (a translated string) with its text HTML-escaped and each %s, or %N$s where a
 * language orders them otherwise, replaced by the matching one of args, as given: HTML the
 * caller made safe. "%%" is a percent sign; nothing else is a conversion. */
static void tr_html(struct gl_buf *b, const char *fmt, const char *const *args)
{
    size_t nargs = 0, next = 0;
    while (args[nargs])
        nargs++;
    const char *p = fmt, *lit = fmt;
    while ((p = strchr(p, '%'))) {
        buf_html_n(b, lit, (size_t)(p - lit));
        size_t k = next, i = 1;
        if (p[1] >= '1' && p[1] <= '9' && p[2] == '$') k = (size_t)(p[1] - '1'), i = 3;
        if (p[i] == 's') {
            if (k < nargs) buf_puts(b, args[k]);
            if (i == 1) next++;
            p += i + 1;
        } else {
            buf_put(b, "%", 1);
            p += p[1] == '%' ? 2 : 1;
        }
        lit = p;
    }
    buf_html(b, lit);
}
/* TR(b, _("Signed in as %s"), html, ...) */
#define TR(b, fmt, ...) tr_html(b, fmt, (const char *const[]){__VA_ARGS__, NULL})

/* "December 2026" in the current language. */
static void fmt_month(int year, int month, char *out, size_t n)
{
    struct tm tm = {.tm_year = year - 1900, .tm_mon = month - 1, .tm_mday = 1};
    /* TRANSLATORS: a month's heading, a strftime format; in English "December 2026". */
    gl_strftime(out, n, /* xgettext:no-c-format */ _("%B %Y"), &tm);
}

static void csrf_field(struct web *w)
{
    buf_printf(&w->out, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", w->csrf);
}

static const char *kind_title(const struct web *w)
{
    return _(gl_link_policy(w->link.kind)->title);
}

void page_begin(struct web *w, const char *title)
{
    struct gl_buf *b = &w->out;
    buf_printf(b, "<!doctype html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">",
               gl_lang_tag(gl_lang_current()));
    buf_puts(b, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                "<meta name=\"robots\" content=\"noindex, nofollow\"><title>");
    buf_html(b, title);
    if (w->prof.name) {
        buf_puts(b, " · ");
        buf_html(b, brand_name(w));
    }
    buf_printf(b, "</title><link rel=\"stylesheet\" href=\"/static/style.%s.css\">",
               gl_web_css_hash);
    brand_head(w);
    buf_puts(b, "</head>\n<body><a class=\"skip\" href=\"#main\">");
    buf_html(b, _("Skip to content"));
    buf_puts(b, "</a><header class=\"top\"><div class=\"wrap bar\"><p class=\"brand\">");
    if (w->prof.name) {
        brand_header(w);
        buf_puts(b, " <span class=\"kind\">");
        buf_html(b, kind_title(w));
        buf_puts(b, "</span>");
    } else {
        buf_puts(b, "Greenlight");
    }
    buf_puts(b, "</p>");
    if (w->signed_in && w->visitor && *w->visitor) {
        buf_puts(b, "<form class=\"who\" method=\"post\" action=\"");
        buf_puts(b, w->base);
        buf_puts(b, "/signout\"><span>");
        struct gl_buf who;
        buf_init(&who, 64);
        buf_puts(&who, "<strong>");
        buf_html(&who, w->visitor);
        buf_puts(&who, "</strong>");
        TR(b, _("Signed in as %s"), who.p);
        buf_free(&who);
        buf_puts(b, "</span>");
        csrf_field(w);
        buf_puts(b, "<button class=\"link\" type=\"submit\">");
        buf_html(b, _("Sign out"));
        buf_puts(b, "</button></form>");
    }
    buf_puts(b, "</div></header>\n<main id=\"main\" class=\"wrap\">");
}

/* Where the language switch leads: this page (a query alone keeps the path, so a page says
 * nothing of its own address), unless it answers a form: then the link's main page, as a
 * form's address is not one to open. */
static const char *switch_href(const struct web *w)
{
    bool get = w->req && (w->req->method == HTTP_GET || w->req->method == HTTP_HEAD);
    return get ? "" : w->base;
}

/* The visitor's language switch: plain links to this page in each language (web.c remembers
 * the choice for the rest of the visit). */
void page_language_switch(struct web *w)
{
    struct gl_buf *b = &w->out;
    enum gl_lang cur = gl_lang_current();
    if (!w->link.id) return; /* no link (not found): nothing to remember a choice for */
    buf_puts(b, "<nav class=\"langs\" aria-label=\"");
    buf_html(b, _("Language"));
    buf_puts(b, "\"><ul>");
    for (int l = 0; l < LANG_COUNT; l++) {
        const char *tag = gl_lang_tag((enum gl_lang)l);
        if ((enum gl_lang)l == cur) {
            buf_printf(b, "<li><span lang=\"%s\" aria-current=\"true\">", tag);
        } else {
            buf_puts(b, "<li><a href=\"");
            buf_html(b, switch_href(w));
            buf_printf(b, "?lang=%s\" hreflang=\"%s\" lang=\"%s\">", tag, tag, tag);
        }
        buf_html(b, gl_lang_native((enum gl_lang)l));
        buf_puts(b, (enum gl_lang)l == cur ? "</span></li>" : "</a></li>");
    }
    buf_puts(b, "</ul></nav>");
}

void page_end(struct web *w)
{
    buf_puts(&w->out, "</main>");
    brand_footer(w);
    buf_puts(&w->out, "</body></html>\n");
}

void page_message(struct web *w, const char *title, const char *text, const char *back_href,
                  const char *back_label)
{
    page_begin(w, title);
    buf_puts(&w->out, "<section class=\"card msg\"><h1>");
    buf_html(&w->out, title);
    buf_puts(&w->out, "</h1><p>");
    buf_html(&w->out, text);
    buf_puts(&w->out, "</p>");
    if (back_href) {
        buf_puts(&w->out, "<p><a class=\"btn\" href=\"");
        buf_html(&w->out, back_href);
        buf_puts(&w->out, "\">");
        buf_html(&w->out, back_label);
        buf_puts(&w->out, "</a></p>");
    }
    buf_puts(&w->out, "</section>");
    page_end(w);
}

void page_signin(struct web *w, const char *error)
{
    struct gl_buf *b = &w->out;
    page_begin(w, _("Sign in"));
    bool ask_name = gl_link_policy(w->link.kind)->asks_name;
    buf_puts(b, "<section class=\"card narrow\"><h1>");
    if (w->link.kind == LINK_APPROVAL)
        buf_html(b, _("Posts waiting for your approval"));
    else if (w->link.kind == LINK_COLLAB)
        buf_html(b, _("Welcome to the collaboration area"));
    else
        buf_html(b, _("Shared content calendar"));
    buf_puts(b, "</h1><p>");
    struct gl_buf who;
    buf_init(&who, 64);
    buf_html(&who, brand_name(w));
    /* TRANSLATORS: %s is the profile's (the agency's client's) name. */
    TR(b, _("%s shared this with you."), who.p);
    buf_free(&who);
    if (ask_name) {
        buf_puts(b, " ");
        buf_html(b, _("Your name is shown to the team next to your decisions and comments."));
    }
    buf_puts(b, "</p>");
    if (error) {
        buf_puts(b, "<p class=\"alert\" role=\"alert\">");
        buf_html(b, error);
        buf_puts(b, "</p>");
    }
    buf_printf(b, "<form method=\"post\" action=\"%s/session\" class=\"stack\">", w->base);
    csrf_field(w);
    if (ask_name) {
        buf_puts(b, "<label for=\"name\">");
        buf_html(b, _("Your name"));
        buf_puts(b, "</label><input id=\"name\" name=\"name\" autocomplete=\"name\" required "
                    "maxlength=\"100\"");
        if (w->link.approver) {
            buf_puts(b, " value=\"");
            buf_html(b, w->link.approver);
            buf_puts(b, "\"");
        }
        buf_puts(b, ">");
    }
    if (w->link.pwhash) {
        buf_puts(b, "<label for=\"password\">");
        buf_html(b, _("Password"));
        buf_puts(b, "</label><input id=\"password\" name=\"password\" type=\"password\" "
                    "autocomplete=\"current-password\" required maxlength=\"256\">");
    }
    buf_puts(b, "<button class=\"btn primary\" type=\"submit\">");
    buf_html(b, _("Continue"));
    buf_puts(b, "</button></form></section>");
    page_end(w);
}

void page_expired(struct web *w, bool requested)
{
    struct gl_buf *b = &w->out;
    page_begin(w, _("This link has expired"));
    buf_puts(b, "<section class=\"card narrow msg\"><h1>");
    buf_html(b, _("This link has expired"));
    buf_puts(b, "</h1>");
    if (requested) {
        buf_puts(b, "<p class=\"ok-note\" role=\"status\">");
        buf_html(b, _("Thank you. The team has been told and will send you a new link."));
        buf_puts(b, "</p>");
    } else {
        buf_puts(b, "<p>");
        buf_html(b, _("For your security, links to this area stop working after a while. You "
                      "can ask the team for a new one."));
        buf_puts(b, "</p>");
        buf_printf(b, "<form method=\"post\" action=\"%s/request\">", w->base);
        csrf_field(w);
        buf_puts(b, "<button class=\"btn primary\" type=\"submit\">");
        buf_html(b, _("Request a new link"));
        buf_puts(b, "</button></form>");
    }
    buf_puts(b, "</section>");
    page_end(w);
}

static void platforms(struct gl_buf *b, const struct gl_post *p, const char *sep)
{
    for (size_t i = 0; i < p->nplatforms; i++) {
        if (i) buf_puts(b, sep);
        buf_html(b, p->platforms[i]);
    }
}

static void badge(struct web *w, enum gl_status s)
{
    buf_printf(&w->out, "<span class=\"badge %s\">", web_status_class(w, s));
    buf_html(&w->out, web_status_label(w, s));
    buf_puts(&w->out, "</span>");
}

/* ---- the month ---- */

/* "Times in Europe/Paris", a paragraph of class cls. */
static void month_href(struct web *w, int year, int month)
{
    if (month < 1) {
        month = 12;
        year--;
    } else if (month > 12) {
        month = 1;
        year++;
    }
    buf_printf(&w->out, "%s?month=%04d-%02d", w->base, year, month);
}

void page_month(struct web *w, int year, int month, const struct gl_postv *posts, bool prev,
                bool next)
{
    struct gl_buf *b = &w->out;
    buf_puts(b, "<section class=\"month\" aria-labelledby=\"mh\"><div class=\"monthbar\">");
    int pm = month == 1 ? 12 : month - 1, nm = month == 12 ? 1 : month + 1;
    if (prev) {
        buf_puts(b, "<a class=\"nav\" rel=\"prev\" href=\"");
        month_href(w, year, month - 1);
        buf_puts(b, "\"><span aria-hidden=\"true\">‹</span> <span class=\"full\">");
        buf_html(b, gl_month_name(pm, false));
        buf_puts(b, "</span><span class=\"short\">");
        buf_html(b, gl_month_name(pm, true));
        buf_puts(b, "</span></a>");
    } else {
        buf_puts(b, "<span class=\"nav\"></span>");
    }
    char heading[64];
    fmt_month(year, month, heading, sizeof heading);
    buf_puts(b, "<h2 id=\"mh\">");
    buf_html(b, heading);
    buf_puts(b, "</h2>");
    if (next) {
        buf_puts(b, "<a class=\"nav\" rel=\"next\" href=\"");
        month_href(w, year, month + 1);
        buf_puts(b, "\"><span class=\"full\">");
        buf_html(b, gl_month_name(nm, false));
        buf_puts(b, "</span><span class=\"short\">");
        buf_html(b, gl_month_name(nm, true));
        buf_puts(b, "</span> <span aria-hidden=\"true\">›</span></a>");
    } else {
        buf_puts(b, "<span class=\"nav\"></span>");
    }
    buf_puts(b, "</div>");
    web_zone_note(w, NULL);

    struct tm today;
    gl_tz_local(w->prof.timezone, w->now, &today);
    bool this_month = today.tm_year + 1900 == year && today.tm_mon + 1 == month;
    int first = gl_first_weekday(); /* the language's first column (i18n.h) */
    int lead = (gl_weekday(year, month, 1) - first + 7) % 7;
    int days = gl_days_in_month(year, month);

    /* Posts by day: they come sorted by time, so one pass. */
    size_t pi = 0;
    int *pday = msgpack_zone_malloc(&w->zone, sizeof *pday * (posts->n + 1));
    for (size_t i = 0; i < posts->n; i++) {
        struct tm tm;
        gl_tz_local(w->prof.timezone, posts->items[i].scheduled_at, &tm);
        pday[i] = tm.tm_mday;
    }

    buf_puts(b, "<table class=\"cal\"><thead><tr>");
    for (int c = 0; c < 7; c++) {
        int wd = (first + c) % 7;
        buf_puts(b, "<th scope=\"col\" abbr=\"");
        buf_html(b, gl_day_name(wd, false));
        buf_puts(b, "\">");
        buf_html(b, gl_day_name(wd, true));
        buf_puts(b, "</th>");
    }
    buf_puts(b, "</tr></thead><tbody>");
    int cells = lead + days;
    int rows = (cells + 6) / 7;
    for (int r = 0; r < rows; r++) {
        buf_puts(b, "<tr>");
        for (int c = 0; c < 7; c++) {
            int day = r * 7 + c - lead + 1;
            if (day < 1 || day > days) {
                buf_puts(b, "<td class=\"out\"></td>");
                continue;
            }
            size_t start = pi;
            while (pi < posts->n && pday[pi] == day) pi++;
            bool is_today = this_month && today.tm_mday == day;
            int wd = (first + c) % 7;
            buf_printf(b, "<td class=\"day%s%s\"%s><div class=\"dnum\"><span class=\"dow\">",
                       is_today ? " today" : "", start == pi ? " empty" : "",
                       is_today ? " aria-current=\"date\"" : "");
            buf_html(b, gl_day_name(wd, true));
            buf_printf(b, "</span> <span class=\"dn\">%d</span>", day);
            if (is_today) {
                buf_puts(b, " <span class=\"tlabel\">");
                buf_html(b, _("Today"));
                buf_puts(b, "</span>");
            }
            buf_puts(b, "</div>");
            if (start < pi) {
                buf_puts(b, "<ul>");
                for (size_t i = start; i < pi; i++) {
                    const struct gl_post *p = &posts->items[i];
                    buf_printf(b, "<li><a class=\"post %s\" href=\"%s/p/%llu\">",
                               web_status_class(w, p->status), w->base,
                               (unsigned long long)p->id);
                    web_cell_time(w, p->scheduled_at);
                    badge(w, p->status);
                    buf_puts(b, "<span class=\"plat\">");
                    platforms(b, p, " · ");
                    buf_puts(b, "</span><span class=\"cap\">");
                    buf_html_start(b, p->caption, 60);
                    buf_puts(b, "</span></a></li>");
                }
                buf_puts(b, "</ul>");
            }
            buf_puts(b, "</td>");
        }
        buf_puts(b, "</tr>");
    }
    buf_puts(b, "</tbody></table>");
    if (posts->n == 0) {
        buf_puts(b, "<p class=\"none\">");
        buf_html(b, _("Nothing planned this month."));
        buf_puts(b, "</p>");
    }
    buf_puts(b, "</section>");
}

/* ---- the main page of each kind ---- */

static void flash_box(struct web *w, const char *flash)
{
    if (!flash) return;
    buf_puts(&w->out, "<p class=\"flash\" role=\"status\">");
    buf_html(&w->out, flash);
    buf_puts(&w->out, "</p>");
}

static void queue_item(struct web *w, const struct gl_post *p, bool checkbox)
{
    struct gl_buf *b = &w->out;
    char when[WEB_TIME_LEN];
    web_fmt_time(w, p->scheduled_at, when, sizeof when);
    buf_puts(b, "<li class=\"qitem\">");
    if (checkbox) {
        buf_printf(b, "<input type=\"checkbox\" name=\"post\" value=\"%llu\" id=\"sel%llu\">"
                      "<input type=\"hidden\" name=\"rev%llu\" value=\"%u\">",
                   (unsigned long long)p->id, (unsigned long long)p->id,
                   (unsigned long long)p->id, p->revision);
        buf_printf(b, "<label for=\"sel%llu\" class=\"qbody\">", (unsigned long long)p->id);
    } else {
        buf_puts(b, "<div class=\"qbody\">");
    }
    buf_puts(b, "<span class=\"qwhen\">");
    buf_html(b, when); /* the translated formats are text */
    buf_puts(b, "</span> ");
    badge(w, p->status);
    /* Edited since this visitor last looked: say so in the list already. */
    struct gl_seen seen;
    if (w->signed_in && w->visitor && *w->visitor &&
        gl_seen_load(&w->t, w->link.id, p->id, w->visitor, &w->zone, &seen) == 0 &&
        gl_seen_differs(&seen, p)) {
        buf_puts(b, " <span class=\"badge st-changed\">");
        buf_html(b, _("changed since you saw it"));
        buf_puts(b, "</span>");
    }
    buf_puts(b, " <span class=\"plat\">");
    platforms(b, p, " · ");
    buf_puts(b, "</span><span class=\"cap\">");
    buf_html_start(b, p->caption, 140);
    buf_puts(b, "</span>");
    buf_puts(b, checkbox ? "</label>" : "</div>");
    char id[24];
    snprintf(id, sizeof id, "%llu", (unsigned long long)p->id);
    buf_printf(b, "<a class=\"btn small\" href=\"%s/p/%s\">", w->base, id);
    buf_html(b, _("Open"));
    buf_puts(b, "<span class=\"vh\"> ");
    /* TRANSLATORS: after "Open", for screen readers: which post (its number). */
    TR(b, _("post %s"), id);
    buf_puts(b, "</span></a></li>");
}

/* The h1 of a main page: fmt with the profile's name for its %s. */
static void heading(struct web *w, const char *fmt)
{
    struct gl_buf name;
    buf_init(&name, 64);
    buf_html(&name, brand_name(w));
    buf_puts(&w->out, "<h1>");
    TR(&w->out, fmt, name.p);
    buf_puts(&w->out, "</h1>");
    buf_free(&name);
}

/* <label for=id>Note <span class=hint>(hint)</span></label> */
static void note_label(struct gl_buf *b, const char *id, const char *hint)
{
    buf_printf(b, "<label for=\"%s\">", id);
    buf_html(b, _("Note"));
    buf_puts(b, " <span class=\"hint\">");
    buf_html(b, hint);
    buf_puts(b, "</span></label>");
}

void page_main(struct web *w, int year, int month, const struct gl_postv *month_posts,
               bool prev, bool next, const struct gl_postv *queue, const char *flash)
{
    struct gl_buf *b = &w->out;
    if (w->link.kind == LINK_CALENDAR) {
        page_begin(w, _("Content calendar"));
        heading(w, _("%s: content calendar"));
        flash_box(w, flash);
        page_month(w, year, month, month_posts, prev, next);
        buf_printf(b, "<p class=\"subscribe\"><a href=\"%s/calendar.ics\">", w->base);
        buf_html(b, _("Subscribe to this calendar"));
        buf_puts(b, "</a> ");
        buf_html(b, _("(iCalendar feed for Google Calendar, Apple Calendar, Thunderbird)"));
        buf_puts(b, "</p>");
        page_end(w);
        return;
    }
    if (w->link.kind == LINK_COLLAB) {
        page_begin(w, _("Collaboration"));
        heading(w, _("%s: collaboration"));
        flash_box(w, flash);
        buf_puts(b, "<div class=\"cols\"><aside class=\"queue card\" aria-labelledby=\"qh\">");
        buf_puts(b, "<h2 id=\"qh\">");
        buf_html(b, _("Awaiting approval"));
        buf_printf(b, " <span class=\"count\">%zu</span></h2>", queue->n);
        if (queue->n == 0) {
            buf_puts(b, "<p class=\"none\">");
            buf_html(b, _("Nothing is waiting for approval."));
            buf_puts(b, "</p>");
        } else {
            buf_puts(b, "<ul class=\"qlist\">");
            for (size_t i = 0; i < queue->n; i++) queue_item(w, &queue->items[i], false);
            buf_puts(b, "</ul>");
        }
        buf_puts(b, "</aside><div class=\"calcol\">");
        page_month(w, year, month, month_posts, prev, next);
        buf_printf(b, "<p class=\"subscribe\"><a href=\"%s/calendar.ics\">", w->base);
        buf_html(b, _("Subscribe to this calendar"));
        buf_puts(b, "</a></p>");
        buf_puts(b, "</div></div>");
        page_end(w);
        return;
    }
    /* Approval: the posts to decide on, with bulk decisions. */
    page_begin(w, _("Approval"));
    struct gl_buf who;
    buf_init(&who, 64);
    buf_html(&who, w->visitor && *w->visitor ? w->visitor : w->link.approver);
    buf_puts(b, "<h1>");
    /* TRANSLATORS: %s is the approver's name. */
    TR(b, _("Posts for %s to review"), who.p);
    buf_puts(b, "</h1>");
    buf_free(&who);
    flash_box(w, flash);
    if (w->link.expires_at) {
        char when[WEB_TIME_LEN];
        web_fmt_time(w, w->link.expires_at, when, sizeof when);
        struct gl_buf until, zone;
        buf_init(&until, 64);
        buf_init(&zone, 64);
        buf_html(&until, when);
        buf_html(&zone, w->prof.timezone);
        buf_puts(b, "<p class=\"meta\">");
        /* A dual time (a visitor's own zone) names both zones itself. */
        if (w->vzone[0])
            TR(b, _("This link works until %s."), until.p);
        else
            /* TRANSLATORS: a time and its zone: "Tue 3 Nov 2026, 09:30 (Europe/Paris)". */
            TR(b, _("This link works until %s (%s)."), until.p, zone.p);
        buf_puts(b, "</p>");
        buf_free(&until);
        buf_free(&zone);
    }
    /* Mail (notify.c): when this link's approver was last reminded of a post due soon. */
    if (w->link.reminded_at) {
        char when[WEB_TIME_LEN];
        web_fmt_time(w, w->link.reminded_at, when, sizeof when);
        struct gl_buf on, zone;
        buf_init(&on, 64);
        buf_init(&zone, 64);
        buf_html(&on, when);
        buf_html(&zone, w->prof.timezone);
        buf_puts(b, "<p class=\"meta reminded\">");
        /* A dual time (a visitor's own zone) names both zones itself. */
        if (w->vzone[0])
            TR(b, _("You were reminded by mail on %s."), on.p);
        else
            /* TRANSLATORS: a time and its zone: "Tue 3 Nov 2026, 09:30 (Europe/Paris)". */
            TR(b, _("You were reminded by mail on %s (%s)."), on.p, zone.p);
        buf_puts(b, "</p>");
        buf_free(&on);
        buf_free(&zone);
    }
    size_t actionable = 0;
    for (size_t i = 0; i < queue->n; i++)
        actionable += web_may_decide(w, &queue->items[i]);
    if (queue->n == 0) {
        buf_puts(b, "<section class=\"card\"><p class=\"none\">");
        buf_html(b, _("Nothing is waiting for your approval. Thank you!"));
        buf_puts(b, "</p></section>");
        page_decided(w);
        page_end(w);
        return;
    }
    buf_printf(b, "<form method=\"post\" action=\"%s/bulk\" class=\"card\">", w->base);
    csrf_field(w);
    buf_puts(b, "<h2>");
    buf_html(b, _("Waiting for you"));
    buf_printf(b, " <span class=\"count\">%zu</span></h2><ul class=\"qlist\">", actionable);
    for (size_t i = 0; i < queue->n; i++)
        if (web_may_decide(w, &queue->items[i])) queue_item(w, &queue->items[i], true);
    buf_puts(b, "</ul>");
    if (actionable) {
        buf_puts(b, "<fieldset class=\"bulk\"><legend>");
        buf_html(b, _("Decide on the selected posts"));
        buf_puts(b, "</legend>");
        note_label(b, "bnote", _("(required when you request changes)"));
        buf_puts(b, "<textarea id=\"bnote\" name=\"note\" rows=\"2\" maxlength=\"5000\">"
                    "</textarea><div class=\"btns\"><button class=\"btn ok\" name=\"action\" "
                    "value=\"approve\">");
        buf_html(b, _("Approve selected"));
        buf_puts(b, "</button><button class=\"btn warn\" name=\"action\" value=\"reject\">");
        buf_html(b, _("Request changes on selected"));
        buf_puts(b, "</button></div></fieldset>");
    }
    buf_puts(b, "</form>");
    if (actionable < queue->n) {
        buf_puts(b, "<section class=\"card\"><h2>");
        buf_html(b, _("Already decided, or not yours to decide yet"));
        buf_puts(b, "</h2><ul class=\"qlist\">");
        for (size_t i = 0; i < queue->n; i++)
            if (!web_may_decide(w, &queue->items[i])) queue_item(w, &queue->items[i], false);
        buf_puts(b, "</ul></section>");
    }
    page_decided(w);
    page_end(w);
}

/* ---- the detail of a post ---- */

static bool in_strlist(const char **v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i], s) == 0) return true;
    return false;
}

static bool in_intlist(const int64_t *v, size_t n, int64_t x)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == x) return true;
    return false;
}

static void changes(struct web *w, const struct gl_post *p, const struct gl_seen *s)
{
    struct gl_buf *b = &w->out;
    char when[WEB_TIME_LEN];
    web_fmt_time(w, s->at, when, sizeof when);
    buf_puts(b, "<section class=\"card changes\" aria-labelledby=\"chh\"><h2 id=\"chh\">");
    buf_html(b, _("What changed since you last saw it"));
    buf_puts(b, "</h2><p class=\"meta\">");
    char was[16], is[16];
    snprintf(was, sizeof was, "%u", s->revision);
    snprintf(is, sizeof is, "%u", p->revision);
    struct gl_buf on;
    buf_init(&on, 64);
    buf_html(&on, when);
    /* TRANSLATORS: revision numbers and a time: "revision 2 on Tue 3 Nov 2026, 09:30". */
    TR(b, _("You last saw revision %s on %s; this is revision %s."), was, on.p, is);
    buf_free(&on);
    buf_puts(b, "</p><dl>");
    if (s->scheduled_at != p->scheduled_at) {
        char a[WEB_TIME_LEN], c[WEB_TIME_LEN];
        web_fmt_time(w, s->scheduled_at, a, sizeof a);
        web_fmt_time(w, p->scheduled_at, c, sizeof c);
        buf_puts(b, "<dt>");
        buf_html(b, _("Time"));
        buf_puts(b, "</dt><dd><del>");
        buf_html(b, a);
        buf_puts(b, "</del> → <ins>");
        buf_html(b, c);
        buf_puts(b, "</ins></dd>");
    }
    bool plat = s->nplatforms != p->nplatforms;
    for (size_t i = 0; !plat && i < p->nplatforms; i++)
        plat = strcmp(s->platforms[i], p->platforms[i]) != 0;
    if (plat) {
        buf_puts(b, "<dt>");
        buf_html(b, _("Platforms"));
        buf_puts(b, "</dt><dd>");
        bool any = false;
        for (size_t i = 0; i < p->nplatforms; i++)
            if (!in_strlist(s->platforms, s->nplatforms, p->platforms[i])) {
                if (any) {
                    buf_puts(b, ", ");
                } else {
                    /* TRANSLATORS: before the platforms added to a post ("added x, threads"). */
                    buf_html(b, _("added"));
                    buf_puts(b, " ");
                }
                buf_puts(b, "<ins>");
                buf_html(b, p->platforms[i]);
                buf_puts(b, "</ins>");
                any = true;
            }
        bool anyr = false;
        for (size_t i = 0; i < s->nplatforms; i++)
            if (!in_strlist(p->platforms, p->nplatforms, s->platforms[i])) {
                if (anyr) {
                    buf_puts(b, ", ");
                } else {
                    buf_puts(b, any ? "; " : "");
                    /* TRANSLATORS: before the platforms taken off a post. */
                    buf_html(b, _("removed"));
                    buf_puts(b, " ");
                }
                buf_puts(b, "<del>");
                buf_html(b, s->platforms[i]);
                buf_puts(b, "</del>");
                anyr = true;
            }
        if (!any && !anyr) buf_html(b, _("same platforms, new order"));
        buf_puts(b, "</dd>");
    }
    size_t madd = 0, mrem = 0;
    for (size_t i = 0; i < p->nmedia; i++) madd += !in_intlist(s->media, s->nmedia, p->media[i]);
    for (size_t i = 0; i < s->nmedia; i++) mrem += !in_intlist(p->media, p->nmedia, s->media[i]);
    if (madd || mrem || s->nmedia != p->nmedia) {
        buf_puts(b, "<dt>");
        buf_html(b, _("Media"));
        buf_puts(b, "</dt><dd>");
        char added[64], removed[64];
        /* TRANSLATORS: how many images or videos were added to / taken off a post. */
        snprintf(added, sizeof added, NC_("media", "%zu added", "%zu added", madd), madd);
        snprintf(removed, sizeof removed, NC_("media", "%zu removed", "%zu removed", mrem), mrem);
        TR(b, _("%s, %s"), added, removed);
        buf_puts(b, "</dd>");
    }
    if (strcmp(s->caption, p->caption) != 0) {
        buf_puts(b, "<dt>");
        buf_html(b, _("Caption"));
        buf_puts(b, "</dt><dd>");
        gl_caption_diff_html(b, &w->zone, s->caption, p->caption);
        buf_puts(b, "</dd>");
    }
    buf_puts(b, "</dl></section>");
}

/* Decisions made through links (history entries by external people), with their notes:
 * visible to the team and to the other collaborators. */
struct reviews_ctx {
    struct web *w;
    bool any;
};

static bool review(const struct gl_history *h, void *ctx)
{
    struct reviews_ctx *c = ctx;
    struct web *w = c->w;
    struct gl_buf *b = &w->out;
    if (!h->actor_kind || strcmp(h->actor_kind, "external") != 0 || !h->type) return true;
    /* TRANSLATORS: a review, "<name> approved (revision 2, Tue 3 Nov 2026, 09:30)": %1$s
     * the name, %2$s the details. */
    const char *fmt =
        strcmp(h->type, gl_history_type_name(HIST_APPROVED)) == 0   ? _("%s approved %s")
        : strcmp(h->type, gl_history_type_name(HIST_REJECTED)) == 0 ? _("%s requested changes %s")
        : strcmp(h->type, gl_history_type_name(HIST_RESCHEDULED)) == 0 ? _("%s moved it %s")
                                                                       : NULL;
    if (!fmt) return true;
    if (!c->any) {
        buf_puts(b, "<section class=\"card\"><h2>");
        buf_html(b, _("Reviews"));
        buf_puts(b, "</h2><ul class=\"reviews\">");
    }
    c->any = true;
    char when[WEB_TIME_LEN], rev[16];
    web_fmt_time(w, h->at, when, sizeof when);
    snprintf(rev, sizeof rev, "%lld", (long long)h->revision);
    struct gl_buf who, meta;
    buf_init(&who, 64);
    buf_init(&meta, 128);
    buf_puts(&who, "<strong>");
    if (h->actor) buf_html(&who, h->actor);
    buf_puts(&who, "</strong>");
    buf_puts(&meta, "<span class=\"meta\">");
    struct gl_buf at;
    buf_init(&at, 64);
    buf_html(&at, when);
    TR(&meta, _("(revision %s, %s)"), rev, at.p);
    buf_free(&at);
    buf_puts(&meta, "</span>");
    buf_puts(b, "<li>");
    TR(b, fmt, who.p, meta.p);
    buf_free(&who);
    buf_free(&meta);
    if (h->note && *h->note) {
        buf_puts(b, "<blockquote>");
        buf_html(b, h->note);
        buf_puts(b, "</blockquote>");
    }
    buf_puts(b, "</li>");
    return true;
}

static void reviews(struct web *w, const struct gl_post *p)
{
    struct reviews_ctx c = {w, false};
    if (gl_history_each(&w->t, &w->zone, p->id, review, &c)) return;
    if (c.any) buf_puts(&w->out, "</ul></section>");
}

/* Shared comments only: internal ones never leave the team. */
struct comments_ctx {
    struct web *w;
    size_t shown;
};

static bool comment(const struct gl_comment *cm, void *ctx)
{
    struct comments_ctx *c = ctx;
    struct web *w = c->w;
    struct gl_buf *b = &w->out;
    if (!cm->shared) return true;
    char when[WEB_TIME_LEN];
    web_fmt_time(w, cm->at, when, sizeof when);
    if (!c->shown) buf_puts(b, "<ul class=\"comments\">");
    c->shown++;
    buf_puts(b, "<li><p class=\"by\"><strong>");
    if (cm->author) buf_html(b, cm->author);
    buf_puts(b, "</strong>");
    if (cm->author_kind && strcmp(cm->author_kind, "staff") == 0) {
        buf_puts(b, " <span class=\"team\">");
        /* TRANSLATORS: beside a comment's author who is one of the agency's staff. */
        buf_html(b, _("team"));
        buf_puts(b, "</span>");
    }
    buf_puts(b, " <span class=\"meta\">");
    buf_html(b, when);
    buf_puts(b, "</span></p><p class=\"text\">");
    if (cm->text) buf_html(b, cm->text);
    buf_puts(b, "</p></li>");
    return true;
}

static void comments(struct web *w, const struct gl_post *p)
{
    struct gl_buf *b = &w->out;
    buf_puts(b, "<section class=\"card\" aria-labelledby=\"cmh\"><h2 id=\"cmh\">");
    buf_html(b, _("Comments"));
    buf_puts(b, "</h2>");
    struct comments_ctx c = {w, 0};
    gl_comments_each(&w->t, &w->zone, p->id, comment, &c);
    size_t shown = c.shown;
    if (shown)
        buf_puts(b, "</ul>");
    else {
        buf_puts(b, "<p class=\"none\">");
        buf_html(b, _("No comments yet."));
        buf_puts(b, "</p>");
    }
    if (web_may_comment(w)) {
        buf_printf(b, "<form method=\"post\" action=\"%s/p/%llu\" class=\"stack\">", w->base,
                   (unsigned long long)p->id);
        csrf_field(w);
        buf_printf(b, "<input type=\"hidden\" name=\"rev\" value=\"%u\">", p->revision);
        const char *readers = gl_link_policy(w->link.kind)->comment_readers;
        buf_puts(b, "<label for=\"ctext\">");
        buf_html(b, _("Add a comment"));
        buf_puts(b, " <span class=\"hint\">(");
        buf_html(b, readers ? _(readers) : _("seen by the team"));
        buf_puts(b, ")</span></label><textarea id=\"ctext\" name=\"text\" rows=\"3\" required "
                    "maxlength=\"5000\"></textarea><button class=\"btn\" name=\"action\" "
                    "value=\"comment\">");
        buf_html(b, _("Post comment"));
        buf_puts(b, "</button></form>");
    }
    buf_puts(b, "</section>");
}

static void actions(struct web *w, const struct gl_post *p)
{
    struct gl_buf *b = &w->out;
    if (p->status == ST_PUBLISHED || p->status == ST_PUBLISHING) {
        buf_puts(b, "<section class=\"card\"><p>");
        buf_html(b, p->status == ST_PUBLISHED
                        ? _("This post has been published; it can no longer be changed.")
                        : _("This post is being published; it can no longer be changed."));
        buf_puts(b, "</p></section>");
        return;
    }
    bool decide = web_may_decide(w, p);
    bool move = web_may_reschedule(w, p);
    if (!decide && !move) {
        buf_puts(b, "<section class=\"card\"><p>");
        if (p->status == ST_AWAITING) {
            buf_html(b, _("This post awaits a decision by someone else first; there is nothing "
                          "for you to decide right now."));
        } else {
            struct gl_buf st;
            buf_init(&st, 64);
            buf_html(&st, web_status_label(w, p->status));
            /* TRANSLATORS: %s is a status such as "scheduled". */
            TR(b, _("This post is %s; there is nothing to decide right now."), st.p);
            buf_free(&st);
        }
        buf_puts(b, "</p></section>");
        return;
    }
    buf_puts(b, "<section class=\"card act\" aria-labelledby=\"dh\"><h2 id=\"dh\">");
    buf_html(b, decide ? _("Your decision") : _("Change the time"));
    buf_puts(b, "</h2><div class=\"forms\">");
    if (decide) {
        buf_printf(b, "<form method=\"post\" action=\"%s/p/%llu\" class=\"stack\">", w->base,
                   (unsigned long long)p->id);
        csrf_field(w);
        buf_printf(b, "<input type=\"hidden\" name=\"rev\" value=\"%u\">", p->revision);
        note_label(b, "anote", _("(optional)"));
        buf_puts(b, "<textarea id=\"anote\" name=\"note\" rows=\"2\" maxlength=\"5000\">"
                    "</textarea><button class=\"btn ok\" name=\"action\" value=\"approve\">");
        buf_html(b, _("Approve"));
        buf_puts(b, "</button></form>");
        buf_printf(b, "<form method=\"post\" action=\"%s/p/%llu\" class=\"stack\">", w->base,
                   (unsigned long long)p->id);
        csrf_field(w);
        buf_printf(b, "<input type=\"hidden\" name=\"rev\" value=\"%u\">", p->revision);
        buf_puts(b, "<label for=\"rnote\">");
        buf_html(b, _("What should change?"));
        buf_puts(b, " <span class=\"hint\">");
        buf_html(b, _("(required)"));
        buf_puts(b, "</span></label><textarea id=\"rnote\" name=\"note\" rows=\"3\" required "
                    "maxlength=\"5000\"></textarea><button class=\"btn warn\" name=\"action\" "
                    "value=\"reject\">");
        buf_html(b, _("Request changes"));
        buf_puts(b, "</button></form>");
    }
    if (move) {
        /* The time is entered in the visitor's zone when they chose one, and the form says so
         * and carries the zone, so the answer converts from what the visitor read. */
        const char *zone = web_entry_zone(w);
        char date[32] = "", hm[16] = "";
        if (p->scheduled_at != GL_TIME_NONE) {
            struct tm tm;
            gl_tz_local(zone, p->scheduled_at, &tm);
            snprintf(date, sizeof date, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday);
            snprintf(hm, sizeof hm, "%02d:%02d", tm.tm_hour, tm.tm_min);
        }
        buf_printf(b, "<form method=\"post\" action=\"%s/p/%llu\" class=\"stack\">", w->base,
                   (unsigned long long)p->id);
        csrf_field(w);
        /* Zone names are checked words (gl_tz_valid), safe in HTML. */
        buf_printf(b, "<input type=\"hidden\" name=\"rev\" value=\"%u\"><input type=\"hidden\" "
                      "name=\"zone\" value=\"%s\"><fieldset><legend>",
                   p->revision, zone);
        buf_html(b, _("Move to another time"));
        buf_puts(b, "</legend><p class=\"hint\" id=\"mzone\">");
        if (w->vzone[0])
            TR(b, _("Enter the date and time in your time zone, %s."), zone);
        else
            TR(b, _("Enter the date and time in %s."), zone);
        buf_puts(b, " ");
        buf_html(b, _("On the day the clocks go forward, a time that does not exist is moved "
                      "forward by the gap; on the day they go back, a time that happens twice is "
                      "the first of the two."));
        buf_puts(b, "</p><div class=\"row\"><label>");
        buf_html(b, _("Date"));
        buf_printf(b,
                   " <input type=\"date\" name=\"date\" value=\"%s\" required "
                   "aria-describedby=\"mzone\"></label><label>",
                   date);
        buf_html(b, _("Time"));
        buf_printf(b,
                   " <input type=\"time\" name=\"time\" value=\"%s\" required "
                   "aria-describedby=\"mzone\"></label></div>",
                   hm);
        note_label(b, "mnote", _("(optional)"));
        buf_puts(b, "<textarea id=\"mnote\" name=\"note\" rows=\"2\" maxlength=\"5000\">"
                    "</textarea><button class=\"btn\" name=\"action\" value=\"reschedule\">");
        buf_html(b, _("Move post"));
        buf_puts(b, "</button></fieldset></form>");
    }
    buf_puts(b, "</div></section>");
}

void page_detail(struct web *w, const struct gl_post *p, const struct gl_seen *seen,
                 const char *flash)
{
    struct gl_buf *b = &w->out;
    char when[WEB_TIME_LEN];
    web_fmt_time(w, p->scheduled_at, when, sizeof when);
    page_begin(w, _("Post"));
    buf_puts(b, "<nav class=\"crumbs\"><a href=\"");
    buf_puts(b, w->base);
    if (p->scheduled_at != GL_TIME_NONE && gl_link_policy(w->link.kind)->month) {
        struct tm tm;
        gl_tz_local(w->prof.timezone, p->scheduled_at, &tm);
        char month[64];
        fmt_month(tm.tm_year + 1900, tm.tm_mon + 1, month, sizeof month);
        struct gl_buf m;
        buf_init(&m, 64);
        buf_html(&m, month);
        buf_printf(b, "?month=%04d-%02d\">", tm.tm_year + 1900, tm.tm_mon + 1);
        /* TRANSLATORS: %s is a month and year, "December 2026". */
        TR(b, _("‹ Back to %s"), m.p);
        buf_puts(b, "</a></nav>");
        buf_free(&m);
    } else {
        buf_puts(b, "\">");
        buf_html(b, _("‹ Back to the list"));
        buf_puts(b, "</a></nav>");
    }
    flash_box(w, flash);
    buf_puts(b, "<article class=\"detail\"><header class=\"card head\"><p>");
    badge(w, p->status);
    buf_puts(b, "</p><h1>");
    buf_html(b, when);
    buf_puts(b, "</h1>");
    char back[24];
    snprintf(back, sizeof back, "%llu", (unsigned long long)p->id);
    web_zone_note(w, back);
    buf_puts(b, "<p class=\"chips\">");
    for (size_t i = 0; i < p->nplatforms; i++) {
        buf_puts(b, "<span class=\"chip\">");
        buf_html(b, p->platforms[i]);
        buf_puts(b, "</span>");
    }
    buf_puts(b, "</p></header>");
    if (seen) changes(w, p, seen);
    buf_puts(b, "<section class=\"card\" aria-labelledby=\"caph\"><h2 id=\"caph\">");
    buf_html(b, _("Caption"));
    buf_puts(b, "</h2><div class=\"caption\">");
    buf_html(b, p->caption);
    buf_puts(b, "</div>");
    if (p->nmedia && web_shows(w, LF_MEDIA)) {
        buf_puts(b, "<div class=\"media\">");
        for (size_t i = 0; i < p->nmedia; i++) {
            char k[24], n[24];
            snprintf(k, sizeof k, "%zu", i + 1);
            snprintf(n, sizeof n, "%zu", p->nmedia);
            buf_printf(b, "<img src=\"%s/p/%llu/m/%lld\" alt=\"", w->base,
                       (unsigned long long)p->id, (long long)p->media[i]);
            /* TRANSLATORS: an image's alternative text: "Image 2 of 3". */
            TR(b, _("Image %s of %s"), k, n);
            buf_puts(b, "\" loading=\"lazy\">");
        }
        buf_puts(b, "</div>");
    }
    buf_puts(b, "</section>");
    if (p->notes && *p->notes && web_shows(w, LF_NOTES)) {
        buf_puts(b, "<section class=\"card notes\"><h2>");
        buf_html(b, _("Notes for approvers"));
        buf_puts(b, "</h2><p>");
        buf_html(b, p->notes);
        buf_puts(b, "</p></section>");
    }
    page_checks(w, p); /* pagepreview.c: frames, then warnings before the decision */
    if (web_shows(w, LF_PENDING)) actions(w, p);
    if (web_shows(w, LF_HISTORY)) reviews(w, p);
    if (web_shows(w, LF_COMMENTS)) comments(w, p);
    buf_puts(b, "</article>");
    page_end(w);
}
