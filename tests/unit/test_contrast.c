/* WCAG 2.x luminance and contrast against known values, the accent check, and the colours it
 * checks against kept equal to the stylesheet's. */
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

#include "contrast.h"

static void test_luminance_known_values(void **state)
{
    (void)state;
    assert_true(gl_luminance(0x000000) == 0.0);
    assert_true(gl_luminance(0xffffff) == 1.0);
    /* The channel weights of WCAG 2.x. */
    assert_float_equal(gl_luminance(0xff0000), 0.2126, 1e-9);
    assert_float_equal(gl_luminance(0x00ff00), 0.7152, 1e-9);
    assert_float_equal(gl_luminance(0x0000ff), 0.0722, 1e-9);
    /* Mid grey: ((0.5+0.055)/1.055)^2.4 for 0x80 = 128/255. */
    assert_float_equal(gl_luminance(0x808080), 0.2158605, 1e-6);
}

static void test_ratio_known_values(void **state)
{
    (void)state;
    assert_float_equal(gl_contrast_ratio(0x000000, 0xffffff), 21.0, 1e-9);
    assert_float_equal(gl_contrast_ratio(0xffffff, 0x000000), 21.0, 1e-9);
    assert_float_equal(gl_contrast_ratio(0x123456, 0x123456), 1.0, 1e-9);
    /* The classic pair either side of 4.5:1 on white: #767676 passes, #777777 does not. */
    assert_float_equal(gl_contrast_ratio(0x767676, 0xffffff), 4.54, 0.005);
    assert_float_equal(gl_contrast_ratio(0x777777, 0xffffff), 4.48, 0.005);
    assert_float_equal(gl_contrast_ratio(0xff0000, 0xffffff), 4.00, 0.005);
}

static void test_colour_parse(void **state)
{
    (void)state;
    uint32_t c = 0;
    assert_true(gl_colour_parse("#1f7A4d", &c));
    assert_int_equal(c, 0x1f7a4d);
    assert_false(gl_colour_parse("1f7a4d", &c));
    assert_false(gl_colour_parse("#1f7a4", &c));
    assert_false(gl_colour_parse("#1f7a4dd", &c));
    assert_false(gl_colour_parse("#1f7a4g", &c));
    assert_false(gl_colour_parse("red", &c));
    assert_false(gl_colour_parse(NULL, &c));
}

static void test_accent_check(void **state)
{
    (void)state;
    char why[256] = "";
    assert_true(gl_accent_ok(0x1f7a4d, why, sizeof why)); /* the stylesheet's own green */
    assert_true(gl_accent_ok(0x000000, why, sizeof why));
    assert_false(gl_accent_ok(0xffcc00, why, sizeof why));
    assert_non_null(strstr(why, "4.5:1"));
    assert_non_null(strstr(why, "1.5")); /* #ffcc00 on white: 1.54:1 */
    assert_false(gl_accent_ok(0x777777, why, sizeof why));
    assert_non_null(strstr(why, "4.47:1"));
    /* #767676 passes white (4.54) but not the grey page background. */
    assert_false(gl_accent_ok(0x767676, why, sizeof why));
    assert_non_null(strstr(why, "background"));
}

/* The colours the accent is checked against are the stylesheet's variables. */
static void test_against_is_the_stylesheet(void **state)
{
    (void)state;
    char *css = read_file("server/static/style.css");
    assert_non_null(css);
    uint32_t rgb;
    const char *var;
    size_t i = 0;
    for (; gl_accent_against(i, &rgb, &var); i++) {
        char want[32], want3[32];
        snprintf(want, sizeof want, "%s:#%06x", var, (unsigned)rgb);
        /* #fff is how the stylesheet writes white. */
        snprintf(want3, sizeof want3, "%s:#%x%x%x;", var, (unsigned)(rgb >> 20 & 15),
                 (unsigned)(rgb >> 12 & 15), (unsigned)(rgb >> 4 & 15));
        bool short_ok = (rgb >> 16 & 0xff) % 17 == 0 && (rgb >> 8 & 0xff) % 17 == 0 &&
                        (rgb & 0xff) % 17 == 0 && strstr(css, want3);
        if (!strstr(css, want) && !short_ok) fail_msg("style.css has no %s", want);
    }
    assert_int_equal(i, 4);
    free(css);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_luminance_known_values),
        cmocka_unit_test(test_ratio_known_values),
        cmocka_unit_test(test_colour_parse),
        cmocka_unit_test(test_accent_check),
        cmocka_unit_test(test_against_is_the_stylesheet),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
