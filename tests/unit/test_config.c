/* The option table (config.h): its file keys, its ranges, and docs/configure.md's Keys table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "docfile.h"

#include "config.h"
#include "webbuf.h"

static void test_docs_show_the_table(void **state)
{
    (void)state;
    struct gl_buf b;
    buf_init(&b, 4096);
    gl_options_markdown(&b);
    buf_put(&b, "", 1);
    char *doc = read_file("docs/configure.md");
    assert_non_null(doc);
    if (!strstr(doc, b.p))
        fail_msg("docs/configure.md's Keys table is not the option table (config.h); it is:\n%s",
                 b.p);
    free(doc);
    buf_free(&b);
}

static void test_numbers_keep_their_range(void **state)
{
    (void)state;
    long v = 0;
    char why[200];
    assert_int_equal(gl_config_number("anon-max", "768", &v, why, sizeof why), 0);
    assert_int_equal(v, 768);
    assert_int_equal(gl_config_number("anon-max", "769", &v, why, sizeof why), -1);
    assert_string_equal(why, "anon-max is a number from 1 to 768, not '769'");
    assert_int_equal(gl_config_number("output-max-mib", "13", &v, why, sizeof why), -1);
    assert_int_equal(gl_config_number("data", "1", &v, why, sizeof why), -1);
}

static void test_file_and_command_line_share_the_setter(void **state)
{
    (void)state;
    struct gl_options o = {0};
    struct gl_err err = {0};
    for (size_t k = 0; k < gl_noptions; k++) {
        const struct gl_option *opt = &gl_options_table[k];
        if (strcmp(opt->key, "demo") == 0) {
            assert_int_equal(gl_option_set(&o, opt, NULL, &err, NULL, 0), 0);
            assert_true(o.demo);
            assert_int_equal(gl_option_set(&o, opt, "no", &err, "f.conf", 3), 0);
            assert_false(o.demo);
            assert_int_equal(gl_option_set(&o, opt, "maybe", &err, "f.conf", 3), -1);
            assert_string_equal(err.message, "f.conf:3: demo is true or false, not 'maybe'");
        }
        if (strcmp(opt->key, "trusted-proxy") == 0) {
            for (int i = 0; i < 16; i++)
                assert_int_equal(gl_option_set(&o, opt, "10.0.0.1", &err, NULL, 0), 0);
            assert_int_equal(gl_option_set(&o, opt, "10.0.0.1", &err, NULL, 0), -1);
            assert_string_equal(err.message, "at most 16 --trusted-proxy");
        }
    }
    gl_config_free();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_docs_show_the_table),
        cmocka_unit_test(test_numbers_keep_their_range),
        cmocka_unit_test(test_file_and_command_line_share_the_setter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
