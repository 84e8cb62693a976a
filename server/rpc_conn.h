/* The MessagePack-RPC listener: connections, framing within limits, dispatch through the
 * method table, replies, and the broadcast of events to subscribed connections. */
#ifndef GL_RPC_CONN_H
#define GL_RPC_CONN_H

#include <stddef.h>

#include "server.h"

/* Binds and listens on addr ("HOST:PORT"); writes the bound address to bound (at least 64
 * bytes). Returns 0 or a libuv error. */
int gl_rpc_listen(struct gl_server *srv, const char *addr, char *bound, size_t boundlen);
/* Sends data (whole notification frames) to every subscribed connection. */
void gl_rpc_broadcast(const char *data, size_t len);
/* Stops listening and closes every connection. */
void gl_rpc_close(struct gl_server *srv);

#endif
