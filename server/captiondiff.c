/* The words removed and added between two captions (captiondiff.h). */
#include "captiondiff.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "xmalloc.h"

static bool blank(char c)
{
    return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

/* Splits s into words (runs of non-blanks) in the zone; returns how many. */
static size_t split_words(msgpack_zone *z, const char *s, const char ***out)
{
    size_t cap = 16, n = 0;
    const char **v = msgpack_zone_malloc(z, cap * sizeof *v);
    const char *p = s;
    while (*p) {
        while (blank(*p))
            p++;
        if (!*p) break;
        const char *e = p;
        while (*e && !blank(*e))
            e++;
        if (n == cap) {
            const char **nv = msgpack_zone_malloc(z, 2 * cap * sizeof *v);
            memcpy(nv, v, n * sizeof *v);
            v = nv;
            cap *= 2;
        }
        char *word = msgpack_zone_malloc(z, (size_t)(e - p) + 1);
        memcpy(word, p, (size_t)(e - p));
        word[e - p] = '\0';
        v[n++] = word;
        p = e;
    }
    *out = v;
    return n;
}

size_t gl_caption_diff(msgpack_zone *z, const char *before, const char *after,
                       struct gl_word_diff **out)
{
    const char **x, **y;
    size_t n = split_words(z, before, &x);
    size_t m = split_words(z, after, &y);
    if (n * m > GL_CAPTION_DIFF_MAX) return (size_t)-1;
    /* lcs[i][j]: common length of x[i..] and y[j..]. */
    uint32_t *lcs = xcalloc((n + 1) * (m + 1), sizeof *lcs);
#define L(i, j) lcs[(size_t)(i) * (m + 1) + (j)]
    for (size_t i = n; i-- > 0;)
        for (size_t j = m; j-- > 0;)
            L(i, j) = strcmp(x[i], y[j]) == 0      ? L(i + 1, j + 1) + 1
                      : L(i + 1, j) >= L(i, j + 1) ? L(i + 1, j)
                                                   : L(i, j + 1);
    struct gl_word_diff *d = msgpack_zone_malloc(z, (n + m + 1) * sizeof *d);
    size_t i = 0, j = 0, k = 0;
    while (i < n || j < m) {
        if (i < n && j < m && strcmp(x[i], y[j]) == 0) {
            d[k++] = (struct gl_word_diff){GL_WORD_SAME, x[i]};
            i++, j++;
        } else if (j < m && (i == n || L(i, j + 1) >= L(i + 1, j))) {
            d[k++] = (struct gl_word_diff){GL_WORD_ADDED, y[j++]};
        } else {
            d[k++] = (struct gl_word_diff){GL_WORD_REMOVED, x[i++]};
        }
    }
#undef L
    free(lcs);
    *out = d;
    return k;
}

void gl_caption_diff_html(struct gl_buf *b, msgpack_zone *z, const char *before, const char *after)
{
    struct gl_word_diff *d;
    size_t n = gl_caption_diff(z, before, after, &d);
    if (n == (size_t)-1) {
        buf_puts(b, "<p>");
        buf_html(b, _("The caption was rewritten. Before:"));
        buf_puts(b, "</p><blockquote class=\"was\">");
        buf_html(b, before);
        buf_puts(b, "</blockquote>");
        return;
    }
    static const char *const tag[] = {[GL_WORD_ADDED] = "ins", [GL_WORD_REMOVED] = "del"};
    size_t count[3] = {0};
    buf_puts(b, "<p class=\"diff\">");
    for (size_t i = 0; i < n; i++) {
        count[d[i].edit]++;
        if (d[i].edit != GL_WORD_SAME) buf_printf(b, "<%s>", tag[d[i].edit]);
        buf_html(b, d[i].word);
        if (d[i].edit != GL_WORD_SAME) buf_printf(b, "</%s>", tag[d[i].edit]);
        buf_puts(b, " ");
    }
    char added[64], removed[64], both[160];
    size_t na = count[GL_WORD_ADDED], nr = count[GL_WORD_REMOVED];
    snprintf(added, sizeof added, ngettext("%zu word added", "%zu words added", na), na);
    /* TRANSLATORS: words taken out of a caption, after "%zu words added". */
    snprintf(removed, sizeof removed, NC_("words", "%zu removed", "%zu removed", nr), nr);
    /* TRANSLATORS: "3 words added, 1 removed." */
    snprintf(both, sizeof both, _("%s, %s."), added, removed);
    buf_puts(b, "</p><p class=\"meta\">");
    buf_html(b, both);
    buf_puts(b, "</p>");
}
