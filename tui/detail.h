/* A post's details (caption, platforms, time, notes, approvals, comments, history) fetched for
 * the selected post and drawn in a pane; used by the queue, the day list and the post screen. */
#ifndef TUI_DETAIL_H
#define TUI_DETAIL_H

#include "app.h"

/* What post.get adds for staff to read before they decide (protocol/README.md, "Previews and
 * warnings"): the images with their alt text, each network's frame, the warnings. */
struct detail_media {
    int64_t id;
    char *name, *alt;
    int width, height; /* 0: unknown */
};
struct detail_frame {
    char *platform, *label, *unit, *before_more;
    bool known, truncated, links_clickable;
    int count, limit, more_at; /* limit, more_at 0: none */
    int hashtags, max_hashtags, mentions, max_mentions, links, max_links;
    int images, images_shown, images_cropped;
};
struct detail_warning {
    char *code, *platform, *message; /* platform NULL: the whole post */
};

struct detail {
    struct app *app;
    int64_t id; /* the post shown (or being fetched) */
    bool have;  /* post and history below are for id */
    bool loading;
    unsigned gen;
    unsigned post_gen; /* the request generation post was answered for */
    struct md_post post;
    struct md_history *hist;
    size_t nhist;
    struct detail_media *media;
    size_t nmedia;
    struct detail_frame *frames;
    size_t nframes;
    struct detail_warning *warnings;
    size_t nwarnings;
};

/* Fetches post id unless it is already shown; force fetches again. */
void detail_load(struct app *a, struct detail *d, int64_t id, bool force);
/* Draws into the rectangle; scroll skips lines. Returns the lines the whole text needs. */
int detail_draw(struct app *a, struct detail *d, WINDOW *w, int y, int x, int h, int width,
                int scroll);
/* The same without what the post editor shows above it (time, platforms, caption, notes). */
int detail_draw_brief(struct app *a, struct detail *d, WINDOW *w, int y, int x, int h, int width,
                      int scroll);
void detail_clear(struct detail *d);

#endif
