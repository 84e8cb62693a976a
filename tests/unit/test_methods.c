/* The method table: sorted (lookups are a binary search), every method found, its typed
 * parameters well formed and checked by the dispatcher as the protocol README says. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "methods.h"

#include "auth.h"

#include "docfile.h"

static void test_table_sorted_and_found(void **state)
{
    (void)state;
    for (size_t i = 1; i < gl_nmethods; i++)
        assert_true(strcmp(gl_methods[i - 1].name, gl_methods[i].name) < 0);
    for (size_t i = 0; i < gl_nmethods; i++) {
        const char *name = gl_methods[i].name;
        assert_ptr_equal(gl_method_find(name, strlen(name)), &gl_methods[i]);
        assert_non_null(gl_methods[i].handler);
    }
    assert_null(gl_method_find("post.ge", 7));
    assert_null(gl_method_find("post.gets", 9));
    assert_null(gl_method_find("", 0));
    assert_null(gl_method_find(NULL, 0)); /* what msgpack gives for an empty name */
}

/* Every parameter has a name, a known type, a limit where its type needs one; no more than
 * GL_MAX_PARAMS of them and no name twice. */
static void test_params_well_formed(void **state)
{
    (void)state;
    for (size_t i = 0; i < gl_nmethods; i++) {
        const struct gl_param *p = gl_method_params(&gl_methods[i]);
        size_t n = 0;
        for (; p[n].name; n++) {
            assert_true(p[n].type <= P_MAP);
            if (p[n].type == P_STR || p[n].type == P_BIN || p[n].type == P_STRS ||
                p[n].type == P_IDS)
                assert_true(p[n].max > 0);
            if (p[n].type == P_STRS) assert_true(p[n].item_max > 0);
            for (size_t j = 0; j < n; j++)
                assert_string_not_equal(p[j].name, p[n].name);
        }
        assert_true(n <= GL_MAX_PARAMS);
    }
}

/* A request's params map packed from alternating keys and values built by pack(). */
struct args_buf {
    msgpack_sbuffer sb;
    msgpack_unpacked up;
    struct gl_args a;
};

static void args_end(struct args_buf *b)
{
    msgpack_unpacked_init(&b->up);
    assert_int_equal(msgpack_unpack_next(&b->up, b->sb.data, b->sb.size, NULL),
                     MSGPACK_UNPACK_SUCCESS);
    b->a = (struct gl_args){.map = &b->up.data, .zone = b->up.zone};
}

static void args_free(struct args_buf *b)
{
    msgpack_unpacked_destroy(&b->up);
    msgpack_sbuffer_destroy(&b->sb);
}

static const struct gl_method *method(const char *name)
{
    const struct gl_method *m = gl_method_find(name, strlen(name));
    assert_non_null(m);
    return m;
}

static void test_read_args(void **state)
{
    (void)state;
    const struct gl_method *m = method("post.create");
    struct gl_argval v[GL_MAX_PARAMS];
    struct gl_err err = {0};
    struct args_buf b;
    msgpack_packer pk;

    /* All well: values in the table's order, absent optional ones not present. */
    msgpack_sbuffer_init(&b.sb);
    msgpack_packer_init(&pk, &b.sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 3);
    gl_pack_kv_int(&pk, "profile", 7);
    gl_pack_kv_str(&pk, "caption", "hello");
    gl_pack_key(&pk, "platforms");
    msgpack_pack_array(&pk, 1);
    gl_pack_str(&pk, "x");
    args_end(&b);
    assert_true(gl_method_read_args(m, &b.a, v, &err));
    assert_true(v[0].present && v[0].i == 7);
    assert_true(v[1].present);
    assert_string_equal(v[1].s, "hello");
    assert_true(v[2].present && v[2].strs.n == 1);
    assert_string_equal(v[2].strs.v[0], "x");
    assert_false(v[3].present || v[4].present || v[5].present);
    args_free(&b);

    /* Missing comes first, then unknown, then the wrong type. */
    msgpack_sbuffer_init(&b.sb);
    msgpack_packer_init(&pk, &b.sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 2);
    gl_pack_kv_str(&pk, "profile", "seven");
    gl_pack_kv_int(&pk, "colour", 1);
    args_end(&b);
    assert_false(gl_method_read_args(m, &b.a, v, &err));
    assert_int_equal(err.code, GL_E_BAD_REQUEST);
    assert_string_equal(err.message, "'caption' is required");
    args_free(&b);

    msgpack_sbuffer_init(&b.sb);
    msgpack_packer_init(&pk, &b.sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 4);
    gl_pack_kv_str(&pk, "profile", "seven");
    gl_pack_kv_str(&pk, "caption", "c");
    gl_pack_kv_str(&pk, "platforms", "x");
    gl_pack_kv_int(&pk, "colour", 1);
    args_end(&b);
    assert_false(gl_method_read_args(m, &b.a, v, &err));
    assert_string_equal(err.message, "unknown argument 'colour'");
    args_free(&b);

    msgpack_sbuffer_init(&b.sb);
    msgpack_packer_init(&pk, &b.sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 3);
    gl_pack_kv_str(&pk, "profile", "seven");
    gl_pack_kv_str(&pk, "caption", "c");
    gl_pack_kv_str(&pk, "platforms", "x");
    args_end(&b);
    assert_false(gl_method_read_args(m, &b.a, v, &err));
    assert_string_equal(err.message, "'profile' must be an integer");
    args_free(&b);

    /* Over a limit: too_large. */
    msgpack_sbuffer_init(&b.sb);
    msgpack_packer_init(&pk, &b.sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 2);
    gl_pack_kv_str(&pk, "name", "n");
    gl_pack_key(&pk, "password");
    char big[GL_MAX_PASSWORD + 2];
    memset(big, 'p', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    gl_pack_str(&pk, big);
    args_end(&b);
    assert_false(gl_method_read_args(method("user.set_password"), &b.a, v, &err));
    assert_int_equal(err.code, GL_E_TOO_LARGE);
    args_free(&b);

    /* No arguments at all, for a method that has none. */
    struct gl_args none = {0};
    assert_true(gl_method_read_args(method("server.ping"), &none, v, &err));
}

/* Every row declares its parameters' types (the untyped form is gone). */
static void test_every_row_typed(void **state)
{
    (void)state;
    for (size_t i = 0; i < gl_nmethods; i++)
        if (!gl_methods[i].args) fail_msg("%s has no .args", gl_methods[i].name);
    const struct gl_param *p = gl_method_params(method("media.upload"));
    assert_string_equal(p[2].name, "data");
    assert_int_equal(p[2].type, P_BIN);
}

/* protocol/README.md lists each method with its parameters as the table has them. */
static void test_readme_lists_the_table(void **state)
{
    (void)state;
    char *doc = read_file("protocol/README.md");
    assert_non_null(doc);
    for (size_t i = 0; i < gl_nmethods; i++) {
        char row[128];
        snprintf(row, sizeof row, "\n| `%s` |", gl_methods[i].name);
        const char *methods = strstr(doc, "\n## Methods");
        assert_non_null(methods);
        const char *r = strstr(methods, row);
        if (!r) fail_msg("%s is not in protocol/README.md", gl_methods[i].name);
        r += strlen(row);
        const char *end = strchr(r, '|');
        assert_non_null(end);
        char want[512] = "";
        size_t n = 0;
        for (const struct gl_param *p = gl_method_params(&gl_methods[i]); p->name; p++)
            n += (size_t)snprintf(want + n, sizeof want - n, "%s`%s%s`", n ? ", " : " ", p->name,
                                  p->optional ? "?" : "");
        char got[512];
        snprintf(got, sizeof got, "%.*s", (int)(end - r), r);
        size_t gl = strlen(got);
        while (gl && got[gl - 1] == ' ')
            got[--gl] = '\0';
        if (strcmp(got, want) != 0)
            fail_msg("%s: README has '%s', the table '%s'", gl_methods[i].name, got, want);
    }
    free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_sorted_and_found), cmocka_unit_test(test_params_well_formed),
        cmocka_unit_test(test_read_args), cmocka_unit_test(test_every_row_typed),
        cmocka_unit_test(test_readme_lists_the_table)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
