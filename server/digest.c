/* Mail digests (see digest.h). */
#include "digest.h"

#include <string.h>

#include "log.h"
#include "mail.h"
#include "notify.h"
#include "xmalloc.h"

#define DIGEST_DEFAULT_SECONDS 3600
/* Lines in one digest; the rest wait for the next one. */
#define DIGEST_MAX_ITEMS 200

static uv_timer_t timer;
static bool running; /* a digest write is in the batch */

/* Collects user's unmailed notifications into body, marks them mailed; returns how many. */
static size_t digest_user(struct gl_txn *t, const struct gl_user *u, char **body)
{
    struct gl_key lo, hi;
    key_user_seq(&lo, u->name, 0);
    key_user_seq(&hi, u->name, UINT32_MAX);
    struct gl_key *keys = xmalloc(sizeof *keys * DIGEST_MAX_ITEMS);
    size_t n = 0, len = 0;
    msgpack_zone z;
    msgpack_zone_init(&z, 2048);
    struct gl_range r;
    if (gl_range_open(t, DB_NOTIFICATIONS, &lo, &hi, &r) == 0) {
        MDB_val k, v;
        while (n < DIGEST_MAX_ITEMS && gl_range_next(&r, &k, &v)) {
            msgpack_object o;
            msgpack_zone_clear(&z);
            if (gl_record_unpack(&v, &z, &o) != 0 || gl_field_bool(&o, "mailed")) continue;
            const char *text = gl_field_str(&o, "text", &z);
            char *line = xasprintf("- %s\n", text ? text : "(no text)");
            *body = xrealloc(*body, len + strlen(line) + 1);
            memcpy(*body + len, line, strlen(line) + 1);
            len += strlen(line);
            free(line);
            /* Marked below, after the walk: a write under a cursor moves pages. */
            key_bytes(&keys[n++], k.mv_data, k.mv_size);
        }
        gl_range_close(&r);
    }
    for (size_t i = 0; i < n; i++) {
        MDB_val v;
        if (gl_get(t, DB_NOTIFICATIONS, &keys[i], &v) == 0)
            notify_set_flag(t, &keys[i], &v, "mailed");
    }
    msgpack_zone_destroy(&z);
    free(keys);
    return n;
}

static int digest_run(struct gl_op *op, struct gl_txn *t)
{
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
            if (gl_user_decode(&v, &z, &u) != 0 || !u.email || u.mail != MAIL_DIGEST) continue;
            users = xrealloc(users, sizeof *users * (nusers + 1));
            users[nusers++] = u;
        }
        gl_range_close(&r);
    }
    for (size_t i = 0; i < nusers; i++) {
        char *items = NULL;
        size_t n = digest_user(t, &users[i], &items);
        if (n) {
            char *subject = xasprintf("[Greenlight] %zu notification%s", n, n == 1 ? "" : "s");
            char *body = xasprintf("Since your last digest:\n\n%s\nOpen greenlight to act on them.",
                                   items);
            gl_mail_queue(&op->outbox, users[i].email, subject, body);
            free(subject);
            free(body);
        }
        free(items);
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
