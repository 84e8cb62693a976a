/* Post queries (postquery.h). */
#include "postquery.h"

#include <stdlib.h>
#include <string.h>

#include "storekeys.h"

void gl_postv_push(struct gl_postv *v, msgpack_zone *z, const struct gl_post *p)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 32;
        struct gl_post *items = msgpack_zone_malloc(z, sizeof *items * cap);
        if (v->n) memcpy(items, v->items, sizeof *items * v->n);
        v->items = items;
        v->cap = cap;
    }
    v->items[v->n++] = *p;
}

static int cmp_time(const void *a, const void *b)
{
    const struct gl_post *x = a, *y = b;
    if (x->scheduled_at != y->scheduled_at) return x->scheduled_at < y->scheduled_at ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

void gl_postv_sort_by_time(struct gl_postv *v)
{
    if (v->n > 1) qsort(v->items, v->n, sizeof *v->items, cmp_time);
}

int gl_post_where(struct gl_txn *t, uint64_t id, struct gl_key *at)
{
    struct gl_key k;
    MDB_val v;
    key_id(&k, id);
    if (gl_get(t, DB_POSTS, &k, &v) != 0 || v.mv_size != GL_POST_TIME_KEY_SIZE) return -1;
    uint64_t profile, post;
    int64_t when;
    key_post_time_decode(v.mv_data, v.mv_size, &profile, &when, &post);
    if (post != id) return -1;
    key_bytes(at, v.mv_data, v.mv_size);
    return 0;
}

int gl_post_stored(struct gl_txn *t, uint64_t id, MDB_val *rec)
{
    struct gl_key at;
    return gl_post_where(t, id, &at) == 0 && gl_get(t, DB_POSTS_BY_TIME, &at, rec) == 0 ? 0 : -1;
}

int gl_post_get(struct gl_txn *t, msgpack_zone *z, uint64_t id, struct gl_post *out)
{
    MDB_val v;
    return gl_post_stored(t, id, &v) == 0 && gl_post_decode(&v, z, out) == 0 ? 0 : -1;
}

/* One walk for both indexes: the key's time and id, then the stored post as it is. The time
 * index holds the records, so a profile's month is one cursor range; a status entry names a
 * post that is looked up. */
static int walk_stored(struct gl_txn *t, enum gl_db db, const struct gl_key *lo,
                       const struct gl_key *hi, gl_post_visit_stored fn, void *ctx)
{
    struct gl_range r;
    if (gl_range_open(t, db, lo, hi, &r)) return -1;
    MDB_val key, val;
    while (gl_range_next(&r, &key, &val)) {
        uint64_t prof, id;
        unsigned st;
        int64_t at;
        MDB_val rec = val;
        if (db == DB_POSTS_BY_TIME) {
            key_post_time_decode(key.mv_data, key.mv_size, &prof, &at, &id);
        } else {
            key_post_status_decode(key.mv_data, key.mv_size, &st, &at, &id);
            if (gl_post_stored(t, id, &rec) != 0) continue;
        }
        if (!fn(&rec, id, at, ctx)) break;
    }
    gl_range_close(&r);
    return 0;
}

struct decoding_walk {
    msgpack_zone *z;
    gl_post_visit fn;
    void *ctx;
};

static bool visit_decoded(const MDB_val *rec, uint64_t id, int64_t at, void *ctx)
{
    (void)id;
    struct decoding_walk *w = ctx;
    struct gl_post p;
    if (gl_post_decode(rec, w->z, &p)) return true;
    return w->fn(&p, at, w->ctx);
}

static int walk(struct gl_txn *t, msgpack_zone *z, enum gl_db db, const struct gl_key *lo,
                const struct gl_key *hi, gl_post_visit fn, void *ctx)
{
    struct decoding_walk w = {.z = z, .fn = fn, .ctx = ctx};
    return walk_stored(t, db, lo, hi, visit_decoded, &w);
}

static void time_range(uint64_t profile, int64_t from, int64_t to, struct gl_key *lo,
                       struct gl_key *hi)
{
    key_post_time(lo, profile, from, 0);
    if (to == GL_TIME_NONE)
        key_post_time(hi, profile + 1, INT64_MIN, 0);
    else
        key_post_time(hi, profile, to, 0);
}

int gl_posts_by_time_stored(struct gl_txn *t, uint64_t profile, int64_t from, int64_t to,
                            gl_post_visit_stored fn, void *ctx)
{
    struct gl_key lo, hi;
    time_range(profile, from, to, &lo, &hi);
    return walk_stored(t, DB_POSTS_BY_TIME, &lo, &hi, fn, ctx);
}

void gl_wirev_push(struct gl_wirev *v, msgpack_zone *z, const struct gl_wire *w)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 64;
        struct gl_wire *items = msgpack_zone_malloc(z, sizeof *items * cap);
        if (v->n) memcpy(items, v->items, sizeof *items * v->n);
        v->items = items;
        v->cap = cap;
    }
    v->items[v->n++] = *w;
}

static int cmp_wire_time(const void *a, const void *b)
{
    const struct gl_wire *x = a, *y = b;
    if (x->at != y->at) return x->at < y->at ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

void gl_wirev_sort_by_time(struct gl_wirev *v)
{
    if (v->n > 1) qsort(v->items, v->n, sizeof *v->items, cmp_wire_time);
}

int gl_posts_by_time(struct gl_txn *t, msgpack_zone *z, uint64_t profile, int64_t from, int64_t to,
                     gl_post_visit fn, void *ctx)
{
    struct gl_key lo, hi;
    time_range(profile, from, to, &lo, &hi);
    return walk(t, z, DB_POSTS_BY_TIME, &lo, &hi, fn, ctx);
}

int gl_posts_by_status(struct gl_txn *t, msgpack_zone *z, enum gl_status s, int64_t from,
                       int64_t to, gl_post_visit fn, void *ctx)
{
    struct gl_key lo, hi;
    key_post_status(&lo, (unsigned)s, from, 0);
    key_post_status(&hi, (unsigned)s, to, 0);
    return walk(t, z, DB_POSTS_BY_STATUS, &lo, &hi, fn, ctx);
}

int gl_posts_with_status(struct gl_txn *t, msgpack_zone *z, enum gl_status s, gl_post_visit fn,
                         void *ctx)
{
    struct gl_key lo, hi;
    key_post_status(&lo, (unsigned)s, INT64_MIN, 0);
    key_post_status(&hi, (unsigned)s + 1, INT64_MIN, 0);
    return walk(t, z, DB_POSTS_BY_STATUS, &lo, &hi, fn, ctx);
}
