/* libcurl on libuv (see curlloop.h), after curl's docs/examples/multi-uv.c. */
#include "curlloop.h"

#include <stdbool.h>
#include <stdlib.h>

#include "xmalloc.h"

struct transfer {
    CURL *easy;
    gl_curl_done_fn done;
    void *data;
    struct transfer *prev, *next;
};

/* One watched socket; freed in its poll handle's close callback. */
struct sock {
    uv_poll_t poll;
    curl_socket_t fd;
};

static uv_loop_t *loop;
static CURLM *multi;
static uv_timer_t timer;
static struct transfer *transfers;
static bool open_;

static void unlink_transfer(struct transfer *t)
{
    if (t->prev)
        t->prev->next = t->next;
    else
        transfers = t->next;
    if (t->next) t->next->prev = t->prev;
}

/* Hands finished transfers back to their owners. */
static void check_done(void)
{
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(multi, &left))) {
        if (m->msg != CURLMSG_DONE) continue;
        CURL *easy = m->easy_handle;
        CURLcode result = m->data.result;
        struct transfer *t = NULL;
        curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&t);
        curl_multi_remove_handle(multi, easy);
        unlink_transfer(t);
        t->done(easy, result, t->data);
        free(t);
    }
}

static void on_poll(uv_poll_t *h, int status, int events)
{
    struct sock *s = h->data;
    int flags = 0;
    if (status < 0) flags |= CURL_CSELECT_ERR;
    if (events & UV_READABLE) flags |= CURL_CSELECT_IN;
    if (events & UV_WRITABLE) flags |= CURL_CSELECT_OUT;
    int running;
    curl_multi_socket_action(multi, s->fd, flags, &running);
    check_done();
}

static void on_sock_closed(uv_handle_t *h)
{
    free(h->data);
}

static int on_socket(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
    (void)easy;
    (void)userp;
    struct sock *s = socketp;
    if (what == CURL_POLL_REMOVE) {
        if (s) {
            uv_poll_stop(&s->poll);
            uv_close((uv_handle_t *)&s->poll, on_sock_closed);
            curl_multi_assign(multi, fd, NULL);
        }
        return 0;
    }
    if (!s) {
        s = xmalloc(sizeof *s);
        s->fd = fd;
        if (uv_poll_init_socket(loop, &s->poll, fd) != 0) {
            free(s);
            return -1;
        }
        s->poll.data = s;
        curl_multi_assign(multi, fd, s);
    }
    int events = 0;
    if (what != CURL_POLL_OUT) events |= UV_READABLE;
    if (what != CURL_POLL_IN) events |= UV_WRITABLE;
    uv_poll_start(&s->poll, events, on_poll);
    return 0;
}

static void on_timeout(uv_timer_t *h)
{
    (void)h;
    int running;
    curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &running);
    check_done();
}

/* curl asks to be woken in timeout_ms (-1: no need). Never call curl back from here. */
static int on_timer(CURLM *m, long timeout_ms, void *userp)
{
    (void)m;
    (void)userp;
    if (timeout_ms < 0)
        uv_timer_stop(&timer);
    else
        uv_timer_start(&timer, on_timeout, (uint64_t)timeout_ms, 0);
    return 0;
}

int gl_curlloop_init(uv_loop_t *l)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) return -1;
    multi = curl_multi_init();
    if (!multi) return -1;
    loop = l;
    uv_timer_init(loop, &timer);
    curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, on_timer);
    open_ = true;
    return 0;
}

int gl_curlloop_add(CURL *easy, gl_curl_done_fn done, void *data)
{
    if (!open_) return -1;
    struct transfer *t = xmalloc(sizeof *t);
    *t = (struct transfer){.easy = easy, .done = done, .data = data, .next = transfers};
    curl_easy_setopt(easy, CURLOPT_PRIVATE, t);
    if (curl_multi_add_handle(multi, easy) != CURLM_OK) {
        free(t);
        return -1;
    }
    if (transfers) transfers->prev = t;
    transfers = t;
    return 0;
}

void gl_curlloop_close(void)
{
    if (!open_) return;
    open_ = false;
    while (transfers) {
        struct transfer *t = transfers;
        curl_multi_remove_handle(multi, t->easy);
        unlink_transfer(t);
        t->done(t->easy, CURLE_ABORTED_BY_CALLBACK, t->data);
        free(t);
    }
    curl_multi_cleanup(multi);
    multi = NULL;
    uv_close((uv_handle_t *)&timer, NULL);
    curl_global_cleanup();
}
