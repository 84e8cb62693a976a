/* The client side of MessagePack-RPC on the libuv loop: connect, reconnect, requests matched to
 * replies by msgid, and the daemon's pushed events. Never blocks: everything is a callback. */
#ifndef TUI_CONN_H
#define TUI_CONN_H

#include <msgpack.h>
#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "rpc.h"

enum conn_state { CONN_OFFLINE, CONN_CONNECTING, CONN_ONLINE };

/* A reply: err is NULL on success. result is valid only during the call. A request still
 * waiting when the connection drops is answered with err code GL_E_UNAVAILABLE. */
typedef void (*conn_reply_fn)(void *ud, uint64_t tag, const struct gl_err *err,
                              const msgpack_object *result);

struct conn_handlers {
    void *ud;
    /* The connection came up or went away; detail says why (may be empty). */
    void (*state)(void *ud, enum conn_state st, const char *detail);
    /* A notification [2, method, [params]]. */
    void (*notify)(void *ud, const char *method, size_t method_len, const msgpack_object *params);
};

struct conn;

struct conn *conn_new(uv_loop_t *loop, const char *host, int port, struct conn_handlers h);
/* Starts connecting; after a loss it retries by itself with a growing delay. */
void conn_start(struct conn *c);
/* Closes the socket and timers; conn_free after the loop has run the close callbacks. */
void conn_close(struct conn *c);
void conn_free(struct conn *c);
enum conn_state conn_state(const struct conn *c);
/* Milliseconds until the next reconnect attempt, or -1. */
long conn_retry_in_ms(const struct conn *c);
/* Drops the socket as if the daemon went away (used on protocol errors). */
void conn_drop(struct conn *c, const char *why);

/* A request: conn_begin packs the envelope and returns the packer for exactly one params map
 * (pack it, even an empty one), then conn_send queues it. tag is handed back to cb. */
msgpack_packer *conn_begin(struct conn *c, const char *method);
void conn_send(struct conn *c, conn_reply_fn cb, void *ud, uint64_t tag);
/* Shorthand for a request whose params are an empty map. */
void conn_call0(struct conn *c, const char *method, conn_reply_fn cb, void *ud, uint64_t tag);

#endif
