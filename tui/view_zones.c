/* The time zones: every IANA zone of the system's tzdata (zone1970.tab), searchable by any
 * part of its name ("paris", "new york"); Enter puts the chosen one into the form. */
#include "form.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "tz.h"
#include "ui.h"
#include "util.h"
#include "xmalloc.h"

struct zones_screen {
    char **all;
    size_t nall;
    size_t *shown; /* indexes into all */
    size_t nshown, sel, top;
    char query[512];
    struct form_field *target;
    struct view *form_screen; /* the screen showing the form target belongs to */
    struct form *form;        /* that form: checked before writing into it */
};

/* The list is common/tz.c's, the same the link pages' zone chooser shows. */
static void load(struct zones_screen *z)
{
    if (z->nall) return;
    z->nall = gl_tz_list(&z->all);
}

/* "new york" finds America/New_York: case ignored, a space matches an underscore. */
static bool matches(const char *name, const char *q)
{
    size_t qn = strlen(q);
    if (!qn) return true;
    for (const char *s = name; *s; s++) {
        size_t i;
        for (i = 0; i < qn && s[i]; i++) {
            char c = (char)tolower((unsigned char)s[i]), d = (char)tolower((unsigned char)q[i]);
            if (c == '_') c = ' ';
            if (d == '_') d = ' ';
            if (c != d) break;
        }
        if (i == qn) return true;
    }
    return false;
}

static void zones_filter(struct zones_screen *z)
{
    free(z->shown);
    z->shown = xcalloc(z->nall + 1, sizeof *z->shown);
    z->nshown = 0;
    for (size_t i = 0; i < z->nall; i++)
        if (matches(z->all[i], z->query)) z->shown[z->nshown++] = i;
    z->sel = z->top = 0;
    /* An exact name wins the cursor (the profile's present zone, or "utc"). */
    for (size_t i = 0; i < z->nshown; i++)
        if (strcasecmp(z->all[z->shown[i]], z->query) == 0) z->sel = i;
}

static void on_search(void *ud, const char *text, uint64_t tag)
{
    struct view *v = ud;
    struct app *a = v->app;
    struct zones_screen *z = view_state(v, &view_zones);
    (void)tag;
    if (!text) return;
    snprintf(z->query, sizeof z->query, "%s", text);
    zones_filter(z);
    app_dirty(a, DIRTY_MAIN);
}

static void ask(struct view *v)
{
    struct app *a = v->app;
    struct zones_screen *z = view_state(v, &view_zones);
    app_prompt(a, "Search time zones:", z->query, false, on_search, v, 0);
}

void view_zones_open(struct view *form_screen, struct form_field *fld)
{
    struct app *a = form_screen->app;
    struct view *v = app_view(a, VIEW_ZONES);
    struct zones_screen *z = view_state(v, &view_zones);
    load(z);
    z->target = fld;
    z->form_screen = form_screen;
    z->form = form_current(form_screen);
    snprintf(z->query, sizeof z->query, "%s", fld->value);
    zones_filter(z);
    app_push(a, v);
    ask(v);
}

static void zones_draw(struct view *v, WINDOW *w, int rows, int cols)
{
    struct zones_screen *z = view_state(v, &view_zones);
    char title[700];
    snprintf(title, sizeof title, " Time zones: %zu of %zu%s%s%s  (/ searches, Enter chooses)",
             z->nshown, z->nall, z->query[0] ? " matching \"" : "", z->query,
             z->query[0] ? "\"" : "");
    ui_text_pad(w, 0, 0, cols, title, ui_attr(UP_TITLE) | A_REVERSE);
    if (!z->nshown) {
        ui_text(w, 2, 2, cols - 4, "No zone matches: / searches again.", ui_attr(UP_DIM));
        return;
    }
    int h = rows - 1;
    if (z->sel < z->top) z->top = z->sel;
    if (z->sel >= z->top + (size_t)h) z->top = z->sel - (size_t)h + 1;
    int64_t now = (int64_t)time(NULL);
    for (int r = 0; r < h && z->top + (size_t)r < z->nshown; r++) {
        const char *name = z->all[z->shown[z->top + (size_t)r]];
        char off[32], line[256];
        ui_fmt_offset(off, sizeof off, name, now);
        snprintf(line, sizeof line, " %-36s %s", name, off);
        ui_text_pad(w, 1 + r, 0, cols, line,
                    z->top + (size_t)r == z->sel ? ui_attr(UP_SEL) : A_NORMAL);
    }
}

static bool zones_key(struct view *v, enum action act)
{
    struct app *a = v->app;
    struct zones_screen *z = view_state(v, &view_zones);
    switch (act) {
    case ACT_DOWN:
        if (z->sel + 1 < z->nshown) z->sel++;
        break;
    case ACT_UP:
        if (z->sel > 0) z->sel--;
        break;
    case ACT_PAGE_DOWN:
        z->sel = z->sel + 10 < z->nshown ? z->sel + 10 : (z->nshown ? z->nshown - 1 : 0);
        break;
    case ACT_PAGE_UP:
        z->sel = z->sel > 10 ? z->sel - 10 : 0;
        break;
    case ACT_TOP:
        z->sel = 0;
        break;
    case ACT_BOTTOM:
        if (z->nshown) z->sel = z->nshown - 1;
        break;
    case ACT_SEARCH:
        ask(v);
        return true;
    case ACT_OPEN:
        if (z->sel < z->nshown && z->target && z->form && form_current(z->form_screen) == z->form) {
            const char *name = z->all[z->shown[z->sel]];
            form_set(a, z->target, name);
            if (z->form->sel + 1 < z->form->n) z->form->sel++;
            app_pop(a);
            app_msg(a, false, "time zone %s", name);
        }
        return true;
    default:
        return false;
    }
    app_dirty(a, DIRTY_MAIN);
    return true;
}

static void zones_free(struct view *v)
{
    struct zones_screen *z = view_state(v, &view_zones);
    gl_tz_list_free(z->all, z->nall);
    free(z->shown);
}

const struct view_ops view_zones = {
    .name = "time zones",
    .keymap = KM_ZONES | KM_LIST,
    .state_size = sizeof(struct zones_screen),
    .draw = zones_draw,
    .key = zones_key,
    .free = zones_free,
};
