/* A user's time zone in the stored record: kept through encode and decode, and a record
 * written before it existed (no "timezone") reads as none. Also the profile's publish_webhook,
 * appended the same way. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "records.h"
#include "rpc.h"

static void test_user_zone_round_trip(void **state)
{
    (void)state;
    struct gl_user u = {
        .name = "lea", .role = ROLE_MANAGER, .pwhash = "$argon2id$x", .timezone = "Asia/Tokyo"};
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    gl_user_encode(&u, &sb);
    MDB_val v = {sb.size, sb.data};
    msgpack_zone z;
    msgpack_zone_init(&z, 1024);
    struct gl_user out;
    assert_int_equal(gl_user_decode(&v, &z, &out), 0);
    assert_string_equal(out.timezone, "Asia/Tokyo");
    assert_string_equal(out.name, "lea");
    msgpack_sbuffer_clear(&sb);
    u.timezone = NULL;
    gl_user_encode(&u, &sb);
    v = (MDB_val){sb.size, sb.data};
    assert_int_equal(gl_user_decode(&v, &z, &out), 0);
    assert_null(out.timezone);
    msgpack_zone_destroy(&z);
    msgpack_sbuffer_destroy(&sb);
}

static void test_older_records_read_as_none(void **state)
{
    (void)state;
    /* A user record as written before the zone: {v, name, role, pwhash}. */
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    gl_record_begin(&pk, 4);
    gl_pack_kv_str(&pk, "name", "old");
    gl_pack_kv_str(&pk, "role", "editor");
    gl_pack_kv_str(&pk, "pwhash", "$argon2id$x");
    MDB_val v = {sb.size, sb.data};
    msgpack_zone z;
    msgpack_zone_init(&z, 1024);
    struct gl_user u;
    assert_int_equal(gl_user_decode(&v, &z, &u), 0);
    assert_null(u.timezone);
    msgpack_sbuffer_clear(&sb);
    /* A profile from before publish_webhook. */
    gl_record_begin(&pk, 3);
    gl_pack_kv_str(&pk, "name", "Acme");
    gl_pack_kv_str(&pk, "timezone", "Europe/Paris");
    v = (MDB_val){sb.size, sb.data};
    struct gl_profile p;
    assert_int_equal(gl_profile_decode(&v, &z, &p), 0);
    assert_int_equal(p.publish_webhook, 0);
    msgpack_sbuffer_clear(&sb);
    p.publish_webhook = 12;
    gl_profile_encode(&p, &sb);
    v = (MDB_val){sb.size, sb.data};
    struct gl_profile back;
    assert_int_equal(gl_profile_decode(&v, &z, &back), 0);
    assert_int_equal(back.publish_webhook, 12);
    msgpack_zone_destroy(&z);
    msgpack_sbuffer_destroy(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_user_zone_round_trip),
        cmocka_unit_test(test_older_records_read_as_none),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
