/* The visitor of a link (websession.c): the client's address, the session cookie and sign-in
 * (with the password checked on the thread pool), CSRF tokens, and the bookkeeping writes that
 * change nothing a page shows: sessions, open counts and what a visitor last saw. */
#ifndef GL_WEBSESSION_H
#define GL_WEBSESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "batch.h"
#include "http.h"
#include "server.h"
#include "webctx.h"

/* Loads (or makes once) the CSRF key and starts the minute timer that saves open counts. */
int web_sessions_start(struct gl_server *srv);
/* Queues the last open counts and stops the timer. */
void web_sessions_stop(void);

/* Whether addr is a --trusted-proxy. */
bool web_trusted(const char *addr);
/* The client's address: the TCP peer, or, from a trusted proxy, the rightmost X-Forwarded-For
 * entry that is not one. */
void web_client_address(const struct gl_http_req *req, char *out, size_t n);
/* Sets w->signed_in (and the session) from this link's session cookie, when valid. */
void web_session_load(struct web *w);
/* Whether this link shows nothing before a sign-in (it asks a name or has a password). */
bool web_needs_sign_in(const struct gl_link *l);
/* Sets w->csrf for w's session (or, before sign-in, its link). */
void web_csrf_make(struct web *w);
/* Writes w->csrf masked afresh (WEB_CSRF_MASKED_LEN characters and a NUL) into out: what a
 * page carries, the response path (webreq.c) masking each token of each answer. */
#define WEB_CSRF_MASKED_LEN 43
void web_csrf_mask(const struct web *w, char *out, size_t n);
/* Whether given is a masked w->csrf (constant time); the bare token is refused. */
bool web_csrf_ok(const struct web *w, const char *given);

/* Checks a link password on the thread pool, then signs in as name, or, for a feed asked with
 * HTTP Basic, answers with feed(w) (a wrong password is then a 401 challenge); 429 when limited
 * or busy. */
typedef void (*web_feed_fn)(struct web *w);
void web_check_password(struct web *w, const char *password, const char *name, web_feed_fn feed);
/* Counts an open of link, saved within a minute. */
void web_count_open(uint64_t link, int64_t now);
/* A write that remembers p as what w's visitor saw of it (for "what changed"), with copies of
 * its own: to submit after w is answered. */
struct gl_op *web_seen_write(const struct web *w, const struct gl_post *p);
/* Whether op is one of the bookkeeping writes above (they leave cached pages valid). */
bool web_op_is_bookkeeping(const struct gl_op *op);

#endif
