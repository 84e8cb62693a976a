/* The pixel size an image declares in its header (PNG IHDR, JPEG SOF, GIF screen, WebP VP8,
 * VP8L and VP8X). Only the few header bytes are read: it is not an image decoder. */
#ifndef GL_IMAGESIZE_H
#define GL_IMAGESIZE_H

#include <stdbool.h>
#include <stddef.h>

/* True with *w and *h set when data (n bytes) is one of those formats and declares a size. A
 * JPEG's EXIF orientation is not applied: a photo stored sideways reports its stored size. */
bool gl_image_size(const unsigned char *data, size_t n, int *w, int *h);

#endif
