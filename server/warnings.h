/* The checks before approval: what would embarrass a client once a post is out, computed by
 * the daemon from the post, its profile and its images, and shown to staff and approvers
 * before they decide. Warnings never block anything; each says what to do. */
#ifndef GL_WARNINGS_H
#define GL_WARNINGS_H

#include <msgpack.h>
#include <stddef.h>
#include <stdint.h>

#include "records.h"

/* The warnings, in one list: X(enum, wire code, message template). A template's {name}s are
 * filled from the warning's facts: {platform} the network, {count} and {limit} numbers,
 * {over} their difference, {image} an image's name, {width} its width, {ratio} its aspect
 * ratio, {range} the network's, {time} and {zone} the post's time in the profile's zone.
 * Templates are translated when filled: a link page gets them in its language, staff (no
 * language current) in English. */
#define GL_WARNINGS(X)                                                                             \
    X(W_CAPTION_LONG, "caption_too_long",                                                          \
      N_("The caption is {count} characters as {platform} counts them, over its limit of {limit}: "   \
      "shorten it by {over}."))                                                                     \
    X(W_HASHTAGS, "too_many_hashtags",                                                             \
      N_("The caption has {count} hashtags; {platform} takes at most {limit}: remove {over}."))       \
    X(W_MENTIONS, "too_many_mentions",                                                             \
      N_("The caption mentions {count} accounts; {platform} takes at most {limit}: remove {over}."))  \
    X(W_LINKS, "too_many_links",                                                                   \
      N_("The caption has {count} links; {platform} takes at most {limit}: remove {over}."))          \
    X(W_LINK_DEAD, "link_not_clickable",                                                           \
      N_("{platform} does not open links written in a caption: put the link in the profile's bio "   \
      "and say so in the caption (\"link in bio\")."))                                              \
    X(W_IMAGES, "too_many_images",                                                                 \
      N_("The post has {count} images; {platform} shows at most {limit} in one post: remove {over} " \
      "or split the post."))                                                                        \
    X(W_NO_ALT, "image_without_alt",                                                               \
      N_("Image {image} has no alternative text: describe it in a sentence for people who cannot "   \
      "see it."))                                                                                   \
    X(W_SMALL, "image_too_small",                                                                  \
      N_("Image {image} is {width} px wide; {platform} wants at least {limit} px: use a larger "   \
      "image."))                                                                                    \
    X(W_RATIO, "image_ratio",                                                                      \
      N_("Image {image} is {ratio}, outside the {range} that {platform} shows in the feed, so it "   \
      "will be cropped: crop it yourself to choose what is seen."))                                 \
    X(W_UNSIZED, "image_size_unknown",                                                             \
      N_("The size of image {image} could not be read: check it against {platform}'s sizes "         \
      "yourself."))                                                                                 \
    X(W_NO_RULES, "platform_unknown",                                                              \
      N_("Greenlight knows no rules for {platform}: check the caption and images on {platform} "     \
      "yourself."))                                                                                 \
    X(W_PAST, "scheduled_in_past",                                                                 \
      N_("The post is scheduled for {time} ({zone}), which has passed: choose a new time."))          \
    X(W_NIGHT, "scheduled_at_night",                                                               \
      N_("The post is scheduled for {time} ({zone}), in the middle of the night: check that this "   \
      "is meant, or move it to the day."))

#define GL_WARNING_ENUM(id, code, text) id,
enum gl_warning_code { GL_WARNINGS(GL_WARNING_ENUM) W_COUNT };
#undef GL_WARNING_ENUM
const char *gl_warning_name(enum gl_warning_code c);     /* the wire code */
const char *gl_warning_template(enum gl_warning_code c); /* the message before filling */

/* The night: a local hour h with NIGHT_FROM <= h or h < NIGHT_TO. */
#define GL_NIGHT_FROM 23
#define GL_NIGHT_TO 6

#define GL_WARNING_TEXT 400
struct gl_warning {
    enum gl_warning_code code;
    const char *platform; /* the network it is about; NULL: the whole post */
    char message[GL_WARNING_TEXT];
};

/* A list owned by its holder: gl_warnings_free releases it. */
struct gl_warnings {
    struct gl_warning *items;
    size_t n, cap;
};

struct gl_preview;
/* Checks p (of profile prof, with media: its images in order, nmedia of them) at now and
 * appends the warnings to out. previews, when not NULL, are p's, one per platform in its
 * order, as gl_preview_make made them (so a caller that shows them computes them once);
 * NULL: computed here. Platform strings point into p. */
void gl_warnings_compute(const struct gl_post *p, const struct gl_profile *prof,
                         const struct gl_media *media, size_t nmedia,
                         const struct gl_preview *previews, int64_t now,
                         struct gl_warnings *out);
void gl_warnings_free(struct gl_warnings *w);
/* [{code, platform, message}] */
void gl_warnings_pack(msgpack_packer *pk, const struct gl_warnings *w);

#endif
