/* A connection's output, shared by the RPC and HTTP connections: write what the socket takes
 * at once, and gather the rest of a reply's buffers into the one copy that gets queued. */
#ifndef GL_OUTBUF_H
#define GL_OUTBUF_H

#include <stddef.h>
#include <uv.h>

/* The bytes of n buffers together. */
size_t gl_outbuf_len(const uv_buf_t *bufs, unsigned n);
/* Writes what the stream takes now: the bytes written (0 when it would block), or -1 when the
 * stream is broken. */
long gl_outbuf_try_write(uv_stream_t *s, uv_buf_t *bufs, unsigned n);
/* Copies the n buffers but their first skip bytes into dst, which has room for them; returns
 * how many bytes it copied. */
size_t gl_outbuf_gather(char *dst, const uv_buf_t *bufs, unsigned n, size_t skip);

#endif
