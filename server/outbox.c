/* The outbox pattern shared by mail and webhooks (see outbox.h). */
#include "outbox.h"

#include <stddef.h>

static void on_timer(uv_timer_t *h)
{
    struct gl_outbox *ob = h->data;
    ob->scan(ob);
}

void gl_outbox_start(struct gl_outbox *ob, uv_loop_t *loop, void (*scan)(struct gl_outbox *ob),
                     bool scan_now)
{
    uv_timer_init(loop, &ob->timer);
    ob->timer.data = ob;
    ob->scan = scan;
    ob->running = true;
    if (scan_now) gl_outbox_schedule(ob, 0);
}

void gl_outbox_stop(struct gl_outbox *ob)
{
    if (!ob->running) return;
    ob->running = false;
    uv_close((uv_handle_t *)&ob->timer, NULL);
}

void gl_outbox_schedule(struct gl_outbox *ob, uint64_t delay_ms)
{
    if (!ob->running) return;
    if (uv_is_active((uv_handle_t *)&ob->timer) && uv_timer_get_due_in(&ob->timer) <= delay_ms)
        return;
    uv_timer_start(&ob->timer, on_timer, delay_ms, 0);
}

void gl_outbox_track(struct gl_outbox *ob, struct gl_outbox_attempt *a, uint64_t id)
{
    a->id = id;
    a->next = ob->attempts;
    ob->attempts = a;
}

void gl_outbox_untrack(struct gl_outbox *ob, struct gl_outbox_attempt *a)
{
    for (struct gl_outbox_attempt **p = &ob->attempts; *p; p = &(*p)->next)
        if (*p == a) {
            *p = a->next;
            return;
        }
}

bool gl_outbox_attempting(const struct gl_outbox *ob, uint64_t id)
{
    for (const struct gl_outbox_attempt *a = ob->attempts; a; a = a->next)
        if (a->id == id) return true;
    return false;
}

bool gl_outbox_retry_at(int64_t first_ms, uint32_t attempts, int64_t created_ms, int64_t now,
                        int64_t *next_ms)
{
    int64_t delay = first_ms;
    for (uint32_t i = 1; i < attempts && delay < GL_OUTBOX_RETRY_MAX_MS; i++)
        delay *= 2;
    if (delay > GL_OUTBOX_RETRY_MAX_MS) delay = GL_OUTBOX_RETRY_MAX_MS;
    if (now + delay > created_ms + GL_OUTBOX_RETRY_WINDOW_MS) return false;
    *next_ms = now + delay;
    return true;
}
