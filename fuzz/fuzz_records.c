/* Fuzz target: the store's record decoders (server/records.c, server/links.c) on arbitrary
 * bytes, as a damaged or foreign store would hand them over. The first byte picks the kind.
 * A record that decodes is encoded again, must decode again, and is packed in its wire form
 * when it has one (a stored receipt and a signing key have none). */
#include <msgpack.h>
#include <stdint.h>
#include <stdlib.h>

#include "links.h"
#include "records.h"

static void again(const msgpack_sbuffer *sb, int (*dec)(const MDB_val *, msgpack_zone *, void *),
                  void *out)
{
    MDB_val v = {sb->size, sb->data};
    msgpack_zone z;
    msgpack_zone_init(&z, 1024);
    if (dec(&v, &z, out) != 0) abort(); /* what we wrote we must read */
    msgpack_zone_destroy(&z);
}

static int dec_user(const MDB_val *v, msgpack_zone *z, void *o) { return gl_user_decode(v, z, o); }
static int dec_profile(const MDB_val *v, msgpack_zone *z, void *o) { return gl_profile_decode(v, z, o); }
static int dec_post(const MDB_val *v, msgpack_zone *z, void *o) { return gl_post_decode(v, z, o); }
static int dec_link(const MDB_val *v, msgpack_zone *z, void *o) { return gl_link_decode(v, z, o); }
static int dec_receipt(const MDB_val *v, msgpack_zone *z, void *o)
{
    return gl_receipt_record_decode(v, z, o);
}
static int dec_receipt_key(const MDB_val *v, msgpack_zone *z, void *o)
{
    return gl_receipt_key_decode(v, z, o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    MDB_val v = {size - 1, (void *)(data + 1)};
    msgpack_zone z;
    msgpack_zone_init(&z, 4096);
    msgpack_sbuffer sb, wire;
    msgpack_sbuffer_init(&sb);
    msgpack_sbuffer_init(&wire);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &wire, msgpack_sbuffer_write);
    switch (data[0] % 6) {
    case 0: {
        struct gl_user u, u2;
        if (gl_user_decode(&v, &z, &u) == 0) {
            gl_user_encode(&u, &sb);
            again(&sb, dec_user, &u2);
            gl_user_pack(&pk, &u);
        }
        break;
    }
    case 1: {
        struct gl_profile p, p2;
        if (gl_profile_decode(&v, &z, &p) == 0) {
            gl_profile_encode(&p, &sb);
            again(&sb, dec_profile, &p2);
            gl_profile_pack(&pk, &p);
        }
        break;
    }
    case 2: {
        struct gl_post p, p2;
        if (gl_post_decode(&v, &z, &p) == 0) {
            gl_post_encode(&p, &sb);
            again(&sb, dec_post, &p2);
            gl_post_pack(&pk, &p, 0);
        }
        break;
    }
    case 3: {
        struct gl_link l, l2;
        if (gl_link_decode(&v, &z, &l) == 0) {
            gl_link_encode(&l, &sb);
            again(&sb, dec_link, &l2);
            gl_link_pack(&pk, &l, 1700000000);
        }
        break;
    }
    case 4: {
        struct gl_receipt_record r, r2;
        if (gl_receipt_record_decode(&v, &z, &r) == 0) {
            gl_receipt_record_encode(&r, &sb);
            again(&sb, dec_receipt, &r2);
        }
        break;
    }
    default: {
        struct gl_receipt_key k, k2;
        if (gl_receipt_key_decode(&v, &z, &k) == 0) {
            gl_receipt_key_encode(&k, &sb);
            again(&sb, dec_receipt_key, &k2);
        }
        break;
    }
    }
    msgpack_sbuffer_destroy(&sb);
    msgpack_sbuffer_destroy(&wire);
    msgpack_zone_destroy(&z);
    return 0;
}
