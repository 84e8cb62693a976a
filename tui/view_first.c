/* The first run: on an empty store an admin is led from the daemon's initial password to a
 * team that can work: their own password, the first profile, colleagues invited. Each step is
 * one Enter away and nothing on the way needs a method name. */
#include "app.h"
#include "form.h"
#include "ui.h"

#include <stdio.h>
#include <string.h>

enum { ST_PASSWORD, ST_PROFILE, ST_INVITE, ST_DONE, ST_COUNT };

static const struct {
    const char *title, *detail;
} steps[ST_COUNT] = {
    [ST_PASSWORD] = {"Choose your own password",
                     "the daemon printed a random one at its first start; replace it"},
    [ST_PROFILE] = {"Create the first profile",
                    "a client's calendar: its name, time zone, platforms, who approves"},
    [ST_INVITE] = {"Invite colleagues",
                   "name, role and e-mail; each gets a password made for them, shown once"},
    [ST_DONE] = {"Go to the calendar", "and write the first post (n)"},
};

struct first_screen {
    size_t sel;
    bool done[ST_COUNT];
    int invited;
};

static void next(struct view *v)
{
    struct app *a = v->app;
    struct first_screen *fr = view_state(v, &view_first);
    while (fr->sel + 1 < ST_COUNT && fr->done[fr->sel] && fr->sel != ST_INVITE)
        fr->sel++;
    app_dirty(a, DIRTY_ALL);
}

/* Each step's end comes back to the first-run screen that started it (its ud). */
static void password_done(void *ud)
{
    struct view *v = ud;
    struct first_screen *fr = view_state(v, &view_first);
    fr->done[ST_PASSWORD] = true;
    next(v);
}

static void profile_done(void *ud)
{
    struct view *v = ud;
    struct first_screen *fr = view_state(v, &view_first);
    fr->done[ST_PROFILE] = true;
    next(v);
}

static void invite_done(void *ud)
{
    struct view *v = ud;
    struct first_screen *fr = view_state(v, &view_first);
    fr->done[ST_INVITE] = true;
    fr->invited++;
}

static void first_enter(struct view *v)
{
    struct app *a = v->app;
    struct first_screen *fr = view_state(v, &view_first);
    if (a->nprofiles) fr->done[ST_PROFILE] = true;
    app_dirty(a, DIRTY_ALL);
}

static void first_draw(struct view *v, WINDOW *w, int rows, int cols)
{
    struct app *a = v->app;
    struct first_screen *fr = view_state(v, &view_first);
    ui_text_pad(w, 0, 0, cols, " Welcome to Greenlight: three steps set your agency up",
                ui_attr(UP_TITLE) | A_REVERSE);
    int y = 2;
    for (size_t i = 0; i < ST_COUNT && y < rows; i++) {
        bool s = i == fr->sel;
        char line[200];
        const char *mark = fr->done[i] ? "[x]" : "[ ]";
        if (i == ST_INVITE && fr->invited)
            snprintf(line, sizeof line, " %s %zu. %s (%d invited; Enter for another)", mark, i + 1,
                     steps[i].title, fr->invited);
        else
            snprintf(line, sizeof line, " %s %zu. %s", mark, i + 1, steps[i].title);
        ui_text_pad(w, y++, 0, cols, line,
                    s ? ui_attr(UP_SEL) : (fr->done[i] ? ui_attr(UP_DIM) : A_BOLD));
        if (y < rows) ui_text(w, y++, 8, cols - 9, steps[i].detail, ui_attr(UP_DIM));
        y++;
    }
    const char *pw = people_shown_password(a);
    if (pw && y < rows) {
        char line[200];
        snprintf(line, sizeof line, "Last password made: %s  (y copies it again)", pw);
        ui_text(w, y++, 1, cols - 2, line, ui_attr(UP_OK));
    }
    if (y + 1 < rows)
        ui_text(w, y + 1, 1, cols - 2,
                "j/k choose a step, Enter does it; q leaves this for the calendar",
                ui_attr(UP_DIM));
}

static bool first_key(struct view *v, enum action act)
{
    struct app *a = v->app;
    struct first_screen *fr = view_state(v, &view_first);
    switch (act) {
    case ACT_DOWN:
        if (fr->sel + 1 < ST_COUNT) fr->sel++;
        break;
    case ACT_UP:
        if (fr->sel > 0) fr->sel--;
        break;
    case ACT_OPEN:
        switch (fr->sel) {
        case ST_PASSWORD:
            people_own_password(a, password_done, v);
            break;
        case ST_PROFILE:
            if (a->nprofiles)
                profile_form_open(a, app_profile(a), profile_done, v);
            else
                profile_form_open(a, NULL, profile_done, v);
            break;
        case ST_INVITE:
            people_invite(a, invite_done, v);
            break;
        default:
            app_go(a, app_view(a, VIEW_CALENDAR));
            break;
        }
        return true;
    case ACT_COPY: {
        const char *pw = people_shown_password(a);
        if (pw) {
            app_clipboard(a, pw);
            app_msg(a, false, "copied");
        }
        return true;
    }
    case ACT_BACK:
        app_go(a, app_view(a, VIEW_CALENDAR));
        return true;
    default:
        return false;
    }
    app_dirty(a, DIRTY_MAIN);
    return true;
}

const struct view_ops view_first = {
    .name = "first run",
    .keymap = KM_FIRST | KM_LIST,
    .state_size = sizeof(struct first_screen),
    .enter = first_enter,
    .draw = first_draw,
    .key = first_key,
};
