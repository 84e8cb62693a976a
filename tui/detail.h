/* A post's details (caption, platforms, time, notes, approvals, comments, history) fetched for
 * the selected post and drawn in a pane; used by the queue, the day list and the post screen. */
#ifndef TUI_DETAIL_H
#define TUI_DETAIL_H

#include "app.h"

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
