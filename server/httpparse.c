/* The HTTP/1.1 request parser (see httpparse.h). Bytes are checked by hand up to the end of the
 * header section before http-parser sees them: Debian's http-parser is built non-strict and
 * accepts bare CR, bare LF and a space before the colon, all known request-smuggling vectors. */
#include "httpparse.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xmalloc.h"

/* A request with its own copy of the head's strings. */
struct req_full {
    struct gl_http_req r;
    size_t used;
    size_t body_cap;
    char arena[2 * GL_HTTP_MAX_HEAD + 2 * GL_HTTP_MAX_HEADERS + 64];
};

const char *gl_http_header(const struct gl_http_req *r, const char *name)
{
    for (unsigned i = 0; i < r->nheaders; i++)
        if (strcmp(r->headers[i].name, name) == 0) return r->headers[i].value;
    return NULL;
}

unsigned gl_http_header_count(const struct gl_http_req *r, const char *name)
{
    unsigned n = 0;
    for (unsigned i = 0; i < r->nheaders; i++)
        n += strcmp(r->headers[i].name, name) == 0;
    return n;
}

struct gl_http_req *gl_http_req_new(void)
{
    return xcalloc(1, sizeof(struct req_full));
}

void gl_http_req_free(struct gl_http_req *r)
{
    if (!r) return;
    free(r->body);
    free(r);
}

static bool is_tchar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

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
    struct gl_httpparse *c = p->data;
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
    struct gl_httpparse *c = p->data;
    struct req_full *f = (struct req_full *)c->cur;
    /* A chunked body's trailer fields: never headers, which were checked at the head's end
     * (a trailer would otherwise slip in a Cookie or a second Host unchecked). */
    if (c->head_done) return 0;
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
    struct gl_httpparse *c = p->data;
    struct req_full *f = (struct req_full *)c->cur;
    if (c->head_done) return 0; /* a trailer's */
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
    struct gl_httpparse *c = p->data;
    struct gl_http_req *r = c->cur;
    bool has_cl = false, has_te = false;
    unsigned hosts = 0;
    for (unsigned i = 0; i < r->nheaders; i++) {
        struct gl_http_header *h = &r->headers[i];
        if (!h->value) h->value = (char *)"";
        for (char *s = h->name; *s; s++)
            *s = (char)tolower((unsigned char)*s);
        /* Trim the value's surrounding blanks (http-parser leaves trailing ones). */
        size_t len = strlen(h->value);
        while (len && (h->value[len - 1] == ' ' || h->value[len - 1] == '\t'))
            h->value[--len] = 0;
        while (*h->value == ' ' || *h->value == '\t')
            h->value++;
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
    c->head_done = true;
    r->method = p->method;
    r->head = p->method == HTTP_HEAD;
    /* HTTP/1.0 closes after the answer, even when it asks for keep-alive: its answer would
     * have to say "Connection: keep-alive", and nothing here needs 1.0 to persist. */
    r->keep_alive = p->http_minor >= 1 && http_should_keep_alive(p) != 0;
    const char *expect = gl_http_header(r, "expect");
    if (expect && strcasecmp(expect, "100-continue") == 0) c->continue_due = true;
    return 0;
}

static int cb_body(http_parser *p, const char *at, size_t n)
{
    struct gl_httpparse *c = p->data;
    struct req_full *f = (struct req_full *)c->cur;
    if (f->r.body_len + n > GL_HTTP_MAX_BODY) {
        c->fail_status = 413;
        return 1;
    }
    if (f->r.body_len + n + 1 > f->body_cap) {
        size_t cap = f->body_cap ? f->body_cap : 1024;
        while (cap < f->r.body_len + n + 1)
            cap *= 2;
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
    struct gl_httpparse *c = p->data;
    struct gl_http_req *r = c->cur; /* stays in c->cur: gl_httpparse_feed hands it out */
    /* Split the target into path and query: origin-form, or absolute-form (RFC 9112 section
     * 3.2.2), which is served as the origin-form it holds. */
    if (r->url[0] != '/' && !absolute_to_origin(r)) {
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
            c->fail_status = 414;
            return 1;
        }
    } else {
        r->query = (char *)"";
    }
    char *hash = strchr(r->query, '#');
    if (hash) *hash = '\0';
    http_parser_pause(p, 1);
    return 0;
}

/* Validates the head of the next request as it arrives. Returns 1 when the whole head is
 * there and clean, 0 when more is needed, -1 on a byte that must not be there. */
static int scan_head(struct gl_httpparse *c, const char *buf, size_t len, size_t *skipped)
{
    /* Empty lines before a request line are skipped (RFC 9112 2.2). */
    *skipped = 0;
    while (c->scanned == 0 && len - *skipped >= 2 && buf[*skipped] == '\r' &&
           buf[*skipped + 1] == '\n')
        *skipped += 2;
    const unsigned char *b = (const unsigned char *)buf + *skipped;
    size_t n = len - *skipped;
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

static const http_parser_settings settings = {
    .on_url = cb_url,
    .on_header_field = cb_header_field,
    .on_header_value = cb_header_value,
    .on_headers_complete = cb_headers_complete,
    .on_body = cb_body,
    .on_message_complete = cb_message_complete,
};

void gl_httpparse_init(struct gl_httpparse *p)
{
    memset(p, 0, sizeof *p);
    p->in_head = true;
    http_parser_set_max_header_size(GL_HTTP_MAX_HEAD);
}

void gl_httpparse_free(struct gl_httpparse *p)
{
    gl_http_req_free(p->cur);
    p->cur = NULL;
}

static enum gl_httpparse_result fail(struct gl_httpparse_error *err, int status, const char *why)
{
    err->status = status;
    err->why = why;
    return GL_HP_ERROR;
}

/* A head over the limit: 414 when the request line alone is too long, else 431. */
static enum gl_httpparse_result head_too_large(const char *buf, size_t len,
                                               struct gl_httpparse_error *err)
{
    const char *eol = memchr(buf, '\n', len);
    size_t line = eol ? (size_t)(eol - buf) : len;
    if (line > GL_HTTP_MAX_URL + 16) return fail(err, 414, "request line too long");
    return fail(err, 431, "request head too large");
}

enum gl_httpparse_result gl_httpparse_feed(struct gl_httpparse *p, const char *buf, size_t len,
                                           size_t *used, struct gl_http_req **out,
                                           struct gl_httpparse_error *err)
{
    *used = 0;
    *out = NULL;
    if (p->in_head) {
        size_t skipped;
        int r = scan_head(p, buf, len, &skipped);
        *used = skipped;
        buf += skipped;
        len -= skipped;
        if (r < 0) return fail(err, 400, "malformed request head");
        if (r == 0) {
            if (p->scanned > GL_HTTP_MAX_HEAD) return head_too_large(buf, len, err);
            return GL_HP_MORE;
        }
        if (p->scanned > GL_HTTP_MAX_HEAD + 4) return head_too_large(buf, len, err);
        p->in_head = false;
        p->head_left = p->scanned;
        gl_http_req_free(p->cur);
        p->cur = gl_http_req_new();
        p->fail_status = 0;
        p->last_was_value = p->head_done = false;
        http_parser_init(&p->parser, HTTP_REQUEST);
        p->parser.data = p;
        return GL_HP_HEAD;
    }
    /* http-parser reads the head that scan_head checked, and no further, until the headers are
     * complete: Debian builds it lenient, so "PUT / H\r\n\r\n0.1\r\n..." is to it a longer
     * request line than to us, and a head read past the checked one would escape its limits. */
    size_t n = 0;
    enum http_errno e = HPE_OK;
    if (!p->head_done) {
        n = http_parser_execute(&p->parser, &settings, buf, len < p->head_left ? len : p->head_left);
        p->head_left -= n;
        e = HTTP_PARSER_ERRNO(&p->parser);
        if (e == HPE_OK && !p->head_done && p->head_left == 0)
            return fail(err, 400, "malformed request head");
    }
    if (e == HPE_OK && p->head_done && n < len) {
        n += http_parser_execute(&p->parser, &settings, buf + n, len - n);
        e = HTTP_PARSER_ERRNO(&p->parser);
    }
    *used = n;
    if (e == HPE_PAUSED) {
        http_parser_pause(&p->parser, 0);
        p->in_head = true;
        p->scanned = 0;
        *out = p->cur;
        p->cur = NULL;
        return GL_HP_REQUEST;
    }
    if (e != HPE_OK) {
        int status = p->fail_status ? p->fail_status : 400;
        if (e == HPE_HEADER_OVERFLOW) status = 431;
        return fail(err, status, p->fail_status ? "request refused" : http_errno_description(e));
    }
    if (p->parser.upgrade) return fail(err, 400, "upgrades are not supported");
    return GL_HP_MORE;
}
