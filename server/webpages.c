/* The pages a GET answers (webpages.h, webroutes.h): what they read, then page.c or ical.c
 * writes them. */
#include "webpages.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "pagetime.h"
#include "storekeys.h"
#include "tz.h"
#include "util.h"
#include "web.h"
#include "weblang.h"
#include "webreq.h"
#include "webroutes.h"
#include "websession.h"
#include "webstatic.h"
#include "xmalloc.h"

#define POSTS_MAX 5000

/* ---- the site's own files ---- */

void web_serve_health(struct gl_http_req *req)
{
    web_send_raw(req, 200, "text/plain; charset=utf-8", "Cache-Control: no-store\r\n", "ok\n", 3);
}

void web_serve_css(struct gl_http_req *req)
{
    web_send_raw(req, 200, "text/css; charset=utf-8", "Cache-Control: public, max-age=3600\r\n",
                 gl_web_css, gl_web_css_len);
}

void web_serve_css_immutable(struct gl_http_req *req)
{
    static struct web_kept kept; /* the stylesheet is built in: kept for the daemon's life */
    web_answer_kept(req, 200, "text/css; charset=utf-8",
                    "Cache-Control: public, max-age=31536000, immutable\r\n", gl_web_css,
                    gl_web_css_len, &kept);
}

void web_serve_robots(struct gl_http_req *req)
{
    static const char robots[] = "User-agent: *\nDisallow: /\n";
    web_send_raw(req, 200, "text/plain; charset=utf-8", NULL, robots, sizeof robots - 1);
}

/* ---- the page cache: a calendar link's month and a link's feed, rebuilt after any write
 * that matters ---- */

/* Keyed by the token's hash, what was asked (the page or the feed) and the query, so a hit
 * needs no store access at all: whatever could make an answer wrong (a post, the profile, the
 * link revoked, regenerated or given a password) is a write that bumps gen; expiry and "today"
 * are checked against the clock. An answer is in one language: a hit is a request that would
 * be answered in it (weblang.h; the link's or profile's language kept with it), and a switch
 * (?lang=) is never a hit, as its answer sets the cookie. */
#define CACHE_SLOTS 64
#define CACHE_TTL 30
#define CACHE_QUERY 32

/* What an entry holds, each with its address after the token, type and headers. */
enum cached { CACHED_PAGE, CACHED_FEED, CACHED_N };
static const struct {
    const char *rest; /* the path after /l/{token} */
    const char *ctype;
    const char *headers; /* the page's Content-Language is added to them */
    bool zoned;          /* shows times in the visitor's zone (gl_tz): not kept when chosen */
} cached_as[CACHED_N] = {
    [CACHED_PAGE] = {"", "text/html; charset=utf-8", "Cache-Control: private, no-cache\r\n", true},
    [CACHED_FEED] = {"/calendar.ics", "text/calendar; charset=utf-8",
                     "Cache-Control: private, no-cache\r\nContent-Disposition: inline; "
                     "filename=\"calendar.ics\"\r\n",
                     false},
};

static struct {
    enum cached what;
    unsigned char token_hash[GL_HASH_BYTES];
    char query[CACHE_QUERY];
    uint64_t link;
    int64_t expires_at;
    char timezone[64];
    uint64_t gen;
    int64_t made;
    int today;
    int lang;  /* what the answer is in */
    int fixed; /* the link's language, else the profile's, else LANG_NONE */
    char *body;
    size_t len;
    struct web_kept kept; /* its ETag and gzip form, made once per entry */
} cache[CACHE_SLOTS];
static uint64_t gen; /* bumped by every commit that changes what pages show */

void web_cache_invalidate(void)
{
    gen++;
}

void web_cache_free(void)
{
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
        free(cache[i].body);
        cache[i].body = NULL;
        web_kept_free(&cache[i].kept);
    }
}

static unsigned cache_slot(enum cached what, const unsigned char *token_hash, const char *query)
{
    uint32_t h = 2166136261u;
    h = (h ^ (unsigned)what) * 16777619u;
    for (size_t i = 0; i < 8; i++)
        h = (h ^ token_hash[i]) * 16777619u;
    for (const char *q = query; *q; q++)
        h = (h ^ (unsigned char)*q) * 16777619u;
    return h % CACHE_SLOTS;
}

static int today_key(const char *tz, int64_t now)
{
    struct tm tm;
    gl_tz_local(tz, now, &tm);
    return (tm.tm_year << 9) | tm.tm_yday;
}

bool web_cache_serve(struct gl_http_req *req, const char *token, size_t n, const char *rest)
{
    enum cached what = CACHED_PAGE;
    while (what < CACHED_N && strcmp(rest, cached_as[what].rest) != 0)
        what++;
    if (what == CACHED_N || strlen(req->query) >= CACHE_QUERY ||
        (cached_as[what].zoned && web_request_has_zone(req)))
        return false;
    unsigned char h[GL_HASH_BYTES];
    gl_token_hash(token, n, h);
    unsigned slot = cache_slot(what, h, req->query);
    int64_t now = gl_now();
    if (!cache[slot].body || cache[slot].what != what || cache[slot].gen != gen ||
        now - cache[slot].made >= CACHE_TTL ||
        (cache[slot].expires_at && now >= cache[slot].expires_at) ||
        sodium_memcmp(cache[slot].token_hash, h, GL_HASH_BYTES) != 0 ||
        strcmp(cache[slot].query, req->query) != 0 ||
        cache[slot].today != today_key(cache[slot].timezone, now))
        return false;
    const char *accept = gl_http_header(req, "accept-language");
    if (web_lang_query(req->query) != LANG_NONE ||
        (int)gl_lang_choose(web_lang_cookie(req), cache[slot].fixed, LANG_NONE, accept,
                            accept ? strlen(accept) : 0) != cache[slot].lang)
        return false;
    char hdrs[160];
    if (what == CACHED_PAGE) {
        web_count_open(cache[slot].link, now);
        snprintf(hdrs, sizeof hdrs, "%sContent-Language: %s\r\n", cached_as[what].headers,
                 gl_lang_tag((enum gl_lang)cache[slot].lang));
    } else {
        snprintf(hdrs, sizeof hdrs, "%s", cached_as[what].headers);
    }
    web_answer_kept(req, 200, cached_as[what].ctype, hdrs, cache[slot].body, cache[slot].len,
                    &cache[slot].kept);
    return true;
}

/* Keeps w->out, about to be answered as what, for the requests after it. */
static void cache_store(const struct web *w, enum cached what)
{
    if (strlen(w->req->query) >= CACHE_QUERY || strlen(w->prof.timezone) >= 64 ||
        web_lang_query(w->req->query) != LANG_NONE)
        return;
    /* A hit is answered without w: a CSRF token could not be masked (webreq.c), so a page
     * with one is not kept. */
    if (w->csrf[0] && memmem(w->out.p, w->out.n, w->csrf, strlen(w->csrf))) return;
    unsigned slot = cache_slot(what, w->link.token_hash, w->req->query);
    free(cache[slot].body);
    web_kept_free(&cache[slot].kept);
    cache[slot].what = what;
    cache[slot].body = xmalloc(w->out.n);
    memcpy(cache[slot].body, w->out.p, w->out.n);
    cache[slot].len = w->out.n;
    memcpy(cache[slot].token_hash, w->link.token_hash, GL_HASH_BYTES);
    snprintf(cache[slot].query, CACHE_QUERY, "%s", w->req->query);
    snprintf(cache[slot].timezone, sizeof cache[slot].timezone, "%s", w->prof.timezone);
    cache[slot].link = w->link.id;
    cache[slot].expires_at = w->link.expires_at;
    cache[slot].gen = gen;
    cache[slot].made = w->now;
    cache[slot].today = today_key(w->prof.timezone, w->now);
    cache[slot].lang = (int)w->lang;
    int fixed = gl_lang_parse(w->link.language);
    cache[slot].fixed = fixed != LANG_NONE ? fixed : gl_lang_parse(w->prof.language);
}

/* ---- reading posts (postquery.c) ---- */

/* Keeps the posts this link shows, up to POSTS_MAX (checked before each is read). */
struct collect {
    struct web *w;
    struct gl_postv *out;
};

static bool collect_visible(const struct gl_post *p, int64_t at, void *ctx)
{
    (void)at;
    struct collect *c = ctx;
    if (web_post_visible(c->w, p)) gl_postv_push(c->out, &c->w->zone, p);
    return c->out->n < POSTS_MAX;
}

static void collect_range(struct web *w, int64_t from, int64_t to, struct gl_postv *out)
{
    if (out->n >= POSTS_MAX) return;
    struct collect c = {w, out};
    gl_posts_by_time(&w->t, &w->zone, w->link.profile, from, to, collect_visible, &c);
}

/* The posts beside the calendar (collab) or to decide on (approval). */
static void collect_queue(struct web *w, struct gl_postv *out)
{
    const struct gl_link_policy *pol = gl_link_policy(w->link.kind);
    if (pol->listed && w->link.nposts) {
        for (size_t i = 0; i < w->link.nposts; i++) {
            struct gl_post p;
            if (gl_post_get(&w->t, &w->zone, (uint64_t)w->link.posts[i], &p) == 0 &&
                web_post_visible(w, &p))
                gl_postv_push(out, &w->zone, &p);
        }
        gl_postv_sort_by_time(out);
        return;
    }
    struct collect c = {w, out};
    for (int s = 0; s < ST_COUNT; s++) {
        if (!(pol->queue & GL_ST_BIT(s))) continue;
        if (out->n >= POSTS_MAX) continue; /* full: nothing more is read */
        if (gl_posts_with_status(&w->t, &w->zone, (enum gl_status)s, collect_visible, &c)) return;
    }
    gl_postv_sort_by_time(out);
}

/* ---- a link's pages ---- */

static int month_index(int y, int m)
{
    return y * 12 + (m - 1);
}

/* The box saying what the visitor's last action did (?done=... after its redirect). */
static const char *flash_text(struct web *w, const struct gl_form *q)
{
    const char *done = gl_form_get(q, "done");
    if (!done) return NULL;
    const char *n = gl_form_get(q, "n"), *sk = gl_form_get(q, "skipped");
    if (n) {
        long nn = strtol(n, NULL, 10), ns = sk ? strtol(sk, NULL, 10) : 0;
        const char *fmt =
            strcmp(done, "approved") == 0
                ? ngettext("You approved %ld post.", "You approved %ld posts.", (unsigned long)nn)
                : ngettext("You requested changes on %ld post.",
                           "You requested changes on %ld posts.", (unsigned long)nn);
        char *count = xasprintf(fmt, nn);
        char *s = xasprintf("%s%s%s", count, ns ? " " : "",
                            ns ? _("Some were skipped: they were no longer awaiting approval or "
                                   "had been edited meanwhile.")
                               : "");
        free(count);
        const char *z = gl_zone_strdup(&w->zone, s);
        free(s);
        return z;
    }
    if (strcmp(done, "approved") == 0) return _("You approved this post. Thank you!");
    if (strcmp(done, "rejected") == 0) return _("You requested changes. The team has been told.");
    if (strcmp(done, "moved") == 0) return _("The post was moved to the new time.");
    if (strcmp(done, "commented") == 0) return _("Your comment was added.");
    return NULL;
}

void web_serve_main(struct web *w, const struct web_args *a)
{
    struct gl_form *q = a->query;
    struct tm today;
    gl_tz_local(w->prof.timezone, w->now, &today);
    int y = today.tm_year + 1900, m = today.tm_mon + 1;
    const char *month = gl_form_get(q, "month");
    if (month) {
        int yy, mm;
        char extra;
        if (sscanf(month, "%4d-%2d%c", &yy, &mm, &extra) == 2 && yy >= 1971 && yy <= 9998 &&
            mm >= 1 && mm <= 12) {
            y = yy;
            m = mm;
        }
    }
    int cur = month_index(today.tm_year + 1900, today.tm_mon + 1), want = month_index(y, m);
    bool prev = true, next = true;
    const struct gl_link_policy *pol = gl_link_policy(w->link.kind);
    int around = pol->months_around;
    if (around) {
        if (want < cur - around) want = cur - around;
        if (want > cur + around) want = cur + around;
        prev = want > cur - around;
        next = want < cur + around;
        y = want / 12;
        m = want % 12 + 1;
    }
    const char *flash = flash_text(w, q);
    web_count_open(w->link.id, w->now);
    /* A link that asks no name and has no password (the calendar) shows the same page to
     * everyone: serve it from the cache while nothing it shows has changed. */
    bool cacheable = !pol->asks_name && !w->link.pwhash && !flash && !w->vzone[0];
    struct gl_postv month_posts = {0}, queue = {0};
    if (pol->month) {
        int ny = m == 12 ? y + 1 : y, nm = m == 12 ? 1 : m + 1;
        collect_range(w, gl_tz_to_utc(w->prof.timezone, y, m, 1, 0, 0),
                      gl_tz_to_utc(w->prof.timezone, ny, nm, 1, 0, 0), &month_posts);
    }
    if (pol->queue) collect_queue(w, &queue);
    page_main(w, y, m, &month_posts, prev, next, &queue, flash);
    if (cacheable) cache_store(w, CACHED_PAGE);
    web_send(w, 200);
}

void web_serve_detail(struct web *w, const struct web_args *a)
{
    struct gl_post p;
    uint64_t id = a->post;
    if (gl_post_get(&w->t, &w->zone, id, &p) || !web_post_visible(w, &p)) {
        web_not_found(w);
        return;
    }
    struct gl_seen seen;
    bool have_seen = false, differs = true;
    bool named = w->signed_in && w->visitor && *w->visitor;
    if (named) {
        have_seen = gl_seen_load(&w->t, w->link.id, id, w->visitor, &w->zone, &seen) == 0;
        differs = !have_seen || gl_seen_differs(&seen, &p);
    }
    page_detail(w, &p, have_seen && differs ? &seen : NULL, flash_text(w, a->query));
    /* Remember what this visitor saw, for the "what changed" view next time. This changes no
     * post and no decision: it is bookkeeping, like the open count. */
    struct gl_op *seen_op = named && differs ? web_seen_write(w, &p) : NULL;
    web_send(w, 200);
    if (seen_op) gl_batch_submit(&gl_srv->batch, seen_op);
}

/* Media of a post: the bytes stored with the media record, when there are any. */
void web_serve_media(struct web *w, const struct web_args *a)
{
    struct gl_post p;
    bool found = false;
    if (gl_post_get(&w->t, &w->zone, a->post, &p) == 0 && web_post_visible(w, &p) &&
        web_shows(w, LF_MEDIA))
        for (size_t i = 0; i < p.nmedia; i++)
            found |= (uint64_t)p.media[i] == a->media;
    struct gl_media m;
    /* The data points into the page, valid until the read transaction ends, after the copy. */
    if (!found || gl_media_load(&w->t, a->media, &w->zone, &m) != 0) {
        web_not_found(w);
        return;
    }
    web_send_media(w, &m, "Cache-Control: private, max-age=3600\r\n");
}

void web_send_media(struct web *w, const struct gl_media *m, const char *headers)
{
    static const char *const allowed[] = {"image/png", "image/jpeg", "image/gif", "image/webp"};
    const char *ctype = NULL; /* media.upload checked the type by content */
    for (size_t i = 0; i < GL_ARRAY_LEN(allowed); i++)
        if (strcmp(m->type, allowed[i]) == 0) ctype = allowed[i];
    if (!m->data || !ctype) {
        web_not_found(w);
        return;
    }
    buf_put(&w->out, (const char *)m->data, m->len);
    web_send_as(w, 200, ctype, headers);
}

/* ---- the iCalendar feed ---- */

void web_serve_feed_now(struct web *w)
{
    struct gl_postv posts = {0};
    int64_t from = INT64_MIN, to = GL_TIME_NONE;
    int around = gl_link_policy(w->link.kind)->months_around;
    if (around) {
        from = w->now - (int64_t)around * 31 * 86400;
        to = w->now + (int64_t)around * 31 * 86400;
    }
    collect_range(w, from, to, &posts);
    w->out.n = 0;
    ical_render(w, &posts, gl_web_public_url());
    /* Without a password the feed is the same for every request that gets it (the visitor's
     * zone plays no part: it is in UTC): kept like the page, so a calendar program's
     * If-None-Match is answered from the cache. A password is checked on each request. */
    if (!w->link.pwhash) cache_store(w, CACHED_FEED);
    buf_puts(&w->hdrs, cached_as[CACHED_FEED].headers);
    web_send_as(w, 200, cached_as[CACHED_FEED].ctype, w->hdrs.p);
}

void web_serve_feed(struct web *w, const struct web_args *a)
{
    (void)a;
    if (!gl_link_policy(w->link.kind)->feed) {
        web_not_found(w);
        return;
    }
    if (!w->link.pwhash || w->signed_in) {
        web_serve_feed_now(w);
        return;
    }
    /* Calendar programs cannot fill a form: they send the password with Basic. */
    const char *auth = gl_http_header(w->req, "authorization");
    if (auth && strncasecmp(auth, "Basic ", 6) == 0) {
        unsigned char dec[400];
        size_t n = 0;
        const char *b64 = auth + 6;
        if (sodium_base642bin(dec, sizeof dec - 1, b64, strlen(b64), NULL, &n, NULL,
                              sodium_base64_VARIANT_ORIGINAL) == 0) {
            dec[n] = '\0';
            char *colon = memchr(dec, ':', n);
            if (colon && gl_utf8_valid((char *)dec, n) && strlen(colon + 1) <= GL_MAX_PASSWORD) {
                web_check_password(w, colon + 1, NULL, web_serve_feed_now);
                return;
            }
        }
    }
    buf_puts(&w->hdrs, "WWW-Authenticate: Basic realm=\"Greenlight calendar\", "
                       "charset=\"UTF-8\"\r\n");
    web_message(w, 401, _("Password needed"),
                _("This calendar needs its password: any user name, and the link's password."),
                NULL, NULL);
}
