/* Outside commands through uv_spawn (see spawn.h). */
#include "spawn.h"

#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"

#define STDERR_KEEP 4096

extern char **environ;

struct child {
    uv_process_t proc;
    struct child *next, *prev; /* the running ones */
    uv_pipe_t in, err;
    uv_timer_t timer;
    uv_write_t write;
    char *input;
    char errbuf[STDERR_KEEP + 1];
    size_t errlen;
    int open_handles;
    bool exited, timed_out;
    long status;
    gl_spawn_cb cb;
    void *data;
};

static unsigned running;
static struct child *children;

/* Each command runs in a process group of its own (UV_PROCESS_DETACHED: setsid), so a signal
 * reaches what the shell started too: a publisher's child left behind would keep its pipes
 * open and the daemon waiting. The group outlives the shell only while a member lives, and
 * its stderr pipe is open while one does, so the group id is not yet anyone else's. */
static void kill_group(struct child *c, int sig)
{
    if (c->proc.pid > 0 && kill(-c->proc.pid, sig) != 0 && !c->exited)
        uv_process_kill(&c->proc, sig);
}

void gl_spawn_kill_all(int sig)
{
    for (struct child *c = children; c; c = c->next)
        if (!c->exited || !uv_is_closing((uv_handle_t *)&c->err)) kill_group(c, sig);
}

unsigned gl_spawn_running(void)
{
    return running;
}

static void on_handle_closed(uv_handle_t *h)
{
    struct child *c = h->data;
    if (--c->open_handles > 0) return;
    c->errbuf[c->errlen] = '\0';
    if (c->cb) {
        running--;
        if (c->prev)
            c->prev->next = c->next;
        else
            children = c->next;
        if (c->next) c->next->prev = c->prev;
        c->cb(c->data, 0, c->status, c->timed_out, c->errbuf);
    }
    free(c->input);
    free(c);
}

static void close_all(struct child *c)
{
    uv_handle_t *hs[] = {(uv_handle_t *)&c->proc, (uv_handle_t *)&c->in, (uv_handle_t *)&c->err,
                         (uv_handle_t *)&c->timer};
    for (size_t i = 0; i < 4; i++)
        if (!uv_is_closing(hs[i])) uv_close(hs[i], on_handle_closed);
}

static void on_exit_cb(uv_process_t *p, int64_t status, int term_signal)
{
    struct child *c = p->data;
    c->exited = true;
    c->status = term_signal ? 128 + term_signal : (long)status;
    uv_timer_stop(&c->timer);
    /* stderr may still hold unread bytes: its EOF closes everything. */
    if (uv_is_closing((uv_handle_t *)&c->err)) close_all(c);
}

static void on_err_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    (void)suggested;
    struct child *c = h->data;
    static char discard[4096];
    if (c->errlen < STDERR_KEEP)
        *buf = uv_buf_init(c->errbuf + c->errlen, (unsigned)(STDERR_KEEP - c->errlen));
    else
        *buf = uv_buf_init(discard, sizeof discard);
}

static void on_err_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    struct child *c = s->data;
    if (n > 0 && c->errlen < STDERR_KEEP && buf->base == c->errbuf + c->errlen) {
        c->errlen += (size_t)n;
        return;
    }
    if (n < 0) {
        uv_close((uv_handle_t *)s, on_handle_closed);
        if (c->exited) close_all(c);
    }
}

static void on_written(uv_write_t *w, int status)
{
    (void)status; /* a command that does not read its input is its own business */
    struct child *c = w->data;
    if (!uv_is_closing((uv_handle_t *)&c->in)) uv_close((uv_handle_t *)&c->in, on_handle_closed);
}

static void on_timeout(uv_timer_t *t)
{
    struct child *c = t->data;
    c->timed_out = true;
    log_warn("spawn: time limit reached, killing pid=%d", c->proc.pid);
    kill_group(c, SIGKILL);
}

int gl_spawn(uv_loop_t *loop, const char *command, const char *const *env, const char *input,
             size_t input_len, uint64_t timeout_ms, gl_spawn_cb cb, void *data)
{
    struct child *c = xcalloc(1, sizeof *c);
    c->cb = cb;
    c->data = data;
    c->input = xmalloc(input_len ? input_len : 1);
    memcpy(c->input, input, input_len);
    uv_pipe_init(loop, &c->in, 0);
    uv_pipe_init(loop, &c->err, 0);
    uv_timer_init(loop, &c->timer);
    c->proc.data = c->in.data = c->err.data = c->timer.data = c->write.data = c;

    size_t nenv = 0, nextra = 0;
    while (environ[nenv]) nenv++;
    while (env && env[nextra]) nextra++;
    char **envp = xcalloc(nenv + nextra + 1, sizeof *envp);
    for (size_t i = 0; i < nextra; i++) envp[i] = (char *)env[i];
    for (size_t i = 0; i < nenv; i++) envp[nextra + i] = environ[i];

    char *args[] = {"/bin/sh", "-c", (char *)command, NULL};
    uv_stdio_container_t stdio[3] = {
        {.flags = UV_CREATE_PIPE | UV_READABLE_PIPE, .data.stream = (uv_stream_t *)&c->in},
        {.flags = UV_IGNORE},
        {.flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE, .data.stream = (uv_stream_t *)&c->err},
    };
    uv_process_options_t opts = {
        .exit_cb = on_exit_cb,
        .file = "/bin/sh",
        .args = args,
        .env = envp,
        .stdio_count = 3,
        .stdio = stdio,
        .flags = UV_PROCESS_DETACHED,
    };
    int r = uv_spawn(loop, &c->proc, &opts);
    free(envp);
    if (r) {
        /* The process handle must be closed even when the spawn failed; the last close
         * frees c, without a callback (the caller hears of it from the return value). */
        c->cb = NULL;
        c->open_handles = 4;
        close_all(c);
        log_error("spawn: cannot start '%s': %s", command, uv_strerror(r));
        return r;
    }
    running++;
    c->next = children;
    if (children) children->prev = c;
    children = c;
    c->open_handles = 4;
    uv_buf_t b = uv_buf_init(c->input, (unsigned)input_len);
    if (uv_write(&c->write, (uv_stream_t *)&c->in, &b, 1, on_written) != 0)
        uv_close((uv_handle_t *)&c->in, on_handle_closed);
    uv_read_start((uv_stream_t *)&c->err, on_err_alloc, on_err_read);
    if (timeout_ms) uv_timer_start(&c->timer, on_timeout, timeout_ms, 0);
    return 0;
}
