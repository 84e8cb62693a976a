/* Grapheme clusters measured as the terminal draws them, and never cut in the middle. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "uwidth.h"

static int setup(void **state)
{
    (void)state;
    return setlocale(LC_CTYPE, "C.UTF-8") ? 0 : -1;
}

static void one(const char *s, size_t len, int width, int ncell)
{
    struct gl_uw_cluster c;
    gl_uw_next(s, strlen(s), &c);
    assert_int_equal(c.len, len);
    assert_int_equal(c.width, width);
    assert_int_equal(c.ncell, ncell);
}

static void test_clusters(void **state)
{
    (void)state;
    one("abc", 1, 1, 1);
    one("\xc3\xa9t\xc3\xa9", 2, 1, 1);                   /* é precomposed */
    one("e\xcc\x81x", 3, 1, 1);                           /* e + combining acute */
    one("\xe6\x8a\xb9\xe8\x8c\xb6", 3, 2, 1);             /* 抹 */
    one("\xe2\x98\x95!", 3, 2, 1);                        /* ☕ */
    one("\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x8d\xb3x", 11, 2, 1); /* 👩‍🍳: one cell */
    one("\xf0\x9f\x87\xab\xf0\x9f\x87\xb7\xf0\x9f\x87\xa9", 8, 2, 2); /* 🇫🇷 then 🇩 */
    one("\xe2\x9d\xa4\xef\xb8\x8f!", 6, 1, 1);           /* ❤️: VS16 drawn over */
    one("\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd", 8, 4, 2);    /* 👍🏽: tone in its own cell */
    one("\x01x", 1, 1, 1);                                /* a control: one space */
    one("\xff\xfe", 1, 1, 1);                             /* bad bytes: one each */
    struct gl_uw_cluster c;
    gl_uw_next("\x01", 1, &c);
    assert_true(c.control);
    /* Plain ASCII (its own shorter road): one cell holding the character, as any other. */
    gl_uw_next("a", 1, &c);
    assert_true(c.len == 1 && c.width == 1 && !c.control && c.ncell == 1);
    assert_true(c.cell[0].ncp == 1 && c.cell[0].cp[0] == 'a' && c.cell[0].width == 1);
    one("~\xcc\x81", 3, 1, 1); /* ASCII followed by a combining mark: not alone */
    one(" \x7f", 1, 1, 1);
}

static void test_width_and_fit(void **state)
{
    (void)state;
    assert_int_equal(gl_uw_width("Zo\xc3\xab"), 3);
    assert_int_equal(gl_uw_width("Chef \xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x8d\xb3 \xf0\x9f\x87\xab\xf0\x9f\x87\xb7"), 10);
    int used;
    /* "a🇫🇷b" in 2 columns: the flag does not fit whole, so only "a". */
    assert_int_equal(gl_uw_fit("a\xf0\x9f\x87\xab\xf0\x9f\x87\xb7" "b", 2, &used), 1);
    assert_int_equal(used, 1);
    assert_int_equal(gl_uw_fit("a\xf0\x9f\x87\xab\xf0\x9f\x87\xb7" "b", 3, &used), 9);
    assert_int_equal(used, 3);
    /* The ZWJ sequence is never split between its emoji. */
    assert_int_equal(gl_uw_fit("\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x8d\xb3", 1, &used), 0);
    assert_int_equal(gl_uw_fit("\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x8d\xb3", 2, &used), 11);
    /* A combining mark stays with its letter. */
    assert_int_equal(gl_uw_fit("ae\xcc\x81", 1, &used), 1);
    assert_int_equal(gl_uw_fit("ae\xcc\x81", 2, &used), 4);
    assert_int_equal(gl_uw_fit(NULL, 5, &used), 0);
    /* A sequence cut by the end of the string (snprintf into a small buffer) is not drawn; a
     * bad byte elsewhere is one '?'; nothing is read past the end. */
    assert_int_equal(gl_uw_width("ab\xe6\x8a"), 2);
    assert_int_equal(gl_uw_width("ab\xf0\x9f"), 2);
    assert_int_equal(gl_uw_width("a\x8a" "b"), 3);
    assert_int_equal(gl_uw_width("\xe6\x8a" "b"), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clusters),
        cmocka_unit_test(test_width_and_fit),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
