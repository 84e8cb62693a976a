/* Output helpers and the output cap of the RPC and HTTP connections (see outbuf.h). */
#include "outbuf.h"

#include <string.h>

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

bool gl_outq_make_room(const struct gl_outpool *p, struct gl_outq *self, size_t n, size_t upper,
                       uint64_t now)
{
    if (upper + n <= p->max) return true;
    size_t live = 0;
    for (struct gl_outq *o = p->each(p->ctx, NULL); o; o = p->each(p->ctx, o))
        live += o->queued;
    while (live + n > p->max) {
        struct gl_outq *slow = NULL;
        for (struct gl_outq *o = p->each(p->ctx, NULL); o; o = p->each(p->ctx, o)) {
            if (o->queued == 0 || o->stalled_since + p->stalled_ms > now) continue;
            if (!slow || o->stalled_since < slow->stalled_since ||
                (o->stalled_since == slow->stalled_since && o->queued > slow->queued))
                slow = o;
        }
        if (!slow || slow == self) return false;
        live -= slow->queued;
        p->drop(p->ctx, slow);
    }
    return true;
}
