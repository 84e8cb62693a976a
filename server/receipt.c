/* Signed approval receipts (see receipt.h). */
#include "receipt.h"

#include <sodium.h>
#include <stddef.h>
#include <string.h>

#include "links.h"
#include "log.h"
#include "records.h"
#include "util.h"
#include "workflow.h"

/* ---- the field table ---- */

struct rfield {
    const char *name;
    enum gl_rfield_type type;
    size_t off;
};

#define RF_ROW(n, t) {#n, t, offsetof(struct gl_receipt, n)},
static const struct rfield rfields[] = {GL_RECEIPT_FIELDS(RF_ROW)};
#define NRFIELDS GL_ARRAY_LEN(rfields)

static int64_t *f_int(const struct gl_receipt *r, const struct rfield *f)
{
    return (int64_t *)((char *)r + f->off);
}
static const char **f_str(const struct gl_receipt *r, const struct rfield *f)
{
    return (const char **)((char *)r + f->off);
}
static unsigned char *f_hash(const struct gl_receipt *r, const struct rfield *f)
{
    return (unsigned char *)r + f->off;
}

static void pack_str_or_nil(msgpack_packer *pk, const char *s)
{
    if (!s) {
        msgpack_pack_nil(pk);
        return;
    }
    size_t n = strlen(s);
    msgpack_pack_str_with_body(pk, s, n);
}

static void pack_time(msgpack_packer *pk, int64_t t)
{
    if (t == GL_TIME_NONE)
        msgpack_pack_nil(pk);
    else
        msgpack_pack_int64(pk, t);
}

void receipt_encode(const struct gl_receipt *r, msgpack_sbuffer *sb)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
    msgpack_pack_array(&pk, 1 + NRFIELDS);
    pack_str_or_nil(&pk, GL_RECEIPT_TAG);
    for (size_t i = 0; i < NRFIELDS; i++) {
        const struct rfield *f = &rfields[i];
        switch (f->type) {
        case RF_INT:
            msgpack_pack_int64(&pk, *f_int(r, f));
            break;
        case RF_TIME:
            pack_time(&pk, *f_int(r, f));
            break;
        case RF_STR:
            pack_str_or_nil(&pk, *f_str(r, f));
            break;
        case RF_HASH:
            msgpack_pack_bin_with_body(&pk, f_hash(r, f), GL_RECEIPT_HASH);
            break;
        }
    }
}

/* The inverse of receipt_encode, for stored receipts; strings go into z. */
static int receipt_decode(const void *data, size_t n, msgpack_zone *z, struct gl_receipt *r)
{
    msgpack_object o;
    if (gl_stored_unpack(data, n, z, &o) != 0 || o.type != MSGPACK_OBJECT_ARRAY || o.via.array.size != 1 + NRFIELDS)
        return -1;
    const msgpack_object *e = o.via.array.ptr + 1;
    for (size_t i = 0; i < NRFIELDS; i++, e++) {
        const struct rfield *f = &rfields[i];
        bool nil = e->type == MSGPACK_OBJECT_NIL;
        bool isint = e->type == MSGPACK_OBJECT_POSITIVE_INTEGER ||
                     e->type == MSGPACK_OBJECT_NEGATIVE_INTEGER;
        switch (f->type) {
        case RF_TIME:
            if (nil) {
                *f_int(r, f) = GL_TIME_NONE;
                break;
            }
            /* fall through */
        case RF_INT:
            if (!isint) return -1;
            *f_int(r, f) = e->via.i64;
            break;
        case RF_STR:
            if (nil) {
                *f_str(r, f) = NULL;
            } else if (e->type == MSGPACK_OBJECT_STR) {
                char *s = msgpack_zone_malloc(z, e->via.str.size + 1);
                memcpy(s, e->via.str.ptr, e->via.str.size);
                s[e->via.str.size] = '\0';
                *f_str(r, f) = s;
            } else {
                return -1;
            }
            break;
        case RF_HASH:
            if (e->type != MSGPACK_OBJECT_BIN || e->via.bin.size != GL_RECEIPT_HASH) return -1;
            memcpy(f_hash(r, f), e->via.bin.ptr, GL_RECEIPT_HASH);
            break;
        }
    }
    return 0;
}

void receipt_shown_hash(const struct gl_shown *s, unsigned char out[GL_RECEIPT_HASH])
{
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_array(&pk, 6);
    pack_str_or_nil(&pk, GL_SHOWN_TAG);
    pack_str_or_nil(&pk, s->caption ? s->caption : "");
    msgpack_pack_array(&pk, (uint32_t)s->nplatforms);
    for (size_t i = 0; i < s->nplatforms; i++)
        pack_str_or_nil(&pk, s->platforms[i]);
    pack_time(&pk, s->scheduled_at);
    pack_str_or_nil(&pk, s->timezone);
    msgpack_pack_array(&pk, (uint32_t)s->nmedia);
    for (size_t i = 0; i < s->nmedia; i++)
        msgpack_pack_bin_with_body(&pk, s->media_sha256[i], GL_RECEIPT_HASH);
    crypto_hash_sha256(out, (const unsigned char *)sb.data, sb.size);
    msgpack_sbuffer_destroy(&sb);
}

/* ---- keys ---- */

static const char current_key_name[] = "receipt_key";

static void key_current(struct gl_key *k)
{
    key_bytes(k, current_key_name, sizeof current_key_name - 1);
}

/* Reads key id, its secret too when kept: 0, the store's error, or MDB_CORRUPTED when its
 * record does not decode. The caller wipes out->secret. */
static int key_load(struct gl_txn *t, msgpack_zone *z, uint32_t id, struct gl_receipt_key *out)
{
    struct gl_key k;
    MDB_val v;
    key_id(&k, id);
    int rc = gl_get(t, DB_RECEIPT_KEYS, &k, &v);
    if (rc) return rc;
    return gl_receipt_key_decode(&v, z, out) == 0 ? 0 : MDB_CORRUPTED;
}

static void key_save(struct gl_txn *t, const struct gl_receipt_key *key)
{
    struct gl_key k;
    key_id(&k, key->id);
    gl_receipt_key_put(t, &k, key);
}

int receipt_key_public(struct gl_txn *t, uint32_t id, unsigned char pk[32])
{
    msgpack_zone z;
    msgpack_zone_init(&z, 256);
    struct gl_receipt_key key;
    int rc = key_load(t, &z, id, &key);
    if (rc == 0) memcpy(pk, key.public_key, sizeof key.public_key);
    sodium_memzero(&key, sizeof key);
    msgpack_zone_destroy(&z);
    return rc;
}

int receipt_key_current(struct gl_txn *t, uint32_t *id, unsigned char pk[32])
{
    struct gl_key k;
    MDB_val v;
    key_current(&k);
    int rc = gl_get(t, DB_META, &k, &v);
    if (rc) return rc;
    if (v.mv_size != 8) return MDB_CORRUPTED;
    *id = (uint32_t)key_id_decode(v.mv_data, v.mv_size);
    return receipt_key_public(t, *id, pk);
}

/* In one write transaction: when there is no key, or always (rotate), a new current key;
 * the previous one keeps only its public half. */
static int keys_update(struct gl_store *s, bool rotate, uint32_t *out_id)
{
    struct gl_txn t = {.store = s};
    int rc = mdb_txn_begin(s->env, NULL, 0, &t.txn);
    if (rc) return rc;
    uint32_t id = 0;
    unsigned char pk[32];
    rc = receipt_key_current(&t, &id, pk);
    if (rc == 0 && !rotate) goto done; /* there is one */
    if (rc && rc != MDB_NOTFOUND) goto done;
    struct gl_receipt_key key;
    if (rc == 0) {
        msgpack_zone z;
        msgpack_zone_init(&z, 256);
        if (key_load(&t, &z, id, &key) == 0) {
            key.id = id;
            key.has_secret = false; /* retired: public only */
            key_save(&t, &key);
        }
        sodium_memzero(&key, sizeof key);
        msgpack_zone_destroy(&z);
    }
    id = (uint32_t)gl_next_id(&t, DB_RECEIPT_KEYS);
    key = (struct gl_receipt_key){.id = id, .created_at = gl_now(), .has_secret = true};
    crypto_sign_keypair(key.public_key, key.secret);
    key_save(&t, &key);
    sodium_memzero(&key, sizeof key);
    struct gl_key k, v;
    key_current(&k);
    key_id(&v, id);
    gl_put(&t, DB_META, &k, v.b, v.n);
    rc = t.rc;
    if (!rc) {
        rc = mdb_txn_commit(t.txn);
        t.txn = NULL;
        if (!rc) log_info("receipts: signing key made id=%u", id);
    }
done:
    if (t.txn) mdb_txn_abort(t.txn);
    if (out_id) *out_id = id;
    return rc;
}

int receipt_keys_ensure(struct gl_store *s)
{
    return keys_update(s, false, NULL);
}

int receipt_keys_rotate(struct gl_store *s, uint32_t *id)
{
    return keys_update(s, true, id);
}

/* ---- appending ---- */

static const char *const decision_names[] = {
    [DECISION_APPROVE] = "approve",
    [DECISION_REJECT] = "reject",
    [DECISION_RESCHEDULE] = "reschedule",
};

/* The SHA-256 of media id: stored at upload, or computed from the data of media uploaded
 * before hashes were kept. -1 when it is missing. */
static int media_hash(struct gl_txn *t, msgpack_zone *z, int64_t id, unsigned char out[32])
{
    struct gl_media m;
    if (gl_media_load(t, (uint64_t)id, z, &m) != 0) return -1;
    if (m.sha256)
        memcpy(out, m.sha256, 32);
    else if (m.data)
        crypto_hash_sha256(out, m.data, m.len);
    else
        return -1;
    return 0;
}

/* The actor as the receipt names it. */
static void set_decider(struct gl_wf *wf, struct gl_receipt *r)
{
    const struct gl_actor *a = wf->actor;
    r->decider = a->name;
    r->address = a->address;
    r->link = (int64_t)a->link;
    if (a->kind != ACTOR_EXTERNAL) {
        r->decider_kind = a->kind == ACTOR_SYSTEM ? "system" : "staff";
        return;
    }
    r->decider_kind = "external";
    r->approver = a->approver;
    struct gl_link l;
    if (a->link && gl_link_load(wf->t, a->link, wf->zone, &l) == 0)
        r->link_kind = gl_link_kind_name(l.kind);
}

void receipt_append(struct gl_wf *wf, const struct gl_post *shown, const struct gl_post *after,
                    enum gl_decision decision, const char *note)
{
    struct gl_txn *t = wf->t;
#ifdef GL_BENCH_NO_RECEIPTS
    /* Only in the comparison build of bench/receipts.sh, which measures what a receipt costs. */
    (void)shown, (void)after, (void)decision, (void)note;
    return;
#endif
    if (t->rc) return;
    struct gl_profile prof;
    struct gl_err err = {0};
    if (wf_profile_load(wf, shown->profile, &prof, &err)) {
        if (!t->rc) t->rc = MDB_NOTFOUND;
        return;
    }
    struct gl_shown s = {.caption = shown->caption,
                         .platforms = shown->platforms,
                         .nplatforms = shown->nplatforms,
                         .scheduled_at = shown->scheduled_at,
                         .timezone = prof.timezone,
                         .media = shown->media,
                         .nmedia = shown->nmedia};
    s.media_sha256 = msgpack_zone_malloc(wf->zone, 32 * (shown->nmedia ? shown->nmedia : 1));
    for (size_t i = 0; i < s.nmedia; i++)
        if (media_hash(t, wf->zone, s.media[i], s.media_sha256[i]) != 0) {
            /* A post names only uploaded media (m_post.c): a missing one is a broken store. */
            log_error("receipts: media %lld of post %llu is missing", (long long)s.media[i],
                      (unsigned long long)shown->id);
            if (!t->rc) t->rc = MDB_CORRUPTED;
            return;
        }

    struct gl_receipt r = {
        .profile = (int64_t)shown->profile,
        .seq = gl_next_seq(t, DB_RECEIPTS, shown->profile),
        .at = wf->now,
        .post = (int64_t)shown->id,
        .revision = shown->revision,
        .step = wf->step,
        .decision = decision_names[decision],
        .status = gl_status_name(after->status),
        .scheduled_at = after->scheduled_at,
        .note = note,
    };
    receipt_shown_hash(&s, r.shown_sha256);
    set_decider(wf, &r);

    /* The chain: the previous receipt's hash, all zeros for a profile's first. */
    struct gl_key k;
    if (r.seq > 1) {
        struct gl_receipt_record prev;
        key_child(&k, shown->profile, (uint32_t)r.seq - 1);
        if (gl_receipt_record_get(t, &k, wf->zone, &prev) != 0) {
            if (!t->rc) t->rc = MDB_CORRUPTED;
            return;
        }
        memcpy(r.prev, prev.hash, sizeof r.prev);
    }

    /* The current key, read in this transaction: a rotation made beside the daemon applies
     * from the next decision on. */
    struct gl_receipt_key key = {0};
    uint32_t kid = 0;
    MDB_val v;
    key_current(&k);
    int rc = gl_get(t, DB_META, &k, &v);
    if (rc == 0 && v.mv_size == 8) {
        kid = (uint32_t)key_id_decode(v.mv_data, v.mv_size);
        rc = key_load(t, wf->zone, kid, &key);
    }
    if (rc || !key.has_secret) {
        log_error("receipts: no signing key in the store");
        if (!t->rc) t->rc = rc ? rc : MDB_NOTFOUND;
        sodium_memzero(&key, sizeof key);
        return;
    }
    r.key = kid;

    msgpack_sbuffer body;
    msgpack_sbuffer_init(&body);
    receipt_encode(&r, &body);
    struct gl_receipt_record rec = {
        .body = (const unsigned char *)body.data, .nbody = body.size, .shown = s};
    crypto_sign_detached(rec.sig, NULL, rec.body, rec.nbody, key.secret);
    sodium_memzero(&key, sizeof key);
    crypto_hash_sha256(rec.hash, rec.body, rec.nbody);
    key_child(&k, shown->profile, (uint32_t)r.seq);
    gl_receipt_record_put(t, &k, &rec);
    msgpack_sbuffer_destroy(&body);
}

/* ---- reading ---- */

int receipt_each(struct gl_txn *t, msgpack_zone *z, const struct gl_receipt_filter *f,
                 int (*fn)(const struct gl_receipt *r, const struct gl_shown *shown, void *arg),
                 void *arg)
{
    /* A store opened read-only before receipts existed has no such database. */
    if (!t->store->dbi[DB_RECEIPTS]) return 0;
    struct gl_key lo, hi;
    key_child(&lo, f->profile, 0);
    if (f->profile)
        key_child(&hi, f->profile + 1, 0);
    else
        key_child(&hi, UINT64_MAX, UINT32_MAX);
    struct gl_range rg;
    int rc = gl_range_open(t, DB_RECEIPTS, &lo, &hi, &rg);
    if (rc) return rc;
    MDB_val key, val;
    while (gl_range_next(&rg, &key, &val)) {
        struct gl_receipt_record rec;
        struct gl_receipt r;
        if (gl_receipt_record_decode(&val, z, &rec) != 0 ||
            receipt_decode(rec.body, rec.nbody, z, &r) != 0) {
            rc = MDB_CORRUPTED;
            break;
        }
        memcpy(r.sig, rec.sig, GL_RECEIPT_SIG);
        memcpy(r.hash, rec.hash, GL_RECEIPT_HASH);
        if ((f->post && (uint64_t)r.post != f->post) || r.at < f->from || r.at >= f->to) continue;
        rc = fn(&r, &rec.shown, arg);
        if (rc) break;
    }
    gl_range_close(&rg);
    return rc ? rc : t->rc;
}

/* ---- JSON ---- */

static json_t *hex_json(const unsigned char *b, size_t n)
{
    char hex[2 * 64 + 1];
    sodium_bin2hex(hex, sizeof hex, b, n);
    return json_string(hex);
}

static json_t *b64_json(const unsigned char *b, size_t n)
{
    char out[sodium_base64_ENCODED_LEN(64, sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(out, sizeof out, b, n, sodium_base64_VARIANT_ORIGINAL);
    return json_string(out);
}

static json_t *str_json(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *time_json(int64_t t)
{
    return t == GL_TIME_NONE ? json_null() : json_integer(t);
}

static json_t *receipt_json(const struct gl_receipt *r, const struct gl_shown *s)
{
    json_t *o = json_object();
    for (size_t i = 0; i < NRFIELDS; i++) {
        const struct rfield *f = &rfields[i];
        json_t *v = NULL;
        switch (f->type) {
        case RF_INT:
            v = json_integer(*f_int(r, f));
            break;
        case RF_TIME:
            v = time_json(*f_int(r, f));
            break;
        case RF_STR:
            v = str_json(*f_str(r, f));
            break;
        case RF_HASH:
            v = hex_json(f_hash(r, f), GL_RECEIPT_HASH);
            break;
        }
        json_object_set_new(o, f->name, v);
    }
    json_object_set_new(o, "hash", hex_json(r->hash, GL_RECEIPT_HASH));
    json_object_set_new(o, "signature", b64_json(r->sig, GL_RECEIPT_SIG));
    json_t *sh = json_object(), *pl = json_array(), *media = json_array();
    json_object_set_new(sh, "caption", str_json(s->caption));
    for (size_t i = 0; i < s->nplatforms; i++)
        json_array_append_new(pl, str_json(s->platforms[i]));
    json_object_set_new(sh, "platforms", pl);
    json_object_set_new(sh, "scheduled_at", time_json(s->scheduled_at));
    json_object_set_new(sh, "timezone", str_json(s->timezone));
    for (size_t i = 0; i < s->nmedia; i++)
        json_array_append_new(media, json_pack("{s:I,s:o}", "id", (json_int_t)s->media[i], "sha256",
                                               hex_json(s->media_sha256[i], 32)));
    json_object_set_new(sh, "media", media);
    json_object_set_new(o, "shown", sh);
    return o;
}

struct json_list {
    json_t *list;
    size_t limit;
};

/* Past the limit, 1 stops the walk: a reply is refused before it is built whole. */
static int append_json(const struct gl_receipt *r, const struct gl_shown *s, void *arg)
{
    struct json_list *l = arg;
    if (l->limit && json_array_size(l->list) >= l->limit) return 1;
    json_array_append_new(l->list, receipt_json(r, s));
    return 0;
}

static json_t *keys_json(struct gl_txn *t)
{
    json_t *a = json_array();
    if (!t->store->dbi[DB_RECEIPT_KEYS]) return a;
    uint32_t current = 0;
    unsigned char cpk[32];
    if (receipt_key_current(t, &current, cpk) != 0) current = 0;
    struct gl_key lo, hi;
    key_id(&lo, 0);
    key_id(&hi, UINT64_MAX);
    struct gl_range rg;
    if (gl_range_open(t, DB_RECEIPT_KEYS, &lo, &hi, &rg)) return a;
    MDB_val key, val;
    msgpack_zone z;
    msgpack_zone_init(&z, 1024);
    while (gl_range_next(&rg, &key, &val)) {
        struct gl_receipt_key k;
        bool whole = gl_receipt_key_decode(&val, &z, &k) == 0;
        sodium_memzero(k.secret, sizeof k.secret);
        if (!whole) continue;
        uint32_t id = (uint32_t)key_id_decode(key.mv_data, key.mv_size);
        json_array_append_new(
            a, json_pack("{s:i,s:s,s:o,s:I,s:b}", "id", (int)id, "algorithm", "ed25519", "public",
                         b64_json(k.public_key, sizeof k.public_key), "created_at",
                         (json_int_t)k.created_at, "current", id == current));
    }
    msgpack_zone_destroy(&z);
    gl_range_close(&rg);
    return a;
}

json_t *receipt_export_json(struct gl_txn *t, const struct gl_receipt_filter *f, struct gl_err *err)
{
    struct json_list l = {.list = json_array(), .limit = f->limit};
    msgpack_zone z;
    msgpack_zone_init(&z, 4096);
    int rc = receipt_each(t, &z, f, append_json, &l);
    msgpack_zone_destroy(&z);
    if (rc) {
        json_decref(l.list);
        if (rc == 1)
            gl_err_set(err, GL_E_TOO_LARGE, "more than %zu receipts; narrow from/to", f->limit);
        else
            gl_err_set(err, GL_E_INTERNAL, "cannot read the receipts: %s", mdb_strerror(rc));
        return NULL;
    }
    return json_pack("{s:s,s:i,s:o,s:o}", "format", "greenlight-receipts", "version", 1, "keys",
                     keys_json(t), "receipts", l.list);
}

void receipt_pack_json(msgpack_packer *pk, const json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        msgpack_pack_map(pk, (uint32_t)json_object_size(j));
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)j, k, v)
        {
            gl_pack_key(pk, k);
            receipt_pack_json(pk, v);
        }
        break;
    }
    case JSON_ARRAY: {
        msgpack_pack_array(pk, (uint32_t)json_array_size(j));
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v) receipt_pack_json(pk, v);
        break;
    }
    case JSON_STRING:
        msgpack_pack_str_with_body(pk, json_string_value(j), json_string_length(j));
        break;
    case JSON_INTEGER:
        msgpack_pack_int64(pk, json_integer_value(j));
        break;
    case JSON_REAL:
        msgpack_pack_double(pk, json_real_value(j));
        break;
    case JSON_TRUE:
        msgpack_pack_true(pk);
        break;
    case JSON_FALSE:
        msgpack_pack_false(pk);
        break;
    case JSON_NULL:
        msgpack_pack_nil(pk);
        break;
    }
}

static int hex_field(const json_t *v, unsigned char *out, size_t n)
{
    const char *s = json_string_value(v);
    size_t got = 0;
    if (!s || strlen(s) != 2 * n) return -1;
    return sodium_hex2bin(out, n, s, 2 * n, NULL, &got, NULL) == 0 && got == n ? 0 : -1;
}

int receipt_from_json(const json_t *j, struct gl_receipt *r, const char **why)
{
    memset(r, 0, sizeof *r);
    if (!json_is_object(j)) {
        *why = "not an object";
        return -1;
    }
    for (size_t i = 0; i < NRFIELDS; i++) {
        const struct rfield *f = &rfields[i];
        const json_t *v = json_object_get(j, f->name);
        bool ok = v != NULL;
        switch (f->type) {
        case RF_TIME:
            if (json_is_null(v)) {
                *f_int(r, f) = GL_TIME_NONE;
                break;
            }
            /* fall through */
        case RF_INT:
            ok = ok && json_is_integer(v);
            if (ok) *f_int(r, f) = json_integer_value(v);
            break;
        case RF_STR:
            ok = ok && (json_is_null(v) || json_is_string(v));
            if (ok) *f_str(r, f) = json_is_null(v) ? NULL : json_string_value(v);
            break;
        case RF_HASH:
            ok = ok && hex_field(v, f_hash(r, f), GL_RECEIPT_HASH) == 0;
            break;
        }
        if (!ok) {
            *why = f->name;
            return -1;
        }
    }
    const char *sig = json_string_value(json_object_get(j, "signature"));
    size_t got = 0;
    if (!sig ||
        sodium_base642bin(r->sig, sizeof r->sig, sig, strlen(sig), NULL, &got, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        got != GL_RECEIPT_SIG) {
        *why = "signature";
        return -1;
    }
    return 0;
}
