/* The HTTP routes: one table of method, path pattern, gates and handler (webroutes.c). The
 * dispatcher (web.c) matches a request against it and checks the gates before the handler
 * runs; the same table prints the address list of docs/http.md (tests/unit/test_routes.c). */
#ifndef GL_WEBROUTES_H
#define GL_WEBROUTES_H

#include <stddef.h>
#include <stdint.h>

#include "http.h"
#include "webbuf.h"
#include "webctx.h"

enum web_method { WM_GET = 1 /* and HEAD */, WM_POST = 2 };

/* Which requests a route is for: the site's own addresses, or a link's, by its state. */
enum web_when { WHEN_SITE, WHEN_ACTIVE, WHEN_EXPIRED, WHEN_REPLACED /* an old token's */ };

/* What the dispatcher checks before the handler, in this order (after the method). */
enum web_gate {
    /* Signed in, when the link asks a name or has a password: else the sign-in page (GET) or
     * 403. Checked before the method, so a wrong method on a gated page says "sign in". */
    WG_SIGNIN = 1 << 0,
    WG_BULK = 1 << 1,  /* the link allows bulk decisions: else 404 */
    WG_POST = 1 << 2,  /* the post {post} is shown, or moved on since it was: else 404 */
    WG_FORM = 1 << 3,  /* a form body with this visitor's CSRF token: else 415, 400 or 403 */
    WG_QUIET = 1 << 4, /* a wrong method answers like an unknown address (404), not 405 */
};

/* What the path and body gave the handler. */
struct web_args {
    uint64_t post, media;  /* {post} and {media}, when the pattern has them */
    uint64_t seq;          /* {seq}: a receipt's place in its profile's chain */
    struct gl_form *query; /* the query string's fields */
    struct gl_form *form;  /* the form read under WG_FORM, else NULL */
};

typedef void (*web_site_fn)(struct gl_http_req *req);
typedef void (*web_link_fn)(struct web *w, const struct web_args *a);

struct web_route {
    unsigned methods;    /* enum web_method bits */
    const char *pattern; /* "/healthz", "/l/{token}/p/{post}": {token} base64url, ids 1.. */
    enum web_when when;
    unsigned gates;   /* enum web_gate bits */
    web_site_fn site; /* WHEN_SITE */
    web_link_fn link; /* a link's */
    const char *doc;  /* its row in docs/http.md; NULL for a route the docs do not list */
};

extern const struct web_route gl_web_routes[];
extern const size_t gl_web_nroutes;

/* The link part every link route's pattern begins with. */
#define WEB_LINK_PREFIX "/l/{token}"

/* Whether path (for a link route: what follows the token) matches r; fills the ids. */
bool web_route_matches(const struct web_route *r, const char *path, struct web_args *a);
/* The "Allow" value of the methods bits. */
const char *web_allow(unsigned methods);
/* The address table of docs/http.md, made from the routes. */
void gl_web_routes_markdown(struct gl_buf *b);

/* The handlers, by file. webpages.c: */
void web_serve_health(struct gl_http_req *req);
void web_serve_css(struct gl_http_req *req);
void web_serve_robots(struct gl_http_req *req);
void web_serve_main(struct web *w, const struct web_args *a);
void web_serve_detail(struct web *w, const struct web_args *a);
void web_serve_media(struct web *w, const struct web_args *a);
void web_serve_feed(struct web *w, const struct web_args *a);
/* pagetime.c: */
void web_serve_zone(struct web *w, const struct web_args *a);
void web_post_zone(struct web *w, const struct web_args *a);
/* brand.c: */
void web_serve_favicon(struct gl_http_req *req);
void web_serve_brand_css(struct web *w, const struct web_args *a);
void web_serve_logo(struct web *w, const struct web_args *a);
/* websession.c: */
void web_sign_in(struct web *w, const struct web_args *a);
void web_sign_out(struct web *w, const struct web_args *a);
/* webforms.c: */
void web_post_decision(struct web *w, const struct web_args *a);
void web_post_bulk(struct web *w, const struct web_args *a);
void web_post_request(struct web *w, const struct web_args *a);
void web_post_request_active(struct web *w, const struct web_args *a);
/* webreceipt.c: */
void web_serve_receipt(struct web *w, const struct web_args *a);
/* webdead.c: */
void web_post_request_replaced(struct web *w, const struct web_args *a);

#endif
