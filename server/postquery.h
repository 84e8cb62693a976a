/* Post queries, written once: scan an index (posts_by_time, posts_by_status, or a link's list),
 * decode each key, load and decode the post. RPC (m_post.c), the link pages and feed (web.c)
 * and the publisher (publish.c) all ask here; a post that cannot be loaded is skipped. */
#ifndef GL_POSTQUERY_H
#define GL_POSTQUERY_H

#include <msgpack.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "records.h"
#include "store.h"

/* A list of posts decoded into a zone, grown in that zone. */
struct gl_postv {
    struct gl_post *items;
    size_t n, cap;
};
void gl_postv_push(struct gl_postv *v, msgpack_zone *z, const struct gl_post *p);
/* Orders v by time, then id (unscheduled posts last). */
void gl_postv_sort_by_time(struct gl_postv *v);

/* Called for each post with the time its index key holds; returns false to stop. */
typedef bool (*gl_post_visit)(const struct gl_post *p, int64_t at, void *ctx);

/* Called for each stored post (its record, in the store's pages: valid while t is open) with
 * its id and the time its index key holds; returns false to stop. */
typedef bool (*gl_post_visit_stored)(const MDB_val *rec, uint64_t id, int64_t at, void *ctx);
/* gl_posts_by_time's walk without decoding: what post.list copies from. */
int gl_posts_by_time_stored(struct gl_txn *t, uint64_t profile, int64_t from, int64_t to,
                            gl_post_visit_stored fn, void *ctx);

/* A post's wire fields (gl_post_wire_fields) with the time and id it sorts by. */
struct gl_wire {
    int64_t at;
    uint64_t id;
    MDB_val fields;
};
struct gl_wirev {
    struct gl_wire *items;
    size_t n, cap;
};
void gl_wirev_push(struct gl_wirev *v, msgpack_zone *z, const struct gl_wire *w);
/* Orders v by time, then id, as gl_postv_sort_by_time. */
void gl_wirev_sort_by_time(struct gl_wirev *v);

/* Where post id is stored (store.h: posts maps an id to its posts_by_time key, which holds the
 * record): its key in at, 0; -1 when there is no such post, or its entry is damaged. */
int gl_post_where(struct gl_txn *t, uint64_t id, struct gl_key *at);
/* Post id's stored record, in the store's pages (valid while t is open): 0, or -1. */
int gl_post_stored(struct gl_txn *t, uint64_t id, MDB_val *rec);
/* Loads post id into out (its strings in z): 0, or -1 when there is none or it is damaged. */
int gl_post_get(struct gl_txn *t, msgpack_zone *z, uint64_t id, struct gl_post *out);
/* The posts of profile with a time in [from, to), in time order; to == GL_TIME_NONE includes
 * the unscheduled posts, which sort last. -1 when the index could not be read (t->rc). */
int gl_posts_by_time(struct gl_txn *t, msgpack_zone *z, uint64_t profile, int64_t from, int64_t to,
                     gl_post_visit fn, void *ctx);
/* The posts of status s with a time in [from, to), in time order. */
int gl_posts_by_status(struct gl_txn *t, msgpack_zone *z, enum gl_status s, int64_t from,
                       int64_t to, gl_post_visit fn, void *ctx);
/* Every post of status s, unscheduled ones last. */
int gl_posts_with_status(struct gl_txn *t, msgpack_zone *z, enum gl_status s, gl_post_visit fn,
                         void *ctx);

#endif
