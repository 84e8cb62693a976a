/* Where a link's visitor ends up (pagepreview.h): the address of a link that was replaced or
 * withdrawn, and the list of what was decided through a link once nothing waits. */
#include "pagepreview.h"

#include <string.h>

#include "events.h"
#include "i18n.h"
#include "receipt.h"
#include "util.h"

void page_dead_end(struct web *w, enum gl_link_dead why, bool requested)
{
    struct gl_buf *b = &w->out;
    if (why == LINK_DEAD_REVOKED) {
        page_begin(w, _("This link was withdrawn"));
        buf_puts(b, "<section class=\"card narrow msg\"><h1>");
        buf_html(b, _("This link was withdrawn"));
        buf_puts(b, "</h1><p>");
        buf_html(b, _("The team withdrew this link, so it no longer opens anything."));
        buf_puts(b, "</p></section>");
        page_end(w);
        return;
    }
    page_begin(w, _("This link was replaced"));
    buf_puts(b, "<section class=\"card narrow msg\"><h1>");
    buf_html(b, _("This link was replaced"));
    buf_puts(b, "</h1>");
    if (requested) {
        buf_puts(b, "<p class=\"ok-note\" role=\"status\">");
        buf_html(b, _("Thank you. The team has been told and will send you the new link."));
        buf_puts(b, "</p>");
    } else {
        buf_puts(b, "<p>");
        buf_html(b, _("The team made a new link in place of this one, so this address no longer "
                      "works. If you did not receive the new link, you can ask the team for it."));
        buf_puts(b, "</p>");
        buf_printf(b, "<form method=\"post\" action=\"%s/request\">", w->base);
        buf_printf(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", w->csrf);
        buf_puts(b, "<button class=\"btn primary\" type=\"submit\">");
        buf_html(b, _("Ask for the new link"));
        buf_puts(b, "</button></form>");
    }
    buf_puts(b, "</section>");
    page_end(w);
}

/* ---- what was decided through this link ---- */

#define DECIDED_POSTS_MAX 5000

/* A receipt of a decision through this link, to find the one of each history entry. */
struct mine {
    int64_t at, seq;
    uint32_t revision;
};

struct decided {
    struct web *w;
    const struct gl_post *post;
    size_t shown;
    struct mine *receipts; /* this post's, made through this link */
    size_t nreceipts, cap;
};

static int keep_mine(const struct gl_receipt *r, const struct gl_shown *shown, void *arg)
{
    (void)shown;
    struct decided *d = arg;
    if ((uint64_t)r->link != d->w->link.id) return 0;
    if (d->nreceipts == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 8;
        struct mine *m = msgpack_zone_malloc(&d->w->zone, cap * sizeof *m);
        if (d->nreceipts) memcpy(m, d->receipts, d->nreceipts * sizeof *m);
        d->receipts = m;
        d->cap = cap;
    }
    d->receipts[d->nreceipts++] = (struct mine){r->at, r->seq, (uint32_t)r->revision};
    return 0;
}

/* The receipt written with history entry h (same decision, same time, same revision). */
static int64_t receipt_of(const struct decided *d, const struct gl_history *h)
{
    for (size_t i = 0; i < d->nreceipts; i++)
        if (d->receipts[i].at == h->at && d->receipts[i].revision == h->revision)
            return d->receipts[i].seq;
    return 0;
}

static const char *decision_words(const char *type)
{
    static const struct {
        enum gl_history_type type;
        const char *words;
    } verbs[] = {{HIST_APPROVED, N_("Approved")},
                 {HIST_REJECTED, N_("Requested changes")},
                 {HIST_RESCHEDULED, N_("Moved to another time")}};
    for (size_t i = 0; type && i < GL_ARRAY_LEN(verbs); i++)
        if (strcmp(type, gl_history_type_name(verbs[i].type)) == 0) return _(verbs[i].words);
    return NULL;
}

static bool decided_entry(const struct gl_history *h, void *ctx)
{
    struct decided *d = ctx;
    struct web *w = d->w;
    struct gl_buf *b = &w->out;
    const char *words = decision_words(h->type);
    if (h->link != w->link.id || !words) return true;
    if (!d->shown++) {
        buf_puts(b, "<section class=\"card decided\" aria-labelledby=\"dch\"><h2 id=\"dch\">");
        buf_html(b, _("What was decided through this link"));
        buf_puts(b, "</h2><ul class=\"qlist\">");
    }
    char when[WEB_TIME_LEN];
    web_fmt_time(w, h->at, when, sizeof when);
    buf_puts(b, "<li class=\"qitem\"><div class=\"qbody\"><span class=\"qwhen\">");
    buf_html(b, when);
    buf_puts(b, "</span> <strong class=\"verdict\">");
    buf_html(b, words);
    buf_puts(b, "</strong>");
    if (h->actor) {
        buf_puts(b, " <span class=\"meta\">");
        /* TRANSLATORS: after a decision, who made it: "by Claire". */
        buf_text_printf(b, _("by %s"), h->actor);
        buf_puts(b, "</span>");
    }
    buf_puts(b, " <span class=\"cap\">");
    buf_html_start(b, d->post->caption, 140);
    buf_puts(b, "</span>");
    if (h->note && *h->note) {
        buf_puts(b, "<blockquote>");
        buf_html(b, h->note);
        buf_puts(b, "</blockquote>");
    }
    int64_t seq = receipt_of(d, h);
    if (seq) {
        buf_printf(b, "<p class=\"meta\"><a href=\"%s/p/%llu/receipt/%lld\" download>", w->base,
                   (unsigned long long)d->post->id, (long long)seq);
        buf_html(b, _("Download your signed receipt of this decision"));
        buf_puts(b, "</a> (JSON)</p>");
    }
    buf_printf(b, "</div><a class=\"btn small\" href=\"%s/p/%llu\">", w->base,
               (unsigned long long)d->post->id);
    buf_html(b, _("Open"));
    buf_puts(b, "<span class=\"vh\"> ");
    char id[24];
    snprintf(id, sizeof id, "%llu", (unsigned long long)d->post->id);
    buf_text_printf(b, _("post %s"), id);
    buf_puts(b, "</span></a></li>");
    return true;
}

struct decided_walk {
    struct web *w;
    struct gl_postv *out;
};

static bool decided_post(const struct gl_post *p, int64_t at, void *ctx)
{
    (void)at;
    struct decided_walk *dw = ctx;
    gl_postv_push(dw->out, &dw->w->zone, p);
    return dw->out->n < DECIDED_POSTS_MAX;
}

void page_decided(struct web *w)
{
    /* The posts the link names, or the profile's (a link for "whatever awaits approval"
     * decided posts that no longer do); their history says which decisions it made. */
    struct gl_postv posts = {0};
    if (w->link.nposts) {
        for (size_t i = 0; i < w->link.nposts; i++) {
            struct gl_post p;
            if (gl_post_get(&w->t, &w->zone, (uint64_t)w->link.posts[i], &p) == 0)
                gl_postv_push(&posts, &w->zone, &p);
        }
        gl_postv_sort_by_time(&posts);
    } else {
        struct decided_walk dw = {w, &posts};
        gl_posts_by_time(&w->t, &w->zone, w->link.profile, INT64_MIN, GL_TIME_NONE, decided_post,
                         &dw);
    }
    struct decided d = {.w = w};
    for (size_t i = 0; i < posts.n; i++) {
        d.post = &posts.items[i];
        d.nreceipts = 0;
        struct gl_receipt_filter f = {.profile = w->link.profile, .post = d.post->id,
                                      .from = INT64_MIN, .to = INT64_MAX};
        receipt_each(&w->t, &w->zone, &f, keep_mine, &d); /* none readable: no links */
        gl_history_each(&w->t, &w->zone, d.post->id, decided_entry, &d);
    }
    if (d.shown) buf_puts(&w->out, "</ul></section>");
}
