/* Colour contrast as WCAG 2.x defines it (relative luminance, contrast ratio), and the check a
 * profile's accent colour must pass against the colours of the link pages' stylesheet. */
#ifndef GL_CONTRAST_H
#define GL_CONTRAST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* WCAG AA for normal text. */
#define GL_CONTRAST_AA 4.5

/* Reads "#rrggbb" (hex digits of either case) into 0xRRGGBB; false for anything else. */
bool gl_colour_parse(const char *s, uint32_t *rgb);
/* The relative luminance of an sRGB colour, 0 (black) to 1 (white). */
double gl_luminance(uint32_t rgb);
/* The contrast ratio of two colours, 1 to 21, whichever is lighter. */
double gl_contrast_ratio(uint32_t a, uint32_t b);
/* Whether accent may be a profile's accent: it is drawn as text on the pages' backgrounds and
 * under white text (header, buttons). When it fails, why says against what and the ratio. */
/* The i-th colour the accent is checked against, and its variable in style.css; false past
 * the last. */
bool gl_accent_against(size_t i, uint32_t *rgb, const char **var);
bool gl_accent_ok(uint32_t accent, char *why, size_t n);

#endif
