/* server.ping and server.describe: liveness, and the API's self-description from the table. */
#include "methods.h"

#include <stdio.h>
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
    msgpack_pack_map(pk, 4);
    gl_pack_kv_str(pk, "version", GL_VERSION);
    gl_pack_kv_int(pk, "protocol", GL_PROTOCOL_VERSION);
    /* Lowest first (protocol/roles.h): a method's role admits every role of a rank as high. */
    gl_pack_key(pk, "roles");
    msgpack_pack_array(pk, ROLE_COUNT - 1);
    for (int r = ROLE_NONE + 1; r < ROLE_COUNT; r++) {
        msgpack_pack_map(pk, 4);
        gl_pack_kv_str(pk, "name", gl_role_name((enum gl_role)r));
        gl_pack_kv_str(pk, "label", gl_role_label((enum gl_role)r));
        gl_pack_kv_int(pk, "rank", r);
        gl_pack_kv_str(pk, "may", gl_role_may((enum gl_role)r));
    }
    gl_pack_key(pk, "methods");
    msgpack_pack_array(pk, gl_nmethods);
    for (size_t i = 0; i < gl_nmethods; i++) {
        const struct gl_method *m = &gl_methods[i];
        const struct gl_param *params = gl_method_params(m);
        size_t n = 0;
        while (params[n].name) n++;
        msgpack_pack_map(pk, 5);
        gl_pack_kv_str(pk, "name", m->name);
        /* ["a", "b?"]: the names, as protocol/README.md lists them */
        gl_pack_key(pk, "params");
        msgpack_pack_array(pk, n);
        for (size_t j = 0; j < n; j++) {
            char name[64];
            int len = snprintf(name, sizeof name, "%s%s", params[j].name,
                               params[j].optional ? "?" : "");
            gl_pack_strn(pk, name, (size_t)len);
        }
        /* [{name, type, required, max}]: what the dispatcher checks (max 0: no limit) */
        gl_pack_key(pk, "args");
        msgpack_pack_array(pk, n);
        for (size_t j = 0; j < n; j++) {
            msgpack_pack_map(pk, 4);
            gl_pack_kv_str(pk, "name", params[j].name);
            gl_pack_kv_str(pk, "type", gl_ptype_name(params[j].type));
            gl_pack_kv_bool(pk, "required", !params[j].optional);
            gl_pack_kv_int(pk, "max", params[j].max);
        }
        gl_pack_kv_str(pk, "role", m->role == ROLE_NONE ? NULL : gl_role_name(m->role));
        gl_pack_kv_bool(pk, "write", m->flags & M_WRITE);
    }
    return 0;
}
