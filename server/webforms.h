/* The forms of the link pages (webforms.c): reading a POSTed form with its CSRF token, and the
 * actions it asks for (approve, reject, reschedule, comment, the bulk decision, a new link),
 * each parsed once into an enum and queued as a write of its own kind. */
#ifndef GL_WEBFORMS_H
#define GL_WEBFORMS_H

#include <stdbool.h>
#include <stdint.h>

#include "webbuf.h"
#include "webctx.h"

/* Decodes the body of a POST into f; answers and returns false when it is not a valid form
 * with w's CSRF token. */
bool web_read_form(struct web *w, struct gl_form *f);
/* Whether a form may be posted on post id: the link shows it, or it moved on since it was
 * shown (then the write answers 409). */
bool web_post_reachable(struct web *w, uint64_t id);

#endif
