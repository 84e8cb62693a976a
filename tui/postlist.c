/* Post lists (postlist.h). */
#include "postlist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui.h"
#include "xmalloc.h"

void postlist_clear(struct postlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        md_post_free(&l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = l->sel = l->top = 0;
}

struct md_post *postlist_decode(struct app *a, const msgpack_object *arr, size_t *n)
{
    *n = 0;
    if (!arr || arr->type != MSGPACK_OBJECT_ARRAY || !arr->via.array.size) return NULL;
    struct md_post *v = xcalloc(arr->via.array.size, sizeof *v);
    for (uint32_t i = 0; i < arr->via.array.size; i++) {
        if (!md_post_decode(&arr->via.array.ptr[i], &v[*n])) continue;
        const struct md_profile *pr = app_profile_by_id(a, v[*n].profile);
        md_post_localize(&v[*n], pr ? pr->timezone : "UTC");
        (*n)++;
    }
    return v;
}

void postlist_take(struct app *a, struct postlist *l, struct md_post *posts, size_t n)
{
    (void)a;
    int64_t keep = l->sel < l->n ? l->v[l->sel].id : 0;
    size_t oldsel = l->sel;
    for (size_t i = 0; i < l->n; i++)
        md_post_free(&l->v[i]);
    free(l->v);
    l->v = posts;
    l->n = n;
    l->sel = oldsel < n ? oldsel : (n ? n - 1 : 0);
    for (size_t i = 0; i < n; i++)
        if (posts[i].id == keep) l->sel = i;
}

const struct md_post *postlist_selected(const struct postlist *l)
{
    return l->sel < l->n ? &l->v[l->sel] : NULL;
}

bool postlist_move(struct postlist *l, enum action act, int page)
{
    if (page < 1) page = 1;
    switch (act) {
    case ACT_DOWN:
        if (l->sel + 1 < l->n) l->sel++;
        return true;
    case ACT_UP:
        if (l->sel > 0) l->sel--;
        return true;
    case ACT_PAGE_DOWN:
        l->sel = l->sel + (size_t)page < l->n ? l->sel + (size_t)page : (l->n ? l->n - 1 : 0);
        return true;
    case ACT_PAGE_UP:
        l->sel = l->sel > (size_t)page ? l->sel - (size_t)page : 0;
        return true;
    case ACT_TOP:
        l->sel = 0;
        return true;
    case ACT_BOTTOM:
        l->sel = l->n ? l->n - 1 : 0;
        return true;
    default:
        return false;
    }
}

void postlist_scroll(struct postlist *l, int h)
{
    if (h < 1) h = 1;
    if (l->sel < l->top) l->top = l->sel;
    if (l->sel >= l->top + (size_t)h) l->top = l->sel - (size_t)h + 1;
    if (l->top > l->n) l->top = 0;
}

void postlist_draw(struct app *a, const struct postlist *l, WINDOW *w, int y, int h, int cols,
                   bool with_profile, bool with_date, const char *highlight)
{
    for (int r = 0; r < h; r++) {
        size_t i = l->top + (size_t)r;
        if (i >= l->n) break;
        const struct md_post *p = &l->v[i];
        bool sel = i == l->sel;
        attr_t base = sel ? ui_attr(UP_SEL) : A_NORMAL;
        if (sel) ui_fill(w, y + r, 0, cols, base);
        int x = 0;
        x += ui_text(w, y + r, x, cols - x, p->tagged ? "*" : " ", base | A_BOLD);
        char when[32];
        if (!p->scheduled_at)
            snprintf(when, sizeof when, with_date ? " unscheduled" : " --:--");
        else if (with_date)
            snprintf(when, sizeof when, " %02d-%02d %02d:%02d", p->lm, p->ld, p->lhour, p->lmin);
        else
            snprintf(when, sizeof when, " %02d:%02d", p->lhour, p->lmin);
        x += ui_text(w, y + r, x, cols - x, when, base);
        char mark[4] = {' ', md_status_mark(p->status), ' ', 0};
        x += ui_text(w, y + r, x, cols - x, mark, sel ? base : ui_status_attr(p->status));
        char label[16];
        snprintf(label, sizeof label, "%-10s ", md_status_label(p->status)); /* "publishing" fits */
        x += ui_text(w, y + r, x, cols - x, label, sel ? base : ui_status_attr(p->status));
        if (with_profile) {
            const struct md_profile *pr = app_profile_by_id(a, p->profile);
            char name[64];
            snprintf(name, sizeof name, "%-12.12s ", pr ? pr->name : "?");
            x += ui_text(w, y + r, x, cols - x, name, base | (sel ? 0 : ui_attr(UP_TITLE)));
        }
        attr_t ca = base;
        if (highlight && *highlight && strcasestr(p->caption, highlight)) ca |= A_UNDERLINE;
        ui_text(w, y + r, x, cols - x, p->caption, ca);
    }
}
