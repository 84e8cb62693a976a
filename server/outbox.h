/* What the mail outbox (mailout.c) and the webhook outbox (webhook_send.c) share: items written
 * in the event's transaction and sent after the commit, each attempt's outcome recorded by a
 * write of its own; a failed one retried after a first delay, doubling, at most an hour apart,
 * for 24 hours after the item was made, then given up. What is due is found by a scan on a
 * timer; an item being attempted is not picked again; a scan at start sends what was waiting
 * when the daemon stopped or died. How an item is stored, found and sent is each one's own. */
#ifndef GL_OUTBOX_H
#define GL_OUTBOX_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#define GL_OUTBOX_RETRY_MAX_MS 3600000             /* retries at most an hour apart */
#define GL_OUTBOX_RETRY_WINDOW_MS (24 * 3600000LL) /* and for 24 hours */

/* One item being attempted, embedded in the sender's own attempt. */
struct gl_outbox_attempt {
    uint64_t id;
    struct gl_outbox_attempt *next;
};

struct gl_outbox {
    uv_timer_t timer;
    void (*scan)(struct gl_outbox *ob);
    struct gl_outbox_attempt *attempts;
    unsigned in_flight; /* attempts whose sending has not finished */
    bool running;
};

/* Starts the timer; scans at once when scan_now (what was waiting at the last stop). */
void gl_outbox_start(struct gl_outbox *ob, uv_loop_t *loop, void (*scan)(struct gl_outbox *ob),
                     bool scan_now);
void gl_outbox_stop(struct gl_outbox *ob);
/* Scans after delay_ms unless a scan is already due sooner. */
void gl_outbox_schedule(struct gl_outbox *ob, uint64_t delay_ms);

void gl_outbox_track(struct gl_outbox *ob, struct gl_outbox_attempt *a, uint64_t id);
void gl_outbox_untrack(struct gl_outbox *ob, struct gl_outbox_attempt *a);
bool gl_outbox_attempting(const struct gl_outbox *ob, uint64_t id);

/* After the attempts-th failed attempt (counting it) of an item made at created_ms: sets
 * *next_ms to when to try again and returns true, or returns false when that is past the
 * 24 hours: give up. first_ms is the delay after the first failure. */
bool gl_outbox_retry_at(int64_t first_ms, uint32_t attempts, int64_t created_ms, int64_t now,
                        int64_t *next_ms);

#endif
