/* MessagePack-RPC envelopes, error codes and named-argument access. */
#include "rpc.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

#define ERR_SLUG(id, name, meaning) [id] = name,
#define ERR_MEANING(id, name, meaning) [id] = meaning,
static const char *const slugs[] = {[GL_OK] = "ok", GL_ERRORS(ERR_SLUG)};
static const char *const meanings[] = {[GL_OK] = "", GL_ERRORS(ERR_MEANING)};
#undef ERR_SLUG
#undef ERR_MEANING

void gl_err_set(struct gl_err *err, enum gl_errcode code, const char *fmt, ...)
{
    if (!err) return;
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
}

const char *gl_errcode_slug(enum gl_errcode code)
{
    if ((unsigned)code >= GL_ARRAY_LEN(slugs) || !slugs[code]) return "internal";
    return slugs[code];
}

const char *gl_errcode_meaning(enum gl_errcode code)
{
    if ((unsigned)code >= GL_ARRAY_LEN(meanings) || !meanings[code]) return "";
    return meanings[code];
}

enum gl_errcode gl_errcode_from_slug(const char *slug, size_t n)
{
    for (unsigned i = 1; i < GL_ARRAY_LEN(slugs); i++)
        if (strlen(slugs[i]) == n && memcmp(slugs[i], slug, n) == 0) return (enum gl_errcode)i;
    return GL_E_INTERNAL;
}

bool gl_obj_streq(const msgpack_object *o, const char *s)
{
    size_t n = strlen(s);
    return o->type == MSGPACK_OBJECT_STR && o->via.str.size == n &&
           memcmp(o->via.str.ptr, s, n) == 0;
}

const msgpack_object *gl_map_get(const msgpack_object *map, const char *key)
{
    if (!map || map->type != MSGPACK_OBJECT_MAP) return NULL;
    for (uint32_t i = 0; i < map->via.map.size; i++)
        if (gl_obj_streq(&map->via.map.ptr[i].key, key)) return &map->via.map.ptr[i].val;
    return NULL;
}

bool gl_obj_int(const msgpack_object *o, int64_t *out)
{
    if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER) {
        if (o->via.u64 > INT64_MAX) return false;
        *out = (int64_t)o->via.u64;
        return true;
    }
    if (o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER) {
        *out = o->via.i64;
        return true;
    }
    return false;
}

/* The msgid of a request or response, when it is there and in range. */
static bool read_msgid(const msgpack_object *a, uint32_t n, uint32_t *out)
{
    int64_t msgid;
    if (n < 2 || !gl_obj_int(&a[1], &msgid) || msgid < 0 || msgid > UINT32_MAX) return false;
    *out = (uint32_t)msgid;
    return true;
}

int gl_rpc_parse(const msgpack_object *o, struct gl_rpc_msg *m, struct gl_err *err)
{
    memset(m, 0, sizeof *m);
    int64_t type;
    if (o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size < 1 ||
        !gl_obj_int(&o->via.array.ptr[0], &type)) {
        gl_err_set(err, GL_E_BAD_REQUEST, "a message is an array [type, ...]");
        return -1;
    }
    /* What can be read is kept even when the rest is wrong: the error then answers the
     * request's own msgid, and a notification is told apart. */
    if (type >= GL_MSG_REQUEST && type <= GL_MSG_NOTIFY) m->type = (enum gl_msg_type)type;
    bool has_msgid = (type == GL_MSG_REQUEST || type == GL_MSG_RESPONSE) &&
                     read_msgid(o->via.array.ptr, o->via.array.size, &m->msgid);
    const msgpack_object *a = o->via.array.ptr;
    uint32_t n = o->via.array.size;
    switch (type) {
    case GL_MSG_REQUEST:
        if (n != 4 || !has_msgid || a[2].type != MSGPACK_OBJECT_STR ||
            a[3].type != MSGPACK_OBJECT_ARRAY) {
            gl_err_set(err, GL_E_BAD_REQUEST, "a request is [0, msgid, method, [params]]");
            return -1;
        }
        m->method = a[2].via.str.ptr;
        m->method_len = a[2].via.str.size;
        if (a[3].via.array.size > 1 ||
            (a[3].via.array.size == 1 && a[3].via.array.ptr[0].type != MSGPACK_OBJECT_MAP &&
             a[3].via.array.ptr[0].type != MSGPACK_OBJECT_NIL)) {
            gl_err_set(err, GL_E_BAD_REQUEST, "params is an array holding one map");
            return -1;
        }
        if (a[3].via.array.size == 1 && a[3].via.array.ptr[0].type == MSGPACK_OBJECT_MAP)
            m->params = &a[3].via.array.ptr[0];
        break;
    case GL_MSG_RESPONSE:
        if (n != 4 || !has_msgid) {
            gl_err_set(err, GL_E_BAD_REQUEST, "a response is [1, msgid, error, result]");
            return -1;
        }
        m->error = &a[2];
        m->result = &a[3];
        break;
    case GL_MSG_NOTIFY:
        if (n != 3 || a[1].type != MSGPACK_OBJECT_STR || a[2].type != MSGPACK_OBJECT_ARRAY) {
            gl_err_set(err, GL_E_BAD_REQUEST, "a notification is [2, method, [params]]");
            return -1;
        }
        m->method = a[1].via.str.ptr;
        m->method_len = a[1].via.str.size;
        if (a[2].via.array.size >= 1) m->params = &a[2].via.array.ptr[0];
        break;
    default:
        gl_err_set(err, GL_E_BAD_REQUEST, "unknown message type %lld", (long long)type);
        return -1;
    }
    return 0;
}

void gl_rpc_error_read(const msgpack_object *e, struct gl_err *err)
{
    const msgpack_object *code = gl_map_get(e, "code");
    const msgpack_object *msg = gl_map_get(e, "message");
    err->code = code && code->type == MSGPACK_OBJECT_STR
                    ? gl_errcode_from_slug(code->via.str.ptr, code->via.str.size)
                    : GL_E_INTERNAL;
    if (msg && msg->type == MSGPACK_OBJECT_STR)
        snprintf(err->message, sizeof err->message, "%.*s", (int)msg->via.str.size,
                 msg->via.str.ptr);
    else
        snprintf(err->message, sizeof err->message, "%s", gl_errcode_slug(err->code));
}

void gl_pack_strn(msgpack_packer *pk, const char *s, size_t n)
{
    msgpack_pack_str(pk, n);
    msgpack_pack_str_body(pk, s, n);
}

void gl_pack_str(msgpack_packer *pk, const char *s)
{
    gl_pack_strn(pk, s, strlen(s));
}

void gl_pack_key(msgpack_packer *pk, const char *key)
{
    gl_pack_str(pk, key);
}

void gl_pack_kv_str(msgpack_packer *pk, const char *key, const char *value)
{
    gl_pack_str(pk, key);
    if (value)
        gl_pack_str(pk, value);
    else
        msgpack_pack_nil(pk);
}

void gl_pack_kv_id(msgpack_packer *pk, const char *key, uint64_t id)
{
    gl_pack_str(pk, key);
    if (id)
        msgpack_pack_uint64(pk, id);
    else
        msgpack_pack_nil(pk);
}

void gl_pack_kv_int(msgpack_packer *pk, const char *key, int64_t value)
{
    gl_pack_str(pk, key);
    msgpack_pack_int64(pk, value);
}

void gl_pack_kv_bool(msgpack_packer *pk, const char *key, bool value)
{
    gl_pack_str(pk, key);
    if (value)
        msgpack_pack_true(pk);
    else
        msgpack_pack_false(pk);
}

void gl_rpc_pack_request(msgpack_packer *pk, uint32_t msgid, const char *method)
{
    msgpack_pack_array(pk, 4);
    msgpack_pack_int(pk, GL_MSG_REQUEST);
    msgpack_pack_uint32(pk, msgid);
    gl_pack_str(pk, method);
    msgpack_pack_array(pk, 1);
}

void gl_rpc_pack_notify(msgpack_packer *pk, const char *method)
{
    msgpack_pack_array(pk, 3);
    msgpack_pack_int(pk, GL_MSG_NOTIFY);
    gl_pack_str(pk, method);
    msgpack_pack_array(pk, 1);
}

void gl_rpc_pack_result(msgpack_packer *pk, uint32_t msgid)
{
    msgpack_pack_array(pk, 4);
    msgpack_pack_int(pk, GL_MSG_RESPONSE);
    msgpack_pack_uint32(pk, msgid);
    msgpack_pack_nil(pk);
}

void gl_rpc_pack_error(msgpack_packer *pk, uint32_t msgid, const struct gl_err *err)
{
    msgpack_pack_array(pk, 4);
    msgpack_pack_int(pk, GL_MSG_RESPONSE);
    msgpack_pack_uint32(pk, msgid);
    msgpack_pack_map(pk, 2);
    gl_pack_kv_str(pk, "code", gl_errcode_slug(err->code));
    gl_pack_kv_str(pk, "message", err->message);
    msgpack_pack_nil(pk);
}

static bool skipped(const msgpack_object *key, const char *const *skip)
{
    for (; *skip; skip++)
        if (gl_obj_streq(key, *skip)) return true;
    return false;
}

void gl_pack_map_except(msgpack_packer *pk, const msgpack_object *map, const char *const *skip)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < map->via.map.size; i++) n += !skipped(&map->via.map.ptr[i].key, skip);
    msgpack_pack_map(pk, n);
    for (uint32_t i = 0; i < map->via.map.size; i++) {
        if (skipped(&map->via.map.ptr[i].key, skip)) continue;
        msgpack_pack_object(pk, map->via.map.ptr[i].key);
        msgpack_pack_object(pk, map->via.map.ptr[i].val);
    }
}

/* ---- named arguments ---- */

const msgpack_object *gl_args_get(const struct gl_args *a, const char *key)
{
    const msgpack_object *o = gl_map_get(a->map, key);
    return o && o->type != MSGPACK_OBJECT_NIL ? o : NULL;
}

static bool bad_type(const char *key, const char *want, struct gl_err *err)
{
    gl_err_set(err, GL_E_BAD_REQUEST, "'%s' must be %s", key, want);
    return false;
}

static const char *zone_strndup(msgpack_zone *z, const char *s, size_t n)
{
    char *p = msgpack_zone_malloc(z, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static bool check_text(const char *key, const char *s, size_t n, size_t maxlen,
                       struct gl_err *err)
{
    if (n > maxlen) {
        gl_err_set(err, GL_E_TOO_LARGE, "'%s' is longer than %zu bytes", key, maxlen);
        return false;
    }
    if (!gl_utf8_valid(s, n)) return bad_type(key, "valid UTF-8 text without NUL", err);
    return true;
}

bool gl_args_str(const struct gl_args *a, const char *key, size_t maxlen, const char **out,
                 struct gl_err *err)
{
    const msgpack_object *o = gl_args_get(a, key);
    if (!o) return false;
    if (o->type != MSGPACK_OBJECT_STR) return bad_type(key, "a string", err);
    if (!check_text(key, o->via.str.ptr, o->via.str.size, maxlen, err)) return false;
    *out = zone_strndup(a->zone, o->via.str.ptr, o->via.str.size);
    return true;
}

bool gl_args_int(const struct gl_args *a, const char *key, int64_t *out, struct gl_err *err)
{
    const msgpack_object *o = gl_args_get(a, key);
    if (!o) return false;
    if (!gl_obj_int(o, out)) return bad_type(key, "an integer", err);
    return true;
}

bool gl_args_bool(const struct gl_args *a, const char *key, bool *out, struct gl_err *err)
{
    const msgpack_object *o = gl_args_get(a, key);
    if (!o) return false;
    if (o->type != MSGPACK_OBJECT_BOOLEAN) return bad_type(key, "true or false", err);
    *out = o->via.boolean;
    return true;
}

bool gl_args_bin(const struct gl_args *a, const char *key, size_t maxlen, const char **out,
                 size_t *outlen, struct gl_err *err)
{
    const msgpack_object *o = gl_args_get(a, key);
    if (!o) return false;
    if (o->type != MSGPACK_OBJECT_BIN) return bad_type(key, "binary data", err);
    if (o->via.bin.size > maxlen) {
        gl_err_set(err, GL_E_TOO_LARGE, "'%s' is larger than %zu bytes", key, maxlen);
        return false;
    }
    *out = o->via.bin.ptr;
    *outlen = o->via.bin.size;
    return true;
}

bool gl_args_strlist(const struct gl_args *a, const char *key, size_t maxcount, size_t maxlen,
                     const char ***out, size_t *n, struct gl_err *err)
{
    const msgpack_object *o = gl_args_get(a, key);
    if (!o) return false;
    if (o->type != MSGPACK_OBJECT_ARRAY) return bad_type(key, "a list of strings", err);
    if (o->via.array.size > maxcount) {
        gl_err_set(err, GL_E_TOO_LARGE, "'%s' has more than %zu items", key, maxcount);
        return false;
    }
    const char **list = msgpack_zone_malloc(a->zone, sizeof *list * (o->via.array.size + 1));
    for (uint32_t i = 0; i < o->via.array.size; i++) {
        const msgpack_object *s = &o->via.array.ptr[i];
        if (s->type != MSGPACK_OBJECT_STR) return bad_type(key, "a list of strings", err);
        if (!check_text(key, s->via.str.ptr, s->via.str.size, maxlen, err)) return false;
        list[i] = zone_strndup(a->zone, s->via.str.ptr, s->via.str.size);
    }
    *out = list;
    *n = o->via.array.size;
    return true;
}

bool gl_args_intlist(const struct gl_args *a, const char *key, size_t maxcount, int64_t **out,
                     size_t *n, struct gl_err *err)
{
    const msgpack_object *o = gl_args_get(a, key);
    if (!o) return false;
    if (o->type != MSGPACK_OBJECT_ARRAY) return bad_type(key, "a list of integers", err);
    if (o->via.array.size > maxcount) {
        gl_err_set(err, GL_E_TOO_LARGE, "'%s' has more than %zu items", key, maxcount);
        return false;
    }
    int64_t *list = msgpack_zone_malloc(a->zone, sizeof *list * (o->via.array.size + 1));
    for (uint32_t i = 0; i < o->via.array.size; i++)
        if (!gl_obj_int(&o->via.array.ptr[i], &list[i]))
            return bad_type(key, "a list of integers", err);
    *out = list;
    *n = o->via.array.size;
    return true;
}

bool gl_args_only(const struct gl_args *a, const char *allowed, struct gl_err *err)
{
    if (!a->map) return true;
    for (uint32_t i = 0; i < a->map->via.map.size; i++) {
        const msgpack_object *k = &a->map->via.map.ptr[i].key;
        if (k->type != MSGPACK_OBJECT_STR) {
            gl_err_set(err, GL_E_BAD_REQUEST, "argument names are strings");
            return false;
        }
        /* Look for the key as a whole word of the comma-separated list. */
        const char *p = allowed;
        bool found = false;
        while (*p && !found) {
            const char *end = strchr(p, ',');
            size_t len = end ? (size_t)(end - p) : strlen(p);
            found = len == k->via.str.size && memcmp(p, k->via.str.ptr, len) == 0;
            p += len + (end ? 1 : 0);
        }
        if (!found) {
            gl_err_set(err, GL_E_BAD_REQUEST, "unknown argument '%.*s'",
                       (int)(k->via.str.size > 64 ? 64 : k->via.str.size), k->via.str.ptr);
            return false;
        }
    }
    return true;
}

bool gl_args_require(const struct gl_args *a, const char *key, struct gl_err *err)
{
    if (gl_args_get(a, key)) return true;
    gl_err_set(err, GL_E_BAD_REQUEST, "'%s' is required", key);
    return false;
}
