/* A connection's input buffer, shared by the RPC and HTTP connections: bytes read land after
 * the unconsumed ones, and the consumed ones are reclaimed before the buffer grows. */
#ifndef GL_INBUF_H
#define GL_INBUF_H

#include <stddef.h>
#include <uv.h>

struct gl_inbuf {
    char *buf;              /* owned: gl_inbuf_free */
    size_t start, len, cap; /* the unconsumed bytes are [start, len) of buf */
};

/* Room for at least min bytes after the unconsumed ones (moved to the front first, the buffer
 * grown when it must): what a uv_alloc_cb hands libuv. */
uv_buf_t gl_inbuf_space(struct gl_inbuf *b, size_t min);
/* n bytes were read into the room gl_inbuf_space gave. */
void gl_inbuf_filled(struct gl_inbuf *b, size_t n);

/* The unconsumed bytes and how many there are. */
const char *gl_inbuf_data(const struct gl_inbuf *b);
size_t gl_inbuf_pending(const struct gl_inbuf *b);
/* The first n unconsumed bytes are done with; once none are left the buffer starts over. */
void gl_inbuf_consume(struct gl_inbuf *b, size_t n);
/* Gives the memory back when no byte is waiting: a connection between requests holds none
 * (the next read allocates again), so many idle kept-alive connections cost little. */
void gl_inbuf_release_if_empty(struct gl_inbuf *b);
/* Drops every unconsumed byte. */
void gl_inbuf_clear(struct gl_inbuf *b);
void gl_inbuf_free(struct gl_inbuf *b);

#endif
