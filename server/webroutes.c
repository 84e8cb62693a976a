/* The HTTP routes (webroutes.h): the one table of what the HTTP side answers, and its matcher. */
#include "webroutes.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

#define GET WM_GET
#define POST WM_POST

const struct web_route gl_web_routes[] = {
    {GET, "/healthz", WHEN_SITE, 0, web_serve_health, NULL, "`200 ok`"},
    {GET, "/static/style.css", WHEN_SITE, 0, web_serve_css, NULL,
     "the one stylesheet (cached an hour)"},
    {GET, "/robots.txt", WHEN_SITE, WG_QUIET, web_serve_robots, NULL, "disallows everything"},
    {GET, "/favicon.ico", WHEN_SITE, WG_QUIET, web_serve_favicon, NULL,
     "the default icon (a link's pages point at its profile's logo when it has one)"},
    {GET, WEB_LINK_PREFIX, WHEN_ACTIVE, WG_SIGNIN, NULL, web_serve_main,
     "the link's main page (sign-in form first when the link asks a name or has a password); "
     "`?month=YYYY-MM` picks the month"},
    {GET, WEB_LINK_PREFIX "/p/{post}", WHEN_ACTIVE, WG_SIGNIN, NULL, web_serve_detail,
     "a post's detail"},
    {GET, WEB_LINK_PREFIX "/p/{post}/m/{media}", WHEN_ACTIVE, WG_SIGNIN, NULL, web_serve_media,
     "an image of that post (PNG, JPEG, GIF, WebP)"},
    {GET, WEB_LINK_PREFIX "/zone", WHEN_ACTIVE, 0, NULL, web_serve_zone,
     "the visitor's time zone: `?q=` searches the zones, `back` the post to return to"},
    {POST, WEB_LINK_PREFIX "/zone", WHEN_ACTIVE, WG_FORM, NULL, web_post_zone,
     "choose it: `zone` (an IANA name; empty for the profile's), `back?`, `csrf`; kept in the "
     "`gl_tz` cookie"},
    {GET, WEB_LINK_PREFIX "/brand.css", WHEN_ACTIVE, 0, NULL, web_serve_brand_css,
     "the profile's accent colour, when it has one"},
    {GET, WEB_LINK_PREFIX "/logo/{media}", WHEN_ACTIVE, 0, NULL, web_serve_logo,
     "the profile's logo (cached a day: its address changes with it)"},
    /* The expired page carries the brand too. */
    {GET, WEB_LINK_PREFIX "/brand.css", WHEN_EXPIRED, 0, NULL, web_serve_brand_css, NULL},
    {GET, WEB_LINK_PREFIX "/logo/{media}", WHEN_EXPIRED, 0, NULL, web_serve_logo, NULL},
    {GET, WEB_LINK_PREFIX "/p/{post}/receipt/{seq}", WHEN_ACTIVE, WG_SIGNIN, NULL,
     web_serve_receipt,
     "the signed receipt of a decision made through this link (a receipts export holding it "
     "alone, JSON, for `greenlightd verify`); `404` for any other link's"},
    /* The feed checks its own password: calendar programs send it with Basic, not a form. */
    {GET, WEB_LINK_PREFIX "/calendar.ics", WHEN_ACTIVE, 0, NULL, web_serve_feed,
     "iCalendar feed (calendar and collab links)"},
    {POST, WEB_LINK_PREFIX "/session", WHEN_ACTIVE, WG_FORM, NULL, web_sign_in,
     "sign in: `name` (not for a calendar link), `password`, `csrf`"},
    {POST, WEB_LINK_PREFIX "/signout", WHEN_ACTIVE, WG_FORM, NULL, web_sign_out,
     "sign out: `csrf`"},
    {POST, WEB_LINK_PREFIX "/p/{post}", WHEN_ACTIVE, WG_SIGNIN | WG_POST | WG_FORM, NULL,
     web_post_decision,
     "`action` = `approve` (`note?`), `reject` (`note`), `reschedule` (`date` YYYY-MM-DD, "
     "`time` HH:MM in `zone?`, the zone the form names (the visitor's), else the profile's; "
     "`note?`), `comment` (`text`); with `rev` (the "
     "revision shown) and `csrf`"},
    {POST, WEB_LINK_PREFIX "/bulk", WHEN_ACTIVE, WG_SIGNIN | WG_BULK | WG_FORM, NULL, web_post_bulk,
     "approval links: `action` = `approve` or `reject` (`note` required), `post` repeated, "
     "`rev{ID}` for each, `csrf`"},
    {POST, WEB_LINK_PREFIX "/request", WHEN_EXPIRED, WG_FORM, NULL, web_post_request,
     "an expired link: ask the team for a new one (`csrf`); sends the `link.requested` event"},
    /* The same form sent again once the new link works: back to the page. */
    {POST, WEB_LINK_PREFIX "/request", WHEN_ACTIVE, 0, NULL, web_post_request_active, NULL},
    {POST, WEB_LINK_PREFIX "/request", WHEN_REPLACED, WG_FORM, NULL, web_post_request_replaced,
     "the old address of a regenerated link: ask the team for the new one (`csrf`); sends the "
     "`link.requested` event. Any other request there, and any to a revoked link's address, "
     "answers `410` saying the link was replaced or withdrawn"},
};
const size_t gl_web_nroutes = GL_ARRAY_LEN(gl_web_routes);

/* Reads an id of the path: digits, the first not 0. */
static const char *match_id(const char *s, uint64_t *out)
{
    if (*s < '1' || *s > '9') return NULL;
    char *end;
    *out = strtoull(s, &end, 10); /* past 2^64-1 it stays there: no such post */
    return end;
}

bool web_route_matches(const struct web_route *r, const char *path, struct web_args *a)
{
    const char *p = r->pattern;
    if (r->when != WHEN_SITE) p += strlen(WEB_LINK_PREFIX); /* the token was matched already */
    while (*p) {
        if (*p != '{') {
            if (*p++ != *path++) return false;
            continue;
        }
        uint64_t *id = strncmp(p, "{post}", 6) == 0  ? &a->post
                       : strncmp(p, "{seq}", 5) == 0 ? &a->seq
                                                     : &a->media;
        path = match_id(path, id);
        if (!path) return false;
        p = strchr(p, '}') + 1;
    }
    return *path == '\0';
}

const char *web_allow(unsigned methods)
{
    return methods == WM_GET ? "GET, HEAD" : methods == WM_POST ? "POST" : "GET, HEAD, POST";
}

void gl_web_routes_markdown(struct gl_buf *b)
{
    buf_puts(b, "| method | path | what |\n|---|---|---|\n");
    for (size_t i = 0; i < gl_web_nroutes; i++) {
        const struct web_route *r = &gl_web_routes[i];
        if (!r->doc) continue;
        buf_printf(b, "| %s | `%s` | %s |\n", web_allow(r->methods), r->pattern, r->doc);
    }
}
