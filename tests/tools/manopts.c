/* make man: rewrites the OPTIONS list of a man page (between its BEGIN/END OPTIONS markers) from
 * the daemon's option table, so a new option is documented by editing server/config.h only.
 * tests/unit/test_config.c fails until this has been run. Usage: manopts FILE */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "webbuf.h"

#define MAN_BEGIN ".\\\" BEGIN OPTIONS"
#define MAN_END ".\\\" END OPTIONS\n"

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    struct gl_buf b;
    buf_init(&b, 8192);
    char chunk[4096];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) buf_put(&b, chunk, got);
    fclose(f);
    buf_put(&b, "", 1);
    *n = b.n - 1;
    return b.p;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s MANPAGE\n", argv[0]);
        return 2;
    }
    size_t n;
    char *doc = slurp(argv[1], &n);
    if (!doc) {
        perror(argv[1]);
        return 1;
    }
    char *begin = strstr(doc, MAN_BEGIN);
    char *start = begin ? strchr(begin, '\n') : NULL;
    char *end = start ? strstr(start, MAN_END) : NULL;
    if (!end) {
        fprintf(stderr, "%s: no %s ... %s markers\n", argv[1], MAN_BEGIN, ".\\\" END OPTIONS");
        free(doc);
        return 1;
    }
    start++;
    struct gl_buf out;
    buf_init(&out, n + 4096);
    buf_put(&out, doc, (size_t)(start - doc));
    gl_options_man(&out);
    buf_put(&out, end, n - (size_t)(end - doc));
    FILE *f = fopen(argv[1], "wb");
    int rc = !f || fwrite(out.p, 1, out.n, f) != out.n;
    if (f && fclose(f)) rc = 1;
    if (rc) perror(argv[1]);
    buf_free(&out);
    free(doc);
    return rc;
}
