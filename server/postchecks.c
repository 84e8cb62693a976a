/* The checks of one post (postchecks.h). */
#include "postchecks.h"

#include <string.h>

void gl_post_checks_make(struct gl_txn *t, const struct gl_post *p, const struct gl_profile *prof,
                         int64_t now, msgpack_zone *z, struct gl_post_checks *out)
{
    memset(out, 0, sizeof *out);
    out->media = p->nmedia ? msgpack_zone_malloc(z, p->nmedia * sizeof *out->media) : NULL;
    for (size_t i = 0; i < p->nmedia; i++)
        if (p->media[i] > 0 &&
            gl_media_load(t, (uint64_t)p->media[i], z, &out->media[out->nmedia]) == 0)
            out->nmedia++;
    out->npreviews = p->nplatforms;
    out->previews = msgpack_zone_malloc(z, (p->nplatforms + 1) * sizeof *out->previews);
    gl_previews_make(p->caption, p->platforms, p->nplatforms, out->media, out->nmedia, z,
                     out->previews);
    gl_warnings_compute(p, prof, out->media, out->nmedia, out->previews, now, &out->warnings);
}

void gl_post_checks_free(struct gl_post_checks *c)
{
    gl_warnings_free(&c->warnings);
}
