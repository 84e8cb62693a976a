/* server.ping and server.describe: liveness, and the API's self-description from the table. */
#include "methods.h"

#include <string.h>

int m_server_ping(struct gl_req *req, struct gl_txn *t)
{
    (void)t;
    msgpack_pack_map(&req->pk, 2);
    gl_pack_kv_int(&req->pk, "now", req->now);
    gl_pack_kv_str(&req->pk, "version", GL_VERSION);
    return 0;
}

int m_server_describe(struct gl_req *req, struct gl_txn *t)
{
    (void)t;
    msgpack_packer *pk = &req->pk;
    msgpack_pack_map(pk, 3);
    gl_pack_kv_str(pk, "version", GL_VERSION);
    gl_pack_kv_int(pk, "protocol", GL_PROTOCOL_VERSION);
    gl_pack_key(pk, "methods");
    msgpack_pack_array(pk, gl_nmethods);
    for (size_t i = 0; i < gl_nmethods; i++) {
        const struct gl_method *m = &gl_methods[i];
        msgpack_pack_map(pk, 4);
        gl_pack_kv_str(pk, "name", m->name);
        gl_pack_key(pk, "params");
        /* "a,b?" -> ["a", "b?"] */
        unsigned n = *m->params ? 1 : 0;
        for (const char *p = m->params; *p; p++) n += *p == ',';
        msgpack_pack_array(pk, n);
        for (const char *p = m->params; *p;) {
            const char *end = strchr(p, ',');
            size_t len = end ? (size_t)(end - p) : strlen(p);
            gl_pack_strn(pk, p, len);
            p += len + (end ? 1 : 0);
        }
        gl_pack_kv_str(pk, "role", m->role == ROLE_NONE ? NULL : gl_role_name(m->role));
        gl_pack_kv_bool(pk, "write", m->flags & M_WRITE);
    }
    return 0;
}
