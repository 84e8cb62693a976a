/* The HTTP request parser (server/httpparse.c) as a function over bytes: requests whole, byte by
 * byte and pipelined, the framing it refuses, and the limits it keeps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "httpparse.h"

/* What came of a stream: its requests (up to 4) and, at the end, the error if any. */
struct outcome {
    struct gl_http_req *reqs[4];
    unsigned nreqs;
    int status; /* 0: no error */
    const char *why;
    bool continue_due;
    size_t used;
};

/* Feeds s in pieces of at most chunk bytes, as a connection would receive them. */
static void parse(const char *s, size_t len, size_t chunk, struct outcome *o)
{
    memset(o, 0, sizeof *o);
    struct gl_httpparse p;
    gl_httpparse_init(&p);
    size_t have = 0; /* bytes "received" */
    size_t start = 0;
    while (start < len) {
        if (have == start || have < len) have = have + chunk < len ? have + chunk : len;
        for (;;) {
            size_t used;
            struct gl_http_req *r;
            struct gl_httpparse_error err;
            enum gl_httpparse_result res =
                gl_httpparse_feed(&p, s + start, have - start, &used, &r, &err);
            start += used;
            o->continue_due |= p.continue_due;
            if (res == GL_HP_REQUEST) {
                assert_true(o->nreqs < 4);
                o->reqs[o->nreqs++] = r;
                if (start < have) continue;
                break;
            }
            if (res == GL_HP_HEAD) continue;
            if (res == GL_HP_ERROR) {
                o->status = err.status;
                o->why = err.why;
                o->used = start;
                gl_httpparse_free(&p);
                return;
            }
            break; /* more */
        }
        if (have == len && start < len) break; /* incomplete at the end */
    }
    o->used = start;
    gl_httpparse_free(&p);
}

static void outcome_free(struct outcome *o)
{
    for (unsigned i = 0; i < o->nreqs; i++)
        gl_http_req_free(o->reqs[i]);
}

#define PARSE(lit, chunk, o) parse((lit), sizeof(lit) - 1, (chunk), (o))

static const char simple[] = "GET /l/abc/feed.ics?x=1&y=2 HTTP/1.1\r\n"
                             "Host: example.org:8080\r\n"
                             "X-Thing:   padded value \t\r\n"
                             "Cookie: a=b\r\n"
                             "\r\n";

static void check_simple(const struct outcome *o)
{
    assert_int_equal(o->status, 0);
    assert_int_equal(o->nreqs, 1);
    const struct gl_http_req *r = o->reqs[0];
    assert_int_equal(r->method, HTTP_GET);
    assert_false(r->head);
    assert_true(r->keep_alive);
    assert_string_equal(r->url, "/l/abc/feed.ics?x=1&y=2");
    assert_string_equal(r->path, "/l/abc/feed.ics");
    assert_string_equal(r->query, "x=1&y=2");
    assert_int_equal(r->nheaders, 3);
    assert_string_equal(gl_http_header(r, "host"), "example.org:8080");
    assert_string_equal(gl_http_header(r, "x-thing"), "padded value");
    assert_string_equal(gl_http_header(r, "cookie"), "a=b");
    assert_null(gl_http_header(r, "Cookie")); /* names are lower case */
    assert_int_equal(r->body_len, 0);
}

static void test_whole_and_byte_by_byte(void **state)
{
    (void)state;
    for (size_t chunk = 1; chunk <= sizeof simple; chunk++) {
        struct outcome o;
        PARSE(simple, chunk, &o);
        check_simple(&o);
        assert_int_equal(o.used, sizeof simple - 1);
        outcome_free(&o);
    }
}

static void test_pipelined_and_bodies(void **state)
{
    (void)state;
    static const char two[] =
        "\r\n\r\nPOST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"
        "POST /b HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
        "HEAD /c HTTP/1.0\r\n\r\n";
    for (size_t chunk = 1; chunk <= sizeof two; chunk += 7) {
        struct outcome o;
        PARSE(two, chunk, &o);
        assert_int_equal(o.status, 0);
        assert_int_equal(o.nreqs, 3);
        assert_string_equal(o.reqs[0]->path, "/a");
        assert_int_equal(o.reqs[0]->body_len, 5);
        assert_string_equal(o.reqs[0]->body, "hello");
        assert_int_equal(o.reqs[1]->body_len, 5);
        assert_string_equal(o.reqs[1]->body, "abcde");
        assert_true(o.reqs[2]->head);
        assert_false(o.reqs[2]->keep_alive); /* HTTP/1.0 closes */
        assert_string_equal(o.reqs[2]->query, "");
        outcome_free(&o);
    }
}

static void test_absolute_form(void **state)
{
    (void)state;
    struct outcome o;
    PARSE("GET http://example.org/p/q?z#frag HTTP/1.1\r\nHost: example.org\r\n\r\n", 64, &o);
    assert_int_equal(o.nreqs, 1);
    assert_string_equal(o.reqs[0]->path, "/p/q");
    assert_string_equal(o.reqs[0]->query, "z");
    outcome_free(&o);
    PARSE("GET http://example.org?q HTTP/1.1\r\nHost: example.org\r\n\r\n", 64, &o);
    assert_int_equal(o.nreqs, 1);
    assert_string_equal(o.reqs[0]->path, "/");
    assert_string_equal(o.reqs[0]->query, "q");
    outcome_free(&o);
    PARSE("GET http://user@example.org/ HTTP/1.1\r\nHost: example.org\r\n\r\n", 64, &o);
    assert_int_equal(o.status, 400);
    outcome_free(&o);
}

/* A chunked body's trailer fields are not headers: checked at the head's end, they would slip
 * past the checks. */
static void test_trailers_dropped(void **state)
{
    (void)state;
    struct outcome o;
    PARSE("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
          "2\r\nab\r\n0\r\nCookie: sid=x\r\nHost: evil\r\n\r\n",
          5, &o);
    assert_int_equal(o.status, 0);
    assert_int_equal(o.nreqs, 1);
    assert_int_equal(o.reqs[0]->nheaders, 2);
    assert_null(gl_http_header(o.reqs[0], "cookie"));
    assert_int_equal(gl_http_header_count(o.reqs[0], "host"), 1);
    assert_string_equal(o.reqs[0]->body, "ab");
    outcome_free(&o);
}

/* An Upgrade is not honoured: the request is answered as a plain one. */
static void test_upgrade_ignored(void **state)
{
    (void)state;
    struct outcome o;
    PARSE("GET / HTTP/1.1\r\nHost: h\r\nUpgrade: x\r\nConnection: upgrade\r\n\r\n", 8, &o);
    assert_int_equal(o.status, 0);
    assert_int_equal(o.nreqs, 1);
    outcome_free(&o);
}

static void test_expect_continue(void **state)
{
    (void)state;
    struct outcome o;
    PARSE("POST /f HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok", 16,
          &o);
    assert_true(o.continue_due);
    assert_int_equal(o.nreqs, 1);
    outcome_free(&o);
}

/* Each refused with its status; a smuggling vector never becomes a request. */
static void test_refused(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        int status;
    } cases[] = {
        {"GET / HTTP/1.1\nHost: h\r\n\r\n", 400},                 /* bare LF */
        {"GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n", 400},         /* bare CR */
        {"GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n\r\n", 400}, /* obs-fold */
        {"GET / HTTP/1.1\r\nHost : h\r\n\r\n", 400},              /* space before colon */
        {"GET / HTTP/1.1\r\nX: \001\r\nHost: h\r\n\r\n", 400},    /* control byte */
        {"GET / HTTP/1.1\r\n\r\n", 400},                          /* no Host */
        {"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},    /* two */
        {"GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400},             /* not a host */
        {"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
         400},
        {"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n", 400},
        {"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n", 400},
        {"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999\r\n\r\n", 413},
        {"GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505},
        {"CONNECT h:443 HTTP/1.1\r\nHost: h\r\n\r\n", 405},
        {"GET * HTTP/1.1\r\nHost: h\r\n\r\n", 400},
        /* A version that lenient http-parser reads across the empty line ("H" + CRLFCRLF as
         * "HTTP/", then "0.1"): the head ends where our check said, whatever it makes of it. */
        {"PUT /x H\r\n\r\n0.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n", 400},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (size_t chunk = 1; chunk <= 64; chunk *= 4) {
            struct outcome o;
            parse(cases[i].in, strlen(cases[i].in), chunk, &o);
            if (o.status != cases[i].status)
                fail_msg("case %zu (chunk %zu): status %d, want %d", i, chunk, o.status,
                         cases[i].status);
            assert_int_equal(o.nreqs, 0);
            assert_non_null(o.why);
            outcome_free(&o);
        }
    }
}

static void test_limits(void **state)
{
    (void)state;
    static char buf[4 * GL_HTTP_MAX_HEAD];
    struct outcome o;
    /* A URL over GL_HTTP_MAX_URL. */
    int n = snprintf(buf, sizeof buf, "GET /%0*d HTTP/1.1\r\nHost: h\r\n\r\n", GL_HTTP_MAX_URL, 0);
    parse(buf, (size_t)n, 512, &o);
    assert_int_equal(o.status, 414);
    outcome_free(&o);
    /* More than GL_HTTP_MAX_HEADERS headers. */
    n = snprintf(buf, sizeof buf, "GET / HTTP/1.1\r\nHost: h\r\n");
    for (int i = 0; i < GL_HTTP_MAX_HEADERS; i++)
        n += snprintf(buf + n, sizeof buf - (size_t)n, "X-%d: v\r\n", i);
    n += snprintf(buf + n, sizeof buf - (size_t)n, "\r\n");
    parse(buf, (size_t)n, 100, &o);
    assert_int_equal(o.status, 431);
    outcome_free(&o);
    /* A head over GL_HTTP_MAX_HEAD, found before its end has arrived. */
    n = snprintf(buf, sizeof buf, "GET / HTTP/1.1\r\nHost: h\r\nX: %0*d\r\n", GL_HTTP_MAX_HEAD, 0);
    parse(buf, (size_t)n, 1000, &o);
    assert_int_equal(o.status, 431);
    outcome_free(&o);
    /* A chunked body over GL_HTTP_MAX_BODY. */
    n = snprintf(buf, sizeof buf,
                 "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "%x\r\n",
                 GL_HTTP_MAX_BODY + 1);
    memset(buf + n, 'a', 1000);
    parse(buf, (size_t)n + 1000, 4096, &o);
    assert_int_equal(o.status, 0); /* not yet: the body is still arriving */
    outcome_free(&o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whole_and_byte_by_byte),
        cmocka_unit_test(test_pipelined_and_bodies),
        cmocka_unit_test(test_absolute_form),
        cmocka_unit_test(test_expect_continue),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_upgrade_ignored),
        cmocka_unit_test(test_trailers_dropped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
