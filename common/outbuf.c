/* Output helpers and the output cap of the RPC and HTTP connections (see outbuf.h). */
#include "outbuf.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"

size_t gl_outbuf_len(const uv_buf_t *bufs, unsigned n)
{
    size_t total = 0;
    for (unsigned i = 0; i < n; i++)
        total += bufs[i].len;
    return total;
}

long gl_outbuf_try_write(uv_stream_t *s, uv_buf_t *bufs, unsigned n)
{
    int r = uv_try_write(s, bufs, n);
    if (r < 0) return r == UV_EAGAIN ? 0 : -1;
    return r;
}

size_t gl_outbuf_gather(char *dst, const uv_buf_t *bufs, unsigned n, size_t skip)
{
    size_t off = 0;
    for (unsigned i = 0; i < n; i++) {
        size_t len = bufs[i].len;
        if (skip >= len) {
            skip -= len;
            continue;
        }
        memcpy(dst + off, bufs[i].base + skip, len - skip);
        off += len - skip;
        skip = 0;
    }
    return off;
}

void gl_outq_add(struct gl_outq *q, size_t n, uint64_t now)
{
    if (q->queued == 0) q->stalled_since = now;
    q->queued += n;
}

void gl_outq_done(struct gl_outq *q, size_t n, bool moved, uint64_t now)
{
    q->queued -= n;
    if (moved) q->stalled_since = now;
}

void gl_outq_open(struct gl_outpool *p, struct gl_outq *q, uv_stream_t *stream, const char *peer)
{
    q->stream = stream;
    q->peer = peer;
    q->pool = p;
    q->prev = NULL;
    q->next = p->open;
    if (q->next) q->next->prev = q;
    p->open = q;
    q->open = true;
}

void gl_outq_close(struct gl_outq *q)
{
    if (!q->open) return;
    q->open = false;
    if (q->prev)
        q->prev->next = q->next;
    else
        q->pool->open = q->next;
    if (q->next) q->next->prev = q->prev;
    q->next = q->prev = NULL;
}

/* Closes q's connection: out of the pool first, so the caller's count of it holds. */
static void drop(struct gl_outq *q)
{
    gl_outq_close(q);
    q->pool->close(q);
}

bool gl_outq_make_room(struct gl_outpool *p, struct gl_outq *self, size_t n, uint64_t now)
{
    if (p->queued + n <= p->max) return true;
    size_t live = 0;
    for (struct gl_outq *o = p->open; o; o = o->next)
        live += o->queued;
    while (live + n > p->max) {
        struct gl_outq *slow = NULL;
        for (struct gl_outq *o = p->open; o; o = o->next) {
            if (o->queued == 0 || o->stalled_since + p->stalled_ms > now) continue;
            if (!slow || o->stalled_since < slow->stalled_since ||
                (o->stalled_since == slow->stalled_since && o->queued > slow->queued))
                slow = o;
        }
        if (!slow || slow == self) return false;
        live -= slow->queued;
        log_warn("%s: dropping slow client peer=%s queued=%zu reason=\"output cap\"", p->name,
                 slow->peer, slow->queued);
        drop(slow);
    }
    return true;
}

/* One queued write: the bytes the socket did not take at once. */
struct write_req {
    uv_write_t w;
    struct gl_outq *q;
    size_t len;
    bool close_after;
    char data[];
};

static void on_write(uv_write_t *w, int status)
{
    struct write_req *wr = (struct write_req *)w;
    struct gl_outq *q = wr->q;
    size_t len = wr->len;
    bool close_after = wr->close_after;
    free(wr);
    gl_outq_done(q, len, status == 0, uv_now(q->stream->loop));
    q->pool->queued -= len;
    q->pool->written(q, status, len, close_after);
}

enum gl_outq_sent gl_outq_writev(struct gl_outq *q, uv_buf_t *bufs, unsigned n, bool close_after)
{
    struct gl_outpool *p = q->pool;
    size_t total = gl_outbuf_len(bufs, n);
    size_t done = 0;
    if (q->queued == 0) {
        long r = gl_outbuf_try_write(q->stream, bufs, n);
        if (r < 0) goto fail;
        done = (size_t)r;
        if (done == total) return GL_OUTQ_WRITTEN;
    }
    size_t rest = total - done;
    if (p->conn_max && q->queued + rest > p->conn_max) {
        log_warn("%s: dropping slow client peer=%s queued=%zu", p->name, q->peer, q->queued);
        goto fail;
    }
    uint64_t now = uv_now(q->stream->loop);
    if (!gl_outq_make_room(p, q, rest, now)) {
        log_warn("%s: dropping client peer=%s queued=%zu reason=\"output cap, nothing older "
                 "to drop\"",
                 p->name, q->peer, q->queued);
        goto fail;
    }
    struct write_req *wr = xmalloc(sizeof *wr + rest);
    wr->q = q;
    wr->len = gl_outbuf_gather(wr->data, bufs, n, done);
    wr->close_after = close_after;
    uv_buf_t b = uv_buf_init(wr->data, (unsigned)wr->len);
    if (uv_write(&wr->w, q->stream, &b, 1, on_write) < 0) {
        free(wr);
        goto fail;
    }
    gl_outq_add(q, rest, now);
    p->queued += rest;
    return GL_OUTQ_QUEUED;
fail:
    drop(q);
    return GL_OUTQ_CLOSED;
}
