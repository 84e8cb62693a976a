/* greenlight: the staff client. Options, the password file, then the loop in app.c. */
#include <getopt.h>
#include <locale.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "util.h"
#include "xmalloc.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: greenlight [options]\n"
            "  --connect HOST:PORT   the daemon's RPC address (default 127.0.0.1:7411)\n"
            "  --user NAME           log in as NAME (asked for otherwise)\n"
            "  --password-file FILE  read the password from FILE (asked for, hidden, otherwise)\n"
            "  --keys                print every screen's keys (Markdown) and exit\n"
            "  --help, --version\n"
            "Press ? in any screen for its keys. NO_COLOR=1 turns colour off;\n"
            "$VISUAL or $EDITOR edits captions; GL_TUI_TIMING=FILE appends timings to FILE.\n");
}

/* The first line of the file, without its newline. */
static char *read_password(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    char buf[1024];
    char *line = fgets(buf, sizeof buf, f);
    fclose(f);
    if (!line) return NULL;
    buf[strcspn(buf, "\r\n")] = '\0';
    char *p = xstrdup(buf);
    sodium_memzero(buf, sizeof buf);
    return p;
}

int main(int argc, char **argv)
{
    static struct app app;
    struct app *a = &app;
    a->t_start = gl_mono_ns();
    setlocale(LC_ALL, "");
    if (sodium_init() < 0) {
        fprintf(stderr, "greenlight: libsodium failed to initialise\n");
        return 1;
    }
    static const struct option longopts[] = {
        {"connect", required_argument, NULL, 'c'},
        {"user", required_argument, NULL, 'u'},
        {"password-file", required_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {"keys", no_argument, NULL, 'K'},
        {NULL, 0, NULL, 0},
    };
    const char *connect = "127.0.0.1:7411", *pwfile = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'c':
            connect = optarg;
            break;
        case 'u':
            free(a->user);
            a->user = xstrdup(optarg);
            break;
        case 'p':
            pwfile = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        case 'K':
            keys_dump(stdout);
            free(a->user);
            return 0;
        case 'V':
            printf("greenlight %s (protocol %d)\n", GL_VERSION, GL_PROTOCOL_VERSION);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "greenlight: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        return 2;
    }
    if (gl_parse_hostport(connect, a->host, sizeof a->host, &a->port) != 0 || a->port == 0) {
        fprintf(stderr, "greenlight: --connect wants HOST:PORT, not '%s'\n", connect);
        return 2;
    }
    if (pwfile) {
        a->password = read_password(pwfile);
        if (!a->password) {
            fprintf(stderr, "greenlight: cannot read a password from %s\n", pwfile);
            free(a->user);
            return 2;
        }
    }
    if (!isatty(0) || !isatty(1)) {
        fprintf(stderr, "greenlight: needs a terminal\n");
        free(a->user);
        free(a->password);
        return 2;
    }
    int rc = app_run(a);
    free(a->user);
    if (a->password) sodium_memzero(a->password, strlen(a->password));
    free(a->password);
    return rc;
}
