/* The outbox pattern shared by mail and webhooks (see outbox.h). */
#include "outbox.h"

#include <stddef.h>

#include "log.h"
#include "util.h"

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

static int outcome_run(struct gl_op *op, struct gl_txn *t)
{
    struct gl_outbox_attempt *a = gl_container_of(op, struct gl_outbox_attempt, op);
    return a->ob->record(a, t);
}

static void release(struct gl_outbox_attempt *a)
{
    struct gl_outbox *ob = a->ob;
    for (struct gl_outbox_attempt **p = &ob->attempts; *p; p = &(*p)->next)
        if (*p == a) {
            *p = a->next;
            break;
        }
    gl_op_destroy(&a->op);
    ob->release(a);
}

static void outcome_done(struct gl_op *op)
{
    struct gl_outbox_attempt *a = gl_container_of(op, struct gl_outbox_attempt, op);
    struct gl_outbox *ob = a->ob;
    bool failed = op->err.code != GL_OK;
    if (failed)
        log_error("%s: outcome not recorded %s=%llu error=\"%s\"", ob->name, ob->item_word,
                  (unsigned long long)a->id, op->err.message);
    else if (ob->recorded)
        ob->recorded(a);
    release(a);
    /* A store that failed is not asked again at once. */
    gl_outbox_schedule(ob, failed ? 1000 : 0);
}

void gl_outbox_begin(struct gl_outbox *ob, struct gl_outbox_attempt *a, uint64_t id)
{
    a->id = id;
    a->ob = ob;
    gl_op_init(&a->op, outcome_run, outcome_done);
    a->next = ob->attempts;
    ob->attempts = a;
    ob->in_flight++;
}

void gl_outbox_finished(struct gl_outbox_attempt *a)
{
    struct gl_outbox *ob = a->ob;
    ob->in_flight--;
    if (!ob->running) {
        release(a);
        return;
    }
    gl_batch_submit(ob->batch, &a->op);
}

bool gl_outbox_full(const struct gl_outbox *ob, size_t picked)
{
    return ob->in_flight + picked >= ob->max_in_flight;
}

bool gl_outbox_attempting(const struct gl_outbox *ob, uint64_t id)
{
    for (const struct gl_outbox_attempt *a = ob->attempts; a; a = a->next)
        if (a->id == id) return true;
    return false;
}

void gl_outbox_scanned(struct gl_outbox *ob, int64_t next_ms, int64_t now)
{
    if (next_ms == INT64_MAX || gl_outbox_full(ob, 0)) return;
    gl_outbox_schedule(ob, next_ms > now ? (uint64_t)(next_ms - now) : 0);
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
