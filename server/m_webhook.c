/* webhook.*: admins configure the endpoints events are delivered to, see their recent
 * deliveries and send one again. The secret is made on the loop before the write (a write may
 * run twice) and shown once, in the reply to webhook.create. */
#include "methods.h"

#include <sodium.h>
#include <string.h>

#include "webhook.h"

#define DELIVERIES_SHOWN 50
#define DELIVERIES_SCANNED 100000 /* newest first; older ones of a quiet endpoint go unlisted */

struct secret_input {
    unsigned char raw[GL_WEBHOOK_SECRET_BYTES];
};

static void secret_free(void *data)
{
    if (data) sodium_memzero(data, sizeof(struct secret_input));
    free(data);
}

int m_webhook_create_admit(struct gl_req *req)
{
    struct secret_input *in = malloc(sizeof *in);
    if (!in) return REQ_FAIL(req, GL_E_INTERNAL, "out of memory");
    randombytes_buf(in->raw, sizeof in->raw);
    req->work_data = in;
    req->work_data_free = secret_free;
    return 0;
}

/* The url and events arguments, each when given (required ones checked by the table). */
static int read_endpoint_args(struct gl_req *req, struct gl_webhook *w)
{
    struct gl_err *err = &req->op.err;
    const char *url = NULL;
    if (req_str(req, "url", &url)) {
        if (gl_webhook_url_check(url, err)) return -1;
        w->url = url;
    }
    const char **names = NULL;
    size_t n = 0;
    if (req_strs(req, "events", &names, &n) && gl_webhook_events_parse(names, n, &w->events, err))
        return -1;
    return 0;
}

int m_webhook_create(struct gl_req *req, struct gl_txn *t)
{
    struct secret_input *in = req->work_data;
    struct gl_webhook w = {.created_at = req->now, .created_by = req->user};
    if (read_endpoint_args(req, &w)) return -1;
    unsigned count = 0;
    struct gl_key lo, hi;
    key_id(&lo, 0);
    key_id(&hi, UINT64_MAX);
    struct gl_range r;
    MDB_val key, val;
    if (gl_range_open(t, DB_WEBHOOKS, &lo, &hi, &r) == 0) {
        while (gl_range_next(&r, &key, &val))
            count++;
        gl_range_close(&r);
    }
    if (count >= GL_WEBHOOK_MAX_ENDPOINTS)
        return REQ_FAIL(req, GL_E_TOO_LARGE, "at most %d webhook endpoints",
                        GL_WEBHOOK_MAX_ENDPOINTS);
    w.id = gl_next_id(t, DB_WEBHOOKS);
    memcpy(w.secret, in->raw, sizeof w.secret);
    gl_webhook_save(t, &w);
    char secret[GL_WEBHOOK_SECRET_TEXT];
    memcpy(secret, "whsec_", 6);
    sodium_bin2base64(secret + 6, sizeof secret - 6, w.secret, sizeof w.secret,
                      sodium_base64_VARIANT_ORIGINAL);
    sodium_memzero(w.secret, sizeof w.secret);
    msgpack_pack_map(&req->pk, 2);
    gl_pack_kv_int(&req->pk, "id", (int64_t)w.id);
    gl_pack_kv_str(&req->pk, "secret", secret);
    sodium_memzero(secret, sizeof secret);
    return 0;
}

static int load_endpoint_arg(struct gl_req *req, struct gl_txn *t, struct gl_webhook *w)
{
    int64_t id = 0;
    req_int(req, "id", &id);
    if (id <= 0 || gl_webhook_load(t, (uint64_t)id, req->msg.zone, w) != 0)
        return REQ_FAIL(req, GL_E_NOT_FOUND, "no webhook %lld", (long long)id);
    return 0;
}

int m_webhook_list(struct gl_req *req, struct gl_txn *t)
{
    struct gl_key lo, hi;
    key_id(&lo, 0);
    key_id(&hi, UINT64_MAX);
    msgpack_zone z;
    msgpack_zone_init(&z, 1024);
    /* Two passes: the count, then the entries. */
    for (int pass = 0; pass < 2; pass++) {
        struct gl_range r;
        unsigned n = 0;
        if (gl_range_open(t, DB_WEBHOOKS, &lo, &hi, &r)) {
            msgpack_zone_destroy(&z);
            return REQ_FAIL(req, GL_E_UNAVAILABLE, "cannot read the store");
        }
        MDB_val key, val;
        while (gl_range_next(&r, &key, &val)) {
            struct gl_webhook w;
            if (gl_webhook_decode(&val, &z, &w) != 0) continue;
            sodium_memzero(w.secret, sizeof w.secret);
            if (pass == 0)
                n++;
            else
                gl_webhook_pack(&req->pk, &w);
            msgpack_zone_clear(&z);
        }
        gl_range_close(&r);
        if (pass == 0) {
            msgpack_pack_map(&req->pk, 1);
            gl_pack_key(&req->pk, "webhooks");
            msgpack_pack_array(&req->pk, n);
        }
    }
    msgpack_zone_destroy(&z);
    return 0;
}

int m_webhook_update(struct gl_req *req, struct gl_txn *t)
{
    struct gl_webhook w;
    if (load_endpoint_arg(req, t, &w) || read_endpoint_args(req, &w)) return -1;
    bool paused;
    if (req_bool(req, "paused", &paused)) {
        if (w.paused && !paused) {
            /* Resumed: its pending deliveries go now, and it gets a fresh count. */
            w.failures = 0;
            w.failing_since = 0;
            gl_webhook_note_work();
        }
        w.paused = paused;
    }
    gl_webhook_save(t, &w);
    sodium_memzero(w.secret, sizeof w.secret);
    gl_webhook_pack(&req->pk, &w);
    return 0;
}

int m_webhook_delete(struct gl_req *req, struct gl_txn *t)
{
    struct gl_webhook w;
    if (load_endpoint_arg(req, t, &w)) return -1;
    sodium_memzero(w.secret, sizeof w.secret);
    /* Its deliveries go with it: collect, then delete (a write invalidates the cursor). */
    struct gl_key lo, hi, k;
    key_id(&lo, 0);
    key_id(&hi, UINT64_MAX);
    struct gl_range r;
    MDB_val key, val;
    uint64_t *ids = NULL;
    int64_t *due = NULL;
    size_t n = 0, cap = 0;
    msgpack_zone z;
    msgpack_zone_init(&z, 1024);
    if (gl_range_open(t, DB_WEBHOOK_OUTBOX, &lo, &hi, &r) == 0) {
        while (gl_range_next(&r, &key, &val)) {
            struct gl_delivery d;
            if (gl_delivery_decode(&val, &z, &d) == 0 && d.endpoint == w.id) {
                if (n == cap) {
                    cap = cap ? cap * 2 : 64;
                    ids = realloc(ids, cap * sizeof *ids);
                    due = realloc(due, cap * sizeof *due);
                    if (!ids || !due) abort();
                }
                ids[n] = d.id;
                due[n++] = d.status == DLV_PENDING ? d.next_ms : -1;
            }
            msgpack_zone_clear(&z);
        }
        gl_range_close(&r);
    }
    msgpack_zone_destroy(&z);
    for (size_t i = 0; i < n; i++) {
        key_id(&k, ids[i]);
        gl_del(t, DB_WEBHOOK_OUTBOX, &k);
        if (due[i] >= 0) {
            key_webhook_due(&k, due[i], ids[i]);
            gl_del(t, DB_WEBHOOK_DUE, &k);
        }
    }
    free(ids);
    free(due);
    key_id(&k, w.id);
    gl_del(t, DB_WEBHOOKS, &k);
    msgpack_pack_map(&req->pk, 0);
    return 0;
}

int m_webhook_deliveries(struct gl_req *req, struct gl_txn *t)
{
    struct gl_webhook w;
    if (load_endpoint_arg(req, t, &w)) return -1;
    sodium_memzero(w.secret, sizeof w.secret);
    MDB_cursor *cur;
    if (mdb_cursor_open(t->txn, t->store->dbi[DB_WEBHOOK_OUTBOX], &cur))
        return REQ_FAIL(req, GL_E_UNAVAILABLE, "cannot read the store");
    struct gl_delivery found[DELIVERIES_SHOWN];
    size_t n = 0, scanned = 0;
    MDB_val key, val;
    for (int rc = mdb_cursor_get(cur, &key, &val, MDB_LAST);
         rc == 0 && n < DELIVERIES_SHOWN && scanned < DELIVERIES_SCANNED;
         rc = mdb_cursor_get(cur, &key, &val, MDB_PREV), scanned++) {
        if (gl_delivery_decode(&val, req->msg.zone, &found[n]) == 0 && found[n].endpoint == w.id)
            n++;
    }
    mdb_cursor_close(cur);
    msgpack_pack_map(&req->pk, 1);
    gl_pack_key(&req->pk, "deliveries");
    msgpack_pack_array(&req->pk, (uint32_t)n);
    for (size_t i = 0; i < n; i++)
        gl_delivery_pack(&req->pk, &found[i]);
    return 0;
}

int m_webhook_redeliver(struct gl_req *req, struct gl_txn *t)
{
    int64_t id = 0;
    req_int(req, "delivery", &id);
    struct gl_delivery d;
    if (id <= 0 || gl_delivery_load(t, (uint64_t)id, req->msg.zone, &d) != 0)
        return REQ_FAIL(req, GL_E_NOT_FOUND, "no delivery %lld", (long long)id);
    int64_t old = d.status == DLV_PENDING ? d.next_ms : -1;
    /* The same message again: receivers that saw it know it by its webhook-id. */
    d.status = DLV_PENDING;
    d.next_ms = req->now * 1000;
    /* A fresh 24 hours of retries from now. */
    d.created_ms = d.next_ms;
    gl_delivery_save(t, &d, old);
    gl_webhook_note_work();
    gl_delivery_pack(&req->pk, &d);
    return 0;
}
