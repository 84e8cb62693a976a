/* The method table is sorted (lookups are a binary search) and every method is found. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "methods.h"

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
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_table_sorted_and_found)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
