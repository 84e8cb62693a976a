/* The password-attempt limits: counted at admission, waits rather than refusals while attempts
 * are in flight, refusals per key after failures, a slow-down, and the window's end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "auth.h"

static const struct gl_limit_rule pair = {
    .scope = "t-pair", .max_fails = 3, .clear_on_success = true};
static const struct gl_limit_rule addr = {.scope = "t-addr", .max_inflight = 2};
static const struct gl_limit_rule user = {.scope = "t-user", .slow_after = 2};

static enum gl_limit_verdict try(struct gl_attempt *a, const char *who, const char *from,
                                 int64_t now, unsigned *delay_ms)
{
    int64_t wait = 0;
    memset(a, 0, sizeof *a);
    gl_attempt_key(a, &pair, "%s %s", from, who);
    gl_attempt_key(a, &addr, "%s", from);
    gl_attempt_key(a, &user, "%s", who);
    enum gl_limit_verdict v = gl_attempt_admit(a, now, &wait, delay_ms);
    if (v == GL_LIMIT_THROTTLED) assert_true(wait > 0 && wait <= GL_LIMIT_WINDOW);
    return v;
}

static void test_in_flight_attempts_make_later_ones_wait(void **state)
{
    (void)state;
    struct gl_attempt a[4];
    unsigned d;
    assert_int_equal(try(&a[0], "ann", "10.0.0.1", 1000, &d), GL_LIMIT_OK);
    assert_int_equal(try(&a[1], "ann", "10.0.0.1", 1000, &d), GL_LIMIT_OK);
    /* The address's two places are taken. */
    assert_int_equal(try(&a[2], "bob", "10.0.0.1", 1000, &d), GL_LIMIT_WAIT);
    gl_attempt_end(&a[0], false);
    /* One failure and one in flight: a third attempt for ann would pass only if it succeeds. */
    assert_int_equal(try(&a[2], "ann", "10.0.0.1", 1000, &d), GL_LIMIT_OK);
    assert_int_equal(try(&a[3], "ann", "10.0.0.1", 1000, &d), GL_LIMIT_WAIT);
    gl_attempt_end(&a[1], false);
    gl_attempt_end(&a[2], false);
    assert_int_equal(try(&a[3], "ann", "10.0.0.1", 1000, &d), GL_LIMIT_THROTTLED);
    /* Elsewhere ann is only slowed down: three failures, one past slow_after. */
    assert_int_equal(try(&a[3], "ann", "10.0.0.2", 1000, &d), GL_LIMIT_OK);
    assert_true(d > 0);
    gl_attempt_end(&a[3], true);
    /* The window ends. */
    assert_int_equal(try(&a[0], "ann", "10.0.0.1", 1000 + GL_LIMIT_WINDOW, &d), GL_LIMIT_OK);
    gl_attempt_end(&a[0], true);
}

static void test_a_success_clears_the_pair(void **state)
{
    (void)state;
    struct gl_attempt a;
    unsigned d;
    for (int i = 0; i < 2; i++) {
        assert_int_equal(try(&a, "cat", "10.0.0.9", 5000, &d), GL_LIMIT_OK);
        gl_attempt_end(&a, false);
    }
    assert_int_equal(try(&a, "cat", "10.0.0.9", 5000, &d), GL_LIMIT_OK);
    gl_attempt_end(&a, true);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(try(&a, "cat", "10.0.0.9", 5000, &d), GL_LIMIT_OK);
        gl_attempt_end(&a, false);
    }
    assert_int_equal(try(&a, "cat", "10.0.0.9", 5000, &d), GL_LIMIT_THROTTLED);
    gl_attempt_end(&a, false); /* not admitted: does nothing */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_in_flight_attempts_make_later_ones_wait),
        cmocka_unit_test(test_a_success_clears_the_pair),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
