/* The frame scan: complete frames found whatever the chunking, lies about sizes refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <msgpack.h>

#include "mpscan.h"

static const struct gl_mp_limits lim = {.max_bytes = 4096, .max_depth = 8, .max_elems = 1000};

static size_t pack_request(char *out, size_t cap)
{
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_array(&pk, 4);
    msgpack_pack_int(&pk, 0);
    msgpack_pack_int(&pk, 7);
    msgpack_pack_str_with_body(&pk, "post.get", 8);
    msgpack_pack_array(&pk, 1);
    msgpack_pack_map(&pk, 2);
    msgpack_pack_str_with_body(&pk, "id", 2);
    msgpack_pack_uint64(&pk, 1234567890123ULL);
    msgpack_pack_str_with_body(&pk, "x", 1);
    msgpack_pack_bin_with_body(&pk, "\0\1\2", 3);
    size_t n = sb.size < cap ? sb.size : cap;
    memcpy(out, sb.data, n);
    msgpack_sbuffer_destroy(&sb);
    return n;
}

static void test_whole_frame_byte_by_byte(void **state)
{
    (void)state;
    char buf[256];
    size_t n = pack_request(buf, sizeof buf);
    struct gl_mp_scanner s;
    gl_mp_scanner_reset(&s);
    for (size_t len = 1; len < n; len++) assert_int_equal(gl_mp_scan(&s, buf, len, &lim), 0);
    assert_int_equal(gl_mp_scan(&s, buf, n, &lim), (long)n);
}

static void test_two_frames_back_to_back(void **state)
{
    (void)state;
    char buf[512];
    size_t n = pack_request(buf, 256);
    memcpy(buf + n, buf, n);
    struct gl_mp_scanner s;
    gl_mp_scanner_reset(&s);
    assert_int_equal(gl_mp_scan(&s, buf, 2 * n, &lim), (long)n);
}

static void test_lying_counts_refused_before_allocation(void **state)
{
    (void)state;
    struct gl_mp_scanner s;
    /* array32 claiming 500 million elements in a 5-byte frame */
    const char arr[] = "\xdd\x1d\xcd\x65\x00";
    gl_mp_scanner_reset(&s);
    assert_int_equal(gl_mp_scan(&s, arr, 5, &lim), GL_MP_TOO_MANY);
    /* map32 likewise */
    const char map[] = "\xdf\x00\x01\x00\x00";
    gl_mp_scanner_reset(&s);
    assert_int_equal(gl_mp_scan(&s, map, 5, &lim), GL_MP_TOO_MANY);
    /* str32 of 1 GiB */
    const char str[] = "\xdb\x40\x00\x00\x00";
    gl_mp_scanner_reset(&s);
    assert_int_equal(gl_mp_scan(&s, str, 5, &lim), GL_MP_TOO_LARGE);
}

static void test_depth_and_reserved_byte(void **state)
{
    (void)state;
    char deep[64];
    memset(deep, 0x91, sizeof deep); /* [[[[...]]]] */
    struct gl_mp_scanner s;
    gl_mp_scanner_reset(&s);
    assert_int_equal(gl_mp_scan(&s, deep, sizeof deep, &lim), GL_MP_TOO_DEEP);
    gl_mp_scanner_reset(&s);
    assert_int_equal(gl_mp_scan(&s, "\xc1", 1, &lim), GL_MP_MALFORMED);
}

static void test_element_budget(void **state)
{
    (void)state;
    /* 600 + 600 elements across two arrays break a budget of 1000. */
    static char buf[2000];
    size_t n = 0;
    buf[n++] = (char)0x92;
    for (int a = 0; a < 2; a++) {
        buf[n++] = (char)0xdc;
        buf[n++] = 0x02;
        buf[n++] = 0x58;
        for (int i = 0; i < 600; i++) buf[n++] = 0;
    }
    struct gl_mp_scanner s;
    gl_mp_scanner_reset(&s);
    assert_int_equal(gl_mp_scan(&s, buf, n, &lim), GL_MP_TOO_MANY);
}

static void test_frame_over_max_bytes(void **state)
{
    (void)state;
    static char buf[5000];
    buf[0] = (char)0xc6; /* bin32 of 4990 bytes: over the 4096 frame limit */
    buf[1] = 0;
    buf[2] = 0;
    buf[3] = 0x13;
    buf[4] = (char)0x7e;
    struct gl_mp_scanner s;
    gl_mp_scanner_reset(&s);
    assert_int_equal(gl_mp_scan(&s, buf, 5, &lim), GL_MP_TOO_LARGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whole_frame_byte_by_byte),
        cmocka_unit_test(test_two_frames_back_to_back),
        cmocka_unit_test(test_lying_counts_refused_before_allocation),
        cmocka_unit_test(test_depth_and_reserved_byte),
        cmocka_unit_test(test_element_budget),
        cmocka_unit_test(test_frame_over_max_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
