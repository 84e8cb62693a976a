/* The profile picker: choose which profile the calendar and links show. */
#include "app.h"
#include "ui.h"

#include <stdio.h>
#include <stdlib.h>

static size_t sel;

static void picker_enter(struct app *a)
{
    sel = 0;
    for (size_t i = 0; i < a->nprofiles; i++)
        if (a->profiles[i].id == a->profile_id) sel = i;
}

static void picker_draw(struct app *a, WINDOW *w, int rows, int cols)
{
    ui_text_pad(w, 0, 0, cols, "Choose a profile (Enter to pick, q to go back)",
                ui_attr(UP_TITLE) | A_REVERSE);
    if (!a->nprofiles) {
        ui_text(w, 2, 2, cols - 2, "No profiles yet.", A_NORMAL);
        return;
    }
    for (size_t i = 0; i < a->nprofiles && (int)i + 2 < rows; i++) {
        const struct md_profile *p = &a->profiles[i];
        char *plat = md_strlist_join(&p->platforms, ", ");
        char line[512];
        snprintf(line, sizeof line, " %-28s %-22s %s%s", p->name, p->timezone, plat,
                 p->auto_schedule ? "  (auto-schedule)" : "");
        free(plat);
        ui_text_pad(w, (int)i + 2, 0, cols, line, i == sel ? ui_attr(UP_SEL) : A_NORMAL);
    }
}

static bool picker_key(struct app *a, enum action act)
{
    switch (act) {
    case ACT_DOWN:
        if (sel + 1 < a->nprofiles) sel++;
        break;
    case ACT_UP:
        if (sel > 0) sel--;
        break;
    case ACT_TOP:
        sel = 0;
        break;
    case ACT_BOTTOM:
        if (a->nprofiles) sel = a->nprofiles - 1;
        break;
    case ACT_OPEN:
        if (sel < a->nprofiles) {
            app_set_profile(a, a->profiles[sel].id);
            app_msg(a, false, "profile %s (%s)", a->profiles[sel].name, a->profiles[sel].timezone);
            app_pop(a);
        }
        return true;
    default:
        return false;
    }
    app_dirty(a, DIRTY_MAIN);
    return true;
}

struct view view_picker = {
    .name = "profiles",
    .keymap = KM_PICKER | KM_LIST,
    .enter = picker_enter,
    .draw = picker_draw,
    .key = picker_key,
};
