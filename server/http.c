/* The HTTP/1.1 responder (see http.h). Bytes are checked by hand up to the end of the header
 * section before http-parser sees them: Debian's http-parser is built non-strict and accepts
 * bare CR, bare LF and a space before the colon, all known request-smuggling vectors. */
#include "http.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <http_parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "inbuf.h"
#include "outbuf.h"
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
    size_t queued;                      /* output queued on every connection */
    bool (*trusted)(const char *peer); /* a proxy: exempt from the per-address cap */
};

enum timer_mode { TM_NONE, TM_REQUEST, TM_IDLE, TM_LINGER };

struct gl_http_conn {
    uv_tcp_t tcp;
    uv_timer_t timer;
    uv_shutdown_t shutdown;
    http_parser parser;
    struct gl_http_server *srv;
    struct gl_http_conn *next, *prev;
    char *in;
    size_t in_start, in_len, in_cap;
    /* The head of the next request: validated bytes after in_start, and the line state. */
    size_t scanned;
    bool in_head;
    struct gl_http_req *cur;     /* being parsed */
    struct gl_http_req *pending; /* with the handler */
    int fail_status;             /* set by a callback that refuses the request */
    bool last_was_value;
    size_t queued;
    uint64_t stalled_since; /* loop time of the last write that completed (or was queued) */
    int refs;
    enum timer_mode tmode;
    bool closing, reading, processing, lingering;
    char peer[64];
    uint64_t req_started; /* uv_hrtime() when the current request's head was complete */
};

/* A request with its own copy of the head's strings. */
struct req_full {
    struct gl_http_req r;
    size_t used;
    size_t body_cap;
    char arena[2 * GL_HTTP_MAX_HEAD + 2 * GL_HTTP_MAX_HEADERS + 64];
};

struct write_req {
    uv_write_t w;
    struct gl_http_conn *conn;
    size_t len;
    bool close_after;
    char data[];
};

static http_parser_settings settings;

static void conn_process(struct gl_http_conn *c);
static void conn_close(struct gl_http_conn *c);

/* ---- small helpers ---- */

const char *gl_http_header(const struct gl_http_req *r, const char *name)
{
    for (unsigned i = 0; i < r->nheaders; i++)
        if (strcmp(r->headers[i].name, name) == 0) return r->headers[i].value;
    return NULL;
}

unsigned gl_http_header_count(const struct gl_http_req *r, const char *name)
{
    unsigned n = 0;
    for (unsigned i = 0; i < r->nheaders; i++) n += strcmp(r->headers[i].name, name) == 0;
    return n;
}

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

static bool is_tchar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           strchr("!#$%&'*+-.^_`|~", c) != NULL;
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

static void req_free(struct gl_http_req *r)
{
    if (!r) return;
    free(r->body);
    free(r);
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
    req_free(c->cur);
    free(c->in);
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
    uv_close((uv_handle_t *)&c->tcp, on_handle_closed);
    uv_close((uv_handle_t *)&c->timer, on_handle_closed);
}

static void timer_set(struct gl_http_conn *c, enum timer_mode m, uint64_t ms);

static void on_timer(uv_timer_t *t)
{
    struct gl_http_conn *c = t->data;
    if (c->tmode == TM_REQUEST && c->in_len > c->in_start && !c->pending) {
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
    gl_inbuf_reserve(&c->in, &c->in_start, &c->in_len, &c->in_cap, 16384);
    *buf = uv_buf_init(c->in + c->in_len, (unsigned)(c->in_cap - c->in_len));
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
    if (n == 0) return;
    if (c->in_len == c->in_start && !c->pending && c->tmode == TM_IDLE)
        timer_set(c, TM_REQUEST, GL_HTTP_TIMEOUT_MS);
    c->in_len += (size_t)n;
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

static void on_write(uv_write_t *w, int status)
{
    struct write_req *wr = (struct write_req *)w;
    struct gl_http_conn *c = wr->conn;
    c->queued -= wr->len;
    c->srv->queued -= wr->len;
    if (status == 0) c->stalled_since = uv_now(c->srv->loop);
    if (status < 0 && !c->closing) conn_close(c);
    if (wr->close_after && !c->closing) conn_linger(c);
    if (!c->closing && c->queued < MAX_QUEUED_OUTPUT / 2 && !c->pending) start_reading(c);
    conn_unref(c);
    free(wr);
}

/* Makes room under MAX_QUEUED_TOTAL for n more bytes of c's, before they are copied: the
 * connections whose output has stood still the longest (the most queued among equals) are
 * closed, but only output that has not moved for STALLED_MS (as in server/rpc_conn.c: in a burst
 * nobody displaces an equal). Returns false when there is none, or c is the slowest: c then
 * goes without its answer. A closing connection's writes are cancelled, so only open ones
 * count. */
static bool make_room(struct gl_http_conn *c, size_t n)
{
    struct gl_http_server *s = c->srv;
    if (s->queued + n <= MAX_QUEUED_TOTAL) return true;
    uint64_t now = uv_now(s->loop);
    size_t live = 0;
    for (struct gl_http_conn *o = s->conns; o; o = o->next)
        if (!uv_is_closing((uv_handle_t *)&o->tcp)) live += o->queued;
    while (live + n > MAX_QUEUED_TOTAL) {
        struct gl_http_conn *slow = NULL;
        for (struct gl_http_conn *o = s->conns; o; o = o->next) {
            if (uv_is_closing((uv_handle_t *)&o->tcp) || o->queued == 0 ||
                o->stalled_since + STALLED_MS > now)
                continue;
            if (!slow || o->stalled_since < slow->stalled_since ||
                (o->stalled_since == slow->stalled_since && o->queued > slow->queued))
                slow = o;
        }
        if (!slow || slow == c) return false;
        log_warn("http: dropping slow client peer=%s queued=%zu reason=\"output cap\"",
                 slow->peer, slow->queued);
        live -= slow->queued;
        conn_close(slow);
    }
    return true;
}

/* Writes bufs in order: what the socket takes now at once, the rest in one queued copy. */
static void conn_writev(struct gl_http_conn *c, uv_buf_t *bufs, unsigned n, bool close_after)
{
    if (c->closing) return;
    size_t total = gl_outbuf_len(bufs, n);
    size_t done = 0;
    if (c->queued == 0) {
        long r = gl_outbuf_try_write((uv_stream_t *)&c->tcp, bufs, n);
        if (r < 0) {
            conn_close(c);
            return;
        }
        done = (size_t)r;
        if (done == total) {
            if (close_after) conn_linger(c);
            return;
        }
    }
    if (!make_room(c, total - done)) {
        log_warn("http: dropping client peer=%s reason=\"output cap, nothing older to drop\"",
                 c->peer);
        conn_close(c);
        return;
    }
    struct write_req *wr = xmalloc(sizeof *wr + total - done);
    size_t off = gl_outbuf_gather(wr->data, bufs, n, done);
    wr->conn = c;
    wr->len = off;
    wr->close_after = close_after;
    if (c->queued == 0) c->stalled_since = uv_now(c->srv->loop);
    c->queued += off;
    c->srv->queued += off;
    c->refs++;
    uv_buf_t b = uv_buf_init(wr->data, (unsigned)off);
    if (uv_write(&wr->w, (uv_stream_t *)&c->tcp, &b, 1, on_write) < 0) {
        c->queued -= off;
        c->srv->queued -= off;
        c->refs--;
        free(wr);
        conn_close(c);
        return;
    }
    if (c->queued > MAX_QUEUED_OUTPUT) stop_reading(c);
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
    bool no_length = resp->status == 304;
    if (!c->closing) {
        char head[1024];
        int n = snprintf(head, sizeof head,
                         "HTTP/1.1 %d %s\r\nDate: %s\r\n%s%s%s%s%s%.0zu%s%s\r\n",
                         resp->status, status_text(resp->status), http_date(),
                         resp->content_type ? "Content-Type: " : "",
                         resp->content_type ? resp->content_type : "",
                         resp->content_type ? "\r\n" : "",
                         c->srv->default_headers ? c->srv->default_headers : "",
                         /* A 304 has no body and must not claim one of 0 (RFC 9110 8.6). */
                         no_length ? "" : "Content-Length: ", no_length ? (size_t)0 : resp->body_len,
                         no_length ? "" : "\r\n", close ? "Connection: close\r\n" : "");
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
    req_free(req);
    if (!c->closing) {
        timer_set(c, c->in_len > c->in_start ? TM_REQUEST : TM_IDLE,
                  c->in_len > c->in_start ? GL_HTTP_TIMEOUT_MS : GL_HTTP_IDLE_MS);
    }
    bool resume = !c->processing && !c->closing;
    if (resume) conn_process(c);
    conn_unref(c); /* the request's reference */
}

/* An error found by the responder itself: answer, then close. */
static void conn_fail(struct gl_http_conn *c, int status, const char *why)
{
    log_info("http: refused request peer=%s status=%d reason=\"%s\"", c->peer, status, why);
    struct gl_http_req *r = c->cur;
    c->cur = NULL;
    if (!r) r = xcalloc(1, sizeof(struct req_full));
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

/* ---- parsing ---- */

static char *arena_copy(struct req_full *f, const char *s, size_t n)
{
    if (f->used + n + 1 > sizeof f->arena) return NULL;
    char *p = f->arena + f->used;
    memcpy(p, s, n);
    p[n] = '\0';
    f->used += n + 1;
    return p;
}

/* Appends to the string that ends the arena (the last one copied). */
static bool arena_append(struct req_full *f, char **str, const char *s, size_t n)
{
    if (!*str) {
        *str = arena_copy(f, s, n);
        return *str != NULL;
    }
    if (f->used + n > sizeof f->arena) return false;
    /* *str is the last string: overwrite its NUL and extend. */
    size_t len = strlen(*str);
    memcpy(*str + len, s, n);
    (*str)[len + n] = '\0';
    f->used += n;
    return true;
}

static int cb_url(http_parser *p, const char *at, size_t n)
{
    struct gl_http_conn *c = p->data;
    struct req_full *f = (struct req_full *)c->cur;
    size_t have = f->r.url ? strlen(f->r.url) : 0;
    if (have + n > GL_HTTP_MAX_URL) {
        c->fail_status = 414;
        return 1;
    }
    if (!arena_append(f, &f->r.url, at, n)) {
        c->fail_status = 431;
        return 1;
    }
    return 0;
}

static int cb_header_field(http_parser *p, const char *at, size_t n)
{
    struct gl_http_conn *c = p->data;
    struct req_full *f = (struct req_full *)c->cur;
    for (size_t i = 0; i < n; i++) {
        if (!is_tchar((unsigned char)at[i])) {
            c->fail_status = 400;
            return 1;
        }
    }
    struct gl_http_header *h;
    if (c->last_was_value || f->r.nheaders == 0) {
        if (f->r.nheaders == GL_HTTP_MAX_HEADERS) {
            c->fail_status = 431;
            return 1;
        }
        h = &f->r.headers[f->r.nheaders++];
        h->name = h->value = NULL;
        c->last_was_value = false;
    } else {
        h = &f->r.headers[f->r.nheaders - 1];
    }
    if (!arena_append(f, &h->name, at, n)) {
        c->fail_status = 431;
        return 1;
    }
    return 0;
}

static int cb_header_value(http_parser *p, const char *at, size_t n)
{
    struct gl_http_conn *c = p->data;
    struct req_full *f = (struct req_full *)c->cur;
    if (f->r.nheaders == 0) {
        c->fail_status = 400;
        return 1;
    }
    struct gl_http_header *h = &f->r.headers[f->r.nheaders - 1];
    if (!c->last_was_value) {
        c->last_was_value = true;
        h->value = NULL;
    }
    if (!arena_append(f, &h->value, at, n)) {
        c->fail_status = 431;
        return 1;
    }
    return 0;
}

/* RFC 3986 unreserved / sub-delims: what a reg-name and an IPvFuture are made of. */
static bool is_host_char(unsigned char c)
{
    return isalnum(c) || strchr("-._~!$&'()*+,;=", c) != NULL;
}

/* A Host value as RFC 9112 section 3.2 has it: uri-host [":" port], where uri-host is an
 * IP-literal ("[" IPv6address or IPvFuture "]"), an IPv4 address or a reg-name (unreserved,
 * percent-encoded and sub-delims characters; an IPv4 address is one). Empty is allowed (a
 * target without an authority). A pure function over the value. */
static bool host_valid(const char *s)
{
    const char *p = s;
    if (*p == '[') {
        const char *end = strchr(p, ']');
        if (!end || end - p < 3 || end - p > 64) return false;
        if (p[1] == 'v' || p[1] == 'V') {
            for (const char *q = p + 2; q < end; q++)
                if (!is_host_char((unsigned char)*q) && *q != ':') return false;
        } else {
            char ip[65];
            struct in6_addr a;
            memcpy(ip, p + 1, (size_t)(end - p - 1));
            ip[end - p - 1] = '\0';
            if (inet_pton(AF_INET6, ip, &a) != 1) return false;
        }
        p = end + 1;
    } else {
        for (; *p && *p != ':'; p++) {
            if (*p == '%') {
                if (!isxdigit((unsigned char)p[1]) || !isxdigit((unsigned char)p[2])) return false;
                p += 2;
            } else if (!is_host_char((unsigned char)*p)) {
                return false;
            }
        }
    }
    if (*p == ':')
        for (p++; isdigit((unsigned char)*p); p++) {
        }
    return *p == '\0';
}

static int cb_headers_complete(http_parser *p)
{
    struct gl_http_conn *c = p->data;
    struct gl_http_req *r = c->cur;
    bool has_cl = false, has_te = false;
    unsigned hosts = 0;
    for (unsigned i = 0; i < r->nheaders; i++) {
        struct gl_http_header *h = &r->headers[i];
        if (!h->value) h->value = (char *)"";
        for (char *s = h->name; *s; s++) *s = (char)tolower((unsigned char)*s);
        /* Trim the value's surrounding blanks (http-parser leaves trailing ones). */
        size_t len = strlen(h->value);
        while (len && (h->value[len - 1] == ' ' || h->value[len - 1] == '\t')) h->value[--len] = 0;
        while (*h->value == ' ' || *h->value == '\t') h->value++;
        if (strcmp(h->name, "content-length") == 0) {
            if (has_cl) {
                c->fail_status = 400;
                return -1;
            }
            has_cl = true;
        } else if (strcmp(h->name, "transfer-encoding") == 0) {
            has_te = true;
        } else if (strcmp(h->name, "host") == 0) {
            hosts++;
        }
    }
    if (has_cl && has_te) {
        c->fail_status = 400;
        return -1;
    }
    if (has_te && !(gl_http_header_count(r, "transfer-encoding") == 1 &&
                    strcasecmp(gl_http_header(r, "transfer-encoding"), "chunked") == 0)) {
        c->fail_status = 400;
        return -1;
    }
    if (hosts > 1 || (hosts == 0 && p->http_major == 1 && p->http_minor >= 1) ||
        (hosts == 1 && !host_valid(gl_http_header(r, "host")))) {
        c->fail_status = 400;
        return -1;
    }
    if (p->http_major != 1) {
        c->fail_status = 505;
        return -1;
    }
    if (has_cl && p->content_length > GL_HTTP_MAX_BODY) {
        c->fail_status = 413;
        return -1;
    }
    if (!r->url) {
        c->fail_status = 400;
        return -1;
    }
    r->method = p->method;
    r->head = p->method == HTTP_HEAD;
    /* HTTP/1.0 closes after the answer, even when it asks for keep-alive: its answer would
     * have to say "Connection: keep-alive", and nothing here needs 1.0 to persist. */
    r->keep_alive = p->http_minor >= 1 && http_should_keep_alive(p) != 0;
    const char *expect = gl_http_header(r, "expect");
    if (expect && strcasecmp(expect, "100-continue") == 0 && !c->closing) {
        uv_buf_t b = uv_buf_init((char *)"HTTP/1.1 100 Continue\r\n\r\n", 25);
        conn_writev(c, &b, 1, false);
    }
    return 0;
}

static int cb_body(http_parser *p, const char *at, size_t n)
{
    struct gl_http_conn *c = p->data;
    struct req_full *f = (struct req_full *)c->cur;
    if (f->r.body_len + n > GL_HTTP_MAX_BODY) {
        c->fail_status = 413;
        return 1;
    }
    if (f->r.body_len + n + 1 > f->body_cap) {
        size_t cap = f->body_cap ? f->body_cap : 1024;
        while (cap < f->r.body_len + n + 1) cap *= 2;
        f->r.body = xrealloc(f->r.body, cap);
        f->body_cap = cap;
    }
    memcpy(f->r.body + f->r.body_len, at, n);
    f->r.body_len += n;
    f->r.body[f->r.body_len] = '\0';
    return 0;
}

/* An absolute-form target ("http://host:port/path?query") becomes the origin-form it holds
 * ("/path?query", or "/?query" without a path). Returns false for anything else. */
static bool absolute_to_origin(struct gl_http_req *r)
{
    struct http_parser_url u;
    http_parser_url_init(&u);
    size_t len = strlen(r->url);
    if (strncasecmp(r->url, "http://", 7) != 0 && strncasecmp(r->url, "https://", 8) != 0)
        return false;
    /* Userinfo in an http(s) URI is an error to treat as one (RFC 9110 section 4.2.4). */
    if (http_parser_parse_url(r->url, len, 0, &u) != 0 || !(u.field_set & (1 << UF_HOST)) ||
        (u.field_set & (1 << UF_USERINFO)))
        return false;
    if (u.field_set & (1 << UF_PATH)) {
        r->url += u.field_data[UF_PATH].off;
        return true;
    }
    /* No path: "/" and whatever follows the authority (a query, a fragment). */
    const char *authority = strstr(r->url, "://") + 3;
    size_t rest = (size_t)(authority - r->url) + strcspn(authority, "?#");
    struct req_full *f = (struct req_full *)r;
    char *url = arena_copy(f, "/", 1);
    if (!url || !arena_append(f, &url, r->url + rest, len - rest)) return false;
    r->url = url;
    return true;
}

static int cb_message_complete(http_parser *p)
{
    struct gl_http_conn *c = p->data;
    struct gl_http_req *r = c->cur;
    c->cur = NULL;
    /* Split the target into path and query: origin-form, or absolute-form (RFC 9112 section
     * 3.2.2), which is served as the origin-form it holds. */
    if (r->url[0] != '/' && !absolute_to_origin(r)) {
        c->cur = r;
        c->fail_status = r->method == HTTP_CONNECT ? 405 : 400;
        return 1;
    }
    r->path = r->url;
    char *q = strchr(r->url, '?');
    /* Keep url intact: copy the path part into the arena when there is a query. */
    if (q) {
        struct req_full *f = (struct req_full *)r;
        r->path = arena_copy(f, r->url, (size_t)(q - r->url));
        r->query = q + 1;
        if (!r->path) {
            c->cur = r;
            c->fail_status = 414;
            return 1;
        }
    } else {
        r->query = (char *)"";
    }
    char *hash = strchr(r->query, '#');
    if (hash) *hash = '\0';
    if (!r->body) r->body = NULL;
    c->pending = r;
    http_parser_pause(p, 1);
    return 0;
}

/* Validates the head of the next request as it arrives. Returns 1 when the whole head is
 * there and clean, 0 when more is needed, -1 on a byte that must not be there. */
static int scan_head(struct gl_http_conn *c)
{
    /* Empty lines before a request line are skipped (RFC 9112 2.2). */
    while (c->scanned == 0 && c->in_len - c->in_start >= 2 && c->in[c->in_start] == '\r' &&
           c->in[c->in_start + 1] == '\n')
        c->in_start += 2;
    const unsigned char *b = (const unsigned char *)c->in + c->in_start;
    size_t n = c->in_len - c->in_start;
    size_t i = c->scanned;
    while (i < n) {
        unsigned char ch = b[i];
        if (ch == '\r') {
            if (i + 1 >= n) break; /* wait for the byte after it */
            if (b[i + 1] != '\n') return -1;
            /* A CRLF: the end of a line. What follows decides. */
            if (i + 2 >= n) break;
            if (b[i + 2] == ' ' || b[i + 2] == '\t') return -1; /* obs-fold */
            if (b[i + 2] == '\r') {
                if (i + 3 >= n) break;
                if (b[i + 3] != '\n') return -1;
                c->scanned = i + 4;
                return 1;
            }
            i += 2;
            continue;
        }
        if (ch == '\n' || ch == 0 || ch == 0x7f || (ch < 0x20 && ch != '\t')) return -1;
        i++;
    }
    c->scanned = i;
    return 0;
}

/* A head over the limit: 414 when the request line alone is too long, else 431. */
static void head_too_large(struct gl_http_conn *c)
{
    const char *p = c->in + c->in_start;
    size_t n = c->in_len - c->in_start;
    const char *eol = memchr(p, '\n', n);
    size_t line = eol ? (size_t)(eol - p) : n;
    if (line > GL_HTTP_MAX_URL + 16)
        conn_fail(c, 414, "request line too long");
    else
        conn_fail(c, 431, "request head too large");
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
    while (!c->closing && !c->pending && c->in_len > c->in_start) {
        if (c->in_head) {
            int r = scan_head(c);
            if (r < 0) {
                conn_fail(c, 400, "malformed request head");
                break;
            }
            if (r == 0) {
                if (c->scanned > GL_HTTP_MAX_HEAD) head_too_large(c);
                break;
            }
            if (c->scanned > GL_HTTP_MAX_HEAD + 4) {
                head_too_large(c);
                break;
            }
            c->in_head = false;
            c->req_started = uv_hrtime();
            c->cur = xcalloc(1, sizeof(struct req_full));
            c->fail_status = 0;
            c->last_was_value = false;
            http_parser_init(&c->parser, HTTP_REQUEST);
            c->parser.data = c;
        }
        size_t avail = c->in_len - c->in_start;
        size_t n = http_parser_execute(&c->parser, &settings, c->in + c->in_start, avail);
        enum http_errno e = HTTP_PARSER_ERRNO(&c->parser);
        c->in_start += n;
        if (e == HPE_PAUSED) {
            http_parser_pause(&c->parser, 0);
            c->in_head = true;
            c->scanned = 0;
            dispatch(c);
            continue;
        }
        if (e != HPE_OK) {
            int status = c->fail_status ? c->fail_status : 400;
            if (e == HPE_HEADER_OVERFLOW) status = 431;
            conn_fail(c, status, c->fail_status ? "request refused" : http_errno_description(e));
            break;
        }
        if (c->parser.upgrade) {
            conn_fail(c, 400, "upgrades are not supported");
            break;
        }
    }
    c->processing = false;
    if (c->in_start == c->in_len) c->in_start = c->in_len = 0;
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
        if (!o->cur && !o->pending && o->in_len == o->in_start && o->queued == 0) idle = o;
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
    c->in_head = true;
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
    struct sockaddr_storage ss;
    int len = sizeof ss;
    snprintf(c->peer, sizeof c->peer, "?");
    if (uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&ss, &len) == 0) {
        if (ss.ss_family == AF_INET6)
            uv_ip6_name((struct sockaddr_in6 *)&ss, c->peer, sizeof c->peer);
        else
            uv_ip4_name((struct sockaddr_in *)&ss, c->peer, sizeof c->peer);
    }
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
    char host[64];
    int port;
    if (gl_parse_hostport(addr, host, sizeof host, &port) != 0) {
        *err = UV_EINVAL;
        return NULL;
    }
    struct sockaddr_storage ss;
    int r = strchr(host, ':') ? uv_ip6_addr(host, port, (struct sockaddr_in6 *)&ss)
                              : uv_ip4_addr(host, port, (struct sockaddr_in *)&ss);
    if (r) {
        *err = r;
        return NULL;
    }
    http_parser_settings_init(&settings);
    settings.on_url = cb_url;
    settings.on_header_field = cb_header_field;
    settings.on_header_value = cb_header_value;
    settings.on_headers_complete = cb_headers_complete;
    settings.on_body = cb_body;
    settings.on_message_complete = cb_message_complete;
    http_parser_set_max_header_size(GL_HTTP_MAX_HEAD);

    struct gl_http_server *s = xcalloc(1, sizeof *s);
    s->loop = loop;
    s->handler = fn;
    s->ctx = ctx;
    s->refs = 1;
    uv_tcp_init(loop, &s->listener);
    s->listener.data = s;
    r = uv_tcp_bind(&s->listener, (struct sockaddr *)&ss, 0);
    if (!r) r = uv_listen((uv_stream_t *)&s->listener, 511, on_connection);
    if (r) {
        *err = r;
        s->closing = true;
        uv_close((uv_handle_t *)&s->listener, on_listener_closed);
        return NULL;
    }
    int len = sizeof ss;
    uv_tcp_getsockname(&s->listener, (struct sockaddr *)&ss, &len);
    char name[64];
    if (ss.ss_family == AF_INET6) {
        uv_ip6_name((struct sockaddr_in6 *)&ss, name, sizeof name);
        snprintf(bound, boundlen, "[%s]:%d", name, ntohs(((struct sockaddr_in6 *)&ss)->sin6_port));
    } else {
        uv_ip4_name((struct sockaddr_in *)&ss, name, sizeof name);
        snprintf(bound, boundlen, "%s:%d", name, ntohs(((struct sockaddr_in *)&ss)->sin_port));
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
