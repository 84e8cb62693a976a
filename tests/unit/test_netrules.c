/* The network rules table: every row whole and consistent, every row with its source named
 * in netrules.c, and every platform the demo and the client suggest known. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "docfile.h"
#include "netrules.h"

static void test_rows_whole(void **state)
{
    (void)state;
    assert_true(gl_nnetrules >= 6);
    for (size_t i = 0; i < gl_nnetrules; i++) {
        const struct gl_netrule *r = &gl_netrules[i];
        assert_non_null(r->platform);
        assert_non_null(r->label);
        assert_true(r->limit > 0);
        assert_true(r->max_images > 0);
        assert_true(r->more_at >= 0 && r->more_at < r->limit);
        /* Ratios come in pairs, the tallest no wider than the widest. */
        assert_int_equal(r->tallest.w > 0, r->widest.w > 0);
        if (r->tallest.w > 0)
            assert_true((int64_t)r->tallest.w * r->widest.h <= (int64_t)r->widest.w * r->tallest.h);
        assert_int_equal(r->grid.w > 0, r->grid.h > 0);
        assert_ptr_equal(gl_netrule_find(r->platform), r);
        for (size_t j = 0; j < i; j++) assert_string_not_equal(gl_netrules[j].platform, r->platform);
    }
}

static void test_find(void **state)
{
    (void)state;
    static const char *const known[] = {"instagram", "facebook", "linkedin", "x", "threads",
                                        "mastodon", "tiktok", "Instagram", "X"};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        assert_non_null(gl_netrule_find(known[i]));
    assert_null(gl_netrule_find("bluesky"));
    assert_null(gl_netrule_find(""));
    assert_null(gl_netrule_find(NULL));
    assert_int_equal(gl_netrule_find("x")->limit, 280);
    assert_int_equal(gl_netrule_find("x")->url_length, 23);
    assert_int_equal(gl_netrule_find("instagram")->limit, 2200);
    assert_false(gl_netrule_find("instagram")->links_clickable);
    assert_true(gl_netrule_find("mastodon")->mention_local);
}

/* Each row of the table is preceded by a comment that names where its numbers come from. */
static void test_sources_named(void **state)
{
    (void)state;
    char *src = read_file("server/netrules.c");
    assert_non_null(src);
    for (size_t i = 0; i < gl_nnetrules; i++) {
        char needle[64];
        snprintf(needle, sizeof needle, "{.platform = \"%s\"", gl_netrules[i].platform);
        const char *row = strstr(src, needle);
        assert_non_null(row);
        /* The text between the previous row (or the table's start) and this one is a
         * comment of some length. */
        const char *start = row;
        while (start > src && !(start[0] == '}' && start[1] == ',')) start--;
        const char *open = strstr(start, "/*");
        assert_non_null(open);
        assert_true(open < row);
        assert_true(row - open > 60);
    }
    free(src);
}

/* The platforms the demo fills in and the client suggests all have rules. */
static void test_demo_platforms_known(void **state)
{
    (void)state;
    static const char *const files[] = {"server/demo.c", "tui/view_picker.c"};
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        char *src = read_file(files[f]);
        assert_non_null(src);
        static const char *const names[] = {"\"instagram\"", "\"facebook\"", "\"x\"",
                                            "\"linkedin\"", "\"tiktok\""};
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
            if (!strstr(src, names[i])) continue;
            char plain[32];
            snprintf(plain, sizeof plain, "%.*s", (int)strlen(names[i]) - 2, names[i] + 1);
            assert_non_null(gl_netrule_find(plain));
        }
        free(src);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_whole),
        cmocka_unit_test(test_find),
        cmocka_unit_test(test_sources_named),
        cmocka_unit_test(test_demo_platforms_known),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
