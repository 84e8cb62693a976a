/* Grapheme clusters and their widths (uwidth.h). */
#include "uwidth.h"

#include <string.h>
#include <wchar.h>

#define CUT 0xffffffffu /* not a code point: the rest of the string is a cut sequence */

/* One code point; returns its byte length, '?' for a bad sequence (1 byte). */
static size_t decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char b = s[0];
    size_t len;
    uint32_t v, min;
    if (b < 0x80) {
        *cp = b;
        return 1;
    } else if ((b & 0xe0) == 0xc0) {
        len = 2, v = b & 0x1f, min = 0x80;
    } else if ((b & 0xf0) == 0xe0) {
        len = 3, v = b & 0x0f, min = 0x800;
    } else if ((b & 0xf8) == 0xf0) {
        len = 4, v = b & 0x07, min = 0x10000;
    } else {
        *cp = '?';
        return 1;
    }
    if (n < len) {
        /* A sequence cut by the end of the string (a buffer that was too small): it is not
         * drawn at all, rather than as question marks. */
        for (size_t i = 1; i < n; i++)
            if ((s[i] & 0xc0) != 0x80) {
                *cp = '?';
                return 1;
            }
        *cp = CUT;
        return n;
    }
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            *cp = '?';
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3f);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
        *cp = '?';
        return 1;
    }
    *cp = v;
    return len;
}

static bool is_control(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7f && cp < 0xa0);
}

static bool is_ri(uint32_t cp)
{
    return cp >= 0x1f1e6 && cp <= 0x1f1ff;
}

#define ZWJ 0x200d

/* Drawn over the cell before: combining marks, joiners, variation selectors, emoji tags. */
static bool is_extend(uint32_t cp)
{
    if (is_control(cp)) return false;
    if (cp == ZWJ || (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef) ||
        (cp >= 0xe0020 && cp <= 0xe007f) || cp == 0x20e3)
        return true;
    return wcwidth((wchar_t)cp) == 0;
}

static int base_width(uint32_t cp)
{
    int w = wcwidth((wchar_t)cp);
    return w < 1 ? 1 : w; /* unassigned or odd: drawn as one column (callers show '?') */
}

static void cell_add(struct gl_uw_cell *c, uint32_t cp)
{
    if (c->ncp < GL_UW_CPS) c->cp[c->ncp++] = cp;
}

static struct gl_uw_cell *new_cell(struct gl_uw_cluster *c, uint32_t cp, int width)
{
    c->width += width;
    if (c->ncell >= GL_UW_CELLS) return NULL;
    struct gl_uw_cell *cell = &c->cell[c->ncell++];
    cell->ncp = 0;
    cell->width = width;
    cell_add(cell, cp);
    return cell;
}

void gl_uw_next(const char *s, size_t n, struct gl_uw_cluster *c)
{
    const unsigned char *p = (const unsigned char *)s;
    /* Printable ASCII followed by ASCII (or nothing) is a cluster of its own, one column: most
     * of most text, so it skips the clearing of every cell and the width lookups. */
    if (p[0] >= 0x20 && p[0] < 0x7f && (n == 1 || p[1] < 0x80)) {
        c->len = 1;
        c->width = 1;
        c->control = false;
        c->ncell = 1;
        c->cell[0].cp[0] = p[0];
        c->cell[0].ncp = 1;
        c->cell[0].width = 1;
        return;
    }
    memset(c, 0, sizeof *c);
    uint32_t cp;
    size_t len = decode(p, n, &cp);
    c->len = len;
    if (cp == CUT) return; /* no cells, no width */
    if (is_control(cp)) {
        c->control = true;
        new_cell(c, ' ', 1);
        return;
    }
    struct gl_uw_cell *cell = new_cell(c, cp, base_width(cp));
    bool ri_open = is_ri(cp), joined = false;
    while (c->len < n) {
        uint32_t next;
        size_t l = decode(p + c->len, n - c->len, &next);
        if (next == CUT || is_control(next)) break;
        if (joined) {
            /* The code point after a ZWJ is drawn inside the same cell. */
            if (cell) cell_add(cell, next);
            joined = false;
        } else if (next == ZWJ) {
            if (cell) cell_add(cell, next);
            joined = true;
        } else if (is_extend(next)) {
            if (cell) cell_add(cell, next);
        } else if (ri_open && is_ri(next)) {
            /* A flag: two indicators, two cells of one column each, which terminals draw as
             * one glyph two columns wide. */
            cell = new_cell(c, next, 1);
            if (c->width < 2) c->width = 2;
            ri_open = false;
        } else if (next >= 0x1f3fb && next <= 0x1f3ff && c->ncell == 1 && c->width == 2) {
            /* A skin tone: part of the cluster, but its own cell, as tmux and wcwidth
             * draw it. */
            cell = new_cell(c, next, base_width(next));
        } else {
            break;
        }
        c->len += l;
    }
}

size_t gl_uw_codepoint(const char *s, size_t n, uint32_t *cp)
{
    size_t len = decode((const unsigned char *)s, n, cp);
    if (*cp == CUT || (*cp == '?' && s[0] != '?')) {
        *cp = 0xfffd;
        return 1;
    }
    return len;
}

int gl_uw_width(const char *s)
{
    int used = 0;
    gl_uw_fit(s, 1 << 30, &used);
    return used;
}

size_t gl_uw_fit(const char *s, int maxw, int *used)
{
    size_t n = s ? strlen(s) : 0, off = 0;
    int w = 0;
    while (off < n) {
        struct gl_uw_cluster c;
        gl_uw_next(s + off, n - off, &c);
        if (w + c.width > maxw) break;
        w += c.width;
        off += c.len;
    }
    if (used) *used = w;
    return off;
}
