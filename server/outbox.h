/* What the mail outbox (mailout.c) and the webhook outbox (webhook_send.c) share: items written
 * in the event's transaction and sent after the commit, each attempt's outcome recorded by a
 * write of its own; a failed one retried after a first delay, doubling, at most an hour apart,
 * for 24 hours after the item was made, then given up. What is due is found by a scan on a
 * timer; an item being attempted is not picked again; a scan at start sends what was waiting
 * when the daemon stopped or died. An attempt's life (begun, its outcome written, released) is
 * this module's; how an item is stored, found, sent and its outcome recorded is each one's own. */
#ifndef GL_OUTBOX_H
#define GL_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "batch.h"

#define GL_OUTBOX_RETRY_MAX_MS 3600000             /* retries at most an hour apart */
#define GL_OUTBOX_RETRY_WINDOW_MS (24 * 3600000LL) /* and for 24 hours */

/* One item being attempted, embedded in the sender's own attempt (gl_container_of finds it):
 * from gl_outbox_begin until its outcome is recorded, or the outbox stops first. */
struct gl_outbox_attempt {
    uint64_t id;
    struct gl_outbox *ob;
    struct gl_outbox_attempt *next;
    struct gl_op op; /* the write that records the outcome */
};

struct gl_outbox {
    /* The sender's, set before gl_outbox_start: */
    const char *name;      /* the log's word for the outbox: "mail", "webhook" */
    const char *item_word; /* the log's word for an item's id: "id", "delivery" */
    unsigned max_in_flight;
    struct gl_batch *batch; /* where outcomes are written */
    /* Writes a's outcome in t: the run of its write (gl_op_run_fn). */
    int (*record)(struct gl_outbox_attempt *a, struct gl_txn *t);
    /* After the write committed (may be NULL). */
    void (*recorded)(struct gl_outbox_attempt *a);
    /* Frees the sender's attempt around a, recorded or not. */
    void (*release)(struct gl_outbox_attempt *a);
    /* This module's: */
    void (*scan)(struct gl_outbox *ob); /* given to gl_outbox_start */
    uv_timer_t timer;
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

/* An attempt at item id begins: counted in flight, and no scan picks the item again until
 * the attempt is released. */
void gl_outbox_begin(struct gl_outbox *ob, struct gl_outbox_attempt *a, uint64_t id);
/* Its sending is over: its outcome is written by a write of its own (ob->record), then it is
 * released and the outbox scanned again (a second later when the store failed). Once the
 * outbox is stopped it is released unrecorded: still due, it is sent again at the next start. */
void gl_outbox_finished(struct gl_outbox_attempt *a);
/* Whether every slot is taken once picked more attempts begin. */
bool gl_outbox_full(const struct gl_outbox *ob, size_t picked);
bool gl_outbox_attempting(const struct gl_outbox *ob, uint64_t id);
/* After a scan: wakes for the next item due at next_ms (INT64_MAX: none), unless every slot is
 * taken (each outcome scans again). */
void gl_outbox_scanned(struct gl_outbox *ob, int64_t next_ms, int64_t now);

/* After the attempts-th failed attempt (counting it) of an item made at created_ms: sets
 * *next_ms to when to try again and returns true, or returns false when that is past the
 * 24 hours: give up. first_ms is the delay after the first failure. */
bool gl_outbox_retry_at(int64_t first_ms, uint32_t attempts, int64_t created_ms, int64_t now,
                        int64_t *next_ms);

#endif
