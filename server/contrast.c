/* WCAG 2.x relative luminance and contrast (contrast.h), and the accent colour's check. */
#include "contrast.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

bool gl_colour_parse(const char *s, uint32_t *rgb)
{
    if (!s || s[0] != '#' || strlen(s) != 7) return false;
    uint32_t v = 0;
    for (int i = 1; i < 7; i++) {
        char c = s[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0) return false;
        v = v << 4 | (uint32_t)d;
    }
    *rgb = v;
    return true;
}

/* One sRGB channel (0..255) made linear: WCAG 2.x's formula, with its 0.03928 threshold. */
static double linear(unsigned c8)
{
    double c = c8 / 255.0;
    return c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

double gl_luminance(uint32_t rgb)
{
    return 0.2126 * linear(rgb >> 16 & 0xff) + 0.7152 * linear(rgb >> 8 & 0xff) +
           0.0722 * linear(rgb & 0xff);
}

double gl_contrast_ratio(uint32_t a, uint32_t b)
{
    double la = gl_luminance(a), lb = gl_luminance(b);
    if (la < lb) {
        double t = la;
        la = lb;
        lb = t;
    }
    return (la + 0.05) / (lb + 0.05);
}

/* What the accent (--brand in server/static/style.css) meets there: white text on it (the
 * header, the primary buttons, today's date), and it as text on the card, the page's background,
 * today's cell and the team's label. tests/unit/test_contrast.c checks these are the
 * stylesheet's values. */
#define GL_ACCENT_AGAINST(X)                                                                       \
    X(0xffffff, "--card", "white text on it and the cards")                                        \
    X(0xf5f6f8, "--bg", "the page's background")                                                   \
    X(0xfff9db, "--today", "today's cell in the calendar")                                         \
    X(0xe3f4ea, "--appr-bg", "the background of the team's label")

static const struct {
    uint32_t rgb;
    const char *var;
    const char *what;
} against[] = {
#define X(rgb, var, what) {rgb, var, what},
    GL_ACCENT_AGAINST(X)
#undef X
};

bool gl_accent_against(size_t i, uint32_t *rgb, const char **var)
{
    if (i >= GL_ARRAY_LEN(against)) return false;
    *rgb = against[i].rgb;
    *var = against[i].var;
    return true;
}

bool gl_accent_ok(uint32_t accent, char *why, size_t n)
{
    for (size_t i = 0; i < GL_ARRAY_LEN(against); i++) {
        double r = gl_contrast_ratio(accent, against[i].rgb);
        /* Said rounded down, so a colour just under the line never reads as 4.50:1. */
        if (r < GL_CONTRAST_AA) {
            snprintf(why, n,
                     "the accent #%06x has a contrast of %.2f:1 against %s (#%06x); WCAG AA "
                     "needs at least 4.5:1, so choose a darker colour",
                     (unsigned)accent, floor(r * 100) / 100, against[i].what,
                     (unsigned)against[i].rgb);
            return false;
        }
    }
    return true;
}
