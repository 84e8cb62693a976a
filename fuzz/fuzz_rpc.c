/* Fuzz target: the MessagePack-RPC frame path of server/rpc_conn.c without the socket. The bytes
 * arrive in two reads (split where the first byte says) through the bounded scan
 * (protocol/mpscan.c), under the limits before and after login; each frame the scan accepts is
 * unpacked by msgpack-c (which must then succeed or fail cleanly: the scan promised a bounded
 * object), the envelope checked (gl_rpc_parse), the method looked up, its parameters checked as
 * the dispatcher does, and every argument read with every typed getter. */
#include <msgpack.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "methods.h"
#include "mpscan.h"
#include "rpc.h"

static void read_args(const struct gl_args *args)
{
    if (!args->map || args->map->type != MSGPACK_OBJECT_MAP) return;
    const msgpack_object_map *m = &args->map->via.map;
    for (uint32_t i = 0; i < m->size && i < 64; i++) {
        const msgpack_object *k = &m->ptr[i].key;
        if (k->type != MSGPACK_OBJECT_STR || k->via.str.size > 63) continue;
        char key[64];
        memcpy(key, k->via.str.ptr, k->via.str.size);
        key[k->via.str.size] = '\0';
        struct gl_err err = {0};
        const char *s;
        size_t n;
        int64_t iv;
        bool b;
        const char **sl;
        int64_t *il;
        if (gl_args_str(args, key, 100, &s, &err) && strlen(s) > 100) abort();
        gl_args_int(args, key, &iv, &err);
        gl_args_bool(args, key, &b, &err);
        gl_args_bin(args, key, 1u << 20, &s, &n, &err);
        if (gl_args_strlist(args, key, 10, 32, &sl, &n, &err)) {
            if (n > 10) abort();
            for (size_t j = 0; j < n; j++)
                if (strlen(sl[j]) > 32) abort();
        }
        if (gl_args_intlist(args, key, 200, &il, &n, &err) && n > 200) abort();
    }
}

static void frame(const char *p, size_t len)
{
    msgpack_unpacked msg;
    msgpack_unpacked_init(&msg);
    size_t off = 0;
    if (msgpack_unpack_next(&msg, p, len, &off) == MSGPACK_UNPACK_SUCCESS) {
        if (off != len) abort(); /* the scan and msgpack-c must agree on the frame's end */
        struct gl_rpc_msg m;
        struct gl_err err = {0};
        if (gl_rpc_parse(&msg.data, &m, &err) == 0) {
            if (m.type == GL_MSG_RESPONSE && m.error) gl_rpc_error_read(m.error, &err);
            if (m.type == GL_MSG_REQUEST) {
                struct gl_args args = {.map = m.params, .zone = msg.zone};
                const struct gl_method *meth = gl_method_find(m.method, m.method_len);
                /* The dispatcher's own check (methods.c), as a request meets it. */
                struct gl_argval argv[GL_MAX_PARAMS];
                if (meth) gl_method_read_args(meth, &args, argv, &err);
                read_args(&args);
            }
        }
        /* The error reply the daemon would send. */
        msgpack_sbuffer sb;
        msgpack_sbuffer_init(&sb);
        msgpack_packer pk;
        msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
        if (!err.code) gl_err_set(&err, GL_E_BAD_REQUEST, "x");
        gl_rpc_pack_error(&pk, m.msgid, &err);
        msgpack_sbuffer_destroy(&sb);
    }
    msgpack_unpacked_destroy(&msg);
}

static void stream(const uint8_t *data, size_t size, size_t max_bytes)
{
    struct gl_mp_limits lim = {.max_bytes = max_bytes, .max_depth = GL_RPC_MAX_DEPTH,
                               .max_elems = GL_RPC_MAX_ELEMS};
    struct gl_mp_scanner sc;
    gl_mp_scanner_reset(&sc);
    const char *buf = (const char *)data;
    size_t start = 0;
    size_t split = size ? data[0] % (size + 1) : 0; /* where the first read ends */
    size_t have = split;
    for (int guard = 0; guard < 100000 && start < size; guard++) {
        long r = gl_mp_scan(&sc, buf + start, have - start, &lim);
        if (r == GL_MP_NEED_MORE) {
            if (have == size) break;
            have = size;
            continue;
        }
        if (r < 0) break; /* the connection would be closed */
        if ((size_t)r > have - start || (size_t)r > max_bytes) abort();
        gl_mp_scanner_reset(&sc);
        frame(buf + start, (size_t)r);
        start += (size_t)r;
        if (have < start) have = start;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    stream(data, size, GL_RPC_MAX_FRAME_ANON);
    stream(data, size, GL_RPC_MAX_FRAME);
    return 0;
}
