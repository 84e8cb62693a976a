/* The webhooks screen (admins): each endpoint with its URL, events, status and last delivery;
 * add one (its secret is shown once and copied with OSC 52), delete, pause or resume, and send
 * its latest undelivered (or latest) delivery again. */
#include "app.h"
#include "ui.h"
#include "words.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

#define DEFAULT_EVENTS "post.submitted,post.approved,post.rejected,post.published,post.failed"

struct endpoint {
    int64_t id;
    char *url, *events, *status, *last_error;
    int64_t failures, last_at, last_code;
};

struct webhooks_screen {
    struct endpoint *v;
    size_t n, sel, top;
    unsigned gen;
    bool loaded;
    char url[2100];  /* the URL typed, while the events are asked */
    char secret[64]; /* the secret of the endpoint just made, shown once */
};

static void free_list(struct webhooks_screen *wh)
{
    for (size_t i = 0; i < wh->n; i++) {
        free(wh->v[i].url);
        free(wh->v[i].events);
        free(wh->v[i].status);
        free(wh->v[i].last_error);
    }
    free(wh->v);
    wh->v = NULL;
    wh->n = 0;
}

static const struct endpoint *selected(const struct webhooks_screen *wh)
{
    return wh->sel < wh->n ? &wh->v[wh->sel] : NULL;
}

static bool is_admin(struct app *a)
{
    return words_role_parse(a->role) >= ROLE_ADMIN;
}

/* The events array joined with commas (the caller frees). */
static char *join_events(const msgpack_object *arr)
{
    size_t cap = 1, n = 0;
    for (uint32_t i = 0; arr && i < arr->via.array.size; i++)
        if (arr->via.array.ptr[i].type == MSGPACK_OBJECT_STR)
            cap += arr->via.array.ptr[i].via.str.size + 1;
    char *s = xmalloc(cap);
    for (uint32_t i = 0; arr && i < arr->via.array.size; i++) {
        const msgpack_object *o = &arr->via.array.ptr[i];
        if (o->type != MSGPACK_OBJECT_STR) continue;
        if (n) s[n++] = ',';
        memcpy(s + n, o->via.str.ptr, o->via.str.size);
        n += o->via.str.size;
    }
    s[n] = '\0';
    return s;
}

static void on_list(void *ud, uint64_t tag, const struct gl_err *err, const msgpack_object *r)
{
    struct view *v = ud;
    struct app *a = v->app;
    struct webhooks_screen *wh = view_state(v, &view_webhooks);
    if ((unsigned)tag != wh->gen) return;
    app_dirty(a, DIRTY_MAIN);
    if (err) {
        app_rpc_error(a, "webhooks", err);
        return;
    }
    free_list(wh);
    wh->loaded = true;
    const msgpack_object *list = md_get_array(r, "webhooks");
    if (list && list->via.array.size) {
        wh->v = xcalloc(list->via.array.size, sizeof *wh->v);
        for (uint32_t i = 0; i < list->via.array.size; i++) {
            const msgpack_object *o = &list->via.array.ptr[i];
            struct endpoint *e = &wh->v[wh->n++];
            e->id = md_get_int(o, "id", 0);
            e->url = md_get_str(o, "url");
            if (!e->url) e->url = xstrdup("");
            e->events = join_events(md_get_array(o, "events"));
            e->status = md_get_str(o, "status");
            if (!e->status) e->status = xstrdup("");
            e->last_error = md_get_str(o, "last_error");
            e->failures = md_get_int(o, "failures", 0);
            e->last_at = md_get_int(o, "last_at", 0);
            e->last_code = md_get_int(o, "last_code", 0);
        }
    }
    if (wh->sel >= wh->n) wh->sel = wh->n ? wh->n - 1 : 0;
}

static void reload(struct view *v)
{
    struct app *a = v->app;
    struct webhooks_screen *wh = view_state(v, &view_webhooks);
    wh->gen++;
    if (!is_admin(a)) {
        free_list(wh);
        wh->loaded = true;
        app_dirty(a, DIRTY_MAIN);
        return;
    }
    conn_call0(a->conn, "webhook.list", on_list, v, wh->gen);
}

static void webhooks_reload(struct view *v)
{
    reload(v);
}

static void webhooks_enter(struct view *v)
{
    struct webhooks_screen *wh = view_state(v, &view_webhooks);
    wh->sel = wh->top = 0;
    reload(v);
}

static void webhooks_draw(struct view *v, WINDOW *w, int rows, int cols)
{
    struct app *a = v->app;
    struct webhooks_screen *wh = view_state(v, &view_webhooks);
    char title[200];
    snprintf(title, sizeof title,
             " Webhooks: %zu endpoint%s (n add, x delete, s pause/resume, r redeliver)", wh->n,
             wh->n == 1 ? "" : "s");
    ui_text_pad(w, 0, 0, cols, title, ui_attr(UP_TITLE) | A_REVERSE);
    if (!is_admin(a)) {
        ui_text(w, 2, 2, cols - 4, "Only admins configure webhooks.", ui_attr(UP_DIM));
        return;
    }
    if (!wh->loaded) {
        ui_text(w, 2, 2, cols - 4, "loading…", ui_attr(UP_DIM));
        return;
    }
    if (!wh->n) {
        ui_text(w, 2, 2, cols - 4,
                "No endpoints. n adds one: events are then sent, signed, to its URL.",
                ui_attr(UP_DIM));
        return;
    }
    /* Two lines per endpoint: the URL and status, then events and the last delivery. */
    int per = 2, h = (rows - 1) / per;
    if (h < 1) h = 1;
    if (wh->sel < wh->top) wh->top = wh->sel;
    if (wh->sel >= wh->top + (size_t)h) wh->top = wh->sel - (size_t)h + 1;
    const struct md_profile *p = app_profile(a);
    for (int r = 0; r < h; r++) {
        size_t i = wh->top + (size_t)r;
        if (i >= wh->n) break;
        const struct endpoint *e = &wh->v[i];
        bool s = i == wh->sel, paused = strcmp(e->status, "paused") == 0;
        char line[2300], last[400];
        snprintf(line, sizeof line, "%-6s %s", paused ? "PAUSED" : "active", e->url);
        ui_text_pad(w, 1 + r * per, 0, cols, line,
                    s ? ui_attr(UP_SEL) : (paused ? A_BOLD : A_NORMAL));
        if (e->last_at) {
            char when[32];
            ui_fmt_datetime(when, sizeof when, p ? p->timezone : "UTC", e->last_at / 1000);
            if (e->last_code)
                snprintf(last, sizeof last, "last %s: HTTP %lld", when + 5,
                         (long long)e->last_code);
            else
                snprintf(last, sizeof last, "last %s: %s", when + 5,
                         e->last_error ? e->last_error : "no answer");
        } else {
            snprintf(last, sizeof last, "nothing sent yet");
        }
        if (e->failures) {
            size_t k = strlen(last);
            snprintf(last + k, sizeof last - k, ", %lld failed in a row", (long long)e->failures);
        }
        snprintf(line, sizeof line, "       %s  |  %s", e->events, last);
        ui_text_pad(w, 2 + r * per, 0, cols, line, ui_attr(UP_DIM));
    }
}

/* ---- actions ---- */

static void on_changed(void *ud, uint64_t tag, const struct gl_err *err, const msgpack_object *r)
{
    (void)r;
    struct view *v = ud;
    struct app *a = v->app;
    if (err) {
        app_rpc_error(a, "webhook", err);
        return;
    }
    app_msg(a, false, "%s", tag == 1 ? "deleted" : tag == 2 ? "updated" : "sent again");
    reload(v);
}

static void on_created(void *ud, uint64_t tag, const struct gl_err *err, const msgpack_object *r)
{
    (void)tag;
    struct view *v = ud;
    struct app *a = v->app;
    struct webhooks_screen *wh = view_state(v, &view_webhooks);
    if (err) {
        app_rpc_error(a, "new webhook", err);
        return;
    }
    char *secret = md_get_str(r, "secret");
    snprintf(wh->secret, sizeof wh->secret, "%s", secret ? secret : "");
    free(secret);
    app_clipboard(a, wh->secret);
    app_msg(a, false, "secret: %s (copied; shown once, y copies again)", wh->secret);
    reload(v);
}

static void on_events(void *ud, const char *text, uint64_t tag)
{
    struct view *v = ud;
    struct app *a = v->app;
    struct webhooks_screen *wh = view_state(v, &view_webhooks);
    (void)tag;
    if (!text) return;
    msgpack_packer *pk = conn_begin(a->conn, "webhook.create");
    msgpack_pack_map(pk, 2);
    gl_pack_kv_str(pk, "url", wh->url);
    md_pack_words(pk, "events", text, 32); /* "a, b,c" -> ["a", "b", "c"] */
    conn_send(a->conn, on_created, v, 0);
}

static void on_url(void *ud, const char *text, uint64_t tag)
{
    struct view *v = ud;
    struct app *a = v->app;
    struct webhooks_screen *wh = view_state(v, &view_webhooks);
    (void)tag;
    if (!text || !text[0]) return;
    snprintf(wh->url, sizeof wh->url, "%s", text);
    app_prompt(a, "Events (comma-separated): ", DEFAULT_EVENTS, false, on_events, v, 0);
}

static void on_delete_confirmed(void *ud, const char *text, uint64_t id)
{
    struct view *v = ud;
    struct app *a = v->app;
    if (!text) return;
    msgpack_packer *pk = conn_begin(a->conn, "webhook.delete");
    msgpack_pack_map(pk, 1);
    gl_pack_str(pk, "id");
    msgpack_pack_int64(pk, (int64_t)id);
    conn_send(a->conn, on_changed, v, 1);
}

static void toggle_pause(struct view *v, const struct endpoint *e)
{
    struct app *a = v->app;
    msgpack_packer *pk = conn_begin(a->conn, "webhook.update");
    msgpack_pack_map(pk, 2);
    gl_pack_str(pk, "id");
    msgpack_pack_int64(pk, e->id);
    gl_pack_str(pk, "paused");
    if (strcmp(e->status, "paused") == 0)
        msgpack_pack_false(pk);
    else
        msgpack_pack_true(pk);
    conn_send(a->conn, on_changed, v, 2);
}

/* The newest delivery not delivered, else the newest: what an admin means by "send it again". */
static void on_deliveries(void *ud, uint64_t tag, const struct gl_err *err, const msgpack_object *r)
{
    (void)tag;
    struct view *v = ud;
    struct app *a = v->app;
    if (err) {
        app_rpc_error(a, "deliveries", err);
        return;
    }
    const msgpack_object *list = md_get_array(r, "deliveries");
    if (!list || !list->via.array.size) {
        app_msg(a, false, "nothing was sent to this endpoint yet");
        return;
    }
    int64_t pick = md_get_int(&list->via.array.ptr[0], "id", 0);
    for (uint32_t i = 0; i < list->via.array.size; i++) {
        char *st = md_get_str(&list->via.array.ptr[i], "status");
        bool undelivered = st && strcmp(st, "delivered") != 0;
        free(st);
        if (undelivered) {
            pick = md_get_int(&list->via.array.ptr[i], "id", 0);
            break;
        }
    }
    msgpack_packer *pk = conn_begin(a->conn, "webhook.redeliver");
    msgpack_pack_map(pk, 1);
    gl_pack_str(pk, "delivery");
    msgpack_pack_int64(pk, pick);
    conn_send(a->conn, on_changed, v, 3);
}

static bool webhooks_key(struct view *v, enum action act)
{
    struct app *a = v->app;
    struct webhooks_screen *wh = view_state(v, &view_webhooks);
    const struct endpoint *e = selected(wh);
    switch (act) {
    case ACT_DOWN:
        if (wh->sel + 1 < wh->n) wh->sel++;
        break;
    case ACT_UP:
        if (wh->sel > 0) wh->sel--;
        break;
    case ACT_TOP:
        wh->sel = 0;
        break;
    case ACT_BOTTOM:
        if (wh->n) wh->sel = wh->n - 1;
        break;
    case ACT_WEBHOOK_NEW:
        if (!is_admin(a)) {
            app_msg(a, true, "only admins configure webhooks");
            return true;
        }
        app_prompt(a, "URL (https, or http to localhost): ", "", false, on_url, v, 0);
        return true;
    case ACT_DELETE:
        if (!e) return true;
        {
            char q[200];
            snprintf(q, sizeof q, "Delete webhook %lld and its deliveries? (y/n)",
                     (long long)e->id);
            app_confirm(a, q, on_delete_confirmed, v, (uint64_t)e->id);
        }
        return true;
    case ACT_WEBHOOK_PAUSE:
        if (e) toggle_pause(v, e);
        return true;
    case ACT_WEBHOOK_REDELIVER:
        if (!e) return true;
        {
            msgpack_packer *pk = conn_begin(a->conn, "webhook.deliveries");
            msgpack_pack_map(pk, 1);
            gl_pack_str(pk, "id");
            msgpack_pack_int64(pk, e->id);
            conn_send(a->conn, on_deliveries, v, 0);
        }
        return true;
    case ACT_COPY:
        if (wh->secret[0]) {
            app_clipboard(a, wh->secret);
            app_msg(a, false, "secret copied");
        } else {
            app_msg(a, false, "a secret is shown only when its endpoint is made");
        }
        return true;
    default:
        return false;
    }
    app_dirty(a, DIRTY_MAIN);
    return true;
}

static void webhooks_free(struct view *v)
{
    struct webhooks_screen *wh = view_state(v, &view_webhooks);
    free_list(wh);
    memset(wh->secret, 0, sizeof wh->secret);
}

const struct view_ops view_webhooks = {
    .name = "webhooks",
    .state_size = sizeof(struct webhooks_screen),
    .keymap = KM_WEBHOOKS | KM_LIST,
    .enter = webhooks_enter,
    .draw = webhooks_draw,
    .key = webhooks_key,
    .reload = webhooks_reload,
    .free = webhooks_free,
};
