/* Image sizes from headers (imagesize.h): each format's fixed offsets, and JPEG's segment walk
 * bounded by the buffer. */
#include "imagesize.h"

#include <stdint.h>
#include <string.h>

static unsigned be16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }
static unsigned le16(const unsigned char *p) { return (unsigned)p[1] << 8 | p[0]; }
static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static uint32_t le24(const unsigned char *p)
{
    return (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static bool set(int *w, int *h, uint32_t width, uint32_t height)
{
    if (width == 0 || height == 0 || width > 1u << 30 || height > 1u << 30) return false;
    *w = (int)width;
    *h = (int)height;
    return true;
}

static bool png(const unsigned char *d, size_t n, int *w, int *h)
{
    if (n < 24 || memcmp(d, "\x89PNG\r\n\x1a\n", 8) != 0 || memcmp(d + 12, "IHDR", 4) != 0)
        return false;
    return set(w, h, be32(d + 16), be32(d + 20));
}

static bool gif(const unsigned char *d, size_t n, int *w, int *h)
{
    if (n < 10 || (memcmp(d, "GIF87a", 6) != 0 && memcmp(d, "GIF89a", 6) != 0)) return false;
    return set(w, h, le16(d + 6), le16(d + 8));
}

/* The frame header (SOFn) carries the size; segments before it are skipped by their length. */
static bool jpeg(const unsigned char *d, size_t n, int *w, int *h)
{
    if (n < 4 || d[0] != 0xff || d[1] != 0xd8) return false;
    size_t i = 2;
    while (i + 4 <= n) {
        if (d[i] != 0xff) return false;
        unsigned char m = d[i + 1];
        if (m == 0xff) { /* fill byte */
            i++;
            continue;
        }
        if (m == 0x01 || (m >= 0xd0 && m <= 0xd8)) { /* standalone markers */
            i += 2;
            continue;
        }
        if (m == 0xd9 || m == 0xda) return false; /* end, or scan data before any frame */
        unsigned len = be16(d + i + 2);
        if (len < 2) return false;
        bool sof = m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc;
        if (sof) {
            if (len < 7 || i + 9 > n) return false;
            return set(w, h, be16(d + i + 7), be16(d + i + 5));
        }
        i += 2 + (size_t)len;
    }
    return false;
}

static bool webp(const unsigned char *d, size_t n, int *w, int *h)
{
    if (n < 30 || memcmp(d, "RIFF", 4) != 0 || memcmp(d + 8, "WEBP", 4) != 0) return false;
    const unsigned char *c = d + 12;
    if (memcmp(c, "VP8X", 4) == 0) return set(w, h, le24(d + 24) + 1, le24(d + 27) + 1);
    if (memcmp(c, "VP8 ", 4) == 0 && memcmp(d + 23, "\x9d\x01\x2a", 3) == 0)
        return set(w, h, le16(d + 26) & 0x3fff, le16(d + 28) & 0x3fff);
    if (memcmp(c, "VP8L", 4) == 0 && d[20] == 0x2f) {
        uint32_t bits = (uint32_t)d[21] | (uint32_t)d[22] << 8 | (uint32_t)d[23] << 16 |
                        (uint32_t)d[24] << 24;
        return set(w, h, (bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1);
    }
    return false;
}

bool gl_image_size(const unsigned char *data, size_t n, int *w, int *h)
{
    if (!data) return false;
    return png(data, n, w, h) || jpeg(data, n, w, h) || gif(data, n, w, h) ||
           webp(data, n, w, h);
}
