/* The webhook sender (see webhook_send.h). */
#include "webhook_send.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "curlloop.h"
#include "log.h"
#include "outbox.h"
#include "util.h"
#include "webhook.h"
#include "workflow.h"
#include "xmalloc.h"

#define MAX_IN_FLIGHT 32
#define RESPONSE_CAP 16384 /* bytes of an answer read; the rest is not waited for */
#define CONNECT_TIMEOUT_MS 5000
#define TRANSFER_TIMEOUT_MS 10000

static const struct gl_actor system_actor = {.name = "greenlightd", .kind = ACTOR_SYSTEM};

/* One attempt at one delivery: from the request until its outcome is committed. */
struct attempt {
    struct gl_outbox_attempt item; /* item.id: the delivery's; item.op records the outcome */
    struct gl_hookreq req;
};

static struct gl_server *srv;
static struct gl_outbox outbox;

void gl_webhook_sign(const unsigned char *secret, size_t secret_len, const char *msg_id,
                     long long timestamp, const char *body, size_t body_len, char *out)
{
    char ts[24];
    int tn = snprintf(ts, sizeof ts, "%lld", timestamp);
    crypto_auth_hmacsha256_state st;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_init(&st, secret, secret_len);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg_id, strlen(msg_id));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts, (size_t)tn);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, body_len);
    crypto_auth_hmacsha256_final(&st, mac);
    memcpy(out, "v1,", 3);
    sodium_bin2base64(out + 3, GL_WEBHOOK_SIGNATURE_LEN - 3, mac, sizeof mac,
                      sodium_base64_VARIANT_ORIGINAL);
    sodium_memzero(&st, sizeof st);
}

static long opt(long v, long dflt)
{
    return v ? v : dflt;
}

static void attempt_free(struct gl_outbox_attempt *item)
{
    struct attempt *a = gl_container_of(item, struct attempt, item);
    gl_hookreq_free(&a->req);
    free(a);
}

/* ---- the outcome, a write of its own ---- */

static int outcome_record(struct gl_outbox_attempt *item, struct gl_txn *t)
{
    struct attempt *a = gl_container_of(item, struct attempt, item);
    struct gl_op *op = &item->op;
    msgpack_zone z;
    msgpack_zone_init(&z, 2048);
    int64_t now = gl_now_ms();
    long code = a->req.code;
    bool ok = code >= 200 && code < 300;
    const char *error = NULL;
    char why[CURL_ERROR_SIZE + 32];
    if (!ok) {
        gl_hookreq_why(&a->req, why, sizeof why);
        error = why;
    }
    struct gl_delivery d;
    if (gl_delivery_load(t, a->item.id, &z, &d) == 0 && d.status == DLV_PENDING) {
        int64_t old_next = d.next_ms;
        d.attempts++;
        d.last_ms = now;
        d.last_code = code;
        d.last_error = error;
        if (ok) {
            d.status = DLV_DELIVERED;
        } else if (!gl_outbox_retry_at(opt(srv->opt.webhook_retry_ms, 5000), d.attempts,
                                       d.created_ms, now, &d.next_ms)) {
            d.status = DLV_FAILED;
        }
        gl_delivery_save(t, &d, old_next);
        struct gl_webhook w;
        if (gl_webhook_load(t, d.endpoint, &z, &w) == 0) {
            w.last_at = now;
            w.last_code = code;
            w.last_error = error;
            if (ok) {
                w.failures = 0;
                w.failing_since = 0;
            } else {
                w.failures++;
                if (!w.failing_since) w.failing_since = now;
                if (!w.paused && w.failures >= (uint32_t)opt(srv->opt.webhook_pause_failures, 5) &&
                    now - w.failing_since >= srv->opt.webhook_pause_seconds * 1000) {
                    w.paused = true;
                    struct gl_wf wf = {
                        .t = t, .op = op, .zone = &z, .actor = &system_actor, .now = now / 1000};
                    /* Not the URL: some carry a token, and live events reach every viewer. */
                    char *text = xasprintf("webhook %llu paused after %u failed deliveries in a "
                                           "row (last: %s)",
                                           (unsigned long long)w.id, w.failures, error);
                    wf_event(&wf, EV_WEBHOOK_PAUSED, NULL, 0, gl_zone_strdup(&z, text));
                    free(text);
                    log_warn("webhook paused id=%llu failures=%u", (unsigned long long)w.id,
                             w.failures);
                }
            }
            gl_webhook_save(t, &w);
            sodium_memzero(w.secret, sizeof w.secret);
        }
    }
    gl_webhook_prune(t, now);
    msgpack_zone_destroy(&z);
    return 0;
}

static void on_transfer_done(CURL *easy, CURLcode result, void *data)
{
    struct attempt *a = data;
    gl_hookreq_result(&a->req, easy, result);
    if (outbox.running)
        log_info("webhook delivery=%llu status=%ld%s%s", (unsigned long long)a->item.id,
                 a->req.code, a->req.error[0] ? " error=" : "", a->req.error);
    gl_outbox_finished(&a->item);
}

/* ---- the request: one home for the signing, shared with the webhook publisher ---- */

static size_t on_body(char *ptr, size_t size, size_t n, void *data)
{
    struct gl_hookreq *r = data;
    size_t len = size * n;
    if (r->read + len > RESPONSE_CAP) {
        r->capped = true;
        return 0; /* stop reading: the status is all we need */
    }
    if (r->keep_answer) {
        r->answer = xrealloc(r->answer, r->read + len + 1);
        memcpy(r->answer + r->read, ptr, len);
        r->answer[r->read + len] = '\0';
    }
    r->read += len;
    return len;
}

/* Plain http goes to loopback only: checked on the address connected to, after resolving. */
static int on_prereq(void *data, char *conn_primary_ip, char *conn_local_ip, int primary, int local)
{
    (void)conn_local_ip;
    (void)primary;
    (void)local;
    struct gl_hookreq *r = data;
    if (r->plain_http && !gl_webhook_addr_loopback(conn_primary_ip)) {
        snprintf(r->error, sizeof r->error, "plain http to %s refused: not a loopback address",
                 conn_primary_ip);
        return CURL_PREREQFUNC_ABORT;
    }
    return CURL_PREREQFUNC_OK;
}

static void add_header(struct gl_hookreq *r, const char *name, const char *value)
{
    char line[256];
    snprintf(line, sizeof line, "%s: %s", name, value);
    r->headers = curl_slist_append(r->headers, line);
}

int gl_hookreq_start(struct gl_hookreq *r, const char *url, const unsigned char *secret,
                     const char *msg_id, long timeout_ms, gl_curl_done_fn done, void *data)
{
    r->plain_http = strncmp(url, "http:", 5) == 0;
    /* The URL was checked when it was stored; checked again, it may have been stored by a
     * version with other rules. */
    struct gl_err err = {0};
    if (!outbox.running) {
        snprintf(r->error, sizeof r->error, "the daemon is stopping");
        return -1;
    }
    if (gl_webhook_url_check(url, &err) != 0) {
        snprintf(r->error, sizeof r->error, "%s", err.message);
        return -1;
    }
    CURL *e = curl_easy_init();
    if (!e) {
        snprintf(r->error, sizeof r->error, "out of memory");
        return -1;
    }
    r->easy = e;
    long long ts = (long long)gl_now();
    char sig[GL_WEBHOOK_SIGNATURE_LEN], tsbuf[24];
    size_t body_len = strlen(r->body);
    gl_webhook_sign(secret, GL_WEBHOOK_SECRET_BYTES, msg_id, ts, r->body, body_len, sig);
    snprintf(tsbuf, sizeof tsbuf, "%lld", ts);
    add_header(r, "content-type", "application/json");
    add_header(r, "webhook-id", msg_id);
    add_header(r, "webhook-timestamp", tsbuf);
    add_header(r, "webhook-signature", sig);
    add_header(r, "user-agent", "greenlightd/" GL_VERSION);
    add_header(r, "expect", ""); /* no 100-continue round trip */
    sodium_memzero(sig, sizeof sig);
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->headers);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body);
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)body_len);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_PROXY, ""); /* never through a proxy from the environment */
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)CONNECT_TIMEOUT_MS);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
    if (srv->opt.webhook_ca_file) curl_easy_setopt(e, CURLOPT_CAINFO, srv->opt.webhook_ca_file);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, on_prereq);
    curl_easy_setopt(e, CURLOPT_PREREQDATA, r);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->error);
    if (gl_curlloop_add(e, done, data) != 0) {
        curl_easy_cleanup(e);
        r->easy = NULL;
        snprintf(r->error, sizeof r->error, "cannot start the request");
        return -1;
    }
    return 0;
}

void gl_hookreq_result(struct gl_hookreq *r, CURL *easy, CURLcode result)
{
    if (easy) curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &r->code);
    /* An answer cut at the cap still counts by its status. */
    if (result != CURLE_OK && !(result == CURLE_WRITE_ERROR && r->capped)) {
        r->code = 0;
        if (!r->error[0]) snprintf(r->error, sizeof r->error, "%s", curl_easy_strerror(result));
    } else {
        r->error[0] = '\0';
    }
    if (easy) curl_easy_cleanup(easy);
    r->easy = NULL;
}

void gl_hookreq_why(const struct gl_hookreq *r, char *out, size_t size)
{
    if (r->error[0])
        snprintf(out, size, "%s", r->error);
    else
        snprintf(out, size, "HTTP status %ld", r->code);
}

void gl_hookreq_free(struct gl_hookreq *r)
{
    if (r->easy) curl_easy_cleanup(r->easy);
    curl_slist_free_all(r->headers);
    free(r->body);
    free(r->answer);
    memset(r, 0, sizeof *r);
}

static void start(const struct gl_delivery *d, const struct gl_webhook *w)
{
    struct attempt *a = xcalloc(1, sizeof *a);
    a->req.body = xstrdup(d->body);
    gl_outbox_begin(&outbox, &a->item, d->id);
    if (gl_hookreq_start(&a->req, w->url, w->secret, d->msg, TRANSFER_TIMEOUT_MS, on_transfer_done,
                         a) != 0)
        on_transfer_done(NULL, CURLE_FAILED_INIT, a);
}

/* ---- finding what is due ---- */

/* What one scan found to send: copies in the scan's zone, so the requests start after the read
 * transaction ends (a request that fails at once submits its outcome, and a write must not run
 * under an open read: the map may grow). */
struct delivery_send {
    struct gl_delivery d;
    struct gl_webhook w;
};

static void scan(struct gl_outbox *ob)
{
    struct gl_txn t;
    if (gl_store_read_begin(&srv->store, &t)) {
        gl_outbox_schedule(ob, 1000);
        return;
    }
    int64_t now = gl_now_ms();
    struct gl_key lo, hi;
    key_webhook_due(&lo, INT64_MIN, 0);
    key_webhook_due(&hi, INT64_MAX, UINT64_MAX);
    struct gl_range r;
    int64_t next = INT64_MAX;
    msgpack_zone z;
    msgpack_zone_init(&z, 4096);
    struct delivery_send due[MAX_IN_FLIGHT];
    size_t n = 0;
    if (gl_range_open(&t, DB_WEBHOOK_DUE, &lo, &hi, &r) == 0) {
        MDB_val key, val;
        /* The endpoint of the last delivery looked at: most come in runs of one endpoint. */
        struct gl_webhook w = {0};
        bool have_w = false;
        while (!gl_outbox_full(ob, n) && gl_range_next(&r, &key, &val)) {
            int64_t at;
            uint64_t id;
            key_webhook_due_decode(key.mv_data, key.mv_size, &at, &id);
            if (at > now) {
                next = at;
                break;
            }
            if (gl_outbox_attempting(ob, id)) continue;
            struct gl_delivery d;
            if (gl_delivery_load(&t, id, &z, &d) != 0 || d.status != DLV_PENDING) continue;
            if (!have_w || w.id != d.endpoint)
                have_w = gl_webhook_load(&t, d.endpoint, &z, &w) == 0;
            if (!have_w || w.paused) continue;
            due[n++] = (struct delivery_send){d, w};
        }
        sodium_memzero(w.secret, sizeof w.secret);
        gl_range_close(&r);
    }
    gl_store_read_end(&t);
    for (size_t i = 0; i < n; i++) {
        start(&due[i].d, &due[i].w);
        sodium_memzero(due[i].w.secret, sizeof due[i].w.secret);
    }
    msgpack_zone_destroy(&z);
    gl_outbox_scanned(ob, next, now);
}

void gl_webhook_send_committed(void)
{
    if (gl_webhook_take_enqueued()) gl_outbox_schedule(&outbox, 0);
}

int gl_webhook_send_start(struct gl_server *s)
{
    srv = s;
    if (gl_curlloop_init(s->loop) != 0) {
        log_error("webhooks: libcurl failed to initialise");
        return -1;
    }
    outbox = (struct gl_outbox){.name = "webhook",
                                .item_word = "delivery",
                                .max_in_flight = MAX_IN_FLIGHT,
                                .batch = &s->batch,
                                .record = outcome_record,
                                .release = attempt_free};
    gl_outbox_start(&outbox, s->loop, scan, true);
    return 0;
}

void gl_webhook_send_stop(void)
{
    if (!outbox.running) return;
    gl_outbox_stop(&outbox);
    gl_curlloop_close();
}
