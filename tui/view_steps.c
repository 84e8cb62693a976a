/* A profile's approval steps, in order: each has a name and who decides it (a staff role, the
 * approver of an approval link, optionally named, collaborators, or any of them). Edited here
 * as a list and kept in the profile form's field, which saves them. */
#include "form.h"

#include <stdio.h>
#include <string.h>

#include "ui.h"
#include "util.h"

/* Who decides, in the words people use; the protocol's word is form_step_who[i]. */
static const char *const who_said[] = {
    "an editor, manager or admin",
    "a manager or admin",
    "an admin",
    "the approver of an approval link",
    "collaborators, through a collab link",
    "a manager, or an approval or collab link",
};

struct steps_screen {
    struct form_step v[FORM_STEPS_MAX];
    size_t n, sel;
    struct form_field *target;
    struct view *form_screen; /* the screen showing the form target belongs to */
    struct form *form;        /* that form: checked before writing into it */
    size_t editing;           /* the step the prompts fill; n for a new one */
    struct form_step draft;
};

static const char *said(const char *who)
{
    for (size_t i = 0; form_step_who[i] && i < GL_ARRAY_LEN(who_said); i++)
        if (strcmp(form_step_who[i], who) == 0) return who_said[i];
    return who;
}

static void store(struct view *v)
{
    struct app *a = v->app;
    struct steps_screen *st = view_state(v, &view_steps);
    if (!st->target || form_current(st->form_screen) != st->form) return;
    char buf[sizeof st->target->value];
    form_steps_format(st->v, st->n, buf, sizeof buf);
    form_set(a, st->target, buf);
}

void view_steps_open(struct view *form_screen, struct form_field *fld)
{
    struct app *a = form_screen->app;
    struct view *v = app_view(a, VIEW_STEPS);
    struct steps_screen *st = view_state(v, &view_steps);
    char why[200];
    int n = form_steps_parse(fld->value, st->v, FORM_STEPS_MAX, why, sizeof why);
    st->n = n < 0 ? 0 : (size_t)n;
    st->sel = 0;
    st->target = fld;
    st->form_screen = form_screen;
    st->form = form_current(form_screen);
    app_push(a, v);
}

/* ---- the prompts of one step: name, who, the approver's name ---- */

static void on_approver(void *ud, const char *text, uint64_t tag);
static void on_who(void *ud, const char *text, uint64_t tag);

static void finish(struct view *v)
{
    struct app *a = v->app;
    struct steps_screen *st = view_state(v, &view_steps);
    if (st->editing == st->n) {
        if (st->n == FORM_STEPS_MAX) return;
        st->v[st->n++] = st->draft;
        st->sel = st->n - 1;
    } else {
        st->v[st->editing] = st->draft;
    }
    store(v);
    app_dirty(a, DIRTY_MAIN);
}

#define WHO_LABEL "Who (editor, manager, admin, approver, collaborator, any):"

static void on_name(void *ud, const char *text, uint64_t tag)
{
    struct view *v = ud;
    struct app *a = v->app;
    struct steps_screen *st = view_state(v, &view_steps);
    (void)tag;
    if (!text) return;
    if (!text[0] || strchr(text, ';') || strchr(text, ':')) {
        app_msg(a, true, "a step needs a name (without ; or :), such as Review or Client");
        app_prompt(a, "Step name:", text, false, on_name, v, 0);
        a->prompt.selected = false;
        return;
    }
    snprintf(st->draft.name, sizeof st->draft.name, "%s", text);
    app_prompt(a, WHO_LABEL, st->draft.who[0] ? st->draft.who : "manager", false, on_who, v, 0);
}

static void on_who(void *ud, const char *text, uint64_t tag)
{
    struct view *v = ud;
    struct app *a = v->app;
    struct steps_screen *st = view_state(v, &view_steps);
    (void)tag;
    if (!text) return;
    size_t k;
    for (k = 0; form_step_who[k]; k++)
        if (strcmp(form_step_who[k], text) == 0) break;
    if (!form_step_who[k]) {
        app_msg(a, true,
                "'%s': a step is decided by editor, manager, admin, approver, "
                "collaborator or any",
                text);
        app_prompt(a, WHO_LABEL, text, false, on_who, v, 0);
        a->prompt.selected = false;
        return;
    }
    snprintf(st->draft.who, sizeof st->draft.who, "%s", form_step_who[k]);
    if (strcmp(st->draft.who, "approver") == 0) {
        app_prompt(a, "Approver's name (empty: any approval link's approver):", st->draft.approver,
                   false, on_approver, v, 0);
        return;
    }
    st->draft.approver[0] = 0;
    finish(v);
}

static void on_approver(void *ud, const char *text, uint64_t tag)
{
    struct view *v = ud;
    struct steps_screen *st = view_state(v, &view_steps);
    (void)tag;
    if (!text) return;
    snprintf(st->draft.approver, sizeof st->draft.approver, "%s", text);
    finish(v);
}

static void edit(struct view *v, size_t i)
{
    struct app *a = v->app;
    struct steps_screen *st = view_state(v, &view_steps);
    st->editing = i;
    if (i < st->n)
        st->draft = st->v[i];
    else
        memset(&st->draft, 0, sizeof st->draft);
    app_prompt(a, "Step name:", st->draft.name, false, on_name, v, 0);
}

/* ---- the list ---- */

static void steps_draw(struct view *v, WINDOW *w, int rows, int cols)
{
    struct steps_screen *st = view_state(v, &view_steps);
    ui_text_pad(w, 0, 0, cols,
                " Approval steps, in order (n adds, Enter changes, x removes, J/K move)",
                ui_attr(UP_TITLE) | A_REVERSE);
    int y = 2;
    if (!st->n) {
        ui_wrap(w, y, 2, cols - 4, 3, 0,
                "No steps: a post submitted is approved at once. n adds a step.", ui_attr(UP_DIM));
        y += 3;
    }
    for (size_t i = 0; i < st->n && y < rows - 2; i++) {
        char line[400];
        snprintf(line, sizeof line, " %zu. %s: decided by %s%s%s", i + 1, st->v[i].name,
                 said(st->v[i].who), st->v[i].approver[0] ? ", " : "", st->v[i].approver);
        ui_text_pad(w, y++, 0, cols, line, i == st->sel ? ui_attr(UP_SEL) : A_NORMAL);
    }
    y++;
    if (y < rows)
        ui_wrap(w, y, 1, cols - 2, rows - y, 0,
                "A post is approved when every step is, in this order. Staff decide editor, "
                "manager and admin steps; approval links decide approver steps (only the named "
                "approver's link, when a name is given); collab links decide collaborator steps. "
                "q goes back to the profile, where w saves.",
                ui_attr(UP_DIM));
}

static bool steps_key(struct view *v, enum action act)
{
    struct app *a = v->app;
    struct steps_screen *st = view_state(v, &view_steps);
    struct form_step tmp;
    switch (act) {
    case ACT_DOWN:
        if (st->sel + 1 < st->n) st->sel++;
        break;
    case ACT_UP:
        if (st->sel > 0) st->sel--;
        break;
    case ACT_TOP:
        st->sel = 0;
        break;
    case ACT_BOTTOM:
        if (st->n) st->sel = st->n - 1;
        break;
    case ACT_STEP_ADD:
        if (st->n == FORM_STEPS_MAX) {
            app_msg(a, true, "a profile has at most %d approval steps", FORM_STEPS_MAX);
            return true;
        }
        edit(v, st->n);
        return true;
    case ACT_EDIT_FIELD:
        if (st->sel < st->n) edit(v, st->sel);
        return true;
    case ACT_STEP_REMOVE:
        if (st->sel >= st->n) return true;
        memmove(&st->v[st->sel], &st->v[st->sel + 1], (st->n - st->sel - 1) * sizeof st->v[0]);
        st->n--;
        if (st->sel >= st->n && st->sel) st->sel--;
        store(v);
        break;
    case ACT_STEP_LATER:
    case ACT_STEP_EARLIER: {
        size_t j = act == ACT_STEP_LATER ? st->sel + 1 : st->sel - 1;
        if (st->sel >= st->n || j >= st->n) return true; /* wraps below 0 to a huge j */
        tmp = st->v[st->sel];
        st->v[st->sel] = st->v[j];
        st->v[j] = tmp;
        st->sel = j;
        store(v);
        break;
    }
    default:
        return false;
    }
    app_dirty(a, DIRTY_MAIN);
    return true;
}

const struct view_ops view_steps = {
    .name = "approval steps",
    .keymap = KM_STEPS | KM_LIST,
    .state_size = sizeof(struct steps_screen),
    .draw = steps_draw,
    .key = steps_key,
};
