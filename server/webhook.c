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

static const char *const status_names[] = {
    [DLV_PENDING] = "pending", [DLV_DELIVERED] = "delivered", [DLV_FAILED] = "failed"};

const char *gl_delivery_status_name(enum gl_delivery_status s)
{
    return (unsigned)s < GL_ARRAY_LEN(status_names) ? status_names[s] : "unknown";
}

static int delivery_status_parse(const char *s)
{
    for (size_t i = 0; s && i < GL_ARRAY_LEN(status_names); i++)
        if (strcmp(s, status_names[i]) == 0) return (int)i;
    return -1;
}

static int event_parse(const char *name)
{
    for (int e = 0; e < EV_COUNT; e++)
        if (strcmp(name, gl_event_type_name((enum gl_event_type)e)) == 0) return e;
    return -1;
}

int gl_webhook_events_parse(const char *const *names, size_t n, unsigned *out, struct gl_err *err)
{
    unsigned bits = 0;
    for (size_t i = 0; i < n; i++) {
        int e = event_parse(names[i]);
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

void gl_webhook_events_pack(msgpack_packer *pk, unsigned events)
{
    unsigned n = 0;
    for (int e = 0; e < EV_COUNT; e++)
        n += (events >> e) & 1;
    msgpack_pack_array(pk, n);
    for (int e = 0; e < EV_COUNT; e++)
        if (events & EV_BIT(e)) gl_pack_str(pk, gl_event_type_name((enum gl_event_type)e));
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

static void webhook_encode(const struct gl_webhook *w, msgpack_sbuffer *sb)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
    gl_record_begin(&pk, 13);
    gl_pack_kv_int(&pk, "id", (int64_t)w->id);
    gl_pack_kv_str(&pk, "url", w->url);
    /* Names, not bits: the enum's order may change between versions. */
    gl_pack_key(&pk, "events");
    gl_webhook_events_pack(&pk, w->events);
    gl_pack_key(&pk, "secret");
    msgpack_pack_bin(&pk, GL_WEBHOOK_SECRET_BYTES);
    msgpack_pack_bin_body(&pk, w->secret, GL_WEBHOOK_SECRET_BYTES);
    gl_pack_kv_bool(&pk, "paused", w->paused);
    gl_pack_kv_int(&pk, "failures", w->failures);
    gl_pack_kv_int(&pk, "failing_since", w->failing_since);
    gl_pack_kv_int(&pk, "created_at", w->created_at);
    gl_pack_kv_str(&pk, "created_by", w->created_by);
    gl_pack_kv_int(&pk, "last_at", w->last_at);
    gl_pack_kv_int(&pk, "last_code", w->last_code);
    gl_pack_kv_str(&pk, "last_error", w->last_error);
}

int gl_webhook_decode(const MDB_val *v, msgpack_zone *z, struct gl_webhook *out)
{
    msgpack_object m;
    if (gl_record_unpack(v, z, &m)) return -1;
    *out = (struct gl_webhook){0};
    out->id = (uint64_t)gl_field_int(&m, "id", 0);
    out->url = gl_field_str(&m, "url", z);
    size_t n = 0;
    const char **names = gl_field_strlist(&m, "events", z, &n);
    for (size_t i = 0; i < n; i++) {
        int e = event_parse(names[i]);
        if (e >= 0) out->events |= EV_BIT(e);
    }
    const msgpack_object *s = gl_map_get(&m, "secret");
    if (!s || s->type != MSGPACK_OBJECT_BIN || s->via.bin.size != GL_WEBHOOK_SECRET_BYTES)
        return -1;
    memcpy(out->secret, s->via.bin.ptr, GL_WEBHOOK_SECRET_BYTES);
    out->paused = gl_field_bool(&m, "paused");
    out->failures = (uint32_t)gl_field_int(&m, "failures", 0);
    out->failing_since = gl_field_int(&m, "failing_since", 0);
    out->created_at = gl_field_int(&m, "created_at", 0);
    out->created_by = gl_field_str(&m, "created_by", z);
    out->last_at = gl_field_int(&m, "last_at", 0);
    out->last_code = gl_field_int(&m, "last_code", 0);
    out->last_error = gl_field_str(&m, "last_error", z);
    return out->id && out->url ? 0 : -1;
}

int gl_webhook_load(struct gl_txn *t, uint64_t id, msgpack_zone *z, struct gl_webhook *out)
{
    struct gl_key k;
    MDB_val v;
    key_id(&k, id);
    int rc = gl_get(t, DB_WEBHOOKS, &k, &v);
    if (rc) return rc;
    return gl_webhook_decode(&v, z, out) == 0 ? 0 : MDB_NOTFOUND;
}

void gl_webhook_save(struct gl_txn *t, const struct gl_webhook *w)
{
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    webhook_encode(w, &sb);
    struct gl_key k;
    key_id(&k, w->id);
    gl_put(t, DB_WEBHOOKS, &k, sb.data, sb.size);
    sodium_memzero(sb.data, sb.size); /* it held the secret */
    msgpack_sbuffer_destroy(&sb);
}

void gl_webhook_pack(msgpack_packer *pk, const struct gl_webhook *w)
{
    msgpack_pack_map(pk, 10);
    gl_pack_kv_int(pk, "id", (int64_t)w->id);
    gl_pack_kv_str(pk, "url", w->url);
    gl_pack_key(pk, "events");
    gl_webhook_events_pack(pk, w->events);
    gl_pack_kv_str(pk, "status", w->paused ? "paused" : "active");
    gl_pack_kv_int(pk, "failures", w->failures);
    gl_pack_kv_int(pk, "created_at", w->created_at);
    gl_pack_kv_str(pk, "created_by", w->created_by);
    gl_pack_kv_int(pk, "last_at", w->last_at);
    gl_pack_kv_int(pk, "last_code", w->last_code);
    gl_pack_kv_str(pk, "last_error", w->last_error);
}

/* ---- delivery records ---- */

static void delivery_encode(const struct gl_delivery *d, msgpack_sbuffer *sb)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
    gl_record_begin(&pk, 13);
    gl_pack_kv_int(&pk, "id", (int64_t)d->id);
    gl_pack_kv_int(&pk, "endpoint", (int64_t)d->endpoint);
    gl_pack_kv_str(&pk, "msg", d->msg);
    gl_pack_kv_str(&pk, "type", d->type);
    gl_pack_kv_str(&pk, "body", d->body);
    gl_pack_kv_int(&pk, "created_ms", d->created_ms);
    gl_pack_kv_str(&pk, "status", gl_delivery_status_name(d->status));
    gl_pack_kv_int(&pk, "attempts", d->attempts);
    gl_pack_kv_int(&pk, "next_ms", d->next_ms);
    gl_pack_kv_int(&pk, "last_ms", d->last_ms);
    gl_pack_kv_int(&pk, "last_code", d->last_code);
    gl_pack_kv_str(&pk, "last_error", d->last_error);
}

int gl_delivery_decode(const MDB_val *v, msgpack_zone *z, struct gl_delivery *out)
{
    msgpack_object m;
    if (gl_record_unpack(v, z, &m)) return -1;
    *out = (struct gl_delivery){0};
    out->id = (uint64_t)gl_field_int(&m, "id", 0);
    out->endpoint = (uint64_t)gl_field_int(&m, "endpoint", 0);
    const char *msg = gl_field_str(&m, "msg", z);
    snprintf(out->msg, sizeof out->msg, "%s", msg ? msg : "");
    out->type = gl_field_str(&m, "type", z);
    out->body = gl_field_str(&m, "body", z);
    out->created_ms = gl_field_int(&m, "created_ms", 0);
    int st = delivery_status_parse(gl_field_str(&m, "status", z));
    out->status = st < 0 ? DLV_FAILED : (enum gl_delivery_status)st;
    out->attempts = (uint32_t)gl_field_int(&m, "attempts", 0);
    out->next_ms = gl_field_int(&m, "next_ms", 0);
    out->last_ms = gl_field_int(&m, "last_ms", 0);
    out->last_code = gl_field_int(&m, "last_code", 0);
    out->last_error = gl_field_str(&m, "last_error", z);
    return out->id && out->endpoint && msg && out->body ? 0 : -1;
}

int gl_delivery_load(struct gl_txn *t, uint64_t id, msgpack_zone *z, struct gl_delivery *out)
{
    struct gl_key k;
    MDB_val v;
    key_id(&k, id);
    int rc = gl_get(t, DB_WEBHOOK_OUTBOX, &k, &v);
    if (rc) return rc;
    return gl_delivery_decode(&v, z, out) == 0 ? 0 : MDB_NOTFOUND;
}

void gl_delivery_save(struct gl_txn *t, const struct gl_delivery *d, int64_t old_next_ms)
{
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    delivery_encode(d, &sb);
    struct gl_key k;
    key_id(&k, d->id);
    gl_put(t, DB_WEBHOOK_OUTBOX, &k, sb.data, sb.size);
    msgpack_sbuffer_destroy(&sb);
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
