/* The checks of one post, made in one place for post.get (m_post.c) and the link pages
 * (pagepreview.c): its images' records, its preview on each of its platforms (preview.h) and
 * the warnings computed from them (warnings.h), so staff and approvers see the same. */
#ifndef GL_POSTCHECKS_H
#define GL_POSTCHECKS_H

#include <msgpack.h>
#include <stddef.h>
#include <stdint.h>

#include "preview.h"
#include "records.h"
#include "store.h"
#include "warnings.h"

struct gl_post_checks {
    struct gl_media *media; /* the post's images that have a record, in its order */
    size_t nmedia;
    struct gl_preview *previews; /* one per platform of the post, in its order */
    size_t npreviews;
    struct gl_warnings warnings; /* owned: gl_post_checks_free */
};

/* Loads p's media in t and makes its previews and warnings at now; everything but the
 * warnings is allocated in z (and the media's bytes point into t: valid while t is). */
void gl_post_checks_make(struct gl_txn *t, const struct gl_post *p, const struct gl_profile *prof,
                         int64_t now, msgpack_zone *z, struct gl_post_checks *out);
void gl_post_checks_free(struct gl_post_checks *c);

#endif
