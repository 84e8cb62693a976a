/* The demo: an empty store filled with three profiles, a few dozen posts in every status over
 * this month and the next, and comments, so a newcomer sees a working product at once. */
#ifndef GL_DEMO_H
#define GL_DEMO_H

#include "store.h"

/* Fills the store if it has no profile yet. Returns 0 or an LMDB error. */
int gl_demo_fill(struct gl_store *s);

#endif
