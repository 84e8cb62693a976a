/* The HTTP/1.1 responder (see http.h): connections, timeouts and answers. The bytes of each
 * request are parsed by server/httpparse.c. */
#include "http.h"

#include <http_parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "inbuf.h"
#include "outbuf.h"
#include "stream.h"
#include "log.h"
#include "util.h"
#include "xmalloc.h"

/* Past this much queued output, stop reading until the client catches up. */
#define MAX_QUEUED_OUTPUT ((size_t)4 << 20)
/* Past this much output queued across all connections, the one stalled longest is closed:
 * each holds at most one answer (an 8 MiB image at most), and 2,048 of them would be 16 GiB. */
#define MAX_QUEUED_TOTAL ((size_t)128 << 20)
/* Output that has not moved for this long is a slow reader's, and may be pushed out. */
#define STALLED_MS 1000
/* How long a connection closed after an error keeps draining what the client still sends, so
 * the answer is not lost to a reset. */
#define LINGER_MS 2000

struct gl_http_server {
    uv_tcp_t listener;
    uv_loop_t *loop;
    gl_http_handler_fn handler;
    void *ctx;
    struct gl_http_conn *conns;
    unsigned nconns;
    int refs; /* the listener, plus one per connection */
    bool closing;
    char *default_headers;
    struct gl_outpool out;             /* the connections' output, under one cap */
    bool (*trusted)(const char *peer); /* a proxy: exempt from the per-address cap */
};

enum timer_mode { TM_NONE, TM_REQUEST, TM_IDLE, TM_LINGER };

struct gl_http_conn {
    uv_tcp_t tcp;
    uv_timer_t timer;
    uv_shutdown_t shutdown;
    struct gl_httpparse hp; /* the request being read */
    struct gl_http_server *srv;
    struct gl_http_conn *next, *prev;
    struct gl_inbuf in; /* received bytes (common/inbuf.h) */
    struct gl_http_req *pending; /* with the handler */
    struct gl_outq out; /* queued output (common/outbuf.h) */
    int refs;
    enum timer_mode tmode;
    bool closing, reading, processing, lingering;
    char peer[64];
    uint64_t req_started; /* uv_hrtime() when the current request's head was complete */
};

static void conn_process(struct gl_http_conn *c);
static void conn_close(struct gl_http_conn *c);

/* ---- small helpers ---- */

unsigned gl_http_nconns(const struct gl_http_server *s)
{
    return s->nconns;
}

void gl_http_set_trusted(struct gl_http_server *s, bool (*trusted)(const char *peer))
{
    s->trusted = trusted;
}

void gl_http_set_default_headers(struct gl_http_server *s, const char *lines)
{
    free(s->default_headers);
    s->default_headers = xstrdup(lines ? lines : "");
}

static const char *status_text(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 204: return "No Content";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
    }
}

/* The Date header, formatted once per second. */
static const char *http_date(void)
{
    static char buf[40];
    static time_t last;
    time_t now = time(NULL);
    if (now != last) {
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
        last = now;
    }
    return buf;
}

/* ---- connection lifetime ---- */

static void server_unref(struct gl_http_server *s)
{
    if (--s->refs > 0) return;
    free(s->default_headers);
    free(s);
}

static void conn_unref(struct gl_http_conn *c)
{
    if (--c->refs > 0) return;
    struct gl_http_server *s = c->srv;
    if (c->prev)
        c->prev->next = c->next;
    else
        s->conns = c->next;
    if (c->next) c->next->prev = c->prev;
    s->nconns--;
    gl_httpparse_free(&c->hp);
    gl_inbuf_free(&c->in);
    free(c);
    server_unref(s);
}

static void on_handle_closed(uv_handle_t *h)
{
    conn_unref(h->data);
}

static void conn_close(struct gl_http_conn *c)
{
    if (uv_is_closing((uv_handle_t *)&c->tcp)) return;
    c->closing = true;
    c->lingering = false;
    /* Its writes are cancelled. (A lingering connection, its FIN sent, still counts.) */
    gl_outq_close(&c->out);
    uv_close((uv_handle_t *)&c->tcp, on_handle_closed);
    uv_close((uv_handle_t *)&c->timer, on_handle_closed);
}

static void timer_set(struct gl_http_conn *c, enum timer_mode m, uint64_t ms);

static void on_timer(uv_timer_t *t)
{
    struct gl_http_conn *c = t->data;
    if (c->tmode == TM_REQUEST && gl_inbuf_pending(&c->in) && !c->pending) {
        log_info("http: request timed out peer=%s", c->peer);
        /* Answered with 408, then closed. */
        c->tmode = TM_NONE;
        struct gl_http_resp resp = {.status = 408, .content_type = "text/plain; charset=utf-8",
                                    .body = "Request timeout\n", .body_len = 16, .close = true};
        struct gl_http_req fake = {.conn = c};
        struct gl_http_req *r = xcalloc(1, sizeof *r);
        *r = fake;
        c->pending = r;
        c->refs++;
        gl_http_respond(r, &resp);
        return;
    }
    conn_close(c);
}

static void timer_set(struct gl_http_conn *c, enum timer_mode m, uint64_t ms)
{
    c->tmode = m;
    if (m == TM_NONE)
        uv_timer_stop(&c->timer);
    else
        uv_timer_start(&c->timer, on_timer, ms, 0);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    (void)suggested;
    struct gl_http_conn *c = h->data;
    if (c->lingering) {
        static char sink[4096];
        *buf = uv_buf_init(sink, sizeof sink);
        return;
    }
    *buf = gl_inbuf_space(&c->in, 16384);
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    (void)buf;
    struct gl_http_conn *c = s->data;
    if (n < 0) {
        conn_close(c);
        return;
    }
    if (c->lingering || c->closing) return;
    if (n == 0) { /* nothing after all: the room on_alloc gave goes back */
        if (!c->pending) gl_inbuf_release_if_empty(&c->in);
        return;
    }
    if (!gl_inbuf_pending(&c->in) && !c->pending && c->tmode == TM_IDLE)
        timer_set(c, TM_REQUEST, GL_HTTP_TIMEOUT_MS);
    gl_inbuf_filled(&c->in, (size_t)n);
    conn_process(c);
}

static void start_reading(struct gl_http_conn *c)
{
    if (c->reading || c->closing) return;
    if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) == 0) c->reading = true;
}

static void stop_reading(struct gl_http_conn *c)
{
    if (!c->reading) return;
    uv_read_stop((uv_stream_t *)&c->tcp);
    c->reading = false;
}

static void on_shutdown(uv_shutdown_t *sh, int status)
{
    struct gl_http_conn *c = sh->data;
    if (status < 0) conn_close(c);
    conn_unref(c);
}

/* After the last answer: send FIN, keep reading (and dropping) a little while, then close. */
static void conn_linger(struct gl_http_conn *c)
{
    if (c->closing) return;
    c->closing = true;
    c->lingering = true;
    timer_set(c, TM_LINGER, LINGER_MS);
    c->shutdown.data = c;
    c->refs++;
    if (uv_shutdown(&c->shutdown, (uv_stream_t *)&c->tcp, on_shutdown) != 0) {
        c->refs--;
        conn_close(c);
        return;
    }
    if (!c->reading) {
        if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) == 0) c->reading = true;
    }
}

/* A queued write is done: the rest of the answer's work (see gl_outpool.written). */
static void on_written(struct gl_outq *q, int status, size_t len, bool close_after)
{
    (void)len;
    struct gl_http_conn *c = gl_container_of(q, struct gl_http_conn, out);
    if (status < 0 && !c->closing) conn_close(c);
    if (close_after && !c->closing) conn_linger(c);
    if (!c->closing && c->out.queued < MAX_QUEUED_OUTPUT / 2 && !c->pending) start_reading(c);
    conn_unref(c); /* the write's reference */
}

static void on_dropped(struct gl_outq *q)
{
    conn_close(gl_container_of(q, struct gl_http_conn, out));
}

/* Writes bufs in order (gl_outq_writev), then lingers when this was the last answer. */
static void conn_writev(struct gl_http_conn *c, uv_buf_t *bufs, unsigned n, bool close_after)
{
    if (c->closing) return;
    switch (gl_outq_writev(&c->out, bufs, n, close_after)) {
    case GL_OUTQ_WRITTEN:
        if (close_after) conn_linger(c);
        break;
    case GL_OUTQ_QUEUED:
        c->refs++; /* released by on_written */
        if (c->out.queued > MAX_QUEUED_OUTPUT) stop_reading(c);
        break;
    case GL_OUTQ_CLOSED: break;
    }
}

/* ---- answers ---- */

/* The path as the access log shows it: a link's token is a password, so /l/TOKEN... becomes
 * /l/<redacted>...; the query is left out (it may carry anything); control bytes become '?'. */
static void loggable_path(const struct gl_http_req *req, char *out, size_t n)
{
    const char *p = req->path ? req->path : "-";
    size_t o = 0;
    if (strncmp(p, "/l/", 3) == 0) {
        const char *rest = strchr(p + 3, '/');
        o = (size_t)snprintf(out, n, "/l/<redacted>");
        p = rest ? rest : "";
    }
    for (; *p && o + 1 < n; p++)
        out[o++] = (unsigned char)*p < 0x21 || *p == '"' || (unsigned char)*p >= 0x7f ? '?' : *p;
    out[o < n ? o : n - 1] = '\0';
}

/* One access line per answer: method, path (redacted), status, bytes, duration, peer. */
static void log_access(const struct gl_http_req *req, const struct gl_http_resp *resp)
{
    const struct gl_http_conn *c = req->conn;
    char path[160];
    loggable_path(req, path, sizeof path);
    double ms = c->req_started ? (double)(uv_hrtime() - c->req_started) / 1e6 : 0;
    log_info("http: access method=%s path=\"%s\" status=%d bytes=%zu duration_ms=%.1f peer=%s",
             http_method_str((enum http_method)req->method), path, resp->status,
             req->head ? 0 : resp->body_len, ms, c->peer);
}

void gl_http_respond(struct gl_http_req *req, const struct gl_http_resp *resp)
{
    struct gl_http_conn *c = req->conn;
    log_access(req, resp);
    bool close = resp->close || !req->keep_alive || c->srv->closing;
    if (!c->closing) {
        /* A 304 has no body and must not claim one of 0 (RFC 9110 8.6); every other answer
         * says its length, 0 included (a client reads a body it is not told the end of until
         * the connection closes). */
        char length[48] = "";
        if (resp->status != 304)
            snprintf(length, sizeof length, "Content-Length: %zu\r\n", resp->body_len);
        char head[1024];
        int n = snprintf(head, sizeof head, "HTTP/1.1 %d %s\r\nDate: %s\r\n%s%s%s%s%s%s\r\n",
                         resp->status, status_text(resp->status), http_date(),
                         resp->content_type ? "Content-Type: " : "",
                         resp->content_type ? resp->content_type : "",
                         resp->content_type ? "\r\n" : "",
                         c->srv->default_headers ? c->srv->default_headers : "", length,
                         close ? "Connection: close\r\n" : "");
        if (n < 0 || (size_t)n >= sizeof head) n = 0;
        size_t extra = resp->headers ? strlen(resp->headers) : 0;
        /* The extra headers go before the blank line that ends the head. */
        uv_buf_t bufs[4];
        unsigned nb = 0;
        bufs[nb++] = uv_buf_init(head, (unsigned)(n - 2));
        if (extra) bufs[nb++] = uv_buf_init((char *)resp->headers, (unsigned)extra);
        bufs[nb++] = uv_buf_init((char *)"\r\n", 2);
        if (resp->body_len && !req->head)
            bufs[nb++] = uv_buf_init((char *)resp->body, (unsigned)resp->body_len);
        conn_writev(c, bufs, nb, close);
    }
    if (c->pending == req) c->pending = NULL;
    gl_http_req_free(req);
    if (!c->closing) {
        bool more = gl_inbuf_pending(&c->in) > 0;
        timer_set(c, more ? TM_REQUEST : TM_IDLE, more ? GL_HTTP_TIMEOUT_MS : GL_HTTP_IDLE_MS);
    }
    bool resume = !c->processing && !c->closing;
    if (resume) conn_process(c);
    conn_unref(c); /* the request's reference */
}

/* An error found by the responder itself: answer, then close. */
static void conn_fail(struct gl_http_conn *c, int status, const char *why)
{
    log_info("http: refused request peer=%s status=%d reason=\"%s\"", c->peer, status, why);
    struct gl_http_req *r = c->hp.cur; /* what was read of it, for the access line */
    c->hp.cur = NULL;
    if (!r) r = gl_http_req_new();
    free(r->body);
    r->body = NULL;
    r->conn = c;
    r->head = false;
    c->pending = r;
    c->refs++;
    char body[128];
    int n = snprintf(body, sizeof body, "%d %s: %s\n", status, status_text(status), why);
    struct gl_http_resp resp = {.status = status, .content_type = "text/plain; charset=utf-8",
                                .body = body, .body_len = (size_t)n, .close = true};
    gl_http_respond(r, &resp);
}

static void dispatch(struct gl_http_conn *c)
{
    struct gl_http_req *r = c->pending;
    c->refs++; /* released by gl_http_respond */
    timer_set(c, TM_NONE, 0);
    snprintf(r->peer, sizeof r->peer, "%s", c->peer);
    r->conn = c;
    c->srv->handler(r, c->srv->ctx);
}

static void conn_process(struct gl_http_conn *c)
{
    c->processing = true;
    while (!c->closing && !c->pending && gl_inbuf_pending(&c->in)) {
        size_t used;
        struct gl_http_req *r;
        struct gl_httpparse_error err;
        enum gl_httpparse_result res = gl_httpparse_feed(
            &c->hp, gl_inbuf_data(&c->in), gl_inbuf_pending(&c->in), &used, &r, &err);
        gl_inbuf_consume(&c->in, used);
        if (c->hp.continue_due) {
            c->hp.continue_due = false;
            uv_buf_t b = uv_buf_init((char *)"HTTP/1.1 100 Continue\r\n\r\n", 25);
            if (!c->closing) conn_writev(c, &b, 1, false);
        }
        if (res == GL_HP_HEAD) {
            c->req_started = uv_hrtime();
            continue;
        }
        if (res == GL_HP_REQUEST) {
            c->pending = r;
            dispatch(c);
            continue;
        }
        if (res == GL_HP_ERROR) conn_fail(c, err.status, err.why);
        break;
    }
    c->processing = false;
    /* A visitor between requests keeps no input buffer (the next read allocates one): 1,000
     * kept-alive visitors held 16 KiB each (bench/README.md, "Scale"). */
    if (!c->closing && !c->pending) gl_inbuf_release_if_empty(&c->in);
}

/* ---- listening ---- */

static void refuse_busy(struct gl_http_conn *c)
{
    static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
                               "Retry-After: 5\r\nConnection: close\r\n\r\n";
    uv_buf_t b = uv_buf_init((char *)busy, sizeof busy - 1);
    uv_try_write((uv_stream_t *)&c->tcp, &b, 1);
    conn_close(c);
}

/* Keeps one address within GL_HTTP_MAX_CONNS_PER_ADDRESS (a trusted proxy speaks for many and
 * is exempt): at the cap, its oldest idle connection (no request begun, nothing queued) makes
 * room, so a stranger's idle sockets cannot keep its own next request, or anyone's, out.
 * Returns false when every one of them is busy. The list is newest first. */
static bool admit_from_peer(struct gl_http_server *s, struct gl_http_conn *c)
{
    if (s->trusted && s->trusted(c->peer)) return true;
    unsigned n = 0;
    struct gl_http_conn *idle = NULL;
    for (struct gl_http_conn *o = s->conns; o; o = o->next) {
        if (o == c || o->closing || strcmp(o->peer, c->peer) != 0) continue;
        n++;
        if (!o->hp.cur && !o->pending && !gl_inbuf_pending(&o->in) && o->out.queued == 0) idle = o;
    }
    if (n < GL_HTTP_MAX_CONNS_PER_ADDRESS) return true;
    if (!idle) return false;
    conn_close(idle);
    return true;
}

static void on_connection(uv_stream_t *server, int status)
{
    struct gl_http_server *s = server->data;
    if (status < 0) return;
    struct gl_http_conn *c = xcalloc(1, sizeof *c);
    c->srv = s;
    s->refs++;
    uv_tcp_init(s->loop, &c->tcp);
    uv_timer_init(s->loop, &c->timer);
    c->tcp.data = c->timer.data = c;
    c->refs = 2;
    gl_httpparse_init(&c->hp);
    gl_outq_open(&s->out, &c->out, (uv_stream_t *)&c->tcp, c->peer);
    c->next = s->conns;
    if (c->next) c->next->prev = c;
    s->conns = c;
    s->nconns++;
    if (uv_accept(server, (uv_stream_t *)&c->tcp) != 0 || s->closing) {
        conn_close(c);
        return;
    }
    if (s->nconns > GL_HTTP_MAX_CONNS) {
        refuse_busy(c);
        return;
    }
    gl_stream_peer(&c->tcp, c->peer, sizeof c->peer);
    if (!admit_from_peer(s, c)) {
        log_warn("http: refusing connection peer=%s reason=\"address at its %u\"", c->peer,
                 GL_HTTP_MAX_CONNS_PER_ADDRESS);
        refuse_busy(c);
        return;
    }
    uv_tcp_nodelay(&c->tcp, 1);
    timer_set(c, TM_REQUEST, GL_HTTP_TIMEOUT_MS);
    start_reading(c);
}

static void on_listener_closed(uv_handle_t *h)
{
    server_unref(h->data);
}

struct gl_http_server *gl_http_listen(uv_loop_t *loop, const char *addr, gl_http_handler_fn fn,
                                      void *ctx, char *bound, size_t boundlen, int *err)
{
    struct sockaddr_storage ss;
    int r = gl_stream_addr(addr, &ss);
    if (r) {
        *err = r;
        return NULL;
    }
    struct gl_http_server *s = xcalloc(1, sizeof *s);
    s->loop = loop;
    s->handler = fn;
    s->ctx = ctx;
    s->refs = 1;
    s->out = (struct gl_outpool){.name = "http", .max = MAX_QUEUED_TOTAL, .stalled_ms = STALLED_MS,
                                 .close = on_dropped, .written = on_written};
    uv_tcp_init(loop, &s->listener);
    s->listener.data = s;
    r = gl_stream_listen(&s->listener, &ss, on_connection, bound, boundlen);
    if (r) {
        *err = r;
        s->closing = true;
        uv_close((uv_handle_t *)&s->listener, on_listener_closed);
        return NULL;
    }
    return s;
}

void gl_http_close(struct gl_http_server *s)
{
    if (!s || s->closing) return;
    s->closing = true;
    uv_close((uv_handle_t *)&s->listener, on_listener_closed);
    for (struct gl_http_conn *c = s->conns; c; c = c->next) conn_close(c);
}
