/* The webhook publisher's answer: the live URL is taken from a JSON object's "url" only when it
 * is an http(s) URL of bounded size without control characters; anything else is none. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "publish_webhook.h"

static char *url_of(const char *body)
{
    return gl_publish_answer_url(body, body ? strlen(body) : 0);
}

static void test_url_taken_from_an_object(void **state)
{
    (void)state;
    char *u = url_of("{\"url\": \"https://social.example/p/1\", \"id\": 7}");
    assert_non_null(u);
    assert_string_equal(u, "https://social.example/p/1");
    free(u);
    u = url_of("{\"url\": \"http://127.0.0.1/x\"}");
    assert_string_equal(u, "http://127.0.0.1/x");
    free(u);
}

static void test_no_url_otherwise(void **state)
{
    (void)state;
    static const char *const none[] = {
        "",
        "ok",
        "[\"https://a.example/\"]",
        "{\"url\": 5}",
        "{\"url\": \"javascript:alert(1)\"}",
        "{\"url\": \"ftp://a.example/\"}",
        "{\"link\": \"https://a.example/\"}",
        "{\"url\": \"https://a.example/\\nSet-Cookie: x\"}",
        "{\"url\": \"https://a.example/\", \"url\": \"https://b.example/\"}", /* duplicate keys */
        "{\"url\": \"https://a.example/\"",                                   /* cut */
    };
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) {
        char *u = url_of(none[i]);
        if (u) fail_msg("a URL from %s: %s", none[i], u);
    }
    assert_null(gl_publish_answer_url(NULL, 0));
    /* Longer than an endpoint URL may be. */
    size_t n = GL_WEBHOOK_URL_MAX + 64;
    char *big = malloc(n + 32);
    strcpy(big, "{\"url\": \"https://a.example/");
    size_t at = strlen(big);
    memset(big + at, 'a', n - at);
    strcpy(big + n, "\"}");
    assert_null(url_of(big));
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_url_taken_from_an_object),
        cmocka_unit_test(test_no_url_otherwise),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
