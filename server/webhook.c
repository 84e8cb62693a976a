/* Webhook endpoints, deliveries and the outbox (see webhook.h). */
#include "webhook.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "util.h"
#include "xmalloc.h"

static bool enqueued;

/* The events an endpoint may ask for: those about a post or a link that other tools act on.
 * Creation, edits and link bookkeeping stay inside the team. */
#define EV_BIT(e) (1u << (e))
static const unsigned subscribable =
    EV_BIT(EV_POST_SUBMITTED) | EV_BIT(EV_POST_APPROVED) | EV_BIT(EV_POST_REJECTED) |
    EV_BIT(EV_POST_RESCHEDULED) | EV_BIT(EV_POST_SCHEDULED) | EV_BIT(EV_POST_PUBLISHED) |
    EV_BIT(EV_POST_FAILED) | EV_BIT(EV_POST_OVERDUE) | EV_BIT(EV_POST_COMMENTED) |
    EV_BIT(EV_POST_STEP_APPROVED) | EV_BIT(EV_POST_DELETED) | EV_BIT(EV_LINK_REQUESTED) |
    EV_BIT(EV_LINK_OPENED) | EV_BIT(EV_LINK_EXPIRED);

int gl_webhook_events_parse(const char *const *names, size_t n, unsigned *out, struct gl_err *err)
{
    unsigned bits = 0;
    for (size_t i = 0; i < n; i++) {
        int e = gl_event_parse(names[i]);
        if (e < 0 || !(subscribable & EV_BIT(e))) {
            char list[512];
            size_t m = 0;
            for (int k = 0; k < EV_COUNT && m < sizeof list; k++)
                if (subscribable & EV_BIT(k))
                    m += (size_t)snprintf(list + m, sizeof list - m, "%s%s", m ? ", " : "",
                                          gl_event_type_name((enum gl_event_type)k));
            gl_err_set(err, GL_E_BAD_REQUEST, "unknown event '%.64s'; endpoints may ask for %s",
                       names[i], list);
            return -1;
        }
        bits |= EV_BIT(e);
    }
    if (!bits) {
        gl_err_set(err, GL_E_BAD_REQUEST, "'events' names at least one event");
        return -1;
    }
    *out = bits;
    return 0;
}

bool gl_webhook_addr_loopback(const char *ip)
{
    unsigned char a[16];
    if (inet_pton(AF_INET, ip, a) == 1) return a[0] == 127;
    if (inet_pton(AF_INET6, ip, a) != 1) return false;
    static const unsigned char v6_loop[16] = {[15] = 1};
    static const unsigned char v4_mapped[12] = {[10] = 0xff, [11] = 0xff};
    return memcmp(a, v6_loop, 16) == 0 || (memcmp(a, v4_mapped, 12) == 0 && a[12] == 127);
}

/* A host as the URL names it is loopback: "localhost", or a loopback address literal. */
static bool host_loopback(const char *host)
{
    if (strcasecmp(host, "localhost") == 0) return true;
    size_t n = strlen(host);
    if (n > 2 && host[0] == '[' && host[n - 1] == ']') {
        char inner[64];
        if (n - 2 >= sizeof inner) return false;
        memcpy(inner, host + 1, n - 2);
        inner[n - 2] = '\0';
        return gl_webhook_addr_loopback(inner);
    }
    return gl_webhook_addr_loopback(host);
}

int gl_webhook_url_check(const char *url, struct gl_err *err)
{
    if (strlen(url) > GL_WEBHOOK_URL_MAX) {
        gl_err_set(err, GL_E_BAD_REQUEST, "a webhook URL has at most %d bytes", GL_WEBHOOK_URL_MAX);
        return -1;
    }
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL;
    int rc = -1;
    if (!u) {
        gl_err_set(err, GL_E_INTERNAL, "out of memory");
        return -1;
    }
    if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
        gl_err_set(err, GL_E_BAD_REQUEST, "'%.200s' is not a URL", url);
    } else if (strcmp(scheme, "https") == 0) {
        rc = 0;
    } else if (strcmp(scheme, "http") == 0) {
        if (host_loopback(host))
            rc = 0;
        else
            gl_err_set(err, GL_E_BAD_REQUEST,
                       "plain http is only allowed to this machine (localhost, 127.0.0.1, ::1): "
                       "use https for %.200s",
                       host);
    } else {
        gl_err_set(err, GL_E_BAD_REQUEST,
                   "a webhook URL is https (or http to localhost), not %.16s", scheme);
    }
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(u);
    return rc;
}

/* ---- endpoint records ---- */

int gl_webhook_load(struct gl_txn *t, uint64_t id, msgpack_zone *z, struct gl_webhook *out)
{
    struct gl_key k;
    key_id(&k, id);
    return gl_webhook_get(t, &k, z, out);
}

void gl_webhook_save(struct gl_txn *t, const struct gl_webhook *w)
{
    struct gl_key k;
    key_id(&k, w->id);
    gl_webhook_put(t, &k, w); /* which wipes the encoding: it held the secret */
}

void gl_webhook_pack(msgpack_packer *pk, const struct gl_webhook *w)
{
    msgpack_pack_map(pk, 10);
    gl_pack_kv_int(pk, "id", (int64_t)w->id);
    gl_pack_kv_str(pk, "url", w->url);
    gl_pack_key(pk, "events");
    gl_event_names_pack(pk, w->events);
    gl_pack_kv_str(pk, "status", w->paused ? "paused" : "active");
    gl_pack_kv_int(pk, "failures", w->failures);
    gl_pack_kv_int(pk, "created_at", w->created_at);
    gl_pack_kv_str(pk, "created_by", w->created_by);
    gl_pack_kv_int(pk, "last_at", w->last_at);
    gl_pack_kv_int(pk, "last_code", w->last_code);
    gl_pack_kv_str(pk, "last_error", w->last_error);
}

/* ---- delivery records ---- */

int gl_delivery_load(struct gl_txn *t, uint64_t id, msgpack_zone *z, struct gl_delivery *out)
{
    struct gl_key k;
    key_id(&k, id);
    return gl_delivery_get(t, &k, z, out);
}

void gl_delivery_save(struct gl_txn *t, const struct gl_delivery *d, int64_t old_next_ms)
{
    struct gl_key k;
    key_id(&k, d->id);
    gl_delivery_put(t, &k, d);
    bool due = d->status == DLV_PENDING;
    if (old_next_ms >= 0 && !(due && old_next_ms == d->next_ms)) {
        key_webhook_due(&k, old_next_ms, d->id);
        gl_del(t, DB_WEBHOOK_DUE, &k);
    }
    if (due) {
        key_webhook_due(&k, d->next_ms, d->id);
        gl_put(t, DB_WEBHOOK_DUE, &k, "", 0);
    }
}

void gl_delivery_pack(msgpack_packer *pk, const struct gl_delivery *d)
{
    msgpack_pack_map(pk, 11);
    gl_pack_kv_int(pk, "id", (int64_t)d->id);
    gl_pack_kv_int(pk, "endpoint", (int64_t)d->endpoint);
    gl_pack_kv_str(pk, "msg", d->msg);
    gl_pack_kv_str(pk, "type", d->type);
    gl_pack_kv_str(pk, "status", gl_delivery_status_name(d->status));
    gl_pack_kv_int(pk, "attempts", d->attempts);
    gl_pack_kv_int(pk, "created_at", d->created_ms);
    gl_pack_kv_int(pk, "last_at", d->last_ms);
    gl_pack_kv_int(pk, "last_code", d->last_code);
    gl_pack_kv_str(pk, "last_error", d->last_error);
    gl_pack_key(pk, "next_at");
    if (d->status == DLV_PENDING)
        msgpack_pack_int64(pk, d->next_ms);
    else
        msgpack_pack_nil(pk);
}

/* ---- the outbox ---- */

static json_t *json_str(const char *s)
{
    json_t *j = s ? json_string(s) : NULL; /* NULL for invalid UTF-8, too */
    return j ? j : json_null();
}

static json_t *json_time(int64_t t)
{
    if (t == GL_TIME_NONE) return json_null();
    char buf[32];
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return json_string(buf);
}

static const char *const actor_kinds[] = {
    [ACTOR_STAFF] = "staff", [ACTOR_EXTERNAL] = "external", [ACTOR_SYSTEM] = "system"};

char *gl_webhook_payload(const struct gl_wf *wf, const char *type, const struct gl_post *p,
                         uint64_t link)
{
    json_t *data = json_object();
    if (p) {
        json_t *platforms = json_array();
        for (size_t i = 0; i < p->nplatforms; i++)
            json_array_append_new(platforms, json_str(p->platforms[i]));
        json_object_set_new(
            data, "post",
            json_pack("{s:I, s:I, s:o, s:o, s:o, s:o, s:I}", "id", (json_int_t)p->id, "profile",
                      (json_int_t)p->profile, "status", json_str(gl_status_name(p->status)),
                      "caption", json_str(p->caption), "scheduled_at", json_time(p->scheduled_at),
                      "platforms", platforms, "revision", (json_int_t)p->revision));
    }
    if (link) json_object_set_new(data, "link", json_pack("{s:I}", "id", (json_int_t)link));
    json_object_set_new(data, "actor",
                        json_pack("{s:o, s:s}", "name", json_str(wf->actor->name), "kind",
                                  actor_kinds[wf->actor->kind]));
    json_t *root = json_pack("{s:s, s:o, s:o}", "type", type, "timestamp",
                             json_time(wf->now), "data", data);
    char *text = root ? json_dumps(root, JSON_COMPACT) : NULL;
    json_decref(root);
    return text;
}

/* Random, not a delivery id: ids may be reused once old deliveries are removed, and receivers
 * drop a webhook-id they have seen. */
void gl_webhook_msg_id(char out[GL_WEBHOOK_MSG_ID_LEN])
{
    unsigned char raw[16];
    randombytes_buf(raw, sizeof raw);
    memcpy(out, "msg_", 4);
    sodium_bin2hex(out + 4, GL_WEBHOOK_MSG_ID_LEN - 4, raw, sizeof raw);
}

struct matching {
    uint64_t ids[GL_WEBHOOK_MAX_ENDPOINTS];
    size_t n;
};

void webhook_enqueue(struct gl_wf *wf, enum gl_event_type type, const struct gl_post *p,
                     uint64_t link)
{
    if (!(subscribable & EV_BIT(type)) || wf->t->rc) return;
    struct matching m = {.n = 0};
    struct gl_key lo, hi;
    key_id(&lo, 0);
    key_id(&hi, UINT64_MAX);
    struct gl_range r;
    if (gl_range_open(wf->t, DB_WEBHOOKS, &lo, &hi, &r)) return;
    MDB_val key, val;
    msgpack_zone z;
    msgpack_zone_init(&z, 1024);
    /* Collect first: writing invalidates the cursor's view. */
    while (m.n < GL_WEBHOOK_MAX_ENDPOINTS && gl_range_next(&r, &key, &val)) {
        struct gl_webhook w;
        if (gl_webhook_decode(&val, &z, &w) == 0 && (w.events & EV_BIT(type))) m.ids[m.n++] = w.id;
        sodium_memzero(w.secret, sizeof w.secret);
        msgpack_zone_clear(&z);
    }
    gl_range_close(&r);
    msgpack_zone_destroy(&z);
    if (!m.n) return;
    char *body = gl_webhook_payload(wf, gl_event_type_name(type), p, link);
    if (!body) return;
    int64_t now_ms = wf->now * 1000;
    for (size_t i = 0; i < m.n; i++) {
        struct gl_delivery d = {.id = gl_next_id(wf->t, DB_WEBHOOK_OUTBOX),
                                .endpoint = m.ids[i],
                                .type = gl_event_type_name(type),
                                .body = body,
                                .created_ms = now_ms,
                                .status = DLV_PENDING,
                                .next_ms = now_ms};
        gl_webhook_msg_id(d.msg);
        gl_delivery_save(wf->t, &d, -1);
    }
    free(body);
    enqueued = true;
}

bool gl_webhook_take_enqueued(void)
{
    bool was = enqueued;
    enqueued = false;
    return was;
}

void gl_webhook_note_work(void)
{
    enqueued = true;
}

#define PRUNE_LOOK 8

void gl_webhook_prune(struct gl_txn *t, int64_t now_ms)
{
    if (t->rc) return;
    MDB_cursor *cur;
    if (mdb_cursor_open(t->txn, t->store->dbi[DB_WEBHOOK_OUTBOX], &cur)) return;
    uint64_t old[PRUNE_LOOK];
    size_t n = 0, looked = 0;
    int64_t cutoff = now_ms - GL_WEBHOOK_KEEP_DAYS * 86400000LL;
    msgpack_zone z;
    msgpack_zone_init(&z, 1024);
    MDB_val key, val;
    /* Ids grow with time: the oldest are first. A pending one (a paused endpoint's) is skipped. */
    for (int rc = mdb_cursor_get(cur, &key, &val, MDB_FIRST); rc == 0 && looked < PRUNE_LOOK;
         rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT), looked++) {
        struct gl_delivery d;
        if (gl_delivery_decode(&val, &z, &d) != 0) continue;
        if (d.created_ms >= cutoff) break;
        if (d.status != DLV_PENDING) old[n++] = d.id;
        msgpack_zone_clear(&z);
    }
    msgpack_zone_destroy(&z);
    mdb_cursor_close(cur);
    for (size_t i = 0; i < n; i++) {
        struct gl_key k;
        key_id(&k, old[i]);
        gl_del(t, DB_WEBHOOK_OUTBOX, &k);
    }
}
