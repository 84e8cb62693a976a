/* The people screen: the team (admins: invite, change a role, reset a password, disable and
 * enable) and one's own account (password, e-mail address, mail preference). A password made
 * for someone else is generated here, shown once and copyable with OSC 52. */
#include "app.h"
#include "form.h"
#include "ui.h"
#include "words.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "xmalloc.h"

struct person {
    char *name, *role, *email, *mail;
    bool disabled;
};

struct people_screen {
    struct person *v;
    size_t n, sel, top;
    unsigned gen;
    bool loaded;
    char shown_for[101];
    char shown[64]; /* a generated password, shown once */
    char pw1[256];  /* the first typing of a new password of one's own */
    char target[101];
    char pending[64];         /* the password of a colleague being invited, until the reply */
    struct view *invite_form; /* the form screen that invite was saved from, told the reply */
    form_done_fn pw_done;     /* after one's own password is set, given pw_done_ud */
    void *pw_done_ud;
};

static const char *const role_choices[] = {"viewer", "editor", "manager", "admin", NULL};
static const char *const mail_choices[] = {"each", "digest", "none", NULL};

static void free_list(struct people_screen *pp)
{
    for (size_t i = 0; i < pp->n; i++) {
        free(pp->v[i].name);
        free(pp->v[i].role);
        free(pp->v[i].email);
        free(pp->v[i].mail);
    }
    free(pp->v);
    pp->v = NULL;
    pp->n = 0;
}

const char *people_shown_password(struct app *a)
{
    struct view *v = app_view(a, VIEW_PEOPLE);
    struct people_screen *pp = view_state(v, &view_people);
    return pp->shown[0] ? pp->shown : NULL;
}

void people_gen_password(char *buf, size_t n)
{
    /* Letters and digits that cannot be mistaken for one another when read out. */
    static const char alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";
    size_t k = 0;
    for (int g = 0; g < 4 && k + 6 < n; g++) {
        if (g) buf[k++] = '-';
        for (int i = 0; i < 4; i++)
            buf[k++] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
    }
    buf[k] = 0;
}

static void show_password(struct view *v, const char *user, const char *pw)
{
    struct app *a = v->app;
    struct people_screen *pp = view_state(v, &view_people);
    snprintf(pp->shown_for, sizeof pp->shown_for, "%s", user);
    snprintf(pp->shown, sizeof pp->shown, "%s", pw);
    app_clipboard(a, pw);
    app_msg(a, false, "%s's password: %s (copied; shown once, y copies again)", user, pw);
}

static const struct person *selected(struct people_screen *pp)
{
    return pp->sel < pp->n ? &pp->v[pp->sel] : NULL;
}

static bool is_admin(struct app *a)
{
    return words_role_parse(a->role) >= ROLE_ADMIN;
}

/* ---- the list ---- */

static void on_list(void *ud, uint64_t tag, const struct gl_err *err, const msgpack_object *r)
{
    struct view *v = ud;
    struct app *a = v->app;
    struct people_screen *pp = view_state(v, &view_people);
    if ((unsigned)tag != pp->gen) return;
    app_dirty(a, DIRTY_MAIN);
    if (err) {
        app_rpc_error(a, "people", err);
        return;
    }
    free_list(pp);
    pp->loaded = true;
    const msgpack_object *list = md_get_array(r, "users");
    if (list && list->via.array.size) {
        pp->v = xcalloc(list->via.array.size, sizeof *pp->v);
        for (uint32_t i = 0; i < list->via.array.size; i++) {
            const msgpack_object *o = &list->via.array.ptr[i];
            struct person *p = &pp->v[pp->n++];
            p->name = md_get_str(o, "name");
            if (!p->name) p->name = xstrdup("");
            p->role = md_get_str(o, "role");
            if (!p->role) p->role = xstrdup("");
            p->email = md_get_str(o, "email");
            p->mail = md_get_str(o, "mail");
            p->disabled = md_get_bool(o, "disabled", false);
        }
    }
    if (pp->sel >= pp->n) pp->sel = pp->n ? pp->n - 1 : 0;
}

static void people_reload(struct view *v)
{
    struct app *a = v->app;
    struct people_screen *pp = view_state(v, &view_people);
    pp->gen++;
    if (!is_admin(a)) {
        /* Only admins see the team; everyone else sees their own account. */
        free_list(pp);
        pp->v = xcalloc(1, sizeof *pp->v);
        pp->v[0] =
            (struct person){.name = xstrdup(a->user ? a->user : ""), .role = xstrdup(a->role)};
        pp->n = 1;
        pp->loaded = true;
        app_dirty(a, DIRTY_MAIN);
        return;
    }
    conn_call0(a->conn, "user.list", on_list, v, pp->gen);
}

static void people_enter(struct view *v)
{
    people_reload(v);
}

static void people_leave_secret(struct people_screen *pp)
{
    sodium_memzero(pp->shown, sizeof pp->shown);
    pp->shown_for[0] = 0;
}

static void people_draw(struct view *v, WINDOW *w, int rows, int cols)
{
    struct app *a = v->app;
    struct people_screen *pp = view_state(v, &view_people);
    char title[160];
    if (is_admin(a))
        snprintf(title, sizeof title, " People: %zu", pp->n);
    else
        snprintf(title, sizeof title, " Your account");
    ui_text_pad(w, 0, 0, cols, title, ui_attr(UP_TITLE) | A_REVERSE);
    ui_text(w, 1, 0, cols, "  name                 role      e-mail                     mail",
            A_BOLD | A_UNDERLINE);
    int h = rows - 8;
    if (h < 3) h = 3;
    if (pp->sel < pp->top) pp->top = pp->sel;
    if (pp->sel >= pp->top + (size_t)h) pp->top = pp->sel - (size_t)h + 1;
    for (int r = 0; r < h && pp->top + (size_t)r < pp->n; r++) {
        const struct person *p = &pp->v[pp->top + (size_t)r];
        bool s = pp->top + (size_t)r == pp->sel;
        attr_t at = s ? ui_attr(UP_SEL) : (p->disabled ? ui_attr(UP_DIM) : A_NORMAL);
        /* Cells placed by column, measured by display width (names may be any script). */
        char mail[32];
        snprintf(mail, sizeof mail, "%s%s", p->mail ? p->mail : "-",
                 p->disabled ? " (disabled)" : "");
        const char *cells[] = {p->name, p->role, p->email && *p->email ? p->email : "-", mail};
        static const int x0[] = {2, 23, 33, 60};
        ui_text_pad(w, 2 + r, 0, cols, "", at);
        for (int c = 0; c < 4 && x0[c] < cols; c++) {
            int wmax = (c < 3 ? x0[c + 1] - 1 : cols) - x0[c];
            if (x0[c] + wmax > cols) wmax = cols - x0[c];
            ui_text(w, 2 + r, x0[c], wmax, cells[c], at);
        }
    }
    int y = 2 + h;
    ui_hline(w, y++, 0, cols, ui_attr(UP_DIM));
    const struct person *p = selected(pp);
    if (p && y < rows) {
        char line[300];
        enum gl_role r = words_role_parse(p->role);
        snprintf(line, sizeof line, "%s is %s: %s", p->name, words_role_article(r),
                 words_role_summary(r));
        ui_text(w, y++, 1, cols - 2, line, A_BOLD);
    }
    if (pp->shown[0] && y < rows) {
        char line[300];
        snprintf(line, sizeof line,
                 "Password of %s: %s  (shown once; y copies it; give it in "
                 "person or by phone)",
                 pp->shown_for, pp->shown);
        y += ui_wrap(w, y, 1, cols - 2, 2, 0, line, ui_attr(UP_OK));
    }
    if (y < rows)
        ui_wrap(w, y, 1, cols - 2, rows - y, 0,
                is_admin(a) ? "n invites a colleague, o changes a role, P sets a new password, "
                              "x disables or enables, @ e-mail, m mail preference (? all keys)"
                            : "P changes your password, @ your e-mail address, m how you get "
                              "mail (each, digest, none)",
                ui_attr(UP_DIM));
}

/* ---- invite ---- */

static void on_invited(void *ud, uint64_t tag, const struct gl_err *err, const msgpack_object *r)
{
    struct view *v = ud;
    struct app *a = v->app;
    struct people_screen *pp = view_state(v, &view_people);
    (void)tag;
    (void)r;
    if (err) {
        sodium_memzero(pp->pending, sizeof pp->pending);
        form_failed(pp->invite_form, "not invited", err);
        return;
    }
    struct form *f = form_current(pp->invite_form);
    char name[101];
    snprintf(name, sizeof name, "%s", f ? form_value(f, "Name") : "");
    char pw[64];
    snprintf(pw, sizeof pw, "%s", pp->pending);
    sodium_memzero(pp->pending, sizeof pp->pending);
    form_saved(pp->invite_form, NULL);
    show_password(v, name, pw);
    sodium_memzero(pw, sizeof pw);
    app_want_reload(a, KM_PEOPLE);
}

/* ud: the people screen, which keeps the password made until the reply. */
static void save_invite(void *ud, struct view *screen, struct form *f)
{
    struct view *v = ud;
    struct app *a = v->app;
    struct people_screen *pp = view_state(v, &view_people);
    const char *email = form_value(f, "E-mail");
    if (!form_value(f, "Name")[0]) {
        f->sending = false;
        app_msg(a, true, "a colleague needs a name (to log in with)");
        return;
    }
    if (email[0] && !strchr(email, '@')) {
        f->sending = false;
        app_msg(a, true, "an e-mail address has an @");
        return;
    }
    people_gen_password(pp->pending, sizeof pp->pending);
    pp->invite_form = screen;
    msgpack_packer *pk = conn_begin(a->conn, "user.create");
    msgpack_pack_map(pk, 4 + (email[0] != 0));
    gl_pack_kv_str(pk, "name", form_value(f, "Name"));
    gl_pack_kv_str(pk, "password", pp->pending);
    gl_pack_kv_str(pk, "role", form_value(f, "Role"));
    gl_pack_kv_str(pk, "mail", form_value(f, "Mail"));
    if (email[0]) gl_pack_kv_str(pk, "email", email);
    conn_send(a->conn, on_invited, v, 0);
}

static void invite(struct view *v, form_done_fn done, void *ud)
{
    struct app *a = v->app;
    const char *no = words_forbidden_action(a->role, ACT_USER_NEW);
    if (no) {
        app_msg(a, true, "%s", no);
        return;
    }
    struct form *f = form_new(" Invite a colleague", save_invite, v);
    f->done = done;
    f->done_ud = ud;
    f->intro = "Their password is made for them when you save: it is shown once, and copied "
               "to the clipboard, for you to give them.";
    struct form_field *fld = form_add(f, "Name", FF_TEXT, "");
    fld->min = 1;
    fld->hint = "what they log in with (\"jane\")";
    fld = form_add(f, "Role", FF_CHOICE, "editor");
    fld->choices = role_choices;
    fld->hint = "viewer reads; editor writes posts; manager approves and manages profiles and "
                "links; admin also manages people";
    fld = form_add(f, "E-mail", FF_TEXT, "");
    fld->hint = "where their notifications are mailed (may stay empty)";
    fld = form_add(f, "Mail", FF_CHOICE, "each");
    fld->choices = mail_choices;
    fld->hint = "each: a mail per notification; digest: one now and then; none";
    form_open(a, f);
}

void people_invite(struct app *a, form_done_fn done, void *ud)
{
    invite(app_view(a, VIEW_PEOPLE), done, ud);
}

/* ---- one's own password ---- */

static void on_own_set(void *ud, uint64_t tag, const struct gl_err *err, const msgpack_object *r)
{
    struct view *v = ud;
    struct app *a = v->app;
    struct people_screen *pp = view_state(v, &view_people);
    (void)tag;
    (void)r;
    if (err) {
        sodium_memzero(pp->pw1, sizeof pp->pw1);
        app_rpc_error(a, "password not changed", err);
        return;
    }
    app_set_own_password(a, pp->pw1);
    sodium_memzero(pp->pw1, sizeof pp->pw1);
    app_msg(a, false, "your password is changed");
    if (pp->pw_done) pp->pw_done(pp->pw_done_ud);
}

static void ask_own(struct view *v);

/* Sets name's password to the one in pw1 (typed twice, or generated); fn gets the reply. */
static void send_password(struct view *v, const char *name, conn_reply_fn fn)
{
    struct app *a = v->app;
    struct people_screen *pp = view_state(v, &view_people);
    msgpack_packer *pk = conn_begin(a->conn, "user.set_password");
    msgpack_pack_map(pk, 2);
    gl_pack_kv_str(pk, "name", name);
    gl_pack_kv_str(pk, "password", pp->pw1);
    conn_send(a->conn, fn, v, 0);
}

static void on_own_again(void *ud, const char *text, uint64_t tag)
{
    struct view *v = ud;
    struct app *a = v->app;
    struct people_screen *pp = view_state(v, &view_people);
    (void)tag;
    if (!text) {
        sodium_memzero(pp->pw1, sizeof pp->pw1);
        return;
    }
    if (strcmp(text, pp->pw1) != 0) {
        app_msg(a, true, "the two passwords differ; type it again");
        ask_own(v);
        return;
    }
    send_password(v, a->user, on_own_set);
}

static void on_own_first(void *ud, const char *text, uint64_t tag)
{
    struct view *v = ud;
    struct app *a = v->app;
    struct people_screen *pp = view_state(v, &view_people);
    (void)tag;
    if (!text) return;
    if (strlen(text) < 8) {
        app_msg(a, true, "a password has at least 8 characters");
        ask_own(v);
        return;
    }
    snprintf(pp->pw1, sizeof pp->pw1, "%s", text);
    app_prompt(a, "The same password again:", NULL, true, on_own_again, v, 0);
}

static void ask_own(struct view *v)
{
    app_prompt(v->app, "Your new password (8 characters or more):", NULL, true, on_own_first, v, 0);
}

static void own_password(struct view *v, form_done_fn done, void *ud)
{
    struct people_screen *pp = view_state(v, &view_people);
    pp->pw_done = done;
    pp->pw_done_ud = ud;
    ask_own(v);
}

void people_own_password(struct app *a, form_done_fn done, void *ud)
{
    own_password(app_view(a, VIEW_PEOPLE), done, ud);
}

/* ---- changes to one person: role, reset, disable, e-mail, mail ---- */

static void on_changed(void *ud, uint64_t tag, const struct gl_err *err, const msgpack_object *r)
{
    struct view *v = ud;
    struct app *a = v->app;
    struct people_screen *pp = view_state(v, &view_people);
    if (err) {
        app_rpc_error(a, "not changed", err);
        return;
    }
    static const char *const done_words[] = {"role changed", "e-mail address changed",
                                             "mail preference changed", "user disabled",
                                             "user enabled"};
    app_msg(a, false, "%s", done_words[tag < GL_ARRAY_LEN(done_words) ? tag : 0]);
    if (!is_admin(a) && pp->n == 1 && r && r->type == MSGPACK_OBJECT_MAP) {
        /* Not an admin: no user.list, but the reply is one's own record. */
        free(pp->v[0].email);
        free(pp->v[0].mail);
        pp->v[0].email = md_get_str(r, "email");
        pp->v[0].mail = md_get_str(r, "mail");
        app_dirty(a, DIRTY_MAIN);
        return;
    }
    app_want_reload(a, KM_PEOPLE);
}

enum { CH_ROLE, CH_EMAIL, CH_MAIL, CH_DISABLE, CH_ENABLE };

static void send_update(struct view *v, const char *field, const char *value, uint64_t what)
{
    struct app *a = v->app;
    struct people_screen *pp = view_state(v, &view_people);
    msgpack_packer *pk = conn_begin(a->conn, "user.update");
    msgpack_pack_map(pk, 2);
    gl_pack_kv_str(pk, "name", pp->target);
    gl_pack_kv_str(pk, field, value);
    conn_send(a->conn, on_changed, v, what);
}

static bool one_of(const char *const *choices, const char *v)
{
    for (size_t i = 0; choices[i]; i++)
        if (strcmp(choices[i], v) == 0) return true;
    return false;
}

/* The fields of a person changed on the prompt line, by their CH_ change: the field of
 * user.update, the question (asked again with what was typed when it is refused), the values
 * allowed (NULL: an e-mail address, or none), and what is said of one refused. */
static const struct person_field {
    const char *field, *label;
    const char *const *choices;
    const char *refused;
} person_fields[] = {
    [CH_ROLE] = {"role", "Role (viewer, editor, manager, admin):", role_choices,
                 "a role is viewer, editor, manager or admin"},
    [CH_EMAIL] = {"email", "E-mail address:", NULL, "an e-mail address has an @"},
    [CH_MAIL] = {"mail", "Mail (each, digest, none):", mail_choices,
                 "mail is each, digest or none"},
};

static void on_person_field(void *ud, const char *text, uint64_t tag)
{
    struct view *v = ud;
    struct app *a = v->app;
    const struct person_field *pf = &person_fields[tag];
    if (!text) return;
    if (pf->choices ? !one_of(pf->choices, text) : text[0] && !strchr(text, '@')) {
        app_msg(a, true, "%s", pf->refused);
        app_prompt(a, pf->label, text, false, on_person_field, v, tag);
        a->prompt.selected = false;
        return;
    }
    send_update(v, pf->field, text, tag);
}

/* Asks for a person's field (label NULL: the field's own question), starting from value. */
static void ask_person_field(struct view *v, uint64_t change, const char *label, const char *value)
{
    app_prompt(v->app, label ? label : person_fields[change].label, value, false, on_person_field,
               v, change);
}

static void on_reset_done(void *ud, uint64_t tag, const struct gl_err *err, const msgpack_object *r)
{
    struct view *v = ud;
    struct app *a = v->app;
    struct people_screen *pp = view_state(v, &view_people);
    (void)tag;
    (void)r;
    if (err) {
        app_rpc_error(a, "password not reset", err);
        return;
    }
    show_password(v, pp->target, pp->pw1);
    sodium_memzero(pp->pw1, sizeof pp->pw1);
    app_dirty(a, DIRTY_MAIN);
}

static void on_reset(void *ud, const char *text, uint64_t tag)
{
    struct view *v = ud;
    struct people_screen *pp = view_state(v, &view_people);
    (void)tag;
    if (!text) return;
    people_gen_password(pp->pw1, sizeof pp->pw1);
    send_password(v, pp->target, on_reset_done);
}

static void on_disable(void *ud, const char *text, uint64_t tag)
{
    struct view *v = ud;
    struct app *a = v->app;
    struct people_screen *pp = view_state(v, &view_people);
    if (!text) return;
    msgpack_packer *pk = conn_begin(a->conn, tag == CH_DISABLE ? "user.disable" : "user.enable");
    msgpack_pack_map(pk, 1);
    gl_pack_kv_str(pk, "name", pp->target);
    conn_send(a->conn, on_changed, v, tag);
}

static bool people_key(struct view *v, enum action act)
{
    struct app *a = v->app;
    struct people_screen *pp = view_state(v, &view_people);
    const struct person *p = selected(pp);
    bool self = p && a->user && strcmp(p->name, a->user) == 0;
    char label[200];
    const char *no = NULL;
    /* Everyone may change their own e-mail, mail and password; the rest is for admins. */
    if (!(self && words_on_oneself(act))) no = words_forbidden_action(a->role, act);
    if (no) {
        app_msg(a, true, "%s", no);
        return true;
    }
    if (p) snprintf(pp->target, sizeof pp->target, "%s", p->name);
    switch (act) {
    case ACT_DOWN:
        if (pp->sel + 1 < pp->n) pp->sel++;
        break;
    case ACT_UP:
        if (pp->sel > 0) pp->sel--;
        break;
    case ACT_TOP:
        pp->sel = 0;
        break;
    case ACT_BOTTOM:
        if (pp->n) pp->sel = pp->n - 1;
        break;
    case ACT_USER_NEW:
        invite(v, NULL, NULL);
        return true;
    case ACT_USER_ROLE:
        if (!p) return true;
        snprintf(label, sizeof label, "Role of %s (viewer, editor, manager, admin):", p->name);
        ask_person_field(v, CH_ROLE, label, p->role);
        return true;
    case ACT_USER_EMAIL:
        if (!p) return true;
        ask_person_field(v, CH_EMAIL, NULL, p->email);
        return true;
    case ACT_USER_MAIL:
        if (!p) return true;
        ask_person_field(v, CH_MAIL, NULL, p->mail ? p->mail : "each");
        return true;
    case ACT_USER_RESET:
        if (!p) return true;
        if (self) {
            own_password(v, NULL, NULL);
            return true;
        }
        snprintf(label, sizeof label, "Give %s a new password? The old one stops working", p->name);
        app_confirm(a, label, on_reset, v, 0);
        return true;
    case ACT_USER_DISABLE:
        if (!p) return true;
        if (self) {
            app_msg(a, true, "you cannot disable yourself");
            return true;
        }
        snprintf(label, sizeof label,
                 p->disabled ? "Enable %s? They can log in again"
                             : "Disable %s? They are logged out and cannot log in",
                 p->name);
        app_confirm(a, label, on_disable, v, p->disabled ? CH_ENABLE : CH_DISABLE);
        return true;
    case ACT_COPY:
        if (!pp->shown[0]) {
            app_msg(a, true, "no password to copy: one is shown only right after it is made");
            return true;
        }
        app_clipboard(a, pp->shown);
        app_msg(a, false, "copied the password of %s", pp->shown_for);
        return true;
    case ACT_BACK:
        people_leave_secret(pp);
        return false;
    default:
        return false;
    }
    app_dirty(a, DIRTY_MAIN);
    return true;
}

static void people_free(struct view *v)
{
    struct people_screen *pp = view_state(v, &view_people);
    free_list(pp);
    people_leave_secret(pp);
}

const struct view_ops view_people = {
    .name = "people",
    .keymap = KM_PEOPLE | KM_LIST,
    .state_size = sizeof(struct people_screen),
    .enter = people_enter,
    .draw = people_draw,
    .key = people_key,
    .reload = people_reload,
    .free = people_free,
};
