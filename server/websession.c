/* The visitor of a link (websession.h): address, session, CSRF, sign-in and the bookkeeping
 * writes (sessions, open counts, what a visitor saw). */
#include "websession.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "log.h"
#include "notify.h"
#include "storekeys.h"
#include "util.h"
#include "web.h"
#include "webreq.h"
#include "webroutes.h"
#include "webwrite.h"
#include "xmalloc.h"

#define SESSION_TTL (7 * 86400)
#define MAX_PW_FAILS_PER_ADDR 10
#define MAX_HASH_JOBS 4
#define COOKIE "gl_s"
#define STATS_SLOTS 256

static struct {
    unsigned char secret[32]; /* keys the CSRF tokens; kept in the store across restarts */
    uv_timer_t stats_timer;
    bool stats_busy;
    bool started;
} sess;

/* ---- the client's address ---- */

bool web_trusted(const char *addr)
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

void web_client_address(const struct gl_http_req *req, char *out, size_t n)
{
    snprintf(out, n, "%s", req->peer);
    if (!web_trusted(req->peer)) return;
    /* Walk every X-Forwarded-For entry from the right. */
    for (int i = (int)req->nheaders - 1; i >= 0; i--) {
        if (strcmp(req->headers[i].name, "x-forwarded-for") != 0) continue;
        char copy[1024];
        snprintf(copy, sizeof copy, "%s", req->headers[i].value);
        char *end = copy + strlen(copy);
        while (end > copy) {
            char *comma = end - 1;
            while (comma >= copy && *comma != ',')
                comma--;
            char *item = comma + 1;
            *end = '\0';
            while (*item == ' ' || *item == '\t')
                item++;
            char *e = item + strlen(item);
            while (e > item && (e[-1] == ' ' || e[-1] == '\t'))
                *--e = '\0';
            if (!valid_ip(item)) return; /* garbage: keep the last good one */
            snprintf(out, n, "%s", item);
            if (!web_trusted(item)) return;
            end = comma >= copy ? comma : copy;
        }
    }
}

/* ---- CSRF and the session cookie ---- */

void web_csrf_make(struct web *w)
{
    unsigned char mac[16];
    crypto_generichash_state st;
    crypto_generichash_init(&st, sess.secret, sizeof sess.secret, sizeof mac);
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

bool web_csrf_ok(const struct web *w, const char *given)
{
    if (!given) return false;
    size_t n = strlen(w->csrf);
    return strlen(given) == n && sodium_memcmp(given, w->csrf, n) == 0;
}

void web_session_load(struct web *w)
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

bool web_needs_sign_in(const struct gl_link *l)
{
    return gl_link_policy(l->kind)->asks_name || l->pwhash != NULL;
}

/* ---- open counts: kept in memory, saved in one write a minute (a commit's fsync on the loop
 * every second shows in the pages' tail latency); link.list adds what is not saved yet ---- */

struct open_count {
    uint64_t link;
    uint32_t n;
    int64_t last;
};
static struct open_count stats[STATS_SLOTS];
static unsigned nstats;

void web_count_open(uint64_t link, int64_t now)
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

void gl_web_pending_opens(uint64_t link, int64_t *opens, int64_t *last_opened)
{
    for (unsigned i = 0; i < nstats; i++)
        if (stats[i].link == link) {
            *opens += stats[i].n;
            if (stats[i].last > *last_opened) *last_opened = stats[i].last;
        }
}

/* ---- the bookkeeping writes: they change nothing a page shows, so cached pages stay ---- */

struct session_write {
    struct web_write base;
    unsigned char sess_hash[GL_HASH_BYTES];
    char cookie[GL_TOKEN_LEN + 1];
    int64_t expires;
};

struct signout_write {
    struct web_write base;
    unsigned char sess_hash[GL_HASH_BYTES];
};

struct seen_write {
    struct web_write base;
    struct gl_post post; /* what was shown (strings in base.zone, which no run clears) */
};

struct stats_write {
    struct web_write base;
    struct open_count st[STATS_SLOTS];
    unsigned nst;
    bool purge; /* also drop expired sessions */
};

static int session_run(struct gl_op *op, struct gl_txn *t)
{
    struct session_write *sw = (struct session_write *)op;
    struct gl_link l;
    msgpack_zone_clear(&sw->base.zone);
    if (web_write_check_link(&sw->base, t, &l, false)) return -1;
    struct gl_session s = {.link = sw->base.link,
                           .name = sw->base.name,
                           .created_at = gl_now(),
                           .expires_at = sw->expires};
    memcpy(s.token_hash, sw->base.token_hash, GL_HASH_BYTES);
    gl_session_save(t, sw->sess_hash, &s);
    notify_link_opened(t, op, &l, sw->base.name, sw->base.address);
    return 0;
}

static void session_done(struct gl_op *op)
{
    struct session_write *sw = (struct session_write *)op;
    struct web *w = sw->base.w;
    if (op->err.code) {
        int st = sw->base.status ? sw->base.status : 503;
        char msg[sizeof sw->base.msg + sizeof sw->base.arg];
        if (sw->base.msg[0])
            web_refusal_text(&sw->base, msg, sizeof msg);
        else
            snprintf(msg, sizeof msg, "%s", _("Something went wrong; please try again."));
        web_message(w, st, _("Could not sign you in"), msg, w->base, _("Try again"));
    } else {
        buf_printf(&w->hdrs,
                   "Set-Cookie: " COOKIE "=%s; Path=%s; Max-Age=%lld; HttpOnly; "
                   "SameSite=Strict%s\r\n",
                   sw->cookie, w->base, (long long)(sw->expires - gl_now()),
                   web_secure() ? "; Secure" : "");
        web_redirect(w, w->base);
    }
    sodium_memzero(sw->cookie, sizeof sw->cookie);
    web_write_free(&sw->base);
}

static int signout_run(struct gl_op *op, struct gl_txn *t)
{
    struct signout_write *so = (struct signout_write *)op;
    struct gl_key k;
    key_bytes(&k, so->sess_hash, GL_HASH_BYTES);
    gl_del(t, DB_SESSIONS, &k);
    return 0;
}

static void signout_done(struct gl_op *op)
{
    struct signout_write *so = (struct signout_write *)op;
    struct web *w = so->base.w;
    buf_printf(&w->hdrs,
               "Set-Cookie: " COOKIE "=; Path=%s; Max-Age=0; HttpOnly; "
               "SameSite=Strict%s\r\n",
               w->base, web_secure() ? "; Secure" : "");
    web_redirect(w, w->base);
    web_write_free(&so->base);
}

static int seen_run(struct gl_op *op, struct gl_txn *t)
{
    struct seen_write *sw = (struct seen_write *)op;
    gl_seen_save(t, sw->base.link, sw->base.name, &sw->post, gl_now());
    return 0;
}

/* Drops expired sessions (a bounded number per run: the next run takes the rest), and any
 * that does not decode. */
#define PURGE_MAX 5000
struct purge {
    int64_t now;
    unsigned dropped;
};

static enum gl_each purge_visit(const struct gl_session *s, void *ctx)
{
    struct purge *p = ctx;
    if (s && s->expires_at > p->now) return GL_EACH_KEEP;
    return ++p->dropped > PURGE_MAX ? GL_EACH_STOP : GL_EACH_DROP;
}

static void purge_sessions(struct gl_txn *t, msgpack_zone *z)
{
    struct purge p = {.now = gl_now()};
    unsigned dropped = gl_sessions_each(t, z, purge_visit, &p);
    if (dropped) log_info("web: expired sessions dropped count=%u", dropped);
}

static int stats_run(struct gl_op *op, struct gl_txn *t)
{
    struct stats_write *sw = (struct stats_write *)op;
    struct gl_link l;
    msgpack_zone_clear(&sw->base.zone);
    for (unsigned i = 0; i < sw->nst; i++) {
        if (gl_link_load(t, sw->st[i].link, &sw->base.zone, &l) != 0) continue;
        l.opens += sw->st[i].n;
        if (sw->st[i].last > l.last_opened) l.last_opened = sw->st[i].last;
        gl_link_save(t, &l);
    }
    if (sw->purge) purge_sessions(t, &sw->base.zone);
    return 0;
}

static void stats_done(struct gl_op *op)
{
    if (op->err.code) log_warn("web: open counts not saved error=\"%s\"", op->err.message);
    sess.stats_busy = false;
    web_write_free((struct web_write *)op);
}

/* Frees a write whose answer (if any) went out already. */
static void bookkeeping_done(struct gl_op *op)
{
    web_write_free((struct web_write *)op);
}

bool web_op_is_bookkeeping(const struct gl_op *op)
{
    return op->run == session_run || op->run == signout_run || op->run == seen_run ||
           op->run == stats_run;
}

struct gl_op *web_seen_write(const struct web *w, const struct gl_post *p)
{
    /* The request is answered before this commits: the write keeps its own copies. */
    struct seen_write *sw = web_write_new(sizeof *sw, (struct web *)w, seen_run, bookkeeping_done);
    sw->base.w = NULL;
    msgpack_zone *z = &sw->base.zone;
    struct gl_post *sp = &sw->post;
    *sp = *p;
    sp->caption = gl_zone_strdup(z, p->caption);
    const char **pl = msgpack_zone_malloc(z, sizeof *pl * (p->nplatforms + 1));
    for (size_t i = 0; i < p->nplatforms; i++)
        pl[i] = gl_zone_strdup(z, p->platforms[i]);
    sp->platforms = pl;
    int64_t *md = msgpack_zone_malloc(z, sizeof *md * (p->nmedia + 1));
    if (p->nmedia) memcpy(md, p->media, sizeof *md * p->nmedia);
    sp->media = md;
    return &sw->base.op;
}

static void flush_stats(bool purge)
{
    if ((nstats == 0 && !purge) || sess.stats_busy) return;
    struct stats_write *sw = web_write_new(sizeof *sw, NULL, stats_run, stats_done);
    sw->purge = purge;
    memcpy(sw->st, stats, sizeof stats[0] * nstats);
    sw->nst = nstats;
    nstats = 0;
    sess.stats_busy = true;
    gl_batch_submit(&gl_srv->batch, &sw->base.op);
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

/* ---- signing in and out ---- */

static void start_session(struct web *w, const char *name)
{
    struct session_write *sw = web_write_new(sizeof *sw, w, session_run, session_done);
    snprintf(sw->base.name, sizeof sw->base.name, "%s", name);
    gl_token_new(sw->cookie, sw->sess_hash);
    sw->expires = w->now + SESSION_TTL;
    if (w->link.expires_at && w->link.expires_at < sw->expires) sw->expires = w->link.expires_at;
    web_submit(w, &sw->base.op);
}

/* The password check, on the thread pool. */
struct pw_job {
    uv_work_t work;
    struct web *w;
    char hash[crypto_pwhash_STRBYTES];
    char password[GL_MAX_PASSWORD + 1];
    char name[GL_MAX_NAME + 1];
    web_feed_fn feed; /* the feed asked with Basic; NULL for the sign-in form */
    bool ok;
    struct gl_attempt attempt;
};

static void pw_work(uv_work_t *wk)
{
    struct pw_job *j = wk->data;
    j->ok = gl_password_verify(j->hash, j->password);
    sodium_memzero(j->password, sizeof j->password);
}

static void pw_answer(uv_work_t *wk, int status)
{
    struct pw_job *j = wk->data;
    struct web *w = j->w;
    gl_srv->hash_jobs--;
    gl_attempt_end(&j->attempt, status == 0 && j->ok && !gl_srv->stopping);
    if (gl_srv->stopping) {
        /* The batch is closed: nothing more may be written. */
        web_message(w, 503, _("Shutting down"), _("Please try again in a moment."), NULL, NULL);
        free(j);
        return;
    }
    if (status != 0 || !j->ok) {
        log_info("web: wrong link password link=%llu address=%s", (unsigned long long)w->link.id,
                 w->address);
        if (j->feed) {
            buf_puts(&w->hdrs, "WWW-Authenticate: Basic realm=\"Greenlight calendar\", "
                               "charset=\"UTF-8\"\r\n");
            web_message(w, 401, _("Password needed"), _("This calendar needs its password."), NULL,
                        NULL);
        } else {
            w->out.n = 0;
            page_signin(w, _("That password is not right. Please try again."));
            web_send(w, 401);
        }
        free(j);
        return;
    }
    if (j->feed) {
        /* The read transaction was closed while the hash ran: take a new one. */
        if (gl_store_read_begin(&gl_srv->store, &w->t) == 0) {
            w->reading = true;
            j->feed(w);
        } else {
            web_message(w, 503, _("Busy"), _("Please try again."), NULL, NULL);
        }
    } else {
        start_session(w, j->name);
    }
    free(j);
}

/* Back on the loop, outside the request that asked: its language, for as long as it answers. */
static void pw_after(uv_work_t *wk, int status)
{
    struct pw_job *j = wk->data;
    gl_lang_use(j->w->lang);
    pw_answer(wk, status); /* frees j */
    gl_lang_use(LANG_NONE);
}

/* Link password attempts (docs/hardening.md, "Login limits"): refused per (address, link)
 * and per address, never per link, so a stranger's guesses cannot lock the link's real
 * visitors out; per link they are only capped in flight. */
static const struct gl_limit_rule pw_by_pair = {
    .scope = "link-pair", .max_fails = MAX_PW_FAILS_PER_ADDR, .clear_on_success = true};
static const struct gl_limit_rule pw_by_address = {
    .scope = "http-addr", .max_inflight = 4, .max_fails = MAX_PW_FAILS_PER_ADDR};
static const struct gl_limit_rule pw_by_link = {.scope = "link-pw", .max_inflight = 8};

void web_check_password(struct web *w, const char *password, const char *name, web_feed_fn feed)
{
    int64_t wait = 0;
    unsigned delay_ms; /* no rule here slows down */
    struct pw_job *j = xcalloc(1, sizeof *j);
    /* An address has no space in it, so "address link" names one pair only. */
    gl_attempt_key(&j->attempt, &pw_by_pair, "%s %llu", w->address, (unsigned long long)w->link.id);
    gl_attempt_key(&j->attempt, &pw_by_address, "%s", w->address);
    gl_attempt_key(&j->attempt, &pw_by_link, "%llu", (unsigned long long)w->link.id);
    if (gl_srv->hash_jobs >= MAX_HASH_JOBS ||
        gl_attempt_admit(&j->attempt, w->now, &wait, &delay_ms) != GL_LIMIT_OK) {
        free(j);
        if (wait <= 0) wait = 2;
        buf_printf(&w->hdrs, "Retry-After: %lld\r\n", (long long)wait);
        char text[160];
        long long minutes = (long long)(wait + 59) / 60;
        snprintf(text, sizeof text,
                 ngettext("Too many attempts. Please wait %lld minute and try again.",
                          "Too many attempts. Please wait %lld minutes and try again.",
                          (unsigned long)minutes),
                 minutes);
        w->out.n = 0;
        if (feed)
            web_message(w, 429, _("Too many attempts"), text, NULL, NULL);
        else {
            page_signin(w, text);
            web_send(w, 429);
        }
        return;
    }
    j->w = w;
    j->feed = feed;
    snprintf(j->hash, sizeof j->hash, "%s", w->link.pwhash);
    snprintf(j->password, sizeof j->password, "%s", password);
    snprintf(j->name, sizeof j->name, "%s", name ? name : "");
    j->work.data = j;
    gl_srv->hash_jobs++;
    web_read_end(w);
    uv_queue_work(gl_srv->loop, &j->work, pw_work, pw_after);
}

void web_sign_in(struct web *w, const struct web_args *a)
{
    const char *name = gl_form_get_trimmed(a->form, "name");
    const char *password = gl_form_get(a->form, "password");
    /* A read-only calendar asks no name: its visitors decide and say nothing. */
    if (!gl_link_policy(w->link.kind)->asks_name) {
        name = "";
    } else if (!name || !*name || strlen(name) > GL_MAX_NAME) {
        w->out.n = 0;
        page_signin(w, _("Please give your name (at most 100 characters)."));
        web_send(w, 422);
        return;
    }
    if (w->link.pwhash) {
        if (!password || !*password || strlen(password) > GL_MAX_PASSWORD) {
            w->out.n = 0;
            page_signin(w, _("Please give the password."));
            web_send(w, 422);
            return;
        }
        web_check_password(w, password, name, NULL);
        return;
    }
    start_session(w, name);
}

void web_sign_out(struct web *w, const struct web_args *a)
{
    (void)a;
    if (!w->signed_in) {
        web_redirect(w, w->base);
        return;
    }
    struct signout_write *so = web_write_new(sizeof *so, w, signout_run, signout_done);
    memcpy(so->sess_hash, w->sess_hash, GL_HASH_BYTES);
    web_submit(w, &so->base.op);
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
    if (rc == 0 && v.mv_size == sizeof sess.secret) {
        memcpy(sess.secret, v.mv_data, sizeof sess.secret);
        mdb_txn_abort(txn);
        return 0;
    }
    randombytes_buf(sess.secret, sizeof sess.secret);
    v.mv_size = sizeof sess.secret;
    v.mv_data = sess.secret;
    rc = mdb_put(txn, s->dbi[DB_META], &k, &v, 0);
    if (rc) {
        mdb_txn_abort(txn);
        return rc;
    }
    return mdb_txn_commit(txn);
}

int web_sessions_start(struct gl_server *srv)
{
    int rc = load_secret(&srv->store);
    if (rc) {
        log_error("web: cannot keep the form key: %s", mdb_strerror(rc));
        return UV_EIO;
    }
    uv_timer_init(srv->loop, &sess.stats_timer);
    uv_timer_start(&sess.stats_timer, on_stats_timer, 60000, 60000);
    sess.started = true;
    return 0;
}

void web_sessions_stop(void)
{
    if (!sess.started) return;
    flush_stats(false); /* the last counts go into the final batch */
    uv_timer_stop(&sess.stats_timer);
    uv_close((uv_handle_t *)&sess.stats_timer, NULL);
    sess.started = false;
}
