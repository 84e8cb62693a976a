/* The links screen: a profile's external links (kind, approver, status, expiry, last opened,
 * a visitor's request for a new link); create (also for posts tagged in the queue), revoke,
 * regenerate, extend, and copy a URL to the clipboard with OSC 52. Also one link's page (its
 * posts with their status, opens, requests and decisions), which shares the actions. */
#include "app.h"
#include "ui.h"
#include "words.h"

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

struct links_screen {
    struct md_link *v;
    size_t n, sel, top;
    unsigned gen;
    bool loading, unavailable, loaded;
    struct known_url *urls;
    size_t nurls;
    /* The link being created, filled by a chain of prompts. */
    char kind[16], approver[101], posts[256], password[101], email[255];
    int rows;
    int64_t select_id; /* select this link when the list comes back */
    /* Posts chosen in the queue: the link is made for them, asked once the list (and so the
     * earlier approvers) is in. */
    int64_t *preset;
    size_t npreset;
    bool ask_when_listed;
};

static void detail_reload(struct view *v);
static void start_create(struct view *v);

/* A link's page on top shows what a reply changed: it is fetched again. */
static void reload_link_page(struct app *a)
{
    struct view *top = app_top(a);
    if (top->ops == &view_link) detail_reload(top);
}

static void free_list(struct links_screen *lk)
{
    for (size_t i = 0; i < lk->n; i++)
        md_link_free(&lk->v[i]);
    free(lk->v);
    lk->v = NULL;
    lk->n = 0;
}

static const struct known_url *url_for(const struct links_screen *lk, int64_t id)
{
    for (size_t i = 0; i < lk->nurls; i++)
        if (lk->urls[i].id == id) return &lk->urls[i];
    return NULL;
}

static void remember_url(struct links_screen *lk, int64_t id, const char *url, const char *password)
{
    struct known_url *k = (struct known_url *)url_for(lk, id);
    if (!k) {
        lk->urls = xrealloc(lk->urls, (lk->nurls + 1) * sizeof *lk->urls);
        k = &lk->urls[lk->nurls++];
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
    struct view *v = ud;
    struct app *a = v->app;
    struct links_screen *lk = view_state(v, &view_links);
    if ((unsigned)tag != lk->gen) return;
    lk->loading = false;
    app_dirty(a, DIRTY_MAIN);
    if (err) {
        if (err->code == GL_E_UNKNOWN_METHOD)
            lk->unavailable = true;
        else
            app_rpc_error(a, "links", err);
        return;
    }
    lk->unavailable = false;
    lk->loaded = true;
    int64_t keep = lk->sel < lk->n ? lk->v[lk->sel].id : 0;
    free_list(lk);
    const msgpack_object *list =
        r && r->type == MSGPACK_OBJECT_ARRAY ? r : md_get_array(r, "links");
    if (list && list->via.array.size) {
        lk->v = xcalloc(list->via.array.size, sizeof *lk->v);
        /* Newest first: the one just made is the one wanted. */
        for (uint32_t i = list->via.array.size; i-- > 0;)
            if (md_link_decode(&list->via.array.ptr[i], &lk->v[lk->n])) lk->n++;
    }
    if (lk->sel >= lk->n) lk->sel = lk->n ? lk->n - 1 : 0;
    if (lk->select_id) keep = lk->select_id;
    lk->select_id = 0;
    for (size_t i = 0; i < lk->n; i++)
        if (lk->v[i].id == keep) lk->sel = i;
    if (lk->ask_when_listed) {
        lk->ask_when_listed = false;
        start_create(v);
    }
}

/* A visitor asked for a new link and nothing has answered yet (a regenerate clears the request,
 * an extension moves the expiry past it). */
static bool request_open(const struct md_link *l)
{
    return l->requested_at && l->expires_at && l->requested_at >= l->expires_at &&
           strcmp(l->status, "revoked") != 0;
}

static void links_reload(struct view *v)
{
    struct app *a = v->app;
    struct links_screen *lk = view_state(v, &view_links);
    const struct md_profile *p = app_profile(a);
    if (!p) return;
    lk->gen++;
    lk->loading = true;
    msgpack_packer *pk = conn_begin(a->conn, "link.list");
    msgpack_pack_map(pk, 1);
    gl_pack_kv_int(pk, "profile", p->id);
    conn_send(a->conn, on_list, v, lk->gen);
}

static void links_enter(struct view *v)
{
    links_reload(v);
}

static void fmt_day(char *buf, size_t n, const char *zone, int64_t t, const char *none)
{
    if (!t) {
        snprintf(buf, n, "%s", none);
        return;
    }
    ui_fmt_datetime(buf, n, zone, t);
}

static void links_draw(struct view *v, WINDOW *w, int rows, int cols)
{
    struct app *a = v->app;
    struct links_screen *lk = view_state(v, &view_links);
    const struct md_profile *p = app_profile(a);
    lk->rows = rows;
    char title[256];
    snprintf(title, sizeof title, " Links of %s: %zu%s", p ? p->name : "-", lk->n,
             lk->loading ? "  loading..." : "");
    ui_text_pad(w, 0, 0, cols, title, ui_attr(UP_TITLE) | A_REVERSE);
    if (lk->unavailable) {
        ui_text(w, 2, 2, cols - 4,
                "Links are not available: this daemon has no link.* methods yet.", A_BOLD);
        return;
    }
    ui_text(w, 1, 0, cols,
            "  id kind      approver     status   expires           opened            n",
            A_BOLD | A_UNDERLINE);
    if (!lk->n) {
        ui_text(w, 3, 2, cols - 4, lk->loaded ? "No links yet. n: create one." : "",
                ui_attr(UP_DIM));
        return;
    }
    const char *zone = p ? p->timezone : "UTC";
    int h = rows - 9;
    if (h < 3) h = 3;
    if (lk->sel < lk->top) lk->top = lk->sel;
    if (lk->sel >= lk->top + (size_t)h) lk->top = lk->sel - (size_t)h + 1;
    for (int r = 0; r < h && lk->top + (size_t)r < lk->n; r++) {
        const struct md_link *l = &lk->v[lk->top + (size_t)r];
        char exp[32], opened[32], head[48], tail[160];
        fmt_day(exp, sizeof exp, zone, l->expires_at, "never");
        fmt_day(opened, sizeof opened, zone, l->last_opened, "never");
        bool sel = lk->top + (size_t)r == lk->sel;
        attr_t at =
            sel ? ui_attr(UP_SEL) : (strcmp(l->status, "active") ? ui_attr(UP_DIM) : A_NORMAL);
        /* The approver is cut by display width, whole characters only; the columns after it
         * stay in place whatever the name holds. */
        snprintf(head, sizeof head, "%4lld %-9s ", (long long)l->id, l->kind);
        snprintf(tail, sizeof tail, " %-8s %-17s %-17s %lld", request_open(l) ? "ASKED" : l->status,
                 exp, opened, (long long)l->opens);
        ui_fill(w, 2 + r, 0, cols, at);
        int x = ui_text(w, 2 + r, 0, cols, head, at);
        ui_text_pad(w, 2 + r, x, cols - x < 12 ? cols - x : 12, l->approver[0] ? l->approver : "-",
                    at);
        if (cols > x + 12) ui_text(w, 2 + r, x + 12, cols - x - 12, tail, at);
    }
    int y = 2 + h;
    ui_hline(w, y++, 0, cols, ui_attr(UP_DIM));
    const struct md_link *l = lk->sel < lk->n ? &lk->v[lk->sel] : NULL;
    if (!l) return;
    const struct known_url *k = url_for(lk, l->id);
    char buf[512];
    snprintf(buf, sizeof buf, "Link %lld: %s link by %s, %s%s", (long long)l->id, l->kind,
             l->created_by, l->password ? "password protected" : "no password",
             l->nposts ? ""
                       : (strcmp(l->kind, "approval") ? "" : ", every post awaiting approval"));
    ui_text(w, y++, 1, cols - 2, buf, A_BOLD);
    if (request_open(l) && y < rows) {
        char when[32];
        fmt_day(when, sizeof when, zone, l->requested_at, "");
        snprintf(buf, sizeof buf, "%s asked for a new link on %s: r gives a new URL, e extends it",
                 l->approver[0] ? l->approver : "A visitor", when);
        y += ui_wrap(w, y, 1, cols - 2, 2, 0, buf, ui_attr(UP_ERR));
    }
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
    struct view *v = ud;
    struct app *a = v->app;
    struct links_screen *lk = view_state(v, &view_links);
    (void)tag;
    if (err) {
        if (err->code == GL_E_UNKNOWN_METHOD) lk->unavailable = true;
        app_rpc_error(a, "link not made", err);
        return;
    }
    int64_t id = md_get_int(r, "id", 0);
    char *url = md_get_str(r, "url"), *pw = md_get_str(r, "password");
    remember_url(lk, id, url, pw);
    if (url) app_clipboard(a, url);
    app_msg(a, false, "link %lld: %s (copied)", (long long)id, url ? url : "");
    free(url);
    free(pw);
    lk->select_id = id;
    lk->npreset = 0;
    links_reload(v);
    reload_link_page(a);
}

static void send_create(struct view *v, int days)
{
    struct app *a = v->app;
    struct links_screen *lk = view_state(v, &view_links);
    const struct md_profile *p = app_profile(a);
    if (!p) return;
    int64_t ids[64];
    size_t nids = 0;
    char *save = NULL, *copy = xstrdup(lk->posts);
    for (char *t = strtok_r(copy, ", ", &save); t && nids < 64; t = strtok_r(NULL, ", ", &save))
        ids[nids++] = strtoll(t, NULL, 10);
    free(copy);
    bool approver = lk->approver[0] != 0, pw = lk->password[0] && strcmp(lk->password, "none");
    bool email = approver && lk->email[0];
    msgpack_packer *pk = conn_begin(a->conn, "link.create");
    msgpack_pack_map(pk, 2 + approver + email + (nids > 0) + pw + (days > 0));
    gl_pack_kv_int(pk, "profile", p->id);
    gl_pack_kv_str(pk, "kind", lk->kind);
    if (approver) gl_pack_kv_str(pk, "approver", lk->approver);
    if (email) gl_pack_kv_str(pk, "email", lk->email);
    if (nids) {
        gl_pack_key(pk, "posts");
        msgpack_pack_array(pk, nids);
        for (size_t i = 0; i < nids; i++)
            msgpack_pack_int64(pk, ids[i]);
    }
    if (pw) {
        if (strcmp(lk->password, "auto") == 0)
            gl_pack_kv_bool(pk, "password", true);
        else
            gl_pack_kv_str(pk, "password", lk->password);
    }
    if (days > 0) gl_pack_kv_int(pk, "ttl_days", days);
    conn_send(a->conn, on_created, v, 0);
    memset(lk->password, 0, sizeof lk->password);
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
static void reask(struct view *v, const char *label, const char *text, prompt_fn fn, uint64_t tag)
{
    app_prompt(v->app, label, text, false, fn, v, tag);
    v->app->prompt.selected = false;
}

static const char *days_label(struct links_screen *lk)
{
    return strcmp(lk->kind, "approval") == 0 ? "Valid for days (1 to 3650, empty: 30):"
                                             : "Valid for days (1 to 3650, empty: no expiry):";
}

static void on_days(void *ud, const char *text, uint64_t tag)
{
    struct view *v = ud;
    struct app *a = v->app;
    struct links_screen *lk = view_state(v, &view_links);
    (void)tag;
    if (!text) return;
    int days = 0;
    if (text[0] && !days_ok(a, text, &days)) {
        reask(v, days_label(lk), text, on_days, 0);
        return;
    }
    send_create(v, days);
}

#define PASSWORD_LABEL "Password (auto, none, or type one of 8+ chars):"

static void on_password(void *ud, const char *text, uint64_t tag)
{
    struct view *v = ud;
    struct app *a = v->app;
    struct links_screen *lk = view_state(v, &view_links);
    (void)tag;
    if (!text) return;
    const char *pw = text[0] ? text : "auto";
    if (strcmp(pw, "auto") && strcmp(pw, "none") && strlen(pw) < 8) {
        app_msg(a, true, "a link password has at least 8 characters (or auto, or none)");
        reask(v, PASSWORD_LABEL, text, on_password, 0);
        return;
    }
    if (strcmp(pw, "none") == 0 && strcmp(lk->kind, "approval") == 0) {
        app_msg(a, true, "an approval link always has a password: auto makes one");
        reask(v, PASSWORD_LABEL, "auto", on_password, 0);
        return;
    }
    snprintf(lk->password, sizeof lk->password, "%s", pw);
    app_prompt(a, days_label(lk), NULL, false, on_days, v, 0);
}

static void ask_password(struct view *v)
{
    struct app *a = v->app;
    struct links_screen *lk = view_state(v, &view_links);
    app_prompt(a, PASSWORD_LABEL, strcmp(lk->kind, "approval") == 0 ? "auto" : "none", false,
               on_password, v, 0);
}

static void on_posts(void *ud, const char *text, uint64_t tag)
{
    struct view *v = ud;
    struct links_screen *lk = view_state(v, &view_links);
    (void)tag;
    if (!text) return;
    snprintf(lk->posts, sizeof lk->posts, "%s", text);
    ask_password(v);
}

/* The approvers of the profile's earlier links, newest first, each once. */
#define MAX_EARLIER 5
static size_t earlier_approvers(struct links_screen *lk, const char **out)
{
    size_t n = 0;
    for (size_t i = 0; i < lk->n && n < MAX_EARLIER; i++) {
        const char *who = lk->v[i].approver;
        bool seen = !who[0];
        for (size_t k = 0; k < n && !seen; k++)
            seen = strcmp(out[k], who) == 0;
        if (!seen) out[n++] = who;
    }
    return n;
}

static void on_approver(void *ud, const char *text, uint64_t tag);

/* The approver's address, optional: the daemon mails the link there (never its password) and
 * reminds them before a post's deadline. It checks the address; here only the obvious. */
#define EMAIL_LABEL "Approver's e-mail (empty: not mailed):"

static void on_email(void *ud, const char *text, uint64_t tag)
{
    struct view *v = ud;
    struct app *a = v->app;
    struct links_screen *lk = view_state(v, &view_links);
    (void)tag;
    if (!text) return;
    if (text[0] && (!strchr(text, '@') || strpbrk(text, " <>,"))) {
        app_msg(a, true, "'%s': one address, like name@example.com (or empty)", text);
        reask(v, EMAIL_LABEL, text, on_email, 0);
        return;
    }
    snprintf(lk->email, sizeof lk->email, "%s", text);
    if (lk->npreset)
        ask_password(v);
    else if (strcmp(lk->kind, "approval") == 0)
        app_prompt(a, "Post ids (comma separated, empty: all awaiting approval):", NULL, false,
                   on_posts, v, 0);
    else
        ask_password(v);
}

/* Asks who approves: one of the earlier approvers by number (the latest is offered), or a new
 * name typed in full. */
static void ask_approver(struct view *v, const char *typed)
{
    struct links_screen *lk = view_state(v, &view_links);
    const char *who[MAX_EARLIER];
    size_t n = earlier_approvers(lk, who);
    char label[400] = "Approver's name:";
    if (n) {
        size_t len = (size_t)snprintf(label, sizeof label, "Approver (");
        for (size_t i = 0; i < n && len < sizeof label; i++)
            len += (size_t)snprintf(label + len, sizeof label - len, "%s%zu %s", i ? ", " : "",
                                    i + 1, who[i]);
        if (len < sizeof label) snprintf(label + len, sizeof label - len, "; or a new name):");
    }
    if (typed)
        reask(v, label, typed, on_approver, 0);
    else
        app_prompt(v->app, label, n ? "1" : NULL, false, on_approver, v, 0);
}

static void on_approver(void *ud, const char *text, uint64_t tag)
{
    struct view *v = ud;
    struct app *a = v->app;
    struct links_screen *lk = view_state(v, &view_links);
    (void)tag;
    if (!text) return;
    if (!text[0] && strcmp(lk->kind, "approval") == 0) {
        app_msg(a, true, "an approval link is for one approver: their name, as they will sign");
        ask_approver(v, NULL);
        return;
    }
    const char *who[MAX_EARLIER];
    size_t n = earlier_approvers(lk, who);
    char *end;
    long pick = strtol(text, &end, 10);
    if (text[0] && !*end) {
        if (pick < 1 || (size_t)pick > n) {
            if (n)
                app_msg(a, true, "'%s': choose 1 to %zu, or type a new name", text, n);
            else
                app_msg(a, true, "no earlier approvers to choose from: type a name");
            ask_approver(v, text);
            return;
        }
        text = who[pick - 1];
    }
    snprintf(lk->approver, sizeof lk->approver, "%s", text);
    app_prompt(a, EMAIL_LABEL, NULL, false, on_email, v, 0);
}

#define KIND_LABEL "Kind (calendar, collab, approval):"

static void on_kind(void *ud, const char *text, uint64_t tag)
{
    struct view *v = ud;
    struct app *a = v->app;
    struct links_screen *lk = view_state(v, &view_links);
    (void)tag;
    if (!text) return;
    const char *k = text[0] ? text : "approval";
    if (strcmp(k, "calendar") && strcmp(k, "collab") && strcmp(k, "approval")) {
        app_msg(a, true, "a link is a calendar, collab or approval link, not '%s'", k);
        reask(v, KIND_LABEL, text, on_kind, 0);
        return;
    }
    snprintf(lk->kind, sizeof lk->kind, "%s", k);
    lk->approver[0] = lk->posts[0] = lk->password[0] = lk->email[0] = '\0';
    if (strcmp(k, "approval") == 0)
        ask_approver(v, NULL);
    else
        ask_password(v);
}

/* A link for posts picked elsewhere: an approval link, for them alone. */
static void start_create(struct view *v)
{
    struct app *a = v->app;
    struct links_screen *lk = view_state(v, &view_links);
    if (!lk->npreset) {
        app_prompt(a, KIND_LABEL, "approval", false, on_kind, v, 0);
        return;
    }
    snprintf(lk->kind, sizeof lk->kind, "approval");
    lk->approver[0] = lk->posts[0] = lk->password[0] = lk->email[0] = '\0';
    size_t len = 0;
    for (size_t i = 0; i < lk->npreset && len < sizeof lk->posts; i++)
        len += (size_t)snprintf(lk->posts + len, sizeof lk->posts - len, "%s%lld", i ? "," : "",
                                (long long)lk->preset[i]);
    app_msg(a, false, "an approval link for post%s %s", lk->npreset == 1 ? "" : "s", lk->posts);
    ask_approver(v, NULL);
}

void view_links_for_posts(struct app *a, const int64_t *ids, size_t n)
{
    struct view *v = app_view(a, VIEW_LINKS);
    struct links_screen *lk = view_state(v, &view_links);
    free(lk->preset);
    lk->preset = xcalloc(n ? n : 1, sizeof *lk->preset);
    memcpy(lk->preset, ids, n * sizeof *ids);
    lk->npreset = n;
    lk->ask_when_listed = true; /* the earlier approvers come with the list */
    if (app_top(a) == v)
        links_reload(v);
    else
        app_push(a, v);
}

/* ---- revoke, regenerate, extend ---- */

static void on_changed(void *ud, uint64_t tag, const struct gl_err *err, const msgpack_object *r)
{
    struct view *v = ud;
    struct app *a = v->app;
    struct links_screen *lk = view_state(v, &view_links);
    if (err) {
        app_rpc_error(a, "link", err);
        return;
    }
    char *url = md_get_str(r, "url");
    if (url) {
        char *pw = md_get_str(r, "password");
        remember_url(lk, (int64_t)tag, url, pw);
        app_clipboard(a, url);
        app_msg(a, false, "link %lld has a new URL (copied); the old one no longer works",
                (long long)tag);
        free(pw);
        free(url);
    } else {
        app_msg(a, false, "link %lld updated", (long long)tag);
    }
    links_reload(v);
    reload_link_page(a);
}

#define EXTEND_LABEL "Extend by days (1 to 3650):"

static void on_extend(void *ud, const char *text, uint64_t tag)
{
    struct view *v = ud;
    struct app *a = v->app;
    if (!text || !text[0]) return;
    int days;
    if (!days_ok(a, text, &days)) {
        reask(v, EXTEND_LABEL, text, on_extend, tag);
        return;
    }
    msgpack_packer *pk = conn_begin(a->conn, "link.extend");
    msgpack_pack_map(pk, 2);
    gl_pack_kv_int(pk, "id", (int64_t)tag);
    gl_pack_kv_int(pk, "days", days);
    conn_send(a->conn, on_changed, v, tag);
}

static void on_revoke(void *ud, const char *text, uint64_t tag)
{
    struct view *v = ud;
    struct app *a = v->app;
    if (!text || (text[0] != 'y' && text[0] != 'Y')) return;
    msgpack_packer *pk = conn_begin(a->conn, "link.revoke");
    msgpack_pack_map(pk, 1);
    gl_pack_kv_int(pk, "id", (int64_t)tag);
    conn_send(a->conn, on_changed, v, tag);
}

/* r, e, x, y on a link: the same on the list and on the link's page; v is the links screen. */
static bool link_act(struct view *v, enum action act, const struct md_link *l)
{
    struct app *a = v->app;
    struct links_screen *lk = view_state(v, &view_links);
    char label[96];
    switch (act) {
    case ACT_LINK_REVOKE:
        if (!l) return true;
        snprintf(label, sizeof label, "Revoke link %lld? Its URL stops at once", (long long)l->id);
        app_confirm(a, label, on_revoke, v, (uint64_t)l->id);
        return true;
    case ACT_LINK_REGEN:
        if (!l) return true;
        {
            msgpack_packer *pk = conn_begin(a->conn, "link.regenerate");
            msgpack_pack_map(pk, 1);
            gl_pack_kv_int(pk, "id", l->id);
            conn_send(a->conn, on_changed, v, (uint64_t)l->id);
        }
        return true;
    case ACT_LINK_EXTEND:
        if (!l) return true;
        app_prompt(a, EXTEND_LABEL, "30", false, on_extend, v, (uint64_t)l->id);
        return true;
    case ACT_LINK_COPY: {
        const struct known_url *k = l ? url_for(lk, l->id) : NULL;
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
}

static bool links_key(struct view *v, enum action act)
{
    struct app *a = v->app;
    struct links_screen *lk = view_state(v, &view_links);
    const struct md_link *l = lk->sel < lk->n ? &lk->v[lk->sel] : NULL;
    switch (act) {
    case ACT_DOWN:
        if (lk->sel + 1 < lk->n) lk->sel++;
        break;
    case ACT_UP:
        if (lk->sel > 0) lk->sel--;
        break;
    case ACT_TOP:
        lk->sel = 0;
        break;
    case ACT_BOTTOM:
        if (lk->n) lk->sel = lk->n - 1;
        break;
    case ACT_LINK_NEW:
        if (lk->unavailable) {
            app_msg(a, true, "links are not available on this daemon");
            return true;
        }
        lk->npreset = 0;
        start_create(v);
        return true;
    case ACT_LINK_OPEN:
        if (l) view_link_open(a, l->id, l->profile);
        return true;
    default:
        return link_act(v, act, l);
    }
    app_dirty(a, DIRTY_MAIN);
    return true;
}

static void links_event(struct view *v, const struct md_event *e)
{
    struct app *a = v->app;
    if (e->link || strncmp(e->type, "link.", 5) == 0) app_want_reload(a, KM_LINKS);
}

static void links_free(struct view *v)
{
    struct links_screen *lk = view_state(v, &view_links);
    free_list(lk);
    for (size_t i = 0; i < lk->nurls; i++) {
        free(lk->urls[i].url);
        free(lk->urls[i].password);
    }
    free(lk->urls);
    free(lk->preset);
}

const struct view_ops view_links = {
    .name = "links",
    .keymap = KM_LINKS | KM_LIST,
    .state_size = sizeof(struct links_screen),
    .enter = links_enter,
    .draw = links_draw,
    .key = links_key,
    .reload = links_reload,
    .event = links_event,
    .free = links_free,
};

/* ---- one link's page ---- */

#define LD_MAX_POSTS 50

struct decision {
    int64_t post, at;
    char *actor, *type, *note;
};

struct link_screen {
    /* The links screen, which acts for this page and keeps the URLs it was shown. */
    struct view *links;
    int64_t id, profile;
    unsigned gen;
    bool have, loading, gone;
    struct md_link link;
    int64_t *ids;          /* the posts the link covers */
    struct md_post *posts; /* each as post.get answers (id 0 until then) */
    size_t nposts;
    struct decision *dec; /* history entries made through this link, by time */
    size_t ndec;
    int scroll;
};

static void ld_clear(struct link_screen *ld)
{
    if (ld->have) md_link_free(&ld->link);
    ld->have = false;
    for (size_t i = 0; i < ld->nposts; i++)
        if (ld->posts[i].id) md_post_free(&ld->posts[i]);
    free(ld->posts);
    free(ld->ids);
    ld->posts = NULL;
    ld->ids = NULL;
    ld->nposts = 0;
    for (size_t i = 0; i < ld->ndec; i++) {
        free(ld->dec[i].actor);
        free(ld->dec[i].type);
        free(ld->dec[i].note);
    }
    free(ld->dec);
    ld->dec = NULL;
    ld->ndec = 0;
}

/* Tags: the generation, then what is answered (0 the link list, 1 the post list, 2 a post, 3 a
 * history) and the index of the post. */
static uint64_t ld_tag(struct link_screen *ld, unsigned what, size_t i)
{
    return ((uint64_t)ld->gen << 32) | ((uint64_t)what << 24) | (uint64_t)i;
}

static void on_ld(void *ud, uint64_t tag, const struct gl_err *err, const msgpack_object *r);

static void ld_set_posts(struct view *v, const int64_t *ids, size_t n)
{
    struct app *a = v->app;
    struct link_screen *ld = view_state(v, &view_link);
    if (n > LD_MAX_POSTS) n = LD_MAX_POSTS;
    ld->posts = xcalloc(n ? n : 1, sizeof *ld->posts);
    ld->ids = xcalloc(n ? n : 1, sizeof *ld->ids);
    memcpy(ld->ids, ids, n * sizeof *ids);
    ld->nposts = n;
    for (size_t i = 0; i < n; i++) {
        msgpack_packer *pk = conn_begin(a->conn, "post.get");
        msgpack_pack_map(pk, 1);
        gl_pack_kv_int(pk, "id", ids[i]);
        conn_send(a->conn, on_ld, v, ld_tag(ld, 2, i));
        pk = conn_begin(a->conn, "post.history");
        msgpack_pack_map(pk, 1);
        gl_pack_kv_int(pk, "id", ids[i]);
        conn_send(a->conn, on_ld, v, ld_tag(ld, 3, i));
    }
}

static void ld_add_decisions(struct link_screen *ld, int64_t post, const msgpack_object *list)
{
    if (!list) return;
    for (uint32_t k = 0; k < list->via.array.size; k++) {
        struct md_history h;
        if (!md_history_decode(&list->via.array.ptr[k], &h)) continue;
        if (h.link == ld->id) {
            ld->dec = xrealloc(ld->dec, (ld->ndec + 1) * sizeof *ld->dec);
            struct decision *d = &ld->dec[ld->ndec++];
            d->post = post;
            d->at = h.at;
            d->actor = xstrdup(h.actor);
            d->type = xstrdup(h.type);
            d->note = xstrdup(h.note);
        }
        md_history_free(&h);
    }
    /* By time, oldest first, across posts. */
    for (size_t i = 1; i < ld->ndec; i++)
        for (size_t j = i; j > 0 && ld->dec[j - 1].at > ld->dec[j].at; j--) {
            struct decision t = ld->dec[j];
            ld->dec[j] = ld->dec[j - 1];
            ld->dec[j - 1] = t;
        }
}

static void on_ld(void *ud, uint64_t tag, const struct gl_err *err, const msgpack_object *r)
{
    struct view *v = ud;
    struct app *a = v->app;
    struct link_screen *ld = view_state(v, &view_link);
    if ((unsigned)(tag >> 32) != ld->gen) return;
    unsigned what = (unsigned)(tag >> 24) & 0xff;
    size_t i = (size_t)(tag & 0xffffff);
    app_dirty(a, DIRTY_MAIN);
    if (err) {
        if (what == 0) {
            ld->loading = false;
            app_rpc_error(a, "link", err);
        }
        return; /* a post deleted since: it is left out */
    }
    switch (what) {
    case 0: {
        ld->loading = false;
        const msgpack_object *list = md_get_array(r, "links");
        for (uint32_t k = 0; list && k < list->via.array.size && !ld->have; k++) {
            struct md_link l;
            if (!md_link_decode(&list->via.array.ptr[k], &l)) continue;
            if (l.id == ld->id) {
                ld->link = l;
                ld->have = true;
            } else {
                md_link_free(&l);
            }
        }
        ld->gone = !ld->have;
        if (!ld->have) return;
        if (ld->link.nposts) {
            ld_set_posts(v, ld->link.posts, ld->link.nposts);
        } else if (strcmp(ld->link.kind, "calendar") != 0) {
            /* Without a list the link covers what awaits approval in the profile. */
            msgpack_packer *pk = conn_begin(a->conn, "post.list");
            msgpack_pack_map(pk, 2);
            gl_pack_kv_int(pk, "profile", ld->link.profile);
            gl_pack_kv_str(pk, "status", "awaiting_approval");
            conn_send(a->conn, on_ld, v, ld_tag(ld, 1, 0));
        }
        return;
    }
    case 1: {
        const msgpack_object *list = md_get_array(r, "posts");
        size_t n = list ? list->via.array.size : 0;
        int64_t *ids = xcalloc(n ? n : 1, sizeof *ids);
        for (size_t k = 0; k < n; k++)
            ids[k] = md_get_int(&list->via.array.ptr[k], "id", 0);
        ld_set_posts(v, ids, n);
        free(ids);
        return;
    }
    case 2: {
        if (i >= ld->nposts || ld->posts[i].id) return;
        struct md_post p;
        if (!md_post_decode(r, &p)) return;
        ld->posts[i] = p;
        return;
    }
    case 3:
        if (i < ld->nposts) ld_add_decisions(ld, ld->ids[i], md_get_array(r, "history"));
        return;
    default:
        return;
    }
}

static void detail_reload(struct view *v)
{
    struct app *a = v->app;
    struct link_screen *ld = view_state(v, &view_link);
    ld_clear(ld);
    ld->gen++;
    ld->loading = true;
    ld->gone = false;
    msgpack_packer *pk = conn_begin(a->conn, "link.list");
    msgpack_pack_map(pk, 1);
    gl_pack_kv_int(pk, "profile", ld->profile);
    conn_send(a->conn, on_ld, v, ld_tag(ld, 0, 0));
}

void view_link_open(struct app *a, int64_t id, int64_t profile)
{
    struct view *v = app_view(a, VIEW_LINK);
    struct link_screen *ld = view_state(v, &view_link);
    ld_clear(ld);
    ld->links = app_view(a, VIEW_LINKS);
    ld->id = id;
    ld->profile = profile ? profile : a->profile_id;
    ld->scroll = 0;
    app_push(a, v);
}

static void ld_enter(struct view *v)
{
    detail_reload(v);
}

/* Lines written top to bottom, skipping the scrolled-off ones. */
struct ld_pen {
    WINDOW *w;
    int y, rows, cols, skip, line;
};

static void ld_put(struct ld_pen *p, const char *text, attr_t attr)
{
    int n = ui_wrap(NULL, 0, 0, p->cols - 2, 100, 0, text, attr);
    if (n < 1) n = 1;
    for (int i = 0; i < n; i++, p->line++) {
        int row = p->line - p->skip;
        if (row < 0 || p->y + row >= p->rows) continue;
        ui_wrap(p->w, p->y + row, 1, p->cols - 2, 1, i, text, attr);
    }
}

static void ld_draw(struct view *v, WINDOW *w, int rows, int cols)
{
    struct app *a = v->app;
    struct link_screen *ld = view_state(v, &view_link);
    /* The URL and password the links screen was shown when it made the link. */
    const struct links_screen *lk = view_state(ld->links, &view_links);
    const struct md_profile *pr = app_profile_by_id(a, ld->profile);
    const char *zone = pr ? pr->timezone : "UTC";
    char title[200], buf[600], when[32];
    const struct md_link *l = ld->have ? &ld->link : NULL;
    if (l && l->approver[0])
        snprintf(title, sizeof title, " Link %lld: %s link for %s  %s", (long long)ld->id, l->kind,
                 l->approver, l->status);
    else
        snprintf(title, sizeof title, " Link %lld%s%s%s", (long long)ld->id, l ? ": " : "",
                 l ? l->kind : (ld->loading ? "  loading..." : ""), l ? " link" : "");
    ui_text_pad(w, 0, 0, cols, title, ui_attr(UP_TITLE) | A_REVERSE);
    if (!l) {
        if (ld->gone)
            ui_text(w, 2, 2, cols - 4, "This link is not in the profile's links.", A_BOLD);
        return;
    }
    struct ld_pen pen = {w, 1, rows, cols, ld->scroll, 0};
    fmt_day(when, sizeof when, zone, l->expires_at, "never");
    snprintf(buf, sizeof buf, "Expires: %s   %s   made by %s", when,
             l->password ? "password protected" : "no password", l->created_by);
    ld_put(&pen, buf, A_BOLD);
    fmt_day(when, sizeof when, zone, l->last_opened, "never");
    snprintf(buf, sizeof buf, "Opened %lld time%s, last: %s", (long long)l->opens,
             l->opens == 1 ? "" : "s", when);
    ld_put(&pen, buf, A_NORMAL);
    if (l->requested_at) {
        fmt_day(when, sizeof when, zone, l->requested_at, "");
        if (request_open(l))
            snprintf(buf, sizeof buf,
                     "%s asked for a new link on %s: r gives a new URL, e extends it",
                     l->approver[0] ? l->approver : "A visitor", when);
        else
            snprintf(buf, sizeof buf, "A new link was asked for on %s (answered)", when);
        ld_put(&pen, buf, request_open(l) ? ui_attr(UP_ERR) : ui_attr(UP_DIM));
    }
    const struct known_url *k = url_for(lk, l->id);
    if (k) {
        char *u = xasprintf("URL: %s", k->url);
        ld_put(&pen, u, ui_attr(UP_OK));
        free(u);
    }
    ld_put(&pen, "", A_NORMAL);
    if (!l->nposts && strcmp(l->kind, "calendar") == 0) {
        ld_put(&pen, "Covers the profile's calendar (no decisions are made through it).",
               ui_attr(UP_DIM));
    } else {
        snprintf(buf, sizeof buf, "Posts (%zu)%s", ld->nposts,
                 l->nposts ? "" : ": every post awaiting approval");
        ld_put(&pen, buf, A_BOLD | A_UNDERLINE);
        for (size_t i = 0; i < ld->nposts; i++) {
            const struct md_post *p = &ld->posts[i];
            if (!p->id) {
                snprintf(buf, sizeof buf, "%5lld  ...", (long long)ld->ids[i]);
                ld_put(&pen, buf, ui_attr(UP_DIM));
                continue;
            }
            snprintf(buf, sizeof buf, "%5lld %c %-20s ", (long long)p->id,
                     md_status_mark(p->status), words_status(p->status));
            char *line = xasprintf("%s%s", buf, p->caption);
            /* One line per post: the caption is cut by display width. */
            int row = pen.line - pen.skip;
            if (row >= 0 && pen.y + row < rows)
                ui_text(w, pen.y + row, 1, cols - 2, line, ui_status_attr(p->status));
            pen.line++;
            free(line);
        }
    }
    ld_put(&pen, "", A_NORMAL);
    snprintf(buf, sizeof buf, "Decisions through this link (%zu)", ld->ndec);
    ld_put(&pen, buf, A_BOLD | A_UNDERLINE);
    if (!ld->ndec) ld_put(&pen, "none yet", ui_attr(UP_DIM));
    for (size_t i = 0; i < ld->ndec; i++) {
        const struct decision *d = &ld->dec[i];
        ui_fmt_datetime(when, sizeof when, zone, d->at);
        char *line = xasprintf("%s %s %s post %lld%s%s", when, d->actor, words_history(d->type),
                               (long long)d->post, d->note[0] ? ": " : "", d->note);
        ld_put(&pen, line, A_NORMAL);
        free(line);
    }
}

static bool ld_key(struct view *v, enum action act)
{
    struct app *a = v->app;
    struct link_screen *ld = view_state(v, &view_link);
    switch (act) {
    case ACT_DOWN:
    case ACT_PAGE_DOWN:
        ld->scroll += act == ACT_DOWN ? 1 : 5;
        break;
    case ACT_UP:
    case ACT_PAGE_UP:
        ld->scroll -= act == ACT_UP ? 1 : 5;
        if (ld->scroll < 0) ld->scroll = 0;
        break;
    case ACT_TOP:
        ld->scroll = 0;
        break;
    case ACT_LINK_NEW:
    case ACT_LINK_OPEN:
        return true;
    default:
        /* The links screen's: it knows the URLs it was shown, and follows the answers. */
        return link_act(ld->links, act, ld->have ? &ld->link : NULL);
    }
    app_dirty(a, DIRTY_MAIN);
    return true;
}

static void ld_event(struct view *v, const struct md_event *e)
{
    struct app *a = v->app;
    struct link_screen *ld = view_state(v, &view_link);
    if (e->link == ld->id) app_want_reload(a, KM_LINKS);
    for (size_t i = 0; i < ld->nposts; i++)
        if (e->post && ld->posts[i].id == e->post) app_want_reload(a, KM_LINKS);
}

static void ld_free(struct view *v)
{
    struct link_screen *ld = view_state(v, &view_link);
    ld_clear(ld);
}

const struct view_ops view_link = {
    .name = "link",
    .keymap = KM_LINKS | KM_LIST,
    .state_size = sizeof(struct link_screen),
    .enter = ld_enter,
    .draw = ld_draw,
    .key = ld_key,
    .reload = detail_reload,
    .event = ld_event,
    .free = ld_free,
};
