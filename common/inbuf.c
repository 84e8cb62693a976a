/* Connection input buffers (see inbuf.h). */
#include "inbuf.h"

#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

uv_buf_t gl_inbuf_space(struct gl_inbuf *b, size_t min)
{
    if (b->start > 0) {
        memmove(b->buf, b->buf + b->start, b->len - b->start);
        b->len -= b->start;
        b->start = 0;
    }
    if (b->cap - b->len < min) {
        size_t next = b->cap ? b->cap * 2 : min;
        while (next - b->len < min) next *= 2;
        b->buf = xrealloc(b->buf, next);
        b->cap = next;
    }
    return uv_buf_init(b->buf + b->len, (unsigned)(b->cap - b->len));
}

void gl_inbuf_filled(struct gl_inbuf *b, size_t n)
{
    b->len += n;
}

const char *gl_inbuf_data(const struct gl_inbuf *b)
{
    return b->start ? b->buf + b->start : b->buf; /* an empty one may have no buffer yet */
}

size_t gl_inbuf_pending(const struct gl_inbuf *b)
{
    return b->len - b->start;
}

void gl_inbuf_consume(struct gl_inbuf *b, size_t n)
{
    b->start += n;
    if (b->start == b->len) b->start = b->len = 0;
}

void gl_inbuf_release_if_empty(struct gl_inbuf *b)
{
    if (b->start == b->len) gl_inbuf_free(b);
}

void gl_inbuf_clear(struct gl_inbuf *b)
{
    b->start = b->len = 0;
}

void gl_inbuf_free(struct gl_inbuf *b)
{
    free(b->buf);
    *b = (struct gl_inbuf){0};
}
