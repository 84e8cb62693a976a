/* Output helpers of the RPC and HTTP connections (see outbuf.h). */
#include "outbuf.h"

#include <string.h>

size_t gl_outbuf_len(const uv_buf_t *bufs, unsigned n)
{
    size_t total = 0;
    for (unsigned i = 0; i < n; i++) total += bufs[i].len;
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
