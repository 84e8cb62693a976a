/* RPC client on libuv (conn.h): one socket at a time, replaced on loss after a backoff. */
#include "conn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpscan.h"
#include "xmalloc.h"

#define RETRY_FIRST_MS 250
#define RETRY_MAX_MS 5000
/* Replies (a month of posts, a post with its comments) are far below this; it bounds what a
 * confused peer can make us buffer. */
#define REPLY_MAX_BYTES ((size_t)64 << 20)

struct pending {
    uint32_t msgid;
    bool sent; /* false: queued while offline, to be failed soon */
    conn_reply_fn cb;
    void *ud;
    uint64_t tag;
};

/* One socket's life: freed in its close callback, never reused, so a late libuv callback can
 * never touch the next connection's state. */
struct sock {
    uv_tcp_t tcp;
    uv_connect_t connect;
    struct conn *owner; /* NULL once abandoned */
    bool closing;
};

struct write_req {
    uv_write_t w;
    struct conn *owner;
    struct sock *s;
    char *data;
};

struct conn {
    uv_loop_t *loop;
    char *host;
    int port;
    struct conn_handlers h;
    enum conn_state state;
    struct sock *sock;
    uv_getaddrinfo_t gai;
    bool resolving;
    uv_timer_t retry;
    uv_timer_t fail; /* answers requests made while offline, outside the caller's stack */
    long retry_ms;
    uint64_t retry_at;
    bool stopped;
    uint32_t next_msgid;
    uint32_t cur_id; /* of the request being packed */
    struct pending *pend;
    size_t npend, cappend;
    msgpack_sbuffer out; /* the request being packed */
    msgpack_packer pk;
    char *in;
    size_t in_len, in_cap;
    struct gl_mp_scanner scan;
    int closes_pending;
};

static void schedule_retry(struct conn *c);
static void try_connect(struct conn *c);

enum conn_state conn_state(const struct conn *c)
{
    return c->state;
}

long conn_retry_in_ms(const struct conn *c)
{
    if (c->state != CONN_OFFLINE || !uv_is_active((const uv_handle_t *)&c->retry)) return -1;
    uint64_t now = uv_now(c->loop);
    return c->retry_at > now ? (long)(c->retry_at - now) : 0;
}

static void set_state(struct conn *c, enum conn_state st, const char *detail)
{
    c->state = st;
    if (c->h.state) c->h.state(c->h.ud, st, detail ? detail : "");
}

static void fail_all(struct conn *c, bool only_unsent, const char *why)
{
    /* Callbacks may issue new requests (growing pend), so take the list first. */
    struct pending *list = c->pend;
    size_t n = c->npend;
    struct pending *keep = xcalloc(c->cappend ? c->cappend : 1, sizeof *keep);
    size_t nkeep = 0;
    struct pending *fire = xcalloc(n ? n : 1, sizeof *fire);
    size_t nfire = 0;
    for (size_t i = 0; i < n; i++) {
        if (only_unsent && list[i].sent)
            keep[nkeep++] = list[i];
        else
            fire[nfire++] = list[i];
    }
    free(list);
    c->pend = keep;
    c->npend = nkeep;
    struct gl_err err;
    gl_err_set(&err, GL_E_UNAVAILABLE, "%s", why);
    for (size_t i = 0; i < nfire; i++)
        fire[i].cb(fire[i].ud, fire[i].tag, &err, NULL);
    free(fire);
}

static void on_sock_closed(uv_handle_t *h)
{
    struct sock *s = h->data;
    free(s);
}

static void sock_abandon(struct conn *c)
{
    struct sock *s = c->sock;
    if (!s) return;
    c->sock = NULL;
    s->owner = NULL;
    if (!s->closing) {
        s->closing = true;
        uv_close((uv_handle_t *)&s->tcp, on_sock_closed);
    }
    c->in_len = 0;
    gl_mp_scanner_reset(&c->scan);
}

static void lost(struct conn *c, const char *why)
{
    sock_abandon(c);
    bool was = c->state != CONN_OFFLINE;
    c->state = CONN_OFFLINE;
    fail_all(c, false, why);
    if (was) set_state(c, CONN_OFFLINE, why);
    schedule_retry(c);
}

void conn_drop(struct conn *c, const char *why)
{
    if (c->sock) lost(c, why);
}

static void on_retry(uv_timer_t *t)
{
    struct conn *c = t->data;
    try_connect(c);
}

static void schedule_retry(struct conn *c)
{
    if (c->stopped) return;
    c->retry_at = uv_now(c->loop) + (uint64_t)c->retry_ms;
    uv_timer_start(&c->retry, on_retry, (uint64_t)c->retry_ms, 0);
    c->retry_ms = c->retry_ms * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : c->retry_ms * 2;
}

static void handle_frame(struct conn *c, const char *p, size_t n)
{
    msgpack_unpacked u;
    msgpack_unpacked_init(&u);
    size_t off = 0;
    if (msgpack_unpack_next(&u, p, n, &off) != MSGPACK_UNPACK_SUCCESS) {
        msgpack_unpacked_destroy(&u);
        lost(c, "the daemon sent bad data");
        return;
    }
    struct gl_rpc_msg m;
    struct gl_err err = {0};
    if (gl_rpc_parse(&u.data, &m, &err) != 0) {
        msgpack_unpacked_destroy(&u);
        lost(c, "the daemon sent a bad message");
        return;
    }
    if (m.type == GL_MSG_NOTIFY) {
        if (c->h.notify) c->h.notify(c->h.ud, m.method, m.method_len, m.params);
    } else if (m.type == GL_MSG_RESPONSE) {
        size_t i;
        for (i = 0; i < c->npend; i++)
            if (c->pend[i].sent && c->pend[i].msgid == m.msgid) break;
        if (i < c->npend) {
            struct pending p = c->pend[i];
            memmove(&c->pend[i], &c->pend[i + 1], (c->npend - i - 1) * sizeof *c->pend);
            c->npend--;
            if (m.error && m.error->type != MSGPACK_OBJECT_NIL) {
                gl_rpc_error_read(m.error, &err);
                p.cb(p.ud, p.tag, &err, NULL);
            } else {
                p.cb(p.ud, p.tag, NULL, m.result);
            }
        } else if (m.msgid == 0 && m.error && m.error->type != MSGPACK_OBJECT_NIL) {
            /* A protocol error: the daemon closes the connection after it. */
            gl_rpc_error_read(m.error, &err);
            msgpack_unpacked_destroy(&u);
            lost(c, err.message);
            return;
        }
    }
    msgpack_unpacked_destroy(&u);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    struct sock *s = h->data;
    struct conn *c = s->owner;
    (void)suggested;
    if (!c) {
        buf->base = NULL;
        buf->len = 0;
        return;
    }
    if (c->in_cap - c->in_len < 65536) {
        c->in_cap = c->in_cap ? c->in_cap * 2 : 131072;
        c->in = xrealloc(c->in, c->in_cap);
    }
    buf->base = c->in + c->in_len;
    buf->len = c->in_cap - c->in_len;
}

static void on_read(uv_stream_t *st, ssize_t nread, const uv_buf_t *buf)
{
    struct sock *s = st->data;
    struct conn *c = s->owner;
    (void)buf;
    if (!c || c->sock != s) return;
    if (nread < 0) {
        lost(c, nread == UV_EOF ? "the daemon closed the connection" : uv_strerror((int)nread));
        return;
    }
    c->in_len += (size_t)nread;
    const struct gl_mp_limits lim = {REPLY_MAX_BYTES, GL_MP_MAX_DEPTH, 4000000};
    size_t start = 0;
    while (c->sock == s && start < c->in_len) {
        long r = gl_mp_scan(&c->scan, c->in + start, c->in_len - start, &lim);
        if (r == GL_MP_NEED_MORE) break;
        if (r < 0) {
            char why[96];
            snprintf(why, sizeof why, "bad reply from the daemon: %s", gl_mp_result_str(r));
            lost(c, why);
            return;
        }
        gl_mp_scanner_reset(&c->scan);
        handle_frame(c, c->in + start, (size_t)r);
        start += (size_t)r;
    }
    if (c->sock != s) return; /* a handler dropped the connection; buffers were reset */
    /* Keep the unfinished frame at the start: the scanner's position is relative to it. */
    memmove(c->in, c->in + start, c->in_len - start);
    c->in_len -= start;
}

static void on_connect(uv_connect_t *req, int status)
{
    struct sock *s = req->data;
    struct conn *c = s->owner;
    if (!c) return;
    if (status < 0) {
        sock_abandon(c);
        c->state = CONN_OFFLINE;
        set_state(c, CONN_OFFLINE, uv_strerror(status));
        schedule_retry(c);
        return;
    }
    uv_tcp_nodelay(&s->tcp, 1);
    if (uv_read_start((uv_stream_t *)&s->tcp, on_alloc, on_read) != 0) {
        lost(c, "cannot read from the socket");
        return;
    }
    c->retry_ms = RETRY_FIRST_MS;
    set_state(c, CONN_ONLINE, "");
}

static void connect_addr(struct conn *c, const struct sockaddr *addr)
{
    struct sock *s = xcalloc(1, sizeof *s);
    s->owner = c;
    uv_tcp_init(c->loop, &s->tcp);
    s->tcp.data = s;
    s->connect.data = s;
    c->sock = s;
    int rc = uv_tcp_connect(&s->connect, &s->tcp, addr, on_connect);
    if (rc) {
        sock_abandon(c);
        c->state = CONN_OFFLINE;
        set_state(c, CONN_OFFLINE, uv_strerror(rc));
        schedule_retry(c);
    }
}

static void on_resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *res)
{
    struct conn *c = req->data;
    c->resolving = false;
    if (c->stopped) {
        if (res) uv_freeaddrinfo(res);
        return;
    }
    if (status < 0 || !res) {
        c->state = CONN_OFFLINE;
        set_state(c, CONN_OFFLINE, uv_strerror(status));
        schedule_retry(c);
        return;
    }
    connect_addr(c, res->ai_addr);
    uv_freeaddrinfo(res);
}

static void try_connect(struct conn *c)
{
    if (c->stopped || c->sock || c->resolving) return;
    set_state(c, CONN_CONNECTING, "");
    struct sockaddr_storage ss;
    if (uv_ip4_addr(c->host, c->port, (struct sockaddr_in *)&ss) == 0 ||
        uv_ip6_addr(c->host, c->port, (struct sockaddr_in6 *)&ss) == 0) {
        connect_addr(c, (struct sockaddr *)&ss);
        return;
    }
    char port[16];
    snprintf(port, sizeof port, "%d", c->port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    c->gai.data = c;
    c->resolving = true;
    int rc = uv_getaddrinfo(c->loop, &c->gai, on_resolved, c->host, port, &hints);
    if (rc) {
        c->resolving = false;
        c->state = CONN_OFFLINE;
        set_state(c, CONN_OFFLINE, uv_strerror(rc));
        schedule_retry(c);
    }
}

struct conn *conn_new(uv_loop_t *loop, const char *host, int port, struct conn_handlers h)
{
    struct conn *c = xcalloc(1, sizeof *c);
    c->loop = loop;
    c->host = xstrdup(host);
    c->port = port;
    c->h = h;
    c->retry_ms = RETRY_FIRST_MS;
    c->next_msgid = 1;
    uv_timer_init(loop, &c->retry);
    uv_timer_init(loop, &c->fail);
    c->retry.data = c->fail.data = c;
    msgpack_sbuffer_init(&c->out);
    msgpack_packer_init(&c->pk, &c->out, msgpack_sbuffer_write);
    return c;
}

void conn_start(struct conn *c)
{
    try_connect(c);
}

static void on_timer_closed(uv_handle_t *h)
{
    struct conn *c = h->data;
    c->closes_pending--;
}

void conn_close(struct conn *c)
{
    if (c->stopped) return;
    c->stopped = true;
    sock_abandon(c);
    if (c->resolving) uv_cancel((uv_req_t *)&c->gai);
    c->closes_pending = 2;
    uv_close((uv_handle_t *)&c->retry, on_timer_closed);
    uv_close((uv_handle_t *)&c->fail, on_timer_closed);
    /* Nobody is left to answer: drop the callbacks without calling them. */
    c->npend = 0;
}

void conn_free(struct conn *c)
{
    if (!c) return;
    free(c->pend);
    free(c->in);
    free(c->host);
    msgpack_sbuffer_destroy(&c->out);
    free(c);
}

msgpack_packer *conn_begin(struct conn *c, const char *method)
{
    msgpack_sbuffer_clear(&c->out);
    uint32_t id = c->next_msgid++;
    if (c->next_msgid == 0) c->next_msgid = 1;
    c->cur_id = id;
    gl_rpc_pack_request(&c->pk, id, method);
    return &c->pk;
}

static void on_write(uv_write_t *w, int status)
{
    struct write_req *wr = (struct write_req *)w;
    struct conn *c = wr->s->owner;
    free(wr->data);
    if (status < 0 && c && c->sock == wr->s) lost(c, uv_strerror(status));
    free(wr);
}

static void on_fail_timer(uv_timer_t *t)
{
    struct conn *c = t->data;
    fail_all(c, true, "not connected to the daemon");
}

void conn_send(struct conn *c, conn_reply_fn cb, void *ud, uint64_t tag)
{
    uint32_t id = c->cur_id;
    if (c->npend == c->cappend) {
        c->cappend = c->cappend ? c->cappend * 2 : 16;
        c->pend = xrealloc(c->pend, c->cappend * sizeof *c->pend);
    }
    bool online = c->state == CONN_ONLINE && c->sock && !c->stopped;
    c->pend[c->npend++] = (struct pending){id, online, cb, ud, tag};
    if (!online) {
        if (!c->stopped) uv_timer_start(&c->fail, on_fail_timer, 0, 0);
        return;
    }
    struct write_req *wr = xcalloc(1, sizeof *wr);
    wr->owner = c;
    wr->s = c->sock;
    wr->data = xmalloc(c->out.size);
    memcpy(wr->data, c->out.data, c->out.size);
    uv_buf_t b = uv_buf_init(wr->data, (unsigned)c->out.size);
    int rc = uv_write(&wr->w, (uv_stream_t *)&c->sock->tcp, &b, 1, on_write);
    if (rc) {
        free(wr->data);
        free(wr);
        lost(c, uv_strerror(rc));
    }
}

void conn_call0(struct conn *c, const char *method, conn_reply_fn cb, void *ud, uint64_t tag)
{
    msgpack_packer *pk = conn_begin(c, method);
    msgpack_pack_map(pk, 0);
    conn_send(c, cb, ud, tag);
}
