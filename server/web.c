/* The link pages' HTTP side (web.h): the listener, and the dispatch of each request through
 * the route table (webroutes.c), its gates checked here, to its handler. */
#include "web.h"

#include <http_parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pagetime.h"
#include "pagepreview.h"
#include "storekeys.h"
#include "util.h"
#include "webctx.h"
#include "webforms.h"
#include "weblang.h"
#include "webpages.h"
#include "webreq.h"
#include "webroutes.h"
#include "websession.h"
#include "xmalloc.h"

static const char security_headers[] =
    "Content-Security-Policy: default-src 'none'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'\r\n"
    "Referrer-Policy: no-referrer\r\n"
    "X-Content-Type-Options: nosniff\r\n"
    "X-Frame-Options: DENY\r\n"
    "Cross-Origin-Opener-Policy: same-origin\r\n"
    "Cross-Origin-Resource-Policy: same-origin\r\n";

static struct gl_http_server *listener;

void gl_web_committed(struct gl_op *op)
{
    if (!web_op_is_bookkeeping(op)) web_cache_invalidate();
}

/* ---- the lifetime of a request ---- */

static struct web *web_new(struct gl_http_req *req)
{
    struct web *w = xcalloc(1, sizeof *w);
    w->req = req;
    w->now = gl_now();
    msgpack_zone_init(&w->zone, 8192);
    buf_init(&w->out, 16384);
    buf_init(&w->hdrs, 256);
    /* Until the link is known, the visitor's and the browser's. */
    w->lang = web_lang_of(req, NULL, NULL, NULL);
    gl_lang_use(w->lang);
    return w;
}

static void method_not_allowed(struct gl_http_req *req, unsigned methods)
{
    char hdr[96];
    snprintf(hdr, sizeof hdr, "Allow: %s\r\nCache-Control: no-store\r\n", web_allow(methods));
    static const char body[] = "405 Method Not Allowed\n";
    web_send_raw(req, 405, "text/plain; charset=utf-8", hdr, body, sizeof body - 1);
}

static unsigned method_bit(const struct gl_http_req *req)
{
    return req->method == HTTP_GET || req->method == HTTP_HEAD ? WM_GET
           : req->method == HTTP_POST                          ? WM_POST
                                                               : 0;
}

/* ---- dispatch ---- */

static bool valid_token(const char *s, size_t n)
{
    if (n != GL_TOKEN_LEN) return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return false;
    }
    return true;
}

/* The routes of kind when whose path matches: the first, and the methods of all of them. */
static const struct web_route *match(enum web_when when, const char *path, struct web_args *a,
                                     unsigned method, unsigned *methods, unsigned *gates)
{
    const struct web_route *found = NULL;
    *methods = *gates = 0;
    for (size_t i = 0; i < gl_web_nroutes; i++) {
        const struct web_route *r = &gl_web_routes[i];
        if (r->when != when || !web_route_matches(r, path, a)) continue;
        *methods |= r->methods;
        *gates |= r->gates;
        if (!found || (r->methods & method)) found = r;
    }
    return found;
}

/* Runs a link route's gates (webroutes.h) and then its handler. */
static void run_link_route(struct web *w, const struct web_route *r, unsigned method,
                           unsigned methods, unsigned gates, struct web_args *a)
{
    if ((gates & WG_SIGNIN) && web_needs_sign_in(&w->link) && !w->signed_in) {
        if (method == WM_GET) {
            page_signin(w, NULL);
            web_send(w, 200);
        } else {
            web_message(w, 403, _("Please sign in again"),
                        _("Your session has ended. Sign in again, then repeat your action."),
                        w->base, _("Sign in"));
        }
        return;
    }
    if (!(r->methods & method)) {
        struct gl_http_req *req = w->req;
        web_free(w);
        method_not_allowed(req, methods);
        return;
    }
    if ((r->gates & WG_BULK) && !gl_link_allows(&w->link, LA_BULK)) {
        web_not_found(w);
        return;
    }
    if ((r->gates & WG_POST) && !web_post_reachable(w, a->post)) {
        web_not_found(w);
        return;
    }
    struct gl_form form;
    if (r->gates & WG_FORM) {
        if (!web_read_form(w, &form)) return;
        a->form = &form;
    }
    r->link(w, a);
}

/* A request under /l/: the token's link, its state, then its route. */
static void route_link(struct gl_http_req *req, const char *path)
{
    const char *slash = strchr(path, '/');
    size_t tlen = slash ? (size_t)(slash - path) : strlen(path);
    const char *rest = path + tlen;
    if (strcmp(rest, "/") == 0) rest = ""; /* the main page, either way */
    unsigned method = method_bit(req);
    if (method == WM_GET && valid_token(path, tlen) && web_cache_serve(req, path, tlen, rest))
        return;
    struct web *w = web_new(req);
    if (!valid_token(path, tlen)) {
        web_not_found(w);
        return;
    }
    memcpy(w->token, path, tlen);
    w->token[tlen] = '\0';
    if (gl_store_read_begin(&gl_srv->store, &w->t)) {
        web_message(w, 503, _("Busy"), _("Please try again in a moment."), NULL, NULL);
        return;
    }
    w->reading = true;
    enum gl_link_dead dead = LINK_DEAD_NONE;
    if (gl_link_by_token(&w->t, w->token, tlen, &w->zone, &w->link) != 0 &&
        gl_link_by_dead_token(&w->t, w->token, tlen, &w->zone, &w->link, &dead) != 0) {
        web_not_found(w);
        return;
    }
    /* A dead address speaks for its own token, not the link's new one (its CSRF, its form). */
    if (dead) gl_token_hash(w->token, tlen, w->link.token_hash);
    if (gl_profile_load(&w->t, w->link.profile, &w->zone, &w->prof) != 0) {
        web_not_found(w);
        return;
    }
    snprintf(w->base, sizeof w->base, "/l/%s", w->token);
    int switched;
    w->lang = web_lang_of(req, w->link.language, w->prof.language, &switched);
    gl_lang_use(w->lang);
    if (switched != LANG_NONE)
        web_lang_remember(&w->hdrs, w->base, (enum gl_lang)switched, web_secure());
    web_client_address(req, w->address, sizeof w->address);
    struct gl_form q = {0};
    char *qcopy = (char *)gl_zone_strdup(&w->zone, req->query);
    if (gl_form_parse(qcopy, &q) != 0) q.n = 0;
    struct web_args a = {.query = &q};
    unsigned methods, gates;

    /* A replaced or withdrawn link says so, whatever was asked; a replaced one takes one form. */
    if (dead) {
        web_csrf_make(w);
        const struct web_route *r = dead == LINK_DEAD_REPLACED
                                        ? match(WHEN_REPLACED, rest, &a, method, &methods, &gates)
                                        : NULL;
        if (r) {
            run_link_route(w, r, method, methods, gates, &a);
            return;
        }
        page_dead_end(w, dead, w->link.replaced_at && w->link.requested_at >= w->link.replaced_at);
        web_send(w, 410);
        return;
    }
    /* An expired link shows that it expired, whatever was asked, and takes one form. */
    if (gl_link_state(&w->link, w->now) == LINK_EXPIRED) {
        web_csrf_make(w);
        const struct web_route *r = match(WHEN_EXPIRED, rest, &a, method, &methods, &gates);
        if (r) {
            run_link_route(w, r, method, methods, gates, &a);
            return;
        }
        page_expired(w, w->link.requested_at >= w->link.expires_at);
        web_send(w, 410);
        return;
    }
    web_session_load(w);
    web_visitor_zone_load(w);
    web_csrf_make(w);
    const struct web_route *r = match(WHEN_ACTIVE, rest, &a, method, &methods, &gates);
    if (!r) {
        web_not_found(w);
        return;
    }
    run_link_route(w, r, method, methods, gates, &a);
}

static void on_request(struct gl_http_req *req, void *ctx)
{
    (void)ctx;
    const char *path = req->path;
    if (strncmp(path, "/l/", 3) == 0) {
        route_link(req, path + 3);
        /* The language holds while the request runs, never past it: what runs next on the
         * loop (staff requests, mail) is not in a visitor's language. */
        gl_lang_use(LANG_NONE);
        return;
    }
    unsigned method = method_bit(req), methods, gates;
    struct web_args a = {0};
    const struct web_route *r = match(WHEN_SITE, path, &a, method, &methods, &gates);
    if (r && (r->methods & method)) {
        r->site(req);
        return;
    }
    if (r && !(gates & WG_QUIET)) {
        method_not_allowed(req, methods);
        return;
    }
    /* The same page as a link's unknown address, in the visitor's language. */
    web_not_found(web_new(req));
    gl_lang_use(LANG_NONE);
}

/* ---- start and stop ---- */

int gl_web_start(struct gl_server *srv, char *bound, size_t boundlen)
{
    int rc = web_sessions_start(srv);
    if (rc) return rc;
    int err = 0;
    listener =
        gl_http_listen(srv->loop, srv->opt.http_addr, on_request, NULL, bound, boundlen, &err);
    if (!listener) {
        web_sessions_stop();
        return err;
    }
    gl_http_set_default_headers(listener, security_headers);
    gl_http_set_trusted(listener, web_trusted);
    srv->http = listener;
    web_set_public_url(srv->opt.public_url && *srv->opt.public_url ? srv->opt.public_url : NULL,
                       bound);
    return 0;
}

void gl_web_stop(struct gl_server *srv)
{
    if (!listener) return;
    web_sessions_stop();
    gl_http_close(listener);
    listener = NULL;
    srv->http = NULL;
    web_cache_free();
    web_zones_free();
}
