/* Link, session and "seen" records (see links.h). */
#include "links.h"

#include <sodium.h>
#include <string.h>

#include "storekeys.h"
#include "rpc.h"

static const char *const kind_names[LINK_KIND_COUNT] = {"calendar", "collab", "approval"};

const char *gl_link_kind_name(enum gl_link_kind k)
{
    return (unsigned)k < LINK_KIND_COUNT ? kind_names[k] : "unknown";
}

int gl_link_kind_parse(const char *name)
{
    for (int i = 0; i < LINK_KIND_COUNT; i++)
        if (strcmp(kind_names[i], name) == 0) return i;
    return -1;
}

enum gl_link_state gl_link_state(const struct gl_link *l, int64_t now)
{
    if (l->revoked) return LINK_REVOKED;
    if (l->expires_at && now >= l->expires_at) return LINK_EXPIRED;
    return LINK_ACTIVE;
}

const char *gl_link_state_name(enum gl_link_state s)
{
    return s == LINK_REVOKED ? "revoked" : s == LINK_EXPIRED ? "expired" : "active";
}

/* ---- msgpack helpers ---- */

static bool field_hash(const msgpack_object *m, const char *key, unsigned char out[32])
{
    const msgpack_object *o = gl_map_get(m, key);
    if (!o || o->type != MSGPACK_OBJECT_BIN || o->via.bin.size != GL_HASH_BYTES) return false;
    memcpy(out, o->via.bin.ptr, GL_HASH_BYTES);
    return true;
}

static void pack_hash(msgpack_packer *pk, const char *key, const unsigned char *h)
{
    gl_pack_key(pk, key);
    msgpack_pack_bin(pk, GL_HASH_BYTES);
    msgpack_pack_bin_body(pk, h, GL_HASH_BYTES);
}

static void pack_opt_time(msgpack_packer *pk, const char *key, int64_t t)
{
    gl_pack_key(pk, key);
    if (t)
        msgpack_pack_int64(pk, t);
    else
        msgpack_pack_nil(pk);
}

/* ---- links ---- */

void gl_link_encode(const struct gl_link *l, msgpack_sbuffer *sb)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
    gl_record_begin(&pk, 21);
    gl_pack_kv_int(&pk, "id", (int64_t)l->id);
    gl_pack_kv_str(&pk, "kind", gl_link_kind_name(l->kind));
    gl_pack_kv_int(&pk, "profile", (int64_t)l->profile);
    gl_pack_kv_str(&pk, "approver", l->approver);
    gl_pack_key(&pk, "posts");
    msgpack_pack_array(&pk, l->nposts);
    for (size_t i = 0; i < l->nposts; i++) msgpack_pack_int64(&pk, l->posts[i]);
    gl_pack_kv_str(&pk, "pwhash", l->pwhash);
    pack_hash(&pk, "token_hash", l->token_hash);
    gl_pack_kv_str(&pk, "created_by", l->created_by);
    gl_pack_kv_int(&pk, "created_at", l->created_at);
    gl_pack_kv_int(&pk, "expires_at", l->expires_at);
    gl_pack_kv_bool(&pk, "revoked", l->revoked);
    gl_pack_kv_int(&pk, "revoked_at", l->revoked_at);
    gl_pack_kv_int(&pk, "last_opened", l->last_opened);
    gl_pack_kv_int(&pk, "opens", l->opens);
    gl_pack_kv_int(&pk, "requested_at", l->requested_at);
    gl_pack_kv_int(&pk, "generation", l->generation);
    gl_pack_kv_str(&pk, "email", l->email);
    gl_pack_kv_int(&pk, "mailed_at", l->mailed_at);
    gl_pack_kv_int(&pk, "reminded_at", l->reminded_at);
    gl_pack_kv_str(&pk, "language", l->language);
}

int gl_link_decode(const MDB_val *v, msgpack_zone *z, struct gl_link *out)
{
    msgpack_object m;
    if (gl_record_unpack(v, z, &m)) return -1;
    memset(out, 0, sizeof *out);
    out->id = (uint64_t)gl_field_int(&m, "id", 0);
    const char *kind = gl_field_str(&m, "kind", z);
    int k = kind ? gl_link_kind_parse(kind) : -1;
    if (k < 0) return -1;
    out->kind = (enum gl_link_kind)k;
    out->profile = (uint64_t)gl_field_int(&m, "profile", 0);
    out->approver = gl_field_str(&m, "approver", z);
    out->posts = gl_field_intlist(&m, "posts", z, &out->nposts);
    out->pwhash = gl_field_str(&m, "pwhash", z);
    if (!field_hash(&m, "token_hash", out->token_hash)) return -1;
    out->created_by = gl_field_str(&m, "created_by", z);
    out->created_at = gl_field_int(&m, "created_at", 0);
    out->expires_at = gl_field_int(&m, "expires_at", 0);
    const msgpack_object *r = gl_map_get(&m, "revoked");
    out->revoked = r && r->type == MSGPACK_OBJECT_BOOLEAN && r->via.boolean;
    out->revoked_at = gl_field_int(&m, "revoked_at", 0);
    out->last_opened = gl_field_int(&m, "last_opened", 0);
    out->opens = gl_field_int(&m, "opens", 0);
    out->requested_at = gl_field_int(&m, "requested_at", 0);
    out->generation = (uint32_t)gl_field_int(&m, "generation", 0);
    out->email = gl_field_str(&m, "email", z);
    out->mailed_at = gl_field_int(&m, "mailed_at", 0);
    out->reminded_at = gl_field_int(&m, "reminded_at", 0);
    out->language = gl_field_str(&m, "language", z); /* absent before languages: none */
    if (!out->created_by) out->created_by = "";
    return out->id && out->profile ? 0 : -1;
}

void gl_link_pack(msgpack_packer *pk, const struct gl_link *l, int64_t now)
{
    msgpack_pack_map(pk, 17);
    gl_pack_kv_int(pk, "id", (int64_t)l->id);
    gl_pack_kv_str(pk, "kind", gl_link_kind_name(l->kind));
    gl_pack_kv_int(pk, "profile", (int64_t)l->profile);
    gl_pack_kv_str(pk, "approver", l->approver);
    gl_pack_key(pk, "posts");
    msgpack_pack_array(pk, l->nposts);
    for (size_t i = 0; i < l->nposts; i++) msgpack_pack_int64(pk, l->posts[i]);
    gl_pack_kv_str(pk, "status", gl_link_state_name(gl_link_state(l, now)));
    gl_pack_kv_bool(pk, "password", l->pwhash != NULL);
    gl_pack_kv_str(pk, "created_by", l->created_by);
    gl_pack_kv_int(pk, "created_at", l->created_at);
    pack_opt_time(pk, "expires_at", l->expires_at);
    pack_opt_time(pk, "last_opened", l->last_opened);
    gl_pack_kv_int(pk, "opens", l->opens);
    pack_opt_time(pk, "requested_at", l->requested_at);
    pack_opt_time(pk, "revoked_at", l->revoked_at);
    gl_pack_kv_str(pk, "email", l->email);
    pack_opt_time(pk, "reminded_at", l->reminded_at);
    gl_pack_kv_str(pk, "language", l->language);
}

void gl_link_save(struct gl_txn *t, const struct gl_link *l)
{
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    gl_link_encode(l, &sb);
    struct gl_key k;
    key_id(&k, l->id);
    gl_put(t, DB_LINKS, &k, sb.data, sb.size);
    msgpack_sbuffer_destroy(&sb);
    if (!l->revoked) {
        key_bytes(&k, l->token_hash, GL_HASH_BYTES);
        unsigned char id[8];
        for (int i = 0; i < 8; i++) id[i] = (unsigned char)(l->id >> (56 - 8 * i));
        gl_put(t, DB_LINKS_BY_TOKEN, &k, id, sizeof id);
    }
}

int gl_link_load(struct gl_txn *t, uint64_t id, msgpack_zone *z, struct gl_link *out)
{
    struct gl_key k;
    MDB_val v;
    key_id(&k, id);
    int rc = gl_get(t, DB_LINKS, &k, &v);
    if (rc) return rc;
    return gl_link_decode(&v, z, out) == 0 ? 0 : MDB_NOTFOUND;
}

int gl_link_by_token(struct gl_txn *t, const char *token, size_t n, msgpack_zone *z,
                     struct gl_link *out)
{
    if (n != GL_TOKEN_LEN) return MDB_NOTFOUND;
    unsigned char h[GL_HASH_BYTES];
    gl_token_hash(token, n, h);
    struct gl_key k;
    MDB_val v;
    key_bytes(&k, h, sizeof h);
    int rc = gl_get(t, DB_LINKS_BY_TOKEN, &k, &v);
    if (rc) return rc;
    uint64_t id = key_id_decode(v.mv_data, v.mv_size);
    rc = gl_link_load(t, id, z, out);
    if (rc) return rc;
    /* The index and the record agree, or the token is stale: never trust one alone. */
    if (out->revoked || sodium_memcmp(out->token_hash, h, GL_HASH_BYTES) != 0) return MDB_NOTFOUND;
    return 0;
}

/* ---- tokens and passwords ---- */

void gl_token_hash(const char *token, size_t n, unsigned char hash[GL_HASH_BYTES])
{
    crypto_generichash(hash, GL_HASH_BYTES, (const unsigned char *)token, n, NULL, 0);
}

void gl_token_new(char out[GL_TOKEN_LEN + 1], unsigned char hash[GL_HASH_BYTES])
{
    unsigned char raw[GL_TOKEN_BYTES];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(out, GL_TOKEN_LEN + 1, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
    gl_token_hash(out, GL_TOKEN_LEN, hash);
}

void gl_readable_password(char out[20])
{
    static const char alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";
    size_t o = 0;
    for (int g = 0; g < 4; g++) {
        if (g) out[o++] = '-';
        for (int i = 0; i < 4; i++) out[o++] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
    }
    out[o] = '\0';
}

/* ---- sessions ---- */

void gl_session_save(struct gl_txn *t, const unsigned char key_hash[GL_HASH_BYTES],
                     const struct gl_session *s)
{
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    gl_record_begin(&pk, 6);
    gl_pack_kv_int(&pk, "link", (int64_t)s->link);
    gl_pack_kv_str(&pk, "name", s->name);
    pack_hash(&pk, "token_hash", s->token_hash);
    gl_pack_kv_int(&pk, "created_at", s->created_at);
    gl_pack_kv_int(&pk, "expires_at", s->expires_at);
    struct gl_key k;
    key_bytes(&k, key_hash, GL_HASH_BYTES);
    gl_put(t, DB_SESSIONS, &k, sb.data, sb.size);
    msgpack_sbuffer_destroy(&sb);
}

int gl_session_load(struct gl_txn *t, const unsigned char key_hash[GL_HASH_BYTES],
                    msgpack_zone *z, struct gl_session *out)
{
    struct gl_key k;
    MDB_val v;
    key_bytes(&k, key_hash, GL_HASH_BYTES);
    int rc = gl_get(t, DB_SESSIONS, &k, &v);
    if (rc) return rc;
    msgpack_object m;
    if (gl_record_unpack(&v, z, &m)) return MDB_NOTFOUND;
    memset(out, 0, sizeof *out);
    out->link = (uint64_t)gl_field_int(&m, "link", 0);
    out->name = gl_field_str(&m, "name", z);
    if (!field_hash(&m, "token_hash", out->token_hash)) return MDB_NOTFOUND;
    out->created_at = gl_field_int(&m, "created_at", 0);
    out->expires_at = gl_field_int(&m, "expires_at", 0);
    if (!out->name) out->name = "";
    return 0;
}

/* ---- what a visitor saw ---- */

void gl_seen_save(struct gl_txn *t, uint64_t link, const char *name, const struct gl_post *p,
                  int64_t now)
{
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    gl_record_begin(&pk, 7);
    gl_pack_kv_int(&pk, "revision", p->revision);
    gl_pack_kv_str(&pk, "caption", p->caption);
    gl_pack_key(&pk, "platforms");
    msgpack_pack_array(&pk, p->nplatforms);
    for (size_t i = 0; i < p->nplatforms; i++) gl_pack_str(&pk, p->platforms[i]);
    gl_pack_key(&pk, "media");
    msgpack_pack_array(&pk, p->nmedia);
    for (size_t i = 0; i < p->nmedia; i++) msgpack_pack_int64(&pk, p->media[i]);
    gl_pack_kv_int(&pk, "scheduled_at", p->scheduled_at);
    gl_pack_kv_int(&pk, "at", now);
    struct gl_key k;
    key_link_seen(&k, link, p->id, name);
    gl_put(t, DB_LINK_SEEN, &k, sb.data, sb.size);
    msgpack_sbuffer_destroy(&sb);
}

int gl_seen_load(struct gl_txn *t, uint64_t link, uint64_t post, const char *name,
                 msgpack_zone *z, struct gl_seen *out)
{
    struct gl_key k;
    MDB_val v;
    key_link_seen(&k, link, post, name);
    int rc = gl_get(t, DB_LINK_SEEN, &k, &v);
    if (rc) return rc;
    msgpack_object m;
    if (gl_record_unpack(&v, z, &m)) return MDB_NOTFOUND;
    memset(out, 0, sizeof *out);
    out->revision = (uint32_t)gl_field_int(&m, "revision", 0);
    out->caption = gl_field_str(&m, "caption", z);
    out->platforms = gl_field_strlist(&m, "platforms", z, &out->nplatforms);
    out->media = gl_field_intlist(&m, "media", z, &out->nmedia);
    out->scheduled_at = gl_field_int(&m, "scheduled_at", 0);
    out->at = gl_field_int(&m, "at", 0);
    if (!out->caption) out->caption = "";
    return 0;
}

bool gl_seen_differs(const struct gl_seen *s, const struct gl_post *p)
{
    if (s->scheduled_at != p->scheduled_at || strcmp(s->caption, p->caption) != 0 ||
        s->nplatforms != p->nplatforms || s->nmedia != p->nmedia)
        return true;
    for (size_t i = 0; i < s->nplatforms; i++)
        if (strcmp(s->platforms[i], p->platforms[i]) != 0) return true;
    for (size_t i = 0; i < s->nmedia; i++)
        if (s->media[i] != p->media[i]) return true;
    return false;
}
