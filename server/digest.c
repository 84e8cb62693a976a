/* Mail digests (see digest.h). */
#include "digest.h"

#include <string.h>

#include "log.h"
#include "mail.h"
#include "notify.h"
#include "util.h"
#include "webbuf.h"
#include "xmalloc.h"

#define DIGEST_DEFAULT_SECONDS 3600
/* Lines in one digest; the rest wait for the next one. */
#define DIGEST_MAX_ITEMS 200

static uv_timer_t timer;
static bool running; /* a digest write is in the batch */

/* One notification of a digest: its text, when it happened and the post it is about, in the
 * user's zone (zone), else the post's profile's. */
static void digest_line(struct gl_txn *t, msgpack_zone *z, struct gl_buf *body, const char *zone,
                        const char *text, uint64_t post, int64_t at)
{
    struct gl_wf wf = {.t = t, .zone = z, .now = gl_now()};
    struct gl_err err = {0};
    struct gl_post p;
    struct gl_profile prof;
    bool has_post = post && wf_post_load(&wf, post, &p, &err) == 0;
    bool has_prof = has_post && wf_profile_load(&wf, p.profile, &prof, &err) == 0;
    char when[128];
    gl_mail_when(when, sizeof when, zone ? zone : has_prof ? prof.timezone : NULL, at, wf.now);
    buf_printf(body, "* %s (%s)\n", text ? text : "(no text)", when);
    /* The text quotes the caption already. */
    if (has_post) notify_put_post(body, &p, has_prof ? &prof : NULL, zone, false, wf.now);
    buf_puts(body, "\n");
}

/* Collects user's unmailed notifications into body, marks them mailed; returns how many. */
static size_t digest_user(struct gl_txn *t, const struct gl_user *u, struct gl_buf *body)
{
    struct gl_key lo, hi;
    key_user_seq(&lo, u->name, 0);
    key_user_seq(&hi, u->name, UINT32_MAX);
    uint32_t *seqs = xmalloc(sizeof *seqs * DIGEST_MAX_ITEMS);
    size_t n = 0;
    msgpack_zone z;
    msgpack_zone_init(&z, 2048);
    struct gl_range r;
    if (gl_range_open(t, DB_NOTIFICATIONS, &lo, &hi, &r) == 0) {
        MDB_val k, v;
        while (n < DIGEST_MAX_ITEMS && gl_range_next(&r, &k, &v)) {
            struct gl_notification note;
            msgpack_zone_clear(&z);
            if (gl_notification_decode(&v, &z, &note) != 0 || note.mailed) continue;
            digest_line(t, &z, body, u->timezone, note.text, note.post, note.at);
            /* Marked below, after the walk: a write under a cursor moves pages. */
            seqs[n++] = key_user_seq_decode(k.mv_data, k.mv_size);
        }
        gl_range_close(&r);
    }
    for (size_t i = 0; i < n; i++) notify_set_flag(t, u->name, seqs[i], NOTIFY_MAILED);
    msgpack_zone_destroy(&z);
    free(seqs);
    return n;
}

static int digest_run(struct gl_op *op, struct gl_txn *t)
{
    (void)op; /* the mail goes in t, through the outbox */
    struct gl_key lo = {.b = {0}, .n = 1}, hi;
    memset(hi.b, 0xff, sizeof hi.b);
    hi.n = sizeof hi.b;
    msgpack_zone z;
    msgpack_zone_init(&z, 4096);
    struct gl_user *users = NULL;
    size_t nusers = 0;
    struct gl_range r;
    if (gl_range_open(t, DB_USERS, &lo, &hi, &r) == 0) {
        MDB_val k, v;
        while (gl_range_next(&r, &k, &v)) {
            struct gl_user u;
            if (gl_user_decode(&v, &z, &u) != 0 || u.disabled || !u.email || u.mail != MAIL_DIGEST)
                continue;
            users = xrealloc(users, sizeof *users * (nusers + 1));
            users[nusers++] = u;
        }
        gl_range_close(&r);
    }
    for (size_t i = 0; i < nusers; i++) {
        struct gl_buf body;
        buf_init(&body, 1024);
        buf_puts(&body, "Since your last digest:\n\n");
        size_t n = digest_user(t, &users[i], &body);
        if (n) {
            buf_puts(&body, "Open greenlight to act on them.\n");
            char *subject = xasprintf("[Greenlight] %zu notification%s", n, n == 1 ? "" : "s");
            gl_mail_queue(t, &(struct gl_mail_msg){.to = users[i].email,
                                                             .subject = subject, .body = body.p});
            free(subject);
        }
        buf_free(&body);
    }
    free(users);
    msgpack_zone_destroy(&z);
    return 0;
}

static void digest_done(struct gl_op *op)
{
    running = false;
    if (op->err.code) log_error("mail: digest failed error=\"%s\"", op->err.message);
    gl_op_destroy(op);
    free(op);
}

static void on_tick(uv_timer_t *h)
{
    (void)h;
    if (running || gl_srv->stopping || !gl_srv->opt.sendmail) return;
    running = true;
    struct gl_op *op = xmalloc(sizeof *op);
    gl_op_init(op, digest_run, digest_done);
    gl_batch_submit(&gl_srv->batch, op);
}

void gl_digest_start(struct gl_server *srv)
{
    if (srv->opt.mail_from && !gl_mail_address_ok(srv->opt.mail_from))
        log_warn("mail: mail-from is not one address (name@domain), using %s instead",
                 gl_mail_from_addr());
    long seconds = srv->opt.mail_digest_seconds ? srv->opt.mail_digest_seconds
                                                : DIGEST_DEFAULT_SECONDS;
    uv_timer_init(srv->loop, &timer);
    uv_timer_start(&timer, on_tick, (uint64_t)seconds * 1000, (uint64_t)seconds * 1000);
}

void gl_digest_stop(void)
{
    uv_timer_stop(&timer);
    uv_close((uv_handle_t *)&timer, NULL);
}
