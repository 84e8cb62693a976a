/* The RPC connection's framing (server/rpc_conn.c) on a real loopback socket: a request sent
 * byte by byte, pipelined requests answered in order, a notification answered by nothing, and
 * a malformed or oversized frame answered with its error before the connection closes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sodium.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rpc_conn.h"
#include "store.h"

static struct gl_server srv;
static char dir[64];
static int port;

static int setup(void **state)
{
    (void)state;
    if (sodium_init() < 0) return -1;
    snprintf(dir, sizeof dir, "/tmp/gl-test-rpcconn-XXXXXX");
    if (!mkdtemp(dir)) return -1;
    memset(&srv, 0, sizeof srv);
    gl_srv = &srv;
    srv.opt.data_dir = dir;
    struct gl_err err = {0};
    if (gl_store_open(&srv.store, dir, &err) != 0) return -1;
    srv.loop = uv_default_loop();
    gl_batch_init(&srv.batch, srv.loop, &srv.store);
    char bound[96];
    if (gl_rpc_listen(&srv, "127.0.0.1:0", bound, sizeof bound) != 0) return -1;
    port = atoi(strrchr(bound, ':') + 1);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    gl_rpc_close(&srv);
    gl_batch_close(&srv.batch);
    uv_run(srv.loop, UV_RUN_DEFAULT);
    int closed = uv_loop_close(srv.loop);
    gl_store_close(&srv.store);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) return -1;
    return closed == 0 ? 0 : -1;
}

static int client(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_true(fd >= 0);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    return fd;
}

/* Runs the loop until the client has got want answers or the server closed it; returns how
 * many it got, each answer's msgid and error code (or "" for a result) kept in order. */
struct answers {
    unsigned n;
    uint32_t msgid[8];
    char code[8][32];
    bool closed;
};

static void await(int fd, msgpack_unpacker *up, unsigned want, struct answers *got)
{
    for (int spins = 0; spins < 5000 && got->n < want && !got->closed; spins++) {
        uv_run(srv.loop, UV_RUN_NOWAIT);
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 2) != 1) continue;
        msgpack_unpacker_reserve_buffer(up, 65536);
        ssize_t r = read(fd, msgpack_unpacker_buffer(up), 65536);
        if (r <= 0) {
            got->closed = true;
            break;
        }
        msgpack_unpacker_buffer_consumed(up, (size_t)r);
        msgpack_unpacked res;
        msgpack_unpacked_init(&res);
        while (msgpack_unpacker_next(up, &res) == MSGPACK_UNPACK_SUCCESS && got->n < 8) {
            struct gl_rpc_msg m;
            struct gl_err err = {0};
            assert_int_equal(gl_rpc_parse(&res.data, &m, &err), 0);
            got->msgid[got->n] = m.msgid;
            got->code[got->n][0] = '\0';
            if (m.error->type != MSGPACK_OBJECT_NIL) {
                gl_rpc_error_read(m.error, &err);
                snprintf(got->code[got->n], sizeof got->code[0], "%s", gl_errcode_slug(err.code));
            }
            got->n++;
        }
        msgpack_unpacked_destroy(&res);
    }
}

static size_t pack_ping(char *out, uint32_t msgid)
{
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    gl_rpc_pack_request(&pk, msgid, "server.ping");
    msgpack_pack_map(&pk, 0);
    memcpy(out, sb.data, sb.size);
    size_t n = sb.size;
    msgpack_sbuffer_destroy(&sb);
    return n;
}

static void test_byte_by_byte_and_pipelined(void **state)
{
    (void)state;
    int fd = client();
    msgpack_unpacker up;
    msgpack_unpacker_init(&up, 65536);
    struct answers got = {0};
    char buf[256];
    size_t n = pack_ping(buf, 7);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(write(fd, buf + i, 1), 1);
        uv_run(srv.loop, UV_RUN_NOWAIT);
    }
    await(fd, &up, 1, &got);
    assert_int_equal(got.n, 1);
    assert_int_equal(got.msgid[0], 7);
    assert_string_equal(got.code[0], "");
    /* Three in one write, a notification among them: two answers, in order. */
    static const char notify[] = {(char)0x93, 0x02, (char)0xa1, 'x', (char)0x90};
    n = pack_ping(buf, 8);
    memcpy(buf + n, notify, sizeof notify);
    n += sizeof notify;
    n += pack_ping(buf + n, 9);
    assert_int_equal(write(fd, buf, n), (ssize_t)n);
    await(fd, &up, 3, &got);
    assert_int_equal(got.n, 3);
    assert_int_equal(got.msgid[1], 8);
    assert_int_equal(got.msgid[2], 9);
    assert_false(got.closed);
    msgpack_unpacker_destroy(&up);
    close(fd);
}

/* A frame that is not MessagePack, and one over the 4 KiB a connection not logged in may send:
 * each answered (bad_request, too_large), then closed. */
static void test_refused_frames(void **state)
{
    (void)state;
    for (int k = 0; k < 2; k++) {
        int fd = client();
        msgpack_unpacker up;
        msgpack_unpacker_init(&up, 65536);
        struct answers got = {0};
        static char big[GL_RPC_MAX_FRAME_ANON + 64];
        size_t n;
        if (k == 0) {
            big[0] = (char)0xc1; /* never used in MessagePack */
            n = 1;
        } else {
            msgpack_sbuffer sb;
            msgpack_sbuffer_init(&sb);
            msgpack_packer pk;
            msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
            gl_rpc_pack_request(&pk, 1, "server.ping");
            msgpack_pack_map(&pk, 1);
            gl_pack_key(&pk, "pad");
            msgpack_pack_str(&pk, GL_RPC_MAX_FRAME_ANON);
            char pad[GL_RPC_MAX_FRAME_ANON];
            memset(pad, 'p', sizeof pad);
            msgpack_pack_str_body(&pk, pad, sizeof pad);
            memcpy(big, sb.data, sb.size < sizeof big ? sb.size : sizeof big);
            n = sb.size < sizeof big ? sb.size : sizeof big;
            msgpack_sbuffer_destroy(&sb);
        }
        assert_int_equal(write(fd, big, n), (ssize_t)n);
        await(fd, &up, 2, &got);
        assert_int_equal(got.n, 1);
        assert_string_equal(got.code[0], k == 0 ? "bad_request" : "too_large");
        assert_true(got.closed);
        msgpack_unpacker_destroy(&up);
        close(fd);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_byte_by_byte_and_pipelined),
                                       cmocka_unit_test(test_refused_frames)};
    return cmocka_run_group_tests(tests, setup, teardown);
}
