/* The caption diff: the words added and removed, their order, the escaping, and the bound. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "captiondiff.h"

/* The diff as a string: "=word", "+word", "-word" joined by spaces. */
static char *diff_text(msgpack_zone *z, const char *before, const char *after)
{
    struct gl_word_diff *d;
    size_t n = gl_caption_diff(z, before, after, &d);
    if (n == (size_t)-1) return strdup("(too long)");
    struct gl_buf b;
    buf_init(&b, 128);
    for (size_t i = 0; i < n; i++)
        buf_printf(&b, "%s%c%s", i ? " " : "", "=+-"[d[i].edit], d[i].word);
    buf_put(&b, "", 1);
    return b.p;
}

static void expect(const char *before, const char *after, const char *want)
{
    msgpack_zone z;
    msgpack_zone_init(&z, 4096);
    char *got = diff_text(&z, before, after);
    assert_string_equal(got, want);
    free(got);
    msgpack_zone_destroy(&z);
}

static void test_words_added_and_removed(void **state)
{
    (void)state;
    expect("", "", "");
    expect("same words", "same  words\n", "=same =words"); /* blanks are not words */
    expect("", "new text", "+new +text");
    expect("old text", "", "-old -text");
    expect("launch on monday", "launch on friday", "=launch =on +friday -monday");
    expect("a b c d", "a c d e", "=a -b =c =d +e");
    expect("one two", "two one", "+two =one -two");
}

static void test_html_is_escaped_and_counted(void **state)
{
    (void)state;
    msgpack_zone z;
    msgpack_zone_init(&z, 4096);
    struct gl_buf b;
    buf_init(&b, 256);
    gl_caption_diff_html(&b, &z, "hi <b>", "hi <script>");
    buf_put(&b, "", 1);
    assert_string_equal(b.p, "<p class=\"diff\">hi <ins>&lt;script&gt;</ins> <del>&lt;b&gt;</del> "
                             "</p><p class=\"meta\">1 word added, 1 removed.</p>");
    buf_free(&b);
    msgpack_zone_destroy(&z);
}

static void test_long_captions_are_not_compared(void **state)
{
    (void)state;
    /* 2,001 words on each side: over the bound, so no table of 4 million cells is made. */
    struct gl_buf x;
    buf_init(&x, 8192);
    for (int i = 0; i <= 2000; i++)
        buf_puts(&x, "w ");
    buf_put(&x, "", 1);
    msgpack_zone z;
    msgpack_zone_init(&z, 4096);
    struct gl_word_diff *d;
    assert_int_equal(gl_caption_diff(&z, x.p, x.p, &d), (size_t)-1);
    struct gl_buf b;
    buf_init(&b, 256);
    gl_caption_diff_html(&b, &z, "<was>", "x");
    buf_put(&b, "", 1);
    assert_non_null(strstr(b.p, "<ins>x</ins>"));
    b.n = 0;
    gl_caption_diff_html(&b, &z, x.p, x.p);
    buf_put(&b, "", 1);
    assert_non_null(strstr(b.p, "The caption was rewritten."));
    buf_free(&b);
    buf_free(&x);
    msgpack_zone_destroy(&z);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words_added_and_removed),
        cmocka_unit_test(test_html_is_escaped_and_counted),
        cmocka_unit_test(test_long_captions_are_not_compared),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
