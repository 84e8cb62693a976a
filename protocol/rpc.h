/* The Greenlight wire protocol: MessagePack-RPC envelopes, error codes, limits and typed access
 * to named arguments. Shared by greenlightd and greenlight; documented in protocol/README.md.
 * Bump GL_PROTOCOL_VERSION on any change a peer could notice. */
#ifndef GL_RPC_H
#define GL_RPC_H

#include <msgpack.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GL_PROTOCOL_VERSION 1

enum gl_msg_type { GL_MSG_REQUEST = 0, GL_MSG_RESPONSE = 1, GL_MSG_NOTIFY = 2 };

/* Limits on what a peer may send. Before auth.login a frame is small: nothing legitimate
 * needs more, and it keeps unauthenticated memory use tiny. */
#define GL_RPC_MAX_FRAME_ANON (4u * 1024)
#define GL_RPC_MAX_FRAME (12u * 1024 * 1024)
#define GL_RPC_MAX_DEPTH 8
#define GL_RPC_MAX_ELEMS 100000

/* The error codes, in one list: X(enum, wire name, meaning as protocol/README.md's table says
 * it; tests/unit/test_rpc.c checks that table is this one). Append: a peer keeps the names. */
#define GL_ERRORS(X)                                                                               \
    X(GL_E_BAD_REQUEST, "bad_request",                                                             \
      "malformed envelope, missing, unknown or mistyped argument")                                 \
    X(GL_E_UNAUTHORIZED, "unauthorized",                                                           \
      "not logged in, wrong user/password, or the session ended (see Sessions)")                   \
    X(GL_E_FORBIDDEN, "forbidden", "logged in, but the role may not do this")                      \
    X(GL_E_NOT_FOUND, "not_found", "no such user, profile, post")                                  \
    X(GL_E_INVALID_STATE, "invalid_state",                                                         \
      "the post's status does not allow this action (e.g. approving a published post)")            \
    X(GL_E_CONFLICT, "conflict", "the name is taken")                                              \
    X(GL_E_RATE_LIMITED, "rate_limited",                                                           \
      "too many failed logins from this address, too many being checked at once, or too many "     \
      "password hashes queued; retry later")                                                       \
    X(GL_E_TOO_LARGE, "too_large", "a frame, string or list over its limit")                       \
    X(GL_E_UNKNOWN_METHOD, "unknown_method", "no such method")                                     \
    X(GL_E_UNAVAILABLE, "unavailable",                                                             \
      "the store is full or the disk failed; nothing was written")                                 \
    X(GL_E_INTERNAL, "internal", "a bug; logged by the daemon")

#define GL_ERR_ENUM(id, name, meaning) id,
enum gl_errcode { GL_OK = 0, GL_ERRORS(GL_ERR_ENUM) };
#undef GL_ERR_ENUM

/* One error threaded through every call that can fail. */
struct gl_err {
    enum gl_errcode code;
    char message[256];
};

void gl_err_set(struct gl_err *err, enum gl_errcode code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
const char *gl_errcode_slug(enum gl_errcode code);
/* What the code means, as protocol/README.md's Errors table says it. */
const char *gl_errcode_meaning(enum gl_errcode code);
enum gl_errcode gl_errcode_from_slug(const char *slug, size_t n);

/* A decoded envelope. Pointers refer into the msgpack object it came from. */
struct gl_rpc_msg {
    enum gl_msg_type type;
    uint32_t msgid;
    const char *method; /* request and notification; not NUL-terminated */
    size_t method_len;
    const msgpack_object *params; /* the one map of named arguments (or NULL) */
    const msgpack_object *error;  /* response: nil, or {code, message} */
    const msgpack_object *result; /* response */
};

/* Validates the envelope shape of any of the three message types. On failure m still holds
 * what could be read: type (when it is one of the three) and msgid (0 when unreadable), so the
 * error answers the request's own msgid and a notification gets no answer. */
int gl_rpc_parse(const msgpack_object *o, struct gl_rpc_msg *m, struct gl_err *err);
/* Reads {code, message} of a response's error into err. */
void gl_rpc_error_read(const msgpack_object *e, struct gl_err *err);

/* Each writes the envelope; for requests, notifications and successful responses the caller
 * then packs exactly one object: the params map, the event map, or the result. */
void gl_rpc_pack_request(msgpack_packer *pk, uint32_t msgid, const char *method);
void gl_rpc_pack_notify(msgpack_packer *pk, const char *method);
void gl_rpc_pack_result(msgpack_packer *pk, uint32_t msgid);
void gl_rpc_pack_error(msgpack_packer *pk, uint32_t msgid, const struct gl_err *err);

/* Packing helpers for the common shapes. */
void gl_pack_str(msgpack_packer *pk, const char *s);
void gl_pack_strn(msgpack_packer *pk, const char *s, size_t n);
void gl_pack_kv_str(msgpack_packer *pk, const char *key, const char *value); /* NULL -> nil */
void gl_pack_kv_int(msgpack_packer *pk, const char *key, int64_t value);
void gl_pack_kv_bool(msgpack_packer *pk, const char *key, bool value);
void gl_pack_key(msgpack_packer *pk, const char *key);
/* An id, or nil for 0 (ids start at 1): optional references such as a comment's link. */
void gl_pack_kv_id(msgpack_packer *pk, const char *key, uint64_t id);

/* Named arguments: a request's params map, and the zone that outlives the call, where copies
 * of strings are made NUL-terminated. Each getter returns whether the key was present with the
 * right type; on a wrong type or a broken limit it sets err (code bad_request or too_large). */
struct gl_args {
    const msgpack_object *map; /* may be NULL: no arguments */
    msgpack_zone *zone;
};

const msgpack_object *gl_args_get(const struct gl_args *a, const char *key);
bool gl_args_str(const struct gl_args *a, const char *key, size_t maxlen, const char **out,
                 struct gl_err *err);
bool gl_args_int(const struct gl_args *a, const char *key, int64_t *out, struct gl_err *err);
bool gl_args_bool(const struct gl_args *a, const char *key, bool *out, struct gl_err *err);
bool gl_args_bin(const struct gl_args *a, const char *key, size_t maxlen, const char **out,
                 size_t *outlen, struct gl_err *err);
/* A list of strings: out is a zone-allocated array of n NUL-terminated copies. */
bool gl_args_strlist(const struct gl_args *a, const char *key, size_t maxcount, size_t maxlen,
                     const char ***out, size_t *n, struct gl_err *err);
bool gl_args_intlist(const struct gl_args *a, const char *key, size_t maxcount, int64_t **out,
                     size_t *n, struct gl_err *err);
/* Sets err (bad_request) when the map holds a key not named in the comma-separated allowed. */
bool gl_args_only(const struct gl_args *a, const char *allowed, struct gl_err *err);
/* Sets err (bad_request) naming key when it is missing. */
bool gl_args_require(const struct gl_args *a, const char *key, struct gl_err *err);

/* Packs map without the keys named in skip (a NULL-terminated list): how stored records,
 * which carry bookkeeping such as their schema version "v", become wire objects. */
void gl_pack_map_except(msgpack_packer *pk, const msgpack_object *map, const char *const *skip);

/* Plain helpers on msgpack objects. */
bool gl_obj_streq(const msgpack_object *o, const char *s);
const msgpack_object *gl_map_get(const msgpack_object *map, const char *key);
bool gl_obj_int(const msgpack_object *o, int64_t *out);

#endif
