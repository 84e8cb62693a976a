/* MessagePack-RPC connections (rpc_conn.h): read, frame within limits, dispatch, reply. A connection runs
 * one request at a time, in order; bytes that arrive meanwhile wait in its buffer. */
#include "rpc_conn.h"

#include <stddef.h>
#include <string.h>

#include "inbuf.h"
#include "outbuf.h"
#include "stream.h"
#include "log.h"
#include "methods.h"
#include "mpscan.h"
#include "util.h"
#include "xmalloc.h"

#define MAX_CONNS 1024
/* Password hashes queued on the thread pool. Its four threads bound the memory (64 MiB a
 * hash); this bounds the queue, so a login flood is refused rather than queued for ever,
 * while a whole team reconnecting after a restart still gets in. */
#define MAX_HASH_JOBS 64
/* A login waiting for the attempts in flight before it (auth.h) asks again this often, and
 * gives up (rate_limited) after the longest wait. */
#define ADMIT_POLL_MS 50
#define MAX_ADMIT_WAIT_MS 10000
/* A logged-in connection that sends nothing for this long is closed (--rpc-idle-seconds). */
#define IDLE_TIMEOUT_DEFAULT_S (12 * 3600)
/* The defaults of the connection limits (docs/hardening.md); each is an option. Anonymous
 * connections have a pool of their own, well below MAX_CONNS, so that logged-in staff always
 * find a slot however many sockets a stranger holds open. */
#define DEFAULT_ANON_PER_ADDRESS 8
#define DEFAULT_ANON_MAX 256
#define DEFAULT_LOGIN_TIMEOUT_S 10
#define DEFAULT_OUTPUT_MAX_MIB 16        /* one connection's queued output: past it, closed */
#define DEFAULT_OUTPUT_TOTAL_MAX_MIB 256 /* all connections': past it, the most stalled goes */
/* Past this much queued output a connection's next request waits: a pipelining client is held
 * back rather than buffered for. One reply (at most a frame) may still go over it, so the hard
 * limit must stay above OUTPUT_HIGH + GL_RPC_MAX_FRAME. */
#define OUTPUT_HIGH ((size_t)1 << 20)
/* Output that has not moved for this long is a slow reader's, and may be pushed out. */
#define STALLED_MS 1000

struct gl_conn {
    uv_tcp_t tcp;
    uv_timer_t login_timer; /* the login deadline; once logged in, the idle timeout */
    uv_timer_t delay_timer; /* holds back a slowed-down login attempt (auth.h) */
    struct gl_req *delayed; /* that attempt, until the timer fires */
    bool delayed_admit;     /* it waits to be admitted (else for its slow-down) */
    uint64_t admit_deadline; /* loop time past which an attempt stops waiting for admission */
    uv_shutdown_t shutdown;
    struct gl_conn *next, *prev;
    struct gl_inbuf in; /* received bytes (common/inbuf.h) */
    struct gl_mp_scanner scan;
    struct gl_outq out; /* queued output (common/outbuf.h) */
    int refs;          /* the handles, plus one while a request is in flight */
    bool busy;         /* a request is in flight */
    bool processing;   /* inside conn_process: completions must not recurse into it */
    bool reading;
    bool closing;
    bool draining;     /* answered a protocol error: input is discarded until close */
    bool authed;
    bool anon_counted; /* counted in the anonymous pool: open and not logged in */
    bool subscribed;
    char user[GL_MAX_NAME + 1];
    uint32_t session_gen; /* the user's generation at login: see session_check */
    char peer[64];
};

static void conn_process(struct gl_conn *c);
static void conn_close(struct gl_conn *c);
static void conn_resume_read(struct gl_conn *c);

/* Open connections (not yet closing) and those of them not logged in: what the admission
 * limits are judged on. */
static unsigned nopen, nanon;
static void on_written(struct gl_outq *q, int status, size_t len, bool close_after);
static void on_dropped(struct gl_outq *q);
/* The connections' output, under one cap (its figures set by gl_rpc_listen). */
static struct gl_outpool outpool = {.name = "rpc", .stalled_ms = STALLED_MS,
                                    .close = on_dropped, .written = on_written};

static long option_or(long v, long dflt)
{
    return v > 0 ? v : dflt;
}

static unsigned anon_per_address(void)
{
    return (unsigned)option_or(gl_srv->opt.anon_per_address, DEFAULT_ANON_PER_ADDRESS);
}

static unsigned anon_max(void)
{
    return (unsigned)option_or(gl_srv->opt.anon_max, DEFAULT_ANON_MAX);
}

static uint64_t login_timeout_ms(void)
{
    return (uint64_t)option_or(gl_srv->opt.login_timeout_seconds, DEFAULT_LOGIN_TIMEOUT_S) * 1000;
}

static size_t output_max(void)
{
    return (size_t)option_or(gl_srv->opt.output_max_mib, DEFAULT_OUTPUT_MAX_MIB) << 20;
}

static size_t output_total_max(void)
{
    return (size_t)option_or(gl_srv->opt.output_total_max_mib, DEFAULT_OUTPUT_TOTAL_MAX_MIB)
           << 20;
}

static void anon_uncount(struct gl_conn *c)
{
    if (!c->anon_counted) return;
    c->anon_counted = false;
    nanon--;
}

/* A client that reads its answers slower than it asks waits with its next request. */
static bool output_blocked(const struct gl_conn *c)
{
    return c->out.queued > OUTPUT_HIGH;
}

static void conn_unref(struct gl_conn *c)
{
    if (--c->refs > 0) return;
    if (c->prev)
        c->prev->next = c->next;
    else
        gl_srv->conns = c->next;
    if (c->next) c->next->prev = c->prev;
    gl_srv->nconns--;
    gl_inbuf_free(&c->in);
    free(c);
}

static void on_handle_closed(uv_handle_t *h)
{
    conn_unref(h->data);
}

static void req_done(struct gl_op *op);

/* A slowed-down attempt still waiting when its connection closes ends here, cancelled. */
static void on_delay_timer_closed(uv_handle_t *h)
{
    struct gl_conn *c = h->data;
    struct gl_req *req = c->delayed;
    if (req) {
        c->delayed = NULL;
        if (!c->delayed_admit) gl_srv->hash_jobs--;
        gl_err_set(&req->op.err, GL_E_UNAVAILABLE, "cancelled");
        req_done(&req->op);
    }
    conn_unref(c);
}

static void conn_close(struct gl_conn *c)
{
    if (c->closing) return;
    c->closing = true;
    nopen--;
    anon_uncount(c);
    gl_outq_close(&c->out); /* its writes are cancelled */
    uv_close((uv_handle_t *)&c->tcp, on_handle_closed);
    uv_close((uv_handle_t *)&c->login_timer, on_handle_closed);
    uv_close((uv_handle_t *)&c->delay_timer, on_delay_timer_closed);
}

/* A queued write is done (see gl_outpool.written): a client held back may go on. */
static void on_written(struct gl_outq *q, int status, size_t len, bool close_after)
{
    (void)close_after;
    struct gl_conn *c = gl_container_of(q, struct gl_conn, out);
    bool was_blocked = c->out.queued + len > OUTPUT_HIGH;
    if (status < 0 && status != UV_ECANCELED) conn_close(c);
    /* The write's reference keeps c alive through conn_process. */
    if (was_blocked && !output_blocked(c) && !c->closing && !c->processing) conn_process(c);
    conn_unref(c);
}

static void on_dropped(struct gl_outq *q)
{
    conn_close(gl_container_of(q, struct gl_conn, out));
}

/* Sends the n buffers in order (gl_outq_writev). */
static void conn_writev(struct gl_conn *c, uv_buf_t *bufs, unsigned n)
{
    if (c->closing) return;
    if (gl_outq_writev(&c->out, bufs, n, false) == GL_OUTQ_QUEUED)
        c->refs++; /* released by on_written */
}

static void conn_send_error(struct gl_conn *c, uint32_t msgid, const struct gl_err *err)
{
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    gl_rpc_pack_error(&pk, msgid, err);
    uv_buf_t b = uv_buf_init(sb.data, (unsigned)sb.size);
    conn_writev(c, &b, 1);
    msgpack_sbuffer_destroy(&sb);
}

static void on_shutdown(uv_shutdown_t *s, int status)
{
    (void)status;
    conn_unref(s->data);
}

static void on_drain_timeout(uv_timer_t *t)
{
    conn_close(t->data);
}

/* Closes once what was sent is out. Until the peer closes (or for two seconds) its input is
 * read and dropped: closing a socket with unread data resets it, and the peer would never see
 * the last answer. */
static void conn_finish(struct gl_conn *c)
{
    if (c->closing || c->draining) return;
    c->draining = true;
    c->subscribed = false;
    gl_inbuf_clear(&c->in);
    c->shutdown.data = c;
    c->refs++;
    if (uv_shutdown(&c->shutdown, (uv_stream_t *)&c->tcp, on_shutdown) < 0) {
        c->refs--;
        conn_close(c);
        return;
    }
    uv_timer_start(&c->login_timer, on_drain_timeout, 2000, 0);
    if (!c->reading) conn_resume_read(c);
}

/* Answers a protocol error (or says why the daemon ends the connection) and closes. */
static void conn_fail(struct gl_conn *c, enum gl_errcode code, const char *why)
{
    struct gl_err err;
    gl_err_set(&err, code, "%s", why);
    log_info("rpc: closing connection peer=%s reason=\"%s\"", c->peer, why);
    conn_send_error(c, 0, &err);
    conn_finish(c);
}

/* ---- sessions ---- */

static uint64_t idle_timeout_ms(void)
{
    long s = gl_srv->opt.rpc_idle_seconds ? gl_srv->opt.rpc_idle_seconds : IDLE_TIMEOUT_DEFAULT_S;
    return (uint64_t)s * 1000;
}

/* The staff client reconnects and logs in again by itself (docs/tui.md). */
static void on_idle_timeout(uv_timer_t *t)
{
    struct gl_conn *c = t->data;
    if (c->draining) return;
    if (c->busy) {
        uv_timer_start(&c->login_timer, on_idle_timeout, idle_timeout_ms(), 0);
        return;
    }
    conn_fail(c, GL_E_UNAUTHORIZED, "idle for too long; log in again");
}

/* The store is the truth about who may do what: each request of a logged-in connection reads
 * the user's record in the request's transaction, so a role change takes effect at the very
 * next request, and a changed password or a disabled account ends the session. False, with
 * the error set and the session marked over, when the request may not go on. */
static bool session_check(struct gl_req *req, struct gl_txn *t)
{
    struct gl_user u;
    const char *over = NULL;
    req->end_session = false;
    if (gl_user_load(t, req->user, req->msg.zone, &u) != 0) {
        if (t->rc && t->rc != MDB_NOTFOUND) {
            gl_err_set(&req->op.err, GL_E_UNAVAILABLE, "store: %s", mdb_strerror(t->rc));
            return false;
        }
        over = "the account is gone";
    } else if (u.disabled) {
        over = "the account was disabled";
    } else if (u.session_gen != req->conn->session_gen) {
        over = "the password was changed";
    }
    if (over) {
        req->end_session = true;
        gl_err_set(&req->op.err, GL_E_UNAUTHORIZED, "session ended: %s; log in again", over);
        return false;
    }
    req->role = u.role;
    return true;
}

static bool role_allows(struct gl_req *req)
{
    if (req->role >= req->method->role) return true;
    gl_err_set(&req->op.err, GL_E_FORBIDDEN, "%s needs the %s role", req->method->name,
               gl_role_name(req->method->role));
    return false;
}

/* After a committed password change or disable, the user's other connections end at once;
 * the asking connection, when it is that user's, carries on under the new generation. */
static void end_sessions(struct gl_conn *self, const struct gl_req *req)
{
    const char *name = req->end_sessions_of;
    if (self->authed && strcmp(self->user, name) == 0) self->session_gen = req->new_gen;
    char why[160];
    snprintf(why, sizeof why, "session ended: %s; log in again", req->end_reason);
    for (struct gl_conn *c = gl_srv->conns; c; c = c->next) {
        if (c == self || !c->authed || c->closing || c->draining || strcmp(c->user, name) != 0)
            continue;
        conn_fail(c, GL_E_UNAUTHORIZED, why);
    }
}

/* ---- requests ---- */

static void req_free(struct gl_req *req)
{
    gl_op_destroy(&req->op);
    msgpack_unpacked_destroy(&req->msg);
    if (req->work_data_free)
        req->work_data_free(req->work_data);
    else
        free(req->work_data);
    free(req->frame);
    free(req);
}

static void req_done(struct gl_op *op)
{
    struct gl_req *req = (struct gl_req *)op; /* op is the first member */
    struct gl_conn *c = req->conn;
    if (!c->closing) {
        if (op->err.code != GL_OK) {
            conn_send_error(c, req->msgid, &op->err);
        } else {
            char head[16];
            msgpack_sbuffer hs = {0, head, sizeof head};
            msgpack_packer hp;
            msgpack_packer_init(&hp, &hs, msgpack_sbuffer_write);
            gl_rpc_pack_result(&hp, req->msgid);
            uv_buf_t bufs[2] = {uv_buf_init(hs.data, (unsigned)hs.size),
                                uv_buf_init(op->reply.data, (unsigned)op->reply.size)};
            if (op->reply.size == 0) {
                /* A handler that packed nothing answered nil. */
                static char nil = (char)0xc0;
                bufs[1] = uv_buf_init(&nil, 1);
            }
            conn_writev(c, bufs, 2);
            if (req->login_user) {
                snprintf(c->user, sizeof c->user, "%s", req->login_user);
                c->session_gen = req->login_gen;
                c->authed = true;
                anon_uncount(c);
                /* From now on the timer is the idle timeout; a draining connection keeps its
                 * drain deadline. */
                if (!c->draining)
                    uv_timer_start(&c->login_timer, on_idle_timeout, idle_timeout_ms(), 0);
            }
            if (req->subscribe) c->subscribed = true;
            if (req->end_sessions_of) end_sessions(c, req);
        }
        if (req->end_session) conn_finish(c);
    }
    req_free(req);
    c->busy = false;
    /* Inside conn_process the loop there picks up the next frame; recursing would let a
     * pipelining client grow the stack without bound. */
    bool resume = !c->processing && c->refs > 1;
    conn_unref(c);
    if (resume) conn_process(c);
}

static int write_trampoline(struct gl_op *op, struct gl_txn *t)
{
    struct gl_req *req = (struct gl_req *)op;
    req->now = gl_now();
    /* Checked again in the write's own transaction: the dispatch's check may predate a change
     * committed since (after a thread-pool step) or made earlier in this batch. */
    if (req->user && (!session_check(req, t) || !role_allows(req))) return -1;
    return req->method->handler(req, t);
}

/* A read with no admit step and no thread-pool step runs in the loop turn it arrived in: its
 * session check, role and params checks and its handler share one read transaction. */
static bool plain_read(const struct gl_method *m)
{
    return !(m->flags & M_WRITE) && !m->admit && !m->work;
}

/* dispatch's checks, in its order, for a plain read, in the handler's transaction. */
static bool plain_read_checks(struct gl_req *req, struct gl_txn *t)
{
    return (!req->user || session_check(req, t)) && role_allows(req) &&
           gl_method_read_args(req->method, &req->args, req->argv, &req->op.err);
}

static void execute(struct gl_req *req)
{
    if (req->method->flags & M_WRITE) {
        gl_batch_submit(&gl_srv->batch, &req->op);
        return;
    }
    struct gl_txn t;
    if (gl_store_read_begin(&gl_srv->store, &t)) {
        gl_err_set(&req->op.err, GL_E_UNAVAILABLE, "store: %s", mdb_strerror(t.rc));
    } else {
        int r = plain_read(req->method) && !plain_read_checks(req, &t)
                    ? -1
                    : req->method->handler(req, &t);
        if (t.rc && t.rc != MDB_NOTFOUND)
            gl_err_set(&req->op.err, GL_E_UNAVAILABLE, "store: %s", mdb_strerror(t.rc));
        else if (r != 0 && req->op.err.code == GL_OK)
            gl_err_set(&req->op.err, GL_E_INTERNAL, "request failed");
        gl_store_read_end(&t);
    }
    if (req->op.err.code != GL_OK) req->op.reply.size = 0;
    req_done(&req->op);
}

static void on_work(uv_work_t *w)
{
    struct gl_req *req = w->data;
    req->method->work(req);
}

static void after_work(uv_work_t *w, int status)
{
    struct gl_req *req = w->data;
    gl_srv->hash_jobs--;
    if (status == UV_ECANCELED || req->conn->closing) {
        gl_err_set(&req->op.err, GL_E_UNAVAILABLE, "cancelled");
        req_done(&req->op);
        return;
    }
    execute(req);
}

static void admit(struct gl_conn *c, struct gl_req *req);

static void on_delay(uv_timer_t *t)
{
    struct gl_conn *c = t->data;
    struct gl_req *req = c->delayed;
    c->delayed = NULL;
    if (c->delayed_admit)
        admit(c, req);
    else
        uv_queue_work(gl_srv->loop, &req->work, on_work, after_work);
}

static void delay(struct gl_conn *c, struct gl_req *req, unsigned ms, bool again)
{
    c->delayed = req;
    c->delayed_admit = again;
    uv_timer_start(&c->delay_timer, on_delay, ms, 0);
}

/* Asks the method's admit step (rate limits), then runs the request: at once, on the thread
 * pool, after the slow-down admit asked for, or admit again after a short wait. */
static void admit(struct gl_conn *c, struct gl_req *req)
{
    struct gl_err *err = &req->op.err;
    /* The login rate limits count time from it (with 0, a window never ended and "retry in"
     * said 56 years). */
    req->now = gl_now();
    req->work_delay_ms = 0;
    int r = req->method->admit ? req->method->admit(req) : 0;
    if (r == GL_ADMIT_LATER) {
        if (uv_now(gl_srv->loop) < c->admit_deadline) {
            delay(c, req, ADMIT_POLL_MS, true);
            return;
        }
        gl_err_set(err, GL_E_RATE_LIMITED,
                   "other logins for this user or from this address are being checked; "
                   "retry in a moment");
        r = -1;
    }
    if (r != 0) goto fail;
    if (req->method->work) {
        if (gl_srv->hash_jobs >= MAX_HASH_JOBS) {
            gl_err_set(err, GL_E_RATE_LIMITED, "too many password checks in progress; retry");
            goto fail;
        }
        gl_srv->hash_jobs++;
        req->work.data = req;
        if (req->work_delay_ms)
            delay(c, req, req->work_delay_ms, false);
        else
            uv_queue_work(gl_srv->loop, &req->work, on_work, after_work);
        return;
    }
    execute(req);
    return;
fail:
    req_done(&req->op);
}

static void dispatch(struct gl_conn *c, struct gl_req *req)
{
    struct gl_rpc_msg m;
    struct gl_err *err = &req->op.err;
    c->busy = true;
    c->refs++;
    int parsed = gl_rpc_parse(&req->msg.data, &m, err);
    req->msgid = m.msgid; /* read even when the rest is wrong: its client waits on it */
    if (parsed != 0) goto fail;
    if (m.type != GL_MSG_REQUEST) {
        gl_err_set(err, GL_E_BAD_REQUEST, "only requests are accepted");
        goto fail;
    }
    req->args.map = m.params;
    req->args.zone = req->msg.zone;
    req->method = gl_method_find(m.method, m.method_len);
    if (!req->method) {
        gl_err_set(err, GL_E_UNKNOWN_METHOD, "no method '%.*s'",
                   (int)(m.method_len > 64 ? 64 : m.method_len), m.method ? m.method : "");
        goto fail;
    }
    if (!(req->method->flags & M_ANON) && !c->authed) {
        gl_err_set(err, GL_E_UNAUTHORIZED, "log in first (auth.login)");
        goto fail;
    }
    if (c->authed) {
        uv_timer_start(&c->login_timer, on_idle_timeout, idle_timeout_ms(), 0);
        req->user = gl_zone_strdup(req->msg.zone, c->user);
    }
    if (plain_read(req->method)) {
        /* Checked in the handler's own transaction (execute), in this same loop turn. */
        c->admit_deadline = uv_now(gl_srv->loop) + MAX_ADMIT_WAIT_MS;
        admit(c, req);
        return;
    }
    if (c->authed) {
        /* A read runs in this same loop turn, before any commit: this check is exact for it. */
        struct gl_txn t;
        if (gl_store_read_begin(&gl_srv->store, &t) != 0) {
            gl_err_set(err, GL_E_UNAVAILABLE, "store: %s", mdb_strerror(t.rc));
            goto fail;
        }
        bool ok = session_check(req, &t);
        gl_store_read_end(&t);
        if (!ok) goto fail;
    }
    if (!role_allows(req)) goto fail;
    if (!gl_method_read_args(req->method, &req->args, req->argv, err)) goto fail;
    c->admit_deadline = uv_now(gl_srv->loop) + MAX_ADMIT_WAIT_MS;
    admit(c, req);
    return;
fail:
    req_done(&req->op);
}

static struct gl_req *req_new(struct gl_conn *c, const char *data, size_t len)
{
    struct gl_req *req = xcalloc(1, sizeof *req);
    gl_op_init(&req->op, write_trampoline, req_done);
    msgpack_packer_init(&req->pk, &req->op.reply, msgpack_sbuffer_write);
    req->conn = c;
    req->peer = c->peer;
    req->frame = xmalloc(len);
    memcpy(req->frame, data, len);
    msgpack_unpacked_init(&req->msg);
    return req;
}

/* A notification from a client is answered by nothing (the MessagePack-RPC spec): the daemon
 * has no notification to receive, so it is logged and dropped. */
static bool is_notification(const struct gl_conn *c, const msgpack_object *o)
{
    struct gl_rpc_msg m;
    struct gl_err err;
    gl_rpc_parse(o, &m, &err); /* a malformed notification is still one */
    if (m.type != GL_MSG_NOTIFY) return false;
    /* The method's bytes are the peer's: only their length goes to the log. */
    log_info("rpc: ignoring a notification peer=%s method_bytes=%zu", c->peer, m.method_len);
    return true;
}

static void conn_process(struct gl_conn *c)
{
    c->processing = true;
    while (!c->busy && !c->closing && !c->draining && !output_blocked(c) &&
           gl_inbuf_pending(&c->in)) {
        struct gl_mp_limits lim = {
            .max_bytes = c->authed ? GL_RPC_MAX_FRAME : GL_RPC_MAX_FRAME_ANON,
            .max_depth = GL_RPC_MAX_DEPTH,
            .max_elems = GL_RPC_MAX_ELEMS,
        };
        const char *p = gl_inbuf_data(&c->in);
        size_t avail = gl_inbuf_pending(&c->in);
        long r = gl_mp_scan(&c->scan, p, avail, &lim);
        if (r == GL_MP_NEED_MORE) break;
        if (r < 0) {
            conn_fail(c, r == GL_MP_MALFORMED ? GL_E_BAD_REQUEST : GL_E_TOO_LARGE,
                      gl_mp_result_str(r));
            break;
        }
        gl_mp_scanner_reset(&c->scan);
        struct gl_req *req = req_new(c, p, (size_t)r);
        gl_inbuf_consume(&c->in, (size_t)r);
        size_t off = 0;
        if (msgpack_unpack_next(&req->msg, req->frame, (size_t)r, &off) !=
            MSGPACK_UNPACK_SUCCESS) {
            req_free(req);
            conn_fail(c, GL_E_BAD_REQUEST, "malformed msgpack");
            break;
        }
        if (is_notification(c, &req->msg.data)) {
            req_free(req);
            continue;
        }
        dispatch(c, req);
    }
    c->processing = false;
    /* Read more only while nothing waits: a busy connection's peer waits for its answer, and
     * a blocked one's for the answers it has not read. */
    if (!c->closing && !c->draining && !c->reading && !c->busy && !output_blocked(c)) {
        conn_resume_read(c);
    } else if (c->reading && !c->closing && !c->draining && output_blocked(c)) {
        /* Its requests stay in the kernel's buffers, not in ours, until it reads. */
        uv_read_stop((uv_stream_t *)&c->tcp);
        c->reading = false;
    }
}

/* ---- reading ---- */

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    (void)suggested;
    struct gl_conn *c = h->data;
    *buf = gl_inbuf_space(&c->in, 65536);
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    (void)buf;
    struct gl_conn *c = s->data;
    if (n < 0) {
        conn_close(c);
        return;
    }
    if (c->draining) {
        gl_inbuf_clear(&c->in);
        return;
    }
    gl_inbuf_filled(&c->in, (size_t)n);
    /* Past a frame's worth of unprocessed bytes, stop reading until the backlog drains. */
    size_t max = (c->authed ? GL_RPC_MAX_FRAME : GL_RPC_MAX_FRAME_ANON) + 65536;
    if (c->busy && gl_inbuf_pending(&c->in) > max) {
        uv_read_stop(s);
        c->reading = false;
    }
    conn_process(c);
}

static void conn_resume_read(struct gl_conn *c)
{
    if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) == 0) c->reading = true;
}

static void on_login_timeout(uv_timer_t *t)
{
    struct gl_conn *c = t->data;
    if (c->authed || c->draining) return;
    /* A login being checked (waiting for its turn or hashing) is answered, not cut off: the
     * attempt caps of auth.h bound how long that takes. */
    if (c->busy) {
        uv_timer_start(&c->login_timer, on_login_timeout, 1000, 0);
        return;
    }
    conn_fail(c, GL_E_UNAUTHORIZED, "no login in time");
}

/* The oldest anonymous connection with no request in flight, from peer (or from anywhere when
 * peer is NULL), and how many anonymous connections that peer holds. The list is newest
 * first. A login being checked is in flight, so it is never the one pushed out. */
static struct gl_conn *oldest_idle_anon(const struct gl_conn *self, const char *peer,
                                        unsigned *count)
{
    struct gl_conn *oldest = NULL;
    *count = 0;
    for (struct gl_conn *c = gl_srv->conns; c; c = c->next) {
        if (c == self || !c->anon_counted || (peer && strcmp(c->peer, peer) != 0)) continue;
        (*count)++;
        if (!c->busy) oldest = c;
    }
    return oldest;
}

/* Makes room for a new anonymous connection: within its address's share, within the anonymous
 * pool, within the table. When one is full its oldest idle anonymous connection is closed, so
 * the newest comer (it may be staff about to log in) always gets in, and an attacker who holds
 * sockets open only pushes out his own or other strangers' idle ones. Returns false when
 * there is no room (every slot holds a logged-in connection or a login in flight). */
/* Under a flood, pushing out idle strangers is routine: one line a second says so, with how
 * many went since the last, rather than one line per connection. */
static void push_out(struct gl_conn *victim, const char *why)
{
    static uint64_t last_ms;
    static unsigned since;
    uint64_t now = uv_now(gl_srv->loop);
    if (last_ms && now - last_ms < 1000) {
        since++;
    } else {
        log_info("rpc: closing idle anonymous connection peer=%s reason=\"%s\" "
                 "more_since_last_line=%u",
                 victim->peer, why, since);
        last_ms = now;
        since = 0;
    }
    conn_close(victim);
}

static bool admit_anonymous(struct gl_conn *c)
{
    unsigned n;
    struct gl_conn *victim = oldest_idle_anon(c, c->peer, &n);
    if (n >= anon_per_address()) {
        if (!victim) return false;
        push_out(victim, "its address has all its anonymous slots");
    }
    if (nanon >= anon_max() || nopen > MAX_CONNS) {
        victim = oldest_idle_anon(c, NULL, &n);
        if (!victim) return false;
        push_out(victim, "the anonymous pool is full");
    }
    return nanon < anon_max() && nopen <= MAX_CONNS;
}

static void on_connection(uv_stream_t *server, int status)
{
    if (status < 0) return;
    struct gl_conn *c = xcalloc(1, sizeof *c);
    uv_tcp_init(gl_srv->loop, &c->tcp);
    uv_timer_init(gl_srv->loop, &c->login_timer);
    uv_timer_init(gl_srv->loop, &c->delay_timer);
    c->tcp.data = c->login_timer.data = c->delay_timer.data = c;
    c->refs = 3;
    c->next = gl_srv->conns;
    if (c->next) c->next->prev = c;
    gl_srv->conns = c;
    gl_srv->nconns++;
    nopen++;
    gl_outq_open(&outpool, &c->out, (uv_stream_t *)&c->tcp, c->peer);
    if (uv_accept(server, (uv_stream_t *)&c->tcp) != 0 || gl_srv->stopping) {
        conn_close(c);
        return;
    }
    gl_stream_peer(&c->tcp, c->peer, sizeof c->peer);
    if (!admit_anonymous(c)) {
        log_warn("rpc: refusing connection peer=%s reason=\"no free slot\"", c->peer);
        conn_close(c);
        return;
    }
    c->anon_counted = true;
    nanon++;
    uv_tcp_nodelay(&c->tcp, 1);
    uv_timer_start(&c->login_timer, on_login_timeout, login_timeout_ms(), 0);
    conn_resume_read(c);
}

int gl_rpc_listen(struct gl_server *srv, const char *addr, char *bound, size_t boundlen)
{
    struct sockaddr_storage ss;
    int r = gl_stream_addr(addr, &ss);
    if (r) return r;
    outpool.max = output_total_max();
    outpool.conn_max = output_max();
    uv_tcp_init(srv->loop, &srv->rpc_listener);
    return gl_stream_listen(&srv->rpc_listener, &ss, on_connection, bound, boundlen);
}

void gl_rpc_broadcast(const char *data, size_t len)
{
    for (struct gl_conn *c = gl_srv->conns; c; c = c->next) {
        if (!c->subscribed || c->closing) continue;
        uv_buf_t b = uv_buf_init((char *)data, (unsigned)len);
        conn_writev(c, &b, 1);
    }
}

void gl_rpc_close(struct gl_server *srv)
{
    if (!uv_is_closing((uv_handle_t *)&srv->rpc_listener))
        uv_close((uv_handle_t *)&srv->rpc_listener, NULL);
    for (struct gl_conn *c = srv->conns; c; c = c->next) conn_close(c);
}
