/* What every write of the link pages shares (webwrite.c): the op the group commit runs, the
 * link and visitor it is made for, and the refusals, each with its HTTP status. The writes
 * themselves are in websession.c (bookkeeping) and webforms.c (actions). */
#ifndef GL_WEBWRITE_H
#define GL_WEBWRITE_H

#include <msgpack.h>
#include <stddef.h>

#include "batch.h"
#include "i18n.h"
#include "links.h"
#include "store.h"
#include "webctx.h"

/* The refusals a write may answer with: name, HTTP status, message (one %s at most; marked
 * for translation, translated when the answer is made: web_refusal_text). The %s of the last
 * three is a workflow message, which stays English. */
#define WEB_REFUSALS(X)                                                                            \
    X(WR_NO_LINK, 404, N_("There is nothing at this address."))                                    \
    X(WR_EXPIRED, 410, N_("This link has expired; nothing was changed."))                          \
    X(WR_STILL_WORKS, 409, N_("This link still works."))                                           \
    X(WR_NO_POST, 404, N_("There is nothing at this address."))                                    \
    X(WR_NOT_ALLOWED, 403, N_("Not allowed through this link."))                                   \
    X(WR_PUBLISHED, 409,                                                                           \
      N_("This post was published meanwhile, so it can no longer be changed. Nothing was "         \
         "changed."))                                                                              \
    X(WR_PUBLISHING, 409,                                                                          \
      N_("This post is being published right now, so it cannot be changed. Nothing was "           \
         "changed."))                                                                              \
    X(WR_EDITED, 409,                                                                              \
      N_("The post was edited while you were looking at it, so nothing was changed. Please "       \
         "review the new version."))                                                               \
    X(WR_NOT_AWAITING, 409,                                                                        \
      N_("This post is no longer awaiting approval (it is now %s); nothing was changed."))         \
    X(WR_NOT_YOURS, 409,                                                                           \
      N_("This post is not ready for your decision yet: its current approval step is someone "     \
         "else's. Nothing was changed."))                                                          \
    X(WR_NOT_READY, 409,                                                                           \
      N_("This post is not ready for your decision yet (%s). Nothing was changed."))               \
    X(WR_INVALID, 422, "%s")                                                                       \
    X(WR_REFUSED, 409, "%s")

#define WEB_REFUSAL_ENUM(name, status, text) name,
enum web_refusal { WEB_REFUSALS(WEB_REFUSAL_ENUM) WR_COUNT };
#undef WEB_REFUSAL_ENUM

struct web_write {
    struct gl_op op; /* first: the batch hands it back */
    struct web *w;   /* the request to answer, NULL for bookkeeping */
    uint64_t link;
    unsigned char token_hash[GL_HASH_BYTES];
    char name[GL_MAX_NAME + 1];
    char address[64];
    msgpack_zone zone; /* cleared by each run */
    int status;        /* the HTTP status of a refusal, 0 when none */
    char msg[400];     /* the refusal in English, for the log and the RPC-style error */
    int refusal;       /* its enum web_refusal, -1 when none */
    char arg[360];     /* what fills its %s */
    gl_op_done_fn answer; /* the done callback given, run in w's language */
};

/* Allocates a write of size bytes (a struct beginning with struct web_write) for w's link and
 * visitor; w NULL for bookkeeping. Freed by web_write_free. */
void *web_write_new(size_t size, struct web *w, gl_op_run_fn run, gl_op_done_fn done);
void web_write_free(struct web_write *ww);
/* The refusal ww failed with, in the current language (its English msg when none), into out. */
void web_refusal_text(const struct web_write *ww, char *out, size_t n);
/* Fails the run with refusal r (arg fills its %s); returns -1. */
int web_refuse(struct web_write *ww, enum web_refusal r, const char *arg);
/* Fails the run with the refusal a workflow error stands for; returns -1. */
int web_refuse_wf(struct web_write *ww, const struct gl_err *e);
/* The visitor of l asks the team for a new link, l having expired or (replaced) been given a
 * new address: l.requested_at is set and staff get a link.requested event, at most once an
 * hour after the link stopped working (a second click tells nobody anything new). 0. */
int web_write_link_request(struct web_write *ww, struct gl_txn *t, struct gl_link *l,
                           bool replaced);
/* The link as it is now, in the write: the same token, not revoked, and active (or expired
 * when want_expired). 0, or a refusal. */
int web_write_check_link(struct web_write *ww, struct gl_txn *t, struct gl_link *l,
                         bool want_expired);

#endif
