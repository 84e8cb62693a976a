/* Listening TCP streams and their addresses (see stream.h). */
#include "stream.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

int gl_stream_addr(const char *text, struct sockaddr_storage *ss)
{
    char host[64];
    int port;
    if (gl_parse_hostport(text, host, sizeof host, &port) != 0) return UV_EINVAL;
    return strchr(host, ':') ? uv_ip6_addr(host, port, (struct sockaddr_in6 *)ss)
                             : uv_ip4_addr(host, port, (struct sockaddr_in *)ss);
}

int gl_stream_listen(uv_tcp_t *listener, const struct sockaddr_storage *ss,
                     uv_connection_cb on_connection, char *bound, size_t boundlen)
{
    int r = uv_tcp_bind(listener, (const struct sockaddr *)ss, 0);
    if (!r) r = uv_listen((uv_stream_t *)listener, 511, on_connection);
    if (r) return r;
    struct sockaddr_storage got;
    int len = sizeof got;
    uv_tcp_getsockname(listener, (struct sockaddr *)&got, &len);
    char name[64];
    if (got.ss_family == AF_INET6) {
        uv_ip6_name((struct sockaddr_in6 *)&got, name, sizeof name);
        snprintf(bound, boundlen, "[%s]:%d", name,
                 ntohs(((struct sockaddr_in6 *)&got)->sin6_port));
    } else {
        uv_ip4_name((struct sockaddr_in *)&got, name, sizeof name);
        snprintf(bound, boundlen, "%s:%d", name, ntohs(((struct sockaddr_in *)&got)->sin_port));
    }
    return 0;
}

void gl_stream_peer(const uv_tcp_t *tcp, char *out, size_t n)
{
    struct sockaddr_storage ss;
    int len = sizeof ss;
    snprintf(out, n, "?");
    if (uv_tcp_getpeername(tcp, (struct sockaddr *)&ss, &len) != 0) return;
    if (ss.ss_family == AF_INET6)
        uv_ip6_name((struct sockaddr_in6 *)&ss, out, n);
    else
        uv_ip4_name((struct sockaddr_in *)&ss, out, n);
}
