/* Running an outside command (the publisher, sendmail) through uv_spawn: data on its stdin,
 * its stderr kept (the first 4 KiB), a time limit after which it is killed, and a callback
 * with the outcome. The loop never waits on it. */
#ifndef GL_SPAWN_H
#define GL_SPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

/* exit_status is the exit code, or 128 + signal when killed (the time limit kills with
 * SIGKILL); spawn_error is 0 or the libuv error that kept it from starting. stderr_text is
 * NUL-terminated and valid during the call. */
typedef void (*gl_spawn_cb)(void *data, int spawn_error, long exit_status, bool timed_out,
                            const char *stderr_text);

/* Runs "/bin/sh -c command" with env (NULL-terminated "K=V" strings, added to the daemon's
 * environment) and input on stdin. Copies what it needs; returns 0 or a libuv error (then cb
 * is not called). */
int gl_spawn(uv_loop_t *loop, const char *command, const char *const *env, const char *input,
             size_t input_len, uint64_t timeout_ms, gl_spawn_cb cb, void *data);
/* Processes still running. */
unsigned gl_spawn_running(void);
/* Sends sig to every running process (at shutdown). */
void gl_spawn_kill_all(int sig);

#endif
