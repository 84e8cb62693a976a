/* Key layouts: big-endian typed parts, so byte order is numeric order. */
#include "storekeys.h"

#include <string.h>

static void put_u64(struct gl_key *k, uint64_t v)
{
    for (int i = 7; i >= 0; i--) k->b[k->n++] = (unsigned char)(v >> (i * 8));
}

static void put_u32(struct gl_key *k, uint32_t v)
{
    for (int i = 3; i >= 0; i--) k->b[k->n++] = (unsigned char)(v >> (i * 8));
}

static uint64_t get_u64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = (v << 8) | p[i];
    return v;
}

static uint32_t get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Flipping the sign bit makes signed times sort as unsigned bytes. */
static uint64_t time_bits(int64_t t)
{
    return (uint64_t)t ^ (UINT64_C(1) << 63);
}

static int64_t time_from_bits(uint64_t v)
{
    return (int64_t)(v ^ (UINT64_C(1) << 63));
}

void key_id(struct gl_key *k, uint64_t id)
{
    k->n = 0;
    put_u64(k, id);
}

uint64_t key_id_decode(const void *data, size_t n)
{
    return n == 8 ? get_u64(data) : 0;
}

void key_post_time(struct gl_key *k, uint64_t profile, int64_t at, uint64_t post)
{
    k->n = 0;
    put_u64(k, profile);
    put_u64(k, time_bits(at));
    put_u64(k, post);
}

void key_post_time_decode(const void *data, size_t n, uint64_t *profile, int64_t *at,
                          uint64_t *post)
{
    const unsigned char *p = data;
    if (n != GL_POST_TIME_KEY_SIZE) { *profile = 0; *at = 0; *post = 0; return; }
    *profile = get_u64(p);
    *at = time_from_bits(get_u64(p + 8));
    *post = get_u64(p + 16);
}

void key_post_status(struct gl_key *k, unsigned status, int64_t at, uint64_t post)
{
    k->n = 0;
    k->b[k->n++] = (unsigned char)status;
    put_u64(k, time_bits(at));
    put_u64(k, post);
}

void key_post_status_decode(const void *data, size_t n, unsigned *status, int64_t *at,
                            uint64_t *post)
{
    const unsigned char *p = data;
    if (n != GL_POST_STATUS_KEY_SIZE) { *status = 0; *at = 0; *post = 0; return; }
    *status = p[0];
    *at = time_from_bits(get_u64(p + 1));
    *post = get_u64(p + 9);
}

void key_child(struct gl_key *k, uint64_t parent, uint32_t seq)
{
    k->n = 0;
    put_u64(k, parent);
    put_u32(k, seq);
}

void key_child_decode(const void *data, size_t n, uint64_t *parent, uint32_t *seq)
{
    const unsigned char *p = data;
    if (n != 12) { *parent = 0; *seq = 0; return; }
    *parent = get_u64(p);
    *seq = get_u32(p + 8);
}

void key_link_seen(struct gl_key *k, uint64_t link, uint64_t post, const char *name)
{
    k->n = 0;
    put_u64(k, link);
    put_u64(k, post);
    size_t n = strlen(name);
    if (n > GL_KEY_MAX - k->n) n = GL_KEY_MAX - k->n;
    memcpy(k->b + k->n, name, n);
    k->n += n;
}

void key_bytes(struct gl_key *k, const void *data, size_t n)
{
    k->n = n < GL_KEY_MAX ? n : GL_KEY_MAX;
    memcpy(k->b, data, k->n);
}

void key_user_seq(struct gl_key *k, const char *user, uint32_t seq)
{
    size_t n = strlen(user);
    if (n > GL_KEY_MAX - 5) n = GL_KEY_MAX - 5;
    memcpy(k->b, user, n);
    k->b[n] = 0;
    k->n = n + 1;
    put_u32(k, seq);
}

uint32_t key_user_seq_decode(const void *data, size_t n)
{
    return n >= 5 ? get_u32((const unsigned char *)data + n - 4) : 0;
}

void key_webhook_due(struct gl_key *k, int64_t at_ms, uint64_t delivery)
{
    k->n = 0;
    put_u64(k, time_bits(at_ms));
    put_u64(k, delivery);
}

void key_webhook_due_decode(const void *data, size_t n, int64_t *at_ms, uint64_t *delivery)
{
    const unsigned char *p = data;
    *at_ms = n == 16 ? time_from_bits(get_u64(p)) : 0;
    *delivery = n == 16 ? get_u64(p + 8) : 0;
}
