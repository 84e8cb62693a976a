/* The daemon's shared state: one loop, one store, the listeners, and the options. */
#ifndef GL_SERVER_H
#define GL_SERVER_H

#include <stdbool.h>
#include <uv.h>

#include "batch.h"
#include "store.h"

struct gl_conn;
struct gl_http_server;

struct gl_options {
    const char *data_dir;
    const char *rpc_addr;
    const char *http_addr;
    const char *public_url;
    const char *config_file;
    const char *log_file;
    const char *publisher;
    const char *sendmail;
    const char *mail_from; /* --mail-from: the sender address (NULL: greenlight@ the URL host) */
    const char *locale_dir; /* the link pages' catalogues (i18n.h) */
    const char *trusted_proxies[16]; /* --trusted-proxy: X-Forwarded-For is believed from these */
    unsigned ntrusted_proxies;
    bool demo;
    /* Link defaults (0: the built-in default). */
    long approval_link_days; /* validity of an approval link given no ttl_days/expires_at */
    long link_password_min;  /* shortest password staff may set on a link */
    long mail_digest_seconds; /* how often digests go out (0: the default, an hour) */
    long rpc_idle_seconds;    /* a logged-in RPC connection idle this long is closed (0: 12 h) */
    /* Connection limits (0: the built-in default; server/rpc_conn.c, docs/hardening.md). */
    long anon_per_address;      /* connections not logged in, per peer address */
    long anon_max;              /* connections not logged in, in all */
    long login_timeout_seconds; /* a connection that has not logged in by then is closed */
    long output_max_mib;        /* output queued to one connection before it is closed */
    long output_total_max_mib;  /* output queued to all: past it, the largest is closed */
    /* Webhooks (server/webhook_send.c; 0: the built-in default). */
    const char *webhook_ca_file; /* CA bundle for endpoints' TLS (NULL: the system's) */
    long webhook_retry_ms;       /* first retry delay, doubling */
    long mail_retry_ms;          /* first mail retry delay, doubling */
    long webhook_pause_failures; /* failures in a row that pause an endpoint... */
    long webhook_pause_seconds;  /* ...when it has been failing this long */
};

struct gl_server {
    uv_loop_t *loop;
    struct gl_options opt;
    struct gl_store store;
    struct gl_batch batch;
    uv_tcp_t rpc_listener;
    struct gl_conn *conns;         /* every RPC connection */
    unsigned nconns;
    unsigned hash_jobs;            /* password hashes queued on the thread pool */
    uv_timer_t publish_timer;
    uv_signal_t sig_term, sig_int, sig_hup;
    struct gl_http_server *http;   /* NULL until the HTTP responder starts */
    bool stopping;
};

/* The daemon's one server (there is one per process; handlers reach it through this). */
extern struct gl_server *gl_srv;

#endif
