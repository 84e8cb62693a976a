/* greenlightd: options, start-up, the loop, and a clean shutdown. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stddef.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth.h"
#include "backup.h"
#include "check.h"
#include "config.h"
#include "rpc_conn.h"
#include "demo.h"
#include "digest.h"
#include "i18n.h"
#include "log.h"
#include "mail.h"
#include "mailout.h"
#include "publish.h"
#include "receipt.h"
#include "receipt_cli.h"
#include "spawn.h"
#include "records.h"
#include "sdnotify.h"
#include "server.h"
#include "util.h"
#include "web.h"
#include "webbuf.h"
#include "webhook_send.h"
#include "xmalloc.h"

static void usage(FILE *out)
{
    struct gl_buf b;
    buf_init(&b, 4096);
    gl_options_usage(&b);
    fprintf(out,
            "usage: greenlightd [options]\n"
            "%.*s"
            "  --help, --version\n"
            "Subcommands (see greenlightd(8)):\n"
            "  greenlightd check --data DIR   verify a store's invariants\n"
            "  greenlightd backup --data DIR FILE   compacted copy of a live store\n"
            "  greenlightd restore --data DIR [--force] FILE   put a backup back (daemon stopped)\n"
            "  greenlightd receipts-key --data DIR [--rotate]   the receipts' signing key\n"
            "  greenlightd receipts --data DIR [--profile ID] [--post ID] [--from DATE]\n"
            "      [--to DATE] --format json|csv|html   export signed approval receipts\n"
            "  greenlightd verify FILE [--key PUBKEY]   check an export's signatures and chains\n"
            "Port 0 picks a free port; the bound addresses are printed as 'rpc HOST:PORT' and\n"
            "'http HOST:PORT' on standard output.\n",
            (int)b.n, b.p);
    buf_free(&b);
}

/* A readable random password: no look-alike characters. */
static void random_password(char *out, size_t len)
{
    static const char alphabet[] = "abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRSTUVWXYZ23456789";
    for (size_t i = 0; i + 1 < len; i++)
        out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
    out[len - 1] = '\0';
}

/* On first start, creates user admin with a random password, printed once and written to
 * DIR/initial-admin-password (0600). */
static int ensure_admin(struct gl_server *srv)
{
    struct gl_txn t = {.store = &srv->store};
    t.rc = mdb_txn_begin(srv->store.env, NULL, 0, &t.txn);
    if (t.rc) return t.rc;
    MDB_stat st;
    mdb_stat(t.txn, srv->store.dbi[DB_USERS], &st);
    if (st.ms_entries > 0) {
        mdb_txn_abort(t.txn);
        return 0;
    }
    char password[17];
    random_password(password, sizeof password);
    char *hash = gl_password_hash(password);
    struct gl_user u = {.name = "admin", .role = ROLE_ADMIN, .pwhash = hash,
                        .created_at = gl_now()};
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    gl_user_encode(&u, &sb);
    struct gl_key k;
    key_bytes(&k, "admin", 5);
    gl_put(&t, DB_USERS, &k, sb.data, sb.size);
    msgpack_sbuffer_destroy(&sb);
    free(hash);
    int rc = t.rc ? t.rc : mdb_txn_commit(t.txn);
    if (t.rc) mdb_txn_abort(t.txn);
    if (rc) return rc;
    char *path = xasprintf("%s/initial-admin-password", srv->opt.data_dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) {
        dprintf(fd, "%s\n", password);
        fsync(fd);
        close(fd);
    } else {
        log_error("cannot write %s: %s", path, strerror(errno));
    }
    printf("admin password: %s (also in %s)\n", password, path);
    fflush(stdout);
    free(path);
    sodium_memzero(password, sizeof password);
    return 0;
}

static void on_committed(struct gl_op *op)
{
    if (op->events.size) gl_rpc_broadcast(op->events.data, op->events.size);
    gl_mailout_committed();
    gl_web_committed(op);
    gl_webhook_send_committed();
}

/* Log lines of one loop iteration go out in one write, after the iteration's commit. */
static uv_prepare_t log_flusher;

static void on_log_flush(uv_prepare_t *h)
{
    (void)h;
    gl_log_flush();
}

static void shutdown_server(struct gl_server *srv)
{
    if (srv->stopping) return;
    srv->stopping = true;
    log_info("shutting down");
    gl_sd_notify("STOPPING=1");
    gl_rpc_close(srv);
    uv_prepare_stop(&log_flusher);
    uv_close((uv_handle_t *)&log_flusher, NULL);
    gl_spawn_kill_all(SIGTERM);
    gl_web_stop(srv);
    gl_batch_close(&srv->batch);
    gl_webhook_send_stop();
    gl_mailout_stop();
    gl_publish_stop(srv);
    gl_digest_stop();
    uv_close((uv_handle_t *)&srv->sig_term, NULL);
    uv_close((uv_handle_t *)&srv->sig_int, NULL);
    uv_close((uv_handle_t *)&srv->sig_hup, NULL);
}

static void on_signal(uv_signal_t *h, int signum)
{
    struct gl_server *srv = h->data;
    if (signum == SIGHUP) {
        if (srv->opt.log_file && gl_log_open(srv->opt.log_file) != 0)
            log_error("cannot reopen log file %s", srv->opt.log_file);
        else
            log_info("log reopened");
        return;
    }
    shutdown_server(srv);
}

/* getopt's options are the table's (config.h), each with its index past OPT_BASE. */
#define OPT_BASE 256
enum { OPT_HELP = 'h', OPT_VERSION = 'V' };

static int parse_args(int argc, char **argv, struct gl_options *o)
{
    struct option longopts[64];
    size_t n = 0;
    for (size_t k = 0; k < gl_noptions && n < GL_ARRAY_LEN(longopts) - 3; k++)
        longopts[n++] = (struct option){gl_options_table[k].key,
                                        gl_options_table[k].kind == OPT_BOOLEAN ? no_argument
                                                                                : required_argument,
                                        NULL, OPT_BASE + (int)k};
    longopts[n++] = (struct option){"help", no_argument, NULL, OPT_HELP};
    longopts[n++] = (struct option){"version", no_argument, NULL, OPT_VERSION};
    longopts[n] = (struct option){NULL, 0, NULL, 0};
    int c;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        if (c == OPT_HELP) {
            usage(stdout);
            exit(0);
        }
        if (c == OPT_VERSION) {
            printf("greenlightd %s (protocol %d)\n", GL_VERSION, GL_PROTOCOL_VERSION);
            exit(0);
        }
        if (c < OPT_BASE || (size_t)(c - OPT_BASE) >= gl_noptions) {
            usage(stderr);
            return -1;
        }
        struct gl_err err = {0};
        if (gl_option_set(o, &gl_options_table[c - OPT_BASE], optarg, &err, NULL, 0) != 0) {
            fprintf(stderr, "greenlightd: %s\n", err.message);
            return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "greenlightd: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        return -1;
    }
    return 0;
}

/* Every connection slot needs a descriptor: 1,024 RPC and 2,048 HTTP, plus the store, the
 * listeners, the log and children's pipes. A soft limit below that (1,024 is common) would turn
 * a full table into failed accepts, so it is raised as far as the hard limit allows. */
static void raise_fd_limit(void)
{
    const rlim_t want = 4096;
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want) return;
    rlim_t was = rl.rlim_cur;
    rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0) rl.rlim_cur = was;
    if (rl.rlim_cur < want)
        log_warn("open files limited to %llu (wanted %llu): raise LimitNOFILE",
                 (unsigned long long)rl.rlim_cur, (unsigned long long)want);
}

/* "greenlightd SUBCOMMAND ...": tools that work on a store, before any option parsing. */
static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
} subcommands[] = {
    {"check", gl_check_main},
    {"backup", gl_backup_main},
    {"restore", gl_restore_main},
    {"receipts-key", gl_receipts_key_main},
    {"receipts", gl_receipts_main},
    {"verify", gl_verify_main},
};

int main(int argc, char **argv)
{
    if (argc > 1 && argv[1][0] != '-') {
        for (size_t i = 0; i < GL_ARRAY_LEN(subcommands); i++)
            if (strcmp(argv[1], subcommands[i].name) == 0)
                return subcommands[i].run(argc - 1, argv + 1);
    }
    struct gl_server srv = {0};
    gl_srv = &srv;
    srv.opt = (struct gl_options){.data_dir = "./greenlight-data",
                                  .rpc_addr = "127.0.0.1:7411",
                                  .http_addr = "127.0.0.1:7412",
                                  .webhook_pause_seconds = 3600,
                                  .locale_dir = "/usr/share/locale"};
    /* The file first, then the command line over it. */
    const char *config = gl_config_path(argc, argv);
    if (config) {
        struct gl_err cerr = {0};
        if (gl_config_load(config, &srv.opt, &cerr) != 0) {
            fprintf(stderr, "greenlightd: %s\n", cerr.message);
            return 2;
        }
    }
    if (parse_args(argc, argv, &srv.opt) != 0) return 2;
    raise_fd_limit();
    if (sodium_init() < 0) {
        fprintf(stderr, "greenlightd: libsodium failed to initialise\n");
        return 1;
    }
    if (srv.opt.log_file && gl_log_open(srv.opt.log_file) != 0) {
        fprintf(stderr, "greenlightd: cannot open log file %s\n", srv.opt.log_file);
        return 1;
    }
    /* After the log is open: a missing locale is said there. */
    gl_i18n_init(srv.opt.locale_dir);
    struct gl_err err = {0};
    if (gl_store_open(&srv.store, srv.opt.data_dir, &err) != 0) {
        log_error("%s", err.message);
        return 1;
    }
    int rc = ensure_admin(&srv);
    if (!rc) rc = receipt_keys_ensure(&srv.store);
    if (!rc && srv.opt.demo) rc = gl_demo_fill(&srv.store);
    if (rc) {
        log_error("cannot initialise the store: %s", mdb_strerror(rc));
        gl_store_close(&srv.store);
        return 1;
    }

    srv.loop = uv_default_loop();
    /* libuv runs the prepare hook started last first: this one, started before the batch's,
     * runs after the commit and so carries the lines the commit's callbacks log. */
    uv_prepare_init(srv.loop, &log_flusher);
    uv_prepare_start(&log_flusher, on_log_flush);
    gl_log_set_buffered(true);
    gl_batch_init(&srv.batch, srv.loop, &srv.store);
    srv.batch.committed = on_committed;
    srv.batch.after_commit = gl_publish_rearm;

    char bound[96];
    rc = gl_rpc_listen(&srv, srv.opt.rpc_addr, bound, sizeof bound);
    if (rc) {
        log_error("cannot listen on %s: %s", srv.opt.rpc_addr, uv_strerror(rc));
        return 1;
    }
    printf("rpc %s\n", bound);
    fflush(stdout);
    log_info("listening rpc=%s data=%s version=%s", bound, srv.opt.data_dir, GL_VERSION);

    rc = gl_web_start(&srv, bound, sizeof bound);
    if (rc) {
        log_error("cannot listen on %s: %s", srv.opt.http_addr, uv_strerror(rc));
        return 1;
    }
    printf("http %s\n", bound);
    fflush(stdout);
    log_info("listening http=%s public_url=%s", bound, gl_web_public_url());
    if (srv.opt.demo) gl_web_demo_links(&srv);

    gl_publish_start(&srv);
    gl_digest_start(&srv);
    if (gl_webhook_send_start(&srv) != 0) return 1;
    gl_mailout_start(&srv);
    /* Signals are handled before anyone is told we are ready: a SIGTERM right after "ready"
     * is a clean shutdown, not a kill. */
    uv_signal_init(srv.loop, &srv.sig_term);
    uv_signal_init(srv.loop, &srv.sig_int);
    uv_signal_init(srv.loop, &srv.sig_hup);
    srv.sig_term.data = srv.sig_int.data = srv.sig_hup.data = &srv;
    uv_signal_start(&srv.sig_term, on_signal, SIGTERM);
    uv_signal_start(&srv.sig_int, on_signal, SIGINT);
    uv_signal_start(&srv.sig_hup, on_signal, SIGHUP);
    signal(SIGPIPE, SIG_IGN);
    /* Tests and scripts wait for this line: every listener is up. */
    printf("ready\n");
    fflush(stdout);
    if (gl_sd_notify("READY=1\nSTATUS=serving") != 0)
        log_warn("cannot notify systemd of readiness");

    uv_run(srv.loop, UV_RUN_DEFAULT);
    /* Every handle is closed and every thread-pool job has finished. */
    int closed = uv_loop_close(srv.loop);
    gl_store_close(&srv.store);
    gl_log_set_buffered(false);
    gl_log_open(NULL);
    log_info("stopped");
    gl_i18n_free();
    gl_config_free();
    return closed == 0 ? 0 : 1;
}
