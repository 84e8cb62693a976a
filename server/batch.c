/* Group commit of writes (see batch.h). */
#include "batch.h"

#include <stdio.h>
#include <string.h>

#include "log.h"

void gl_op_init(struct gl_op *op, gl_op_run_fn run, gl_op_done_fn done)
{
    memset(op, 0, sizeof *op);
    op->run = run;
    op->done = done;
    msgpack_sbuffer_init(&op->reply);
    msgpack_sbuffer_init(&op->events);
    msgpack_sbuffer_init(&op->outbox);
}

void gl_op_destroy(struct gl_op *op)
{
    msgpack_sbuffer_destroy(&op->reply);
    msgpack_sbuffer_destroy(&op->events);
    msgpack_sbuffer_destroy(&op->outbox);
}

static void on_prepare(uv_prepare_t *h)
{
    gl_batch_commit(h->data);
}

static void on_idle(uv_idle_t *h)
{
    (void)h;
}

void gl_batch_init(struct gl_batch *b, uv_loop_t *loop, struct gl_store *store)
{
    memset(b, 0, sizeof *b);
    b->store = store;
    b->tail = &b->head;
    uv_prepare_init(loop, &b->prepare);
    b->prepare.data = b;
    uv_prepare_start(&b->prepare, on_prepare);
    uv_idle_init(loop, &b->idle);
}

static void fail_op(struct gl_op *op, int rc)
{
    gl_store_write_error(rc, &op->err);
    op->reply.size = 0;
    op->events.size = 0;
    op->outbox.size = 0;
    op->done(op);
}

/* Runs op in a child of the batch transaction. Returns 0 (kept), 1 (refused by the op, child
 * aborted) or an LMDB error (child aborted; the batch may be unusable). */
static int run_child(struct gl_batch *b, struct gl_op *op)
{
    struct gl_txn t = {.store = b->store};
    op->reply.size = 0;
    op->events.size = 0;
    op->outbox.size = 0;
    op->err.code = GL_OK;
    t.rc = mdb_txn_begin(b->store->env, b->txn, 0, &t.txn);
    if (t.rc) return t.rc;
    int r = op->run(op, &t);
    if (t.rc) {
        mdb_txn_abort(t.txn);
        return t.rc;
    }
    if (r != 0) {
        mdb_txn_abort(t.txn);
        if (op->err.code == GL_OK) gl_err_set(&op->err, GL_E_INTERNAL, "operation failed");
        return 1;
    }
    return mdb_txn_commit(t.txn);
}

static int open_batch(struct gl_batch *b)
{
    int rc = mdb_txn_begin(b->store->env, NULL, 0, &b->txn);
    if (rc) b->txn = NULL;
    return rc;
}

/* The map is full: drop the batch, grow the map, and run every op of it again. */
static int regrow_and_replay(struct gl_batch *b)
{
    for (int tries = 0; tries < 8; tries++) {
        if (b->txn) mdb_txn_abort(b->txn);
        b->txn = NULL;
        int rc = gl_store_grow(b->store);
        if (rc) {
            /* The writers hear "full"; the log keeps why the map could not grow. */
            if (rc != MDB_MAP_FULL)
                log_error("store: cannot grow the map error=\"%s\"", mdb_strerror(rc));
            return MDB_MAP_FULL;
        }
        rc = open_batch(b);
        if (rc) return rc;
        struct gl_op **pp = &b->head;
        rc = 0;
        while (*pp) {
            struct gl_op *op = *pp;
            rc = run_child(b, op);
            if (rc == MDB_MAP_FULL) break;
            if (rc) {
                /* Refused this time round: answer it and unlink it. */
                *pp = op->next;
                b->count--;
                if (rc != 1) gl_store_write_error(rc, &op->err);
                op->done(op);
                continue;
            }
            pp = &op->next;
        }
        b->tail = pp;
        if (rc != MDB_MAP_FULL) return 0;
    }
    return MDB_MAP_FULL;
}

static void fail_batch(struct gl_batch *b, int rc)
{
    if (b->txn) mdb_txn_abort(b->txn);
    b->txn = NULL;
    struct gl_op *op = b->head;
    b->head = NULL;
    b->tail = &b->head;
    b->count = 0;
    uv_idle_stop(&b->idle);
    /* Once per episode, not once per write: a full disk refuses every write until freed. */
    if (!b->failing)
        log_error("store: writes refused, nothing written until this is fixed%s error=\"%s\"",
                  gl_store_rc_is_full(rc) ? " (store full or disk failed)" : "",
                  mdb_strerror(rc));
    b->failing = true;
    while (op) {
        struct gl_op *next = op->next;
        fail_op(op, rc);
        op = next;
    }
}

void gl_batch_submit(struct gl_batch *b, struct gl_op *op)
{
    op->next = NULL;
    if (b->closed) {
        gl_err_set(&op->err, GL_E_UNAVAILABLE, "the daemon is shutting down");
        op->done(op);
        return;
    }
    if (!b->txn) {
        int rc = open_batch(b);
        if (rc) {
            fail_op(op, rc);
            return;
        }
        uv_idle_start(&b->idle, on_idle);
    }
    int rc = run_child(b, op);
    if (rc == MDB_MAP_FULL) {
        /* Link it in first, so the replay runs it with the others. */
        *b->tail = op;
        b->tail = &op->next;
        b->count++;
        rc = regrow_and_replay(b);
        if (rc) fail_batch(b, rc);
        return;
    }
    if (rc == 1) {
        op->reply.size = 0;
        op->events.size = 0;
        op->outbox.size = 0;
        op->done(op);
        return;
    }
    if (rc) {
        /* A child failed for another reason: the parent may be damaged too. */
        *b->tail = op;
        b->tail = &op->next;
        b->count++;
        fail_batch(b, rc);
        return;
    }
    *b->tail = op;
    b->tail = &op->next;
    b->count++;
}

void gl_batch_commit(struct gl_batch *b)
{
    if (!b->txn) return;
    int rc;
    for (int tries = 0;; tries++) {
        rc = mdb_txn_commit(b->txn);
        b->txn = NULL;
        /* The commit itself can need pages past the map (the free list it writes): grow it
         * and run the batch's writes again, as when a write does (regrow_and_replay). */
        if (rc != MDB_MAP_FULL || tries == 8) break;
        rc = regrow_and_replay(b);
        if (rc) break;
    }
    if (rc) {
        fail_batch(b, rc);
        return;
    }
    struct gl_op *op = b->head;
    unsigned count = b->count;
    b->head = NULL;
    b->tail = &b->head;
    b->count = 0;
    uv_idle_stop(&b->idle);
    b->commits++;
    b->ops_committed += count;
    unsigned bucket = 0;
    while (bucket + 1 < GL_BATCH_SIZE_BUCKETS && count >> (bucket + 1)) bucket++;
    b->size_hist[bucket]++;
    if (count > b->largest) b->largest = count;
    if (b->failing) log_info("store: writes succeed again");
    b->failing = false;
    /* done() may submit new writes: they open the next batch. */
    while (op) {
        struct gl_op *next = op->next;
        if (b->committed) b->committed(op);
        op->done(op);
        op = next;
    }
    if (b->after_commit) b->after_commit();
}

/* One line of how the writes shared commits, for the bench and for tuning. */
static void log_batch_sizes(const struct gl_batch *b)
{
    char hist[256];
    size_t n = 0;
    for (unsigned i = 0; i < GL_BATCH_SIZE_BUCKETS && n < sizeof hist; i++) {
        unsigned lo = 1u << i;
        int w = i + 1 < GL_BATCH_SIZE_BUCKETS
                    ? snprintf(hist + n, sizeof hist - n, " size%u-%u=%llu", lo, 2 * lo - 1,
                               (unsigned long long)b->size_hist[i])
                    : snprintf(hist + n, sizeof hist - n, " size%u+=%llu", lo,
                               (unsigned long long)b->size_hist[i]);
        if (w < 0) break;
        n += (size_t)w;
    }
    log_info("store: batches commits=%llu writes=%llu largest=%u%s",
             (unsigned long long)b->commits, (unsigned long long)b->ops_committed, b->largest,
             n ? hist : "");
}

void gl_batch_close(struct gl_batch *b)
{
    gl_batch_commit(b);
    if (b->commits) log_batch_sizes(b);
    b->closed = true;
    uv_prepare_stop(&b->prepare);
    uv_idle_stop(&b->idle);
    uv_close((uv_handle_t *)&b->prepare, NULL);
    uv_close((uv_handle_t *)&b->idle, NULL);
}
