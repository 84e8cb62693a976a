/* Text measured as a terminal draws it: UTF-8 cut into grapheme clusters (a base with its
 * combining marks, variation selectors, emoji joined by ZWJ, a pair of regional indicators),
 * each measured in columns and never split. */
#ifndef GL_UWIDTH_H
#define GL_UWIDTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GL_UW_CELLS 8 /* cells kept per cluster (more are dropped from drawing) */
#define GL_UW_CPS 6   /* code points kept per cell */

/* One grapheme cluster as cells: what a curses library places one by one. A cell is a spacing
 * code point followed by the zero-width ones drawn over it; an emoji after a ZWJ joins the cell
 * before it, as terminals draw such sequences (👩‍🍳 is one 2-column cell). */
struct gl_uw_cell {
    uint32_t cp[GL_UW_CPS];
    int ncp;
    int width;
};
struct gl_uw_cluster {
    size_t len;   /* bytes taken from the input, at least 1 */
    int width;    /* columns on screen: the sum of the cells' */
    bool control; /* a control character (drawn as a space by callers) */
    struct gl_uw_cell cell[GL_UW_CELLS];
    int ncell;
};

/* Decodes the cluster at s (n bytes, n > 0). Invalid UTF-8 is one '?' per bad byte, except a
 * sequence cut short by the end of the string, which is no cluster (no cells, width 0). Widths
 * come from wcwidth, so the caller's LC_CTYPE must be a UTF-8 locale. */
void gl_uw_next(const char *s, size_t n, struct gl_uw_cluster *c);
/* The code point at s (n > 0 bytes) into *cp; returns the bytes it takes. A bad or cut
 * sequence is U+FFFD, one byte. */
size_t gl_uw_codepoint(const char *s, size_t n, uint32_t *cp);
/* Columns the whole string takes (controls count as one). */
int gl_uw_width(const char *s);
/* Bytes of the longest prefix of whole clusters that fits in maxw columns; *used gets their
 * width when not NULL. */
size_t gl_uw_fit(const char *s, int maxw, int *used);

#endif
