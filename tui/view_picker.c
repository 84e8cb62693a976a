/* The profiles screen: choose which profile the calendar and links show, create one, or change
 * one (name, zone, platforms, week start, approval steps, auto-schedule, reminders, and the brand
 * of its link pages: display name, accent, mail sender name, logo, the Greenlight credit). */
#include "app.h"
#include "form.h"
#include "ui.h"
#include "util.h"
#include "words.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

#define LOGO_MAX (512 << 10) /* the daemon's limit (m_profile.c), said before sending */

struct picker_screen {
    size_t sel;
};

static const char *const week_starts[] = {"monday", "sunday", NULL};

static void picker_enter(struct view *v)
{
    struct app *a = v->app;
    struct picker_screen *pk = view_state(v, &view_picker);
    pk->sel = 0;
    for (size_t i = 0; i < a->nprofiles; i++)
        if (a->profiles[i].id == a->profile_id) pk->sel = i;
}

/* ---- the profile form ---- */

/* The replies of the profile form's requests come to the form's screen. */
static void on_saved(void *ud, uint64_t tag, const struct gl_err *err, const msgpack_object *r)
{
    struct view *screen = ud;
    struct app *a = screen->app;
    if (err) {
        form_failed(screen, "profile not saved", err);
        return;
    }
    int64_t id = tag ? (int64_t)tag : md_get_int(r, "id", 0);
    if (id) app_set_profile(a, id);
    app_reload_profiles(a);
    form_saved(screen, tag ? "profile saved" : "profile created");
}

/* Sends the profile; logo is the media id just uploaded, or 0 to leave the logo as it is. */
static void send_profile(struct view *screen, struct form *f, int64_t logo)
{
    struct app *a = screen->app;
    char why[300];
    const struct form_field *credit = NULL;
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->f[i].label, "Greenlight credit") == 0) credit = &f->f[i];
    /* The credit only when changed: only an admin may change it, others still save the rest. */
    bool send_credit = credit && credit->changed;
    msgpack_packer *pk = conn_begin(a->conn, f->id ? "profile.update" : "profile.create");
    msgpack_pack_map(pk, 11 + (f->id != 0) + send_credit + (logo != 0));
    if (f->id) gl_pack_kv_int(pk, "id", f->id);
    gl_pack_kv_str(pk, "name", form_value(f, "Name"));
    gl_pack_kv_str(pk, "timezone", form_value(f, "Time zone"));
    md_pack_words(pk, "platforms", form_value(f, "Platforms"), 10);
    gl_pack_kv_str(pk, "week_start", form_value(f, "Week starts on"));
    gl_pack_key(pk, "steps");
    form_steps_pack(form_value(f, "Approval steps"), pk, why, sizeof why);
    gl_pack_kv_bool(pk, "auto_schedule", strcmp(form_value(f, "Approval schedules"), "yes") == 0);
    gl_pack_kv_int(pk, "reminder_minutes", atoi(form_value(f, "Reminder (minutes)")));
    gl_pack_kv_str(pk, "display_name", form_value(f, "Display name"));
    gl_pack_kv_str(pk, "accent", form_value(f, "Accent colour"));
    gl_pack_kv_str(pk, "sender_name", form_value(f, "Mail sender name"));
    /* The daemon knows the languages (server/i18n.h) and refuses another, saying which. */
    gl_pack_kv_str(pk, "language", form_value(f, "Link pages' language"));
    if (send_credit) gl_pack_kv_bool(pk, "credit", strcmp(credit->value, "yes") == 0);
    if (logo) gl_pack_kv_int(pk, "logo", logo);
    conn_send(a->conn, on_saved, screen, (uint64_t)f->id);
}

static void on_logo(void *ud, uint64_t tag, const struct gl_err *err, const msgpack_object *r)
{
    (void)tag;
    struct view *screen = ud;
    struct form *f = form_current(screen);
    if (!f) return; /* the form was left meanwhile */
    if (err) {
        form_failed(screen, "logo not uploaded", err);
        return;
    }
    send_profile(screen, f, md_get_int(r, "id", 0));
}

/* The image type a file starts like (the daemon checks it again), or NULL. */
static const char *image_type(const unsigned char *d, size_t n)
{
    static const struct {
        const char *magic;
        size_t len;
        const char *type;
    } types[] = {{"\x89PNG\r\n\x1a\n", 8, "image/png"}, {"\xff\xd8\xff", 3, "image/jpeg"},
                 {"GIF8", 4, "image/gif"}};
    for (size_t i = 0; i < GL_ARRAY_LEN(types); i++)
        if (n >= types[i].len && memcmp(d, types[i].magic, types[i].len) == 0) return types[i].type;
    if (n >= 12 && memcmp(d, "RIFF", 4) == 0 && memcmp(d + 8, "WEBP", 4) == 0) return "image/webp";
    return NULL;
}

/* Uploads the logo file named in the form, then saves; false (and says why) when it cannot. */
static bool upload_logo(struct view *screen, const char *path)
{
    struct app *a = screen->app;
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        app_msg(a, true, "cannot open the logo %s", path);
        return false;
    }
    unsigned char *data = xmalloc(LOGO_MAX + 1);
    size_t n = fread(data, 1, LOGO_MAX + 1, fp);
    fclose(fp);
    const char *type = image_type(data, n);
    if (n > LOGO_MAX || !type) {
        app_msg(a, true, n > LOGO_MAX ? "a logo is at most 512 KiB"
                                      : "the logo is not a PNG, JPEG, GIF or WebP image");
        free(data);
        return false;
    }
    const char *slash = strrchr(path, '/');
    msgpack_packer *pk = conn_begin(a->conn, "media.upload");
    msgpack_pack_map(pk, 3);
    gl_pack_kv_str(pk, "name", slash ? slash + 1 : path);
    gl_pack_kv_str(pk, "type", type);
    gl_pack_key(pk, "data");
    msgpack_pack_bin_with_body(pk, data, n);
    conn_send(a->conn, on_logo, screen, 0);
    free(data);
    return true;
}

static void save_profile(void *ud, struct view *screen, struct form *f)
{
    struct app *a = screen->app;
    char why[300];
    (void)ud;
    if (!form_value(f, "Name")[0]) {
        f->sending = false;
        app_msg(a, true, "a profile needs a name");
        return;
    }
    if (!form_steps_check(form_value(f, "Approval steps"), why, sizeof why)) {
        f->sending = false;
        app_msg(a, true, "%s", why);
        return;
    }
    const char *logo = form_value(f, "Logo file");
    if (!*logo) {
        send_profile(screen, f, 0);
        return;
    }
    if (!upload_logo(screen, logo)) f->sending = false;
}

void profile_form_open(struct app *a, const struct md_profile *p, form_done_fn done, void *ud)
{
    const char *no = words_forbidden_action(a->role, ACT_PROFILE_NEW);
    if (no) {
        app_msg(a, true, "%s", no);
        return;
    }
    char title[160];
    snprintf(title, sizeof title, p ? " Profile %s" : " New profile", p ? p->name : "");
    struct form *f = form_new(title, save_profile, NULL);
    f->done = done;
    f->done_ud = ud;
    f->id = p ? p->id : 0;
    f->intro = p ? NULL
                 : "A profile is one client's (or brand's) calendar: its posts, its time zone, "
                   "who approves them.";
    struct form_field *fld = form_add(f, "Name", FF_TEXT, p ? p->name : "");
    fld->min = 1;
    fld->hint = "the client or brand, as your team says it";
    fld = form_add(f, "Time zone", FF_ZONE, p ? p->timezone : "UTC");
    fld->hint = "Enter opens the list of zones: type part of a city (\"paris\") to find it";
    char *plat = p ? md_strlist_join(&p->platforms, ", ") : NULL;
    fld = form_add(f, "Platforms", FF_TEXT, plat ? plat : "instagram, facebook");
    free(plat);
    fld->hint = "comma separated, at most 10 (instagram, facebook, x, linkedin, tiktok...)";
    fld = form_add(f, "Week starts on", FF_CHOICE, p && p->week_sunday ? "sunday" : "monday");
    fld->choices = week_starts;
    fld = form_add(f, "Approval steps", FF_STEPS, p ? p->steps : "Approval: any");
    fld->hint = "in order, each decided by a staff role, an approval link's approver, "
                "collaborators or any: Enter opens the list of steps";
    fld = form_add(f, "Approval schedules", FF_BOOL, p && p->auto_schedule ? "yes" : "no");
    fld->hint = "yes: a post approved is scheduled at once (Enter toggles)";
    char rem[32];
    snprintf(rem, sizeof rem, "%lld", (long long)(p ? p->reminder_minutes : 60));
    fld = form_add(f, "Reminder (minutes)", FF_NUMBER, rem);
    fld->min = 0;
    fld->max = 10080;
    fld->hint = "approvers are reminded this long before a post's time (0 to 10080)";
    fld = form_add(f, "Display name", FF_TEXT, p ? p->display_name : "");
    fld->hint = "the name the link pages show instead of the profile's (empty: the name)";
    fld = form_add(f, "Accent colour", FF_TEXT, p ? p->accent : "");
    fld->hint = "#rrggbb for the link pages' header and buttons; refused unless it has 4.5:1 "
                "contrast with white and the pages' backgrounds (empty: the default green)";
    fld = form_add(f, "Mail sender name", FF_TEXT, p ? p->sender_name : "");
    fld->hint = "the From name of mails to link visitors (empty: \"NAME via Greenlight\")";
    fld = form_add(f, "Logo file", FF_TEXT, "");
    fld->hint = p && p->logo ? "a logo is set; a path to a PNG, JPEG, GIF or WebP file (at most "
                               "512 KiB) replaces it"
                             : "a path to a PNG, JPEG, GIF or WebP file, at most 512 KiB";
    fld = form_add(f, "Greenlight credit", FF_BOOL, !p || p->credit ? "yes" : "no");
    fld->hint = "the small \"Made with Greenlight\" in the pages' footer; only an admin changes it";
    fld = form_add(f, "Link pages' language", FF_TEXT, p ? p->language : "");
    fld->hint = "en, fr, de, es or pt: the language of its links' pages and of mail to their "
                "visitors (empty: each visitor's browser decides; a link may set its own)";
    form_open(a, f);
}

/* ---- the list ---- */

static void picker_draw(struct view *v, WINDOW *w, int rows, int cols)
{
    struct app *a = v->app;
    struct picker_screen *pk = view_state(v, &view_picker);
    ui_text_pad(w, 0, 0, cols, " Profiles (Enter picks, n new, e edit, q back)",
                ui_attr(UP_TITLE) | A_REVERSE);
    if (!a->nprofiles) {
        ui_text(w, 2, 2, cols - 2,
                words_forbidden_action(a->role, ACT_PROFILE_NEW)
                    ? "No profiles yet. Profiles are created by managers and admins."
                    : "No profiles yet: n creates the first.",
                A_NORMAL);
        return;
    }
    for (size_t i = 0; i < a->nprofiles && (int)i + 2 < rows; i++) {
        const struct md_profile *p = &a->profiles[i];
        char *plat = md_strlist_join(&p->platforms, ", ");
        char rest[600];
        snprintf(rest, sizeof rest, "%s%s", plat, p->auto_schedule ? "  (auto-schedule)" : "");
        free(plat);
        attr_t at = i == pk->sel ? ui_attr(UP_SEL) : A_NORMAL;
        /* By column and display width: a name in any script keeps the zone in line. */
        int y = (int)i + 2, nw = cols > 60 ? 28 : cols / 3;
        ui_text_pad(w, y, 0, cols, "", at);
        ui_text(w, y, 1, nw, p->name, at);
        if (nw + 2 < cols)
            ui_text(w, y, nw + 2, cols - nw - 2 < 22 ? cols - nw - 2 : 22, p->timezone, at);
        if (nw + 25 < cols) ui_text(w, y, nw + 25, cols - nw - 25, rest, at);
    }
    if (pk->sel < a->nprofiles && (int)a->nprofiles + 3 < rows) {
        char line[700];
        const char *st = a->profiles[pk->sel].steps;
        snprintf(line, sizeof line, "Approval steps: %s",
                 st && *st ? st : "none (approved when submitted)");
        ui_wrap(w, (int)a->nprofiles + 3, 1, cols - 2, 3, 0, line, ui_attr(UP_DIM));
    }
}

static bool picker_key(struct view *v, enum action act)
{
    struct app *a = v->app;
    struct picker_screen *pk = view_state(v, &view_picker);
    switch (act) {
    case ACT_DOWN:
        if (pk->sel + 1 < a->nprofiles) pk->sel++;
        break;
    case ACT_UP:
        if (pk->sel > 0) pk->sel--;
        break;
    case ACT_TOP:
        pk->sel = 0;
        break;
    case ACT_BOTTOM:
        if (a->nprofiles) pk->sel = a->nprofiles - 1;
        break;
    case ACT_OPEN:
        if (pk->sel < a->nprofiles) {
            app_set_profile(a, a->profiles[pk->sel].id);
            app_msg(a, false, "profile %s (%s)", a->profiles[pk->sel].name,
                    a->profiles[pk->sel].timezone);
            app_pop(a);
        }
        return true;
    case ACT_PROFILE_NEW:
        profile_form_open(a, NULL, NULL, NULL);
        return true;
    case ACT_PROFILE_EDIT:
        if (pk->sel < a->nprofiles) profile_form_open(a, &a->profiles[pk->sel], NULL, NULL);
        return true;
    default:
        return false;
    }
    app_dirty(a, DIRTY_MAIN);
    return true;
}

const struct view_ops view_picker = {
    .name = "profiles",
    .keymap = KM_PICKER | KM_LIST,
    .state_size = sizeof(struct picker_screen),
    .enter = picker_enter,
    .draw = picker_draw,
    .key = picker_key,
};
