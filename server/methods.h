/* The table of RPC methods: name, named parameters, lowest role, flags and handler. The
 * dispatcher (rpc.c) checks login, role and parameters once, so a handler only does its work;
 * server.describe is generated from the same table, and a test keeps protocol/README.md and
 * the table in step. */
#ifndef GL_METHODS_H
#define GL_METHODS_H

#include <msgpack.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "batch.h"
#include "records.h"
#include "rpc.h"
#include "store.h"

struct gl_conn;
struct gl_method;

/* One request in flight. Owned by the dispatcher; handlers read it and pack into op.reply. */
struct gl_req {
    struct gl_op op; /* the write, when the method writes; reply and events in any case */
    const struct gl_method *method;
    struct gl_conn *conn;
    uint32_t msgid;
    char *frame;           /* the request's bytes; msg points into them */
    msgpack_unpacked msg;  /* owns the zone that args and decoded records live in */
    struct gl_args args;
    msgpack_packer pk;     /* packs the result into op.reply */
    const char *user;      /* who is asking (NULL before login) */
    enum gl_role role;
    const char *peer;      /* the client's address, for logs and rate limits */
    int64_t now;
    uv_work_t work;        /* for methods with a thread-pool step */
    void *work_data;       /* what that step leaves for the handler (freed by the dispatcher) */
    void (*work_data_free)(void *data); /* how to free it, when not free() */
    unsigned work_delay_ms; /* set by admit: wait this long before the thread-pool step */
    int work_result;
    /* Set by handlers for the connection to apply once the reply is sent. */
    const char *login_user;
    uint32_t login_gen;    /* the user's session generation at login */
    bool subscribe;
    /* Set by handlers whose change, once committed, ends the sessions of end_sessions_of
     * (closed, with end_reason), all but the asking connection's when it is that user's: it
     * carries on under new_gen. */
    const char *end_sessions_of;
    const char *end_reason;
    uint32_t new_gen;
    bool end_session;      /* this connection's session is over: close after the reply */
};

/* Returns 0 with the result packed, or -1 with req->op.err set. Writes go through t, which for
 * a write method is a nested transaction of the current batch. */
typedef int (*gl_handler_fn)(struct gl_req *req, struct gl_txn *t);

enum gl_method_flags {
    M_WRITE = 1 << 0, /* runs in a write batch; answered after the commit */
    M_ANON = 1 << 1,  /* allowed before auth.login */
};

struct gl_method {
    const char *name;
    /* Comma-separated parameter names; a trailing '?' marks an optional one. */
    const char *params;
    enum gl_role role;
    unsigned flags;
    gl_handler_fn handler;
    /* Optional, on the loop before anything else: may refuse (rate limits). 0, -1, or
     * GL_ADMIT_LATER: not yet, ask again in a moment (it may be called several times). */
    int (*admit)(struct gl_req *req);
    /* Optional, on the thread pool before the handler (argon2id). Touches only req. */
    void (*work)(struct gl_req *req);
};

const struct gl_method *gl_method_find(const char *name, size_t n);
extern const struct gl_method gl_methods[];
extern const size_t gl_nmethods;

/* Handlers, one file per area. */
int m_server_ping(struct gl_req *req, struct gl_txn *t);
int m_server_describe(struct gl_req *req, struct gl_txn *t);
int m_auth_login_admit(struct gl_req *req);
void m_auth_login_work(struct gl_req *req);
int m_auth_login(struct gl_req *req, struct gl_txn *t);
void m_user_hash_work(struct gl_req *req);
int m_user_create(struct gl_req *req, struct gl_txn *t);
int m_user_list(struct gl_req *req, struct gl_txn *t);
int m_user_set_password(struct gl_req *req, struct gl_txn *t);
int m_profile_create(struct gl_req *req, struct gl_txn *t);
int m_profile_list(struct gl_req *req, struct gl_txn *t);
int m_profile_update(struct gl_req *req, struct gl_txn *t);
int m_post_create(struct gl_req *req, struct gl_txn *t);
int m_post_update(struct gl_req *req, struct gl_txn *t);
int m_post_get(struct gl_req *req, struct gl_txn *t);
int m_post_delete(struct gl_req *req, struct gl_txn *t);
int m_post_list(struct gl_req *req, struct gl_txn *t);
int m_post_history(struct gl_req *req, struct gl_txn *t);
int m_post_submit(struct gl_req *req, struct gl_txn *t);
int m_post_approve(struct gl_req *req, struct gl_txn *t);
int m_post_reject(struct gl_req *req, struct gl_txn *t);
int m_post_reschedule(struct gl_req *req, struct gl_txn *t);
int m_post_schedule(struct gl_req *req, struct gl_txn *t);
int m_post_comment(struct gl_req *req, struct gl_txn *t);
int m_notify_subscribe(struct gl_req *req, struct gl_txn *t);
int m_notify_list(struct gl_req *req, struct gl_txn *t);
int m_notify_read(struct gl_req *req, struct gl_txn *t);
int m_user_update(struct gl_req *req, struct gl_txn *t);
int m_user_disable(struct gl_req *req, struct gl_txn *t);
int m_user_enable(struct gl_req *req, struct gl_txn *t);
int m_media_upload(struct gl_req *req, struct gl_txn *t);
int m_media_get(struct gl_req *req, struct gl_txn *t);
int m_post_retry(struct gl_req *req, struct gl_txn *t);
int m_link_create_admit(struct gl_req *req);
void m_link_hash_work(struct gl_req *req);
int m_link_create(struct gl_req *req, struct gl_txn *t);
int m_link_list(struct gl_req *req, struct gl_txn *t);
int m_link_revoke(struct gl_req *req, struct gl_txn *t);
int m_link_regenerate_admit(struct gl_req *req);
int m_link_regenerate(struct gl_req *req, struct gl_txn *t);
int m_link_extend(struct gl_req *req, struct gl_txn *t);
int m_webhook_create_admit(struct gl_req *req);
int m_webhook_create(struct gl_req *req, struct gl_txn *t);
int m_webhook_list(struct gl_req *req, struct gl_txn *t);
int m_webhook_update(struct gl_req *req, struct gl_txn *t);
int m_webhook_delete(struct gl_req *req, struct gl_txn *t);
int m_webhook_deliveries(struct gl_req *req, struct gl_txn *t);
int m_webhook_redeliver(struct gl_req *req, struct gl_txn *t);

#define GL_ADMIT_LATER 1

/* Shorthand for handlers: fail with a code and message. */
#define REQ_FAIL(req, code, ...) (gl_err_set(&(req)->op.err, (code), __VA_ARGS__), -1)

#endif
