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

struct gl_outpool;

/* One connection's queued output, and since when it has stood still. Embedded in the
 * connection, which finds itself again with gl_container_of. */
struct gl_outq {
    size_t queued;          /* bytes handed to uv_write, not yet written */
    uint64_t stalled_since; /* loop time of the last write that completed (or was queued) */
    uv_stream_t *stream;    /* the socket written to */
    const char *peer;       /* who reads it, for the log */
    struct gl_outpool *pool;
    struct gl_outq *next, *prev; /* in pool->open while open */
    bool open;
};

/* n more bytes queued at loop time now: an empty queue starts standing still now. */
void gl_outq_add(struct gl_outq *q, size_t n, uint64_t now);
/* n bytes left the queue: written (moved, at now), or given back after a failure. */
void gl_outq_done(struct gl_outq *q, size_t n, bool moved, uint64_t now);

/* The connections of one kind, whose output shares one cap. Set the fields above `queued`;
 * the rest is this module's. */
struct gl_outpool {
    const char *name;    /* the log's word for these connections: "http", "rpc" */
    size_t max;          /* bytes queued across the open connections */
    size_t conn_max;     /* bytes queued to one connection before it is closed; 0: no such cap */
    uint64_t stalled_ms; /* output unmoved this long is a slow reader's, and may be pushed out */
    /* Closes q's connection (its queued writes are cancelled). q has left the pool already. */
    void (*close)(struct gl_outq *q);
    /* A queued write of len bytes completed with uv_write's status, and has been counted off
     * q. close_after is what gl_outq_writev was given. The connection's hold on itself for
     * the write (see gl_outq_writev) is released here. */
    void (*written)(struct gl_outq *q, int status, size_t len, bool close_after);

    /* Bytes handed to uv_write on every connection, open or closing, not yet completed: at
     * least what the open ones hold, so the common case of gl_outq_make_room is one sum. */
    size_t queued;
    struct gl_outq *open; /* the open connections' output, newest first */
};

/* Puts a new connection's output into p, newest first; peer may be filled in later. */
void gl_outq_open(struct gl_outpool *p, struct gl_outq *q, uv_stream_t *stream, const char *peer);
/* Takes q out of its pool when its connection closes: what it still has queued no longer
 * counts against the cap (a closing connection's writes are cancelled). Again is harmless. */
void gl_outq_close(struct gl_outq *q);

/* Makes room under p->max for n more bytes of self's, before they are copied: the connections
 * whose output has stood still the longest (the most queued among equals) are dropped, as
 * redis closes a client past its output buffer limit, so the slowest reader pays and not the
 * one just handed a big answer. Only output unmoved for stalled_ms is pushed out, as redis's
 * soft limit has its seconds: in a burst of equals nobody displaces anybody. Each one dropped
 * is logged, taken out of the pool and closed (p->close). Returns false when there is none to
 * drop, or self is the slowest: self goes without. */
bool gl_outq_make_room(struct gl_outpool *p, struct gl_outq *self, size_t n, uint64_t now);

enum gl_outq_sent {
    GL_OUTQ_WRITTEN, /* all of it went at once */
    GL_OUTQ_QUEUED,  /* the rest is queued: pool->written follows, once */
    GL_OUTQ_CLOSED,  /* the stream broke or a cap was reached (logged): closed (pool->close) */
};

/* Writes the n buffers to q's stream in order: what it takes now at once, the rest copied into
 * one queued write, which this module owns and frees when it completes. Past the pool's caps
 * the connection is closed instead. On GL_OUTQ_QUEUED the caller holds its connection alive
 * until pool->written (a reference of its own). Only for an open connection. */
enum gl_outq_sent gl_outq_writev(struct gl_outq *q, uv_buf_t *bufs, unsigned n, bool close_after);

#endif
