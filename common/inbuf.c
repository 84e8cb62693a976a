/* Connection input buffers (see inbuf.h). */
#include "inbuf.h"

#include <string.h>

#include "xmalloc.h"

void gl_inbuf_reserve(char **buf, size_t *start, size_t *len, size_t *cap, size_t min)
{
    if (*start > 0) {
        memmove(*buf, *buf + *start, *len - *start);
        *len -= *start;
        *start = 0;
    }
    if (*cap - *len >= min) return;
    size_t next = *cap ? *cap * 2 : min;
    while (next - *len < min) next *= 2;
    *buf = xrealloc(*buf, next);
    *cap = next;
}
