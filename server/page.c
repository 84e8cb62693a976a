/* The HTML of the link pages: semantic markup, forms that work without JavaScript, every piece
 * of user text escaped. One stylesheet (webstatic.c) makes it readable on a phone and a desktop. */
#include "webctx.h"

#include <string.h>

#include "captiondiff.h"
#include "events.h"
#include "rpc.h"
#include "tz.h"
#include "util.h"
#include "webstatic.h"

static const char *const day_short[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
static const char *const day_long[7] = {"Monday", "Tuesday", "Wednesday", "Thursday",
                                        "Friday", "Saturday", "Sunday"};
static const char *const month_names[12] = {"January", "February", "March", "April",
                                            "May", "June", "July", "August",
                                            "September", "October", "November", "December"};
static const char *const month_short[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

void web_fmt_time(const struct web *w, int64_t t, char *out, size_t n)
{
    if (t == GL_TIME_NONE) {
        snprintf(out, n, "no date yet");
        return;
    }
    struct tm tm;
    gl_tz_local(w->prof.timezone, t, &tm);
    int wd = (tm.tm_wday + 6) % 7;
    snprintf(out, n, "%s %d %s %d, %02d:%02d", day_short[wd], tm.tm_mday,
             month_short[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
}

static void fmt_hm(const struct web *w, int64_t t, char *out, size_t n)
{
    struct tm tm;
    gl_tz_local(w->prof.timezone, t, &tm);
    snprintf(out, n, "%02d:%02d", tm.tm_hour, tm.tm_min);
}

static void csrf_field(struct web *w)
{
    buf_printf(&w->out, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", w->csrf);
}

static const char *kind_title(const struct web *w)
{
    return gl_link_policy(w->link.kind)->title;
}

void page_begin(struct web *w, const char *title)
{
    struct gl_buf *b = &w->out;
    buf_puts(b, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                "<meta name=\"robots\" content=\"noindex, nofollow\"><title>");
    buf_html(b, title);
    if (w->prof.name) {
        buf_puts(b, " · ");
        buf_html(b, w->prof.name);
    }
    buf_printf(b, "</title><link rel=\"stylesheet\" href=\"/static/style.%s.css\"></head>\n",
               gl_web_css_hash);
    buf_puts(b, "<body>"
                "<a class=\"skip\" href=\"#main\">Skip to content</a>"
                "<header class=\"top\"><div class=\"wrap bar\"><p class=\"brand\">");
    if (w->prof.name) {
        buf_printf(b, "<a href=\"%s\">", w->base);
        buf_html(b, w->prof.name);
        buf_printf(b, "</a> <span class=\"kind\">%s</span>", kind_title(w));
    } else {
        buf_puts(b, "Greenlight");
    }
    buf_puts(b, "</p>");
    if (w->signed_in && w->visitor && *w->visitor) {
        buf_puts(b, "<form class=\"who\" method=\"post\" action=\"");
        buf_puts(b, w->base);
        buf_puts(b, "/signout\"><span>Signed in as <strong>");
        buf_html(b, w->visitor);
        buf_puts(b, "</strong></span>");
        csrf_field(w);
        buf_puts(b, "<button class=\"link\" type=\"submit\">Sign out</button></form>");
    }
    buf_puts(b, "</div></header>\n<main id=\"main\" class=\"wrap\">");
}

void page_end(struct web *w)
{
    buf_puts(&w->out, "</main><footer class=\"wrap foot\"><p>Shared with you through Greenlight. "
                      "Please do not forward this link.</p></footer></body></html>\n");
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
    page_begin(w, "Sign in");
    bool ask_name = gl_link_policy(w->link.kind)->asks_name;
    buf_puts(b, "<section class=\"card narrow\"><h1>");
    if (w->link.kind == LINK_APPROVAL)
        buf_puts(b, "Posts waiting for your approval");
    else if (w->link.kind == LINK_COLLAB)
        buf_puts(b, "Welcome to the collaboration area");
    else
        buf_puts(b, "Shared content calendar");
    buf_puts(b, "</h1><p>");
    buf_html(b, w->prof.name);
    buf_puts(b, " shared this with you. ");
    if (ask_name)
        buf_puts(b, "Your name is shown to the team next to your decisions and comments.");
    buf_puts(b, "</p>");
    if (error) {
        buf_puts(b, "<p class=\"alert\" role=\"alert\">");
        buf_html(b, error);
        buf_puts(b, "</p>");
    }
    buf_printf(b, "<form method=\"post\" action=\"%s/session\" class=\"stack\">", w->base);
    csrf_field(w);
    if (ask_name) {
        buf_puts(b, "<label for=\"name\">Your name</label><input id=\"name\" name=\"name\" "
                    "autocomplete=\"name\" required maxlength=\"100\"");
        if (w->link.approver) {
            buf_puts(b, " value=\"");
            buf_html(b, w->link.approver);
            buf_puts(b, "\"");
        }
        buf_puts(b, ">");
    }
    if (w->link.pwhash)
        buf_puts(b, "<label for=\"password\">Password</label><input id=\"password\" "
                    "name=\"password\" type=\"password\" autocomplete=\"current-password\" "
                    "required maxlength=\"256\">");
    buf_puts(b, "<button class=\"btn primary\" type=\"submit\">Continue</button></form></section>");
    page_end(w);
}

void page_expired(struct web *w, bool requested)
{
    struct gl_buf *b = &w->out;
    page_begin(w, "This link has expired");
    buf_puts(b, "<section class=\"card narrow msg\"><h1>This link has expired</h1>");
    if (requested) {
        buf_puts(b, "<p class=\"ok-note\" role=\"status\">Thank you. The team has been told and "
                    "will send you a new link.</p>");
    } else {
        buf_puts(b, "<p>For your security, links to this area stop working after a while. "
                    "You can ask the team for a new one.</p>");
        buf_printf(b, "<form method=\"post\" action=\"%s/request\">", w->base);
        csrf_field(w);
        buf_puts(b, "<button class=\"btn primary\" type=\"submit\">Request a new link</button>"
                    "</form>");
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
    buf_printf(&w->out, "<span class=\"badge %s\">%s</span>", web_status_class(w, s),
               web_status_label(w, s));
}

/* ---- the month ---- */

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
    if (prev) {
        buf_puts(b, "<a class=\"nav\" rel=\"prev\" href=\"");
        month_href(w, year, month - 1);
        buf_printf(b, "\"><span aria-hidden=\"true\">‹</span> <span class=\"full\">%s</span>"
                      "<span class=\"short\" aria-hidden=\"true\">%s</span></a>",
                   month_names[(month + 10) % 12], month_short[(month + 10) % 12]);
    } else {
        buf_puts(b, "<span class=\"nav\"></span>");
    }
    buf_printf(b, "<h2 id=\"mh\">%s %d</h2>", month_names[month - 1], year);
    if (next) {
        buf_puts(b, "<a class=\"nav\" rel=\"next\" href=\"");
        month_href(w, year, month + 1);
        buf_printf(b, "\"><span class=\"full\">%s</span><span class=\"short\" "
                      "aria-hidden=\"true\">%s</span> <span aria-hidden=\"true\">›</span></a>",
                   month_names[month % 12], month_short[month % 12]);
    } else {
        buf_puts(b, "<span class=\"nav\"></span>");
    }
    buf_puts(b, "</div>");
    buf_puts(b, "<p class=\"tz\">Times in ");
    buf_html(b, w->prof.timezone);
    buf_puts(b, "</p>");

    struct tm today;
    gl_tz_local(w->prof.timezone, w->now, &today);
    bool this_month = today.tm_year + 1900 == year && today.tm_mon + 1 == month;
    int first = w->prof.week_start == 6 ? 6 : 0; /* first column: Monday or Sunday */
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
        buf_printf(b, "<th scope=\"col\" abbr=\"%s\">%s</th>", day_long[wd], day_short[wd]);
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
            buf_printf(b, "<td class=\"day%s%s\"%s><div class=\"dnum\"><span class=\"dow\">%s"
                          "</span> <span class=\"dn\">%d</span>%s</div>",
                       is_today ? " today" : "", start == pi ? " empty" : "",
                       is_today ? " aria-current=\"date\"" : "", day_short[wd], day,
                       is_today ? " <span class=\"tlabel\">Today</span>" : "");
            if (start < pi) {
                buf_puts(b, "<ul>");
                for (size_t i = start; i < pi; i++) {
                    const struct gl_post *p = &posts->items[i];
                    char hm[16];
                    fmt_hm(w, p->scheduled_at, hm, sizeof hm);
                    buf_printf(b, "<li><a class=\"post %s\" href=\"%s/p/%llu\">"
                                  "<span class=\"tm\">%s</span> ",
                               web_status_class(w, p->status), w->base,
                               (unsigned long long)p->id, hm);
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
    if (posts->n == 0) buf_puts(b, "<p class=\"none\">Nothing planned this month.</p>");
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
    char when[64];
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
    buf_printf(b, "<span class=\"qwhen\">%s</span> ", when);
    badge(w, p->status);
    /* Edited since this visitor last looked: say so in the list already. */
    struct gl_seen seen;
    if (w->signed_in && w->visitor && *w->visitor &&
        gl_seen_load(&w->t, w->link.id, p->id, w->visitor, &w->zone, &seen) == 0 &&
        gl_seen_differs(&seen, p))
        buf_puts(b, " <span class=\"badge st-changed\">changed since you saw it</span>");
    buf_puts(b, " <span class=\"plat\">");
    platforms(b, p, " · ");
    buf_puts(b, "</span><span class=\"cap\">");
    buf_html_start(b, p->caption, 140);
    buf_puts(b, "</span>");
    buf_puts(b, checkbox ? "</label>" : "</div>");
    buf_printf(b, "<a class=\"btn small\" href=\"%s/p/%llu\">Open<span class=\"vh\"> post %llu"
                  "</span></a></li>",
               w->base, (unsigned long long)p->id, (unsigned long long)p->id);
}

void page_main(struct web *w, int year, int month, const struct gl_postv *month_posts,
               bool prev, bool next, const struct gl_postv *queue, const char *flash)
{
    struct gl_buf *b = &w->out;
    if (w->link.kind == LINK_CALENDAR) {
        page_begin(w, "Content calendar");
        buf_puts(b, "<h1>");
        buf_html(b, w->prof.name);
        buf_puts(b, ": content calendar</h1>");
        flash_box(w, flash);
        page_month(w, year, month, month_posts, prev, next);
        buf_printf(b, "<p class=\"subscribe\"><a href=\"%s/calendar.ics\">Subscribe to this "
                      "calendar</a> (iCalendar feed for Google Calendar, Apple Calendar, "
                      "Thunderbird)</p>", w->base);
        page_end(w);
        return;
    }
    if (w->link.kind == LINK_COLLAB) {
        page_begin(w, "Collaboration");
        buf_puts(b, "<h1>");
        buf_html(b, w->prof.name);
        buf_puts(b, ": collaboration</h1>");
        flash_box(w, flash);
        buf_puts(b, "<div class=\"cols\"><aside class=\"queue card\" aria-labelledby=\"qh\">");
        buf_printf(b, "<h2 id=\"qh\">Awaiting approval <span class=\"count\">%zu</span></h2>",
                   queue->n);
        if (queue->n == 0) {
            buf_puts(b, "<p class=\"none\">Nothing is waiting for approval.</p>");
        } else {
            buf_puts(b, "<ul class=\"qlist\">");
            for (size_t i = 0; i < queue->n; i++) queue_item(w, &queue->items[i], false);
            buf_puts(b, "</ul>");
        }
        buf_puts(b, "</aside><div class=\"calcol\">");
        page_month(w, year, month, month_posts, prev, next);
        buf_printf(b, "<p class=\"subscribe\"><a href=\"%s/calendar.ics\">Subscribe to this "
                      "calendar</a></p>", w->base);
        buf_puts(b, "</div></div>");
        page_end(w);
        return;
    }
    /* Approval: the posts to decide on, with bulk decisions. */
    page_begin(w, "Approval");
    buf_puts(b, "<h1>Posts for ");
    buf_html(b, w->visitor && *w->visitor ? w->visitor : w->link.approver);
    buf_puts(b, " to review</h1>");
    flash_box(w, flash);
    if (w->link.expires_at) {
        char when[64];
        web_fmt_time(w, w->link.expires_at, when, sizeof when);
        buf_printf(b, "<p class=\"meta\">This link works until %s (", when);
        buf_html(b, w->prof.timezone);
        buf_puts(b, ").</p>");
    }
    /* Mail (notify.c): when this link's approver was last reminded of a post due soon. */
    if (w->link.reminded_at) {
        char when[64];
        web_fmt_time(w, w->link.reminded_at, when, sizeof when);
        buf_printf(b, "<p class=\"meta reminded\">You were reminded by mail on %s (", when);
        buf_html(b, w->prof.timezone);
        buf_puts(b, ").</p>");
    }
    size_t actionable = 0;
    for (size_t i = 0; i < queue->n; i++)
        actionable += web_may_decide(w, &queue->items[i]);
    if (queue->n == 0) {
        buf_puts(b, "<section class=\"card\"><p class=\"none\">Nothing is waiting for your "
                    "approval. Thank you!</p></section>");
        page_end(w);
        return;
    }
    buf_printf(b, "<form method=\"post\" action=\"%s/bulk\" class=\"card\">", w->base);
    csrf_field(w);
    buf_printf(b, "<h2>Waiting for you <span class=\"count\">%zu</span></h2><ul class=\"qlist\">",
               actionable);
    for (size_t i = 0; i < queue->n; i++)
        if (web_may_decide(w, &queue->items[i])) queue_item(w, &queue->items[i], true);
    buf_puts(b, "</ul>");
    if (actionable) {
        buf_puts(b, "<fieldset class=\"bulk\"><legend>Decide on the selected posts</legend>"
                    "<label for=\"bnote\">Note <span class=\"hint\">(required when you "
                    "request changes)</span></label><textarea id=\"bnote\" name=\"note\" "
                    "rows=\"2\" maxlength=\"5000\"></textarea><div class=\"btns\">"
                    "<button class=\"btn ok\" name=\"action\" value=\"approve\">Approve "
                    "selected</button><button class=\"btn warn\" name=\"action\" "
                    "value=\"reject\">Request changes on selected</button></div></fieldset>");
    }
    buf_puts(b, "</form>");
    if (actionable < queue->n) {
        buf_puts(b, "<section class=\"card\"><h2>Already decided, or not yours to decide yet"
                    "</h2><ul class=\"qlist\">");
        for (size_t i = 0; i < queue->n; i++)
            if (!web_may_decide(w, &queue->items[i])) queue_item(w, &queue->items[i], false);
        buf_puts(b, "</ul></section>");
    }
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
    char when[64];
    web_fmt_time(w, s->at, when, sizeof when);
    buf_puts(b, "<section class=\"card changes\" aria-labelledby=\"chh\"><h2 id=\"chh\">What "
                "changed since you last saw it</h2>");
    buf_printf(b, "<p class=\"meta\">You last saw revision %u on %s; this is revision %u.</p>"
                  "<dl>",
               s->revision, when, p->revision);
    if (s->scheduled_at != p->scheduled_at) {
        char a[64], c[64];
        web_fmt_time(w, s->scheduled_at, a, sizeof a);
        web_fmt_time(w, p->scheduled_at, c, sizeof c);
        buf_printf(b, "<dt>Time</dt><dd><del>%s</del> → <ins>%s</ins></dd>", a, c);
    }
    bool plat = s->nplatforms != p->nplatforms;
    for (size_t i = 0; !plat && i < p->nplatforms; i++)
        plat = strcmp(s->platforms[i], p->platforms[i]) != 0;
    if (plat) {
        buf_puts(b, "<dt>Platforms</dt><dd>");
        bool any = false;
        for (size_t i = 0; i < p->nplatforms; i++)
            if (!in_strlist(s->platforms, s->nplatforms, p->platforms[i])) {
                buf_puts(b, any ? ", " : "added ");
                buf_puts(b, "<ins>");
                buf_html(b, p->platforms[i]);
                buf_puts(b, "</ins>");
                any = true;
            }
        bool anyr = false;
        for (size_t i = 0; i < s->nplatforms; i++)
            if (!in_strlist(p->platforms, p->nplatforms, s->platforms[i])) {
                buf_puts(b, anyr ? ", " : any ? "; removed " : "removed ");
                buf_puts(b, "<del>");
                buf_html(b, s->platforms[i]);
                buf_puts(b, "</del>");
                anyr = true;
            }
        if (!any && !anyr) buf_puts(b, "same platforms, new order");
        buf_puts(b, "</dd>");
    }
    size_t madd = 0, mrem = 0;
    for (size_t i = 0; i < p->nmedia; i++) madd += !in_intlist(s->media, s->nmedia, p->media[i]);
    for (size_t i = 0; i < s->nmedia; i++) mrem += !in_intlist(p->media, p->nmedia, s->media[i]);
    if (madd || mrem || s->nmedia != p->nmedia)
        buf_printf(b, "<dt>Media</dt><dd>%zu added, %zu removed</dd>", madd, mrem);
    if (strcmp(s->caption, p->caption) != 0) {
        buf_puts(b, "<dt>Caption</dt><dd>");
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
    const char *verb = strcmp(h->type, gl_history_type_name(HIST_APPROVED)) == 0 ? "approved"
                       : strcmp(h->type, gl_history_type_name(HIST_REJECTED)) == 0
                           ? "requested changes"
                       : strcmp(h->type, gl_history_type_name(HIST_RESCHEDULED)) == 0 ? "moved it"
                                                                                      : NULL;
    if (!verb) return true;
    if (!c->any) buf_puts(b, "<section class=\"card\"><h2>Reviews</h2><ul class=\"reviews\">");
    c->any = true;
    char when[64];
    web_fmt_time(w, h->at, when, sizeof when);
    buf_puts(b, "<li><strong>");
    if (h->actor) buf_html(b, h->actor);
    buf_printf(b, "</strong> %s <span class=\"meta\">(revision %lld, %s)</span>", verb,
               (long long)h->revision, when);
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
    char when[64];
    web_fmt_time(w, cm->at, when, sizeof when);
    if (!c->shown) buf_puts(b, "<ul class=\"comments\">");
    c->shown++;
    buf_puts(b, "<li><p class=\"by\"><strong>");
    if (cm->author) buf_html(b, cm->author);
    buf_puts(b, "</strong>");
    if (cm->author_kind && strcmp(cm->author_kind, "staff") == 0)
        buf_puts(b, " <span class=\"team\">team</span>");
    buf_printf(b, " <span class=\"meta\">%s</span></p><p class=\"text\">", when);
    if (cm->text) buf_html(b, cm->text);
    buf_puts(b, "</p></li>");
    return true;
}

static void comments(struct web *w, const struct gl_post *p)
{
    struct gl_buf *b = &w->out;
    buf_puts(b, "<section class=\"card\" aria-labelledby=\"cmh\"><h2 id=\"cmh\">Comments</h2>");
    struct comments_ctx c = {w, 0};
    gl_comments_each(&w->t, &w->zone, p->id, comment, &c);
    size_t shown = c.shown;
    if (shown)
        buf_puts(b, "</ul>");
    else
        buf_puts(b, "<p class=\"none\">No comments yet.</p>");
    if (web_may_comment(w)) {
        buf_printf(b, "<form method=\"post\" action=\"%s/p/%llu\" class=\"stack\">", w->base,
                   (unsigned long long)p->id);
        csrf_field(w);
        buf_printf(b, "<input type=\"hidden\" name=\"rev\" value=\"%u\">", p->revision);
        buf_puts(b, "<label for=\"ctext\">Add a comment <span class=\"hint\">(seen by the team "
                    "and by everyone this calendar is shared with)</span></label><textarea "
                    "id=\"ctext\" name=\"text\" rows=\"3\" required maxlength=\"5000\">"
                    "</textarea><button class=\"btn\" name=\"action\" value=\"comment\">Post "
                    "comment</button></form>");
    }
    buf_puts(b, "</section>");
}

static void actions(struct web *w, const struct gl_post *p)
{
    struct gl_buf *b = &w->out;
    if (p->status == ST_PUBLISHED || p->status == ST_PUBLISHING) {
        buf_printf(b, "<section class=\"card\"><p>This post %s; it can no longer be "
                      "changed.</p></section>",
                   p->status == ST_PUBLISHED ? "has been published" : "is being published");
        return;
    }
    bool decide = web_may_decide(w, p);
    bool move = web_may_reschedule(w, p);
    if (!decide && !move) {
        if (p->status == ST_AWAITING)
            buf_puts(b, "<section class=\"card\"><p>This post awaits a decision by someone "
                        "else first; there is nothing for you to decide right now.</p></section>");
        else
            buf_printf(b, "<section class=\"card\"><p>This post is %s; there is nothing to "
                          "decide right now.</p></section>",
                       web_status_label(w, p->status));
        return;
    }
    buf_printf(b, "<section class=\"card act\" aria-labelledby=\"dh\"><h2 id=\"dh\">%s</h2>"
                  "<div class=\"forms\">",
               decide ? "Your decision" : "Change the time");
    if (decide) {
        buf_printf(b, "<form method=\"post\" action=\"%s/p/%llu\" class=\"stack\">", w->base,
                   (unsigned long long)p->id);
        csrf_field(w);
        buf_printf(b, "<input type=\"hidden\" name=\"rev\" value=\"%u\">"
                      "<label for=\"anote\">Note <span class=\"hint\">(optional)</span></label>"
                      "<textarea id=\"anote\" name=\"note\" rows=\"2\" maxlength=\"5000\">"
                      "</textarea><button class=\"btn ok\" name=\"action\" value=\"approve\">"
                      "Approve</button></form>",
                   p->revision);
        buf_printf(b, "<form method=\"post\" action=\"%s/p/%llu\" class=\"stack\">", w->base,
                   (unsigned long long)p->id);
        csrf_field(w);
        buf_printf(b, "<input type=\"hidden\" name=\"rev\" value=\"%u\">"
                      "<label for=\"rnote\">What should change? <span class=\"hint\">"
                      "(required)</span></label><textarea id=\"rnote\" name=\"note\" rows=\"3\" "
                      "required maxlength=\"5000\"></textarea><button class=\"btn warn\" "
                      "name=\"action\" value=\"reject\">Request changes</button></form>",
                   p->revision);
    }
    if (move) {
        char date[32] = "", hm[16] = "";
        if (p->scheduled_at != GL_TIME_NONE) {
            struct tm tm;
            gl_tz_local(w->prof.timezone, p->scheduled_at, &tm);
            snprintf(date, sizeof date, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday);
            snprintf(hm, sizeof hm, "%02d:%02d", tm.tm_hour, tm.tm_min);
        }
        buf_printf(b, "<form method=\"post\" action=\"%s/p/%llu\" class=\"stack\">", w->base,
                   (unsigned long long)p->id);
        csrf_field(w);
        buf_printf(b, "<input type=\"hidden\" name=\"rev\" value=\"%u\"><fieldset><legend>"
                      "Move to another time <span class=\"hint\">(",
                   p->revision);
        buf_html(b, w->prof.timezone);
        buf_printf(b, ")</span></legend><div class=\"row\"><label>Date <input type=\"date\" "
                      "name=\"date\" value=\"%s\" required></label><label>Time <input "
                      "type=\"time\" name=\"time\" value=\"%s\" required></label></div>"
                      "<label for=\"mnote\">Note <span class=\"hint\">(optional)</span></label>"
                      "<textarea id=\"mnote\" name=\"note\" rows=\"2\" maxlength=\"5000\">"
                      "</textarea><button class=\"btn\" name=\"action\" value=\"reschedule\">"
                      "Move post</button></fieldset></form>",
                   date, hm);
    }
    buf_puts(b, "</div></section>");
}

void page_detail(struct web *w, const struct gl_post *p, const struct gl_seen *seen,
                 const char *flash)
{
    struct gl_buf *b = &w->out;
    char when[64];
    web_fmt_time(w, p->scheduled_at, when, sizeof when);
    page_begin(w, "Post");
    buf_puts(b, "<nav class=\"crumbs\"><a href=\"");
    buf_puts(b, w->base);
    if (p->scheduled_at != GL_TIME_NONE && gl_link_policy(w->link.kind)->month) {
        struct tm tm;
        gl_tz_local(w->prof.timezone, p->scheduled_at, &tm);
        buf_printf(b, "?month=%04d-%02d\">‹ Back to %s %d</a></nav>", tm.tm_year + 1900,
                   tm.tm_mon + 1, month_names[tm.tm_mon], tm.tm_year + 1900);
    } else {
        buf_puts(b, "\">‹ Back to the list</a></nav>");
    }
    flash_box(w, flash);
    buf_puts(b, "<article class=\"detail\"><header class=\"card head\"><p>");
    badge(w, p->status);
    buf_printf(b, "</p><h1>%s</h1><p class=\"meta\">Times in ", when);
    buf_html(b, w->prof.timezone);
    buf_puts(b, "</p><p class=\"chips\">");
    for (size_t i = 0; i < p->nplatforms; i++) {
        buf_puts(b, "<span class=\"chip\">");
        buf_html(b, p->platforms[i]);
        buf_puts(b, "</span>");
    }
    buf_puts(b, "</p></header>");
    if (seen) changes(w, p, seen);
    buf_puts(b, "<section class=\"card\" aria-labelledby=\"caph\"><h2 id=\"caph\">Caption</h2>"
                "<div class=\"caption\">");
    buf_html(b, p->caption);
    buf_puts(b, "</div>");
    if (p->nmedia && web_shows(w, LF_MEDIA)) {
        buf_puts(b, "<div class=\"media\">");
        for (size_t i = 0; i < p->nmedia; i++)
            buf_printf(b, "<img src=\"%s/p/%llu/m/%lld\" alt=\"Image %zu of %zu\" "
                          "loading=\"lazy\">",
                       w->base, (unsigned long long)p->id, (long long)p->media[i], i + 1,
                       p->nmedia);
        buf_puts(b, "</div>");
    }
    buf_puts(b, "</section>");
    if (p->notes && *p->notes && web_shows(w, LF_NOTES)) {
        buf_puts(b, "<section class=\"card notes\"><h2>Notes for approvers</h2><p>");
        buf_html(b, p->notes);
        buf_puts(b, "</p></section>");
    }
    if (web_shows(w, LF_PENDING)) actions(w, p);
    if (web_shows(w, LF_HISTORY)) reviews(w, p);
    if (web_shows(w, LF_COMMENTS)) comments(w, p);
    buf_puts(b, "</article>");
    page_end(w);
}
