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

/* The types a parameter may have: X(enum, name server.describe gives). The dispatcher checks
 * the type and limit of each before the handler runs, with the gl_args_* getters' errors. */
#define GL_PARAM_TYPES(X)                                                                          \
    X(P_ANY, "any")     /* present, any shape: the handler checks it */                           \
    X(P_STR, "str")     /* UTF-8 text of at most max bytes, copied NUL-terminated */              \
    X(P_INT, "int")                                                                                \
    X(P_ID, "id")       /* an integer naming a record (the handler answers not_found for <= 0) */  \
    X(P_BOOL, "bool")                                                                              \
    X(P_BIN, "bin")     /* binary data of at most max bytes */                                     \
    X(P_STRS, "[str]")  /* at most max strings, each of at most item_max bytes */                 \
    X(P_IDS, "[id]")    /* at most max integers */                                                 \
    X(P_ARRAY, "array") /* a list the handler reads (max: at most so many items, 0: unchecked) */  \
    X(P_MAP, "map")

#define GL_PTYPE_ENUM(id, name) id,
enum gl_ptype { GL_PARAM_TYPES(GL_PTYPE_ENUM) };
#undef GL_PTYPE_ENUM
const char *gl_ptype_name(enum gl_ptype type);

/* One parameter of a method. A list of them ends with an entry whose name is NULL. */
struct gl_param {
    const char *name;
    enum gl_ptype type;
    bool optional;
    uint32_t max;      /* bytes of a str or bin, items of a list */
    uint32_t item_max; /* bytes of each string of a [str] */
};
#define GL_MAX_PARAMS 16

/* Table shorthand: GL_PARAMS(GL_REQ("id", P_ID, 0), GL_OPT("note", P_STR, GL_MAX_COMMENT)). */
#define GL_REQ(n, t, mx) {.name = (n), .type = (t), .max = (mx)}
#define GL_OPT(n, t, mx) {.name = (n), .type = (t), .max = (mx), .optional = true}
#define GL_REQ_STRS(n, mx, item) {.name = (n), .type = P_STRS, .max = (mx), .item_max = (item)}
#define GL_OPT_STRS(n, mx, item)                                                                  \
    {.name = (n), .type = P_STRS, .max = (mx), .item_max = (item), .optional = true}
#define GL_PARAMS(...) ((const struct gl_param[]){__VA_ARGS__, {.name = NULL}})
#define GL_NO_PARAMS ((const struct gl_param[]){{.name = NULL}})

/* A parameter's value once the dispatcher has read it; which member holds it follows the type
 * (strings and lists live in the request's zone). */
struct gl_argval {
    bool present; /* false also for nil */
    union {
        const char *s;                 /* P_STR */
        int64_t i;                     /* P_INT, P_ID */
        bool b;                        /* P_BOOL */
        struct { const char *p; size_t n; } bin; /* P_BIN */
        struct { const char **v; size_t n; } strs; /* P_STRS */
        struct { int64_t *v; size_t n; } ids;      /* P_IDS */
        const msgpack_object *o;       /* P_ANY, P_ARRAY, P_MAP */
    };
};

/* One request in flight. Owned by the dispatcher; handlers read it and pack into op.reply. */
struct gl_req {
    struct gl_op op; /* the write, when the method writes; reply and events in any case */
    const struct gl_method *method;
    struct gl_conn *conn;
    uint32_t msgid;
    char *frame;           /* the request's bytes; msg points into them */
    msgpack_unpacked msg;  /* owns the zone that args and decoded records live in */
    struct gl_args args;
    struct gl_argval argv[GL_MAX_PARAMS]; /* read by the dispatcher, in the table's order */
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

/* A method's parameters, typed: .args = GL_PARAMS(GL_REQ("id", P_ID, 0),
 * GL_OPT("note", P_STR, 5000)), or GL_NO_PARAMS; the handler reads the checked values with
 * req_str(req, "note", &note) and the like. */
struct gl_method {
    const char *name;
    const struct gl_param *args;
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
/* The method's parameters (none when it has no .args). */
const struct gl_param *gl_method_params(const struct gl_method *m);
/* Checks a's keys against the method's parameters (every required one present, no unknown
 * one, each of its type and within its limit) and fills out[], in the parameters' order.
 * Returns false with err set (bad_request or too_large). */
bool gl_method_read_args(const struct gl_method *m, const struct gl_args *a,
                         struct gl_argval *out, struct gl_err *err);

/* A handler's view of its checked parameters, by name. Each returns whether it was given and
 * of the right type (a name the method does not declare reads as absent). */
const struct gl_argval *req_arg(const struct gl_req *req, const char *name);
bool req_str(const struct gl_req *req, const char *name, const char **out);
bool req_int(const struct gl_req *req, const char *name, int64_t *out);
bool req_bool(const struct gl_req *req, const char *name, bool *out);
bool req_ids(const struct gl_req *req, const char *name, int64_t **out, size_t *n);
bool req_strs(const struct gl_req *req, const char *name, const char ***out, size_t *n);
const msgpack_object *req_obj(const struct gl_req *req, const char *name);
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
int m_media_update(struct gl_req *req, struct gl_txn *t);
int m_post_retry(struct gl_req *req, struct gl_txn *t);
int m_link_create_admit(struct gl_req *req);
void m_link_hash_work(struct gl_req *req);
int m_link_create(struct gl_req *req, struct gl_txn *t);
int m_link_list(struct gl_req *req, struct gl_txn *t);
int m_link_revoke(struct gl_req *req, struct gl_txn *t);
int m_link_regenerate_admit(struct gl_req *req);
int m_link_regenerate(struct gl_req *req, struct gl_txn *t);
int m_link_extend(struct gl_req *req, struct gl_txn *t);
int m_receipt_list(struct gl_req *req, struct gl_txn *t);
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
