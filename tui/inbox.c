/* The notifications: the stored list (notify.list) the notifications screen shows and the unread
 * count on the status line, marking them read, and the events the daemon pushes (inbox.h). */
#include "inbox.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "rpc.h"
#include "xmalloc.h"

static void on_notifications(void *ud, uint64_t tag, const struct gl_err *err,
                             const msgpack_object *result)
{
    struct app *a = ud;
    (void)tag;
    if (err) {
        if (err->code != GL_E_UNAVAILABLE) app_rpc_error(a, "notifications", err);
        return;
    }
    for (size_t i = 0; i < a->nevents; i++)
        md_event_free(&a->events[i]);
    free(a->events);
    a->events = NULL;
    a->nevents = 0;
    const msgpack_object *list = md_get_array(result, "notifications");
    size_t n = list ? list->via.array.size : 0;
    if (n) a->events = xcalloc(n, sizeof *a->events);
    /* The daemon sends newest first; the list here keeps the newest last. */
    for (size_t i = n; i-- > 0;)
        if (md_event_decode(&list->via.array.ptr[i], &a->events[a->nevents])) a->nevents++;
    a->unread = (size_t)md_get_int(result, "unread", 0);
    if (a->t_login && !a->notify_timed) a->notify_timed = a->notify_pending = true;
    app_dirty(a, DIRTY_ALL);
}

void app_reload_notifications(struct app *a)
{
    conn_call0(a->conn, "notify.list", on_notifications, a, 0);
}

static void on_marked(void *ud, uint64_t tag, const struct gl_err *err, const msgpack_object *r)
{
    struct app *a = ud;
    (void)tag;
    (void)r;
    if (err) app_rpc_error(a, "not marked read", err);
    app_reload_notifications(a);
}

void app_mark_read(struct app *a, const int64_t *ids, size_t n)
{
    if (!n) return;
    msgpack_packer *pk = conn_begin(a->conn, "notify.read");
    msgpack_pack_map(pk, 1);
    gl_pack_key(pk, "ids");
    msgpack_pack_array(pk, n);
    for (size_t i = 0; i < n; i++)
        msgpack_pack_int64(pk, ids[i]);
    conn_send(a->conn, on_marked, a, 0);
}

void inbox_on_notify(void *ud, const char *method, size_t len, const msgpack_object *params)
{
    struct app *a = ud;
    if (len != 5 || memcmp(method, "event", 5) != 0) return;
    struct md_event e;
    if (!md_event_decode(params, &e)) return;
    /* What one does oneself is no news: the screens follow it, the message line stays. */
    bool mine = a->user && strcmp(e.actor, a->user) == 0;
    if (!mine) app_msg(a, false, "* %s", e.text[0] ? e.text : e.type);
    app_tell_views(a, &e);
    md_event_free(&e);
    /* The stored list (notify.list) is the one shown: it has what the daemon kept for us.
     * Fetched once per loop iteration however many events came (a bulk approval sends many). */
    if (!mine) a->notify_wanted = true;
    app_dirty(a, DIRTY_ALL);
}

void inbox_free(struct app *a)
{
    for (size_t i = 0; i < a->nevents; i++)
        md_event_free(&a->events[i]);
    free(a->events);
}
