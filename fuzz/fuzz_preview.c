/* Fuzz target: the previews, warnings and image-size reader (server/preview.c, warnings.c,
 * imagesize.c) on arbitrary captions and image bytes, as hostile staff input would hand them
 * over. The first byte picks the platform; the rest is both the caption and an image. Spans
 * must lie inside the caption, in order and apart, and the cut inside it. */
#include <msgpack.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imagesize.h"
#include "preview.h"
#include "warnings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    const char *platform = data[0] % (gl_nnetrules + 1) < gl_nnetrules
                               ? gl_netrules[data[0] % (gl_nnetrules + 1)].platform
                               : "unknown";
    char *caption = malloc(size);
    memcpy(caption, data + 1, size - 1);
    caption[size - 1] = '\0';
    size_t len = strlen(caption);
    struct gl_media m = {.id = 1, .name = "fuzz.png", .alt = data[0] & 1 ? "alt" : "",
                         .data = data + 1, .len = size - 1};
    if (!gl_image_size(m.data, m.len, &m.width, &m.height)) m.width = m.height = 0;
    msgpack_zone *z = msgpack_zone_new(4096);
    struct gl_preview pv;
    gl_preview_make(caption, platform, &m, 1, z, &pv);
    size_t end = 0;
    for (size_t i = 0; i < pv.nspans; i++) {
        const struct gl_span *s = &pv.spans[i];
        if (s->start < end || s->len == 0 || s->start + s->len > len || s->server > s->len)
            abort();
        end = s->start + s->len;
    }
    if (pv.cut > len || pv.count < 0) abort();
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    gl_preview_pack(&pk, caption, &pv);
    const char *plats[] = {platform};
    struct gl_post p = {.id = 1, .caption = caption, .platforms = plats, .nplatforms = 1,
                        .scheduled_at = (int64_t)data[0] * 3600, .status = ST_DRAFT};
    struct gl_profile prof = {.timezone = "Europe/Paris"};
    struct gl_warnings w = {0};
    gl_warnings_compute(&p, &prof, &m, 1, &pv, 0, &w);
    gl_warnings_pack(&pk, &w);
    gl_warnings_free(&w);
    msgpack_sbuffer_destroy(&sb);
    msgpack_zone_free(z);
    free(caption);
    return 0;
}
