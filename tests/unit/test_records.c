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
#include "util.h"

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

/* post.list copies a stored post's tail: it must be, byte for byte, what gl_post_pack sends. */
static void test_stored_post_holds_its_wire_form(void **state)
{
    (void)state;
    const char *platforms[] = {"mastodon", "bluesky"};
    int64_t media[] = {4, 9};
    struct gl_approval ap = {.step = 1, .approved = true, .by = "maria", .link = 3, .at = 1764000000,
                             .revision = 2};
    struct gl_post p = {.id = 42, .profile = 7, .caption = "Caf\xc3\xa9 opens", .platforms = platforms,
                        .nplatforms = 2, .scheduled_at = 1764100000, .notes = "", .media = media,
                        .nmedia = 2, .status = ST_APPROVED, .revision = 2, .rev_open = true,
                        .creator = "admin", .created_at = 1763000000, .updated_at = 1763500000,
                        .comment_count = 300, .approvals = &ap, .napprovals = 1, .reminded = true};
    msgpack_sbuffer stored, wire;
    msgpack_sbuffer_init(&stored);
    msgpack_sbuffer_init(&wire);
    gl_post_encode(&p, &stored);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &wire, msgpack_sbuffer_write);
    gl_post_pack(&pk, &p, 0);
    MDB_val v = val(&stored), fields;
    assert_true(gl_post_wire_fields(&v, &fields));
    msgpack_sbuffer copied;
    msgpack_sbuffer_init(&copied);
    msgpack_packer_init(&pk, &copied, msgpack_sbuffer_write);
    gl_post_pack_wire_fields(&pk, &fields);
    assert_int_equal(copied.size, wire.size);
    assert_memory_equal(copied.data, wire.data, wire.size);
    /* Unscheduled: scheduled_at is nil in both. */
    p.scheduled_at = GL_TIME_NONE;
    stored.size = wire.size = copied.size = 0;
    gl_post_encode(&p, &stored);
    msgpack_packer_init(&pk, &wire, msgpack_sbuffer_write);
    gl_post_pack(&pk, &p, 0);
    v = val(&stored);
    assert_true(gl_post_wire_fields(&v, &fields));
    msgpack_packer_init(&pk, &copied, msgpack_sbuffer_write);
    gl_post_pack_wire_fields(&pk, &fields);
    assert_int_equal(copied.size, wire.size);
    assert_memory_equal(copied.data, wire.data, wire.size);
    /* Cut short or of an older form (no "wire" pair): decoded instead, never copied. */
    v.mv_size--;
    assert_false(gl_post_wire_fields(&v, &fields));
    static const unsigned char older[] = {0x83, 0xa1, 'v', 0x03, 0xa2, 'i', 'd', 0x01,
                                          0xa7, 'p', 'r', 'o', 'f', 'i', 'l', 'e', 0x01};
    MDB_val old = {sizeof older, (void *)older};
    assert_false(gl_post_wire_fields(&old, &fields));
    msgpack_sbuffer_destroy(&stored);
    msgpack_sbuffer_destroy(&wire);
    msgpack_sbuffer_destroy(&copied);
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
    struct gl_webhook w;
    struct gl_delivery d;
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
        assert_int_equal(gl_webhook_decode(&bad[i], &z, &w), -1);
        assert_int_equal(gl_delivery_decode(&bad[i], &z, &d), -1);
    }
    msgpack_zone_destroy(&z);
}

/* The webhook endpoint and delivery records as webhook.c wrote them by hand before the field
 * lists (2026-12-02): the stored bytes must not change (no migration for the move). */
static void old_webhook_record(const struct gl_webhook *w, msgpack_sbuffer *sb)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
    gl_record_begin(&pk, 13);
    gl_pack_kv_int(&pk, "id", (int64_t)w->id);
    gl_pack_kv_str(&pk, "url", w->url);
    gl_pack_key(&pk, "events");
    unsigned n = 0;
    for (int e = 0; e < EV_COUNT; e++)
        n += (w->events >> e) & 1;
    msgpack_pack_array(&pk, n);
    for (int e = 0; e < EV_COUNT; e++)
        if (w->events & (1u << e)) gl_pack_str(&pk, gl_event_type_name((enum gl_event_type)e));
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

static void old_delivery_record(const struct gl_delivery *d, msgpack_sbuffer *sb)
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

static void assert_same_bytes(const msgpack_sbuffer *a, const msgpack_sbuffer *b)
{
    assert_int_equal(a->size, b->size);
    assert_memory_equal(a->data, b->data, a->size);
}

static void test_webhook_round_trip(void **state)
{
    (void)state;
    struct gl_webhook w = {.id = 4,
                           .url = "https://hooks.example.com/x?token=t",
                           .events = (1u << EV_POST_APPROVED) | (1u << EV_LINK_OPENED),
                           .paused = true,
                           .failures = 6,
                           .failing_since = 1764000000123,
                           .created_at = 1764000000,
                           .created_by = "ana",
                           .last_at = 1764000100456,
                           .last_code = 503,
                           .last_error = "HTTP 503"},
                      out;
    for (size_t i = 0; i < GL_WEBHOOK_SECRET_BYTES; i++)
        w.secret[i] = (unsigned char)(i * 7 + 1);
    for (int with_none = 0; with_none < 2; with_none++) {
        if (with_none) { /* a new endpoint: never tried, no error */
            w.paused = false;
            w.failures = 0;
            w.failing_since = w.last_at = w.last_code = 0;
            w.last_error = NULL;
        }
        msgpack_sbuffer sb, old;
        msgpack_sbuffer_init(&sb);
        msgpack_sbuffer_init(&old);
        gl_webhook_encode(&w, &sb);
        old_webhook_record(&w, &old);
        assert_same_bytes(&old, &sb);
        msgpack_zone z;
        msgpack_zone_init(&z, 1024);
        MDB_val v = val(&sb);
        assert_int_equal(gl_webhook_decode(&v, &z, &out), 0);
        assert_int_equal(out.id, w.id);
        assert_string_equal(out.url, w.url);
        assert_int_equal(out.events, w.events);
        assert_memory_equal(out.secret, w.secret, GL_WEBHOOK_SECRET_BYTES);
        assert_int_equal(out.paused, w.paused);
        assert_int_equal(out.failures, w.failures);
        assert_int_equal(out.failing_since, w.failing_since);
        assert_int_equal(out.created_at, w.created_at);
        assert_string_equal(out.created_by, w.created_by);
        assert_int_equal(out.last_at, w.last_at);
        assert_int_equal(out.last_code, w.last_code);
        if (w.last_error)
            assert_string_equal(out.last_error, w.last_error);
        else
            assert_null(out.last_error);
        msgpack_zone_destroy(&z);
        msgpack_sbuffer_destroy(&old);
        msgpack_sbuffer_destroy(&sb);
    }
}

static void test_delivery_round_trip(void **state)
{
    (void)state;
    struct gl_delivery d = {.id = 9,
                            .endpoint = 4,
                            .msg = "msg_0123456789abcdef0123456789abcdef",
                            .type = "post.approved",
                            .body = "{\"type\":\"post.approved\"}",
                            .created_ms = 1764000000123,
                            .attempts = 3,
                            .next_ms = 1764000020123,
                            .last_ms = 1764000010123,
                            .last_code = 500,
                            .last_error = "HTTP 500"},
                       out;
    for (int st = DLV_PENDING; st <= DLV_FAILED; st++) {
        d.status = (enum gl_delivery_status)st;
        msgpack_sbuffer sb, old;
        msgpack_sbuffer_init(&sb);
        msgpack_sbuffer_init(&old);
        gl_delivery_encode(&d, &sb);
        old_delivery_record(&d, &old);
        assert_same_bytes(&old, &sb);
        msgpack_zone z;
        msgpack_zone_init(&z, 1024);
        MDB_val v = val(&sb);
        assert_int_equal(gl_delivery_decode(&v, &z, &out), 0);
        assert_int_equal(out.id, 9);
        assert_int_equal(out.endpoint, 4);
        assert_string_equal(out.msg, d.msg);
        assert_string_equal(out.type, d.type);
        assert_string_equal(out.body, d.body);
        assert_int_equal(out.created_ms, d.created_ms);
        assert_int_equal(out.status, st);
        assert_int_equal(out.attempts, 3);
        assert_int_equal(out.next_ms, d.next_ms);
        assert_int_equal(out.last_ms, d.last_ms);
        assert_int_equal(out.last_code, 500);
        assert_string_equal(out.last_error, d.last_error);
        msgpack_zone_destroy(&z);
        msgpack_sbuffer_destroy(&old);
        msgpack_sbuffer_destroy(&sb);
    }
}

/* A delivery or endpoint missing what it cannot go without does not decode; an unknown
 * status reads as failed (never sent again). */
static void test_incomplete_webhook_records_are_refused(void **state)
{
    (void)state;
    msgpack_zone z;
    msgpack_zone_init(&z, 1024);
    struct gl_delivery out;
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    gl_record_begin(&pk, 4); /* no msg */
    gl_pack_kv_int(&pk, "id", 9);
    gl_pack_kv_int(&pk, "endpoint", 4);
    gl_pack_kv_str(&pk, "body", "{}");
    MDB_val v = val(&sb);
    assert_int_equal(gl_delivery_decode(&v, &z, &out), -1);
    msgpack_sbuffer_clear(&sb);
    gl_record_begin(&pk, 6);
    gl_pack_kv_int(&pk, "id", 9);
    gl_pack_kv_int(&pk, "endpoint", 4);
    gl_pack_kv_str(&pk, "msg", "msg_1");
    gl_pack_kv_str(&pk, "body", "{}");
    gl_pack_kv_str(&pk, "status", "lost");
    v = val(&sb);
    assert_int_equal(gl_delivery_decode(&v, &z, &out), 0);
    assert_int_equal(out.status, DLV_FAILED);
    assert_string_equal(out.msg, "msg_1");
    msgpack_sbuffer_clear(&sb);
    gl_record_begin(&pk, 3); /* no secret */
    gl_pack_kv_int(&pk, "id", 4);
    gl_pack_kv_str(&pk, "url", "https://x.example/");
    struct gl_webhook w;
    v = val(&sb);
    assert_int_equal(gl_webhook_decode(&v, &z, &w), -1);
    msgpack_sbuffer_destroy(&sb);
    msgpack_zone_destroy(&z);
}

/* The mail outbox record as mailout.c wrote it by hand before the field list (2026-12-02). */
static void old_mail_queued_record(const struct gl_mail_queued *q, msgpack_sbuffer *sb)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
    gl_record_begin(&pk, 9);
    gl_pack_kv_str(&pk, "from_name", q->from_name);
    gl_pack_kv_str(&pk, "to", q->to);
    gl_pack_kv_str(&pk, "subject", q->subject);
    gl_pack_kv_str(&pk, "body", q->body);
    gl_pack_kv_str(&pk, "msgid", q->msgid);
    gl_pack_kv_int(&pk, "created_ms", q->created_ms);
    gl_pack_kv_int(&pk, "attempts", q->attempts);
    gl_pack_kv_int(&pk, "next_ms", q->next_ms);
}

static void test_mail_queued_round_trip(void **state)
{
    (void)state;
    struct gl_mail_queued q = {.from_name = "Ana via Greenlight",
                               .to = "maria@example.com",
                               .subject = "Approved",
                               .body = "The post was approved.\n",
                               .msgid = "0123456789abcdef0123456789abcdef",
                               .created_ms = 1764000000123,
                               .attempts = 2,
                               .next_ms = 1764000010123},
                          out;
    msgpack_sbuffer sb, old;
    msgpack_sbuffer_init(&sb);
    msgpack_sbuffer_init(&old);
    gl_mail_queued_encode(&q, &sb);
    old_mail_queued_record(&q, &old);
    assert_same_bytes(&old, &sb);
    msgpack_zone z;
    msgpack_zone_init(&z, 1024);
    MDB_val v = val(&sb);
    assert_int_equal(gl_mail_queued_decode(&v, &z, &out), 0);
    assert_string_equal(out.from_name, q.from_name);
    assert_string_equal(out.to, q.to);
    assert_string_equal(out.subject, q.subject);
    assert_string_equal(out.body, q.body);
    assert_string_equal(out.msgid, q.msgid);
    assert_int_equal(out.created_ms, q.created_ms);
    assert_int_equal(out.attempts, 2);
    assert_int_equal(out.next_ms, q.next_ms);
    /* A Message-ID that is not whole, or too long to be one, does not decode. */
    static const char *const bad_ids[] = {"0123", "0123456789abcdef0123456789abcdef0"};
    for (size_t i = 0; i < 2; i++) {
        msgpack_sbuffer_clear(&old); /* by hand: the struct cannot hold the long one */
        msgpack_packer pk;
        msgpack_packer_init(&pk, &old, msgpack_sbuffer_write);
        gl_record_begin(&pk, 5);
        gl_pack_kv_str(&pk, "to", q.to);
        gl_pack_kv_str(&pk, "subject", q.subject);
        gl_pack_kv_str(&pk, "body", q.body);
        gl_pack_kv_str(&pk, "msgid", bad_ids[i]);
        v = val(&old);
        assert_int_equal(gl_mail_queued_decode(&v, &z, &out), -1);
    }
    msgpack_zone_destroy(&z);
    msgpack_sbuffer_destroy(&old);
    msgpack_sbuffer_destroy(&sb);
}

/* A receipt record and a signing key as receipt.c wrote them by hand before the field lists
 * (2026-12-02): stored receipts and keys must read as they did, and be written the same. */
static void old_str_or_nil(msgpack_packer *pk, const char *s)
{
    if (s)
        gl_pack_str(pk, s);
    else
        msgpack_pack_nil(pk);
}

static void old_receipt_record(const struct gl_receipt_record *r, msgpack_sbuffer *sb)
{
    msgpack_packer p;
    msgpack_packer_init(&p, sb, msgpack_sbuffer_write);
    gl_record_begin(&p, 5);
    gl_pack_key(&p, "body");
    msgpack_pack_bin_with_body(&p, r->body, r->nbody);
    gl_pack_key(&p, "sig");
    msgpack_pack_bin_with_body(&p, r->sig, sizeof r->sig);
    gl_pack_key(&p, "hash");
    msgpack_pack_bin_with_body(&p, r->hash, sizeof r->hash);
    gl_pack_key(&p, "shown");
    const struct gl_shown *s = &r->shown;
    msgpack_pack_map(&p, 5);
    gl_pack_kv_str(&p, "caption", s->caption);
    gl_pack_key(&p, "platforms");
    msgpack_pack_array(&p, (uint32_t)s->nplatforms);
    for (size_t i = 0; i < s->nplatforms; i++)
        old_str_or_nil(&p, s->platforms[i]);
    gl_pack_key(&p, "scheduled_at");
    if (s->scheduled_at == GL_TIME_NONE)
        msgpack_pack_nil(&p);
    else
        msgpack_pack_int64(&p, s->scheduled_at);
    gl_pack_kv_str(&p, "timezone", s->timezone);
    gl_pack_key(&p, "media");
    msgpack_pack_array(&p, (uint32_t)s->nmedia);
    for (size_t i = 0; i < s->nmedia; i++) {
        msgpack_pack_map(&p, 2);
        gl_pack_kv_int(&p, "id", s->media[i]);
        gl_pack_key(&p, "sha256");
        msgpack_pack_bin_with_body(&p, s->media_sha256[i], 32);
    }
}

static void old_receipt_key(const struct gl_receipt_key *k, msgpack_sbuffer *sb)
{
    msgpack_packer p;
    msgpack_packer_init(&p, sb, msgpack_sbuffer_write);
    gl_record_begin(&p, k->has_secret ? 5 : 4);
    gl_pack_kv_int(&p, "id", (int64_t)k->id);
    gl_pack_kv_int(&p, "created_at", k->created_at);
    gl_pack_key(&p, "public");
    msgpack_pack_bin_with_body(&p, k->public_key, 32);
    if (k->has_secret) {
        gl_pack_key(&p, "secret");
        msgpack_pack_bin_with_body(&p, k->secret, 64);
    }
}

static void test_receipt_record_round_trip(void **state)
{
    (void)state;
    static const unsigned char body[] = {0x94, 0xa1, 'x', 0x01, 0xc0, 0xc3};
    const char *platforms[] = {"instagram", "linkedin"};
    int64_t media[] = {5, 12};
    unsigned char sha[2][GL_RECEIPT_HASH];
    memset(sha[0], 0x5a, sizeof sha[0]);
    memset(sha[1], 0xc3, sizeof sha[1]);
    struct gl_receipt_record r = {.body = body,
                                  .nbody = sizeof body,
                                  .shown = {.caption = "Spring sale",
                                            .platforms = platforms,
                                            .nplatforms = 2,
                                            .scheduled_at = 1796170000,
                                            .timezone = "Europe/Paris",
                                            .media = media,
                                            .nmedia = 2,
                                            .media_sha256 = sha}},
                             out;
    for (size_t i = 0; i < sizeof r.sig; i++)
        r.sig[i] = (unsigned char)(i * 3 + 1);
    for (size_t i = 0; i < sizeof r.hash; i++)
        r.hash[i] = (unsigned char)(255 - i);
    for (int bare = 0; bare < 2; bare++) {
        if (bare) { /* no time, no media, no timezone, a caption-less post */
            r.shown = (struct gl_shown){.caption = NULL, .scheduled_at = GL_TIME_NONE};
        }
        msgpack_sbuffer sb, old;
        msgpack_sbuffer_init(&sb);
        msgpack_sbuffer_init(&old);
        gl_receipt_record_encode(&r, &sb);
        old_receipt_record(&r, &old);
        assert_same_bytes(&old, &sb);
        msgpack_zone z;
        msgpack_zone_init(&z, 1024);
        MDB_val v = val(&sb);
        assert_int_equal(gl_receipt_record_decode(&v, &z, &out), 0);
        assert_int_equal(out.nbody, sizeof body);
        assert_memory_equal(out.body, body, sizeof body);
        assert_memory_equal(out.sig, r.sig, sizeof r.sig);
        assert_memory_equal(out.hash, r.hash, sizeof r.hash);
        assert_int_equal(out.shown.scheduled_at, r.shown.scheduled_at);
        assert_int_equal(out.shown.nplatforms, r.shown.nplatforms);
        assert_int_equal(out.shown.nmedia, r.shown.nmedia);
        if (!bare) {
            assert_string_equal(out.shown.caption, "Spring sale");
            assert_string_equal(out.shown.platforms[1], "linkedin");
            assert_string_equal(out.shown.timezone, "Europe/Paris");
            assert_int_equal(out.shown.media[1], 12);
            assert_memory_equal(out.shown.media_sha256[1], sha[1], GL_RECEIPT_HASH);
        } else {
            assert_null(out.shown.caption);
            assert_null(out.shown.timezone);
        }
        msgpack_zone_destroy(&z);
        msgpack_sbuffer_destroy(&old);
        msgpack_sbuffer_destroy(&sb);
    }
}

/* Each part a stored receipt is read by: without one whole, the record does not decode. */
static void test_damaged_receipt_record_is_refused(void **state)
{
    (void)state;
    static const unsigned char body[] = {0x90};
    int64_t media[] = {5};
    unsigned char sha[1][GL_RECEIPT_HASH] = {{0}};
    struct gl_receipt_record r = {.body = body,
                                  .nbody = sizeof body,
                                  .shown = {.scheduled_at = GL_TIME_NONE,
                                            .media = media,
                                            .nmedia = 1,
                                            .media_sha256 = sha}},
                             out;
    /* The first drops nothing: that one decodes. */
    static const char *const parts[] = {"", "body", "sig", "hash", "shown", "media", "sha256"};
    msgpack_zone z;
    msgpack_zone_init(&z, 1024);
    for (size_t drop = 0; drop < GL_ARRAY_LEN(parts); drop++) {
        msgpack_sbuffer sb;
        msgpack_sbuffer_init(&sb);
        msgpack_packer p;
        msgpack_packer_init(&p, &sb, msgpack_sbuffer_write);
        gl_record_begin(&p, 5);
        gl_pack_key(&p, strcmp(parts[drop], "body") ? "body" : "bodx");
        msgpack_pack_bin_with_body(&p, r.body, r.nbody);
        gl_pack_key(&p, "sig"); /* one byte short when it is the part dropped */
        msgpack_pack_bin_with_body(&p, r.sig, sizeof r.sig - !strcmp(parts[drop], "sig"));
        gl_pack_key(&p, "hash");
        msgpack_pack_bin_with_body(&p, r.hash, sizeof r.hash - !strcmp(parts[drop], "hash"));
        gl_pack_key(&p, strcmp(parts[drop], "shown") ? "shown" : "showx");
        msgpack_pack_map(&p, 1);
        gl_pack_key(&p, strcmp(parts[drop], "media") ? "media" : "medix");
        msgpack_pack_array(&p, 1);
        msgpack_pack_map(&p, 2);
        gl_pack_kv_int(&p, "id", 5);
        gl_pack_key(&p, strcmp(parts[drop], "sha256") ? "sha256" : "sha25x");
        msgpack_pack_bin_with_body(&p, sha[0], GL_RECEIPT_HASH);
        MDB_val v = val(&sb);
        assert_int_equal(gl_receipt_record_decode(&v, &z, &out), drop ? -1 : 0);
        msgpack_sbuffer_destroy(&sb);
    }
    msgpack_zone_destroy(&z);
}

static void test_receipt_key_round_trip(void **state)
{
    (void)state;
    struct gl_receipt_key k = {.id = 3, .created_at = 1796170000, .has_secret = true}, out;
    for (size_t i = 0; i < sizeof k.public_key; i++)
        k.public_key[i] = (unsigned char)(i + 9);
    for (size_t i = 0; i < sizeof k.secret; i++)
        k.secret[i] = (unsigned char)(i * 5);
    msgpack_zone z;
    msgpack_zone_init(&z, 1024);
    for (int retired = 0; retired < 2; retired++) {
        k.has_secret = !retired; /* a retired key keeps only its public half */
        msgpack_sbuffer sb, old;
        msgpack_sbuffer_init(&sb);
        msgpack_sbuffer_init(&old);
        gl_receipt_key_encode(&k, &sb);
        old_receipt_key(&k, &old);
        assert_same_bytes(&old, &sb);
        MDB_val v = val(&sb);
        assert_int_equal(gl_receipt_key_decode(&v, &z, &out), 0);
        assert_int_equal(out.id, 3);
        assert_int_equal(out.created_at, 1796170000);
        assert_memory_equal(out.public_key, k.public_key, sizeof k.public_key);
        assert_int_equal(out.has_secret, !retired);
        if (!retired) assert_memory_equal(out.secret, k.secret, sizeof k.secret);
        msgpack_sbuffer_destroy(&old);
        msgpack_sbuffer_destroy(&sb);
    }
    /* A secret of another size is none; a key without its public half does not decode. */
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer p;
    msgpack_packer_init(&p, &sb, msgpack_sbuffer_write);
    gl_record_begin(&p, 3);
    gl_pack_key(&p, "public");
    msgpack_pack_bin_with_body(&p, k.public_key, 32);
    gl_pack_key(&p, "secret");
    msgpack_pack_bin_with_body(&p, k.secret, 32);
    MDB_val v = val(&sb);
    assert_int_equal(gl_receipt_key_decode(&v, &z, &out), 0);
    assert_false(out.has_secret);
    assert_int_equal(out.created_at, 0);
    msgpack_sbuffer_clear(&sb);
    gl_record_begin(&p, 2);
    gl_pack_key(&p, "public");
    msgpack_pack_bin_with_body(&p, k.public_key, 31);
    v = val(&sb);
    assert_int_equal(gl_receipt_key_decode(&v, &z, &out), -1);
    msgpack_sbuffer_destroy(&sb);
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
        cmocka_unit_test(test_stored_post_holds_its_wire_form),
        cmocka_unit_test(test_webhook_round_trip),
        cmocka_unit_test(test_delivery_round_trip),
        cmocka_unit_test(test_incomplete_webhook_records_are_refused),
        cmocka_unit_test(test_mail_queued_round_trip),
        cmocka_unit_test(test_receipt_record_round_trip),
        cmocka_unit_test(test_damaged_receipt_record_is_refused),
        cmocka_unit_test(test_receipt_key_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
