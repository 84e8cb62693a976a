/* The form screen (form.h): one field per line, Enter changes the highlighted one on the prompt
 * line (its present value selected, so typing replaces it), w saves. */
#include "form.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ui.h"
#include "util.h"
#include "words.h"
#include "xmalloc.h"

struct form_screen {
    struct form *cur; /* the form shown, owned here */
};

struct form *form_current(struct view *screen)
{
    struct form_screen *fm = view_state(screen, &view_form);
    return fm->cur;
}

struct form *form_new(const char *title, form_save_fn save, void *ud)
{
    struct form *f = xcalloc(1, sizeof *f);
    snprintf(f->title, sizeof f->title, "%s", title);
    f->save = save;
    f->ud = ud;
    return f;
}

struct form_field *form_add(struct form *f, const char *label, enum ff_kind kind, const char *value)
{
    if (f->n == GL_ARRAY_LEN(f->f)) abort();
    struct form_field *fld = &f->f[f->n++];
    fld->label = label;
    fld->kind = kind;
    snprintf(fld->value, sizeof fld->value, "%s", value ? value : "");
    return fld;
}

const char *form_value(const struct form *f, const char *label)
{
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->f[i].label, label) == 0) return f->f[i].value;
    return "";
}

void form_open(struct app *a, struct form *f)
{
    struct view *v = app_view(a, VIEW_FORM);
    struct form_screen *fm = view_state(v, &view_form);
    free(fm->cur);
    fm->cur = f;
    app_push(a, v);
}

static void close_form(struct view *v)
{
    struct app *a = v->app;
    struct form_screen *fm = view_state(v, &view_form);
    if (app_top(a) == v) app_pop(a);
    free(fm->cur);
    fm->cur = NULL;
}

void form_saved(struct view *screen, const char *msg)
{
    struct app *a = screen->app;
    struct form_screen *fm = view_state(screen, &view_form);
    form_done_fn done = fm->cur ? fm->cur->done : NULL;
    void *done_ud = fm->cur ? fm->cur->done_ud : NULL;
    close_form(screen);
    if (msg) app_msg(a, false, "%s", msg);
    if (done) done(done_ud);
}

void form_failed(struct view *screen, const char *what, const struct gl_err *err)
{
    struct app *a = screen->app;
    struct form_screen *fm = view_state(screen, &view_form);
    if (fm->cur) fm->cur->sending = false;
    app_rpc_error(a, what, err);
    app_dirty(a, DIRTY_ALL);
}

void form_set(struct app *a, struct form_field *fld, const char *value)
{
    snprintf(fld->value, sizeof fld->value, "%s", value);
    fld->changed = true;
    app_dirty(a, DIRTY_MAIN);
}

/* ---- approval steps in words ---- */

const char *const form_step_who[] = {"editor",       "manager", "admin", "approver",
                                       "collaborator", "any",     NULL};


static char *trim(char *s)
{
    while (*s == ' ')
        s++;
    size_t n = strlen(s);
    while (n && s[n - 1] == ' ')
        s[--n] = 0;
    return s;
}

int form_steps_parse(const char *text, struct form_step *out, size_t max, char *why, size_t whyn)
{
    char *copy = xstrdup(text), *save = NULL;
    int n = 0;
    for (char *t = strtok_r(copy, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
        t = trim(t);
        if (!*t) continue;
        char *colon = strchr(t, ':');
        if (!colon) {
            snprintf(why, whyn,
                     "step \"%s\": write it as Name: who (who: editor, manager, "
                     "admin, approver [name], collaborator, any)",
                     t);
            goto bad;
        }
        *colon = 0;
        char *name = trim(t), *who = trim(colon + 1), *rest = strchr(who, ' ');
        if (rest) *rest++ = 0;
        if (!*name) {
            snprintf(why, whyn, "a step needs a name before the colon");
            goto bad;
        }
        size_t k;
        for (k = 0; form_step_who[k]; k++)
            if (strcasecmp(form_step_who[k], who) == 0) break;
        if (!form_step_who[k]) {
            snprintf(why, whyn,
                     "step \"%s\": who is editor, manager, admin, approver [name], "
                     "collaborator or any, not \"%s\"",
                     name, who);
            goto bad;
        }
        if (rest && *trim(rest) && strcmp(form_step_who[k], "approver")) {
            snprintf(why, whyn, "step \"%s\": only an approver step names someone", name);
            goto bad;
        }
        if ((size_t)n == max) {
            snprintf(why, whyn, "at most %zu approval steps", max);
            goto bad;
        }
        snprintf(out[n].name, sizeof out[n].name, "%s", name);
        snprintf(out[n].who, sizeof out[n].who, "%s", form_step_who[k]);
        snprintf(out[n].approver, sizeof out[n].approver, "%s", rest ? trim(rest) : "");
        n++;
    }
    free(copy);
    return n;
bad:
    free(copy);
    return -1;
}

void form_steps_format(const struct form_step *s, size_t n, char *buf, size_t len)
{
    size_t k = 0;
    buf[0] = 0;
    for (size_t i = 0; i < n && k < len; i++)
        k += (size_t)snprintf(buf + k, len - k, "%s%s: %s%s%s", i ? "; " : "", s[i].name, s[i].who,
                              s[i].approver[0] ? " " : "", s[i].approver);
}

bool form_steps_check(const char *text, char *why, size_t whyn)
{
    struct form_step s[FORM_STEPS_MAX];
    return form_steps_parse(text, s, FORM_STEPS_MAX, why, whyn) >= 0;
}

bool form_steps_pack(const char *text, msgpack_packer *pk, char *why, size_t whyn)
{
    struct form_step s[FORM_STEPS_MAX];
    int n = form_steps_parse(text, s, FORM_STEPS_MAX, why, whyn);
    if (n < 0) return false;
    msgpack_pack_array(pk, (size_t)n);
    for (int i = 0; i < n; i++) {
        msgpack_pack_map(pk, s[i].approver[0] ? 3 : 2);
        gl_pack_kv_str(pk, "name", s[i].name);
        gl_pack_kv_str(pk, "who", s[i].who);
        if (s[i].approver[0]) gl_pack_kv_str(pk, "approver", s[i].approver);
    }
    return true;
}

/* ---- editing a field ---- */

static bool check_field(const struct form_field *fld, const char *text, char *why, size_t n)
{
    switch (fld->kind) {
    case FF_TEXT:
        if ((int)strlen(text) < fld->min) {
            snprintf(why, n, "%s: at least %d characters", fld->label, fld->min);
            return false;
        }
        return true;
    case FF_CHOICE:
        for (size_t i = 0; fld->choices[i]; i++)
            if (strcasecmp(fld->choices[i], text) == 0) return true;
        {
            size_t len = 0;
            len += (size_t)snprintf(why, n, "%s is one of:", fld->label);
            for (size_t i = 0; fld->choices[i] && len < n; i++)
                len += (size_t)snprintf(why + len, n - len, " %s", fld->choices[i]);
        }
        return false;
    case FF_NUMBER: {
        char *end;
        long v = strtol(text, &end, 10);
        if (!*text || *end || v < fld->min || v > fld->max) {
            snprintf(why, n, "%s: a number from %d to %d", fld->label, fld->min, fld->max);
            return false;
        }
        return true;
    }
    case FF_STEPS:
        return form_steps_check(text, why, n);
    default:
        return true;
    }
}

static void on_field(void *ud, const char *text, uint64_t tag)
{
    struct view *v = ud;
    struct app *a = v->app;
    struct form_screen *fm = view_state(v, &view_form);
    if (!fm->cur || !text || tag >= fm->cur->n) return; /* Esc: the field keeps its value */
    struct form_field *fld = &fm->cur->f[tag];
    char why[300];
    if (!check_field(fld, text, why, sizeof why)) {
        app_msg(a, true, "%s", why);
        /* Asked again with what was typed, so a slip is fixed rather than retyped. */
        app_prompt(a, fld->label, text, false, on_field, v, tag);
        a->prompt.selected = false;
        return;
    }
    char val[512];
    snprintf(val, sizeof val, "%s", text);
    if (fld->kind == FF_CHOICE)
        for (size_t i = 0; fld->choices[i]; i++)
            if (strcasecmp(fld->choices[i], text) == 0)
                snprintf(val, sizeof val, "%s", fld->choices[i]);
    form_set(a, fld, val);
    /* On to the next field, as a paper form is filled in. */
    if (fm->cur->sel + 1 < fm->cur->n) fm->cur->sel++;
}

static void edit_field(struct view *v)
{
    struct app *a = v->app;
    struct form_screen *fm = view_state(v, &view_form);
    struct form_field *fld = &fm->cur->f[fm->cur->sel];
    char label[160];
    switch (fld->kind) {
    case FF_BOOL:
        form_set(a, fld, strcmp(fld->value, "yes") == 0 ? "no" : "yes");
        return;
    case FF_ZONE:
        view_zones_open(v, fld);
        return;
    case FF_STEPS:
        view_steps_open(v, fld);
        return;
    case FF_CHOICE: {
        size_t len = (size_t)snprintf(label, sizeof label, "%s (", fld->label);
        for (size_t i = 0; fld->choices[i] && len < sizeof label; i++)
            len += (size_t)snprintf(label + len, sizeof label - len, "%s%s", i ? ", " : "",
                                    fld->choices[i]);
        if (len < sizeof label) snprintf(label + len, sizeof label - len, "):");
        break;
    }
    default:
        snprintf(label, sizeof label, "%s:", fld->label);
        break;
    }
    app_prompt(a, label, fld->value, false, on_field, v, fm->cur->sel);
}

static void form_draw(struct view *v, WINDOW *w, int rows, int cols)
{
    struct form_screen *fm = view_state(v, &view_form);
    if (!fm->cur) return;
    ui_text_pad(w, 0, 0, cols, fm->cur->title, ui_attr(UP_TITLE) | A_REVERSE);
    int y = 2;
    if (fm->cur->intro) y += ui_wrap(w, y, 1, cols - 2, 3, 0, fm->cur->intro, A_NORMAL) + 1;
    int lw = 0;
    for (size_t i = 0; i < fm->cur->n; i++)
        if (ui_width(fm->cur->f[i].label) > lw) lw = ui_width(fm->cur->f[i].label);
    if (lw > cols / 3) lw = cols / 3;
    for (size_t i = 0; i < fm->cur->n && y < rows - 3; i++) {
        const struct form_field *fld = &fm->cur->f[i];
        bool sel = i == fm->cur->sel;
        attr_t at = sel ? ui_attr(UP_SEL) : A_NORMAL;
        ui_text_pad(w, y, 0, cols, "", at);
        ui_text(w, y, 1, lw, fld->label, at | A_BOLD);
        const char *v = fld->value[0] ? fld->value : "(none)";
        ui_text(w, y, lw + 3, cols - lw - 4, v, at);
        y++;
        if (sel && fld->hint)
            y += ui_wrap(w, y, lw + 3, cols - lw - 4, 2, 0, fld->hint, ui_attr(UP_DIM));
    }
    y++;
    if (y < rows)
        ui_text(w, y, 1, cols - 2,
                fm->cur->sending
                    ? "saving..."
                    : "Enter changes the highlighted field; w saves; q leaves without saving",
                ui_attr(UP_DIM));
}

static void on_leave(void *ud, const char *text, uint64_t tag)
{
    struct view *v = ud;
    struct app *a = v->app;
    (void)tag;
    if (!text) return;
    close_form(v);
    app_msg(a, false, "not saved");
}

static bool form_key(struct view *v, enum action act)
{
    struct app *a = v->app;
    struct form_screen *fm = view_state(v, &view_form);
    if (!fm->cur) return false;
    switch (act) {
    case ACT_DOWN:
        if (fm->cur->sel + 1 < fm->cur->n) fm->cur->sel++;
        break;
    case ACT_UP:
        if (fm->cur->sel > 0) fm->cur->sel--;
        break;
    case ACT_EDIT_FIELD:
        edit_field(v);
        break;
    case ACT_SAVE:
        if (fm->cur->sending) return true;
        fm->cur->sending = true;
        fm->cur->save(fm->cur->ud, v, fm->cur);
        break;
    case ACT_BACK: {
        bool changed = false;
        for (size_t i = 0; i < fm->cur->n; i++)
            changed |= fm->cur->f[i].changed;
        if (changed) {
            /* What was typed cannot be had back: one key to be sure. */
            app_confirm(a, "Leave without saving what you typed?", on_leave, v, 0);
            return true;
        }
        close_form(v);
        return true;
    }
    default:
        return false;
    }
    app_dirty(a, DIRTY_MAIN);
    return true;
}

static void form_free(struct view *v)
{
    struct form_screen *fm = view_state(v, &view_form);
    free(fm->cur);
    fm->cur = NULL;
}

const struct view_ops view_form = {
    .name = "form",
    .keymap = KM_FORM,
    .state_size = sizeof(struct form_screen),
    .draw = form_draw,
    .key = form_key,
    .free = form_free,
};
