/* Publishing scheduled posts at their time (see publish.h). */
#include "publish.h"

#include <string.h>

#include "log.h"
#include "util.h"
#include "workflow.h"
#include "xmalloc.h"

/* Posts published by one write, so a backlog after downtime does not stall the loop. */
#define PUBLISH_PER_BATCH 200

static bool publishing; /* a publishing write is in the batch */

/* The earliest scheduled time, or GL_TIME_NONE. */
static int64_t next_due(void)
{
    struct gl_txn t;
    int64_t at = GL_TIME_NONE;
    if (gl_store_read_begin(&gl_srv->store, &t)) return at;
    struct gl_key lo, hi;
    key_post_status(&lo, ST_SCHEDULED, INT64_MIN, 0);
    key_post_status(&hi, ST_SCHEDULED + 1, INT64_MIN, 0);
    struct gl_range r;
    if (gl_range_open(&t, DB_POSTS_BY_STATUS, &lo, &hi, &r) == 0) {
        MDB_val k, v;
        if (gl_range_next(&r, &k, &v)) {
            unsigned st;
            uint64_t id;
            key_post_status_decode(k.mv_data, k.mv_size, &st, &at, &id);
        }
        gl_range_close(&r);
    }
    gl_store_read_end(&t);
    return at;
}

static int publish_run(struct gl_op *op, struct gl_txn *t)
{
    msgpack_zone zone;
    msgpack_zone_init(&zone, 4096);
    struct gl_actor system = {.name = "greenlightd", .kind = ACTOR_SYSTEM};
    struct gl_wf wf = {.t = t, .op = op, .zone = &zone, .actor = &system, .now = gl_now()};
    struct gl_key lo, hi;
    key_post_status(&lo, ST_SCHEDULED, INT64_MIN, 0);
    key_post_status(&hi, ST_SCHEDULED, wf.now + 1, 0);
    uint64_t ids[PUBLISH_PER_BATCH];
    size_t n = 0;
    struct gl_range r;
    if (gl_range_open(t, DB_POSTS_BY_STATUS, &lo, &hi, &r) == 0) {
        MDB_val k, v;
        while (n < PUBLISH_PER_BATCH && gl_range_next(&r, &k, &v)) {
            unsigned st;
            int64_t at;
            key_post_status_decode(k.mv_data, k.mv_size, &st, &at, &ids[n++]);
        }
        gl_range_close(&r);
    }
    for (size_t i = 0; i < n; i++) {
        struct gl_post p;
        struct gl_err err = {0};
        if (wf_post_load(&wf, ids[i], &p, &err) == 0 && wf_publish(&wf, &p, &err) == 0)
            log_info("publish: published post=%llu", (unsigned long long)p.id);
    }
    msgpack_zone_destroy(&zone);
    return 0;
}

static void publish_done(struct gl_op *op)
{
    publishing = false;
    if (op->err.code) log_error("publish: failed error=\"%s\"", op->err.message);
    gl_op_destroy(op);
    free(op);
}

static void on_timer(uv_timer_t *h)
{
    (void)h;
    if (publishing || gl_srv->stopping) return;
    publishing = true;
    struct gl_op *op = xmalloc(sizeof *op);
    gl_op_init(op, publish_run, publish_done);
    gl_batch_submit(&gl_srv->batch, op);
}

void gl_publish_rearm(void)
{
    if (gl_srv->stopping || publishing) return;
    int64_t at = next_due();
    if (at == GL_TIME_NONE) {
        uv_timer_stop(&gl_srv->publish_timer);
        return;
    }
    /* Wake just after the second the post is due, so it is due when the write runs; a post
     * due in the past is published now. */
    int64_t delay = at * 1000 + 5 - gl_now_ms();
    uint64_t ms = delay <= 0 ? 0 : (uint64_t)delay;
    uv_timer_start(&gl_srv->publish_timer, on_timer, ms, 0);
}

void gl_publish_start(struct gl_server *srv)
{
    uv_timer_init(srv->loop, &srv->publish_timer);
    gl_publish_rearm();
}

void gl_publish_stop(struct gl_server *srv)
{
    uv_timer_stop(&srv->publish_timer);
    uv_close((uv_handle_t *)&srv->publish_timer, NULL);
}
