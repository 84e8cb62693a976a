/* The preview frames' crops: every aspect ratio of the network rules has its class, and the
 * stylesheet built into the daemon gives that class its ratio (the pages' CSP allows no style
 * attribute, so a ratio missing from style.css would show uncropped). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "netrules.h"
#include "pagepreview.h"
#include "webbuf.h"
#include "webstatic.h"

static void check_ratio(struct gl_ratio r)
{
    if (!r.w) return;
    struct gl_buf b;
    buf_init(&b, 32);
    page_ratio_class(&b, r.w * 3, r.h * 3); /* the same ratio, in other numbers */
    buf_put(&b, "", 1);
    char want[32], rule[64];
    snprintf(want, sizeof want, "r-%d-%d", r.w, r.h);
    assert_string_equal(b.p, want);
    snprintf(rule, sizeof rule, ".%s{aspect-ratio:%d/%d", want, r.w, r.h);
    if (!strstr(gl_web_css, rule)) fail_msg("style.css lacks %s", rule);
    buf_free(&b);
}

static void test_every_ratio_has_its_class(void **state)
{
    (void)state;
    for (size_t i = 0; i < gl_nnetrules; i++) {
        check_ratio(gl_netrules[i].tallest);
        check_ratio(gl_netrules[i].widest);
        check_ratio(gl_netrules[i].grid);
    }
    struct gl_buf b;
    buf_init(&b, 32);
    page_ratio_class(&b, 7, 3);
    buf_put(&b, "", 1);
    assert_string_equal(b.p, "r-any");
    assert_non_null(strstr(gl_web_css, ".r-any"));
    buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_every_ratio_has_its_class)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
