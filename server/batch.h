/* Group commit: every write of one loop iteration runs in its own nested transaction inside
 * one batch transaction, which commits once before the loop sleeps. Nobody is answered before
 * that commit, so an acknowledged write survives kill -9, and 32 writers share one fsync. */
#ifndef GL_BATCH_H
#define GL_BATCH_H

#include <msgpack.h>
#include <stdbool.h>
#include <uv.h>

#include "rpc.h"
#include "store.h"

struct gl_op;
/* Does the work inside t; returns 0, or -1 with op->err set (nothing it wrote is kept).
 * May run more than once (after the map grows), so it depends only on the store and its input. */
typedef int (*gl_op_run_fn)(struct gl_op *op, struct gl_txn *t);
/* Called once, after the commit (op->err.code == GL_OK) or the failure. */
typedef void (*gl_op_done_fn)(struct gl_op *op);

/* One write. Owned by whoever submits it, typically embedded in a request; the batch only
 * links it in until done() is called. */
struct gl_op {
    gl_op_run_fn run;
    gl_op_done_fn done;
    struct gl_err err;
    msgpack_sbuffer reply;  /* what run() packs for the requester */
    msgpack_sbuffer events; /* notification frames to broadcast after the commit */
    msgpack_sbuffer outbox; /* mail to send after the commit: msgpack [to, subject, body]s */
    struct gl_op *next;
};

void gl_op_init(struct gl_op *op, gl_op_run_fn run, gl_op_done_fn done);
void gl_op_destroy(struct gl_op *op);

#define GL_BATCH_SIZE_BUCKETS 8

struct gl_batch {
    struct gl_store *store;
    MDB_txn *txn; /* the open batch, or NULL */
    struct gl_op *head;
    struct gl_op **tail;
    unsigned count;
    uv_prepare_t prepare;
    uv_idle_t idle; /* keeps the loop from sleeping while a batch is open */
    /* Called after each successful commit with the op, to broadcast its events. */
    void (*committed)(struct gl_op *op);
    /* Called once after each commit (e.g. to re-arm the publishing timer). */
    void (*after_commit)(void);
    uint64_t commits, ops_committed;
    /* Commits by how many writes they carried: [i] counts sizes in [2^i, 2^(i+1)), the last
     * bucket everything larger; logged at close ("store: batches ..."). */
    uint64_t size_hist[GL_BATCH_SIZE_BUCKETS];
    unsigned largest;
    bool closed; /* after gl_batch_close, writes are refused */
    bool failing; /* the last batch failed: logged once, until a commit succeeds again */
};

void gl_batch_init(struct gl_batch *b, uv_loop_t *loop, struct gl_store *store);
/* Runs op now; its done() comes after the commit, or at once when it fails. */
void gl_batch_submit(struct gl_batch *b, struct gl_op *op);
/* Commits what is pending now (the prepare hook and shutdown use it). */
void gl_batch_commit(struct gl_batch *b);
void gl_batch_close(struct gl_batch *b);

#endif
