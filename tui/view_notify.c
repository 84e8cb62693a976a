/* The notifications screen: events pushed by the daemon, newest first; seeing them marks them
 * read, and Enter opens the post an event is about. */
#include "app.h"
#include "ui.h"

#include <stdio.h>

extern void view_post_open(struct app *a, int64_t id);

static size_t sel, top;

static void mark_all_read(struct app *a)
{
    for (size_t i = 0; i < a->nevents; i++)
        a->events[i].read = true;
    a->unread = 0;
    app_dirty(a, DIRTY_STATUS);
}

static void notify_enter(struct app *a)
{
    (void)a;
    sel = top = 0;
}

/* Row i shows event nevents-1-i: the newest on top. */
static struct md_event *at(struct app *a, size_t i)
{
    return i < a->nevents ? &a->events[a->nevents - 1 - i] : NULL;
}

static void notify_draw(struct app *a, WINDOW *w, int rows, int cols)
{
    char title[128];
    snprintf(title, sizeof title, " Notifications: %zu, %zu new (m marks all read)", a->nevents,
             a->unread);
    ui_text_pad(w, 0, 0, cols, title, ui_attr(UP_TITLE) | A_REVERSE);
    if (!a->nevents) {
        ui_text(w, 2, 2, cols - 4, "Nothing yet. Changes by others appear here as they happen.",
                ui_attr(UP_DIM));
        return;
    }
    int h = rows - 1;
    if (sel < top) top = sel;
    if (sel >= top + (size_t)h) top = sel - (size_t)h + 1;
    const struct md_profile *p = app_profile(a);
    for (int r = 0; r < h; r++) {
        struct md_event *e = at(a, top + (size_t)r);
        if (!e) break;
        char when[32], line[600];
        ui_fmt_datetime(when, sizeof when, p ? p->timezone : "UTC", e->at);
        snprintf(line, sizeof line, "%c %s  %s", e->read ? ' ' : '*', when + 5,
                 e->text[0] ? e->text : e->type);
        bool s = top + (size_t)r == sel;
        ui_text_pad(w, 1 + r, 0, cols, line, s ? ui_attr(UP_SEL) : (e->read ? A_NORMAL : A_BOLD));
        /* Seen on screen is read. */
        if (!e->read) {
            e->read = true;
            if (a->unread) a->unread--;
            app_dirty(a, DIRTY_STATUS);
        }
    }
}

static bool notify_key(struct app *a, enum action act)
{
    switch (act) {
    case ACT_DOWN:
        if (sel + 1 < a->nevents) sel++;
        break;
    case ACT_UP:
        if (sel > 0) sel--;
        break;
    case ACT_TOP:
        sel = 0;
        break;
    case ACT_BOTTOM:
        if (a->nevents) sel = a->nevents - 1;
        break;
    case ACT_MARK_READ:
        mark_all_read(a);
        break;
    case ACT_OPEN: {
        struct md_event *e = at(a, sel);
        if (e && e->post) view_post_open(a, e->post);
        return true;
    }
    default:
        return false;
    }
    app_dirty(a, DIRTY_MAIN);
    return true;
}

static void notify_event(struct app *a, const struct md_event *e)
{
    (void)e;
    /* The list grows at the top: keep the cursor on the same event. */
    if (app_top(a) == &view_notify && sel) sel++;
}

struct view view_notify = {
    .name = "notifications",
    .keymap = KM_NOTIFY | KM_LIST,
    .enter = notify_enter,
    .draw = notify_draw,
    .key = notify_key,
    .event = notify_event,
};
