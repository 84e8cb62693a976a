/* A small HTTP/1.1 responder on libuv and http-parser, hardened for the open internet: strict
 * framing (no bare CR or LF, token header names, one Host, no Content-Length with
 * Transfer-Encoding, no folded lines), limits on URL, headers and body, timeouts for slow
 * clients and a cap on connections. It knows nothing of the application: each complete request
 * goes to one handler, which answers now or later (after a commit) with gl_http_respond. */
#ifndef GL_HTTP_H
#define GL_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "httpparse.h" /* the request, its limits and header lookups */

#define GL_HTTP_MAX_CONNS 2048
#define GL_HTTP_MAX_CONNS_PER_ADDRESS 64 /* but from a trusted proxy */
#define GL_HTTP_TIMEOUT_MS 10000   /* a whole request must arrive within this */
#define GL_HTTP_IDLE_MS 30000      /* a kept-alive connection with nothing to say */

struct gl_http_server;
struct gl_http_conn;

struct gl_http_resp {
    int status;
    const char *content_type;  /* NULL: no body type */
    const char *headers;       /* extra header lines, each ending in \r\n; may be NULL */
    const char *body;
    size_t body_len;
    bool close;                /* close the connection after this answer */
};

typedef void (*gl_http_handler_fn)(struct gl_http_req *req, void *ctx);

/* Header lines added to every answer, the responder's own errors included (security headers). */
void gl_http_set_default_headers(struct gl_http_server *s, const char *lines);
/* Peers for which trusted() is true (proxies) are exempt from the per-address cap. */
void gl_http_set_trusted(struct gl_http_server *s, bool (*trusted)(const char *peer));

/* Binds and listens on "HOST:PORT"; writes the bound address to bound. NULL with *err set to a
 * libuv error on failure. */
struct gl_http_server *gl_http_listen(uv_loop_t *loop, const char *addr, gl_http_handler_fn fn,
                                      void *ctx, char *bound, size_t boundlen, int *err);
/* Answers req and releases it; the next request of the connection is then read. Safe when the
 * connection has gone meanwhile. */
void gl_http_respond(struct gl_http_req *req, const struct gl_http_resp *resp);
/* Stops listening and closes every connection; the server is freed once all are closed. */
void gl_http_close(struct gl_http_server *s);
unsigned gl_http_nconns(const struct gl_http_server *s);

#endif
