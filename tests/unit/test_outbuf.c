/* The connections' output rule (common/outbuf.c): gathering a reply's buffers, and the cap on
 * output queued across connections, which pushes out the reader stalled longest. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "outbuf.h"

static void test_len_and_gather(void **state)
{
    (void)state;
    uv_buf_t b[3] = {uv_buf_init((char *)"head", 4), uv_buf_init((char *)"", 0),
                     uv_buf_init((char *)"body!", 5)};
    assert_int_equal(gl_outbuf_len(b, 3), 9);
    char out[16];
    for (size_t skip = 0; skip <= 9; skip++) {
        memset(out, 0, sizeof out);
        size_t n = gl_outbuf_gather(out, b, 3, skip);
        assert_int_equal(n, 9 - skip);
        assert_memory_equal(out, "headbody!" + skip, n);
    }
}

/* A pool of fake connections: an array, dropped ones marked closed. */
struct fake {
    struct gl_outq q;
    bool closed;
};
struct fakes {
    struct fake c[5];
    unsigned n;
    unsigned drops;
};

static struct gl_outq *each(void *ctx, struct gl_outq *after)
{
    struct fakes *f = ctx;
    unsigned i = after ? (unsigned)((struct fake *)(void *)after - f->c) + 1 : 0;
    while (i < f->n && f->c[i].closed)
        i++;
    return i < f->n ? &f->c[i].q : NULL;
}

static void drop(void *ctx, struct gl_outq *q)
{
    struct fakes *f = ctx;
    ((struct fake *)(void *)q)->closed = true;
    f->drops++;
}

static size_t total(const struct fakes *f)
{
    size_t t = 0;
    for (unsigned i = 0; i < f->n; i++)
        if (!f->c[i].closed) t += f->c[i].q.queued;
    return t;
}

static void test_queue_bookkeeping(void **state)
{
    (void)state;
    struct gl_outq q = {0};
    gl_outq_add(&q, 10, 100);
    assert_int_equal(q.stalled_since, 100);
    gl_outq_add(&q, 5, 200); /* not empty: still standing since 100 */
    assert_int_equal(q.stalled_since, 100);
    assert_int_equal(q.queued, 15);
    gl_outq_done(&q, 10, true, 300);
    assert_int_equal(q.stalled_since, 300);
    gl_outq_done(&q, 5, false, 400); /* given back: no progress */
    assert_int_equal(q.stalled_since, 300);
    assert_int_equal(q.queued, 0);
}

static void test_make_room(void **state)
{
    (void)state;
    const uint64_t now = 10000;
    struct fakes f = {.n = 4};
    struct gl_outpool p = {.max = 100, .stalled_ms = 1000, .ctx = &f, .each = each, .drop = drop};
    /* Under the cap: nothing happens. */
    f.c[0].q = (struct gl_outq){.queued = 40, .stalled_since = 1000};
    f.c[1].q = (struct gl_outq){.queued = 30, .stalled_since = 1000};
    f.c[2].q = (struct gl_outq){.queued = 20, .stalled_since = 9500};
    f.c[3].q = (struct gl_outq){.queued = 0, .stalled_since = 0};
    assert_true(gl_outq_make_room(&p, &f.c[3].q, 10, total(&f), now));
    assert_int_equal(f.drops, 0);
    /* A running total above the truth still finds the real figure. */
    assert_true(gl_outq_make_room(&p, &f.c[3].q, 10, 1000, now));
    assert_int_equal(f.drops, 0);
    /* Over: the stalled-longest goes first, the most queued among equals (c[0] before c[1]). */
    assert_true(gl_outq_make_room(&p, &f.c[3].q, 50, total(&f), now));
    assert_int_equal(f.drops, 1);
    assert_true(f.c[0].closed && !f.c[1].closed);
    /* Then c[1]; c[2] has moved recently and is never pushed out, so past that: refused. */
    assert_true(gl_outq_make_room(&p, &f.c[3].q, 75, total(&f), now));
    assert_true(f.c[1].closed);
    assert_false(gl_outq_make_room(&p, &f.c[3].q, 90, total(&f), now));
    assert_false(f.c[2].closed);
    /* The slowest asking for more goes without rather than pushing out a faster one. */
    struct fakes g = {.n = 2};
    p.ctx = &g;
    g.c[0].q = (struct gl_outq){.queued = 60, .stalled_since = 1000};
    g.c[1].q = (struct gl_outq){.queued = 30, .stalled_since = 2000};
    assert_false(gl_outq_make_room(&p, &g.c[0].q, 20, total(&g), now));
    assert_int_equal(g.drops, 0);
    assert_true(gl_outq_make_room(&p, &g.c[1].q, 20, total(&g), now));
    assert_true(g.c[0].closed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_len_and_gather),
                                       cmocka_unit_test(test_queue_bookkeeping),
                                       cmocka_unit_test(test_make_room)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
