/* The parts of the link pages that the post checks and the link's end add to page.c: the
 * preview frames and warnings of a post (pagepreview.c), the pages of a link that was replaced
 * or withdrawn and the list of what a visitor decided through a link (pagedead.c). Each
 * appends HTML to w->out, escaped, and depends on webctx.h alone, like page.c. */
#ifndef GL_PAGEPREVIEW_H
#define GL_PAGEPREVIEW_H

#include <stdbool.h>

#include "links.h"
#include "webctx.h"

/* The frames of p on each of its platforms, then the warnings (when the link shows what
 * awaits a decision): both before the decision forms. */
void page_checks(struct web *w, const struct gl_post *p);
/* The stylesheet's class of a crop of w x h: "r-4-5" for a ratio of netrules.c, else "r-any". */
void page_ratio_class(struct gl_buf *b, int w, int h);
/* The page at an address whose link was replaced (with the form to ask for the new one, or
 * the thanks once asked) or withdrawn (nothing to do). */
void page_dead_end(struct web *w, enum gl_link_dead why, bool requested);
/* "What you decided through this link": each decision made through w's link. */
void page_decided(struct web *w);

#endif
