/* The mail outbox (see mailout.h). */
#include "mailout.h"

#include <sodium.h>
#include <string.h>

#include "log.h"
#include "records.h"
#include "spawn.h"
#include "util.h"
#include "xmalloc.h"

#define MAIL_TIMEOUT_MS 60000
#define MAX_IN_FLIGHT 4
#define RETRY_FIRST_MS 5000
#define RETRY_MAX_MS 3600000
#define RETRY_WINDOW_MS (24 * 3600000LL)
/* Hex of 16 random bytes, with its NUL: the Message-ID's local part. */
#define MSGID_LEN 33

struct queued {
    uint64_t id;
    const char *from_name, *to, *subject, *body;
    char msgid[MSGID_LEN];
    int64_t created_ms;
    uint32_t attempts;
    int64_t next_ms;
};

/* One attempt: from the command's start until its outcome is committed. */
struct attempt {
    uint64_t id;
    bool ok;
    struct gl_op op;
    struct attempt *next;
};

static struct gl_server *srv;
static uv_timer_t due_timer;
static struct attempt *attempts;
static unsigned in_flight;
static bool running, queued_some;

/* ---- the stored record: one encoder, one decoder ---- */

static void queued_save(struct gl_txn *t, const struct queued *q)
{
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    gl_record_begin(&pk, 9);
    gl_pack_kv_str(&pk, "from_name", q->from_name);
    gl_pack_kv_str(&pk, "to", q->to);
    gl_pack_kv_str(&pk, "subject", q->subject);
    gl_pack_kv_str(&pk, "body", q->body);
    gl_pack_kv_str(&pk, "msgid", q->msgid);
    gl_pack_kv_int(&pk, "created_ms", q->created_ms);
    gl_pack_kv_int(&pk, "attempts", q->attempts);
    gl_pack_kv_int(&pk, "next_ms", q->next_ms);
    struct gl_key k;
    key_id(&k, q->id);
    gl_put(t, DB_MAIL_OUTBOX, &k, sb.data, sb.size);
    msgpack_sbuffer_destroy(&sb);
}

static int queued_decode(const MDB_val *v, msgpack_zone *z, struct queued *q)
{
    msgpack_object m;
    if (gl_record_unpack(v, z, &m)) return -1;
    memset(q, 0, sizeof *q);
    q->from_name = gl_field_str(&m, "from_name", z);
    q->to = gl_field_str(&m, "to", z);
    q->subject = gl_field_str(&m, "subject", z);
    q->body = gl_field_str(&m, "body", z);
    const char *msgid = gl_field_str(&m, "msgid", z);
    q->created_ms = gl_field_int(&m, "created_ms", 0);
    q->attempts = (uint32_t)gl_field_int(&m, "attempts", 0);
    q->next_ms = gl_field_int(&m, "next_ms", 0);
    if (!q->to || !q->subject || !q->body || !msgid || strlen(msgid) != MSGID_LEN - 1) return -1;
    memcpy(q->msgid, msgid, MSGID_LEN);
    return 0;
}

static int queued_load(struct gl_txn *t, uint64_t id, msgpack_zone *z, struct queued *q)
{
    struct gl_key k;
    MDB_val v;
    key_id(&k, id);
    if (gl_get(t, DB_MAIL_OUTBOX, &k, &v) != 0) return -1;
    if (queued_decode(&v, z, q) != 0) return -1;
    q->id = id;
    return 0;
}

void gl_mailout_queue(struct gl_txn *t, const struct gl_mail_msg *m)
{
    if (!gl_srv || !gl_srv->opt.sendmail || t->rc) return;
    int64_t now = gl_now_ms();
    struct queued q = {.id = gl_next_id(t, DB_MAIL_OUTBOX),
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

static void scan(uv_timer_t *h);

static void schedule_scan(uint64_t delay_ms)
{
    if (!running) return;
    if (uv_is_active((uv_handle_t *)&due_timer) && uv_timer_get_due_in(&due_timer) <= delay_ms)
        return;
    uv_timer_start(&due_timer, scan, delay_ms, 0);
}

static void attempt_free(struct attempt *a)
{
    for (struct attempt **p = &attempts; *p; p = &(*p)->next)
        if (*p == a) {
            *p = a->next;
            break;
        }
    gl_op_destroy(&a->op);
    free(a);
}

static int outcome_run(struct gl_op *op, struct gl_txn *t)
{
    struct attempt *a = (struct attempt *)((char *)op - offsetof(struct attempt, op));
    msgpack_zone z;
    msgpack_zone_init(&z, 2048);
    struct queued q;
    struct gl_key k;
    key_id(&k, a->id);
    if (queued_load(t, a->id, &z, &q) == 0) {
        int64_t now = gl_now_ms();
        int64_t delay = srv->opt.mail_retry_ms ? srv->opt.mail_retry_ms : RETRY_FIRST_MS;
        q.attempts++;
        for (uint32_t i = 1; i < q.attempts && delay < RETRY_MAX_MS; i++)
            delay *= 2;
        if (delay > RETRY_MAX_MS) delay = RETRY_MAX_MS;
        if (a->ok) {
            gl_del(t, DB_MAIL_OUTBOX, &k);
        } else if (now + delay > q.created_ms + RETRY_WINDOW_MS) {
            log_error("mail: given up after %u attempts in 24 hours id=%llu", q.attempts,
                      (unsigned long long)q.id);
            gl_del(t, DB_MAIL_OUTBOX, &k);
        } else {
            q.next_ms = now + delay;
            queued_save(t, &q);
        }
    }
    msgpack_zone_destroy(&z);
    return 0;
}

static void outcome_done(struct gl_op *op)
{
    struct attempt *a = (struct attempt *)((char *)op - offsetof(struct attempt, op));
    bool failed = op->err.code != GL_OK;
    if (failed)
        log_error("mail: outcome not recorded id=%llu error=\"%s\"", (unsigned long long)a->id,
                  op->err.message);
    else if (a->ok)
        log_info("mail: sent id=%llu", (unsigned long long)a->id);
    attempt_free(a);
    schedule_scan(failed ? 1000 : 0);
}

static void on_sent(void *data, int spawn_error, long status, bool timed_out, const char *err)
{
    struct attempt *a = data;
    in_flight--;
    a->ok = !spawn_error && status == 0 && !timed_out;
    if (!a->ok)
        log_warn("mail: the mail command failed id=%llu status=%ld%s: %s",
                 (unsigned long long)a->id, spawn_error ? 127 : status,
                 timed_out ? " (timed out)" : "", err);
    if (!running || srv->stopping) {
        /* Not recorded: still in the outbox, sent again at the next start. */
        attempt_free(a);
        return;
    }
    gl_op_init(&a->op, outcome_run, outcome_done);
    gl_batch_submit(&srv->batch, &a->op);
}

/* ---- finding what is due ---- */

static bool attempting(uint64_t id)
{
    for (struct attempt *a = attempts; a; a = a->next)
        if (a->id == id) return true;
    return false;
}

struct todo {
    uint64_t id;
    char *message;
};

static void scan(uv_timer_t *h)
{
    (void)h;
    if (!running || srv->stopping) return;
    struct gl_txn t;
    if (gl_store_read_begin(&srv->store, &t)) {
        schedule_scan(1000);
        return;
    }
    int64_t now = gl_now_ms(), next = INT64_MAX;
    struct gl_key lo, hi;
    key_id(&lo, 0);
    key_id(&hi, UINT64_MAX);
    struct gl_range r;
    struct todo todo[MAX_IN_FLIGHT];
    size_t n = 0;
    msgpack_zone z;
    msgpack_zone_init(&z, 4096);
    if (gl_range_open(&t, DB_MAIL_OUTBOX, &lo, &hi, &r) == 0) {
        MDB_val key, val;
        while (gl_range_next(&r, &key, &val)) {
            struct queued q;
            if (queued_decode(&val, &z, &q) != 0) continue;
            q.id = key_id_decode(key.mv_data, key.mv_size);
            if (attempting(q.id)) continue;
            if (q.next_ms > now) {
                if (q.next_ms < next) next = q.next_ms;
                continue;
            }
            if (in_flight + n >= MAX_IN_FLIGHT) {
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
            todo[n].id = q.id;
            todo[n].message = gl_mail_format(&m, gl_mail_from_addr(), q.created_ms / 1000);
            n++;
            msgpack_zone_clear(&z);
        }
        gl_range_close(&r);
    }
    msgpack_zone_destroy(&z);
    gl_store_read_end(&t);
    for (size_t i = 0; i < n; i++) {
        struct attempt *a = xcalloc(1, sizeof *a);
        a->id = todo[i].id;
        gl_op_init(&a->op, outcome_run, outcome_done);
        a->next = attempts;
        attempts = a;
        in_flight++;
        if (gl_spawn(srv->loop, srv->opt.sendmail, NULL, todo[i].message, strlen(todo[i].message),
                     MAIL_TIMEOUT_MS, on_sent, a) != 0)
            on_sent(a, 1, 127, false, "the mail command could not start");
        free(todo[i].message);
    }
    if (next != INT64_MAX && in_flight < MAX_IN_FLIGHT)
        schedule_scan(next > now ? (uint64_t)(next - now) : 0);
}

void gl_mailout_committed(void)
{
    if (queued_some) {
        queued_some = false;
        schedule_scan(0);
    }
}

int gl_mailout_start(struct gl_server *s)
{
    srv = s;
    uv_timer_init(s->loop, &due_timer);
    running = true;
    /* What was waiting when the daemon stopped (or died) goes now. */
    if (s->opt.sendmail) schedule_scan(0);
    return 0;
}

void gl_mailout_stop(void)
{
    if (!running) return;
    running = false;
    uv_close((uv_handle_t *)&due_timer, NULL);
}
