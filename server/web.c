/* The link pages (see web.h): routing, the visitor's session, CSRF, rate limits, the actions
 * (each a write in the group commit, answered after it), the page cache and open counts. */
#include "web.h"

#include <http_parser.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "http.h"
#include "storekeys.h"
#include "linkpolicy.h"
#include "postquery.h"
#include "log.h"
#include "tz.h"
#include "util.h"
#include "webctx.h"
#include "webstatic.h"
#include "workflow.h"
#include "xmalloc.h"

#define SESSION_TTL (7 * 86400)
#define MAX_PW_FAILS_PER_ADDR 10
#define MAX_HASH_JOBS 4
#define POSTS_MAX 5000
#define COOKIE "gl_s"

static const char security_headers[] =
    "Content-Security-Policy: default-src 'none'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'\r\n"
    "Referrer-Policy: no-referrer\r\n"
    "X-Content-Type-Options: nosniff\r\n"
    "X-Frame-Options: DENY\r\n"
    "Cross-Origin-Opener-Policy: same-origin\r\n"
    "Cross-Origin-Resource-Policy: same-origin\r\n";

static struct {
    struct gl_http_server *http;
    char public_url[512];
    bool secure;
    unsigned char secret[32]; /* keys the CSRF tokens; kept in the store across restarts */
    uint64_t gen;             /* bumped by every commit that changes what pages show */
    uv_timer_t stats_timer;
    bool stats_busy;
} web;

/* ---- small helpers ---- */

const char *gl_web_public_url(void)
{
    return web.public_url;
}

/* What the visitor may see and do: each a question to the policy table (linkpolicy.c). */
bool web_post_visible(const struct web *w, const struct gl_post *p)
{
    return gl_link_shows(&w->link, p);
}

bool web_shows(const struct web *w, enum gl_link_field f)
{
    return gl_link_shows_field(&w->link, f);
}

bool web_may_decide(const struct web *w, const struct gl_post *p)
{
    return gl_link_may_decide(&w->link, &w->prof, p);
}

bool web_may_reschedule(const struct web *w, const struct gl_post *p)
{
    return gl_link_allows(&w->link, LA_RESCHEDULE) && web_may_decide(w, p);
}

bool web_may_comment(const struct web *w)
{
    return gl_link_allows(&w->link, LA_COMMENT);
}

const char *web_status_label(const struct web *w, enum gl_status s)
{
    const struct gl_link_policy *pol = gl_link_policy(w->link.kind);
    if ((unsigned)s < ST_COUNT && pol->labels[s]) return pol->labels[s];
    return gl_status_label(s);
}

const char *web_status_class(const struct web *w, enum gl_status s)
{
    const struct gl_link_policy *pol = gl_link_policy(w->link.kind);
    if ((unsigned)s < ST_COUNT && pol->labels[s] && pol->relabelled_class)
        return pol->relabelled_class;
    return gl_status_class(s);
}

/* A post this link no longer reaches because it moved on since it was shown (decided,
 * scheduled, published): a decision posted on it is answered like a stale form (409), saying
 * nothing of its content. A post the link never reached stays a 404. */
static bool moved_on(const struct gl_link *l, const struct gl_post *p)
{
    const struct gl_link_policy *pol = gl_link_policy(l->kind);
    return p->profile == l->profile && p->status != ST_AWAITING &&
           (pol->statuses & GL_ST_BIT(p->status)) && !(pol->listed && l->nposts);
}

/* ---- requests ---- */

static struct web *web_new(struct gl_http_req *req)
{
    struct web *w = xcalloc(1, sizeof *w);
    w->req = req;
    w->now = gl_now();
    msgpack_zone_init(&w->zone, 8192);
    buf_init(&w->out, 16384);
    buf_init(&w->hdrs, 256);
    return w;
}

static void web_read_end(struct web *w)
{
    if (w->reading) gl_store_read_end(&w->t);
    w->reading = false;
}

static void web_free(struct web *w)
{
    web_read_end(w);
    msgpack_zone_destroy(&w->zone);
    buf_free(&w->out);
    buf_free(&w->hdrs);
    free(w);
}

static void send_raw(struct gl_http_req *req, int status, const char *ctype, const char *headers,
                     const char *body, size_t len)
{
    struct gl_http_resp resp = {.status = status, .content_type = ctype, .headers = headers,
                                .body = body, .body_len = len};
    gl_http_respond(req, &resp);
}

/* Sends w->out as a page and frees w. */
static void web_send(struct web *w, int status)
{
    web_read_end(w);
    buf_puts(&w->hdrs, "Cache-Control: no-store\r\n");
    send_raw(w->req, status, "text/html; charset=utf-8", w->hdrs.p, w->out.p, w->out.n);
    web_free(w);
}

static void web_redirect(struct web *w, const char *location)
{
    buf_puts(&w->hdrs, "Location: ");
    buf_puts(&w->hdrs, location);
    buf_puts(&w->hdrs, "\r\n");
    w->out.n = 0;
    web_send(w, 303);
}

static void web_not_found(struct web *w)
{
    w->out.n = 0;
    memset(&w->prof, 0, sizeof w->prof);
    w->base[0] = '\0';
    w->signed_in = false;
    page_message(w, "Not found", "There is nothing at this address.", NULL, NULL);
    web_send(w, 404);
}

static void web_message(struct web *w, int status, const char *title, const char *text,
                        const char *back, const char *back_label)
{
    w->out.n = 0;
    page_message(w, title, text, back, back_label);
    web_send(w, status);
}

static void method_not_allowed(struct gl_http_req *req, const char *allow)
{
    char hdr[96];
    snprintf(hdr, sizeof hdr, "Allow: %s\r\nCache-Control: no-store\r\n", allow);
    static const char body[] = "405 Method Not Allowed\n";
    send_raw(req, 405, "text/plain; charset=utf-8", hdr, body, sizeof body - 1);
}

static bool is_get(const struct gl_http_req *req)
{
    return req->method == HTTP_GET || req->method == HTTP_HEAD;
}

/* The client's address: the TCP peer, or, when the peer is a trusted proxy, the last address
 * in X-Forwarded-For that is not one of the trusted proxies. */
static bool trusted(const char *addr)
{
    for (unsigned i = 0; i < gl_srv->opt.ntrusted_proxies; i++)
        if (strcmp(gl_srv->opt.trusted_proxies[i], addr) == 0) return true;
    return false;
}

static bool valid_ip(const char *s)
{
    unsigned char buf[16];
    return uv_inet_pton(AF_INET, s, buf) == 0 || uv_inet_pton(AF_INET6, s, buf) == 0;
}

static void client_address(const struct gl_http_req *req, char *out, size_t n)
{
    snprintf(out, n, "%s", req->peer);
    if (!trusted(req->peer)) return;
    /* Walk every X-Forwarded-For entry from the right. */
    for (int i = (int)req->nheaders - 1; i >= 0; i--) {
        if (strcmp(req->headers[i].name, "x-forwarded-for") != 0) continue;
        char copy[1024];
        snprintf(copy, sizeof copy, "%s", req->headers[i].value);
        char *end = copy + strlen(copy);
        while (end > copy) {
            char *comma = end - 1;
            while (comma >= copy && *comma != ',') comma--;
            char *item = comma + 1;
            *end = '\0';
            while (*item == ' ' || *item == '\t') item++;
            char *e = item + strlen(item);
            while (e > item && (e[-1] == ' ' || e[-1] == '\t')) *--e = '\0';
            if (!valid_ip(item)) return; /* garbage: keep the last good one */
            snprintf(out, n, "%s", item);
            if (!trusted(item)) return;
            end = comma >= copy ? comma : copy;
        }
    }
}

static void make_csrf(struct web *w)
{
    unsigned char mac[16];
    crypto_generichash_state st;
    crypto_generichash_init(&st, web.secret, sizeof web.secret, sizeof mac);
    if (w->signed_in) {
        crypto_generichash_update(&st, (const unsigned char *)"s", 1);
        crypto_generichash_update(&st, w->sess_hash, GL_HASH_BYTES);
    } else {
        crypto_generichash_update(&st, (const unsigned char *)"p", 1);
        crypto_generichash_update(&st, w->link.token_hash, GL_HASH_BYTES);
    }
    crypto_generichash_final(&st, mac, sizeof mac);
    sodium_bin2base64(w->csrf, sizeof w->csrf, mac, sizeof mac,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static bool csrf_ok(const struct web *w, const char *given)
{
    if (!given) return false;
    size_t n = strlen(w->csrf);
    return strlen(given) == n && sodium_memcmp(given, w->csrf, n) == 0;
}

/* Finds this link's session cookie and checks it. */
static void load_session(struct web *w)
{
    const char *cookies = NULL;
    for (unsigned i = 0; i < w->req->nheaders; i++) {
        if (strcmp(w->req->headers[i].name, "cookie") != 0) continue;
        cookies = w->req->headers[i].value;
        const char *p = cookies;
        while ((p = strstr(p, COOKIE "=")) != NULL) {
            if (p != cookies && p[-1] != ' ' && p[-1] != ';') {
                p++;
                continue;
            }
            p += strlen(COOKIE) + 1;
            size_t len = strcspn(p, "; ");
            if (len != GL_TOKEN_LEN) continue;
            unsigned char h[GL_HASH_BYTES];
            gl_token_hash(p, len, h);
            struct gl_session s;
            if (gl_session_load(&w->t, h, &w->zone, &s) == 0 && s.link == w->link.id &&
                sodium_memcmp(s.token_hash, w->link.token_hash, GL_HASH_BYTES) == 0 &&
                s.expires_at > w->now) {
                w->signed_in = true;
                w->sess = s;
                memcpy(w->sess_hash, h, sizeof h);
                w->visitor = s.name;
                return;
            }
        }
    }
}

static bool needs_gate(const struct gl_link *l)
{
    return gl_link_policy(l->kind)->asks_name || l->pwhash != NULL;
}

/* ---- open counts: kept in memory, saved in one write a minute (a commit's fsync on the loop
 * every second shows in the pages' tail latency); link.list adds what is not saved yet ---- */

#define STATS_SLOTS 256
static struct {
    uint64_t link;
    uint32_t n;
    int64_t last;
} stats[STATS_SLOTS];
static unsigned nstats;

static void count_open(uint64_t link, int64_t now)
{
    for (unsigned i = 0; i < nstats; i++)
        if (stats[i].link == link) {
            stats[i].n++;
            stats[i].last = now;
            return;
        }
    if (nstats == STATS_SLOTS) return; /* a burst over many links: counted next second */
    stats[nstats].link = link;
    stats[nstats].n = 1;
    stats[nstats].last = now;
    nstats++;
}

/* ---- writes ---- */

enum wact {
    WA_SESSION,
    WA_SIGNOUT,
    WA_ACT,
    WA_BULK,
    WA_REQUEST,
    WA_SEEN,
    WA_STATS,
};

struct web_write {
    struct gl_op op; /* first: the batch hands it back */
    struct web *w;   /* the request to answer, NULL for bookkeeping */
    enum wact act;
    uint64_t link;
    unsigned char token_hash[GL_HASH_BYTES];
    char name[GL_MAX_NAME + 1];
    char address[64];
    char action[16];
    uint64_t post;
    uint32_t rev;
    int64_t at;
    const char *note;
    const char *text;
    uint64_t ids[GL_LINK_MAX_POSTS];
    uint32_t revs[GL_LINK_MAX_POSTS];
    size_t nids;
    unsigned char sess_hash[GL_HASH_BYTES];
    char cookie[GL_TOKEN_LEN + 1];
    int64_t sess_expires;
    struct gl_post seen_post; /* WA_SEEN: what was shown (strings in zone) */
    msgpack_zone zone;
    /* results */
    unsigned n_done, n_skipped;
    int status; /* the HTTP status of a refusal */
    char msg[400];
    enum gl_status post_status;
    struct {
        uint64_t link;
        uint32_t n;
        int64_t last;
    } st[STATS_SLOTS];
    unsigned nst;
    bool purge; /* also drop expired sessions */
};

static struct web_write *ww_new(struct web *w, enum wact act, gl_op_run_fn run,
                                gl_op_done_fn done)
{
    struct web_write *ww = xcalloc(1, sizeof *ww);
    gl_op_init(&ww->op, run, done);
    ww->w = w;
    ww->act = act;
    msgpack_zone_init(&ww->zone, 4096);
    if (w) {
        ww->link = w->link.id;
        memcpy(ww->token_hash, w->link.token_hash, GL_HASH_BYTES);
        snprintf(ww->address, sizeof ww->address, "%s", w->address);
        if (w->visitor) snprintf(ww->name, sizeof ww->name, "%s", w->visitor);
    }
    return ww;
}

static void ww_free(struct web_write *ww)
{
    gl_op_destroy(&ww->op);
    msgpack_zone_destroy(&ww->zone);
    free(ww);
}

static int refuse(struct web_write *ww, int status, const char *fmt, const char *arg)
{
    ww->status = status;
    snprintf(ww->msg, sizeof ww->msg, fmt, arg ? arg : "");
    gl_err_set(&ww->op.err, GL_E_INVALID_STATE, "%s", ww->msg);
    return -1;
}

/* The link as it is now in the write: still active, same token. */
static int check_link(struct web_write *ww, struct gl_txn *t, struct gl_link *l, bool want_expired)
{
    if (gl_link_load(t, ww->link, &ww->zone, l) != 0 ||
        sodium_memcmp(l->token_hash, ww->token_hash, GL_HASH_BYTES) != 0 || l->revoked)
        return refuse(ww, 404, "There is nothing at this address.%s", NULL);
    enum gl_link_state s = gl_link_state(l, gl_now());
    if (!want_expired && s != LINK_ACTIVE)
        return refuse(ww, 410, "This link has expired; nothing was changed.%s", NULL);
    if (want_expired && s != LINK_EXPIRED) return refuse(ww, 409, "This link still works.%s", NULL);
    return 0;
}

/* Drops expired sessions (a bounded number per run: the next run takes the rest). */
static void purge_sessions(struct gl_txn *t, msgpack_zone *z)
{
    struct gl_key lo, hi;
    memset(lo.b, 0, GL_HASH_BYTES);
    lo.n = GL_HASH_BYTES;
    memset(hi.b, 0xff, GL_HASH_BYTES);
    hi.n = GL_HASH_BYTES;
    struct gl_range r;
    if (gl_range_open(t, DB_SESSIONS, &lo, &hi, &r)) return;
    MDB_val key, val;
    int64_t now = gl_now();
    unsigned dropped = 0;
    while (dropped < 5000 && gl_range_next(&r, &key, &val)) {
        msgpack_object o;
        size_t off = 0;
        int64_t exp = 0;
        const msgpack_object *e = NULL;
        if (msgpack_unpack(val.mv_data, val.mv_size, &off, z, &o) == MSGPACK_UNPACK_SUCCESS &&
            o.type == MSGPACK_OBJECT_MAP)
            e = gl_map_get(&o, "expires_at");
        if (e && gl_obj_int(e, &exp) && exp > now) continue;
        int rc = mdb_cursor_del(r.cur, 0);
        if (rc) {
            t->rc = rc;
            break;
        }
        dropped++;
    }
    gl_range_close(&r);
    if (dropped) log_info("web: expired sessions dropped count=%u", dropped);
}

/* Runs of bookkeeping writes (sessions, open counts, what a visitor saw): they change nothing
 * a page shows, so cached pages stay. */
static int bookkeeping_run(struct gl_op *op, struct gl_txn *t)
{
    struct web_write *ww = (struct web_write *)op;
    struct gl_link l;
    switch (ww->act) {
    case WA_SESSION: {
        msgpack_zone_clear(&ww->zone);
        if (check_link(ww, t, &l, false)) return -1;
        struct gl_session s = {.link = ww->link, .name = ww->name, .created_at = gl_now(),
                               .expires_at = ww->sess_expires};
        memcpy(s.token_hash, ww->token_hash, GL_HASH_BYTES);
        gl_session_save(t, ww->sess_hash, &s);
        return 0;
    }
    case WA_SIGNOUT: {
        struct gl_key k;
        key_bytes(&k, ww->sess_hash, GL_HASH_BYTES);
        gl_del(t, DB_SESSIONS, &k);
        return 0;
    }
    case WA_SEEN:
        gl_seen_save(t, ww->link, ww->name, &ww->seen_post, gl_now());
        return 0;
    case WA_STATS:
        msgpack_zone_clear(&ww->zone);
        for (unsigned i = 0; i < ww->nst; i++) {
            if (gl_link_load(t, ww->st[i].link, &ww->zone, &l) != 0) continue;
            l.opens += ww->st[i].n;
            if (ww->st[i].last > l.last_opened) l.last_opened = ww->st[i].last;
            gl_link_save(t, &l);
        }
        if (ww->purge) purge_sessions(t, &ww->zone);
        return 0;
    default:
        return -1;
    }
}

/* The actions of the post form: the name posted, the policy's action, the word for "done". */
static const struct {
    const char *name;
    enum gl_link_action action;
    const char *done;
} form_actions[] = {
    {"approve", LA_APPROVE, "approved"},
    {"reject", LA_REJECT, "rejected"},
    {"reschedule", LA_RESCHEDULE, "moved"},
    {"comment", LA_COMMENT, "commented"},
};

/* The policy's action of a form's action name; 0 when unknown. */
static enum gl_link_action action_of(const char *name)
{
    for (size_t i = 0; name && i < GL_ARRAY_LEN(form_actions); i++)
        if (strcmp(form_actions[i].name, name) == 0) return form_actions[i].action;
    return 0;
}

static const char *done_word(const char *action)
{
    for (size_t i = 0; i < GL_ARRAY_LEN(form_actions); i++)
        if (strcmp(form_actions[i].name, action) == 0) return form_actions[i].done;
    return "done";
}

/* A decision, reschedule or comment on one post, or the same decision on several. */
static int action_run(struct gl_op *op, struct gl_txn *t)
{
    struct web_write *ww = (struct web_write *)op;
    msgpack_zone_clear(&ww->zone);
    ww->n_done = ww->n_skipped = 0;
    ww->status = 0;
    struct gl_link l;
    if (ww->act == WA_REQUEST) {
        if (check_link(ww, t, &l, true)) return -1;
        int64_t now = gl_now();
        /* Once is enough: a second click within the hour tells nobody anything new. */
        if (l.requested_at >= l.expires_at && now - l.requested_at < 3600) return 0;
        l.requested_at = now;
        gl_link_save(t, &l);
        const char *who = l.approver ? l.approver : "a visitor";
        struct gl_actor actor = {.name = who, .kind = ACTOR_EXTERNAL, .link = l.id,
                                 .address = ww->address};
        struct gl_wf wf = {.t = t, .op = op, .zone = &ww->zone, .actor = &actor, .now = now};
        char text[200];
        snprintf(text, sizeof text, "%s asked for a new %s link (link %llu expired)", who,
                 gl_link_kind_name(l.kind), (unsigned long long)l.id);
        wf_event(&wf, EV_LINK_REQUESTED, NULL, l.id, gl_zone_strdup(&ww->zone, text));
        return 0;
    }
    if (check_link(ww, t, &l, false)) return -1;
    struct gl_actor actor = {.name = ww->name,
                             .kind = ACTOR_EXTERNAL,
                             .link = l.id,
                             .address = ww->address,
                             .decides = gl_link_policy(l.kind)->decides,
                             .approver = l.approver};
    struct gl_wf wf = {.t = t, .op = op, .zone = &ww->zone, .actor = &actor, .now = gl_now()};
    enum gl_link_action act = action_of(ww->action);
    bool approving = act == LA_APPROVE, rejecting = act == LA_REJECT;
    if (ww->act == WA_BULK && !(gl_link_allows(&l, LA_BULK) && gl_link_allows(&l, act)))
        return refuse(ww, 403, "Not allowed through this link.%s", NULL);
    if (ww->act == WA_BULK) {
        struct gl_profile prof = {0};
        struct gl_err perr = {0};
        bool have_prof = wf_profile_load(&wf, l.profile, &prof, &perr) == 0;
        for (size_t i = 0; i < ww->nids; i++) {
            struct gl_post p;
            struct gl_err err = {0};
            if (!have_prof || wf_post_load(&wf, ww->ids[i], &p, &err) ||
                !gl_link_may_decide(&l, &prof, &p) || p.revision != ww->revs[i]) {
                ww->n_skipped++;
                continue;
            }
            int r = approving ? wf_approve(&wf, &p, ww->note, &err)
                              : wf_reject(&wf, &p, ww->note, &err);
            if (r) {
                ww->n_skipped++;
                continue;
            }
            gl_seen_save(t, l.id, ww->name, &p, wf.now);
            ww->n_done++;
        }
        return 0;
    }
    struct gl_post p;
    struct gl_profile prof;
    struct gl_err err = {0};
    bool commenting = act == LA_COMMENT, moving = act == LA_RESCHEDULE;
    if (wf_post_load(&wf, ww->post, &p, &err) ||
        !(gl_link_shows(&l, &p) || (!commenting && moved_on(&l, &p))) ||
        wf_profile_load(&wf, p.profile, &prof, &err))
        return refuse(ww, 404, "There is nothing at this address.%s", NULL);
    if (!gl_link_allows(&l, act)) return refuse(ww, 403, "Not allowed through this link.%s", NULL);
    if (p.status == ST_PUBLISHED && !commenting)
        return refuse(ww, 409, "This post was published meanwhile, so it can no longer be "
                               "changed. Nothing was changed.%s", NULL);
    if (p.status == ST_PUBLISHING && !commenting)
        return refuse(ww, 409, "This post is being published right now, so it cannot be "
                               "changed. Nothing was changed.%s", NULL);
    if (!commenting && p.revision != ww->rev)
        return refuse(ww, 409, "The post was edited while you were looking at it, so nothing "
                               "was changed. Please review the new version.%s", NULL);
    /* Deciding and moving: only a post whose pending step this link decides, now. */
    if (!commenting && p.status != ST_AWAITING)
        return refuse(ww, 409,
                      "This post is no longer awaiting approval (it is now %s); "
                      "nothing was changed.",
                      gl_status_name(p.status));
    if (!commenting && !gl_link_may_decide(&l, &prof, &p))
        return refuse(ww, 409,
                      "This post is not ready for your decision yet: its current approval "
                      "step is someone else's. Nothing was changed.%s",
                      NULL);
    int r;
    if (approving) {
        r = wf_approve(&wf, &p, ww->note, &err);
    } else if (rejecting) {
        r = wf_reject(&wf, &p, ww->note, &err);
    } else if (moving) {
        r = wf_reschedule(&wf, &p, ww->at, ww->note, &err);
    } else {
        uint32_t seq;
        r = wf_comment(&wf, &p, ww->text, true, &seq, &err);
    }
    if (r && err.code == GL_E_FORBIDDEN)
        return refuse(ww, 409, "This post is not ready for your decision yet (%s). Nothing was "
                               "changed.", err.message);
    if (r) return refuse(ww, err.code == GL_E_BAD_REQUEST ? 422 : 409, "%s", err.message);
    ww->post_status = p.status;
    gl_seen_save(t, l.id, ww->name, &p, wf.now);
    return 0;
}

static void bookkeeping_done(struct gl_op *op)
{
    struct web_write *ww = (struct web_write *)op;
    if (op->err.code && ww->act == WA_STATS)
        log_warn("web: open counts not saved error=\"%s\"", op->err.message);
    if (ww->act == WA_STATS) web.stats_busy = false;
    struct web *w = ww->w;
    if (w && ww->act == WA_SESSION) {
        if (op->err.code) {
            int st = ww->status ? ww->status : 503;
            web_message(w, st, "Could not sign you in", ww->msg[0] ? ww->msg :
                        "Something went wrong; please try again.", w->base, "Try again");
        } else {
            buf_printf(&w->hdrs, "Set-Cookie: " COOKIE "=%s; Path=%s; Max-Age=%lld; HttpOnly; "
                                 "SameSite=Strict%s\r\n",
                       ww->cookie, w->base, (long long)(ww->sess_expires - gl_now()),
                       web.secure ? "; Secure" : "");
            web_redirect(w, w->base);
        }
    } else if (w && ww->act == WA_SIGNOUT) {
        buf_printf(&w->hdrs, "Set-Cookie: " COOKIE "=; Path=%s; Max-Age=0; HttpOnly; "
                             "SameSite=Strict%s\r\n", w->base, web.secure ? "; Secure" : "");
        web_redirect(w, w->base);
    }
    sodium_memzero(ww->cookie, sizeof ww->cookie);
    ww_free(ww);
}

static void action_done(struct gl_op *op)
{
    struct web_write *ww = (struct web_write *)op;
    struct web *w = ww->w;
    char loc[256];
    if (op->err.code) {
        int st = ww->status ? ww->status : 503;
        const char *msg = ww->msg[0] ? ww->msg : "The change could not be saved; please try again.";
        if (ww->act == WA_ACT)
            snprintf(loc, sizeof loc, "%s/p/%llu", w->base, (unsigned long long)ww->post);
        else
            snprintf(loc, sizeof loc, "%s", w->base);
        web_message(w, st, st == 409 ? "Nothing was changed" : "Not saved", msg, loc,
                    ww->act == WA_ACT ? "Back to the post" : "Back");
    } else if (ww->act == WA_REQUEST) {
        snprintf(loc, sizeof loc, "%s?requested=1", w->base);
        web_redirect(w, loc);
    } else if (ww->act == WA_BULK) {
        snprintf(loc, sizeof loc, "%s?done=%s&n=%u&skipped=%u", w->base,
                 done_word(ww->action), ww->n_done, ww->n_skipped);
        web_redirect(w, loc);
    } else {
        snprintf(loc, sizeof loc, "%s/p/%llu?done=%s", w->base, (unsigned long long)ww->post,
                 done_word(ww->action));
        web_redirect(w, loc);
    }
    ww_free(ww);
}

static void flush_stats(bool purge)
{
    if ((nstats == 0 && !purge) || web.stats_busy) return;
    struct web_write *ww = ww_new(NULL, WA_STATS, bookkeeping_run, bookkeeping_done);
    ww->purge = purge;
    memcpy(ww->st, stats, sizeof stats[0] * nstats);
    ww->nst = nstats;
    nstats = 0;
    web.stats_busy = true;
    gl_batch_submit(&gl_srv->batch, &ww->op);
}

static void on_stats_timer(uv_timer_t *h)
{
    (void)h;
    /* Expired sessions go once an hour, starting a minute after start. */
    static unsigned ticks = 59;
    bool purge = ++ticks >= 60;
    if (purge) ticks = 0;
    if (!gl_srv->stopping) flush_stats(purge);
}

void gl_web_pending_opens(uint64_t link, int64_t *opens, int64_t *last_opened)
{
    for (unsigned i = 0; i < nstats; i++)
        if (stats[i].link == link) {
            *opens += stats[i].n;
            if (stats[i].last > *last_opened) *last_opened = stats[i].last;
        }
}

void gl_web_committed(struct gl_op *op)
{
    if (op->run != bookkeeping_run) web.gen++;
}

/* ---- the page cache: the calendar link's month, rebuilt after any write that matters ---- */

/* Keyed by the token's hash and the query, so a hit needs no store access at all: whatever
 * could make the page wrong (a post, the profile, the link revoked or regenerated) is a write
 * that bumps web.gen; expiry and "today" are checked against the clock. */
#define CACHE_SLOTS 64
#define CACHE_TTL 30
#define CACHE_QUERY 32
static struct {
    unsigned char token_hash[GL_HASH_BYTES];
    char query[CACHE_QUERY];
    uint64_t link;
    int64_t expires_at;
    char timezone[64];
    uint64_t gen;
    int64_t made;
    int today;
    char *body;
    size_t len;
} cache[CACHE_SLOTS];

static unsigned cache_slot(const unsigned char *token_hash, const char *query)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < 8; i++) h = (h ^ token_hash[i]) * 16777619u;
    for (const char *q = query; *q; q++) h = (h ^ (unsigned char)*q) * 16777619u;
    return h % CACHE_SLOTS;
}

static int today_key(const char *tz, int64_t now)
{
    struct tm tm;
    gl_tz_local(tz, now, &tm);
    return (tm.tm_year << 9) | tm.tm_yday;
}

static void send_raw(struct gl_http_req *req, int status, const char *ctype, const char *headers,
                     const char *body, size_t len);

/* Serves the page from the cache when it is there and fresh; false otherwise. */
static bool cache_serve(struct gl_http_req *req, const char *token, size_t n)
{
    if (strlen(req->query) >= CACHE_QUERY) return false;
    unsigned char h[GL_HASH_BYTES];
    gl_token_hash(token, n, h);
    unsigned slot = cache_slot(h, req->query);
    int64_t now = gl_now();
    if (!cache[slot].body || cache[slot].gen != web.gen || now - cache[slot].made >= CACHE_TTL ||
        (cache[slot].expires_at && now >= cache[slot].expires_at) ||
        sodium_memcmp(cache[slot].token_hash, h, GL_HASH_BYTES) != 0 ||
        strcmp(cache[slot].query, req->query) != 0 ||
        cache[slot].today != today_key(cache[slot].timezone, now))
        return false;
    count_open(cache[slot].link, now);
    send_raw(req, 200, "text/html; charset=utf-8", "Cache-Control: no-store\r\n",
             cache[slot].body, cache[slot].len);
    return true;
}

static void cache_store(const struct web *w)
{
    if (strlen(w->req->query) >= CACHE_QUERY || strlen(w->prof.timezone) >= 64) return;
    unsigned slot = cache_slot(w->link.token_hash, w->req->query);
    free(cache[slot].body);
    cache[slot].body = xmalloc(w->out.n);
    memcpy(cache[slot].body, w->out.p, w->out.n);
    cache[slot].len = w->out.n;
    memcpy(cache[slot].token_hash, w->link.token_hash, GL_HASH_BYTES);
    snprintf(cache[slot].query, CACHE_QUERY, "%s", w->req->query);
    snprintf(cache[slot].timezone, sizeof cache[slot].timezone, "%s", w->prof.timezone);
    cache[slot].link = w->link.id;
    cache[slot].expires_at = w->link.expires_at;
    cache[slot].gen = web.gen;
    cache[slot].made = w->now;
    cache[slot].today = today_key(w->prof.timezone, w->now);
}

/* ---- reading posts ---- */

static bool load_post(struct web *w, uint64_t id, struct gl_post *p)
{
    return gl_post_get(&w->t, &w->zone, id, p) == 0;
}

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
            if (load_post(w, (uint64_t)w->link.posts[i], &p) && web_post_visible(w, &p))
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

/* ---- pages ---- */

static int month_index(int y, int m)
{
    return y * 12 + (m - 1);
}

static const char *flash_text(struct web *w, const struct gl_form *q)
{
    const char *done = gl_form_get(q, "done");
    if (!done) return NULL;
    const char *n = gl_form_get(q, "n"), *sk = gl_form_get(q, "skipped");
    if (n) {
        long nn = strtol(n, NULL, 10), ns = sk ? strtol(sk, NULL, 10) : 0;
        char *s = xasprintf("%s %ld post%s.%s", strcmp(done, "approved") == 0 ? "You approved"
                                                : "You requested changes on",
                            nn, nn == 1 ? "" : "s",
                            ns ? " Some were skipped: they were no longer awaiting approval or "
                                 "had been edited meanwhile."
                               : "");
        const char *z = gl_zone_strdup(&w->zone, s);
        free(s);
        return z;
    }
    if (strcmp(done, "approved") == 0) return "You approved this post. Thank you!";
    if (strcmp(done, "rejected") == 0) return "You requested changes. The team has been told.";
    if (strcmp(done, "moved") == 0) return "The post was moved to the new time.";
    if (strcmp(done, "commented") == 0) return "Your comment was added.";
    return NULL;
}

static void serve_main(struct web *w, struct gl_form *q)
{
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
    count_open(w->link.id, w->now);
    /* A link that asks no name and has no password (the calendar) shows the same page to
     * everyone: serve it from the cache while nothing it shows has changed. */
    bool cacheable = !pol->asks_name && !w->link.pwhash && !flash;
    struct gl_postv month_posts = {0}, queue = {0};
    if (pol->month) {
        int ny = m == 12 ? y + 1 : y, nm = m == 12 ? 1 : m + 1;
        collect_range(w, gl_tz_to_utc(w->prof.timezone, y, m, 1, 0, 0),
                      gl_tz_to_utc(w->prof.timezone, ny, nm, 1, 0, 0), &month_posts);
    }
    if (pol->queue) collect_queue(w, &queue);
    page_main(w, y, m, &month_posts, prev, next, &queue, flash);
    if (cacheable) cache_store(w);
    web_send(w, 200);
}

static void serve_detail(struct web *w, uint64_t id, struct gl_form *q)
{
    struct gl_post p;
    if (!load_post(w, id, &p) || !web_post_visible(w, &p)) {
        web_not_found(w);
        return;
    }
    struct gl_seen seen;
    bool have_seen = false, differs = true;
    if (w->signed_in && w->visitor && *w->visitor) {
        have_seen = gl_seen_load(&w->t, w->link.id, id, w->visitor, &w->zone, &seen) == 0;
        differs = !have_seen || gl_seen_differs(&seen, &p);
    }
    page_detail(w, &p, have_seen && differs ? &seen : NULL, flash_text(w, q));
    /* Remember what this visitor saw, for the "what changed" view next time. This changes no
     * post and no decision: it is bookkeeping, like the open count. */
    if (w->signed_in && w->visitor && *w->visitor && differs) {
        struct web_write *ww = ww_new(w, WA_SEEN, bookkeeping_run, bookkeeping_done);
        ww->w = NULL;
        struct gl_post *sp = &ww->seen_post;
        *sp = p;
        sp->caption = gl_zone_strdup(&ww->zone, p.caption);
        const char **pl = msgpack_zone_malloc(&ww->zone, sizeof *pl * (p.nplatforms + 1));
        for (size_t i = 0; i < p.nplatforms; i++) pl[i] = gl_zone_strdup(&ww->zone, p.platforms[i]);
        sp->platforms = pl;
        int64_t *md = msgpack_zone_malloc(&ww->zone, sizeof *md * (p.nmedia + 1));
        if (p.nmedia) memcpy(md, p.media, sizeof *md * p.nmedia);
        sp->media = md;
        /* The zone is cleared by each run; keep these in a zone of their own. */
        web_send(w, 200);
        gl_batch_submit(&gl_srv->batch, &ww->op);
        return;
    }
    web_send(w, 200);
}

/* Media of a post: the bytes stored with the media record, when there are any. */
static void serve_media(struct web *w, uint64_t post, uint64_t media)
{
    struct gl_post p;
    bool found = false;
    if (load_post(w, post, &p) && web_post_visible(w, &p) && web_shows(w, LF_MEDIA))
        for (size_t i = 0; i < p.nmedia; i++) found |= (uint64_t)p.media[i] == media;
    struct gl_key k;
    MDB_val v;
    key_id(&k, media);
    if (!found || gl_get(&w->t, DB_MEDIA, &k, &v) != 0) {
        web_not_found(w);
        return;
    }
    msgpack_object o;
    size_t off = 0;
    if (msgpack_unpack(v.mv_data, v.mv_size, &off, &w->zone, &o) != MSGPACK_UNPACK_SUCCESS ||
        o.type != MSGPACK_OBJECT_MAP) {
        web_not_found(w);
        return;
    }
    const msgpack_object *data = gl_map_get(&o, "data");
    const msgpack_object *type = gl_map_get(&o, "type"); /* media.upload checked it by content */
    static const char *const allowed[] = {"image/png", "image/jpeg", "image/gif", "image/webp"};
    const char *ctype = NULL;
    for (size_t i = 0; type && i < GL_ARRAY_LEN(allowed); i++)
        if (gl_obj_streq(type, allowed[i])) ctype = allowed[i];
    if (!data || data->type != MSGPACK_OBJECT_BIN || !ctype) {
        web_not_found(w);
        return;
    }
    buf_put(&w->out, data->via.bin.ptr, data->via.bin.size);
    web_read_end(w);
    send_raw(w->req, 200, ctype, "Cache-Control: private, max-age=3600\r\n", w->out.p, w->out.n);
    web_free(w);
}

/* ---- the password check, on the thread pool ---- */

struct pw_job {
    uv_work_t work;
    struct web *w;
    char hash[crypto_pwhash_STRBYTES];
    char password[GL_MAX_PASSWORD + 1];
    char name[GL_MAX_NAME + 1];
    bool ics;
    bool ok;
    struct gl_attempt attempt;
};

static void serve_ics(struct web *w);

static void pw_work(uv_work_t *wk)
{
    struct pw_job *j = wk->data;
    j->ok = gl_password_verify(j->hash, j->password);
    sodium_memzero(j->password, sizeof j->password);
}

static void start_session(struct web *w, const char *name)
{
    struct web_write *ww = ww_new(w, WA_SESSION, bookkeeping_run, bookkeeping_done);
    snprintf(ww->name, sizeof ww->name, "%s", name);
    unsigned char h[GL_HASH_BYTES];
    gl_token_new(ww->cookie, h);
    memcpy(ww->sess_hash, h, sizeof h);
    ww->sess_expires = w->now + SESSION_TTL;
    if (w->link.expires_at && w->link.expires_at < ww->sess_expires)
        ww->sess_expires = w->link.expires_at;
    gl_batch_submit(&gl_srv->batch, &ww->op);
}

static void pw_after(uv_work_t *wk, int status)
{
    struct pw_job *j = wk->data;
    struct web *w = j->w;
    gl_srv->hash_jobs--;
    gl_attempt_end(&j->attempt, status == 0 && j->ok && !gl_srv->stopping);
    if (gl_srv->stopping) {
        /* The batch is closed: nothing more may be written. */
        web_message(w, 503, "Shutting down", "Please try again in a moment.", NULL, NULL);
        free(j);
        return;
    }
    if (status != 0 || !j->ok) {
        log_info("web: wrong link password link=%llu address=%s",
                 (unsigned long long)w->link.id, w->address);
        if (j->ics) {
            buf_puts(&w->hdrs, "WWW-Authenticate: Basic realm=\"Greenlight calendar\", "
                               "charset=\"UTF-8\"\r\n");
            web_message(w, 401, "Password needed", "This calendar needs its password.", NULL,
                        NULL);
        } else {
            w->out.n = 0;
            page_signin(w, "That password is not right. Please try again.");
            web_send(w, 401);
        }
        free(j);
        return;
    }
    if (j->ics) {
        /* The read transaction was closed while the hash ran: take a new one. */
        if (gl_store_read_begin(&gl_srv->store, &w->t) == 0) {
            w->reading = true;
            serve_ics(w);
        } else {
            web_message(w, 503, "Busy", "Please try again.", NULL, NULL);
        }
    } else {
        start_session(w, j->name);
    }
    free(j);
}

/* Link password attempts (docs/hardening.md, "Login limits"): refused per (address, link)
 * and per address, never per link, so a stranger's guesses cannot lock the link's real
 * visitors out; per link they are only capped in flight. */
static const struct gl_limit_rule pw_by_pair = {
    .scope = "link-pair", .max_fails = MAX_PW_FAILS_PER_ADDR, .clear_on_success = true};
static const struct gl_limit_rule pw_by_address = {
    .scope = "http-addr", .max_inflight = 4, .max_fails = MAX_PW_FAILS_PER_ADDR};
static const struct gl_limit_rule pw_by_link = {.scope = "link-pw", .max_inflight = 8};

/* Checks the password on the thread pool; answers 429 when limited or busy. */
static void check_password(struct web *w, const char *password, const char *name, bool ics)
{
    int64_t wait = 0;
    unsigned delay_ms; /* no rule here slows down */
    struct pw_job *j = xcalloc(1, sizeof *j);
    /* An address has no space in it, so "address link" names one pair only. */
    gl_attempt_key(&j->attempt, &pw_by_pair, "%s %llu", w->address,
                   (unsigned long long)w->link.id);
    gl_attempt_key(&j->attempt, &pw_by_address, "%s", w->address);
    gl_attempt_key(&j->attempt, &pw_by_link, "%llu", (unsigned long long)w->link.id);
    if (gl_srv->hash_jobs >= MAX_HASH_JOBS ||
        gl_attempt_admit(&j->attempt, w->now, &wait, &delay_ms) != GL_LIMIT_OK) {
        free(j);
        if (wait <= 0) wait = 2;
        buf_printf(&w->hdrs, "Retry-After: %lld\r\n", (long long)wait);
        char text[160];
        snprintf(text, sizeof text, "Too many attempts. Please wait %lld minute%s and try again.",
                 (long long)(wait + 59) / 60, (wait + 59) / 60 == 1 ? "" : "s");
        w->out.n = 0;
        if (ics)
            web_message(w, 429, "Too many attempts", text, NULL, NULL);
        else {
            page_signin(w, text);
            web_send(w, 429);
        }
        return;
    }
    j->w = w;
    j->ics = ics;
    snprintf(j->hash, sizeof j->hash, "%s", w->link.pwhash);
    snprintf(j->password, sizeof j->password, "%s", password);
    snprintf(j->name, sizeof j->name, "%s", name ? name : "");
    j->work.data = j;
    gl_srv->hash_jobs++;
    web_read_end(w);
    uv_queue_work(gl_srv->loop, &j->work, pw_work, pw_after);
}

/* ---- the iCalendar feed ---- */

static void serve_ics(struct web *w)
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
    ical_render(w, &posts, web.public_url);
    web_read_end(w);
    buf_puts(&w->hdrs, "Cache-Control: no-store\r\nContent-Disposition: inline; "
                       "filename=\"calendar.ics\"\r\n");
    send_raw(w->req, 200, "text/calendar; charset=utf-8", w->hdrs.p, w->out.p, w->out.n);
    web_free(w);
}

static void route_ics(struct web *w)
{
    if (!gl_link_policy(w->link.kind)->feed) {
        web_not_found(w);
        return;
    }
    if (!w->link.pwhash || w->signed_in) {
        serve_ics(w);
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
                check_password(w, colon + 1, NULL, true);
                return;
            }
        }
    }
    buf_puts(&w->hdrs, "WWW-Authenticate: Basic realm=\"Greenlight calendar\", "
                       "charset=\"UTF-8\"\r\n");
    web_message(w, 401, "Password needed",
                "This calendar needs its password: any user name, and the link's password.",
                NULL, NULL);
}

/* ---- forms ---- */

/* Decodes the body of a POST into f; answers and returns false when it is not a valid form
 * with the right CSRF token. */
static bool read_form(struct web *w, struct gl_form *f)
{
    const char *ct = gl_http_header(w->req, "content-type");
    if (!ct || strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0) {
        web_message(w, 415, "Not a form", "This address only takes forms.", w->base, "Back");
        return false;
    }
    char *copy = msgpack_zone_malloc(&w->zone, w->req->body_len + 1);
    if (w->req->body_len) memcpy(copy, w->req->body, w->req->body_len);
    copy[w->req->body_len] = '\0';
    if (strlen(copy) != w->req->body_len || gl_form_parse(copy, f) != 0) {
        web_message(w, 400, "Bad form", "The form could not be read.", w->base, "Back");
        return false;
    }
    if (!csrf_ok(w, gl_form_get(f, "csrf"))) {
        web_message(w, 403, "This form has expired",
                    "Please go back, reload the page and try again.", w->base, "Reload");
        return false;
    }
    return true;
}

/* Trims blanks around a form value in place; NULL stays NULL. */
static const char *trimmed(const char *s)
{
    if (!s) return NULL;
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') s++;
    char *e = (char *)s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n')) *--e = 0;
    return s;
}

static void post_session(struct web *w)
{
    struct gl_form f;
    if (!read_form(w, &f)) return;
    const char *name = trimmed(gl_form_get(&f, "name"));
    const char *password = gl_form_get(&f, "password");
    /* A read-only calendar asks no name: its visitors decide and say nothing. */
    if (!gl_link_policy(w->link.kind)->asks_name) {
        name = "";
    } else if (!name || !*name || strlen(name) > GL_MAX_NAME) {
        w->out.n = 0;
        page_signin(w, "Please give your name (at most 100 characters).");
        web_send(w, 422);
        return;
    }
    if (w->link.pwhash) {
        if (!password || !*password || strlen(password) > GL_MAX_PASSWORD) {
            w->out.n = 0;
            page_signin(w, "Please give the password.");
            web_send(w, 422);
            return;
        }
        check_password(w, password, name, false);
        return;
    }
    web_read_end(w);
    start_session(w, name);
}

static bool parse_date_time(const struct web *w, const char *date, const char *time,
                            int64_t *out)
{
    int y, mo, d, h, mi;
    char extra;
    if (!date || !time || sscanf(date, "%4d-%2d-%2d%c", &y, &mo, &d, &extra) != 3 ||
        sscanf(time, "%2d:%2d%c", &h, &mi, &extra) < 2)
        return false;
    if (y < 1971 || y > 9998 || mo < 1 || mo > 12 || d < 1 || d > gl_days_in_month(y, mo) ||
        h < 0 || h > 23 || mi < 0 || mi > 59)
        return false;
    *out = gl_tz_to_utc(w->prof.timezone, y, mo, d, h, mi);
    return true;
}

static void post_action(struct web *w, uint64_t id)
{
    struct gl_form f;
    if (!read_form(w, &f)) return;
    char back[128];
    snprintf(back, sizeof back, "%s/p/%llu", w->base, (unsigned long long)id);
    const char *action = gl_form_get(&f, "action");
    const char *note = trimmed(gl_form_get(&f, "note"));
    const char *text = trimmed(gl_form_get(&f, "text"));
    const char *rev = gl_form_get(&f, "rev");
    if (!action_of(action)) {
        web_message(w, 400, "Unknown action", "That action is not known.", back, "Back");
        return;
    }
    if ((note && strlen(note) > GL_MAX_COMMENT) || (text && strlen(text) > GL_MAX_COMMENT)) {
        web_message(w, 413, "Too long", "Notes and comments are limited to 5,000 characters.",
                    back, "Back to the post");
        return;
    }
    struct web_write *ww = ww_new(w, WA_ACT, action_run, action_done);
    snprintf(ww->action, sizeof ww->action, "%s", action);
    ww->post = id;
    ww->rev = rev ? (uint32_t)strtoul(rev, NULL, 10) : 0;
    ww->note = note && *note ? gl_zone_strdup(&w->zone, note) : NULL;
    ww->text = text ? gl_zone_strdup(&w->zone, text) : NULL;
    if (strcmp(action, "reject") == 0 && !ww->note) {
        ww_free(ww);
        web_message(w, 422, "Please say what should change",
                    "A note is required when you request changes.", back, "Back to the post");
        return;
    }
    if (strcmp(action, "comment") == 0 && (!ww->text || !*ww->text)) {
        ww_free(ww);
        web_message(w, 422, "Empty comment", "Please write something first.", back,
                    "Back to the post");
        return;
    }
    if (strcmp(action, "reschedule") == 0) {
        if (!parse_date_time(w, gl_form_get(&f, "date"), gl_form_get(&f, "time"), &ww->at)) {
            ww_free(ww);
            web_message(w, 422, "Please check the date", "The date or time is not valid.", back,
                        "Back to the post");
            return;
        }
        if (ww->at <= w->now || ww->at > w->now + 10LL * 366 * 86400) {
            ww_free(ww);
            web_message(w, 422, "Please check the date",
                        "The new time must be in the future (and within ten years).", back,
                        "Back to the post");
            return;
        }
    }
    web_read_end(w);
    gl_batch_submit(&gl_srv->batch, &ww->op);
}

static void post_bulk(struct web *w)
{
    struct gl_form f;
    if (!read_form(w, &f)) return;
    const char *action = gl_form_get(&f, "action");
    const char *note = trimmed(gl_form_get(&f, "note"));
    enum gl_link_action act = action_of(action);
    if (act != LA_APPROVE && act != LA_REJECT) {
        web_message(w, 400, "Unknown action", "That action is not known.", w->base, "Back");
        return;
    }
    struct web_write *ww = ww_new(w, WA_BULK, action_run, action_done);
    snprintf(ww->action, sizeof ww->action, "%s", action);
    ww->note = note && *note ? gl_zone_strdup(&w->zone, note) : NULL;
    for (unsigned i = 0; i < f.n && ww->nids < GL_LINK_MAX_POSTS; i++) {
        if (strcmp(f.names[i], "post") != 0) continue;
        uint64_t id = strtoull(f.values[i], NULL, 10);
        char rn[40];
        snprintf(rn, sizeof rn, "rev%llu", (unsigned long long)id);
        const char *rev = gl_form_get(&f, rn);
        ww->ids[ww->nids] = id;
        ww->revs[ww->nids] = rev ? (uint32_t)strtoul(rev, NULL, 10) : 0;
        ww->nids++;
    }
    if (ww->nids == 0) {
        ww_free(ww);
        web_message(w, 422, "Nothing selected", "Please tick the posts you want to decide on.",
                    w->base, "Back to the list");
        return;
    }
    if (strcmp(action, "reject") == 0 && (!note || strlen(note) > GL_MAX_COMMENT || !*note)) {
        ww_free(ww);
        web_message(w, 422, "Please say what should change",
                    "A note is required when you request changes.", w->base, "Back to the list");
        return;
    }
    web_read_end(w);
    gl_batch_submit(&gl_srv->batch, &ww->op);
}

/* ---- routing ---- */

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

/* Parses "/p/ID" and "/p/ID/m/MEDIA"; returns how many numbers were read. */
static int parse_post_path(const char *rest, uint64_t *id, uint64_t *media)
{
    char *end;
    if (strncmp(rest, "/p/", 3) != 0 || rest[3] < '1' || rest[3] > '9') return 0;
    *id = strtoull(rest + 3, &end, 10);
    if (*end == '\0') return 1;
    if (strncmp(end, "/m/", 3) != 0 || end[3] < '1' || end[3] > '9') return 0;
    *media = strtoull(end + 3, &end, 10);
    return *end == '\0' ? 2 : 0;
}

static void route_link(struct gl_http_req *req, const char *path)
{
    const char *slash = strchr(path, '/');
    size_t tlen = slash ? (size_t)(slash - path) : strlen(path);
    const char *rest = path + tlen;
    if (is_get(req) && (rest[0] == '\0' || strcmp(rest, "/") == 0) && valid_token(path, tlen) &&
        cache_serve(req, path, tlen))
        return;
    struct web *w = web_new(req);
    if (!valid_token(path, tlen)) {
        web_not_found(w);
        return;
    }
    memcpy(w->token, path, tlen);
    w->token[tlen] = '\0';
    if (gl_store_read_begin(&gl_srv->store, &w->t)) {
        web_message(w, 503, "Busy", "Please try again in a moment.", NULL, NULL);
        return;
    }
    w->reading = true;
    struct gl_key k;
    MDB_val v;
    if (gl_link_by_token(&w->t, w->token, tlen, &w->zone, &w->link) != 0) {
        web_not_found(w);
        return;
    }
    key_id(&k, w->link.profile);
    if (gl_get(&w->t, DB_PROFILES, &k, &v) != 0 || gl_profile_decode(&v, &w->zone, &w->prof)) {
        web_not_found(w);
        return;
    }
    snprintf(w->base, sizeof w->base, "/l/%s", w->token);
    client_address(req, w->address, sizeof w->address);
    struct gl_form q = {0};
    char *qcopy = (char *)gl_zone_strdup(&w->zone, req->query);
    if (gl_form_parse(qcopy, &q) != 0) q.n = 0;
    bool get = is_get(req), post = req->method == HTTP_POST;

    if (gl_link_state(&w->link, w->now) == LINK_EXPIRED) {
        make_csrf(w);
        if (strcmp(rest, "/request") == 0) {
            if (!post) {
                web_free(w);
                method_not_allowed(req, "POST");
                return;
            }
            struct gl_form f;
            if (!read_form(w, &f)) return;
            struct web_write *ww = ww_new(w, WA_REQUEST, action_run, action_done);
            web_read_end(w);
            gl_batch_submit(&gl_srv->batch, &ww->op);
            return;
        }
        bool requested = w->link.requested_at >= w->link.expires_at;
        page_expired(w, requested);
        web_send(w, 410);
        return;
    }
    load_session(w);
    make_csrf(w);

    if (strcmp(rest, "/calendar.ics") == 0) {
        if (!get) goto not_allowed_get;
        route_ics(w);
        return;
    }
    if (strcmp(rest, "/session") == 0) {
        if (!post) goto not_allowed_post;
        post_session(w);
        return;
    }
    if (strcmp(rest, "/signout") == 0) {
        if (!post) goto not_allowed_post;
        struct gl_form f;
        if (!read_form(w, &f)) return;
        if (!w->signed_in) {
            web_redirect(w, w->base);
            return;
        }
        struct web_write *ww = ww_new(w, WA_SIGNOUT, bookkeeping_run, bookkeeping_done);
        memcpy(ww->sess_hash, w->sess_hash, GL_HASH_BYTES);
        web_read_end(w);
        gl_batch_submit(&gl_srv->batch, &ww->op);
        return;
    }
    if (strcmp(rest, "/request") == 0) {
        if (!post) goto not_allowed_post;
        web_redirect(w, w->base);
        return;
    }
    uint64_t id = 0, media = 0;
    int np = parse_post_path(rest, &id, &media);
    bool known = rest[0] == '\0' || strcmp(rest, "/") == 0 || strcmp(rest, "/bulk") == 0 || np;
    if (!known) {
        web_not_found(w);
        return;
    }
    if (needs_gate(&w->link) && !w->signed_in) {
        if (get) {
            page_signin(w, NULL);
            web_send(w, 200);
        } else {
            web_message(w, 403, "Please sign in again",
                        "Your session has ended. Sign in again, then repeat your action.",
                        w->base, "Sign in");
        }
        return;
    }
    if (rest[0] == '\0' || strcmp(rest, "/") == 0) {
        if (!get) goto not_allowed_get;
        serve_main(w, &q);
        return;
    }
    if (strcmp(rest, "/bulk") == 0) {
        if (!post) goto not_allowed_post;
        if (!gl_link_allows(&w->link, LA_BULK)) {
            web_not_found(w);
            return;
        }
        post_bulk(w);
        return;
    }
    if (np == 2) {
        if (!get) goto not_allowed_get;
        serve_media(w, id, media);
        return;
    }
    if (get) {
        serve_detail(w, id, &q);
        return;
    }
    if (!post) {
        web_free(w);
        method_not_allowed(req, "GET, HEAD, POST");
        return;
    }
    {
        struct gl_post p;
        if (!load_post(w, id, &p) || !(web_post_visible(w, &p) || moved_on(&w->link, &p))) {
            web_not_found(w);
            return;
        }
    }
    post_action(w, id);
    return;
not_allowed_get:
    web_free(w);
    method_not_allowed(req, "GET, HEAD");
    return;
not_allowed_post:
    web_free(w);
    method_not_allowed(req, "POST");
}

static void on_request(struct gl_http_req *req, void *ctx)
{
    (void)ctx;
    const char *path = req->path;
    if (strcmp(path, "/healthz") == 0) {
        if (!is_get(req)) {
            method_not_allowed(req, "GET, HEAD");
            return;
        }
        send_raw(req, 200, "text/plain; charset=utf-8", "Cache-Control: no-store\r\n", "ok\n", 3);
        return;
    }
    if (strcmp(path, "/static/style.css") == 0) {
        if (!is_get(req)) {
            method_not_allowed(req, "GET, HEAD");
            return;
        }
        send_raw(req, 200, "text/css; charset=utf-8", "Cache-Control: public, max-age=3600\r\n",
                 gl_web_css, gl_web_css_len);
        return;
    }
    if (strncmp(path, "/l/", 3) == 0) {
        route_link(req, path + 3);
        return;
    }
    if (strcmp(path, "/robots.txt") == 0 && is_get(req)) {
        static const char robots[] = "User-agent: *\nDisallow: /\n";
        send_raw(req, 200, "text/plain; charset=utf-8", NULL, robots, sizeof robots - 1);
        return;
    }
    static const char nf[] = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                             "<title>Not found</title></head><body><h1>Not found</h1><p>There "
                             "is nothing at this address.</p></body></html>\n";
    send_raw(req, 404, "text/html; charset=utf-8", "Cache-Control: no-store\r\n", nf,
             sizeof nf - 1);
}

/* ---- start and stop ---- */

/* The CSRF key, created once and kept in the store so forms survive a restart. */
static int load_secret(struct gl_store *s)
{
    MDB_txn *txn;
    int rc = mdb_txn_begin(s->env, NULL, 0, &txn);
    if (rc) return rc;
    MDB_val k = {10, "web_secret"}, v;
    rc = mdb_get(txn, s->dbi[DB_META], &k, &v);
    if (rc == 0 && v.mv_size == sizeof web.secret) {
        memcpy(web.secret, v.mv_data, sizeof web.secret);
        mdb_txn_abort(txn);
        return 0;
    }
    randombytes_buf(web.secret, sizeof web.secret);
    v.mv_size = sizeof web.secret;
    v.mv_data = web.secret;
    rc = mdb_put(txn, s->dbi[DB_META], &k, &v, 0);
    if (rc) {
        mdb_txn_abort(txn);
        return rc;
    }
    return mdb_txn_commit(txn);
}

int gl_web_start(struct gl_server *srv, char *bound, size_t boundlen)
{
    int rc = load_secret(&srv->store);
    if (rc) {
        log_error("web: cannot keep the form key: %s", mdb_strerror(rc));
        return UV_EIO;
    }
    int err = 0;
    web.http = gl_http_listen(srv->loop, srv->opt.http_addr, on_request, NULL, bound, boundlen,
                              &err);
    if (!web.http) return err;
    gl_http_set_default_headers(web.http, security_headers);
    gl_http_set_trusted(web.http, trusted);
    srv->http = web.http;
    if (srv->opt.public_url && *srv->opt.public_url)
        snprintf(web.public_url, sizeof web.public_url, "%s", srv->opt.public_url);
    else
        snprintf(web.public_url, sizeof web.public_url, "http://%s", bound);
    size_t n = strlen(web.public_url);
    while (n && web.public_url[n - 1] == '/') web.public_url[--n] = '\0';
    web.secure = strncmp(web.public_url, "https://", 8) == 0;
    uv_timer_init(srv->loop, &web.stats_timer);
    uv_timer_start(&web.stats_timer, on_stats_timer, 60000, 60000);
    return 0;
}

void gl_web_stop(struct gl_server *srv)
{
    if (!web.http) return;
    flush_stats(false); /* the last counts go into the final batch */
    uv_timer_stop(&web.stats_timer);
    uv_close((uv_handle_t *)&web.stats_timer, NULL);
    gl_http_close(web.http);
    web.http = NULL;
    srv->http = NULL;
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
        free(cache[i].body);
        cache[i].body = NULL;
    }
}
