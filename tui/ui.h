/* Drawing helpers shared by the screens: UTF-8 text cut and measured by grapheme cluster
 * (common/uwidth.h) so wide characters, emoji and flags never push a cell out of line, colours with a monochrome fallback, time formats. */
#ifndef TUI_UI_H
#define TUI_UI_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

enum ui_pair {
    UP_NONE = 0,
    UP_BAR,
    UP_TITLE,
    UP_SEL,
    UP_ERR,
    UP_DIM,
    UP_TODAY,
    UP_OK,
    UP_STATUS0, /* + enum md_status */
};

/* Sets up colours unless the terminal has none or NO_COLOR is set. */
void ui_init_colour(bool want);
bool ui_has_colour(void);
attr_t ui_attr(enum ui_pair p);
attr_t ui_status_attr(enum md_status s);

/* Draws UTF-8 text at (y, x) in at most maxw columns, whole grapheme clusters only; control
 * characters become spaces. Returns the columns used. */
int ui_text(WINDOW *w, int y, int x, int maxw, const char *s, attr_t attr);
/* Like ui_text, then pads with spaces to maxw. */
void ui_text_pad(WINDOW *w, int y, int x, int maxw, const char *s, attr_t attr);
/* Columns the text takes on screen, as ui_text draws it. */
int ui_width(const char *s);
/* Word-wrapped text from line y, at most maxlines lines of width w; skip drops the first lines
 * (for scrolling). Returns the lines drawn (or that would be drawn, when win is NULL). */
int ui_wrap(WINDOW *win, int y, int x, int w, int maxlines, int skip, const char *s, attr_t attr);
void ui_hline(WINDOW *w, int y, int x, int n, attr_t attr);
void ui_fill(WINDOW *w, int y, int x, int n, attr_t attr);

/* "2025-11-21 09:30" in zone; "unscheduled" for 0. */
void ui_fmt_datetime(char *buf, size_t n, const char *zone, int64_t t);
/* "UTC+01:00" for zone at instant t. */
void ui_fmt_offset(char *buf, size_t n, const char *zone, int64_t t);
/* Parses "YYYY-MM-DD HH:MM" (or "YYYY-MM-DDTHH:MM") into parts; 0 or -1. */
int ui_parse_datetime(const char *s, int *y, int *mo, int *d, int *h, int *mi);

/* Days since 1970-01-01 of a civil date, and back (proleptic Gregorian). */
int ui_days_from_civil(int y, int m, int d);
void ui_civil_from_days(int days, int *y, int *m, int *d);
/* Today's date in zone. */
void ui_today(const char *zone, int *y, int *m, int *d);

#endif
