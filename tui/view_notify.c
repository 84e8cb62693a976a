/* The notifications screen: what the daemon kept for this user (notify.list), newest first,
 * including what happened while the client was closed. Enter opens the post a notification is
 * about and marks it read; x marks one read, m all. */
#include "app.h"
#include "ui.h"

#include <stdio.h>
#include <stdlib.h>

#include "xmalloc.h"

struct notify_screen {
    size_t sel, top; /* the selected row and the first row shown */
};

/* Row i shows event nevents-1-i: the newest on top. */
static struct md_event *at(struct app *a, size_t i)
{
    return i < a->nevents ? &a->events[a->nevents - 1 - i] : NULL;
}

static void mark_all_read(struct app *a)
{
    int64_t *ids = xcalloc(a->nevents + 1, sizeof *ids);
    size_t n = 0;
    for (size_t i = 0; i < a->nevents; i++)
        if (!a->events[i].read && a->events[i].id) ids[n++] = a->events[i].id;
    app_mark_read(a, ids, n);
    free(ids);
    if (!n) app_msg(a, false, "nothing unread");
}

static void mark_one(struct app *a, struct md_event *e)
{
    if (!e || e->read || !e->id) return;
    e->read = true; /* at once on screen; the daemon's count follows */
    if (a->unread) a->unread--;
    app_mark_read(a, &e->id, 1);
}

static void notify_enter(struct view *v)
{
    struct app *a = v->app;
    struct notify_screen *nt = view_state(v, &view_notify);
    nt->sel = nt->top = 0;
    app_reload_notifications(a);
}

static void notify_draw(struct view *v, WINDOW *w, int rows, int cols)
{
    struct app *a = v->app;
    struct notify_screen *nt = view_state(v, &view_notify);
    char title[160];
    snprintf(title, sizeof title, " Notifications: %zu, %zu unread (x marks one read, m all)",
             a->nevents, a->unread);
    ui_text_pad(w, 0, 0, cols, title, ui_attr(UP_TITLE) | A_REVERSE);
    if (!a->nevents) {
        ui_text(w, 2, 2, cols - 4,
                "Nothing yet. What others do to your posts, and posts for you to approve, "
                "appear here.",
                ui_attr(UP_DIM));
        return;
    }
    if (nt->sel >= a->nevents) nt->sel = a->nevents - 1;
    int h = rows - 1;
    if (nt->sel < nt->top) nt->top = nt->sel;
    if (nt->sel >= nt->top + (size_t)h) nt->top = nt->sel - (size_t)h + 1;
    const struct md_profile *p = app_profile(a);
    for (int r = 0; r < h; r++) {
        struct md_event *e = at(a, nt->top + (size_t)r);
        if (!e) break;
        char when[32], line[600];
        ui_fmt_datetime(when, sizeof when, p ? p->timezone : "UTC", e->at);
        snprintf(line, sizeof line, "%c %s  %s", e->read ? ' ' : '*', when + 5,
                 e->text[0] ? e->text : e->type);
        bool s = nt->top + (size_t)r == nt->sel;
        ui_text_pad(w, 1 + r, 0, cols, line, s ? ui_attr(UP_SEL) : (e->read ? A_NORMAL : A_BOLD));
    }
}

static bool notify_key(struct view *v, enum action act)
{
    struct app *a = v->app;
    struct notify_screen *nt = view_state(v, &view_notify);
    switch (act) {
    case ACT_DOWN:
        if (nt->sel + 1 < a->nevents) nt->sel++;
        break;
    case ACT_UP:
        if (nt->sel > 0) nt->sel--;
        break;
    case ACT_TOP:
        nt->sel = 0;
        break;
    case ACT_BOTTOM:
        if (a->nevents) nt->sel = a->nevents - 1;
        break;
    case ACT_MARK_READ:
        mark_all_read(a);
        break;
    case ACT_MARK_ONE:
        mark_one(a, at(a, nt->sel));
        if (nt->sel + 1 < a->nevents) nt->sel++;
        break;
    case ACT_OPEN: {
        struct md_event *e = at(a, nt->sel);
        if (!e) return true;
        int64_t post = e->post, link = e->link, profile = e->profile;
        mark_one(a, e);
        if (link && !post)
            view_link_open(a, link, profile);
        else if (post)
            view_post_open(a, post);
        else
            app_msg(a, false, "this one is not about a post");
        return true;
    }
    default:
        return false;
    }
    app_dirty(a, DIRTY_MAIN);
    return true;
}

static void notify_reload(struct view *v)
{
    struct app *a = v->app;
    app_reload_notifications(a);
}

const struct view_ops view_notify = {
    .name = "notifications",
    .keymap = KM_NOTIFY | KM_LIST,
    .state_size = sizeof(struct notify_screen),
    .enter = notify_enter,
    .draw = notify_draw,
    .key = notify_key,
    .reload = notify_reload,
};
