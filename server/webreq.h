/* The lifetime of one request to a link (webreq.c): its read transaction, and the answers that
 * end it. Each web_send*, web_redirect, web_message and web_not_found sends and frees w. */
#ifndef GL_WEBREQ_H
#define GL_WEBREQ_H

#include <stddef.h>

#include "batch.h"
#include "http.h"
#include "webbuf.h"
#include "webctx.h"

/* Ends w's read transaction, if open (before a write is queued or a hash runs). */
void web_read_end(struct web *w);
void web_free(struct web *w);
/* Answers with raw bytes, no struct web involved. */
void web_send_raw(struct gl_http_req *req, int status, const char *ctype, const char *headers,
                  const char *body, size_t len);
/* Answers req with a text or other body: for text, an ETag (200 to GET) and 304 when
 * If-None-Match names it, gzip when Accept-Encoding allows and the body is large enough, and
 * (HTML with w given) each of w's CSRF tokens masked afresh. w may be NULL (a cached page). */
void web_answer(struct gl_http_req *req, const struct web *w, int status, const char *ctype,
                const char *headers, const char *body, size_t len);
/* A body's ETag and gzip form, made on its first answer and kept with it (the page cache, the
 * stylesheet) so later answers reuse them. Zeroed: nothing kept yet. */
#define WEB_ETAG_MAX 40
struct web_kept {
    char etag[WEB_ETAG_MAX];
    struct gl_buf gz;
};
void web_kept_free(struct web_kept *k);
/* web_answer for a body that does not change while kept lives (no CSRF token in it). */
void web_answer_kept(struct gl_http_req *req, int status, const char *ctype, const char *headers,
                     const char *body, size_t len, struct web_kept *kept);
/* Sends w->out as an HTML page with w->hdrs, then frees w. */
void web_send(struct web *w, int status);
/* Sends w->out with its own content type and caching, then frees w. */
void web_send_as(struct web *w, int status, const char *ctype, const char *headers);
void web_redirect(struct web *w, const char *location);
void web_not_found(struct web *w);
void web_message(struct web *w, int status, const char *title, const char *text, const char *back,
                 const char *back_label);
/* Ends the read and hands op to the group commit; its done callback answers w, if any. */
void web_submit(struct web *w, struct gl_op *op);
/* Sets the base of the links given out (web.h's gl_web_public_url): public_url, else
 * http://BOUND; no trailing '/'. */
void web_set_public_url(const char *public_url, const char *bound);
/* Whether that base is https (the session cookie is then Secure). */
bool web_secure(void);

#endif
