/* A list of posts with a selection, used by the day list and the queue: owned posts, cursor,
 * scrolling, and one row's drawing. */
#ifndef TUI_POSTLIST_H
#define TUI_POSTLIST_H

#include "app.h"

struct postlist {
    struct md_post *v;
    size_t n;
    size_t sel, top;
};

void postlist_clear(struct postlist *l);
/* Replaces the posts with those of the array o (post maps), localized to each profile's zone,
 * keeping the selection on the same post id when it is still there. */
void postlist_take(struct app *a, struct postlist *l, struct md_post *posts, size_t n);
/* Decodes an array of post maps into a new array (caller owns). */
struct md_post *postlist_decode(struct app *a, const msgpack_object *arr, size_t *n);
const struct md_post *postlist_selected(const struct postlist *l);
/* Moves the cursor for a list action; returns whether act was one. */
bool postlist_move(struct postlist *l, enum action act, int page);
/* Draws rows [y, y+h) of width cols; with_profile adds the profile's name, with_date the date. */
void postlist_draw(struct app *a, const struct postlist *l, WINDOW *w, int y, int h, int cols,
                   bool with_profile, bool with_date, const char *highlight);
/* Keeps the selection visible in h rows. */
void postlist_scroll(struct postlist *l, int h);

#endif
