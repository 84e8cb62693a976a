/* The stored records' encoders and decoders (records.c): round trips, and damaged bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "links.h"
#include "records.h"
#include "store.h"
#include "storekeys.h"

static MDB_val val(const msgpack_sbuffer *sb)
{
    return (MDB_val){sb->size, sb->data};
}

static void test_history_round_trip(void **state)
{
    (void)state;
    struct gl_history h = {.seq = 7, .type = "approved", .at = 1764000000, .actor = "maria",
                           .actor_kind = "external", .link = 3, .address = "192.0.2.1",
                           .note = "fine", .revision = 2, .step = 1, .from = "awaiting_approval",
                           .to = "approved", .scheduled_at = 1764100000};
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    gl_history_encode(&h, &sb);
    msgpack_zone z;
    msgpack_zone_init(&z, 1024);
    struct gl_history out;
    MDB_val v = val(&sb);
    assert_int_equal(gl_history_decode(&v, &z, &out), 0);
    assert_int_equal(out.seq, 7);
    assert_string_equal(out.type, "approved");
    assert_int_equal(out.at, 1764000000);
    assert_string_equal(out.actor, "maria");
    assert_string_equal(out.actor_kind, "external");
    assert_int_equal(out.link, 3);
    assert_string_equal(out.address, "192.0.2.1");
    assert_string_equal(out.note, "fine");
    assert_int_equal(out.revision, 2);
    assert_int_equal(out.step, 1);
    assert_string_equal(out.from, "awaiting_approval");
    assert_string_equal(out.to, "approved");
    assert_int_equal(out.scheduled_at, 1764100000);
    /* The bytes are those written by hand before the field list (2026-12-01). */
    msgpack_sbuffer old;
    msgpack_sbuffer_init(&old);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &old, msgpack_sbuffer_write);
    gl_record_begin(&pk, 14);
    gl_pack_kv_int(&pk, "seq", h.seq);
    gl_pack_kv_str(&pk, "type", h.type);
    gl_pack_kv_int(&pk, "at", h.at);
    gl_pack_kv_str(&pk, "actor", h.actor);
    gl_pack_kv_str(&pk, "actor_kind", h.actor_kind);
    gl_pack_kv_id(&pk, "link", h.link);
    gl_pack_kv_str(&pk, "address", h.address);
    gl_pack_kv_str(&pk, "note", h.note);
    gl_pack_kv_int(&pk, "revision", h.revision);
    gl_pack_key(&pk, "step");
    msgpack_pack_uint32(&pk, h.step);
    gl_pack_kv_str(&pk, "from", h.from);
    gl_pack_kv_str(&pk, "to", h.to);
    gl_pack_kv_int(&pk, "scheduled_at", h.scheduled_at);
    assert_int_equal(old.size, sb.size);
    assert_memory_equal(old.data, sb.data, sb.size);
    msgpack_sbuffer_destroy(&old);
    /* The absent ones come back absent. */
    msgpack_sbuffer_clear(&sb);
    gl_history_encode(&(struct gl_history){.seq = 1, .type = "created",
                                           .scheduled_at = GL_TIME_NONE},
                      &sb);
    v = val(&sb);
    assert_int_equal(gl_history_decode(&v, &z, &out), 0);
    assert_null(out.note);
    assert_null(out.address);
    assert_int_equal(out.link, 0);
    assert_int_equal(out.step, 0);
    assert_int_equal(out.scheduled_at, GL_TIME_NONE);
    msgpack_zone_destroy(&z);
    msgpack_sbuffer_destroy(&sb);
}

static void test_comment_round_trip(void **state)
{
    (void)state;
    struct gl_comment c = {.id = 4, .author = "ana", .author_kind = "staff", .link = 0,
                           .text = "@maria look", .shared = true, .at = 99};
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    gl_comment_encode(&c, &sb);
    msgpack_zone z;
    msgpack_zone_init(&z, 1024);
    struct gl_comment out;
    MDB_val v = val(&sb);
    assert_int_equal(gl_comment_decode(&v, &z, &out), 0);
    assert_int_equal(out.id, 4);
    assert_string_equal(out.author, "ana");
    assert_string_equal(out.author_kind, "staff");
    assert_int_equal(out.link, 0);
    assert_string_equal(out.text, "@maria look");
    assert_true(out.shared);
    assert_int_equal(out.at, 99);
    msgpack_zone_destroy(&z);
    msgpack_sbuffer_destroy(&sb);
}

/* ---- links, sessions, what a visitor saw, notifications ---- */

static void put_hash(msgpack_packer *pk, const char *key, const unsigned char *h)
{
    gl_pack_key(pk, key);
    msgpack_pack_bin(pk, GL_HASH_BYTES);
    msgpack_pack_bin_body(pk, h, GL_HASH_BYTES);
}

/* The link record as links.c wrote it by hand before the field list (2026-12-01), with the
 * three mail fields or without them (as records made before those were appended). */
static void old_link_record(const struct gl_link *l, bool mail_fields, msgpack_sbuffer *sb)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
    gl_record_begin(&pk, mail_fields ? 23 : 17);
    gl_pack_kv_int(&pk, "id", (int64_t)l->id);
    gl_pack_kv_str(&pk, "kind", gl_link_kind_name(l->kind));
    gl_pack_kv_int(&pk, "profile", (int64_t)l->profile);
    gl_pack_kv_str(&pk, "approver", l->approver);
    gl_pack_key(&pk, "posts");
    msgpack_pack_array(&pk, l->nposts);
    for (size_t i = 0; i < l->nposts; i++) msgpack_pack_int64(&pk, l->posts[i]);
    gl_pack_kv_str(&pk, "pwhash", l->pwhash);
    put_hash(&pk, "token_hash", l->token_hash);
    gl_pack_kv_str(&pk, "created_by", l->created_by);
    gl_pack_kv_int(&pk, "created_at", l->created_at);
    gl_pack_kv_int(&pk, "expires_at", l->expires_at);
    gl_pack_kv_bool(&pk, "revoked", l->revoked);
    gl_pack_kv_int(&pk, "revoked_at", l->revoked_at);
    gl_pack_kv_int(&pk, "last_opened", l->last_opened);
    gl_pack_kv_int(&pk, "opens", l->opens);
    gl_pack_kv_int(&pk, "requested_at", l->requested_at);
    gl_pack_kv_int(&pk, "generation", l->generation);
    if (!mail_fields) return;
    gl_pack_kv_str(&pk, "email", l->email);
    gl_pack_kv_int(&pk, "mailed_at", l->mailed_at);
    gl_pack_kv_int(&pk, "reminded_at", l->reminded_at);
    gl_pack_kv_str(&pk, "language", l->language); /* links.c wrote it by hand too */
    gl_pack_key(&pk, "old_tokens");
    msgpack_pack_array(&pk, 0);
    gl_pack_kv_int(&pk, "replaced_at", l->replaced_at);
}

static int64_t link_posts[] = {4, 9, 12};

static struct gl_link sample_link(void)
{
    struct gl_link l = {.id = 5, .kind = LINK_APPROVAL, .profile = 2, .approver = "Maria",
                        .posts = link_posts, .nposts = 3, .pwhash = "$argon2id$x",
                        .created_by = "ana", .created_at = 1764000000, .expires_at = 1766592000,
                        .revoked = true, .revoked_at = 1764000100, .last_opened = 1764000050,
                        .opens = 7, .requested_at = 1764000060, .generation = 3,
                        .email = "maria@example.com", .mailed_at = 1764000001,
                        .reminded_at = 1764000200, .language = "fr"};
    for (int i = 0; i < GL_HASH_BYTES; i++) l.token_hash[i] = (unsigned char)(i * 7 + 1);
    return l;
}

static void test_link_round_trip(void **state)
{
    (void)state;
    struct gl_link l = sample_link(), out;
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    gl_link_encode(&l, &sb);
    msgpack_zone z;
    msgpack_zone_init(&z, 1024);
    MDB_val v = val(&sb);
    assert_int_equal(gl_link_decode(&v, &z, &out), 0);
    assert_int_equal(out.id, 5);
    assert_int_equal(out.kind, LINK_APPROVAL);
    assert_int_equal(out.profile, 2);
    assert_string_equal(out.approver, "Maria");
    assert_int_equal(out.nposts, 3);
    assert_memory_equal(out.posts, link_posts, sizeof link_posts);
    assert_string_equal(out.pwhash, "$argon2id$x");
    assert_memory_equal(out.token_hash, l.token_hash, GL_HASH_BYTES);
    assert_string_equal(out.created_by, "ana");
    assert_int_equal(out.created_at, 1764000000);
    assert_int_equal(out.expires_at, 1766592000);
    assert_true(out.revoked);
    assert_int_equal(out.revoked_at, 1764000100);
    assert_int_equal(out.last_opened, 1764000050);
    assert_int_equal(out.opens, 7);
    assert_int_equal(out.requested_at, 1764000060);
    assert_int_equal(out.generation, 3);
    assert_string_equal(out.email, "maria@example.com");
    assert_int_equal(out.mailed_at, 1764000001);
    assert_int_equal(out.reminded_at, 1764000200);
    assert_string_equal(out.language, "fr");
    /* The stored bytes are those links.c wrote by hand: no migration for the move. */
    msgpack_sbuffer old;
    msgpack_sbuffer_init(&old);
    old_link_record(&l, true, &old);
    assert_int_equal(old.size, sb.size);
    assert_memory_equal(old.data, sb.data, sb.size);
    msgpack_sbuffer_destroy(&old);
    msgpack_zone_destroy(&z);
    msgpack_sbuffer_destroy(&sb);
}

/* A link stored before the mail fields were appended reads them as none. */
static void test_old_link_decodes(void **state)
{
    (void)state;
    struct gl_link l = sample_link(), out;
    l.approver = NULL;
    l.pwhash = NULL;
    l.nposts = 0;
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    old_link_record(&l, false, &sb);
    msgpack_zone z;
    msgpack_zone_init(&z, 1024);
    MDB_val v = val(&sb);
    assert_int_equal(gl_link_decode(&v, &z, &out), 0);
    assert_int_equal(out.id, 5);
    assert_null(out.approver);
    assert_null(out.pwhash);
    assert_int_equal(out.nposts, 0);
    assert_int_equal(out.generation, 3);
    assert_null(out.email);
    assert_int_equal(out.mailed_at, 0);
    assert_int_equal(out.reminded_at, 0);
    msgpack_zone_destroy(&z);
    msgpack_sbuffer_destroy(&sb);
}

/* A link of an unknown kind, without its token hash, or without id or profile, is refused. */
static void test_damaged_link_is_refused(void **state)
{
    (void)state;
    msgpack_zone z;
    msgpack_zone_init(&z, 1024);
    struct gl_link out;
    for (int c = 0; c < 3; c++) {
        msgpack_sbuffer sb;
        msgpack_sbuffer_init(&sb);
        msgpack_packer pk;
        msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
        struct gl_link l = sample_link();
        gl_record_begin(&pk, 5);
        gl_pack_kv_int(&pk, "id", c == 2 ? 0 : 5);
        gl_pack_kv_str(&pk, "kind", c == 0 ? "party" : "calendar");
        gl_pack_kv_int(&pk, "profile", 2);
        if (c == 1)
            gl_pack_kv_str(&pk, "token_hash", "short");
        else
            put_hash(&pk, "token_hash", l.token_hash);
        MDB_val v = val(&sb);
        assert_int_equal(gl_link_decode(&v, &z, &out), -1);
        msgpack_sbuffer_destroy(&sb);
    }
    msgpack_zone_destroy(&z);
}

static void test_session_round_trip(void **state)
{
    (void)state;
    struct gl_session s = {.link = 8, .name = "Maria", .created_at = 10, .expires_at = 20}, out;
    memset(s.token_hash, 0xab, GL_HASH_BYTES);
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    gl_session_encode(&s, &sb);
    msgpack_zone z;
    msgpack_zone_init(&z, 1024);
    MDB_val v = val(&sb);
    assert_int_equal(gl_session_decode(&v, &z, &out), 0);
    assert_int_equal(out.link, 8);
    assert_string_equal(out.name, "Maria");
    assert_memory_equal(out.token_hash, s.token_hash, GL_HASH_BYTES);
    assert_int_equal(out.created_at, 10);
    assert_int_equal(out.expires_at, 20);
    /* No name reads as ""; no token hash does not decode. */
    msgpack_sbuffer_clear(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    gl_record_begin(&pk, 3);
    gl_pack_kv_int(&pk, "link", 8);
    put_hash(&pk, "token_hash", s.token_hash);
    v = val(&sb);
    assert_int_equal(gl_session_decode(&v, &z, &out), 0);
    assert_string_equal(out.name, "");
    assert_int_equal(out.expires_at, 0);
    msgpack_sbuffer_clear(&sb);
    gl_record_begin(&pk, 2);
    gl_pack_kv_str(&pk, "name", "Maria");
    v = val(&sb);
    assert_int_equal(gl_session_decode(&v, &z, &out), -1);
    msgpack_zone_destroy(&z);
    msgpack_sbuffer_destroy(&sb);
}

static void test_seen_round_trip(void **state)
{
    (void)state;
    const char *platforms[] = {"instagram", "mastodon"};
    int64_t media[] = {3};
    struct gl_seen s = {.revision = 2, .caption = "Hello", .platforms = platforms,
                        .nplatforms = 2, .media = media, .nmedia = 1,
                        .scheduled_at = GL_TIME_NONE, .at = 77},
                   out;
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    gl_seen_encode(&s, &sb);
    msgpack_zone z;
    msgpack_zone_init(&z, 1024);
    MDB_val v = val(&sb);
    assert_int_equal(gl_seen_decode(&v, &z, &out), 0);
    assert_int_equal(out.revision, 2);
    assert_string_equal(out.caption, "Hello");
    assert_int_equal(out.nplatforms, 2);
    assert_string_equal(out.platforms[1], "mastodon");
    assert_int_equal(out.nmedia, 1);
    assert_int_equal(out.media[0], 3);
    assert_int_equal(out.scheduled_at, GL_TIME_NONE);
    assert_int_equal(out.at, 77);
    /* An empty record: no caption reads as "", no lists as empty ones. */
    msgpack_sbuffer_clear(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    gl_record_begin(&pk, 1);
    v = val(&sb);
    assert_int_equal(gl_seen_decode(&v, &z, &out), 0);
    assert_string_equal(out.caption, "");
    assert_int_equal(out.nplatforms, 0);
    assert_int_equal(out.nmedia, 0);
    msgpack_zone_destroy(&z);
    msgpack_sbuffer_destroy(&sb);
}

static void test_notification_round_trip_and_wire_form(void **state)
{
    (void)state;
    struct gl_notification n = {.id = 3, .type = "post.approved", .post = 12, .link = 0,
                                .actor = "maria", .text = "approved post 12", .at = 55,
                                .read = false, .mailed = true},
                           out;
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    gl_notification_encode(&n, &sb);
    msgpack_zone z;
    msgpack_zone_init(&z, 1024);
    MDB_val v = val(&sb);
    assert_int_equal(gl_notification_decode(&v, &z, &out), 0);
    assert_int_equal(out.id, 3);
    assert_string_equal(out.type, "post.approved");
    assert_int_equal(out.post, 12);
    assert_int_equal(out.link, 0);
    assert_string_equal(out.actor, "maria");
    assert_string_equal(out.text, "approved post 12");
    assert_int_equal(out.at, 55);
    assert_false(out.read);
    assert_true(out.mailed);
    /* The wire form is the stored map without "v" and mailed, in the same order. */
    msgpack_object stored, wire;
    assert_int_equal(gl_record_unpack(&v, &z, &stored), 0);
    assert_int_equal(stored.via.map.size, 10);
    assert_int_equal(gl_map_get(&stored, "link")->type, MSGPACK_OBJECT_NIL); /* 0: none */
    msgpack_sbuffer w;
    msgpack_sbuffer_init(&w);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &w, msgpack_sbuffer_write);
    gl_notification_pack(&pk, &out);
    MDB_val wv = val(&w);
    assert_int_equal(gl_record_unpack(&wv, &z, &wire), 0);
    assert_int_equal(wire.via.map.size, 8);
    assert_null(gl_map_get(&wire, "mailed"));
    assert_null(gl_map_get(&wire, "v"));
    for (uint32_t i = 0; i < wire.via.map.size; i++) {
        const msgpack_object_kv *a = &wire.via.map.ptr[i], *b = &stored.via.map.ptr[i + 1];
        assert_int_equal(a->key.via.str.size, b->key.via.str.size);
        assert_memory_equal(a->key.via.str.ptr, b->key.via.str.ptr, a->key.via.str.size);
        assert_int_equal(a->val.type, b->val.type);
    }
    msgpack_sbuffer_destroy(&w);
    msgpack_zone_destroy(&z);
    msgpack_sbuffer_destroy(&sb);
}

/* The walk over the sessions in a real store: kept, dropped (under the cursor), a damaged
 * record handed over as NULL, and a stop. */
static enum gl_each drop_expired(const struct gl_session *s, void *ctx)
{
    unsigned *seen = ctx;
    (*seen)++;
    return s && s->expires_at > 100 ? GL_EACH_KEEP : GL_EACH_DROP;
}

static enum gl_each stop_at_once(const struct gl_session *s, void *ctx)
{
    (void)s;
    (*(unsigned *)ctx)++;
    return GL_EACH_STOP;
}

static void test_sessions_each_drops_what_it_is_told(void **state)
{
    (void)state;
    char dir[] = "/tmp/gl-test-records-XXXXXX";
    assert_non_null(mkdtemp(dir));
    struct gl_store st;
    struct gl_err err = {0};
    assert_int_equal(gl_store_open(&st, dir, &err), 0);
    MDB_txn *txn;
    assert_int_equal(mdb_txn_begin(st.env, NULL, 0, &txn), 0);
    struct gl_txn t = {.store = &st, .txn = txn};
    unsigned char key[GL_HASH_BYTES];
    for (int i = 0; i < 4; i++) {
        memset(key, i + 1, sizeof key);
        struct gl_session s = {.link = 1, .name = "v", .expires_at = i % 2 ? 200 : 50};
        gl_session_save(&t, key, &s);
    }
    memset(key, 9, sizeof key);
    struct gl_key k;
    key_bytes(&k, key, sizeof key);
    gl_put(&t, DB_SESSIONS, &k, "\x93\x01\x02\x03", 4); /* not a record */
    msgpack_zone z;
    msgpack_zone_init(&z, 1024);
    unsigned visited = 0;
    assert_int_equal(gl_sessions_each(&t, &z, stop_at_once, &visited), 0);
    assert_int_equal(visited, 1);
    visited = 0;
    assert_int_equal(gl_sessions_each(&t, &z, drop_expired, &visited), 3);
    assert_int_equal(visited, 5);
    assert_int_equal(t.rc, 0);
    visited = 0;
    assert_int_equal(gl_sessions_each(&t, &z, drop_expired, &visited), 0);
    assert_int_equal(visited, 2); /* the two that expire at 200 */
    struct gl_session out;
    memset(key, 2, sizeof key);
    assert_int_equal(gl_session_load(&t, key, &z, &out), 0);
    memset(key, 1, sizeof key);
    assert_int_equal(gl_session_load(&t, key, &z, &out), MDB_NOTFOUND);
    msgpack_zone_destroy(&z);
    mdb_txn_abort(txn);
    gl_store_close(&st);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* The wire forms of history and comments (post.history, post.get) are the stored fields
 * without "v", byte for byte: a fixmap header, then "v" and its value (3 bytes) when stored. */
static void assert_stored_minus_v(const msgpack_sbuffer *stored, const msgpack_sbuffer *wire)
{
    assert_int_equal(stored->size, wire->size + 3);
    assert_int_equal((unsigned char)stored->data[0], (unsigned char)wire->data[0] + 1);
    assert_memory_equal(stored->data + 4, wire->data + 1, wire->size - 1);
}

static void test_wire_forms_are_the_stored_fields(void **state)
{
    (void)state;
    struct gl_history h = {.seq = 2, .type = "rescheduled", .at = 5, .actor = "Claire",
                           .actor_kind = "external", .link = 4, .revision = 1,
                           .scheduled_at = GL_TIME_NONE};
    struct gl_comment c = {.id = 1, .author = "ana", .author_kind = "staff", .text = "hi",
                           .at = 9};
    msgpack_sbuffer stored, wire;
    msgpack_sbuffer_init(&stored);
    msgpack_sbuffer_init(&wire);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &wire, msgpack_sbuffer_write);
    gl_history_encode(&h, &stored);
    gl_history_pack(&pk, &h);
    assert_stored_minus_v(&stored, &wire);
    msgpack_sbuffer_clear(&stored);
    msgpack_sbuffer_clear(&wire);
    gl_comment_encode(&c, &stored);
    gl_comment_pack(&pk, &c);
    assert_stored_minus_v(&stored, &wire);
    msgpack_sbuffer_destroy(&stored);
    msgpack_sbuffer_destroy(&wire);
}

/* Every record starts with its schema version. */
static void test_records_carry_the_version(void **state)
{
    (void)state;
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    gl_comment_encode(&(struct gl_comment){.id = 1}, &sb);
    msgpack_zone z;
    msgpack_zone_init(&z, 1024);
    msgpack_object m;
    MDB_val v = val(&sb);
    assert_int_equal(gl_record_unpack(&v, &z, &m), 0);
    assert_int_equal(m.via.map.size, 8);
    assert_int_equal(gl_field_int(&m, "v", -1), GL_SCHEMA_VERSION);
    assert_true(m.via.map.ptr[0].key.type == MSGPACK_OBJECT_STR &&
                m.via.map.ptr[0].key.via.str.size == 1 && m.via.map.ptr[0].key.via.str.ptr[0] == 'v');
    msgpack_zone_destroy(&z);
    msgpack_sbuffer_destroy(&sb);
}

static void test_damaged_bytes_are_refused(void **state)
{
    (void)state;
    msgpack_zone z;
    msgpack_zone_init(&z, 1024);
    struct gl_history h;
    struct gl_comment c;
    struct gl_post p;
    struct gl_user u;
    struct gl_link l;
    struct gl_session s;
    struct gl_seen seen;
    struct gl_notification n;
    static const unsigned char not_a_map[] = {0x93, 0x01, 0x02, 0x03}; /* [1, 2, 3] */
    static const unsigned char truncated[] = {0x82, 0xa1, 0x76};         /* {"v": */
    MDB_val bad[] = {{sizeof not_a_map, (void *)not_a_map},
                     {sizeof truncated, (void *)truncated},
                     {0, (void *)""}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(gl_history_decode(&bad[i], &z, &h), -1);
        assert_int_equal(gl_comment_decode(&bad[i], &z, &c), -1);
        assert_int_equal(gl_post_decode(&bad[i], &z, &p), -1);
        assert_int_equal(gl_user_decode(&bad[i], &z, &u), -1);
        assert_int_equal(gl_link_decode(&bad[i], &z, &l), -1);
        assert_int_equal(gl_session_decode(&bad[i], &z, &s), -1);
        assert_int_equal(gl_seen_decode(&bad[i], &z, &seen), -1);
        assert_int_equal(gl_notification_decode(&bad[i], &z, &n), -1);
    }
    msgpack_zone_destroy(&z);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_history_round_trip),
        cmocka_unit_test(test_comment_round_trip),
        cmocka_unit_test(test_link_round_trip),
        cmocka_unit_test(test_old_link_decodes),
        cmocka_unit_test(test_damaged_link_is_refused),
        cmocka_unit_test(test_session_round_trip),
        cmocka_unit_test(test_seen_round_trip),
        cmocka_unit_test(test_notification_round_trip_and_wire_form),
        cmocka_unit_test(test_sessions_each_drops_what_it_is_told),
        cmocka_unit_test(test_wire_forms_are_the_stored_fields),
        cmocka_unit_test(test_records_carry_the_version),
        cmocka_unit_test(test_damaged_bytes_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
