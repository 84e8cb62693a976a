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

int gl_post_get(struct gl_txn *t, msgpack_zone *z, uint64_t id, struct gl_post *out)
{
    struct gl_key k;
    MDB_val v;
    key_id(&k, id);
    return gl_get(t, DB_POSTS, &k, &v) == 0 && gl_post_decode(&v, z, out) == 0 ? 0 : -1;
}

/* One walk for both indexes: the key's time and id, then the post. */
static int walk(struct gl_txn *t, msgpack_zone *z, enum gl_db db, const struct gl_key *lo,
                const struct gl_key *hi, gl_post_visit fn, void *ctx)
{
    struct gl_range r;
    if (gl_range_open(t, db, lo, hi, &r)) return -1;
    MDB_val key, val;
    while (gl_range_next(&r, &key, &val)) {
        uint64_t prof, id;
        unsigned st;
        int64_t at;
        if (db == DB_POSTS_BY_TIME)
            key_post_time_decode(key.mv_data, key.mv_size, &prof, &at, &id);
        else
            key_post_status_decode(key.mv_data, key.mv_size, &st, &at, &id);
        struct gl_post p;
        if (gl_post_get(t, z, id, &p)) continue;
        if (!fn(&p, at, ctx)) break;
    }
    gl_range_close(&r);
    return 0;
}

int gl_posts_by_time(struct gl_txn *t, msgpack_zone *z, uint64_t profile, int64_t from, int64_t to,
                     gl_post_visit fn, void *ctx)
{
    struct gl_key lo, hi;
    key_post_time(&lo, profile, from, 0);
    if (to == GL_TIME_NONE)
        key_post_time(&hi, profile + 1, INT64_MIN, 0);
    else
        key_post_time(&hi, profile, to, 0);
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
