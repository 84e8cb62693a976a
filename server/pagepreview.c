/* The preview frames and warnings of a post on its page (pagepreview.h): each network's frame
 * as its published rules make it (preview.c), labelled as an approximation, and the checks
 * before approval (warnings.c) in the words post.get gives staff. No script: the text after
 * "more" is behind <details>, crops are CSS aspect-ratio boxes with object-fit. */
#include "pagepreview.h"

#include <string.h>

#include "i18n.h"
#include "postchecks.h"
#include "util.h"

/* A crop's aspect ratio as a class of the stylesheet (.r-W-H, style.css), the pages' CSP
 * allowing no style attribute: the ratios of netrules.c have one each, which
 * tests/unit/test_pagepreview.c checks; any other ratio shows the whole image (.r-any). */
static bool same_ratio(struct gl_ratio r, int w, int h)
{
    return r.w && r.h && (long)r.w * h == (long)r.h * w;
}

void page_ratio_class(struct gl_buf *b, int w, int h)
{
    for (size_t i = 0; i < gl_nnetrules; i++) {
        const struct gl_netrule *r = &gl_netrules[i];
        const struct gl_ratio *known[] = {&r->tallest, &r->widest, &r->grid};
        for (size_t k = 0; k < GL_ARRAY_LEN(known); k++)
            if (same_ratio(*known[k], w, h)) {
                buf_printf(b, "r-%d-%d", known[k]->w, known[k]->h);
                return;
            }
    }
    buf_puts(b, "r-any");
}

/* caption[from, to) with its hashtags, mentions and links marked. */
static void marked(struct gl_buf *b, const char *s, size_t from, size_t to,
                   const struct gl_preview *pv)
{
    size_t at = from;
    for (size_t i = 0; i < pv->nspans && at < to; i++) {
        size_t a = pv->spans[i].start, e = a + pv->spans[i].len;
        if (e <= at) continue;
        if (a >= to) break;
        if (a < at) a = at;
        if (e > to) e = to;
        buf_html_n(b, s + at, a - at);
        buf_printf(b, "<span class=\"sp sp-%s\">", gl_span_kind_name(pv->spans[i].kind));
        buf_html_n(b, s + a, e - a);
        buf_puts(b, "</span>");
        at = e;
    }
    if (at < to) buf_html_n(b, s + at, to - at);
}

static const char *label_of(const struct gl_preview *pv)
{
    return pv->rule ? pv->rule->label : pv->platform;
}

static void limit_line(struct gl_buf *b, const char *what, int n, int max)
{
    if (!max) return;
    buf_printf(b, "<li%s>", n > max ? " class=\"over\"" : "");
    /* TRANSLATORS: a count of a caption and the network's limit: "Hashtags: 3 of at most 30". */
    buf_text_printf(b, _("%s: %d of at most %d"), what, n, max);
    buf_puts(b, "</li>");
}

static void image_alt(struct gl_buf *b, const struct gl_media *m, size_t i, size_t n)
{
    if (m->alt && *m->alt)
        buf_html(b, m->alt);
    else
        buf_text_printf(b, _("Image %zu of %zu, without alternative text"), i + 1, n);
}

static void crop_figure(struct web *w, const struct gl_post *p, const struct gl_preview_image *im,
                        size_t i, size_t n, const char *where, const struct gl_box *box,
                        bool cropped)
{
    struct gl_buf *b = &w->out;
    buf_puts(b, "<figure class=\"crop\"><div class=\"cropbox ");
    if (cropped)
        page_ratio_class(b, box->w, box->h);
    else
        buf_puts(b, "r-whole");
    buf_printf(b, "\"><img src=\"%s/p/%llu/m/%llu\" alt=\"", w->base, (unsigned long long)p->id,
               (unsigned long long)im->media->id);
    image_alt(b, im->media, i, n);
    buf_puts(b, "\" loading=\"lazy\"></div><figcaption>");
    if (cropped)
        /* TRANSLATORS: where the image shows ("In the feed"), the crop's size and the image's. */
        buf_text_printf(b, _("%s: cropped to %d × %d of %d × %d px"), where, box->w, box->h,
                        im->media->width, im->media->height);
    else
        /* TRANSLATORS: where the image shows ("In the feed") and its size. */
        buf_text_printf(b, _("%s: shown whole, %d × %d px"), where, im->media->width,
                        im->media->height);
    buf_puts(b, "</figcaption></figure>");
}

static void frame_images(struct web *w, const struct gl_post *p, const struct gl_preview *pv)
{
    struct gl_buf *b = &w->out;
    if (!pv->nimages || !web_shows(w, LF_MEDIA)) return;
    buf_puts(b, "<ol class=\"carousel\">");
    for (size_t i = 0; i < pv->nimages; i++) {
        const struct gl_preview_image *im = &pv->images[i];
        buf_printf(b, "<li%s><p class=\"meta\">", im->shown ? "" : " class=\"off\"");
        int most = pv->rule ? pv->rule->max_images : 0;
        if (im->shown)
            buf_text_printf(b, _("Image %zu of %zu"), i + 1, pv->nimages);
        else
            /* TRANSLATORS: the image's number, how many, the network and its limit. */
            buf_text_printf(b,
                            ngettext("Image %zu of %zu: not shown, %s takes %d image in one post",
                                     "Image %zu of %zu: not shown, %s takes %d images in one post",
                                     (unsigned long)most),
                            i + 1, pv->nimages, label_of(pv), most);
        buf_puts(b, "</p>");
        if (!im->sized) {
            buf_puts(b, "<p class=\"meta\">");
            buf_html(b, _("Its size could not be read, so no crop is shown."));
            buf_puts(b, "</p>");
        } else if (im->shown) {
            crop_figure(w, p, im, i, pv->nimages, _("In the feed"), &im->feed, im->feed_cropped);
            if (im->has_grid)
                crop_figure(w, p, im, i, pv->nimages, _("In the profile grid"), &im->grid, true);
        }
        buf_puts(b, "</li>");
    }
    buf_puts(b, "</ol>");
}

static void frame(struct web *w, const struct gl_post *p, const struct gl_preview *pv, size_t k)
{
    struct gl_buf *b = &w->out;
    const struct gl_netrule *r = pv->rule;
    const char *s = p->caption ? p->caption : "";
    size_t len = strlen(s);
    buf_printf(b, "<section class=\"frame\" aria-labelledby=\"pv%zu\"><h3 id=\"pv%zu\">", k, k);
    buf_html(b, label_of(pv));
    buf_puts(b, "</h3><ul class=\"counts\">");
    if (r) {
        buf_printf(b, "<li%s>", pv->count > r->limit ? " class=\"over\"" : "");
        /* TRANSLATORS: the caption's length, the network's limit and the unit counted
         * ("characters"). */
        buf_text_printf(b, _("Length: %d of at most %d (%s)"), pv->count, r->limit,
                        _(gl_count_unit_name(r->unit)));
    } else {
        buf_puts(b, "<li>");
        buf_text_printf(b,
                        ngettext("Length: %d character; no rules known for this network",
                                 "Length: %d characters; no rules known for this network",
                                 (unsigned long)pv->count),
                        pv->count);
    }
    buf_puts(b, "</li>");
    if (r) {
        limit_line(b, _("Hashtags"), pv->hashtags, r->max_hashtags);
        limit_line(b, _("Mentions"), pv->mentions, r->max_mentions);
        limit_line(b, _("Links"), pv->links, r->max_links);
        if (web_shows(w, LF_MEDIA)) limit_line(b, _("Images"), (int)pv->nimages, r->max_images);
    }
    buf_puts(b, "</ul><div class=\"ftext\">");
    size_t cut = pv->truncated ? pv->cut : len;
    buf_puts(b, "<p class=\"before\">");
    marked(b, s, 0, cut, pv);
    buf_puts(b, "</p>");
    if (pv->truncated) {
        buf_puts(b, "<details><summary>");
        /* TRANSLATORS: opens the rest of a caption cut where the network cuts it. */
        buf_html(b, _("more"));
        buf_puts(b, "</summary><p class=\"after\">");
        marked(b, s, cut, len, pv);
        buf_puts(b, "</p></details>");
    }
    buf_puts(b, "</div>");
    if (r && !r->links_clickable && pv->links) {
        buf_puts(b, "<p class=\"meta\">");
        /* TRANSLATORS: %s is a network's name (Instagram). */
        buf_text_printf(b, _("Links in the caption are not clickable on %s."), r->label);
        buf_puts(b, "</p>");
    }
    frame_images(w, p, pv);
    buf_puts(b, "</section>");
}

static void warnings(struct web *w, const struct gl_warnings *ws)
{
    struct gl_buf *b = &w->out;
    buf_puts(b, "<section class=\"card warnings\" aria-labelledby=\"wnh\"><h2 id=\"wnh\">");
    buf_html(b, _("Checks before you decide"));
    buf_puts(b, "</h2>");
    if (!ws->n) {
        buf_puts(b, "<p class=\"none\">");
        buf_html(b, _("No problems found."));
        buf_puts(b, "</p></section>");
        return;
    }
    buf_puts(b, "<p class=\"meta\">");
    buf_html(b, _("These never block a decision: each says what to do about it."));
    buf_puts(b, "</p><ul class=\"wlist\">");
    for (size_t i = 0; i < ws->n; i++) {
        buf_printf(b, "<li data-code=\"%s\">", gl_warning_name(ws->items[i].code));
        buf_html(b, ws->items[i].message);
        buf_puts(b, "</li>");
    }
    buf_puts(b, "</ul></section>");
}

void page_checks(struct web *w, const struct gl_post *p)
{
    struct gl_buf *b = &w->out;
    struct gl_post_checks c;
    gl_post_checks_make(&w->t, p, &w->prof, w->now, &w->zone, &c);
    if (c.npreviews) {
        buf_puts(b, "<section class=\"card previews\" aria-labelledby=\"pvh\"><h2 id=\"pvh\">");
        buf_html(b, _("How it may look on each network"));
        buf_puts(b, "</h2><p class=\"meta approx\">");
        buf_html(b, _("An approximation, made from each network's published rules: the apps may "
                      "show it a little differently."));
        buf_puts(b, "</p><div class=\"frames\">");
        for (size_t i = 0; i < c.npreviews; i++) frame(w, p, &c.previews[i], i + 1);
        buf_puts(b, "</div></section>");
    }
    if (web_shows(w, LF_PENDING)) warnings(w, &c.warnings);
    gl_post_checks_free(&c);
}
