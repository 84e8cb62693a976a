/* Fuzz target: the HTTP request parser (server/httpparse.c) called directly, no socket. The
 * first byte picks how the rest arrives (in pieces of 1 to 256 bytes); the stream is parsed
 * whole and in those pieces, and both must give the same requests and the same refusal, each
 * request within the limits. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "httpparse.h"

/* A digest of what a stream gave: every request's shape, then the refusal. */
struct trace {
    unsigned nreqs;
    int status;
    uint64_t sum;
};

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211u;
    return h;
}

static void check(const struct gl_http_req *r)
{
    if (!r->url || !r->path || !r->query || r->path[0] != '/') abort();
    if (r->nheaders > GL_HTTP_MAX_HEADERS || r->body_len > GL_HTTP_MAX_BODY) abort();
    if (strlen(r->path) > GL_HTTP_MAX_URL) abort();
    for (unsigned i = 0; i < r->nheaders; i++) {
        if (!r->headers[i].name || !r->headers[i].value || !*r->headers[i].name) abort();
        for (const char *s = r->headers[i].name; *s; s++)
            if (*s >= 'A' && *s <= 'Z') abort();
    }
}

static void run(const char *s, size_t len, size_t chunk, struct trace *t)
{
    memset(t, 0, sizeof *t);
    t->sum = 14695981039346656037u;
    struct gl_httpparse p;
    gl_httpparse_init(&p);
    size_t have = 0, start = 0;
    while (start < len) {
        have = have + chunk < len ? have + chunk : len;
        for (;;) {
            size_t used;
            struct gl_http_req *r;
            struct gl_httpparse_error err;
            enum gl_httpparse_result res =
                gl_httpparse_feed(&p, s + start, have - start, &used, &r, &err);
            if (used > have - start) abort();
            start += used;
            if (res == GL_HP_HEAD) continue;
            if (res == GL_HP_REQUEST) {
                check(r);
                t->nreqs++;
                t->sum = mix(t->sum, &r->method, sizeof r->method);
                t->sum = mix(t->sum, r->url, strlen(r->url));
                t->sum = mix(t->sum, &r->body_len, sizeof r->body_len);
                if (r->body_len) t->sum = mix(t->sum, r->body, r->body_len);
                gl_http_req_free(r);
                if (start < have) continue;
                break;
            }
            if (res == GL_HP_ERROR) {
                if (err.status < 400 || err.status > 505 || !err.why) abort();
                t->status = err.status;
                gl_httpparse_free(&p);
                return;
            }
            break;
        }
        if (have == len) break;
    }
    gl_httpparse_free(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    size_t chunk = (size_t)data[0] + 1;
    const char *s = (const char *)data + 1;
    struct trace whole, pieces;
    run(s, size - 1, size, &whole);
    run(s, size - 1, chunk, &pieces);
    if (whole.nreqs != pieces.nreqs || whole.status != pieces.status || whole.sum != pieces.sum)
        abort();
    return 0;
}
