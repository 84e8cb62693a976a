/* Encoded keys sort as their values do, and decode to what was encoded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "storekeys.h"

static int keycmp(const struct gl_key *a, const struct gl_key *b)
{
    size_t n = a->n < b->n ? a->n : b->n;
    int c = memcmp(a->b, b->b, n);
    return c ? c : (a->n > b->n) - (a->n < b->n);
}

static void test_time_keys_sort_numerically(void **state)
{
    (void)state;
    /* (profile, time, id) with negative, zero, positive and unscheduled times. */
    const int64_t times[] = {INT64_MIN, -86400, -1, 0, 1, 1700000000, 1700000001, GL_TIME_NONE};
    for (uint64_t prof = 1; prof <= 2; prof++) {
        for (size_t i = 0; i + 1 < sizeof times / sizeof times[0]; i++) {
            struct gl_key a, b;
            key_post_time(&a, prof, times[i], 99);
            key_post_time(&b, prof, times[i + 1], 1);
            assert_true(keycmp(&a, &b) < 0);
        }
    }
    struct gl_key a, b;
    key_post_time(&a, 1, GL_TIME_NONE, UINT64_MAX);
    key_post_time(&b, 2, INT64_MIN, 0);
    assert_true(keycmp(&a, &b) < 0); /* one profile's range never runs into the next */
    key_post_time(&a, 7, 1700000000, 5);
    key_post_time(&b, 7, 1700000000, 6);
    assert_true(keycmp(&a, &b) < 0);
}

static void test_time_key_round_trip(void **state)
{
    (void)state;
    struct gl_key k;
    key_post_time(&k, 42, -123456789, 77);
    uint64_t prof, id;
    int64_t at;
    key_post_time_decode(k.b, k.n, &prof, &at, &id);
    assert_int_equal(prof, 42);
    assert_int_equal(at, -123456789);
    assert_int_equal(id, 77);
}

static void test_status_and_child_keys(void **state)
{
    (void)state;
    struct gl_key a, b;
    key_post_status(&a, 4, 100, 1);
    key_post_status(&b, 4, 101, 0);
    assert_true(keycmp(&a, &b) < 0);
    key_post_status(&b, 5, INT64_MIN, 0);
    assert_true(keycmp(&a, &b) < 0);
    unsigned st;
    int64_t at;
    uint64_t id;
    key_post_status_decode(a.b, a.n, &st, &at, &id);
    assert_int_equal(st, 4);
    assert_int_equal(at, 100);
    assert_int_equal(id, 1);

    key_child(&a, 9, 255);
    key_child(&b, 9, 256);
    assert_true(keycmp(&a, &b) < 0);
    key_child(&b, 10, 0);
    assert_true(keycmp(&a, &b) < 0);
    uint64_t parent;
    uint32_t seq;
    key_child_decode(a.b, a.n, &parent, &seq);
    assert_int_equal(parent, 9);
    assert_int_equal(seq, 255);
}

static void test_id_keys(void **state)
{
    (void)state;
    struct gl_key a, b;
    key_id(&a, 255);
    key_id(&b, 256);
    assert_true(keycmp(&a, &b) < 0);
    assert_int_equal(key_id_decode(b.b, b.n), 256);
    assert_int_equal(key_id_decode(b.b, 3), 0); /* wrong length is no id */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_keys_sort_numerically),
        cmocka_unit_test(test_time_key_round_trip),
        cmocka_unit_test(test_status_and_child_keys),
        cmocka_unit_test(test_id_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
