/* Links, sessions and what a visitor saw, in the store (see links.h; their records: records.c). */
#include "links.h"

#include <sodium.h>
#include <string.h>

#include "storekeys.h"
#include "rpc.h"

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

static void pack_opt_time(msgpack_packer *pk, const char *key, int64_t t)
{
    gl_pack_key(pk, key);
    if (t)
        msgpack_pack_int64(pk, t);
    else
        msgpack_pack_nil(pk);
}

/* ---- links ---- */

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
    struct gl_key k;
    key_id(&k, l->id);
    gl_link_put(t, &k, l);
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
    key_id(&k, id);
    return gl_link_get(t, &k, z, out);
}

/* The link the token index names for token (h gets the token's hash), whatever the record
 * says of that token now: the callers compare. */
static int link_by_token_index(struct gl_txn *t, const char *token, size_t n, msgpack_zone *z,
                               struct gl_link *out, unsigned char h[GL_HASH_BYTES])
{
    if (n != GL_TOKEN_LEN) return MDB_NOTFOUND;
    gl_token_hash(token, n, h);
    struct gl_key k;
    MDB_val v;
    key_bytes(&k, h, GL_HASH_BYTES);
    int rc = gl_get(t, DB_LINKS_BY_TOKEN, &k, &v);
    if (rc) return rc;
    return gl_link_load(t, key_id_decode(v.mv_data, v.mv_size), z, out);
}

int gl_link_by_token(struct gl_txn *t, const char *token, size_t n, msgpack_zone *z,
                     struct gl_link *out)
{
    unsigned char h[GL_HASH_BYTES];
    int rc = link_by_token_index(t, token, n, z, out, h);
    if (rc) return rc;
    /* The index and the record agree, or the token is stale: never trust one alone. */
    if (out->revoked || sodium_memcmp(out->token_hash, h, GL_HASH_BYTES) != 0) return MDB_NOTFOUND;
    return 0;
}

bool gl_link_is_old_token(const struct gl_link *l, const unsigned char hash[GL_HASH_BYTES])
{
    bool found = false; /* every one compared: the time says nothing of which */
    for (size_t i = 0; i < l->nold_tokens; i++)
        found |= sodium_memcmp(l->old_tokens[i], hash, GL_HASH_BYTES) == 0;
    return found;
}

int gl_link_by_dead_token(struct gl_txn *t, const char *token, size_t n, msgpack_zone *z,
                          struct gl_link *out, enum gl_link_dead *why)
{
    *why = LINK_DEAD_NONE;
    unsigned char h[GL_HASH_BYTES];
    int rc = link_by_token_index(t, token, n, z, out, h);
    if (rc) return rc;
    bool current = sodium_memcmp(out->token_hash, h, GL_HASH_BYTES) == 0;
    if (out->revoked && (current || gl_link_is_old_token(out, h)))
        *why = LINK_DEAD_REVOKED;
    else if (!current && gl_link_is_old_token(out, h))
        *why = LINK_DEAD_REPLACED;
    return *why == LINK_DEAD_NONE ? MDB_NOTFOUND : 0;
}

void gl_link_retire_token(struct gl_txn *t, struct gl_link *l, msgpack_zone *z, int64_t now)
{
    unsigned char(*keep)[GL_HASH_BYTES] =
        msgpack_zone_malloc(z, GL_LINK_OLD_TOKENS * sizeof *keep);
    size_t n = l->nold_tokens;
    if (n) memcpy(keep, l->old_tokens, n * sizeof *keep);
    if (n == GL_LINK_OLD_TOKENS) {
        struct gl_key k;
        key_bytes(&k, keep[0], GL_HASH_BYTES);
        gl_del(t, DB_LINKS_BY_TOKEN, &k);
        memmove(keep, keep + 1, --n * sizeof *keep);
    }
    memcpy(keep[n++], l->token_hash, GL_HASH_BYTES);
    l->old_tokens = keep;
    l->nold_tokens = n;
    l->replaced_at = now;
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
    struct gl_key k;
    key_bytes(&k, key_hash, GL_HASH_BYTES);
    gl_session_put(t, &k, s);
}

int gl_session_load(struct gl_txn *t, const unsigned char key_hash[GL_HASH_BYTES],
                    msgpack_zone *z, struct gl_session *out)
{
    struct gl_key k;
    key_bytes(&k, key_hash, GL_HASH_BYTES);
    return gl_session_get(t, &k, z, out);
}

/* ---- what a visitor saw ---- */

void gl_seen_save(struct gl_txn *t, uint64_t link, const char *name, const struct gl_post *p,
                  int64_t now)
{
    struct gl_seen s = {.revision = p->revision, .caption = p->caption,
                        .platforms = p->platforms, .nplatforms = p->nplatforms,
                        .media = p->media, .nmedia = p->nmedia,
                        .scheduled_at = p->scheduled_at, .at = now};
    struct gl_key k;
    key_link_seen(&k, link, p->id, name);
    gl_seen_put(t, &k, &s);
}

int gl_seen_load(struct gl_txn *t, uint64_t link, uint64_t post, const char *name,
                 msgpack_zone *z, struct gl_seen *out)
{
    struct gl_key k;
    key_link_seen(&k, link, post, name);
    return gl_seen_get(t, &k, z, out);
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
