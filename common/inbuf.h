/* A connection's input buffer: the unconsumed bytes are [start, len) of buf. */
#ifndef GL_INBUF_H
#define GL_INBUF_H

#include <stddef.h>

/* Moves the unconsumed bytes to the front and grows buf (owned by the caller, freed with
 * free()) so that at least min bytes are free after them. */
void gl_inbuf_reserve(char **buf, size_t *start, size_t *len, size_t *cap, size_t min);

#endif
