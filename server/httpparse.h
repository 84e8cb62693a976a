/* The HTTP/1.1 request parser as a function over bytes: no socket, no loop. It checks the head
 * by hand (no bare CR or LF, no control bytes, no folded lines), then runs http-parser with
 * strict callbacks (token header names, one Host, no Content-Length with Transfer-Encoding)
 * within the limits below. server/http.c feeds it a connection's bytes; fuzz/fuzz_httpparse.c
 * and tests/unit/test_httpparse.c call it directly. */
#ifndef GL_HTTPPARSE_H
#define GL_HTTPPARSE_H

#include <http_parser.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GL_HTTP_MAX_URL 2048
#define GL_HTTP_MAX_HEAD 8192 /* request line and headers */
#define GL_HTTP_MAX_HEADERS 48
#define GL_HTTP_MAX_BODY 65536

struct gl_http_conn;

struct gl_http_header {
    char *name; /* lower case */
    char *value;
};

struct gl_http_req {
    struct gl_http_conn *conn;
    unsigned method; /* enum http_method */
    bool head;       /* HEAD: answered like GET, without the body */
    bool keep_alive;
    char *url;   /* as sent: path and query */
    char *path;  /* the path, not decoded */
    char *query; /* after '?', or "" */
    struct gl_http_header headers[GL_HTTP_MAX_HEADERS];
    unsigned nheaders;
    char *body;
    size_t body_len;
    char peer[64]; /* the TCP peer's address */
    void *app;     /* for the handler */
};

/* The first header of that name (lower case), or NULL. */
const char *gl_http_header(const struct gl_http_req *r, const char *name);
/* How many headers have that name. */
unsigned gl_http_header_count(const struct gl_http_req *r, const char *name);

/* An empty request with room for a head's strings, to free with gl_http_req_free. */
struct gl_http_req *gl_http_req_new(void);
void gl_http_req_free(struct gl_http_req *r);

/* One connection's parse state, between the requests of its byte stream. */
struct gl_httpparse {
    http_parser parser;
    struct gl_http_req *cur; /* being parsed; on an error, what was read of it (or NULL) */
    size_t scanned;          /* bytes of the head already checked */
    bool in_head;            /* the head is still being checked */
    size_t head_left;        /* of the checked head, the bytes http-parser has not read yet */
    bool last_was_value;
    bool head_done;    /* the headers are complete: what follows is body and trailers */
    int fail_status;   /* set by a callback that refuses the request */
    bool continue_due; /* the head asked "Expect: 100-continue": the caller answers it */
};

enum gl_httpparse_result {
    GL_HP_MORE,    /* every byte given is used; send more */
    GL_HP_HEAD,    /* a whole, clean head is there; call again to parse it */
    GL_HP_REQUEST, /* a request is complete: *out, the caller's to free */
    GL_HP_ERROR,   /* refuse with status and why, then close: the stream cannot go on */
};

struct gl_httpparse_error {
    int status;
    const char *why; /* static text */
};

void gl_httpparse_init(struct gl_httpparse *p);
/* Frees what a request being parsed holds. */
void gl_httpparse_free(struct gl_httpparse *p);
/* Parses from buf[0..len), the stream's bytes after those already used; *used tells how many
 * of them this call used. A request's body is read with it (GL_HTTP_MAX_BODY at most). */
enum gl_httpparse_result gl_httpparse_feed(struct gl_httpparse *p, const char *buf, size_t len,
                                           size_t *used, struct gl_http_req **out,
                                           struct gl_httpparse_error *err);

#endif
