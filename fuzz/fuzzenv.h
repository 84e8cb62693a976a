/* What the fuzz targets that need a daemon share: one store filled with the demo data in a
 * temporary directory, the batch, the HTTP side listening on loopback, and three links (one of
 * each kind) with a signed-in session for the two that have a gate. Set up once per process. */
#ifndef GL_FUZZENV_H
#define GL_FUZZENV_H

#include <stddef.h>

#include "links.h"
#include "server.h"

struct fuzz_link {
    char token[GL_TOKEN_LEN + 1];
    char cookie[GL_TOKEN_LEN + 1]; /* a signed-in session (calendar: none) */
    char csrf[48];                 /* the form token of that session (calendar: of the link) */
    char csrf_form[48];            /* csrf as a form carries it, masked */
    struct gl_link link;
};

struct fuzz_env {
    struct gl_server srv;
    char dir[64];
    int http_port;
    struct fuzz_link cal, collab, approval;
};

/* Sets up everything once; later calls return the same environment. Aborts on failure. */
struct fuzz_env *fuzz_env(void);
/* Copies in to a new NUL-terminated string with the placeholders replaced:
 * @C @K @A the calendar, collab and approval tokens, @k @a their session cookies,
 * @c @x @y the CSRF tokens of the calendar link, the collab and the approval sessions. */
char *fuzz_expand(const struct fuzz_env *e, const unsigned char *in, size_t n, size_t *outlen);

#endif
