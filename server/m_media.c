/* media.upload, media.get and media.update: images for posts, their type checked by content,
 * not by name, their size read from their header, their alternative text given by staff. */
#include "methods.h"

#include <sodium.h>
#include <string.h>

#include "imagesize.h"

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
    /* The size is read here, once, from the bytes the daemon keeps, rather than taken from
     * the client: the checks before approval rely on it. */
    struct gl_media m = {.id = gl_next_id(t, DB_MEDIA), .name = name, .type = actual,
                         .size = (int64_t)len, .uploaded_by = req->user, .at = req->now,
                         .alt = "", .data = (const unsigned char *)data, .len = len};
    if (!gl_image_size(m.data, len, &m.width, &m.height)) m.width = m.height = 0;
    /* Receipts name media by this hash (receipt.c). */
    unsigned char sha256[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(sha256, (const unsigned char *)data, len);
    m.sha256 = sha256;
    gl_media_save(t, &m);
    gl_media_pack_info(&req->pk, &m);
    return 0;
}

static int load_media(struct gl_req *req, struct gl_txn *t, struct gl_media *m)
{
    int64_t id = 0;
    if (!gl_args_int(&req->args, "id", &id, &req->op.err)) return -1;
    if (id <= 0 || gl_media_load(t, (uint64_t)id, req->msg.zone, m) != 0)
        return REQ_FAIL(req, GL_E_NOT_FOUND, "no media %lld", (long long)id);
    return 0;
}

int m_media_get(struct gl_req *req, struct gl_txn *t)
{
    struct gl_media m;
    if (load_media(req, t, &m)) return -1;
    /* The data still points into the page, which stays valid until the read transaction
     * ends, after the reply is packed. */
    msgpack_pack_map(&req->pk, 10 + (m.sha256 != NULL));
    gl_pack_kv_int(&req->pk, "id", (int64_t)m.id);
    gl_pack_kv_str(&req->pk, "name", m.name);
    gl_pack_kv_str(&req->pk, "type", m.type);
    gl_pack_kv_int(&req->pk, "size", m.size);
    gl_pack_kv_str(&req->pk, "uploaded_by", m.uploaded_by);
    gl_pack_kv_int(&req->pk, "at", m.at);
    gl_pack_key(&req->pk, "width");
    if (m.width > 0) msgpack_pack_int(&req->pk, m.width); else msgpack_pack_nil(&req->pk);
    gl_pack_key(&req->pk, "height");
    if (m.height > 0) msgpack_pack_int(&req->pk, m.height); else msgpack_pack_nil(&req->pk);
    gl_pack_kv_str(&req->pk, "alt", m.alt);
    if (m.sha256) {
        gl_pack_key(&req->pk, "sha256");
        msgpack_pack_bin_with_body(&req->pk, m.sha256, 32);
    }
    gl_pack_key(&req->pk, "data");
    msgpack_pack_bin_with_body(&req->pk, m.data, m.len);
    return 0;
}

/* The alternative text is not part of a post's content: setting it sends no post back for
 * approval (the text describes the image; it is not what the client approved). */
int m_media_update(struct gl_req *req, struct gl_txn *t)
{
    struct gl_media m;
    const char *alt = NULL;
    if (!gl_args_str(&req->args, "alt", GL_MAX_ALT, &alt, &req->op.err)) return -1;
    if (load_media(req, t, &m)) return -1;
    m.alt = alt;
    gl_media_save(t, &m);
    gl_media_pack_info(&req->pk, &m);
    return 0;
}
