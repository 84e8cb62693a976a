/* The help screen: every key of the screen below it, generated from the binding table. */
#include "app.h"
#include "ui.h"

#include <stdio.h>
#include <string.h>

#define MAX_LINES 96

struct help_screen {
    int scroll;
};

static void help_enter(struct view *v)
{
    struct help_screen *h = view_state(v, &view_help);
    h->scroll = 0;
}

static struct view *below(struct app *a)
{
    return a->depth >= 2 ? a->stack[a->depth - 2] : app_view(a, VIEW_CALENDAR);
}

static void help_draw(struct view *v, WINDOW *w, int rows, int cols)
{
    struct help_screen *h = view_state(v, &view_help);
    const struct view_ops *under = below(v->app)->ops;
    struct help_line lines[MAX_LINES];
    size_t n = keys_help(under->keymap | KM_GLOBAL, lines, MAX_LINES);
    char title[128];
    snprintf(title, sizeof title, "Keys of the %s screen (q closes, j/k scroll)", under->name);
    ui_text_pad(w, 0, 0, cols, title, ui_attr(UP_TITLE) | A_REVERSE);
    /* The entries, with a heading before the global ones; two columns when one does not fit. */
    int total = (int)n + 1, avail = rows - 3;
    int ncol = total > avail && cols >= 80 ? 2 : 1;
    int per = ncol == 2 ? (total + 1) / 2 : total;
    int colw = cols / ncol, keyw = colw < 60 ? 13 : 20;
    int row = 0, col = 0;
    bool heading = false;
    for (size_t i = 0; i <= n; i++) {
        bool is_head = i < n && lines[i].global && !heading;
        if (i == n) break;
        for (int pass = 0; pass < (is_head ? 2 : 1); pass++) {
            int y = 1 + row - h->scroll, x = col * colw;
            if (y >= 1 && y < rows - 1) {
                if (is_head && pass == 0)
                    ui_text(w, y, x, colw - 1, "Everywhere", ui_attr(UP_TITLE));
                else {
                    ui_text(w, y, x + 1, keyw - 1, lines[i].keys, A_BOLD);
                    ui_text(w, y, x + keyw + 1, colw - keyw - 2, lines[i].help, A_NORMAL);
                }
            }
            if (++row >= per && col + 1 < ncol) {
                row = 0;
                col++;
            }
        }
        if (is_head) heading = true;
    }
    if (under == &view_calendar || under == &view_day || under == &view_queue) {
        /* Written from the status table, so the legend cannot disagree with the marks. */
        char legend[256] = "Marks:";
        for (int s = 0; s < MS_UNKNOWN; s++)
            snprintf(legend + strlen(legend), sizeof legend - strlen(legend), "%s%c %s",
                     s ? "  " : " ", md_status_mark((enum md_status)s),
                     md_status_label((enum md_status)s));
        ui_text(w, rows - 1, 0, cols, legend, ui_attr(UP_DIM));
    }
}

static bool help_key(struct view *v, enum action act)
{
    struct app *a = v->app;
    struct help_screen *h = view_state(v, &view_help);
    switch (act) {
    case ACT_DOWN:
        h->scroll++;
        break;
    case ACT_UP:
        if (h->scroll > 0) h->scroll--;
        break;
    case ACT_HELP:
        app_pop(a);
        return true;
    default:
        return false;
    }
    app_dirty(a, DIRTY_MAIN);
    return true;
}

const struct view_ops view_help = {
    .name = "help",
    .keymap = KM_HELP,
    .state_size = sizeof(struct help_screen),
    .enter = help_enter,
    .draw = help_draw,
    .key = help_key,
};
