/* auth.login: the loop reads the user's record and admits the attempt within the limits; the
 * thread pool only checks the password against the hash it is handed (pool work never opens
 * a transaction, so the map may grow at any time); the handler counts the outcome. */
#include "methods.h"

#include <sodium.h>
#include <string.h>

#include "auth.h"
#include "server.h"

/* docs/hardening.md, "Login limits". Strangers' failures must never refuse the real user
 * logging in from elsewhere: refusals are per (address, user) and per address, while per user
 * attempts are only slowed down (and capped in flight, so a flood cannot hold the pool). */
static const struct gl_limit_rule by_pair = {
    .scope = "login-pair", .max_fails = 5, .clear_on_success = true};
static const struct gl_limit_rule by_address = {
    .scope = "login-addr", .max_inflight = 4, .max_fails = 30};
static const struct gl_limit_rule by_user = {
    .scope = "login-user", .max_inflight = 8, .slow_after = 10};

struct login_input {
    char user[GL_MAX_NAME + 1];
    char password[GL_MAX_PASSWORD + 1];
    char hash[crypto_pwhash_STRBYTES]; /* empty: no such user */
    struct gl_attempt attempt;
};

/* A login that never reached its handler (the connection closed) stays counted as failed. */
static void login_input_free(void *data)
{
    struct login_input *in = data;
    gl_attempt_end(&in->attempt, false);
    sodium_memzero(in, sizeof *in);
    free(in);
}

int m_auth_login_admit(struct gl_req *req)
{
    const char *user = NULL, *password = NULL; /* both required: the dispatcher saw them */
    req_str(req, "user", &user);
    req_str(req, "password", &password);
    struct login_input *in = req->work_data; /* asked again after a wait: kept */
    if (!in) {
        in = calloc(1, sizeof *in);
        if (!in) return REQ_FAIL(req, GL_E_INTERNAL, "out of memory");
        req->work_data = in;
        req->work_data_free = login_input_free;
        snprintf(in->user, sizeof in->user, "%s", user);
        snprintf(in->password, sizeof in->password, "%s", password);
        /* An address has no space in it, so "address user" names one pair only. */
        gl_attempt_key(&in->attempt, &by_pair, "%s %s", req->peer, user);
        gl_attempt_key(&in->attempt, &by_address, "%s", req->peer);
        gl_attempt_key(&in->attempt, &by_user, "%s", user);
    }
    int64_t wait = 0;
    switch (gl_attempt_admit(&in->attempt, req->now, &wait, &req->work_delay_ms)) {
    case GL_LIMIT_OK: break;
    case GL_LIMIT_WAIT: return GL_ADMIT_LATER;
    case GL_LIMIT_THROTTLED:
        return REQ_FAIL(req, GL_E_RATE_LIMITED, "too many failed logins; retry in %lld s",
                        (long long)wait);
    }

    struct gl_txn t;
    if (gl_store_read_begin(&gl_srv->store, &t) != 0)
        return REQ_FAIL(req, GL_E_UNAVAILABLE, "store: %s", mdb_strerror(t.rc));
    msgpack_zone z;
    msgpack_zone_init(&z, 1024);
    struct gl_user u;
    if (gl_user_load(&t, in->user, &z, &u) == 0 && strlen(u.pwhash) < sizeof in->hash)
        snprintf(in->hash, sizeof in->hash, "%s", u.pwhash);
    msgpack_zone_destroy(&z);
    gl_store_read_end(&t);
    return 0;
}

/* Thread pool: touches only its input. An unknown user costs a hash all the same, so timing
 * does not tell which names exist. */
void m_auth_login_work(struct gl_req *req)
{
    struct login_input *in = req->work_data;
    if (*in->hash) {
        req->work_result = gl_password_verify(in->hash, in->password);
    } else {
        char *dummy = gl_password_hash(in->password);
        free(dummy);
        req->work_result = 0;
    }
    sodium_memzero(in->password, sizeof in->password);
}

int m_auth_login(struct gl_req *req, struct gl_txn *t)
{
    struct login_input *in = req->work_data;
    struct gl_user u;
    /* The record read again now: a password changed while the hash ran does not let the old
     * one in. */
    bool ok = req->work_result && gl_user_load(t, in->user, req->msg.zone, &u) == 0 &&
              strcmp(u.pwhash, in->hash) == 0;
    gl_attempt_end(&in->attempt, ok);
    if (!ok) return REQ_FAIL(req, GL_E_UNAUTHORIZED, "wrong user name or password");
    if (u.disabled) return REQ_FAIL(req, GL_E_FORBIDDEN, "this account is disabled");
    req->login_user = gl_zone_strdup(req->msg.zone, in->user);
    req->login_gen = u.session_gen;
    msgpack_pack_map(&req->pk, 2);
    gl_pack_kv_str(&req->pk, "user", in->user);
    gl_pack_kv_str(&req->pk, "role", gl_role_name(u.role));
    return 0;
}
