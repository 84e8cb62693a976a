/* The group commit (batch.c) on a real LMDB store in a temporary directory: one op refused
 * in a batch of many is answered at once with its own error and nothing it wrote is kept,
 * while the others commit together and hear of it after the commit; a batch that fills the
 * map grows it and runs every op again; and a map at its ceiling refuses the whole batch in
 * plain words and takes writes again once they fit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "batch.h"
#include "storekeys.h"

struct test_op {
    struct gl_op op; /* first: done() gets the op and finds the rest from it */
    uint64_t id;     /* the key it writes in DB_MEDIA */
    size_t size;     /* the bytes it writes there */
    int refuse; /* 0: keep; 1: refuse with its own error; 2: without one; 3: when run again */
    unsigned runs, dones;
    struct gl_err heard; /* op.err when done() was called */
    size_t reply_size;   /* op.reply.size then */
    uint64_t commits_then; /* the batch's commit count then */
};

struct fixture {
    char dir[64];
    uv_loop_t loop;
    struct gl_store store;
    struct gl_batch batch;
};

static struct fixture *current; /* for done(), which sees only the op */

/* The value op writes: its id in every byte, so a replayed write is checked whole. */
static int run_op(struct gl_op *op, struct gl_txn *t)
{
    struct test_op *o = (struct test_op *)op;
    o->runs++;
    unsigned char *v = malloc(o->size);
    assert_non_null(v);
    memset(v, (int)(o->id & 0xff), o->size);
    struct gl_key k;
    key_id(&k, o->id);
    gl_put(t, DB_MEDIA, &k, v, o->size);
    free(v);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &op->reply, msgpack_sbuffer_write);
    msgpack_pack_uint64(&pk, o->id);
    if (o->refuse == 1) gl_err_set(&op->err, GL_E_CONFLICT, "op %u refused", (unsigned)o->id);
    if (o->refuse == 3 && o->runs > 1) {
        gl_err_set(&op->err, GL_E_CONFLICT, "op %u refused on replay", (unsigned)o->id);
        return -1;
    }
    return o->refuse == 1 || o->refuse == 2 ? -1 : 0;
}

static void done_op(struct gl_op *op)
{
    struct test_op *o = (struct test_op *)op;
    o->dones++;
    o->heard = op->err;
    o->reply_size = op->reply.size;
    o->commits_then = current->batch.commits;
}

static void op_init(struct test_op *o, uint64_t id, size_t size, int refuse)
{
    memset(o, 0, sizeof *o);
    gl_op_init(&o->op, run_op, done_op);
    o->id = id;
    o->size = size;
    o->refuse = refuse;
}

/* Opens a store whose map starts at map_mib MiB and never passes max_mib (0: no ceiling). */
static struct fixture *open_fixture(const char *map_mib, const char *max_mib)
{
    struct fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(f->dir, sizeof f->dir, "/tmp/gl-test-batch-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    assert_int_equal(setenv("GREENLIGHT_MAP_SIZE_MIB", map_mib, 1), 0);
    if (max_mib)
        assert_int_equal(setenv("GREENLIGHT_MAP_MAX_MIB", max_mib, 1), 0);
    else
        assert_int_equal(unsetenv("GREENLIGHT_MAP_MAX_MIB"), 0);
    struct gl_err err = {0};
    assert_int_equal(gl_store_open(&f->store, f->dir, &err), 0);
    unsetenv("GREENLIGHT_MAP_SIZE_MIB");
    unsetenv("GREENLIGHT_MAP_MAX_MIB");
    assert_int_equal(uv_loop_init(&f->loop), 0);
    gl_batch_init(&f->batch, &f->loop, &f->store);
    current = f;
    return f;
}

/* Closes the batch (when the test has not) and the store, and removes the directory. */
static void close_fixture(struct fixture *f)
{
    if (!f->batch.closed) gl_batch_close(&f->batch);
    uv_run(&f->loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&f->loop), 0);
    gl_store_close(&f->store);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    assert_int_equal(system(cmd), 0);
    current = NULL;
    free(f);
}

/* 0 when id is stored with the value run_op writes for it, MDB_NOTFOUND when absent. */
static int stored(struct fixture *f, uint64_t id, size_t size)
{
    struct gl_txn t;
    assert_int_equal(gl_store_read_begin(&f->store, &t), 0);
    struct gl_key k;
    key_id(&k, id);
    MDB_val v;
    int rc = gl_get(&t, DB_MEDIA, &k, &v);
    if (rc == 0) {
        assert_int_equal(v.mv_size, size);
        for (size_t i = 0; i < size; i++)
            if (((unsigned char *)v.mv_data)[i] != (id & 0xff))
                fail_msg("id %u damaged", (unsigned)id);
    }
    gl_store_read_end(&t);
    return rc;
}

#define MANY 12

static void test_one_refused_in_many(void **state)
{
    (void)state;
    struct fixture *f = open_fixture("1", NULL);
    struct test_op ops[MANY];
    for (unsigned i = 0; i < MANY; i++)
        op_init(&ops[i], i + 1, 100, i == 4 ? 1 : i == 9 ? 2 : 0);
    for (unsigned i = 0; i < MANY; i++) {
        gl_batch_submit(&f->batch, &ops[i].op);
        /* The refused ones are answered at once, before any commit; the rest wait for it. */
        assert_int_equal(ops[i].dones, ops[i].refuse ? 1 : 0);
    }
    assert_int_equal(f->batch.count, MANY - 2);
    assert_int_equal(f->batch.commits, 0);
    assert_int_equal(ops[4].heard.code, GL_E_CONFLICT);
    assert_string_equal(ops[4].heard.message, "op 5 refused");
    assert_int_equal(ops[9].heard.code, GL_E_INTERNAL); /* refused without saying why */
    assert_string_equal(ops[9].heard.message, "operation failed");
    assert_int_equal(ops[4].reply_size, 0); /* what it packed is not sent */
    assert_int_equal(ops[9].reply_size, 0);
    /* Nothing is visible before the commit. */
    assert_int_equal(stored(f, 1, 100), MDB_NOTFOUND);

    gl_batch_commit(&f->batch);
    assert_int_equal(f->batch.commits, 1);
    assert_int_equal(f->batch.ops_committed, MANY - 2);
    for (unsigned i = 0; i < MANY; i++) {
        assert_int_equal(ops[i].runs, 1);
        assert_int_equal(ops[i].dones, 1);
        if (ops[i].refuse) {
            assert_int_equal(ops[i].commits_then, 0);
            assert_int_equal(stored(f, ops[i].id, 100), MDB_NOTFOUND);
        } else {
            assert_int_equal(ops[i].heard.code, GL_OK);
            assert_int_equal(ops[i].commits_then, 1); /* answered after the one commit */
            assert_true(ops[i].reply_size > 0);
            assert_int_equal(stored(f, ops[i].id, 100), 0);
        }
        gl_op_destroy(&ops[i].op);
    }
    close_fixture(f);
}

#define BIG 40
#define BIG_SIZE ((size_t)64 << 10)

/* 40 values of 64 KiB (2.5 MiB) in one batch on a 1 MiB map: the batch grows the map and
 * replays, and every op commits once, whole; one that is refused when run again (the store
 * changed under it, say) is answered then and left out, and the rest of the list holds. */
static void test_map_full_grows_and_replays(void **state)
{
    (void)state;
    struct fixture *f = open_fixture("1", NULL);
    size_t before = f->store.mapsize;
    assert_int_equal(before, (size_t)1 << 20);
    struct test_op *ops = calloc(BIG + 1, sizeof *ops);
    assert_non_null(ops);
    for (unsigned i = 0; i < BIG; i++) {
        op_init(&ops[i], i + 1, BIG_SIZE, i == 1 ? 3 : 0);
        gl_batch_submit(&f->batch, &ops[i].op);
        if (i != 1) assert_int_equal(ops[i].dones, 0);
    }
    assert_int_equal(ops[1].dones, 1);
    assert_int_equal(ops[1].runs, 2);
    assert_int_equal(ops[1].heard.code, GL_E_CONFLICT);
    assert_string_equal(ops[1].heard.message, "op 2 refused on replay");
    assert_int_equal(ops[1].commits_then, 0);
    /* One refused after the growth: answered at once, kept out of the batch. */
    op_init(&ops[BIG], BIG + 1, BIG_SIZE, 1);
    gl_batch_submit(&f->batch, &ops[BIG].op);
    assert_int_equal(ops[BIG].dones, 1);
    assert_int_equal(ops[BIG].heard.code, GL_E_CONFLICT);
    assert_true(f->store.mapsize > before);
    assert_true(ops[0].runs > 1); /* the first ops ran again after the growth */
    assert_int_equal(f->batch.count, BIG - 1);

    gl_batch_commit(&f->batch);
    assert_int_equal(f->batch.commits, 1);
    assert_int_equal(f->batch.ops_committed, BIG - 1);
    assert_false(f->batch.failing);
    assert_int_equal(stored(f, 2, BIG_SIZE), MDB_NOTFOUND);
    for (unsigned i = 0; i < BIG; i++) {
        if (i == 1) {
            assert_int_equal(ops[i].dones, 1);
            continue;
        }
        assert_int_equal(ops[i].dones, 1);
        assert_int_equal(ops[i].heard.code, GL_OK);
        assert_true(ops[i].reply_size > 0);
        assert_int_equal(stored(f, ops[i].id, BIG_SIZE), 0);
    }
    assert_int_equal(stored(f, BIG + 1, BIG_SIZE), MDB_NOTFOUND);
    for (unsigned i = 0; i <= BIG; i++)
        gl_op_destroy(&ops[i].op);
    free(ops);
    close_fixture(f);
}

/* The map may not grow (its ceiling is its size): the batch that does not fit is refused
 * whole, every op of it told "full" once, nothing of it kept; a write that fits then
 * commits, and the failure episode ends. */
static void test_map_at_ceiling_refuses_the_batch(void **state)
{
    (void)state;
    struct fixture *f = open_fixture("1", "1");
    struct test_op *ops = calloc(BIG, sizeof *ops);
    assert_non_null(ops);
    unsigned submitted = 0;
    while (submitted < BIG) {
        op_init(&ops[submitted], submitted + 1, BIG_SIZE, 0);
        gl_batch_submit(&f->batch, &ops[submitted].op);
        submitted++;
        if (ops[0].dones) break; /* the batch failed */
    }
    assert_true(submitted < BIG);
    assert_true(f->batch.failing);
    assert_null(f->batch.txn);
    assert_int_equal(f->batch.count, 0);
    assert_int_equal(f->store.mapsize, (size_t)1 << 20);
    for (unsigned i = 0; i < submitted; i++) {
        assert_int_equal(ops[i].dones, 1);
        assert_int_equal(ops[i].heard.code, GL_E_UNAVAILABLE);
        assert_string_equal(ops[i].heard.message,
                            "the store is full or the disk failed; nothing was written");
        assert_int_equal(ops[i].reply_size, 0);
        assert_int_equal(stored(f, ops[i].id, BIG_SIZE), MDB_NOTFOUND);
    }
    gl_batch_commit(&f->batch); /* nothing open: nothing happens */
    assert_int_equal(f->batch.commits, 0);

    struct test_op small;
    op_init(&small, 1000, 100, 0);
    gl_batch_submit(&f->batch, &small.op);
    gl_batch_commit(&f->batch);
    assert_int_equal(small.dones, 1);
    assert_int_equal(small.heard.code, GL_OK);
    assert_false(f->batch.failing);
    assert_int_equal(stored(f, 1000, 100), 0);
    gl_op_destroy(&small.op);
    for (unsigned i = 0; i < submitted; i++)
        gl_op_destroy(&ops[i].op);
    free(ops);
    close_fixture(f);
}

/* After close, a write is refused without touching the store. */
static void test_closed_refuses(void **state)
{
    (void)state;
    struct fixture *f = open_fixture("1", NULL);
    struct test_op o;
    op_init(&o, 1, 100, 0);
    gl_batch_close(&f->batch);
    gl_batch_submit(&f->batch, &o.op);
    assert_int_equal(o.runs, 0);
    assert_int_equal(o.dones, 1);
    assert_int_equal(o.heard.code, GL_E_UNAVAILABLE);
    assert_int_equal(stored(f, 1, 100), MDB_NOTFOUND);
    gl_op_destroy(&o.op);
    close_fixture(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_one_refused_in_many),
                                       cmocka_unit_test(test_map_full_grows_and_replays),
                                       cmocka_unit_test(test_map_at_ceiling_refuses_the_batch),
                                       cmocka_unit_test(test_closed_refuses)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
