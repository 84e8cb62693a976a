/* What the RPC and HTTP connections share from common/: their output (outbuf.c: gathering a
 * reply's buffers, the cap on output queued across connections, which pushes out the reader
 * stalled longest, and the write that sends what it can at once and queues the rest), their
 * input buffer (inbuf.c) and their listening streams (stream.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "inbuf.h"
#include "outbuf.h"
#include "stream.h"

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

/* A pool of connections without sockets (make_room never writes): an array, those closed by
 * the pool marked so. */
struct fake {
    struct gl_outq q;
    bool closed;
};
struct fakes {
    struct gl_outpool pool;
    struct fake c[5];
    unsigned n;
    unsigned drops;
};

static void fake_close(struct gl_outq *q)
{
    struct fake *c = (struct fake *)(void *)q;
    struct fakes *f = (struct fakes *)(void *)((char *)q->pool - offsetof(struct fakes, pool));
    c->closed = true;
    f->drops++;
}

/* Opens f's n connections, in order (the pool holds them newest first). */
static void fakes_open(struct fakes *f, size_t max)
{
    f->pool =
        (struct gl_outpool){.name = "test", .max = max, .stalled_ms = 1000, .close = fake_close};
    for (unsigned i = 0; i < f->n; i++)
        gl_outq_open(&f->pool, &f->c[i].q, NULL, "peer");
}

/* The running total as the connections' writes would leave it. */
static void set_total(struct fakes *f)
{
    size_t t = 0;
    for (unsigned i = 0; i < f->n; i++)
        if (!f->c[i].closed) t += f->c[i].q.queued;
    f->pool.queued = t;
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

static void set_queue(struct fake *c, size_t queued, uint64_t since)
{
    c->q.queued = queued;
    c->q.stalled_since = since;
}

static void test_make_room(void **state)
{
    (void)state;
    const uint64_t now = 10000;
    struct fakes f = {.n = 4};
    fakes_open(&f, 100);
    struct gl_outpool *p = &f.pool;
    /* Under the cap: nothing happens. */
    set_queue(&f.c[0], 40, 1000);
    set_queue(&f.c[1], 30, 1000);
    set_queue(&f.c[2], 20, 9500);
    set_queue(&f.c[3], 0, 0);
    set_total(&f);
    assert_true(gl_outq_make_room(p, &f.c[3].q, 10, now));
    assert_int_equal(f.drops, 0);
    /* A running total above the truth still finds the real figure. */
    p->queued = 1000;
    assert_true(gl_outq_make_room(p, &f.c[3].q, 10, now));
    assert_int_equal(f.drops, 0);
    /* Over: the stalled-longest goes first, the most queued among equals (c[0] before c[1]),
     * and leaves the pool. */
    set_total(&f);
    assert_true(gl_outq_make_room(p, &f.c[3].q, 50, now));
    assert_int_equal(f.drops, 1);
    assert_true(f.c[0].closed && !f.c[1].closed);
    assert_false(f.c[0].q.open);
    /* Then c[1]; c[2] has moved recently and is never pushed out, so past that: refused. */
    set_total(&f);
    assert_true(gl_outq_make_room(p, &f.c[3].q, 75, now));
    assert_true(f.c[1].closed);
    set_total(&f);
    assert_false(gl_outq_make_room(p, &f.c[3].q, 90, now));
    assert_false(f.c[2].closed);
    /* A closed connection no longer counts, whatever it still had queued. */
    gl_outq_close(&f.c[2].q);
    gl_outq_close(&f.c[2].q); /* again: harmless */
    assert_true(gl_outq_make_room(p, &f.c[3].q, 90, now));
    assert_false(f.c[2].closed);
    /* The slowest asking for more goes without rather than pushing out a faster one. */
    struct fakes g = {.n = 2};
    fakes_open(&g, 100);
    set_queue(&g.c[0], 60, 1000);
    set_queue(&g.c[1], 30, 2000);
    set_total(&g);
    assert_false(gl_outq_make_room(&g.pool, &g.c[0].q, 20, now));
    assert_int_equal(g.drops, 0);
    assert_true(gl_outq_make_room(&g.pool, &g.c[1].q, 20, now));
    assert_true(g.c[0].closed);
}

/* gl_outq_writev on a real socket pair: one end written by the module, the other read here. */
struct pipe_conn {
    uv_loop_t loop;
    uv_pipe_t w, r;
    struct gl_outpool pool;
    struct gl_outq q;
    size_t got; /* bytes read at the other end */
    char last;  /* the last byte read */
    unsigned written, closes;
    int status;
    size_t len;
    bool close_after;
};

static void pc_written(struct gl_outq *q, int status, size_t len, bool close_after)
{
    struct pipe_conn *pc = (struct pipe_conn *)(void *)((char *)q - offsetof(struct pipe_conn, q));
    pc->written++;
    pc->status = status;
    pc->len = len;
    pc->close_after = close_after;
}

static void pc_close(struct gl_outq *q)
{
    struct pipe_conn *pc = (struct pipe_conn *)(void *)((char *)q - offsetof(struct pipe_conn, q));
    pc->closes++;
}

static void pc_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    (void)h;
    (void)suggested;
    static char space[65536];
    *buf = uv_buf_init(space, sizeof space);
}

static void pc_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    struct pipe_conn *pc = s->data;
    if (n <= 0) return;
    pc->got += (size_t)n;
    pc->last = buf->base[n - 1];
}

static void pc_open(struct pipe_conn *pc, size_t max, size_t conn_max)
{
    memset(pc, 0, sizeof *pc);
    int fds[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    assert_int_equal(uv_loop_init(&pc->loop), 0);
    uv_pipe_init(&pc->loop, &pc->w, 0);
    uv_pipe_init(&pc->loop, &pc->r, 0);
    assert_int_equal(uv_pipe_open(&pc->w, fds[0]), 0);
    assert_int_equal(uv_pipe_open(&pc->r, fds[1]), 0);
    pc->r.data = pc;
    pc->pool = (struct gl_outpool){.name = "test", .max = max, .conn_max = conn_max,
                                   .stalled_ms = 1000, .close = pc_close, .written = pc_written};
    gl_outq_open(&pc->pool, &pc->q, (uv_stream_t *)&pc->w, "peer");
}

static void pc_finish(struct pipe_conn *pc)
{
    gl_outq_close(&pc->q);
    uv_close((uv_handle_t *)&pc->w, NULL);
    uv_close((uv_handle_t *)&pc->r, NULL);
    uv_run(&pc->loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&pc->loop), 0);
}

/* More than a socket's buffers take at once, ending in a marked byte. */
#define BIG ((size_t)8 << 20)

static char *big_answer(void)
{
    char *b = malloc(BIG);
    assert_non_null(b);
    memset(b, 'x', BIG);
    b[BIG - 1] = '!';
    return b;
}

static void test_writev_at_once_and_queued(void **state)
{
    (void)state;
    struct pipe_conn pc;
    pc_open(&pc, (size_t)64 << 20, 0);
    /* A small answer goes at once: no write queued, nothing to complete. */
    uv_buf_t small[2] = {uv_buf_init((char *)"he", 2), uv_buf_init((char *)"llo", 3)};
    assert_int_equal(gl_outq_writev(&pc.q, small, 2, false), GL_OUTQ_WRITTEN);
    assert_int_equal(pc.q.queued, 0);
    /* A big one: the rest is one queued copy (the caller may free its buffers at once), counted on
     * the connection and in the pool until it completes, then handed back once. */
    char *b = big_answer();
    uv_buf_t big = uv_buf_init(b, (unsigned)BIG);
    assert_int_equal(gl_outq_writev(&pc.q, &big, 1, true), GL_OUTQ_QUEUED);
    free(b);
    size_t rest = pc.q.queued;
    assert_true(rest > 0 && rest < BIG);
    assert_int_equal(pc.pool.queued, rest);
    uv_read_start((uv_stream_t *)&pc.r, pc_alloc, pc_read);
    while (pc.written == 0 || pc.got < BIG + 5)
        uv_run(&pc.loop, UV_RUN_ONCE);
    assert_int_equal(pc.written, 1);
    assert_int_equal(pc.status, 0);
    assert_int_equal(pc.len, rest);
    assert_true(pc.close_after);
    assert_int_equal(pc.q.queued, 0);
    assert_int_equal(pc.pool.queued, 0);
    assert_int_equal(pc.got, BIG + 5);
    assert_int_equal(pc.last, '!');
    assert_int_equal(pc.closes, 0);
    pc_finish(&pc);
}

/* Past its own cap, or with nobody slower to push out under the total cap, the connection is
 * closed (once, out of the pool) and nothing is queued. */
static void test_writev_caps(void **state)
{
    (void)state;
    char *b = big_answer();
    uv_buf_t big = uv_buf_init(b, (unsigned)BIG);
    size_t caps[][2] = {{(size_t)64 << 20, 4096}, {4096, 0}};
    for (size_t i = 0; i < 2; i++) {
        struct pipe_conn pc;
        pc_open(&pc, caps[i][0], caps[i][1]);
        assert_int_equal(gl_outq_writev(&pc.q, &big, 1, false), GL_OUTQ_CLOSED);
        assert_int_equal(pc.closes, 1);
        assert_false(pc.q.open);
        assert_int_equal(pc.q.queued, 0);
        assert_int_equal(pc.pool.queued, 0);
        assert_int_equal(pc.written, 0);
        pc_finish(&pc);
    }
    free(b);
}

/* The input buffer: reads land after the unconsumed bytes, which move to the front before it
 * grows; consuming all of it starts it over. */
static void test_inbuf(void **state)
{
    (void)state;
    struct gl_inbuf b = {0};
    assert_int_equal(gl_inbuf_pending(&b), 0);
    uv_buf_t room = gl_inbuf_space(&b, 8);
    assert_true(room.len >= 8);
    memcpy(room.base, "abcdefgh", 8);
    gl_inbuf_filled(&b, 8);
    gl_inbuf_consume(&b, 3);
    assert_int_equal(gl_inbuf_pending(&b), 5);
    assert_memory_equal(gl_inbuf_data(&b), "defgh", 5);
    room = gl_inbuf_space(&b, 100); /* "defgh" moves to the front, the buffer grows */
    assert_true(room.len >= 100);
    assert_ptr_equal(room.base, b.buf + 5);
    assert_memory_equal(gl_inbuf_data(&b), "defgh", 5);
    memcpy(room.base, "ij", 2);
    gl_inbuf_filled(&b, 2);
    assert_memory_equal(gl_inbuf_data(&b), "defghij", 7);
    gl_inbuf_consume(&b, 7);
    assert_int_equal(b.start, 0);
    assert_int_equal(b.len, 0);
    gl_inbuf_filled(&b, 1);
    gl_inbuf_clear(&b);
    assert_int_equal(gl_inbuf_pending(&b), 0);
    gl_inbuf_free(&b);
    assert_null(b.buf);
}

/* Listening: addresses read from the option's text, the bound address named, and the peer of
 * an accepted connection. */
struct listen_test {
    uv_loop_t loop;
    uv_tcp_t listener, server_side, client;
    uv_connect_t connect;
    char peer[64];
    bool accepted, connected;
};

static void lt_on_connection(uv_stream_t *l, int status)
{
    struct listen_test *t = l->data;
    assert_int_equal(status, 0);
    uv_tcp_init(&t->loop, &t->server_side);
    assert_int_equal(uv_accept(l, (uv_stream_t *)&t->server_side), 0);
    gl_stream_peer(&t->server_side, t->peer, sizeof t->peer);
    t->accepted = true;
}

static void lt_on_connect(uv_connect_t *c, int status)
{
    struct listen_test *t = c->data;
    assert_int_equal(status, 0);
    t->connected = true;
}

static void test_stream_listen(void **state)
{
    (void)state;
    struct sockaddr_storage ss;
    assert_int_equal(gl_stream_addr("127.0.0.1:80", &ss), 0);
    assert_int_equal(ss.ss_family, AF_INET);
    assert_int_equal(gl_stream_addr("[::1]:80", &ss), 0);
    assert_int_equal(ss.ss_family, AF_INET6);
    assert_int_equal(gl_stream_addr("no port", &ss), UV_EINVAL);
    assert_int_not_equal(gl_stream_addr("300.1.1.1:80", &ss), 0);

    struct listen_test t = {0};
    assert_int_equal(uv_loop_init(&t.loop), 0);
    uv_tcp_init(&t.loop, &t.listener);
    t.listener.data = &t;
    assert_int_equal(gl_stream_addr("127.0.0.1:0", &ss), 0);
    char bound[80];
    assert_int_equal(gl_stream_listen(&t.listener, &ss, lt_on_connection, bound, sizeof bound), 0);
    assert_true(strncmp(bound, "127.0.0.1:", 10) == 0 && atoi(bound + 10) > 0);
    /* The same port again is taken: the error is libuv's. */
    struct sockaddr_storage again;
    assert_int_equal(gl_stream_addr(bound, &again), 0);
    uv_tcp_t second;
    uv_tcp_init(&t.loop, &second);
    assert_int_equal(gl_stream_listen(&second, &again, lt_on_connection, bound, sizeof bound),
                     UV_EADDRINUSE);
    uv_close((uv_handle_t *)&second, NULL);

    uv_tcp_init(&t.loop, &t.client);
    t.connect.data = &t;
    assert_int_equal(
        uv_tcp_connect(&t.connect, &t.client, (struct sockaddr *)&again, lt_on_connect), 0);
    while (!t.accepted || !t.connected)
        uv_run(&t.loop, UV_RUN_ONCE);
    assert_string_equal(t.peer, "127.0.0.1");
    uv_close((uv_handle_t *)&t.client, NULL);
    uv_close((uv_handle_t *)&t.server_side, NULL);
    uv_close((uv_handle_t *)&t.listener, NULL);
    uv_run(&t.loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&t.loop), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_len_and_gather),
                                       cmocka_unit_test(test_queue_bookkeeping),
                                       cmocka_unit_test(test_make_room),
                                       cmocka_unit_test(test_writev_at_once_and_queued),
                                       cmocka_unit_test(test_writev_caps),
                                       cmocka_unit_test(test_inbuf),
                                       cmocka_unit_test(test_stream_listen)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
