/* Webhooks: the signature is the Standard Webhooks one (the specification's own example), the
 * URL rules, loopback addresses, and due keys that sort by time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "storekeys.h"
#include "webhook.h"
#include "webhook_send.h"

static void test_signature_matches_the_specification_example(void **state)
{
    (void)state;
    /* From the Standard Webhooks specification and its reference libraries' tests. */
    const char *secret_b64 = "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    unsigned char key[64];
    size_t keylen = 0;
    assert_int_equal(sodium_base642bin(key, sizeof key, secret_b64, strlen(secret_b64), NULL,
                                       &keylen, NULL, sodium_base64_VARIANT_ORIGINAL),
                     0);
    const char *body = "{\"test\": 2432232314}";
    char sig[GL_WEBHOOK_SIGNATURE_LEN];
    gl_webhook_sign(key, keylen, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body, strlen(body),
                    sig);
    assert_string_equal(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

static void test_url_rules(void **state)
{
    (void)state;
    static const char *const ok[] = {"https://example.com/h", "https://10.0.0.1:8443/x",
                                     "http://localhost/h",    "http://127.0.0.1:9/h",
                                     "http://[::1]:80/",      "http://127.255.0.1/"};
    static const char *const refused[] = {"http://example.com/",
                                          "http://10.0.0.1/",
                                          "http://0.0.0.0/",
                                          "http://localhost.evil/",
                                          "http://[::2]/",
                                          "ftp://127.0.0.1/",
                                          "file:///etc/passwd",
                                          "javascript:alert(1)",
                                          "",
                                          "https://"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        struct gl_err err = {0};
        if (gl_webhook_url_check(ok[i], &err) != 0) fail_msg("%s refused: %s", ok[i], err.message);
    }
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        struct gl_err err = {0};
        if (gl_webhook_url_check(refused[i], &err) == 0) fail_msg("%s accepted", refused[i]);
        assert_int_equal(err.code, GL_E_BAD_REQUEST);
    }
}

static void test_loopback_addresses(void **state)
{
    (void)state;
    assert_true(gl_webhook_addr_loopback("127.0.0.1"));
    assert_true(gl_webhook_addr_loopback("127.1.2.3"));
    assert_true(gl_webhook_addr_loopback("::1"));
    assert_true(gl_webhook_addr_loopback("::ffff:127.0.0.1"));
    assert_false(gl_webhook_addr_loopback("128.0.0.1"));
    assert_false(gl_webhook_addr_loopback("0.0.0.0"));
    assert_false(gl_webhook_addr_loopback("::ffff:10.0.0.1"));
    assert_false(gl_webhook_addr_loopback("localhost"));
    assert_false(gl_webhook_addr_loopback(""));
}

static void test_due_keys_sort_by_time_then_id(void **state)
{
    (void)state;
    struct gl_key a, b;
    key_webhook_due(&a, 1000, 99);
    key_webhook_due(&b, 1001, 1);
    assert_true(memcmp(a.b, b.b, a.n) < 0);
    key_webhook_due(&b, 1000, 100);
    assert_true(memcmp(a.b, b.b, a.n) < 0);
    int64_t at;
    uint64_t id;
    key_webhook_due_decode(a.b, a.n, &at, &id);
    assert_int_equal(at, 1000);
    assert_int_equal(id, 99);
}

static void test_events_parse(void **state)
{
    (void)state;
    const char *good[] = {"post.approved", "link.requested"};
    unsigned bits = 0;
    struct gl_err err = {0};
    assert_int_equal(gl_webhook_events_parse(good, 2, &bits, &err), 0);
    assert_true(bits & (1u << EV_POST_APPROVED));
    const char *bad[] = {"post.approved", "post.created"};
    assert_int_equal(gl_webhook_events_parse(bad, 2, &bits, &err), -1);
    assert_non_null(strstr(err.message, "post.created"));
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_signature_matches_the_specification_example),
        cmocka_unit_test(test_url_rules),
        cmocka_unit_test(test_loopback_addresses),
        cmocka_unit_test(test_due_keys_sort_by_time_then_id),
        cmocka_unit_test(test_events_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
