/* A connection's output, shared by the RPC and HTTP connections: write what the socket takes
 * at once, gather the rest of a reply's buffers into the one copy that gets queued, and keep
 * the output queued across connections under a cap by pushing out the most stalled reader. */
#ifndef GL_OUTBUF_H
#define GL_OUTBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

/* The bytes of n buffers together. */
size_t gl_outbuf_len(const uv_buf_t *bufs, unsigned n);
/* Writes what the stream takes now: the bytes written (0 when it would block), or -1 when the
 * stream is broken. */
long gl_outbuf_try_write(uv_stream_t *s, uv_buf_t *bufs, unsigned n);
/* Copies the n buffers but their first skip bytes into dst, which has room for them; returns
 * how many bytes it copied. */
size_t gl_outbuf_gather(char *dst, const uv_buf_t *bufs, unsigned n, size_t skip);

/* One connection's queued output, and since when it has stood still. */
struct gl_outq {
    size_t queued;          /* bytes handed to uv_write, not yet written */
    uint64_t stalled_since; /* loop time of the last write that completed (or was queued) */
};

/* n more bytes queued at loop time now: an empty queue starts standing still now. */
void gl_outq_add(struct gl_outq *q, size_t n, uint64_t now);
/* n bytes left the queue: written (moved, at now), or given back after a failure. */
void gl_outq_done(struct gl_outq *q, size_t n, bool moved, uint64_t now);

/* The connections whose output shares one cap. */
struct gl_outpool {
    size_t max;          /* bytes queued across the open connections */
    uint64_t stalled_ms; /* output unmoved this long is a slow reader's, and may be pushed out */
    void *ctx;
    /* The open connections one by one: the first for after == NULL, then the next; NULL at the
     * end. A connection handed to drop is no longer open. */
    struct gl_outq *(*each)(void *ctx, struct gl_outq *after);
    /* Closes that connection (and says so in the log): its writes are cancelled. */
    void (*drop)(void *ctx, struct gl_outq *q);
};

/* Makes room under p->max for n more bytes of self's, before they are copied: the connections
 * whose output has stood still the longest (the most queued among equals) are dropped, as
 * redis closes a client past its output buffer limit, so the slowest reader pays and not the
 * one just handed a big answer. Only output unmoved for stalled_ms is pushed out, as redis's
 * soft limit has its seconds: in a burst of equals nobody displaces anybody. upper is at least
 * what the open connections hold (a running total), so the common case is one comparison.
 * Returns false when there is none to drop, or self is the slowest: self goes without. */
bool gl_outq_make_room(const struct gl_outpool *p, struct gl_outq *self, size_t n, size_t upper,
                       uint64_t now);

#endif
