/* Form decoding (gl_form_parse and its getters) as the link pages rely on it: '&' splits before
 * anything is decoded, '+' and %XX decode in names and values, a broken %-sequence stays as
 * it was, a part without '=' is a name with an empty value, the first of repeated names wins,
 * and a form of too many fields, a NUL or a value that is not UTF-8 is refused whole. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "webbuf.h"

/* Parses a copy of s (the parse works in place); the copy is kept for the form's pointers. */
static int parse(const char *s, struct gl_form *f, char **copy)
{
    *copy = strdup(s);
    assert_non_null(*copy);
    return gl_form_parse(*copy, f);
}

static void test_fields_and_decoding(void **state)
{
    (void)state;
    struct gl_form f;
    char *c;
    assert_int_equal(parse("a=1&b=two+words&c=%41%62%2b%26%3D", &f, &c), 0);
    assert_int_equal(f.n, 3);
    assert_string_equal(f.names[0], "a");
    assert_string_equal(f.values[0], "1");
    assert_string_equal(gl_form_get(&f, "b"), "two words");
    /* Encoded '+', '&' and '=' are data: decoding comes after the split. */
    assert_string_equal(gl_form_get(&f, "c"), "Ab+&=");
    assert_null(gl_form_get(&f, "d"));
    free(c);

    /* Names decode too; only the first '=' separates. */
    assert_int_equal(parse("my+name%21=x=y", &f, &c), 0);
    assert_int_equal(f.n, 1);
    assert_string_equal(gl_form_get(&f, "my name!"), "x=y");
    free(c);

    /* Nothing at all, and empty parts between '&'s, give no fields. */
    assert_int_equal(parse("", &f, &c), 0);
    assert_int_equal(f.n, 0);
    free(c);
    assert_int_equal(parse("&&a=1&&&b=2&", &f, &c), 0);
    assert_int_equal(f.n, 2);
    assert_string_equal(gl_form_get(&f, "b"), "2");
    free(c);
}

static void test_broken_percent_kept(void **state)
{
    (void)state;
    struct gl_form f;
    char *c;
    /* Not two hex digits after '%': the bytes stay as written. */
    assert_int_equal(parse("a=%zz&b=%4&c=%&d=100%&e=%%41&f=%4g", &f, &c), 0);
    assert_string_equal(gl_form_get(&f, "a"), "%zz");
    assert_string_equal(gl_form_get(&f, "b"), "%4");
    assert_string_equal(gl_form_get(&f, "c"), "%");
    assert_string_equal(gl_form_get(&f, "d"), "100%");
    assert_string_equal(gl_form_get(&f, "e"), "%A");
    assert_string_equal(gl_form_get(&f, "f"), "%4g");
    free(c);
    /* Either case of hex digit. */
    assert_int_equal(parse("a=%c3%A9", &f, &c), 0);
    assert_string_equal(gl_form_get(&f, "a"), "\xc3\xa9");
    free(c);
}

static void test_missing_equals_and_repeats(void **state)
{
    (void)state;
    struct gl_form f;
    char *c;
    assert_int_equal(parse("flag&x=1&=v&x=2&x", &f, &c), 0);
    assert_int_equal(f.n, 5);
    assert_string_equal(gl_form_get(&f, "flag"), ""); /* no '=': present, empty */
    assert_string_equal(gl_form_get(&f, ""), "v");    /* "=v": an empty name */
    assert_string_equal(gl_form_get(&f, "x"), "1");   /* the first of repeated names */
    assert_string_equal(f.values[3], "2");            /* the others kept, in order */
    assert_string_equal(f.names[4], "x");
    assert_string_equal(f.values[4], "");
    free(c);
}

static void test_trimmed(void **state)
{
    (void)state;
    struct gl_form f;
    char *c;
    assert_int_equal(parse("a=+%09+hi+there%0D%0A+&b=+++&c=x", &f, &c), 0);
    assert_string_equal(gl_form_get_trimmed(&f, "a"), "hi there");
    assert_string_equal(gl_form_get_trimmed(&f, "b"), "");
    assert_string_equal(gl_form_get_trimmed(&f, "c"), "x");
    assert_null(gl_form_get_trimmed(&f, "d"));
    free(c);
}

static void test_refused(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "a=%00",            /* a NUL cannot be in text */
        "a%00b=1",          /* nor in a name */
        "a=%C3%28",         /* a lead byte without its continuation */
        "a=%FF",            /* never in UTF-8 */
        "a=%C0%AF",         /* an overlong '/' */
        "a=%ED%A0%80",      /* a surrogate */
        "a=%F4%90%80%80",   /* past U+10FFFF */
        "a=%E2%82",         /* cut short */
        "ok=1&%80=1",       /* a bad name after a good field */
        "a=\xc3",           /* raw bytes, not only decoded ones */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct gl_form f;
        char *c;
        if (parse(bad[i], &f, &c) != -1) fail_msg("'%s' was accepted", bad[i]);
        free(c);
    }
    struct gl_form f;
    char *c;
    assert_int_equal(parse("a=%E2%82%AC&b=\xc3\xa9", &f, &c), 0); /* "€", raw "é" */
    assert_string_equal(gl_form_get(&f, "a"), "\xe2\x82\xac");
    assert_string_equal(gl_form_get(&f, "b"), "\xc3\xa9");
    free(c);
}

/* At most GL_FORM_MAX fields; a long value is no problem (the HTTP layer bounds the body). */
static void test_limits(void **state)
{
    (void)state;
    size_t cap = (GL_FORM_MAX + 1) * 8 + 1;
    char *s = malloc(cap);
    assert_non_null(s);
    size_t n = 0;
    for (unsigned i = 0; i < GL_FORM_MAX; i++)
        n += (size_t)snprintf(s + n, cap - n, "%sk%u=v", i ? "&" : "", i);
    struct gl_form f;
    char *c;
    assert_int_equal(parse(s, &f, &c), 0);
    assert_int_equal(f.n, GL_FORM_MAX);
    assert_string_equal(f.names[GL_FORM_MAX - 1], "k255");
    free(c);
    snprintf(s + n, cap - n, "&one=more");
    assert_int_equal(parse(s, &f, &c), -1);
    free(c);
    /* Empty parts do not count as fields. */
    snprintf(s + n, cap - n, "&&&");
    assert_int_equal(parse(s, &f, &c), 0);
    assert_int_equal(f.n, GL_FORM_MAX);
    free(c);
    free(s);

    size_t big = 1 << 20;
    s = malloc(big * 3 + 8);
    assert_non_null(s);
    memcpy(s, "v=", 2);
    for (size_t i = 0; i < big; i++)
        memcpy(s + 2 + 3 * i, "%41", 3);
    s[2 + 3 * big] = '\0';
    assert_int_equal(parse(s, &f, &c), 0);
    assert_int_equal(strlen(gl_form_get(&f, "v")), big);
    free(c);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields_and_decoding), cmocka_unit_test(test_broken_percent_kept),
        cmocka_unit_test(test_missing_equals_and_repeats), cmocka_unit_test(test_trimmed),
        cmocka_unit_test(test_refused), cmocka_unit_test(test_limits)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
