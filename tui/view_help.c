/* The help screen: every key of the screen below it, generated from the binding table. */
#include "app.h"
#include "ui.h"

#include <stdio.h>

#define MAX_LINES 96

static int help_scroll;

static void help_enter(struct app *a)
{
    (void)a;
    help_scroll = 0;
}

static struct view *below(struct app *a)
{
    return a->depth >= 2 ? a->stack[a->depth - 2] : &view_calendar;
}

static void help_draw(struct app *a, WINDOW *w, int rows, int cols)
{
    struct view *v = below(a);
    struct help_line lines[MAX_LINES];
    size_t n = keys_help(v->keymap | KM_GLOBAL, lines, MAX_LINES);
    char title[128];
    snprintf(title, sizeof title, "Keys of the %s screen (q to close)", v->name);
    ui_text_pad(w, 0, 0, cols, title, ui_attr(UP_TITLE) | A_REVERSE);
    int y = 1;
    bool global_shown = false;
    int skip = help_scroll;
    for (size_t i = 0; i < n && y < rows; i++) {
        if (lines[i].global && !global_shown) {
            global_shown = true;
            if (skip > 0) {
                skip--;
            } else {
                ui_text(w, y++, 0, cols, "Everywhere", ui_attr(UP_TITLE));
                if (y >= rows) break;
            }
        }
        if (skip > 0) {
            skip--;
            continue;
        }
        ui_text(w, y, 2, 20, lines[i].keys, A_BOLD);
        ui_text(w, y, 24, cols - 24, lines[i].help, A_NORMAL);
        y++;
    }
    if (v == &view_calendar || v == &view_day || v == &view_queue) {
        static const char legend[] = "Marks: ~ draft  ? awaiting  ! changes  + approved  "
                                     "> scheduled  * published  X failed";
        if (y + 1 < rows) ui_text(w, y + 1, 0, cols, legend, ui_attr(UP_DIM));
    }
}

static bool help_key(struct app *a, enum action act)
{
    switch (act) {
    case ACT_DOWN: help_scroll++; break;
    case ACT_UP: if (help_scroll > 0) help_scroll--; break;
    case ACT_HELP: app_pop(a); return true;
    default: return false;
    }
    app_dirty(a, DIRTY_MAIN);
    return true;
}

struct view view_help = {
    .name = "help",
    .keymap = KM_HELP,
    .enter = help_enter,
    .draw = help_draw,
    .key = help_key,
};
