/* A post as each network would show it, by the network's documented rules alone (netrules.h):
 * its length as the network counts it, the text before "more", the hashtags, mentions and
 * links marked, and each image's crop in the feed and in the grid. Pure functions: the pages
 * and post.get call the same ones. An approximation, and labelled as one wherever it shows. */
#ifndef GL_PREVIEW_H
#define GL_PREVIEW_H

#include <msgpack.h>
#include <stdbool.h>
#include <stddef.h>

#include "netrules.h"
#include "records.h"

enum gl_span_kind { GL_SPAN_HASHTAG, GL_SPAN_MENTION, GL_SPAN_LINK };
const char *gl_span_kind_name(enum gl_span_kind k); /* "hashtag", "mention", "link" */

/* A marked piece of the caption, in bytes of its UTF-8. */
struct gl_span {
    enum gl_span_kind kind;
    size_t start, len;
    size_t server; /* a mention "@user@server": bytes of "@user"; else len */
};

/* A rectangle in an image's pixels. */
struct gl_box {
    int x, y, w, h;
};

struct gl_preview_image {
    const struct gl_media *media;
    bool sized;        /* its size is known; the boxes below are meaningless otherwise */
    struct gl_box feed; /* what the feed shows: the whole image unless its ratio is outside */
    bool feed_cropped;
    struct gl_box grid; /* the grid's crop; has_grid false when the network has no grid */
    bool has_grid;
    bool shown;         /* within the network's number of images per post */
};

struct gl_preview {
    const char *platform;
    const struct gl_netrule *rule; /* NULL: no rules known (counted in characters, no cut) */
    int count;       /* the caption's length as the network counts it */
    size_t cut;      /* bytes of the caption shown before "more" */
    bool truncated;  /* there is more after cut */
    int hashtags, mentions, links;
    struct gl_span *spans; /* in the caption's order */
    size_t nspans;
    struct gl_preview_image *images; /* in the post's order: the carousel's */
    size_t nimages;
};

/* The hashtags, mentions and links of caption, allocated in z. */
void gl_caption_spans(const char *caption, msgpack_zone *z, struct gl_span **out, size_t *n);
/* caption's length as rule counts it (rule NULL: grapheme clusters), given its spans. */
int gl_caption_count(const char *caption, const struct gl_span *spans, size_t nspans,
                     const struct gl_netrule *rule);
/* Bytes of the first `clusters` grapheme clusters of caption; *truncated tells whether
 * anything but white space follows. */
size_t gl_caption_cut(const char *caption, int clusters, bool *truncated);
/* The centred box of a w x h image within the ratios [tallest, widest] (w:h); the whole
 * image when it is within them. Returns whether it cropped. */
bool gl_crop_box(int w, int h, struct gl_ratio tallest, struct gl_ratio widest,
                 struct gl_box *out);

/* The preview of caption and media (in order) on platform; everything allocated in z. */
void gl_preview_make(const char *caption, const char *platform, const struct gl_media *media,
                     size_t nmedia, msgpack_zone *z, struct gl_preview *out);
/* The previews on each of platforms, into out[0..nplatforms). */
void gl_previews_make(const char *caption, const char *const *platforms, size_t nplatforms,
                      const struct gl_media *media, size_t nmedia, msgpack_zone *z,
                      struct gl_preview *out);
/* Its wire form (protocol/README.md, "previews"). */
void gl_preview_pack(msgpack_packer *pk, const char *caption, const struct gl_preview *p);

#endif
