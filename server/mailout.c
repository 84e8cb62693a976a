/* The mail outbox (see mailout.h). */
#include "mailout.h"

#include <sodium.h>
#include <string.h>

#include "log.h"
#include "outbox.h"
#include "records.h"
#include "spawn.h"
#include "util.h"
#include "xmalloc.h"

#define MAIL_TIMEOUT_MS 60000
#define MAX_IN_FLIGHT 4
#define RETRY_FIRST_MS 5000

/* One attempt: from the command's start until its outcome is committed. */
struct attempt {
    struct gl_outbox_attempt item; /* item.id: the message's */
    bool ok;
};

static struct gl_server *srv;
static struct gl_outbox outbox;
static bool queued_some;

static void queued_save(struct gl_txn *t, const struct gl_mail_queued *q)
{
    struct gl_key k;
    key_id(&k, q->id);
    gl_mail_queued_put(t, &k, q);
}

static int queued_load(struct gl_txn *t, uint64_t id, msgpack_zone *z, struct gl_mail_queued *q)
{
    struct gl_key k;
    MDB_val v;
    key_id(&k, id);
    if (gl_get(t, DB_MAIL_OUTBOX, &k, &v) != 0) return -1;
    if (gl_mail_queued_decode(&v, z, q) != 0) return -1;
    q->id = id;
    return 0;
}

void gl_mailout_queue(struct gl_txn *t, const struct gl_mail_msg *m)
{
    if (!gl_srv || !gl_srv->opt.sendmail || t->rc) return;
    int64_t now = gl_now_ms();
    struct gl_mail_queued q = {.id = gl_next_id(t, DB_MAIL_OUTBOX),
                       .from_name = m->from_name ? m->from_name : "Greenlight",
                       .to = m->to,
                       .subject = m->subject,
                       .body = m->body,
                       .created_ms = now,
                       .next_ms = now};
    unsigned char raw[16];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(q.msgid, sizeof q.msgid, raw, sizeof raw);
    queued_save(t, &q);
    queued_some = true;
}

/* ---- the outcome, a write of its own ---- */

static void attempt_free(struct gl_outbox_attempt *item)
{
    free(gl_container_of(item, struct attempt, item));
}

static int outcome_record(struct gl_outbox_attempt *item, struct gl_txn *t)
{
    struct attempt *a = gl_container_of(item, struct attempt, item);
    msgpack_zone z;
    msgpack_zone_init(&z, 2048);
    struct gl_mail_queued q;
    struct gl_key k;
    key_id(&k, a->item.id);
    if (queued_load(t, a->item.id, &z, &q) == 0) {
        int64_t now = gl_now_ms();
        int64_t first = srv->opt.mail_retry_ms ? srv->opt.mail_retry_ms : RETRY_FIRST_MS;
        q.attempts++;
        if (a->ok) {
            gl_del(t, DB_MAIL_OUTBOX, &k);
        } else if (!gl_outbox_retry_at(first, q.attempts, q.created_ms, now, &q.next_ms)) {
            log_error("mail: given up after %u attempts in 24 hours id=%llu", q.attempts,
                      (unsigned long long)q.id);
            gl_del(t, DB_MAIL_OUTBOX, &k);
        } else {
            queued_save(t, &q);
        }
    }
    msgpack_zone_destroy(&z);
    return 0;
}

static void outcome_recorded(struct gl_outbox_attempt *item)
{
    if (gl_container_of(item, struct attempt, item)->ok)
        log_info("mail: sent id=%llu", (unsigned long long)item->id);
}

static void on_sent(void *data, int spawn_error, long status, bool timed_out, const char *err)
{
    struct attempt *a = data;
    a->ok = !spawn_error && status == 0 && !timed_out;
    if (!a->ok)
        log_warn("mail: the mail command failed id=%llu status=%ld%s: %s",
                 (unsigned long long)a->item.id, spawn_error ? 127 : status,
                 timed_out ? " (timed out)" : "", err);
    gl_outbox_finished(&a->item);
}

/* ---- finding what is due ---- */

/* A message a scan found due, formatted: sent once the read transaction has ended. */
struct mail_send {
    uint64_t id;
    char *message;
};

static void scan(struct gl_outbox *ob)
{
    if (srv->stopping) return;
    struct gl_txn t;
    if (gl_store_read_begin(&srv->store, &t)) {
        gl_outbox_schedule(ob, 1000);
        return;
    }
    int64_t now = gl_now_ms(), next = INT64_MAX;
    struct gl_key lo, hi;
    key_id(&lo, 0);
    key_id(&hi, UINT64_MAX);
    struct gl_range r;
    struct mail_send due[MAX_IN_FLIGHT];
    size_t n = 0;
    msgpack_zone z;
    msgpack_zone_init(&z, 4096);
    if (gl_range_open(&t, DB_MAIL_OUTBOX, &lo, &hi, &r) == 0) {
        MDB_val key, val;
        while (gl_range_next(&r, &key, &val)) {
            struct gl_mail_queued q;
            if (gl_mail_queued_decode(&val, &z, &q) != 0) continue;
            q.id = key_id_decode(key.mv_data, key.mv_size);
            if (gl_outbox_attempting(ob, q.id)) continue;
            if (q.next_ms > now) {
                if (q.next_ms < next) next = q.next_ms;
                continue;
            }
            if (gl_outbox_full(ob, n)) {
                next = now; /* an outcome scans again */
                continue;
            }
            /* Users' addresses are checked more loosely (an @): none may add recipients. */
            if (!gl_mail_address_ok(q.to)) {
                log_warn("mail: not sent: the recipient is not one address (name@domain)");
                continue;
            }
            struct gl_mail_msg m = {.from_name = q.from_name,
                                    .to = q.to,
                                    .subject = q.subject,
                                    .body = q.body,
                                    .message_id = q.msgid};
            due[n].id = q.id;
            due[n].message = gl_mail_format(&m, gl_mail_from_addr(), q.created_ms / 1000);
            n++;
            msgpack_zone_clear(&z);
        }
        gl_range_close(&r);
    }
    msgpack_zone_destroy(&z);
    gl_store_read_end(&t);
    for (size_t i = 0; i < n; i++) {
        struct attempt *a = xcalloc(1, sizeof *a);
        gl_outbox_begin(ob, &a->item, due[i].id);
        if (gl_spawn(srv->loop, srv->opt.sendmail, NULL, due[i].message, strlen(due[i].message),
                     MAIL_TIMEOUT_MS, on_sent, a) != 0)
            on_sent(a, 1, 127, false, "the mail command could not start");
        free(due[i].message);
    }
    gl_outbox_scanned(ob, next, now);
}

void gl_mailout_committed(void)
{
    if (queued_some) {
        queued_some = false;
        gl_outbox_schedule(&outbox, 0);
    }
}

int gl_mailout_start(struct gl_server *s)
{
    srv = s;
    outbox = (struct gl_outbox){.name = "mail",
                                .item_word = "id",
                                .max_in_flight = MAX_IN_FLIGHT,
                                .batch = &s->batch,
                                .record = outcome_record,
                                .recorded = outcome_recorded,
                                .release = attempt_free};
    gl_outbox_start(&outbox, s->loop, scan, s->opt.sendmail != NULL);
    return 0;
}

void gl_mailout_stop(void)
{
    gl_outbox_stop(&outbox);
}
