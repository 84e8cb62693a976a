/* The option table (config.h): its file keys, its ranges, and the documents made from it:
 * docs/configure.md's Keys table, the man page's OPTIONS and the sample configuration file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
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

#define MAN_BEGIN ".\\\" BEGIN OPTIONS: made from GL_OPTIONS (server/config.h)\n"
#define MAN_END ".\\\" END OPTIONS\n"

/* packaging/greenlightd.8 lists every option, as gl_options_man writes them. */
static void test_man_page_shows_the_table(void **state)
{
    (void)state;
    struct gl_buf b;
    buf_init(&b, 4096);
    buf_puts(&b, MAN_BEGIN);
    gl_options_man(&b);
    buf_puts(&b, MAN_END);
    buf_put(&b, "", 1);
    char *doc = read_file("packaging/greenlightd.8");
    assert_non_null(doc);
    if (!strstr(doc, b.p))
        fail_msg("packaging/greenlightd.8's OPTIONS are not the option table (config.h): run "
                 "`make man`");
    free(doc);
    buf_free(&b);
}

/* packaging/greenlightd.conf has a line "key = value" (or "#key = value") for every option a
 * file may set, names no other key, and shows each number at its default, with its range. */
static void test_sample_config_shows_every_key(void **state)
{
    (void)state;
    char *doc = read_file("packaging/greenlightd.conf");
    assert_non_null(doc);
    for (size_t k = 0; k < gl_noptions; k++) {
        const struct gl_option *o = &gl_options_table[k];
        if (o->kind == OPT_CONFIG) continue;
        char line[128];
        snprintf(line, sizeof line, "\n%s = ", o->key);
        const char *at = strstr(doc, line);
        if (!at) {
            snprintf(line, sizeof line, "\n#%s = ", o->key);
            at = strstr(doc, line);
        }
        if (!at) fail_msg("packaging/greenlightd.conf has no line for '%s'", o->key);
        if (o->kind != OPT_NUMBER) continue;
        long v = 0;
        char why[200];
        if (gl_config_number(o->key, at + strlen(line), &v, why, sizeof why) != 0) {
            /* the value runs to the end of its line */
            const char *eol = strchr(at + strlen(line), '\n');
            char val[32];
            snprintf(val, sizeof val, "%.*s", (int)(eol - at - (long)strlen(line)),
                     at + strlen(line));
            if (gl_config_number(o->key, val, &v, why, sizeof why) != 0) fail_msg("%s", why);
        }
        char def[32];
        snprintf(def, sizeof def, "%ld", v);
        const char *d = o->def[0] == '`' ? o->def + 1 : o->def;
        if (strncmp(d, def, strlen(def)) != 0)
            fail_msg("packaging/greenlightd.conf: %s = %ld, but its default is %s", o->key, v,
                     o->def);
        char range[64];
        snprintf(range, sizeof range, "%ld to %ld", o->min, o->max);
        if (!strstr(doc, range))
            fail_msg("packaging/greenlightd.conf does not give %s's range (%s)", o->key, range);
    }
    /* And every key line names an option. */
    for (const char *p = doc; (p = strstr(p, " = ")); p += 3) {
        const char *start = p;
        while (start > doc && start[-1] != '\n')
            start--;
        if (*start == '#') start++;
        char key[64];
        snprintf(key, sizeof key, "%.*s", (int)(p - start), start);
        if (strchr(key, ' ')) continue; /* prose */
        bool known = false;
        for (size_t k = 0; k < gl_noptions && !known; k++)
            known = strcmp(gl_options_table[k].key, key) == 0;
        if (!known) fail_msg("packaging/greenlightd.conf sets '%s', which is no option", key);
    }
    free(doc);
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
        cmocka_unit_test(test_man_page_shows_the_table),
        cmocka_unit_test(test_sample_config_shows_every_key),
        cmocka_unit_test(test_numbers_keep_their_range),
        cmocka_unit_test(test_file_and_command_line_share_the_setter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
