/* auth.login: argon2id verification on the thread pool, failed logins limited per user and
 * per client address. */
#include "methods.h"

#include <sodium.h>
#include <string.h>

#include "auth.h"
#include "server.h"

/* Failures allowed in five minutes: per user name, and per address (several people may
 * share one address). */
#define MAX_FAILS_PER_USER 5
#define MAX_FAILS_PER_ADDRESS 30

struct login_input {
    char user[GL_MAX_NAME + 1];
    char password[GL_MAX_PASSWORD + 1];
};

int m_auth_login_admit(struct gl_req *req)
{
    const char *user = NULL, *password = NULL;
    struct gl_err *err = &req->op.err;
    if (!gl_args_str(&req->args, "user", GL_MAX_NAME, &user, err) ||
        !gl_args_str(&req->args, "password", GL_MAX_PASSWORD, &password, err)) {
        if (err->code == GL_OK) gl_err_set(err, GL_E_BAD_REQUEST, "user and password are strings");
        return -1;
    }
    int64_t wait;
    if (!gl_limit_allowed("user", user, MAX_FAILS_PER_USER, req->now, &wait) ||
        !gl_limit_allowed("addr", req->peer, MAX_FAILS_PER_ADDRESS, req->now, &wait)) {
        gl_err_set(err, GL_E_RATE_LIMITED, "too many failed logins; retry in %lld s",
                   (long long)wait);
        return -1;
    }
    struct login_input *in = calloc(1, sizeof *in);
    if (!in) return REQ_FAIL(req, GL_E_INTERNAL, "out of memory");
    snprintf(in->user, sizeof in->user, "%s", user);
    snprintf(in->password, sizeof in->password, "%s", password);
    req->work_data = in;
    return 0;
}

/* Thread pool: looks the user up in a read transaction of its own and checks the password.
 * An unknown user costs a hash all the same, so timing does not tell which names exist. */
void m_auth_login_work(struct gl_req *req)
{
    struct login_input *in = req->work_data;
    req->work_result = 0;
    MDB_txn *txn;
    char hash[crypto_pwhash_STRBYTES] = "";
    enum gl_role role = ROLE_NONE;
    if (mdb_txn_begin(gl_srv->store.env, NULL, MDB_RDONLY, &txn) == 0) {
        MDB_val k = {strlen(in->user), in->user}, v;
        if (mdb_get(txn, gl_srv->store.dbi[DB_USERS], &k, &v) == 0) {
            msgpack_zone z;
            msgpack_zone_init(&z, 1024);
            struct gl_user u;
            if (gl_user_decode(&v, &z, &u) == 0 && strlen(u.pwhash) < sizeof hash) {
                snprintf(hash, sizeof hash, "%s", u.pwhash);
                role = u.role;
            }
            msgpack_zone_destroy(&z);
        }
        mdb_txn_abort(txn);
    }
    if (*hash) {
        req->work_result = gl_password_verify(hash, in->password);
        req->login_role = role;
    } else {
        char *dummy = gl_password_hash(in->password);
        free(dummy);
    }
    sodium_memzero(in->password, sizeof in->password);
}

int m_auth_login(struct gl_req *req, struct gl_txn *t)
{
    (void)t;
    struct login_input *in = req->work_data;
    if (!req->work_result) {
        gl_limit_failed("user", in->user, req->now);
        gl_limit_failed("addr", req->peer, req->now);
        return REQ_FAIL(req, GL_E_UNAUTHORIZED, "wrong user name or password");
    }
    gl_limit_clear("user", in->user);
    req->login_user = gl_zone_strdup(req->msg.zone, in->user);
    msgpack_pack_map(&req->pk, 2);
    gl_pack_kv_str(&req->pk, "user", in->user);
    gl_pack_kv_str(&req->pk, "role", gl_role_name(req->login_role));
    return 0;
}
