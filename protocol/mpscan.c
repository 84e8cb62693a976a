/* Bounded, resumable scan of a MessagePack stream (see mpscan.h for why it exists). */
#include "mpscan.h"

#include <string.h>

void gl_mp_scanner_reset(struct gl_mp_scanner *s)
{
    /* remain[] needs no clearing: a level's count is written when the level opens. Clearing
     * its 264 bytes was a quarter of the scan of a small record (post.list checks 40 or so). */
    s->pos = 0;
    s->depth = 0;
    s->elems = 0;
}

static uint64_t be(const unsigned char *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++) v = (v << 8) | p[i];
    return v;
}

/* One element's header: how many bytes it needs before its payload (head), how many payload
 * bytes follow (body), and how many child elements it opens (children, for containers). */
struct head {
    unsigned head;
    uint64_t body;
    uint64_t children;
    int container;
};

/* Returns 1 with h filled, 0 when more bytes are needed, -1 when c can never start an element. */
static int decode_head(const unsigned char *p, size_t avail, struct head *h)
{
    unsigned char c = p[0];
    *h = (struct head){.head = 1};
    /* The one-byte forms first, most common first: a record or a request is mostly short
     * strings (every key) and small integers; this runs once per element of every frame. */
    if ((c & 0xe0) == 0xa0) { h->body = c & 0x1f; return 1; }
    if (c <= 0x7f || c >= 0xe0) return 1;
    if ((c & 0xf0) == 0x80) { h->container = 1; h->children = 2u * (c & 0x0f); return 1; }
    if ((c & 0xf0) == 0x90) { h->container = 1; h->children = c & 0x0f; return 1; }
    if (c == 0xc0 || c == 0xc2 || c == 0xc3) return 1;
    unsigned lenbytes = 0, fixed = 0, extra = 0;
    switch (c) {
    case 0xc1: return -1;
    case 0xc4: case 0xd9: lenbytes = 1; break;
    case 0xc5: case 0xda: lenbytes = 2; break;
    case 0xc6: case 0xdb: lenbytes = 4; break;
    case 0xc7: lenbytes = 1; extra = 1; break;
    case 0xc8: lenbytes = 2; extra = 1; break;
    case 0xc9: lenbytes = 4; extra = 1; break;
    case 0xca: fixed = 4; break;
    case 0xcb: fixed = 8; break;
    case 0xcc: case 0xd0: fixed = 1; break;
    case 0xcd: case 0xd1: fixed = 2; break;
    case 0xce: case 0xd2: fixed = 4; break;
    case 0xcf: case 0xd3: fixed = 8; break;
    case 0xd4: fixed = 2; break;
    case 0xd5: fixed = 3; break;
    case 0xd6: fixed = 5; break;
    case 0xd7: fixed = 9; break;
    case 0xd8: fixed = 17; break;
    case 0xdc: case 0xde: lenbytes = 2; h->container = 1; break;
    case 0xdd: case 0xdf: lenbytes = 4; h->container = 1; break;
    default: return -1;
    }
    if (fixed) { h->body = fixed; return 1; }
    if (avail < 1 + lenbytes) return 0;
    uint64_t n = be(p + 1, lenbytes);
    h->head = 1 + lenbytes;
    if (h->container)
        h->children = (c == 0xde || c == 0xdf) ? 2 * n : n;
    else
        h->body = n + extra;
    return 1;
}

long gl_mp_scan(struct gl_mp_scanner *s, const char *buf, size_t len,
                const struct gl_mp_limits *lim)
{
    const unsigned char *p = (const unsigned char *)buf;
    unsigned max_depth = lim->max_depth < GL_MP_MAX_DEPTH ? lim->max_depth : GL_MP_MAX_DEPTH;
    for (;;) {
        if (s->pos >= len) return s->pos >= lim->max_bytes ? GL_MP_TOO_LARGE : GL_MP_NEED_MORE;
        struct head h;
        int r = decode_head(p + s->pos, len - s->pos, &h);
        if (r < 0) return GL_MP_MALFORMED;
        if (r == 0) return GL_MP_NEED_MORE;
        /* Every element takes at least one byte, so a count larger than the bytes the frame
         * may still hold is a lie, refused before anything is allocated for it. */
        uint64_t room = lim->max_bytes > s->pos + h.head ? lim->max_bytes - s->pos - h.head : 0;
        if (h.body > room) return GL_MP_TOO_LARGE;
        if (h.container && h.children > room) return GL_MP_TOO_MANY;
        if (h.container && s->elems + h.children > lim->max_elems) return GL_MP_TOO_MANY;
        if (s->pos + h.head + h.body > len) return GL_MP_NEED_MORE;
        s->pos += h.head + (size_t)h.body;
        if (h.container && h.children > 0) {
            if (s->depth + 1 > max_depth) return GL_MP_TOO_DEEP;
            s->elems += h.children;
            s->remain[++s->depth] = h.children;
            continue;
        }
        /* An element is complete: close every container it completes. */
        for (;;) {
            if (s->depth == 0) return (long)s->pos;
            if (--s->remain[s->depth] > 0) break;
            s->depth--;
        }
    }
}

const char *gl_mp_result_str(long result)
{
    switch (result) {
    case GL_MP_NEED_MORE: return "incomplete";
    case GL_MP_TOO_LARGE: return "frame too large";
    case GL_MP_TOO_DEEP: return "nesting too deep";
    case GL_MP_TOO_MANY: return "too many elements";
    case GL_MP_MALFORMED: return "malformed msgpack";
    default: return "ok";
    }
}
