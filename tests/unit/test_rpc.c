/* The envelope check: a malformed request still gives up its msgid, a notification its type. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "docfile.h"
#include <msgpack.h>

#include "rpc.h"

/* What a test packs its messages into, and what the parse of the last one gave. */
struct wire {
    msgpack_sbuffer sb;
    msgpack_packer pk;
    struct gl_rpc_msg m;
    struct gl_err err;
};

static int wire_setup(void **state)
{
    struct wire *w = calloc(1, sizeof *w);
    assert_non_null(w);
    msgpack_sbuffer_init(&w->sb);
    msgpack_packer_init(&w->pk, &w->sb, msgpack_sbuffer_write);
    *state = w;
    return 0;
}

static int wire_teardown(void **state)
{
    struct wire *w = *state;
    msgpack_sbuffer_destroy(&w->sb);
    free(w);
    return 0;
}

/* Unpacks the packed message, parses its envelope into w->m and empties the buffer; returns
 * gl_rpc_parse's result. */
static int parse(struct wire *w)
{
    msgpack_unpacked u;
    msgpack_unpacked_init(&u);
    size_t off = 0;
    assert_int_equal(msgpack_unpack_next(&u, w->sb.data, w->sb.size, &off), MSGPACK_UNPACK_SUCCESS);
    int r = gl_rpc_parse(&u.data, &w->m, &w->err);
    msgpack_unpacked_destroy(&u);
    msgpack_sbuffer_clear(&w->sb);
    return r;
}

/* [0, 77, METHOD, PARAMS] where the caller packs the method and the params. */
static void request_head(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 4);
    msgpack_pack_int(pk, 0);
    msgpack_pack_int(pk, 77);
}

static void test_malformed_requests_keep_their_msgid(void **state)
{
    struct wire *w = *state;
    msgpack_packer *pk = &w->pk;

    request_head(pk); /* params a map, not an array holding one */
    msgpack_pack_str_with_body(pk, "post.get", 8);
    msgpack_pack_map(pk, 0);
    assert_int_equal(parse(w), -1);
    assert_int_equal(w->m.msgid, 77);
    assert_int_equal(w->err.code, GL_E_BAD_REQUEST);

    request_head(pk); /* params two maps */
    msgpack_pack_str_with_body(pk, "post.get", 8);
    msgpack_pack_array(pk, 2);
    msgpack_pack_map(pk, 0);
    msgpack_pack_map(pk, 0);
    assert_int_equal(parse(w), -1);
    assert_int_equal(w->m.msgid, 77);

    request_head(pk); /* params a string */
    msgpack_pack_str_with_body(pk, "post.get", 8);
    msgpack_pack_str_with_body(pk, "x", 1);
    assert_int_equal(parse(w), -1);
    assert_int_equal(w->m.msgid, 77);

    request_head(pk); /* method an integer */
    msgpack_pack_int(pk, 3);
    msgpack_pack_array(pk, 0);
    assert_int_equal(parse(w), -1);
    assert_int_equal(w->m.msgid, 77);

    request_head(pk); /* method bin */
    msgpack_pack_bin_with_body(pk, "post.get", 8);
    msgpack_pack_array(pk, 0);
    assert_int_equal(parse(w), -1);
    assert_int_equal(w->m.msgid, 77);
    assert_int_equal(w->m.type, GL_MSG_REQUEST);

    msgpack_pack_array(pk, 3); /* too short, msgid still there */
    msgpack_pack_int(pk, 0);
    msgpack_pack_int(pk, 78);
    msgpack_pack_str_with_body(pk, "post.get", 8);
    assert_int_equal(parse(w), -1);
    assert_int_equal(w->m.msgid, 78);
}

static void test_unreadable_msgid_is_zero(void **state)
{
    struct wire *w = *state;
    msgpack_packer *pk = &w->pk;

    msgpack_pack_array(pk, 4); /* msgid negative */
    msgpack_pack_int(pk, 0);
    msgpack_pack_int(pk, -1);
    msgpack_pack_str_with_body(pk, "post.get", 8);
    msgpack_pack_array(pk, 0);
    assert_int_equal(parse(w), -1);
    assert_int_equal(w->m.msgid, 0);

    msgpack_pack_str_with_body(pk, "hello", 5); /* not an array */
    assert_int_equal(parse(w), -1);
    assert_int_equal(w->m.msgid, 0);

    msgpack_pack_array(pk, 4); /* msgid past 32 bits */
    msgpack_pack_int(pk, 0);
    msgpack_pack_uint64(pk, (uint64_t)1 << 32);
    msgpack_pack_str_with_body(pk, "post.get", 8);
    msgpack_pack_array(pk, 0);
    assert_int_equal(parse(w), -1);
    assert_int_equal(w->m.msgid, 0);
}

static void test_notifications_are_told_apart(void **state)
{
    struct wire *w = *state;
    msgpack_packer *pk = &w->pk;

    msgpack_pack_array(pk, 3);
    msgpack_pack_int(pk, 2);
    msgpack_pack_str_with_body(pk, "event", 5);
    msgpack_pack_array(pk, 0);
    assert_int_equal(parse(w), 0);
    assert_int_equal(w->m.type, GL_MSG_NOTIFY);
    assert_int_equal(w->m.method_len, 5);

    msgpack_pack_array(pk, 2); /* malformed, and still a notification */
    msgpack_pack_int(pk, 2);
    msgpack_pack_int(pk, 9);
    assert_int_equal(parse(w), -1);
    assert_int_equal(w->m.type, GL_MSG_NOTIFY);

    request_head(pk); /* a well-formed request */
    msgpack_pack_str_with_body(pk, "post.get", 8);
    msgpack_pack_array(pk, 1);
    msgpack_pack_map(pk, 0);
    assert_int_equal(parse(w), 0);
    assert_int_equal(w->m.type, GL_MSG_REQUEST);
    assert_int_equal(w->m.msgid, 77);
    assert_non_null(w->m.params);
}

/* protocol/README.md's Errors table is GL_ERRORS. */
static void test_error_table_documented(void **state)
{
    (void)state;
    char *doc = read_file("protocol/README.md");
    assert_non_null(doc);
    static char want[1 << 13];
    size_t w = (size_t)snprintf(want, sizeof want, "| code | meaning |\n|---|---|\n");
    for (int c = GL_E_BAD_REQUEST; c <= GL_E_INTERNAL; c++)
        w += (size_t)snprintf(want + w, sizeof want - w, "| `%s` | %s |\n",
                              gl_errcode_slug((enum gl_errcode)c),
                              gl_errcode_meaning((enum gl_errcode)c));
    if (!strstr(doc, want))
        fail_msg("protocol/README.md's Errors table is not GL_ERRORS (rpc.h); it is:\n%s", want);
    free(doc);
    assert_int_equal(gl_errcode_from_slug("not_found", 9), GL_E_NOT_FOUND);
    assert_string_equal(gl_errcode_slug((enum gl_errcode)99), "internal");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_malformed_requests_keep_their_msgid, wire_setup,
                                        wire_teardown),
        cmocka_unit_test(test_error_table_documented),
        cmocka_unit_test_setup_teardown(test_unreadable_msgid_is_zero, wire_setup, wire_teardown),
        cmocka_unit_test_setup_teardown(test_notifications_are_told_apart, wire_setup,
                                        wire_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
