/* Store upgrades: a table of steps, version N to N+1, run in order in the write transaction
 * that opens the store, before anything is served. A step rewrites records into the form the
 * current code writes; a failed step aborts the transaction and leaves the store as it was. */
#include "migrate.h"

#include <msgpack.h>
#include <stdio.h>

#include "log.h"
#include "records.h"

/* Rewrites every record of db through decode and the current encoder; counts them. */
typedef int (*recode_fn)(const MDB_val *in, msgpack_zone *z, msgpack_sbuffer *out);

static int recode_all(struct gl_store *s, MDB_txn *txn, enum gl_db db, recode_fn fn,
                      unsigned long *count)
{
    MDB_cursor *cur;
    int rc = mdb_cursor_open(txn, s->dbi[db], &cur);
    if (rc) return rc;
    MDB_val k, v;
    for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        msgpack_zone z;
        msgpack_zone_init(&z, 1024);
        msgpack_sbuffer sb;
        msgpack_sbuffer_init(&sb);
        if (fn(&v, &z, &sb) == 0 && k.mv_size <= GL_KEY_MAX) {
            /* k points into the page the put rewrites: hand LMDB a copy. */
            struct gl_key kc;
            key_bytes(&kc, k.mv_data, k.mv_size);
            MDB_val kv = {kc.n, kc.b}, nv = {sb.size, sb.data};
            rc = mdb_cursor_put(cur, &kv, &nv, MDB_CURRENT);
            (*count)++;
        } else {
            /* Left as it is: `greenlightd check` reports what does not decode. */
            log_warn("migrate: %s record does not decode; left unchanged",
                     gl_store_db_name(db));
        }
        msgpack_sbuffer_destroy(&sb);
        msgpack_zone_destroy(&z);
        if (rc) break;
    }
    mdb_cursor_close(cur);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

static int recode_profile(const MDB_val *in, msgpack_zone *z, msgpack_sbuffer *out)
{
    struct gl_profile p;
    if (gl_profile_decode(in, z, &p)) return -1;
    gl_profile_encode(&p, out);
    return 0;
}

static int recode_post(const MDB_val *in, msgpack_zone *z, msgpack_sbuffer *out)
{
    struct gl_post p;
    if (gl_post_decode(in, z, &p)) return -1;
    gl_post_encode(&p, out);
    return 0;
}

/* 1 -> 2: the approval steps and the reminder delay of a profile, and a post's overdue,
 * reminded and publishing_since (dropped again by version 3), were implied by their absence;
 * version 2 writes them out, so what a record means no longer depends on the code that reads
 * it. */
static int v1_to_v2(struct gl_store *s, MDB_txn *txn)
{
    unsigned long profiles = 0, posts = 0;
    int rc = recode_all(s, txn, DB_PROFILES, recode_profile, &profiles);
    if (!rc) rc = recode_all(s, txn, DB_POSTS, recode_post, &posts);
    if (!rc) log_info("migrate: explicit steps and post flags profiles=%lu posts=%lu", profiles,
                      posts);
    return rc;
}

/* 2 -> 3: "publishing" became a status. A version-2 post whose publisher was running was
 * "scheduled" with a publishing_since mark; it becomes "publishing" (moved in posts_by_status),
 * so the start finds it and fails it as interrupted, and the mark is dropped from every post. */
static int recode_post_v3(const MDB_val *in, msgpack_zone *z, msgpack_sbuffer *out)
{
    struct gl_post p;
    msgpack_object m;
    if (gl_post_decode(in, z, &p) || gl_record_unpack(in, z, &m)) return -1;
    if (p.status == ST_SCHEDULED && gl_field_int(&m, "publishing_since", 0) != 0)
        p.status = ST_PUBLISHING;
    gl_post_encode(&p, out);
    return 0;
}

static int v2_to_v3(struct gl_store *s, MDB_txn *txn)
{
    unsigned long posts = 0;
    int rc = recode_all(s, txn, DB_POSTS, recode_post_v3, &posts);
    /* recode_all rewrites records only: the index entries of the posts that became publishing
     * move in a second pass over the records in their new form. */
    unsigned long moved = 0;
    MDB_cursor *cur;
    if (!rc) rc = mdb_cursor_open(txn, s->dbi[DB_POSTS], &cur);
    if (rc) return rc;
    MDB_val k, v;
    int got;
    for (got = mdb_cursor_get(cur, &k, &v, MDB_FIRST); got == 0 && !rc;
         got = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        msgpack_zone z;
        msgpack_zone_init(&z, 1024);
        struct gl_post p;
        if (gl_post_decode(&v, &z, &p) == 0 && p.status == ST_PUBLISHING) {
            struct gl_key was, now;
            key_post_status(&was, ST_SCHEDULED, p.scheduled_at, p.id);
            key_post_status(&now, ST_PUBLISHING, p.scheduled_at, p.id);
            MDB_val wk = {was.n, was.b}, nk = {now.n, now.b}, empty = {0, ""};
            rc = mdb_del(txn, s->dbi[DB_POSTS_BY_STATUS], &wk, NULL);
            if (rc == MDB_NOTFOUND) rc = 0;
            if (!rc) rc = mdb_put(txn, s->dbi[DB_POSTS_BY_STATUS], &nk, &empty, 0);
            moved++;
        }
        msgpack_zone_destroy(&z);
    }
    mdb_cursor_close(cur);
    if (!rc && got != MDB_NOTFOUND) rc = got;
    if (!rc) log_info("migrate: publishing status posts=%lu publishing=%lu", posts, moved);
    return rc;
}

/* 3 -> 4: a post's record moves into posts_by_time, under the key its profile, time and id
 * make, so a profile's month is one cursor range; posts keeps, under the id, that key. A
 * record that does not decode stays where it is, for `greenlightd check` to report. */
static int v3_to_v4(struct gl_store *s, MDB_txn *txn)
{
    unsigned long posts = 0;
    MDB_cursor *cur;
    int rc = mdb_cursor_open(txn, s->dbi[DB_POSTS], &cur);
    if (rc) return rc;
    MDB_val k, v;
    int got;
    msgpack_sbuffer copy;
    msgpack_sbuffer_init(&copy);
    for (got = mdb_cursor_get(cur, &k, &v, MDB_FIRST); got == 0 && !rc;
         got = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        msgpack_zone z;
        msgpack_zone_init(&z, 1024);
        struct gl_post p;
        if (gl_post_decode(&v, &z, &p) == 0 && k.mv_size == 8) {
            /* v is in a page this transaction may rewrite or spill: put a copy. */
            copy.size = 0;
            msgpack_sbuffer_write(&copy, v.mv_data, v.mv_size);
            /* Under the id it is kept by, which gl_post_where checks the key against. */
            struct gl_key at, id;
            key_bytes(&id, k.mv_data, k.mv_size);
            key_post_time(&at, p.profile, p.scheduled_at, key_id_decode(k.mv_data, k.mv_size));
            MDB_val ak = {at.n, at.b}, rec = {copy.size, copy.data}, ik = {id.n, id.b};
            rc = mdb_put(txn, s->dbi[DB_POSTS_BY_TIME], &ak, &rec, 0);
            if (!rc) rc = mdb_cursor_put(cur, &ik, &ak, MDB_CURRENT);
            posts++;
        } else {
            log_warn("migrate: posts record does not decode; left unchanged");
        }
        msgpack_zone_destroy(&z);
    }
    msgpack_sbuffer_destroy(&copy);
    mdb_cursor_close(cur);
    if (!rc && got != MDB_NOTFOUND) rc = got;
    if (!rc) log_info("migrate: records in the time index posts=%lu", posts);
    return rc;
}

static const struct {
    unsigned from;
    const char *what;
    int (*run)(struct gl_store *s, MDB_txn *txn);
} steps[] = {
    {1, "explicit profile steps and post flags", v1_to_v2},
    {2, "publishing status", v2_to_v3},
    {3, "post records in the time index", v3_to_v4},
};

int gl_migrate(struct gl_store *s, MDB_txn *txn, unsigned from)
{
    for (unsigned v = from; v < GL_SCHEMA_VERSION; v++) {
        size_t i = 0;
        while (i < sizeof steps / sizeof steps[0] && steps[i].from != v) i++;
        if (i == sizeof steps / sizeof steps[0]) {
            log_error("migrate: no step from schema %u", v);
            return MDB_INCOMPATIBLE;
        }
        log_info("migrate: schema from=%u to=%u step=\"%s\"", v, v + 1, steps[i].what);
        int rc = steps[i].run(s, txn);
        if (rc) {
            log_error("migrate: schema from=%u failed: %s", v, mdb_strerror(rc));
            return rc;
        }
    }
    unsigned char ver = GL_SCHEMA_VERSION;
    MDB_val k = {6, "schema"}, val = {1, &ver};
    return mdb_put(txn, s->dbi[DB_META], &k, &val, 0);
}
