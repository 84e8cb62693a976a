/* The route table: its matcher, its gates, and docs/http.md's address list in step with it.
 * Run with --markdown to print the list for the docs, or --doc FILE to check another copy. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "docfile.h"

#include "webroutes.h"

static const char *doc_path = "docs/http.md";

/* The address list the routes make, NUL-terminated, to free. */
static char *routes_markdown(void)
{
    struct gl_buf b;
    buf_init(&b, 2048);
    gl_web_routes_markdown(&b);
    buf_put(&b, "", 1);
    return b.p;
}

/* The route of kind when that a method-less lookup finds for path, or NULL. */
static const struct web_route *find(enum web_when when, const char *path, unsigned method,
                                    struct web_args *a)
{
    for (size_t i = 0; i < gl_web_nroutes; i++) {
        const struct web_route *r = &gl_web_routes[i];
        if (r->when == when && (r->methods & method) && web_route_matches(r, path, a)) return r;
    }
    return NULL;
}

static void test_paths_match_their_routes(void **state)
{
    (void)state;
    struct web_args a = {0};
    assert_ptr_equal(find(WHEN_SITE, "/healthz", WM_GET, &a)->site, web_serve_health);
    assert_null(find(WHEN_SITE, "/healthz/", WM_GET, &a));
    assert_ptr_equal(find(WHEN_ACTIVE, "", WM_GET, &a)->link, web_serve_main);
    assert_ptr_equal(find(WHEN_ACTIVE, "/p/12", WM_GET, &a)->link, web_serve_detail);
    assert_int_equal(a.post, 12);
    assert_ptr_equal(find(WHEN_ACTIVE, "/p/12/m/7", WM_GET, &a)->link, web_serve_media);
    assert_int_equal(a.post, 12);
    assert_int_equal(a.media, 7);
    assert_ptr_equal(find(WHEN_ACTIVE, "/p/3", WM_POST, &a)->link, web_post_decision);
    assert_ptr_equal(find(WHEN_EXPIRED, "/request", WM_POST, &a)->link, web_post_request);
    assert_ptr_equal(find(WHEN_ACTIVE, "/request", WM_POST, &a)->link, web_post_request_active);
    /* Ids start at 1 and have nothing after them. */
    static const char *const unknown[] = {"/p/0",           "/p/012",   "/p/",     "/p/5/",
                                          "/p/5x",          "/p/5/m/0", "/p/5/m/", "/bulk/",
                                          "/calendar.icsx", "/P/5",     "/p/-5",   "/p/+5"};
    for (size_t i = 0; i < sizeof unknown / sizeof *unknown; i++)
        assert_null(find(WHEN_ACTIVE, unknown[i], WM_GET | WM_POST, &a));
    assert_null(find(WHEN_EXPIRED, "", WM_GET, &a)); /* an expired link's page is its 410 */
}

static void test_gates(void **state)
{
    (void)state;
    struct web_args a = {0};
    /* Every form has its CSRF check, and every page past the sign-in its gate. */
    for (size_t i = 0; i < gl_web_nroutes; i++) {
        const struct web_route *r = &gl_web_routes[i];
        assert_true((r->site != NULL) == (r->when == WHEN_SITE));
        assert_true((r->link != NULL) == (r->when != WHEN_SITE));
        if (r->methods == WM_POST && r->link != web_post_request_active)
            assert_true(r->gates & WG_FORM);
    }
    assert_true(find(WHEN_ACTIVE, "", WM_GET, &a)->gates & WG_SIGNIN);
    assert_true(find(WHEN_ACTIVE, "/p/1/m/1", WM_GET, &a)->gates & WG_SIGNIN);
    assert_true(find(WHEN_ACTIVE, "/bulk", WM_POST, &a)->gates & WG_BULK);
    assert_true(find(WHEN_ACTIVE, "/p/1", WM_POST, &a)->gates & WG_POST);
    assert_false(find(WHEN_ACTIVE, "/session", WM_POST, &a)->gates & WG_SIGNIN);
    assert_false(find(WHEN_ACTIVE, "/calendar.ics", WM_GET, &a)->gates & WG_SIGNIN);
    assert_string_equal(web_allow(WM_GET), "GET, HEAD");
    assert_string_equal(web_allow(WM_GET | WM_POST), "GET, HEAD, POST");
}

/* The "## Addresses" table of the document is exactly the one the routes make. */
static void test_docs_list_the_routes(void **state)
{
    (void)state;
    char *want = routes_markdown();
    char *doc = read_file(doc_path);
    assert_non_null(doc); /* run from the repository's root, as make test-unit does */
    const char *sec = strstr(doc, "\n## Addresses\n");
    assert_non_null(sec);
    const char *table = strstr(sec, "\n| method |");
    assert_non_null(table);
    table++;
    const char *end = strstr(table, "\n\n");
    size_t n = end ? (size_t)(end - table) + 1 : strlen(table);
    if (n != strlen(want) || memcmp(table, want, n) != 0)
        fail_msg("%s's address list differs from the route table (webroutes.c), which is:\n%s",
                 doc_path, want);
    free(doc);
    free(want);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--markdown") == 0) {
        char *md = routes_markdown();
        fputs(md, stdout);
        free(md);
        return 0;
    }
    if (argc > 2 && strcmp(argv[1], "--doc") == 0) doc_path = argv[2];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paths_match_their_routes),
        cmocka_unit_test(test_gates),
        cmocka_unit_test(test_docs_list_the_routes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
