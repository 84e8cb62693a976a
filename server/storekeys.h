/* The only place that knows key layouts. Keys are typed parts written big-endian, so LMDB's
 * byte order is numeric order and a range of one profile's month is one cursor range. */
#ifndef GL_STOREKEYS_H
#define GL_STOREKEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GL_KEY_MAX 128

struct gl_key {
    unsigned char b[GL_KEY_MAX];
    size_t n;
};

/* A post without a time sorts after every scheduled one. */
#define GL_TIME_NONE INT64_MAX

/* Record keys: an id. */
void key_id(struct gl_key *k, uint64_t id);
uint64_t key_id_decode(const void *data, size_t n);
/* posts_by_time: (profile, scheduled_at, post id), GL_POST_TIME_KEY_SIZE bytes. */
#define GL_POST_TIME_KEY_SIZE 24
void key_post_time(struct gl_key *k, uint64_t profile, int64_t at, uint64_t post);
void key_post_time_decode(const void *data, size_t n, uint64_t *profile, int64_t *at,
                          uint64_t *post);
/* posts_by_status: (status, scheduled_at, post id), GL_POST_STATUS_KEY_SIZE bytes. */
#define GL_POST_STATUS_KEY_SIZE 17
void key_post_status(struct gl_key *k, unsigned status, int64_t at, uint64_t post);
void key_post_status_decode(const void *data, size_t n, unsigned *status, int64_t *at,
                            uint64_t *post);
/* Children of a record (history, comments, revisions): (parent id, sequence). */
void key_child(struct gl_key *k, uint64_t parent, uint32_t seq);
void key_child_decode(const void *data, size_t n, uint64_t *parent, uint32_t *seq);
/* link_seen: (link id, post id, visitor name bytes, cut to what fits). */
void key_link_seen(struct gl_key *k, uint64_t link, uint64_t post, const char *name);
/* Notifications: (user name, NUL, sequence); names hold no NUL, so one user's are a range. */
void key_user_seq(struct gl_key *k, const char *user, uint32_t seq);
uint32_t key_user_seq_decode(const void *data, size_t n);
/* webhook_due: (when the next attempt is due, in ms, delivery id). */
void key_webhook_due(struct gl_key *k, int64_t at_ms, uint64_t delivery);
void key_webhook_due_decode(const void *data, size_t n, int64_t *at_ms, uint64_t *delivery);
/* Text keys (user names, token hashes) are stored as their bytes. */
void key_bytes(struct gl_key *k, const void *data, size_t n);

#endif
