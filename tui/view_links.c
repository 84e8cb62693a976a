/* The links screen: a profile's external links (kind, approver, status, expiry, last opened);
 * create, revoke, regenerate, extend, and copy a URL to the clipboard with OSC 52. */
#include "app.h"
#include "ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

/* A URL we were given this session: the daemon keeps only token hashes, so a URL can be
 * shown only right after create or regenerate. */
struct known_url {
    int64_t id;
    char *url, *password;
};

static struct {
    struct md_link *v;
    size_t n, sel, top;
    unsigned gen;
    bool loading, unavailable, loaded;
    struct known_url *urls;
    size_t nurls;
    /* The link being created, filled by a chain of prompts. */
    char kind[16], approver[101], posts[256], password[101];
    int rows;
    int64_t select_id; /* select this link when the list comes back */
} lk;

static void free_list(void)
{
    for (size_t i = 0; i < lk.n; i++)
        md_link_free(&lk.v[i]);
    free(lk.v);
    lk.v = NULL;
    lk.n = 0;
}

static const struct known_url *url_for(int64_t id)
{
    for (size_t i = 0; i < lk.nurls; i++)
        if (lk.urls[i].id == id) return &lk.urls[i];
    return NULL;
}

static void remember_url(int64_t id, const char *url, const char *password)
{
    struct known_url *k = (struct known_url *)url_for(id);
    if (!k) {
        lk.urls = xrealloc(lk.urls, (lk.nurls + 1) * sizeof *lk.urls);
        k = &lk.urls[lk.nurls++];
        k->id = id;
    } else {
        free(k->url);
        free(k->password);
    }
    k->url = xstrdup(url ? url : "");
    k->password = password ? xstrdup(password) : NULL;
}

static void on_list(void *ud, uint64_t tag, const struct gl_err *err, const msgpack_object *r)
{
    struct app *a = ud;
    if ((unsigned)tag != lk.gen) return;
    lk.loading = false;
    app_dirty(a, DIRTY_MAIN);
    if (err) {
        if (err->code == GL_E_UNKNOWN_METHOD)
            lk.unavailable = true;
        else
            app_rpc_error(a, "links", err);
        return;
    }
    lk.unavailable = false;
    lk.loaded = true;
    int64_t keep = lk.sel < lk.n ? lk.v[lk.sel].id : 0;
    free_list();
    const msgpack_object *list =
        r && r->type == MSGPACK_OBJECT_ARRAY ? r : md_get_array(r, "links");
    if (list && list->via.array.size) {
        lk.v = xcalloc(list->via.array.size, sizeof *lk.v);
        /* Newest first: the one just made is the one wanted. */
        for (uint32_t i = list->via.array.size; i-- > 0;)
            if (md_link_decode(&list->via.array.ptr[i], &lk.v[lk.n])) lk.n++;
    }
    if (lk.sel >= lk.n) lk.sel = lk.n ? lk.n - 1 : 0;
    if (lk.select_id) keep = lk.select_id;
    lk.select_id = 0;
    for (size_t i = 0; i < lk.n; i++)
        if (lk.v[i].id == keep) lk.sel = i;
}

static void links_reload(struct app *a)
{
    const struct md_profile *p = app_profile(a);
    if (!p) return;
    lk.gen++;
    lk.loading = true;
    msgpack_packer *pk = conn_begin(a->conn, "link.list");
    msgpack_pack_map(pk, 1);
    gl_pack_kv_int(pk, "profile", p->id);
    conn_send(a->conn, on_list, a, lk.gen);
}

static void links_enter(struct app *a)
{
    links_reload(a);
}

static void fmt_day(char *buf, size_t n, const char *zone, int64_t t, const char *none)
{
    if (!t) {
        snprintf(buf, n, "%s", none);
        return;
    }
    ui_fmt_datetime(buf, n, zone, t);
}

static void links_draw(struct app *a, WINDOW *w, int rows, int cols)
{
    const struct md_profile *p = app_profile(a);
    lk.rows = rows;
    char title[256];
    snprintf(title, sizeof title, " Links of %s: %zu%s", p ? p->name : "-", lk.n,
             lk.loading ? "  loading..." : "");
    ui_text_pad(w, 0, 0, cols, title, ui_attr(UP_TITLE) | A_REVERSE);
    if (lk.unavailable) {
        ui_text(w, 2, 2, cols - 4,
                "Links are not available: this daemon has no link.* methods yet.", A_BOLD);
        return;
    }
    ui_text(w, 1, 0, cols,
            "  id kind      approver     status   expires           opened            n",
            A_BOLD | A_UNDERLINE);
    if (!lk.n) {
        ui_text(w, 3, 2, cols - 4, lk.loaded ? "No links yet. n: create one." : "",
                ui_attr(UP_DIM));
        return;
    }
    const char *zone = p ? p->timezone : "UTC";
    int h = rows - 9;
    if (h < 3) h = 3;
    if (lk.sel < lk.top) lk.top = lk.sel;
    if (lk.sel >= lk.top + (size_t)h) lk.top = lk.sel - (size_t)h + 1;
    for (int r = 0; r < h && lk.top + (size_t)r < lk.n; r++) {
        const struct md_link *l = &lk.v[lk.top + (size_t)r];
        char exp[32], opened[32], line[256];
        fmt_day(exp, sizeof exp, zone, l->expires_at, "never");
        fmt_day(opened, sizeof opened, zone, l->last_opened, "never");
        snprintf(line, sizeof line, "%4lld %-9s %-12.12s %-8s %-17s %-17s %lld", (long long)l->id,
                 l->kind, l->approver[0] ? l->approver : "-", l->status, exp, opened,
                 (long long)l->opens);
        bool sel = lk.top + (size_t)r == lk.sel;
        attr_t at =
            sel ? ui_attr(UP_SEL) : (strcmp(l->status, "active") ? ui_attr(UP_DIM) : A_NORMAL);
        ui_text_pad(w, 2 + r, 0, cols, line, at);
    }
    int y = 2 + h;
    ui_hline(w, y++, 0, cols, ui_attr(UP_DIM));
    const struct md_link *l = lk.sel < lk.n ? &lk.v[lk.sel] : NULL;
    if (!l) return;
    const struct known_url *k = url_for(l->id);
    char buf[512];
    snprintf(buf, sizeof buf, "Link %lld: %s link by %s, %s%s", (long long)l->id, l->kind,
             l->created_by, l->password ? "password protected" : "no password",
             l->nposts ? ""
                       : (strcmp(l->kind, "approval") ? "" : ", every post awaiting approval"));
    ui_text(w, y++, 1, cols - 2, buf, A_BOLD);
    if (k) {
        char *u = xasprintf("URL: %s", k->url);
        y += ui_wrap(w, y, 1, cols - 2, 3, 0, u, ui_attr(UP_OK));
        free(u);
        if (k->password && y < rows) {
            snprintf(buf, sizeof buf, "Password: %s (shown once; give it separately)", k->password);
            ui_text(w, y++, 1, cols - 2, buf, A_BOLD);
        }
    } else if (y < rows) {
        ui_text(w, y++, 1, cols - 2,
                "URL: only the token's hash is kept; r makes a new URL (the old one stops)",
                ui_attr(UP_DIM));
    }
}

/* ---- creating: kind, approver, posts, password, validity ---- */

static void on_created(void *ud, uint64_t tag, const struct gl_err *err, const msgpack_object *r)
{
    struct app *a = ud;
    (void)tag;
    if (err) {
        if (err->code == GL_E_UNKNOWN_METHOD) lk.unavailable = true;
        app_rpc_error(a, "link not made", err);
        return;
    }
    int64_t id = md_get_int(r, "id", 0);
    char *url = md_get_str(r, "url"), *pw = md_get_str(r, "password");
    remember_url(id, url, pw);
    if (url) app_clipboard(a, url);
    app_msg(a, false, "link %lld: %s (copied)", (long long)id, url ? url : "");
    free(url);
    free(pw);
    lk.select_id = id;
    links_reload(a);
}

static void send_create(struct app *a, int days)
{
    const struct md_profile *p = app_profile(a);
    if (!p) return;
    int64_t ids[64];
    size_t nids = 0;
    char *save = NULL, *copy = xstrdup(lk.posts);
    for (char *t = strtok_r(copy, ", ", &save); t && nids < 64; t = strtok_r(NULL, ", ", &save))
        ids[nids++] = strtoll(t, NULL, 10);
    free(copy);
    bool approver = lk.approver[0] != 0, pw = lk.password[0] && strcmp(lk.password, "none");
    msgpack_packer *pk = conn_begin(a->conn, "link.create");
    msgpack_pack_map(pk, 2 + approver + (nids > 0) + pw + (days > 0));
    gl_pack_kv_int(pk, "profile", p->id);
    gl_pack_kv_str(pk, "kind", lk.kind);
    if (approver) gl_pack_kv_str(pk, "approver", lk.approver);
    if (nids) {
        gl_pack_key(pk, "posts");
        msgpack_pack_array(pk, nids);
        for (size_t i = 0; i < nids; i++)
            msgpack_pack_int64(pk, ids[i]);
    }
    if (pw) {
        if (strcmp(lk.password, "auto") == 0)
            gl_pack_kv_bool(pk, "password", true);
        else
            gl_pack_kv_str(pk, "password", lk.password);
    }
    if (days > 0) gl_pack_kv_int(pk, "ttl_days", days);
    conn_send(a->conn, on_created, a, 0);
    memset(lk.password, 0, sizeof lk.password);
}

/* Days as the daemon takes them (link.create ttl_days, link.extend days): checked here, where
 * they are typed, with the range said. */
enum { DAYS_MIN = 1, DAYS_MAX = 3650 };

static bool days_ok(struct app *a, const char *text, int *out)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (!*text || *end || v < DAYS_MIN || v > DAYS_MAX) {
        app_msg(a, true, "'%s': a number of days from %d to %d", text, DAYS_MIN, DAYS_MAX);
        return false;
    }
    *out = (int)v;
    return true;
}

/* Asks again with what was typed, not selected, so it is corrected rather than retyped. */
static void reask(struct app *a, const char *label, const char *text, prompt_fn fn, uint64_t tag)
{
    app_prompt(a, label, text, false, fn, tag);
    a->prompt.selected = false;
}

static const char *days_label(void)
{
    return strcmp(lk.kind, "approval") == 0 ? "Valid for days (1 to 3650, empty: 30):"
                                            : "Valid for days (1 to 3650, empty: no expiry):";
}

static void on_days(struct app *a, const char *text, uint64_t tag)
{
    (void)tag;
    if (!text) return;
    int days = 0;
    if (text[0] && !days_ok(a, text, &days)) {
        reask(a, days_label(), text, on_days, 0);
        return;
    }
    send_create(a, days);
}

#define PASSWORD_LABEL "Password (auto, none, or type one of 8+ chars):"

static void on_password(struct app *a, const char *text, uint64_t tag)
{
    (void)tag;
    if (!text) return;
    const char *pw = text[0] ? text : "auto";
    if (strcmp(pw, "auto") && strcmp(pw, "none") && strlen(pw) < 8) {
        app_msg(a, true, "a link password has at least 8 characters (or auto, or none)");
        reask(a, PASSWORD_LABEL, text, on_password, 0);
        return;
    }
    if (strcmp(pw, "none") == 0 && strcmp(lk.kind, "approval") == 0) {
        app_msg(a, true, "an approval link always has a password: auto makes one");
        reask(a, PASSWORD_LABEL, "auto", on_password, 0);
        return;
    }
    snprintf(lk.password, sizeof lk.password, "%s", pw);
    app_prompt(a, days_label(), NULL, false, on_days, 0);
}

static void ask_password(struct app *a)
{
    app_prompt(a, PASSWORD_LABEL, strcmp(lk.kind, "approval") == 0 ? "auto" : "none", false,
               on_password, 0);
}

static void on_posts(struct app *a, const char *text, uint64_t tag)
{
    (void)tag;
    if (!text) return;
    snprintf(lk.posts, sizeof lk.posts, "%s", text);
    ask_password(a);
}

static void on_approver(struct app *a, const char *text, uint64_t tag)
{
    (void)tag;
    if (!text) return;
    if (!text[0] && strcmp(lk.kind, "approval") == 0) {
        app_msg(a, true, "an approval link is for one approver: their name, as they will sign");
        app_prompt(a, "Approver's name:", NULL, false, on_approver, 0);
        return;
    }
    snprintf(lk.approver, sizeof lk.approver, "%s", text);
    if (strcmp(lk.kind, "approval") == 0)
        app_prompt(a, "Post ids (comma separated, empty: all awaiting approval):", NULL, false,
                   on_posts, 0);
    else
        ask_password(a);
}

#define KIND_LABEL "Kind (calendar, collab, approval):"

static void on_kind(struct app *a, const char *text, uint64_t tag)
{
    (void)tag;
    if (!text) return;
    const char *k = text[0] ? text : "approval";
    if (strcmp(k, "calendar") && strcmp(k, "collab") && strcmp(k, "approval")) {
        app_msg(a, true, "a link is a calendar, collab or approval link, not '%s'", k);
        reask(a, KIND_LABEL, text, on_kind, 0);
        return;
    }
    snprintf(lk.kind, sizeof lk.kind, "%s", k);
    lk.approver[0] = lk.posts[0] = lk.password[0] = '\0';
    if (strcmp(k, "approval") == 0)
        app_prompt(a, "Approver's name:", NULL, false, on_approver, 0);
    else
        ask_password(a);
}

/* ---- revoke, regenerate, extend ---- */

static void on_changed(void *ud, uint64_t tag, const struct gl_err *err, const msgpack_object *r)
{
    struct app *a = ud;
    if (err) {
        app_rpc_error(a, "link", err);
        return;
    }
    char *url = md_get_str(r, "url");
    if (url) {
        char *pw = md_get_str(r, "password");
        remember_url((int64_t)tag, url, pw);
        app_clipboard(a, url);
        app_msg(a, false, "link %lld has a new URL (copied); the old one no longer works",
                (long long)tag);
        free(pw);
        free(url);
    } else {
        app_msg(a, false, "link %lld updated", (long long)tag);
    }
    links_reload(a);
}

#define EXTEND_LABEL "Extend by days (1 to 3650):"

static void on_extend(struct app *a, const char *text, uint64_t tag)
{
    if (!text || !text[0]) return;
    int days;
    if (!days_ok(a, text, &days)) {
        reask(a, EXTEND_LABEL, text, on_extend, tag);
        return;
    }
    msgpack_packer *pk = conn_begin(a->conn, "link.extend");
    msgpack_pack_map(pk, 2);
    gl_pack_kv_int(pk, "id", (int64_t)tag);
    gl_pack_kv_int(pk, "days", days);
    conn_send(a->conn, on_changed, a, tag);
}

static void on_revoke(struct app *a, const char *text, uint64_t tag)
{
    if (!text || (text[0] != 'y' && text[0] != 'Y')) return;
    msgpack_packer *pk = conn_begin(a->conn, "link.revoke");
    msgpack_pack_map(pk, 1);
    gl_pack_kv_int(pk, "id", (int64_t)tag);
    conn_send(a->conn, on_changed, a, tag);
}

static bool links_key(struct app *a, enum action act)
{
    const struct md_link *l = lk.sel < lk.n ? &lk.v[lk.sel] : NULL;
    char label[96];
    switch (act) {
    case ACT_DOWN:
        if (lk.sel + 1 < lk.n) lk.sel++;
        break;
    case ACT_UP:
        if (lk.sel > 0) lk.sel--;
        break;
    case ACT_TOP:
        lk.sel = 0;
        break;
    case ACT_BOTTOM:
        if (lk.n) lk.sel = lk.n - 1;
        break;
    case ACT_LINK_NEW:
        if (lk.unavailable) {
            app_msg(a, true, "links are not available on this daemon");
            return true;
        }
        app_prompt(a, KIND_LABEL, "approval", false, on_kind, 0);
        return true;
    case ACT_LINK_REVOKE:
        if (!l) return true;
        snprintf(label, sizeof label, "Revoke link %lld? Its URL stops at once", (long long)l->id);
        app_confirm(a, label, on_revoke, (uint64_t)l->id);
        return true;
    case ACT_LINK_REGEN:
        if (!l) return true;
        {
            msgpack_packer *pk = conn_begin(a->conn, "link.regenerate");
            msgpack_pack_map(pk, 1);
            gl_pack_kv_int(pk, "id", l->id);
            conn_send(a->conn, on_changed, a, (uint64_t)l->id);
        }
        return true;
    case ACT_LINK_EXTEND:
        if (!l) return true;
        app_prompt(a, EXTEND_LABEL, "30", false, on_extend, (uint64_t)l->id);
        return true;
    case ACT_LINK_COPY: {
        const struct known_url *k = l ? url_for(l->id) : NULL;
        if (!k) {
            app_msg(a, true, "no URL known for this link: r regenerates one");
            return true;
        }
        app_clipboard(a, k->url);
        app_msg(a, false, "copied %s", k->url);
        return true;
    }
    default:
        return false;
    }
    app_dirty(a, DIRTY_MAIN);
    return true;
}

static void links_event(struct app *a, const struct md_event *e)
{
    if (e->link || strncmp(e->type, "link.", 5) == 0) app_want_reload(a, KM_LINKS);
}

static void links_free(struct app *a)
{
    (void)a;
    free_list();
    for (size_t i = 0; i < lk.nurls; i++) {
        free(lk.urls[i].url);
        free(lk.urls[i].password);
    }
    free(lk.urls);
}

struct view view_links = {
    .name = "links",
    .keymap = KM_LINKS | KM_LIST,
    .enter = links_enter,
    .draw = links_draw,
    .key = links_key,
    .reload = links_reload,
    .event = links_event,
    .free = links_free,
};
