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
 * reminded and publishing_since, were implied by their absence; version 2 writes them out, so
 * what a record means no longer depends on the code that reads it. */
static int v1_to_v2(struct gl_store *s, MDB_txn *txn)
{
    unsigned long profiles = 0, posts = 0;
    int rc = recode_all(s, txn, DB_PROFILES, recode_profile, &profiles);
    if (!rc) rc = recode_all(s, txn, DB_POSTS, recode_post, &posts);
    if (!rc) log_info("migrate: explicit steps and post flags profiles=%lu posts=%lu", profiles,
                      posts);
    return rc;
}

static const struct {
    unsigned from;
    const char *what;
    int (*run)(struct gl_store *s, MDB_txn *txn);
} steps[] = {
    {1, "explicit profile steps and post flags", v1_to_v2},
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
