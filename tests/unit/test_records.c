/* The stored records' encoders and decoders (records.c): round trips, and damaged bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "records.h"
#include "store.h"

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
    }
    msgpack_zone_destroy(&z);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_history_round_trip),
        cmocka_unit_test(test_comment_round_trip),
        cmocka_unit_test(test_records_carry_the_version),
        cmocka_unit_test(test_damaged_bytes_are_refused),
        cmocka_unit_test(test_stored_post_holds_its_wire_form),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
