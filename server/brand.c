/* The brand of a link's pages (brand.h) and the addresses that serve it: /favicon.ico, the
 * accent's stylesheet and the logo. The accent was checked for contrast when it was set
 * (m_profile.c, contrast.c); it is written only as the --brand variable of style.css. */
#include "brand.h"

#include "i18n.h"

#include <stdio.h>
#include <string.h>

#include "contrast.h"
#include "pagetime.h"
#include "storekeys.h"
#include "util.h"
#include "webpages.h"
#include "webreq.h"
#include "webroutes.h"
#include "webstatic.h"

/* The accent as stored, when it is still a colour (it was checked when set). */
static bool accent(const struct web *w, uint32_t *rgb)
{
    return w->prof.accent && *w->prof.accent && gl_colour_parse(w->prof.accent, rgb);
}

void brand_head(struct web *w)
{
    struct gl_buf *b = &w->out;
    if (w->prof.logo)
        buf_printf(b, "<link rel=\"icon\" href=\"%s/logo/%llu\">", w->base,
                   (unsigned long long)w->prof.logo);
    else
        buf_puts(b, "<link rel=\"icon\" href=\"/favicon.ico\">");
    uint32_t rgb;
    /* The colour in the address: a new accent is a new file, so it may be cached long. */
    if (accent(w, &rgb))
        buf_printf(b, "<link rel=\"stylesheet\" href=\"%s/brand.css?c=%06x\">", w->base,
                   (unsigned)rgb);
}

void brand_header(struct web *w)
{
    struct gl_buf *b = &w->out;
    buf_printf(b, "<a href=\"%s\">", w->base);
    /* The name follows: the image is decoration, so its text is empty. */
    if (w->prof.logo)
        buf_printf(b,
                   "<img class=\"logo\" src=\"%s/logo/%llu\" alt=\"\" width=\"32\" "
                   "height=\"32\">",
                   w->base, (unsigned long long)w->prof.logo);
    buf_html(b, brand_name(w));
    buf_puts(b, "</a>");
}

void brand_footer(struct web *w)
{
    struct gl_buf *b = &w->out;
    buf_puts(b, "<footer class=\"wrap foot\">");
    page_language_switch(w);
    buf_puts(b, "<p>");
    buf_html(b, _("Please do not forward this link."));
    buf_puts(b, "</p>");
    web_zone_footer(w);
    if (w->prof.credit) {
        buf_puts(b, "<p class=\"credit\">");
        buf_html(b, _("Made with Greenlight"));
        buf_puts(b, "</p>");
    }
    buf_puts(b, "</footer>");
}

void web_serve_favicon(struct gl_http_req *req)
{
    web_send_raw(req, 200, "image/x-icon", "Cache-Control: public, max-age=86400\r\n",
                 (const char *)gl_web_favicon, gl_web_favicon_len);
}

void web_serve_brand_css(struct web *w, const struct web_args *a)
{
    (void)a;
    uint32_t rgb;
    if (!accent(w, &rgb)) {
        web_not_found(w);
        return;
    }
    buf_printf(&w->out, ":root{--brand:#%06x}\n", (unsigned)rgb);
    web_send_as(w, 200, "text/css; charset=utf-8", "Cache-Control: private, max-age=86400\r\n");
}

void web_serve_logo(struct web *w, const struct web_args *a)
{
    struct gl_media m;
    if (!w->prof.logo || a->media != w->prof.logo ||
        gl_media_load(&w->t, a->media, &w->zone, &m) != 0) {
        web_not_found(w);
        return;
    }
    web_send_media(w, &m, "Cache-Control: private, max-age=86400\r\n");
}
