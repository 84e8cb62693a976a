/* The configuration file: "key = value" lines, one per option, '#' comments. Every key is a
 * command-line option's name (without "--"); options given on the command line win. */
#ifndef GL_CONFIG_H
#define GL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "rpc.h"
#include "server.h"
#include "webbuf.h"

/* Every option, in one list: its key (the config file's, and the command line's with "--"), its
 * kind, the field of struct gl_options, the range of a number, the argument's name in --help,
 * the default as docs/configure.md says it, the line of --help and the meaning in
 * docs/configure.md (tests/unit/test_config.c checks that table is this one).
 * X(key, kind, field, min, max, arg, default, help, meaning) */
#define GL_OPTIONS(X)                                                                               \
    X("data", OPT_STRING, data_dir, 0, 0, "DIR", "`./greenlight-data`",                             \
      "data directory (default ./greenlight-data)",                                                 \
      "data directory (LMDB store; `/var/lib/greenlight` under systemd)")                           \
    X("rpc", OPT_STRING, rpc_addr, 0, 0, "HOST:PORT", "`127.0.0.1:7411`",                           \
      "MessagePack-RPC address for the staff client (default 127.0.0.1:7411)",                      \
      "MessagePack-RPC address for the staff client")                                               \
    X("http", OPT_STRING, http_addr, 0, 0, "HOST:PORT", "`127.0.0.1:7412`",                         \
      "HTTP address for external links (default 127.0.0.1:7412)",                                   \
      "HTTP address for external links; put a proxy in front ([proxy.md](proxy.md))")               \
    X("public-url", OPT_STRING, public_url, 0, 0, "URL", "`http://HTTP-ADDRESS`",                   \
      "base of the links given out (default http://HTTP-ADDRESS)",                                  \
      "base of the links given out; `https://` makes the session cookie `Secure`")                  \
    X("trusted-proxy", OPT_LIST, trusted_proxies, 0, 0, "ADDR", "none",                             \
      "believe X-Forwarded-For from this proxy address (repeatable)",                               \
      "proxy addresses whose `X-Forwarded-For` is believed")                                        \
    X("config", OPT_CONFIG, config_file, 0, 0, "FILE", "",                                          \
      "configuration file; options given here win", "")                                             \
    X("log-file", OPT_STRING, log_file, 0, 0, "FILE", "standard error",                             \
      "log there instead of stderr (reopened on SIGHUP)", "log file, reopened on SIGHUP")           \
    X("locale-dir", OPT_STRING, locale_dir, 0, 0, "DIR", "`/usr/share/locale`",                     \
      "translations of the link pages, DIR/LANG/LC_MESSAGES/greenlight.mo (default "                \
      "/usr/share/locale)",                                                                         \
      "where the link pages' translations are (`LANG/LC_MESSAGES/greenlight.mo`; `make install` "   \
      "puts them in `PREFIX/share/locale`, `make` in `build/locale`)")                              \
    X("publisher", OPT_STRING, publisher, 0, 0, "CMD", "none",                                      \
      "run CMD (sh -c) to publish a post: fields in GREENLIGHT_* variables, caption on stdin, "     \
      "exit 0 for published",                                                                       \
      "`sh -c` command that publishes a due post (`GREENLIGHT_*` variables, caption on stdin)")     \
    X("sendmail", OPT_STRING, sendmail, 0, 0, "CMD", "none",                                        \
      "send mail with CMD, sendmail -t style (e.g. 'msmtp -t')",                                    \
      "mail command, `sendmail -t` style")                                                          \
    X("mail-digest-seconds", OPT_NUMBER, mail_digest_seconds, 1, 604800, "N", "3600",               \
      "how often digest mail goes out (default 3600)",                                              \
      "how often users who chose digests get their one message (1 to 604800)")                      \
    X("mail-from", OPT_STRING, mail_from, 0, 0, "ADDRESS", "`greenlight@` the public URL's host",   \
      "mail comes from ADDRESS (default greenlight@ the public URL's host)",                        \
      "address mail comes from; its domain ends each `Message-ID`")                                 \
    X("mail-retry-ms", OPT_NUMBER, mail_retry_ms, 10, 3600000, "N", "`5000`",                      \
      "first mail retry after N ms, doubling (default 5000)",                                       \
      "mail the command refused is tried again after this many ms, then twice as long each time "  \
      "(at most an hour apart, for 24 hours) (10–3600000)")                                         \
    X("rpc-idle-seconds", OPT_NUMBER, rpc_idle_seconds, 1, 2592000, "N", "43200",                   \
      "close a logged-in RPC connection idle that long (default 43200)",                            \
      "a logged-in staff connection that sends nothing this long is closed; the client logs in "    \
      "again by itself (1 to 2592000)")                                                             \
    X("demo", OPT_BOOLEAN, demo, 0, 0, NULL, "`false`",                                             \
      "fill an empty store with demo profiles and posts", "fill an empty store with demo data")     \
    X("approval-link-days", OPT_NUMBER, approval_link_days, 1, 3650, "N", "`30`",                   \
      "an approval link's default validity (default 30)",                                           \
      "validity of an approval link created without `ttl_days`/`expires_at` (1–3650)")              \
    X("link-password-min", OPT_NUMBER, link_password_min, 8, 128, "N", "`8`",                       \
      "shortest link password staff may set (default 8)",                                           \
      "shortest password staff may set on a link, in bytes (8–128)")                                \
    X("anon-per-address", OPT_NUMBER, anon_per_address, 1, 1024, "N", "`8`",                        \
      "connections not logged in, per address (default 8)",                                         \
      "RPC connections not logged in, per peer address (1–1024); past it the address's oldest "   \
      "idle one is closed")                                                                         \
    X("anon-max", OPT_NUMBER, anon_max, 1, 768, "N", "`256`",                                       \
      "connections not logged in, in all (default 256)",                                            \
      "RPC connections not logged in, in all (1–768, below the 1,024 slots so that staff always " \
      "find one)")                                                                                  \
    X("login-timeout-seconds", OPT_NUMBER, login_timeout_seconds, 1, 300, "N", "`10`",              \
      "time to log in before being closed (default 10)",                                            \
      "an RPC connection that has not logged in by then is closed (1–300)")                         \
    /* Above one reply's worth (a 12 MiB frame past the 1 MiB mark where requests wait). */         \
    X("output-max-mib", OPT_NUMBER, output_max_mib, 14, 1024, "N", "`16`",                          \
      "output queued to one connection (default 16)",                                               \
      "unread output one RPC connection may have before it is closed (14–1024: above one 12 MiB " \
      "answer past the 1 MiB mark where its requests wait)")                                        \
    X("output-total-max-mib", OPT_NUMBER, output_total_max_mib, 16, 65536, "N", "`256`",            \
      "output queued to all; past it the most stalled goes (default 256)",                          \
      "unread output of all RPC connections; past it the one stalled longest is closed "            \
      "(16–65536)")                                                                              \
    X("webhook-ca-file", OPT_STRING, webhook_ca_file, 0, 0, "FILE", "the system's",                \
      "CA certificates webhook endpoints' TLS is verified against (default the system's)",         \
      "PEM file of the CA certificates that webhook endpoints' certificates are verified against") \
    X("webhook-retry-ms", OPT_NUMBER, webhook_retry_ms, 10, 3600000, "N", "`5000`",                \
      "first webhook retry after N ms, doubling (default 5000)",                                    \
      "a failed webhook delivery is retried after this many ms, then twice as long each time (at " \
      "most an hour apart) for 24 hours (10–3600000)")                                             \
    X("webhook-pause-failures", OPT_NUMBER, webhook_pause_failures, 1, 1000, "N", "`5`",           \
      "pause a webhook endpoint after N failures in a row (default 5)",                             \
      "an endpoint whose deliveries failed this many times in a row, for at least "                 \
      "`webhook-pause-seconds`, is paused and the admins notified (1–1000)")                       \
    X("webhook-pause-seconds", OPT_NUMBER, webhook_pause_seconds, 0, 604800, "N", "`3600`",        \
      "...and failing for at least N seconds (default 3600)",                                       \
      "how long an endpoint must have been failing before it is paused (0–604800)")

enum gl_option_kind { OPT_STRING, OPT_BOOLEAN, OPT_LIST, OPT_NUMBER, OPT_CONFIG };

struct gl_option {
    const char *key;
    enum gl_option_kind kind;
    size_t offset; /* in struct gl_options */
    long min, max; /* OPT_NUMBER: the accepted range */
    const char *arg, *def, *help, *meaning;
};

extern const struct gl_option gl_options_table[];
extern const size_t gl_noptions;

/* Reads path into o, over what o holds. Returns 0, or -1 with err naming the line and the
 * reason. The strings it stores stay allocated until gl_config_free(). */
int gl_config_load(const char *path, struct gl_options *opts, struct gl_err *err);
/* The value of --config in argv, if any (looked up before the other options are applied). */
const char *gl_config_path(int argc, char **argv);
void gl_config_free(void);
/* Sets the option o names to value (from the command line, or line of path); 0, or -1 with
 * err saying why. */
int gl_option_set(struct gl_options *opts, const struct gl_option *o, const char *value,
                  struct gl_err *err, const char *path, unsigned line);
/* The --help lines of the options; the Keys table of docs/configure.md. */
void gl_options_usage(struct gl_buf *b);
void gl_options_markdown(struct gl_buf *b);
/* The OPTIONS entries of packaging/greenlightd.8, in roff. */
void gl_options_man(struct gl_buf *b);
/* Parses value for the NUMBER key (its range checked); on failure, why says what is wrong. */
int gl_config_number(const char *key, const char *value, long *out, char *why, size_t n);

#endif
