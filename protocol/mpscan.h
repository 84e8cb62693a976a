/* Bounded, resumable scan of a MessagePack byte stream: finds where the next object ends and
 * refuses sizes, counts and nesting past set limits before msgpack-c allocates anything.
 * msgpack-c's unpacker allocates room for a container as soon as it reads the header, so a
 * 5-byte frame claiming 500 million elements would cost gigabytes; the scan stops it first. */
#ifndef GL_MPSCAN_H
#define GL_MPSCAN_H

#include <stddef.h>
#include <stdint.h>

#define GL_MP_MAX_DEPTH 32

struct gl_mp_limits {
    size_t max_bytes;   /* the whole object, all bytes */
    unsigned max_depth; /* containers inside containers, at most GL_MP_MAX_DEPTH */
    size_t max_elems;   /* array elements plus map keys and values, all levels */
};

enum gl_mp_result {
    GL_MP_NEED_MORE = 0,
    GL_MP_TOO_LARGE = -1,
    GL_MP_TOO_DEEP = -2,
    GL_MP_TOO_MANY = -3,
    GL_MP_MALFORMED = -4,
};

/* Scan state kept between calls, so each byte is looked at once however the data arrives. */
struct gl_mp_scanner {
    size_t pos;
    unsigned depth;
    size_t elems;
    uint64_t remain[GL_MP_MAX_DEPTH + 1];
};

void gl_mp_scanner_reset(struct gl_mp_scanner *s);
/* Continues scanning buf[0..len) (the same buffer, grown, between calls). Returns the length of
 * the first complete object (> 0), GL_MP_NEED_MORE, or a negative enum gl_mp_result. */
long gl_mp_scan(struct gl_mp_scanner *s, const char *buf, size_t len,
                const struct gl_mp_limits *lim);
const char *gl_mp_result_str(long result);

#endif
