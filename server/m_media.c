/* media.upload and media.get: images for posts, their type checked by content, not by name. */
#include "methods.h"

#include <sodium.h>
#include <string.h>

#define MEDIA_MAX ((size_t)8 << 20)

/* The image type that data starts like, or NULL. */
static const char *sniff(const unsigned char *d, size_t n)
{
    if (n >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0) return "image/png";
    if (n >= 3 && memcmp(d, "\xff\xd8\xff", 3) == 0) return "image/jpeg";
    if (n >= 6 && (memcmp(d, "GIF87a", 6) == 0 || memcmp(d, "GIF89a", 6) == 0))
        return "image/gif";
    if (n >= 12 && memcmp(d, "RIFF", 4) == 0 && memcmp(d + 8, "WEBP", 4) == 0)
        return "image/webp";
    return NULL;
}

int m_media_upload(struct gl_req *req, struct gl_txn *t)
{
    struct gl_err *err = &req->op.err;
    const char *name, *type, *data;
    size_t len;
    if (!gl_args_str(&req->args, "name", 255, &name, err) ||
        !gl_args_str(&req->args, "type", 64, &type, err))
        return -1;
    const msgpack_object *d = gl_args_get(&req->args, "data");
    if (d && d->type == MSGPACK_OBJECT_BIN && d->via.bin.size > MEDIA_MAX)
        return REQ_FAIL(req, GL_E_TOO_LARGE, "an image is at most 8 MiB");
    if (!gl_args_bin(&req->args, "data", MEDIA_MAX, &data, &len, err)) return -1;
    const char *actual = sniff((const unsigned char *)data, len);
    if (!actual)
        return REQ_FAIL(req, GL_E_BAD_REQUEST,
                        "'%s' is not a PNG, JPEG, GIF or WebP image", name);
    if (strcmp(actual, type) != 0)
        return REQ_FAIL(req, GL_E_BAD_REQUEST, "'%s' is %s, not %s", name, actual, type);
    uint64_t id = gl_next_id(t, DB_MEDIA);
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    gl_record_begin(&pk, 9);
    gl_pack_kv_int(&pk, "id", (int64_t)id);
    gl_pack_kv_str(&pk, "name", name);
    gl_pack_kv_str(&pk, "type", actual);
    gl_pack_kv_int(&pk, "size", (int64_t)len);
    gl_pack_kv_str(&pk, "uploaded_by", req->user);
    gl_pack_kv_int(&pk, "at", req->now);
    /* Receipts name media by this hash (receipt.c). */
    unsigned char sha256[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(sha256, (const unsigned char *)data, len);
    gl_pack_key(&pk, "sha256");
    msgpack_pack_bin_with_body(&pk, sha256, sizeof sha256);
    gl_pack_key(&pk, "data");
    msgpack_pack_bin_with_body(&pk, data, len);
    struct gl_key k;
    key_id(&k, id);
    gl_put(t, DB_MEDIA, &k, sb.data, sb.size);
    msgpack_sbuffer_destroy(&sb);
    msgpack_pack_map(&req->pk, 3);
    gl_pack_kv_int(&req->pk, "id", (int64_t)id);
    gl_pack_kv_str(&req->pk, "type", actual);
    gl_pack_kv_int(&req->pk, "size", (int64_t)len);
    return 0;
}

int m_media_get(struct gl_req *req, struct gl_txn *t)
{
    int64_t id = 0;
    if (!gl_args_int(&req->args, "id", &id, &req->op.err)) return -1;
    struct gl_key k;
    MDB_val v;
    key_id(&k, (uint64_t)id);
    msgpack_object o;
    if (id <= 0 || gl_get(t, DB_MEDIA, &k, &v) != 0 ||
        gl_record_unpack(&v, req->msg.zone, &o) != 0)
        return REQ_FAIL(req, GL_E_NOT_FOUND, "no media %lld", (long long)id);
    /* The record less its schema version; strings and data still point into the page, which
     * stays valid until the read transaction ends, after the reply is packed. */
    static const char *const bookkeeping[] = {"v", NULL};
    gl_pack_map_except(&req->pk, &o, bookkeeping);
    return 0;
}
