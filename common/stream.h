/* The TCP streams of the RPC and HTTP listeners: an address option read, the listening socket
 * bound, and addresses named as the log and the startup line show them. */
#ifndef GL_STREAM_H
#define GL_STREAM_H

#include <stddef.h>
#include <sys/socket.h>
#include <uv.h>

/* "host:port" (a bracketed IPv6 host too, see gl_parse_hostport) as an address: 0, UV_EINVAL
 * for text that is not one, or libuv's error. */
int gl_stream_addr(const char *text, struct sockaddr_storage *ss);
/* Binds the initialised listener to ss and listens, calling on_connection for each comer;
 * writes the address it got (its port when ss asked for 0) into bound as "host:port" or
 * "[v6host]:port". 0 or libuv's error; the listener is the caller's to close either way. */
int gl_stream_listen(uv_tcp_t *listener, const struct sockaddr_storage *ss,
                     uv_connection_cb on_connection, char *bound, size_t boundlen);
/* The address of the peer of an accepted stream, "?" when it has none. */
void gl_stream_peer(const uv_tcp_t *tcp, char *out, size_t n);

#endif
