/* The post screen: create or edit a post (profile, platforms, time, caption, notes, media),
 * act on it, and read its approvals, comments and history. */
#include "actions.h"
#include "app.h"
#include "detail.h"
#include "tz.h"
#include "ui.h"
#include "words.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xmalloc.h"

enum field { F_PROFILE, F_PLATFORMS, F_WHEN, F_CAPTION, F_NOTES, F_MEDIA, F_COUNT };
static const char *const field_names[F_COUNT] = {"Profile", "Platforms", "Date, time",
                                                 "Caption", "Notes",     "Media"};

struct post_screen {
    int64_t id; /* 0: a new post */
    struct detail det;
    struct act_state acts; /* the post its questions are about */
    /* The form: what will be saved. */
    int64_t profile;
    char *platforms, *when, *caption, *notes, *media;
    /* What the form was last filled with from the daemon: a save sends only the fields that
     * differ from it, so a field changed elsewhere meanwhile is not written back stale. */
    char *base_platforms, *base_when, *base_caption, *base_notes;
    bool dirty, saving;
    bool filled; /* the form holds the post's values (edit mode) */
    /* Non-zero: refill the form from the detail's post once it answers a request of at least
     * this generation. An older answer (the post as it was before a save or a change made
     * elsewhere) must never refill it. */
    unsigned fill_gen;
    enum field field;
    int scroll;
    int64_t uploaded_media; /* media id from media.upload, 0 when none */
    uint64_t opened;        /* counts posts opened here: a save's answer is for the form it left */
};

static void set_str(char **dst, const char *s)
{
    free(*dst);
    *dst = xstrdup(s ? s : "");
}

static void form_clear(struct post_screen *ps)
{
    free(ps->platforms);
    free(ps->when);
    free(ps->caption);
    free(ps->notes);
    free(ps->media);
    ps->platforms = ps->when = ps->caption = ps->notes = ps->media = NULL;
    free(ps->base_platforms);
    free(ps->base_when);
    free(ps->base_caption);
    free(ps->base_notes);
    ps->base_platforms = ps->base_when = ps->base_caption = ps->base_notes = NULL;
}

static void form_from_post(struct view *v, const struct md_post *p)
{
    struct app *a = v->app;
    struct post_screen *ps = view_state(v, &view_post);
    const struct md_profile *pr = app_profile_by_id(a, p->profile);
    char when[32] = "";
    if (p->scheduled_at)
        ui_fmt_datetime(when, sizeof when, pr ? pr->timezone : "UTC", p->scheduled_at);
    char *plat = md_strlist_join(&p->platforms, ", ");
    ps->profile = p->profile;
    set_str(&ps->platforms, plat);
    free(plat);
    set_str(&ps->when, when);
    set_str(&ps->caption, p->caption);
    set_str(&ps->notes, p->notes);
    set_str(&ps->media, "");
    set_str(&ps->base_platforms, ps->platforms);
    set_str(&ps->base_when, ps->when);
    set_str(&ps->base_caption, ps->caption);
    set_str(&ps->base_notes, ps->notes);
    ps->uploaded_media = 0;
    ps->dirty = false;
    ps->filled = true;
    ps->fill_gen = 0;
}

/* Asks the daemon for the post again and refills the form from that answer alone. */
static void refill(struct view *v)
{
    struct app *a = v->app;
    struct post_screen *ps = view_state(v, &view_post);
    detail_load(a, &ps->det, ps->id, true);
    ps->filled = false;
    ps->fill_gen = ps->det.gen;
}

void view_post_open(struct app *a, int64_t id)
{
    struct view *v = app_view(a, VIEW_POST);
    struct post_screen *ps = view_state(v, &view_post);
    form_clear(ps);
    detail_clear(&ps->det);
    ps->id = id;
    ps->opened++;
    ps->filled = false;
    ps->fill_gen = 0;
    ps->saving = false;
    ps->dirty = false;
    ps->field = F_CAPTION;
    ps->scroll = 0;
    set_str(&ps->platforms, "");
    set_str(&ps->when, "");
    set_str(&ps->caption, "");
    set_str(&ps->notes, "");
    set_str(&ps->media, "");
    app_push(a, v);
}

/* A new post starts at 10:00 on the chosen day; when that is already past
 * today, at the next whole hour at least half an hour away, so that a post
 * made in the afternoon can be saved without first editing its time. */
static void default_when(char *buf, size_t n, const char *zone, int y, int m, int d)
{
    int64_t now = (int64_t)time(NULL);
    int ty, tm_, td;
    ui_today(zone, &ty, &tm_, &td);
    bool today = y == ty && m == tm_ && d == td;
    if (!today || gl_tz_to_utc(zone, y, m, d, 10, 0) > now + 30 * 60) {
        snprintf(buf, n, "%04d-%02d-%02d 10:00", y, m, d);
        return;
    }
    struct tm next;
    gl_tz_local(zone, now + 90 * 60, &next);
    snprintf(buf, n, "%04d-%02d-%02d %02d:00", next.tm_year + 1900, next.tm_mon + 1,
             next.tm_mday, next.tm_hour);
}

void view_post_new(struct app *a, int64_t profile, int y, int m, int d)
{
    struct view *v = app_view(a, VIEW_POST);
    struct post_screen *ps = view_state(v, &view_post);
    view_post_open(a, 0);
    ps->profile = profile;
    ps->filled = true;
    const struct md_profile *pr = app_profile_by_id(a, profile);
    if (pr && pr->platforms.n) set_str(&ps->platforms, pr->platforms.v[0]);
    if (y) {
        char when[64];
        default_when(when, sizeof when, pr ? pr->timezone : "UTC", y, m, d);
        set_str(&ps->when, when);
    }
    app_msg(a, false, "new post: Enter edits a field, E the caption in $EDITOR, w saves");
}

static void post_enter(struct view *v)
{
    struct app *a = v->app;
    struct post_screen *ps = view_state(v, &view_post);
    if (ps->id && !ps->filled)
        refill(v);
    else if (ps->id)
        detail_load(a, &ps->det, ps->id, true);
}

static void post_reload(struct view *v)
{
    struct app *a = v->app;
    struct post_screen *ps = view_state(v, &view_post);
    if (ps->id) detail_load(a, &ps->det, ps->id, true);
}

static void post_event(struct view *v, const struct md_event *e)
{
    struct app *a = v->app;
    struct post_screen *ps = view_state(v, &view_post);
    if (ps->id && e->post == ps->id) {
        app_want_reload(a, KM_POST);
        /* Someone else changed it: the form follows unless it holds unsaved edits or a save is
         * under way (its answer refills the form). */
        if (!ps->dirty && !ps->saving) refill(v);
    }
}

static const char *field_value(struct post_screen *ps, enum field f, char *buf, size_t n,
                               struct app *a)
{
    switch (f) {
    case F_PROFILE: {
        const struct md_profile *pr = app_profile_by_id(a, ps->profile);
        snprintf(buf, n, "%s%s", pr ? pr->name : "?", ps->id ? "" : "  (Enter: next profile)");
        return buf;
    }
    case F_PLATFORMS:
        return ps->platforms;
    case F_WHEN: {
        const struct md_profile *pr = app_profile_by_id(a, ps->profile);
        snprintf(buf, n, "%s  %s", ps->when[0] ? ps->when : "(not scheduled)",
                 pr ? pr->timezone : "");
        return buf;
    }
    case F_CAPTION:
        return ps->caption;
    case F_NOTES:
        return ps->notes;
    case F_MEDIA: {
        size_t have = ps->id && ps->det.have ? ps->det.post.nmedia : 0;
        if (ps->media[0])
            snprintf(buf, n, "%s%s", ps->media,
                     ps->uploaded_media ? "  (uploaded)" : "  (uploaded on save)");
        else if (have)
            snprintf(buf, n, "%zu image%s attached; Enter adds one (a file path on this host)",
                     have, have == 1 ? "" : "s");
        else
            snprintf(buf, n, "(none: a file path on this host)");
        return buf;
    }
    default:
        return "";
    }
}

static void post_draw(struct view *v, WINDOW *w, int rows, int cols)
{
    struct app *a = v->app;
    struct post_screen *ps = view_state(v, &view_post);
    if (ps->id && !ps->filled && ps->fill_gen && !ps->saving && ps->det.have &&
        ps->det.post.id == ps->id && ps->det.post_gen >= ps->fill_gen)
        form_from_post(v, &ps->det.post);
    char title[160];
    if (ps->id)
        snprintf(title, sizeof title, " Post %lld%s%s", (long long)ps->id,
                 ps->det.have ? "  " : "  loading...",
                 ps->det.have ? words_status(ps->det.post.status) : "");
    else
        snprintf(title, sizeof title, " New post");
    if (ps->dirty) strncat(title, "  [modified: w saves]", sizeof title - strlen(title) - 1);
    if (ps->saving) strncat(title, "  saving...", sizeof title - strlen(title) - 1);
    ui_text_pad(w, 0, 0, cols, title, ui_attr(UP_TITLE) | A_REVERSE);
    int y = 1;
    char buf[256];
    for (int f = 0; f < F_COUNT && y < rows; f++) {
        bool sel = (int)ps->field == f;
        attr_t la = sel ? ui_attr(UP_SEL) : A_BOLD;
        char label[24];
        snprintf(label, sizeof label, "%-11s", field_names[f]);
        ui_text(w, y, 0, 12, label, la);
        const char *v = field_value(ps, (enum field)f, buf, sizeof buf, a);
        int lines = f == F_CAPTION ? 5 : (f == F_NOTES ? 2 : 1);
        if (lines > rows - y) lines = rows - y;
        int used = ui_wrap(w, y, 12, cols - 13, lines, 0, v, A_NORMAL);
        y += used > 0 ? used : 1;
    }
    if (y < rows) ui_hline(w, y++, 0, cols, ui_attr(UP_DIM));
    if (ps->id && y < rows) {
        int total = detail_draw_brief(a, &ps->det, w, y, 1, rows - y, cols - 2, ps->scroll);
        if (ps->scroll > total) ps->scroll = total;
    } else if (y < rows) {
        ui_text(w, y, 1, cols - 2,
                "j/k choose a field, Enter edits it, E the caption in $EDITOR, w saves.",
                ui_attr(UP_DIM));
    }
}

/* ---- editing fields ---- */

static void on_field(void *ud, const char *text, uint64_t tag)
{
    struct view *v = ud;
    struct app *a = v->app;
    struct post_screen *ps = view_state(v, &view_post);
    if (!text) return;
    char **dst = NULL;
    switch ((enum field)tag) {
    case F_PLATFORMS:
        dst = &ps->platforms;
        break;
    case F_WHEN:
        dst = &ps->when;
        break;
    case F_CAPTION:
        dst = &ps->caption;
        break;
    case F_NOTES:
        dst = &ps->notes;
        break;
    case F_MEDIA:
        dst = &ps->media;
        break;
    default:
        return;
    }
    if (tag == F_WHEN && text[0]) {
        int y, m, d, h, mi;
        if (ui_parse_datetime(text, &y, &m, &d, &h, &mi) != 0) {
            set_str(dst, text);
            app_msg(a, true, "'%s' is not YYYY-MM-DD HH:MM; fix it before saving", text);
            ps->dirty = true;
            return;
        }
    }
    if (strcmp(*dst, text) != 0) ps->dirty = true;
    set_str(dst, text);
    if (tag == F_MEDIA) ps->uploaded_media = 0;
    app_dirty(a, DIRTY_MAIN);
}

static void edit_field(struct view *v)
{
    struct app *a = v->app;
    struct post_screen *ps = view_state(v, &view_post);
    char label[128];
    switch (ps->field) {
    case F_PROFILE:
        if (ps->id) {
            app_msg(a, true, "a post stays in its profile");
            return;
        }
        for (size_t i = 0; i < a->nprofiles; i++)
            if (a->profiles[i].id == ps->profile) {
                ps->profile = a->profiles[(i + 1) % a->nprofiles].id;
                break;
            }
        ps->dirty = true;
        app_dirty(a, DIRTY_MAIN);
        return;
    case F_PLATFORMS: {
        const struct md_profile *pr = app_profile_by_id(a, ps->profile);
        char *avail = pr ? md_strlist_join(&pr->platforms, ",") : xstrdup("");
        snprintf(label, sizeof label, "Platforms (of %s):", avail);
        free(avail);
        app_prompt(a, label, ps->platforms, false, on_field, v, F_PLATFORMS);
        return;
    }
    case F_WHEN:
        app_prompt(a, "Date and time (YYYY-MM-DD HH:MM, empty: none):", ps->when, false,
                   on_field, v, F_WHEN);
        return;
    case F_CAPTION:
        app_prompt(a, "Caption:", ps->caption, false, on_field, v, F_CAPTION);
        return;
    case F_NOTES:
        app_prompt(a, "Notes for approvers:", ps->notes, false, on_field, v, F_NOTES);
        return;
    case F_MEDIA:
        app_prompt(a, "Media file path:", ps->media, false, on_field, v, F_MEDIA);
        return;
    default:
        return;
    }
}

/* ---- saving ---- */

static void on_saved(void *ud, uint64_t tag, const struct gl_err *err, const msgpack_object *r)
{
    struct view *v = ud;
    struct app *a = v->app;
    struct post_screen *ps = view_state(v, &view_post);
    if (tag != ps->opened) {
        /* The form was left for another post meanwhile: say what happened, touch nothing. */
        if (err)
            app_rpc_error(a, "not saved", err);
        else
            app_msg(a, false, "saved post %lld", (long long)md_get_int(r, "id", 0));
        app_posts_changed(a, 0);
        return;
    }
    ps->saving = false;
    app_dirty(a, DIRTY_MAIN);
    if (err) {
        /* The form keeps everything typed: fix and save again. */
        app_rpc_error(a, "not saved", err);
        return;
    }
    int64_t id = md_get_int(r, "id", 0);
    if (!ps->id && id) ps->id = id;
    ps->dirty = false;
    app_msg(a, false, "saved post %lld", (long long)ps->id);
    /* post.update answers with the post as the daemon now holds it: the form shows exactly
     * that. post.create answers with the id only, so its form waits for the post.get sent
     * now; neither is refilled from a post fetched before the save. */
    struct md_post p;
    char *caption = md_get_str(r, "caption");
    bool whole = caption && md_post_decode(r, &p);
    free(caption);
    if (whole) {
        const struct md_profile *pr = app_profile_by_id(a, p.profile);
        md_post_localize(&p, pr ? pr->timezone : "UTC");
        form_from_post(v, &p);
        md_post_free(&p);
        detail_load(a, &ps->det, ps->id, true);
    } else {
        refill(v);
    }
    app_posts_changed(a, ps->profile);
}

static void send_save(struct view *v)
{
    struct app *a = v->app;
    struct post_screen *ps = view_state(v, &view_post);
    const struct md_profile *pr = app_profile_by_id(a, ps->profile);
    if (!pr) {
        app_msg(a, true, "choose a profile first");
        return;
    }
    int64_t at = 0;
    if (ps->when[0]) {
        int y, m, d, h, mi;
        if (ui_parse_datetime(ps->when, &y, &m, &d, &h, &mi) != 0) {
            app_msg(a, true, "the date '%s' is not YYYY-MM-DD HH:MM", ps->when);
            return;
        }
        at = gl_tz_to_utc(pr->timezone, y, m, d, h, mi);
    }
    bool media = ps->uploaded_media != 0;
    /* An update sends only what changed: an unchanged caption must not start a revision. */
    bool cap = true, plat = true, notes = true, when = at != 0;
    if (ps->id && ps->filled) {
        cap = strcmp(ps->base_caption, ps->caption) != 0;
        plat = strcmp(ps->base_platforms, ps->platforms) != 0;
        notes = strcmp(ps->base_notes, ps->notes) != 0;
        when = at != 0 && strcmp(ps->base_when, ps->when) != 0;
    }
    msgpack_packer *pk;
    size_t n = 1 + cap + plat + notes + when + media;
    if (ps->id) {
        pk = conn_begin(a->conn, "post.update");
        msgpack_pack_map(pk, n);
        gl_pack_kv_int(pk, "id", ps->id);
    } else {
        pk = conn_begin(a->conn, "post.create");
        msgpack_pack_map(pk, n);
        gl_pack_kv_int(pk, "profile", ps->profile);
    }
    if (cap) gl_pack_kv_str(pk, "caption", ps->caption);
    if (plat) md_pack_words(pk, "platforms", ps->platforms, 16);
    if (notes) gl_pack_kv_str(pk, "notes", ps->notes);
    if (when) gl_pack_kv_int(pk, "scheduled_at", at);
    if (media) {
        /* The new image joins those the post already has. */
        size_t have = ps->id && ps->det.have ? ps->det.post.nmedia : 0;
        gl_pack_key(pk, "media");
        msgpack_pack_array(pk, have + 1);
        for (size_t i = 0; i < have; i++)
            msgpack_pack_int64(pk, ps->det.post.media[i]);
        msgpack_pack_int64(pk, ps->uploaded_media);
    }
    conn_send(a->conn, on_saved, v, ps->opened);
    ps->saving = true;
}

static void on_uploaded(void *ud, uint64_t tag, const struct gl_err *err, const msgpack_object *r)
{
    struct view *v = ud;
    struct app *a = v->app;
    struct post_screen *ps = view_state(v, &view_post);
    if (tag != ps->opened) return; /* the form it was for is gone; nothing refers to the image */
    if (err) {
        ps->saving = false;
        if (err->code == GL_E_UNKNOWN_METHOD)
            app_msg(a, true, "this daemon has no media.upload: clear the media field to save");
        else
            app_rpc_error(a, "media upload", err);
        return;
    }
    ps->uploaded_media = md_get_int(r, "id", 0);
    send_save(v);
}

/* The image type data starts like (as the daemon checks it), or NULL. */
static const char *sniff(const unsigned char *d, size_t n)
{
    if (n >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0) return "image/png";
    if (n >= 3 && memcmp(d, "\xff\xd8\xff", 3) == 0) return "image/jpeg";
    if (n >= 6 && (memcmp(d, "GIF87a", 6) == 0 || memcmp(d, "GIF89a", 6) == 0)) return "image/gif";
    if (n >= 12 && memcmp(d, "RIFF", 4) == 0 && memcmp(d + 8, "WEBP", 4) == 0) return "image/webp";
    return NULL;
}

#define MEDIA_MAX ((size_t)8 << 20)

static void save(struct view *v)
{
    struct app *a = v->app;
    struct post_screen *ps = view_state(v, &view_post);
    if (ps->saving) return;
    if (ps->id && !ps->filled) {
        app_msg(a, true, "post %lld is still loading; save again in a moment", (long long)ps->id);
        return;
    }
    if (ps->media[0] && !ps->uploaded_media) {
        /* Upload first; the post then refers to the media id. */
        FILE *f = fopen(ps->media, "rb");
        if (!f) {
            app_msg(a, true, "cannot open %s: %s", ps->media, strerror(errno));
            return;
        }
        size_t cap = 1 << 16, len = 0, got;
        char *data = xmalloc(cap);
        while ((got = fread(data + len, 1, cap - len, f)) > 0) {
            len += got;
            if (len == cap) data = xrealloc(data, cap *= 2);
            if (len > MEDIA_MAX) break;
        }
        fclose(f);
        if (len > MEDIA_MAX) {
            free(data);
            app_msg(a, true, "%s is larger than 8 MiB, the daemon's limit", ps->media);
            return;
        }
        const char *type = sniff((const unsigned char *)data, len);
        if (!type) {
            free(data);
            app_msg(a, true, "%s is not a PNG, JPEG, GIF or WebP image", ps->media);
            return;
        }
        const char *base = strrchr(ps->media, '/');
        msgpack_packer *pk = conn_begin(a->conn, "media.upload");
        msgpack_pack_map(pk, 3);
        gl_pack_kv_str(pk, "name", base ? base + 1 : ps->media);
        gl_pack_kv_str(pk, "type", type);
        gl_pack_key(pk, "data");
        msgpack_pack_bin(pk, len);
        msgpack_pack_bin_body(pk, data, len);
        free(data);
        conn_send(a->conn, on_uploaded, v, ps->opened);
        ps->saving = true;
        app_msg(a, false, "uploading %s (%zu bytes)", ps->media, len);
        return;
    }
    send_save(v);
}

/* ---- an image's alternative text (media.update) ---- */

static void on_alt_saved(void *ud, uint64_t tag, const struct gl_err *err, const msgpack_object *r)
{
    struct view *v = ud;
    struct app *a = v->app;
    struct post_screen *ps = view_state(v, &view_post);
    (void)r;
    if (err) {
        app_rpc_error(a, "alternative text not saved", err);
        return;
    }
    app_msg(a, false, "alternative text saved");
    if (tag == ps->opened && ps->id) detail_load(a, &ps->det, ps->id, true);
}

/* The tag carries which image (its index in the post). */
static void on_alt_text(void *ud, const char *text, uint64_t tag)
{
    struct view *v = ud;
    struct app *a = v->app;
    struct post_screen *ps = view_state(v, &view_post);
    if (!text || tag >= ps->det.nmedia) return;
    msgpack_packer *pk = conn_begin(a->conn, "media.update");
    msgpack_pack_map(pk, 2);
    gl_pack_kv_int(pk, "id", ps->det.media[tag].id);
    gl_pack_kv_str(pk, "alt", text);
    conn_send(a->conn, on_alt_saved, v, ps->opened);
}

static void ask_alt(struct view *v, size_t i)
{
    struct post_screen *ps = view_state(v, &view_post);
    char label[160];
    snprintf(label, sizeof label, "Alternative text of %s (what it shows, in a sentence):",
             ps->det.media[i].name);
    app_prompt(v->app, label, ps->det.media[i].alt, false, on_alt_text, v, i);
}

static void on_alt_which(void *ud, const char *text, uint64_t tag)
{
    struct view *v = ud;
    struct post_screen *ps = view_state(v, &view_post);
    (void)tag;
    if (!text) return;
    char *end;
    long n = strtol(text, &end, 10);
    if (end == text || n < 1 || (size_t)n > ps->det.nmedia) {
        app_msg(v->app, true, "'%s' is not an image number (1 to %zu)", text, ps->det.nmedia);
        return;
    }
    ask_alt(v, (size_t)n - 1);
}

static void media_alt(struct view *v)
{
    struct app *a = v->app;
    struct post_screen *ps = view_state(v, &view_post);
    if (!ps->id || !ps->det.have || ps->det.nmedia == 0) {
        app_msg(a, true, "this post has no saved image to describe");
        return;
    }
    if (ps->det.nmedia == 1) {
        ask_alt(v, 0);
        return;
    }
    char label[96];
    snprintf(label, sizeof label, "Which image (1 to %zu)?", ps->det.nmedia);
    app_prompt(a, label, "", false, on_alt_which, v, 0);
}

static void on_discard(void *ud, const char *text, uint64_t tag)
{
    struct view *v = ud;
    struct app *a = v->app;
    struct post_screen *ps = view_state(v, &view_post);
    (void)tag;
    if (text && (text[0] == 'y' || text[0] == 'Y')) {
        ps->dirty = false;
        app_pop(a);
    }
}

static bool post_key(struct view *v, enum action act)
{
    struct app *a = v->app;
    struct post_screen *ps = view_state(v, &view_post);
    switch (act) {
    case ACT_DOWN:
        if (ps->field + 1 < F_COUNT) ps->field++;
        app_dirty(a, DIRTY_MAIN);
        return true;
    case ACT_UP:
        if (ps->field > 0) ps->field--;
        app_dirty(a, DIRTY_MAIN);
        return true;
    case ACT_PAGE_DOWN:
        ps->scroll += 5;
        app_dirty(a, DIRTY_MAIN);
        return true;
    case ACT_PAGE_UP:
        ps->scroll = ps->scroll > 5 ? ps->scroll - 5 : 0;
        app_dirty(a, DIRTY_MAIN);
        return true;
    case ACT_EDIT_FIELD:
        edit_field(v);
        return true;
    case ACT_SAVE:
        save(v);
        return true;
    case ACT_MEDIA_ALT:
        media_alt(v);
        return true;
    case ACT_EDIT_CAPTION: {
        char *text = app_edit_external(a, ps->caption, "caption");
        if (text) {
            set_str(&ps->caption, text);
            free(text);
            ps->dirty = true;
            if (ps->id) {
                save(v);
            }
        }
        return true;
    }
    case ACT_BACK:
        if (ps->dirty) {
            app_confirm(a, "Discard unsaved changes?", on_discard, v, 0);
            return true;
        }
        return false;
    default:
        break;
    }
    if (!ps->id) {
        if (act >= ACT_APPROVE && act <= ACT_DELETE) app_msg(a, true, "save the post first (w)");
        return act >= ACT_APPROVE && act <= ACT_DELETE;
    }
    return act_post(&ps->acts, a, act, ps->det.have ? &ps->det.post : NULL);
}

static void post_free(struct view *v)
{
    struct post_screen *ps = view_state(v, &view_post);
    form_clear(ps);
    detail_clear(&ps->det);
    act_state_clear(&ps->acts);
}

const struct view_ops view_post = {
    .name = "post",
    .keymap = KM_POST,
    .state_size = sizeof(struct post_screen),
    .enter = post_enter,
    .draw = post_draw,
    .key = post_key,
    .reload = post_reload,
    .event = post_event,
    .free = post_free,
};
