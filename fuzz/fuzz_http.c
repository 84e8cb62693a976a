/* Fuzz target: raw bytes on a real HTTP connection to the daemon's responder and link pages.
 * The input (placeholders expanded, see fuzzenv.h) is written to a loopback socket of
 * server/http.c, which checks the head by hand, runs http-parser with its callbacks and hands
 * each request to web.c: routing, cookies, sessions, CSRF, forms, pages, the feed, the writes
 * through the batch. The loop runs until the server has closed the connection. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzzenv.h"
#include "http.h"

static uv_timer_t tick;
static void on_tick(uv_timer_t *t)
{
    (void)t;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_env *e = fuzz_env();
    static int started;
    if (!started) {
        uv_timer_init(e->srv.loop, &tick);
        started = 1;
    }
    size_t n;
    char *req = fuzz_expand(e, data, size, &n);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)e->http_port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0) abort();
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        /* libFuzzer's timers may interrupt it; the connection then completes on its own. */
        struct pollfd pf = {.fd = fd, .events = POLLOUT};
        int soerr = 0;
        socklen_t len = sizeof soerr;
        if (errno != EINTR || poll(&pf, 1, 5000) != 1 ||
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0 || soerr) {
            perror("fuzz_http: connect");
            abort();
        }
    }
    /* The inputs are small (-max_len); the socket buffer takes them whole. */
    size_t off = 0;
    while (off < n) {
        ssize_t w = write(fd, req + off, n - off);
        if (w <= 0) break;
        off += (size_t)w;
    }
    shutdown(fd, SHUT_WR);
    free(req);
    /* Until the server has taken the connection and closed it again; the tick bounds each
     * wait, and a password check on the thread pool may still finish after that. */
    uv_timer_start(&tick, on_tick, 1, 1);
    int seen = 0;
    for (int spins = 0; spins < 20000; spins++) {
        uv_run(e->srv.loop, UV_RUN_ONCE);
        unsigned c = gl_http_nconns(e->srv.http);
        if (c) seen = 1;
        if (!c && (seen || spins > 50)) break;
    }
    uv_timer_stop(&tick);
    /* A reset rather than a FIN: the server is done with it, and thousands of connections a
     * second in TIME_WAIT would use up the ephemeral ports. */
    struct linger lg = {.l_onoff = 1, .l_linger = 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(fd);
    return 0;
}
