/* Each network's documented, deterministic rules for a post: how its caption is counted and
 * cut, how many hashtags, mentions, links and images it takes, and the image sizes and aspect
 * ratios its feed and grid show. One table (netrules.c), read by the previews and the
 * warnings; nothing here guesses at what a network's ranking or layout does beyond it. */
#ifndef GL_NETRULES_H
#define GL_NETRULES_H

#include <stdbool.h>
#include <stddef.h>

/* How a network counts a caption's length. */
enum gl_count_unit {
    GL_COUNT_UTF16,     /* UTF-16 code units (an emoji outside the BMP counts 2) */
    GL_COUNT_GRAPHEMES, /* user-perceived characters: 👩‍🍳 counts 1 */
    GL_COUNT_X,         /* twitter-text v3 weighting: most scripts 2, Latin and punctuation 1 */
};

/* An aspect ratio, width:height; {0, 0} when the network sets none. */
struct gl_ratio {
    int w, h;
};

struct gl_netrule {
    const char *platform; /* as posts and profiles name it ("instagram") */
    const char *label;    /* as people read it ("Instagram") */
    enum gl_count_unit unit;
    int limit;            /* the caption's maximum length, in unit */
    int url_length;       /* a link counts as this many, whatever its length; 0: as written */
    bool mention_local;   /* "@user@server" counts as "@user" (Mastodon) */
    int more_at;          /* the feed shows about this many characters before "more"; 0: all */
    int max_hashtags;     /* 0 in these four: no documented limit */
    int max_mentions;
    int max_links;
    int max_images;       /* images in one post (a carousel) */
    bool links_clickable; /* a link in the caption opens when tapped */
    int min_width;        /* pixels; 0: no documented minimum */
    /* The feed shows images between the tallest and the widest ratio and crops the rest to
     * the nearer one; {0, 0} both: shown as they are. */
    struct gl_ratio tallest, widest;
    struct gl_ratio grid; /* the profile grid's crop; {0, 0}: the network has no grid */
};

/* The rules of platform (case-insensitive), or NULL when Greenlight knows none. */
const struct gl_netrule *gl_netrule_find(const char *platform);
/* The whole table, for listing. */
extern const struct gl_netrule gl_netrules[];
extern const size_t gl_nnetrules;
/* "Instagram", "UTF-16 code units" ...: the words for a unit, for the pages and the client. */
const char *gl_count_unit_name(enum gl_count_unit u);

#endif
