/* The roles registry (protocol/roles.h): names round-trip, ranks rise, and protocol/README.md's
 * Roles table is the list, row for row. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "docfile.h"
#include "records.h"

static void test_names_round_trip(void **state)
{
    (void)state;
    for (int r = ROLE_NONE + 1; r < ROLE_COUNT; r++) {
        assert_int_equal(gl_role_parse(gl_role_name((enum gl_role)r)), r);
        assert_true(*gl_role_label((enum gl_role)r));
    }
    assert_int_equal(gl_role_parse("none"), ROLE_NONE);
    assert_int_equal(gl_role_parse("root"), ROLE_NONE);
    assert_string_equal(gl_role_name(ROLE_COUNT), "none");
    assert_true(ROLE_VIEWER < ROLE_EDITOR && ROLE_EDITOR < ROLE_MANAGER &&
                ROLE_MANAGER < ROLE_ADMIN);
}

static void test_readme_table_is_the_list(void **state)
{
    (void)state;
    char *doc = read_file("protocol/README.md");
    assert_non_null(doc);
    const char *sec = strstr(doc, "\n## Roles\n");
    assert_non_null(sec);
    const char *end = strstr(sec + 1, "\n## ");
    assert_non_null(end);
    char want[2048] = "";
    size_t n = 0;
    for (int r = ROLE_NONE + 1; r < ROLE_COUNT; r++)
        n += (size_t)snprintf(want + n, sizeof want - n, "| `%s` | %s | %d | %s |\n",
                              gl_role_name((enum gl_role)r), gl_role_label((enum gl_role)r), r,
                              gl_role_may((enum gl_role)r));
    /* The table's rows, in order, as the list makes them. */
    char got[2048] = "";
    size_t g = 0;
    for (const char *p = sec; p && p < end; p = strchr(p, '\n'), p = p ? p + 1 : p) {
        if (strncmp(p, "| `", 3) != 0) continue;
        const char *eol = strchr(p, '\n');
        g += (size_t)snprintf(got + g, sizeof got - g, "%.*s\n", (int)(eol - p), p);
    }
    assert_string_equal(got, want);
    free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_names_round_trip),
                                       cmocka_unit_test(test_readme_table_is_the_list)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
