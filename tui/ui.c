/* Drawing helpers (ui.h). */
#include "ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "tz.h"
#include "uwidth.h"

static bool colour_on;

void ui_init_colour(bool want)
{
    colour_on = false;
    if (!want || !has_colors()) return;
    if (start_color() != OK) return;
    use_default_colors();
    colour_on = true;
    init_pair(UP_BAR, COLOR_BLACK, COLOR_CYAN);
    init_pair(UP_TITLE, COLOR_CYAN, -1);
    init_pair(UP_SEL, COLOR_BLACK, COLOR_YELLOW);
    init_pair(UP_ERR, COLOR_WHITE, COLOR_RED);
    init_pair(UP_DIM, COLOR_BLUE, -1);
    init_pair(UP_TODAY, COLOR_BLACK, COLOR_GREEN);
    init_pair(UP_OK, COLOR_GREEN, -1);
    static const short fg[MS_COUNT] = {
        [MS_DRAFT] = COLOR_WHITE,    [MS_AWAITING] = COLOR_YELLOW, [MS_CHANGES] = COLOR_RED,
        [MS_APPROVED] = COLOR_GREEN, [MS_SCHEDULED] = COLOR_CYAN,  [MS_PUBLISHED] = COLOR_BLUE,
        [MS_FAILED] = COLOR_MAGENTA, [MS_UNKNOWN] = COLOR_WHITE, [MS_PUBLISHING] = COLOR_CYAN,
    };
    for (int s = 0; s < MS_COUNT; s++)
        init_pair((short)(UP_STATUS0 + s), fg[s], -1);
}

bool ui_has_colour(void)
{
    return colour_on;
}

attr_t ui_attr(enum ui_pair p)
{
    if (colour_on) {
        switch (p) {
        case UP_NONE:
            return A_NORMAL;
        case UP_TITLE:
            return COLOR_PAIR(p) | A_BOLD;
        case UP_ERR:
            return COLOR_PAIR(p) | A_BOLD;
        default:
            return COLOR_PAIR(p);
        }
    }
    /* Monochrome: the same meaning through weight and reverse video. */
    switch (p) {
    case UP_BAR:
        return A_REVERSE;
    case UP_TITLE:
        return A_BOLD;
    case UP_SEL:
        return A_REVERSE;
    case UP_ERR:
        return A_REVERSE | A_BOLD;
    case UP_DIM:
        return A_DIM;
    case UP_TODAY:
        return A_BOLD | A_UNDERLINE;
    case UP_OK:
        return A_BOLD;
    default:
        return A_NORMAL;
    }
}

attr_t ui_status_attr(enum md_status s)
{
    if (colour_on) return COLOR_PAIR(UP_STATUS0 + (s < MS_COUNT ? s : MS_UNKNOWN)) | A_BOLD;
    switch (s) {
    case MS_AWAITING:
    case MS_CHANGES:
    case MS_FAILED:
        return A_BOLD;
    default:
        return A_NORMAL;
    }
}

/* Places one cluster's cells; a cell curses refuses (too many marks) is drawn as its base. */
static void draw_cluster(WINDOW *w, const struct gl_uw_cluster *c, attr_t attr)
{
    for (int i = 0; i < c->ncell; i++) {
        const struct gl_uw_cell *cell = &c->cell[i];
        wchar_t str[GL_UW_CPS + 1];
        int n = 0;
        for (int k = 0; k < cell->ncp; k++)
            str[n++] = (wchar_t)cell->cp[k];
        /* Code points wcwidth does not know would make curses refuse the cell: '?'. */
        if (wcwidth(str[0]) < 0) {
            str[0] = L'?';
            n = 1;
        }
        str[n] = 0;
        cchar_t cc;
        if (setcchar(&cc, str, attr, PAIR_NUMBER(attr), NULL) != OK) {
            str[1] = 0;
            setcchar(&cc, str, attr, PAIR_NUMBER(attr), NULL);
        }
#ifdef NCURSES_VERSION
        /* setcchar keeps the base and the zero-width code points only, so an emoji joined by a
         * ZWJ would lose its second half: ncurses sends every code point of a cell, and the
         * cell's width is its base's, which is how terminals draw the sequence. */
        if (n > 1 && n <= CCHARW_MAX) {
            for (int k = 0; k < CCHARW_MAX; k++)
                cc.chars[k] = k < n ? str[k] : 0;
        }
#endif
        wadd_wch(w, &cc);
    }
}

int ui_text(WINDOW *w, int y, int x, int maxw, const char *s, attr_t attr)
{
    if (!s || maxw <= 0) return 0;
    size_t n = strlen(s);
    int used = 0;
    if (w) wmove(w, y, x);
    while (n > 0) {
        struct gl_uw_cluster c;
        gl_uw_next(s, n, &c);
        s += c.len;
        n -= c.len;
        if (used + c.width > maxw) break;
        if (w) draw_cluster(w, &c, attr);
        used += c.width;
    }
    return used;
}

int ui_width(const char *s)
{
    return ui_text(NULL, 0, 0, 1 << 30, s, 0);
}

void ui_fill(WINDOW *w, int y, int x, int n, attr_t attr)
{
    if (n <= 0) return;
    wattr_set(w, attr, PAIR_NUMBER(attr), NULL);
    mvwhline(w, y, x, ' ', n);
    wattr_set(w, A_NORMAL, 0, NULL);
}

void ui_text_pad(WINDOW *w, int y, int x, int maxw, const char *s, attr_t attr)
{
    int used = ui_text(w, y, x, maxw, s, attr);
    ui_fill(w, y, x + used, maxw - used, attr);
}

void ui_hline(WINDOW *w, int y, int x, int n, attr_t attr)
{
    if (n <= 0) return;
    wattr_set(w, attr, PAIR_NUMBER(attr), NULL);
    mvwhline(w, y, x, ACS_HLINE, n);
    wattr_set(w, A_NORMAL, 0, NULL);
}

int ui_wrap(WINDOW *win, int y, int x, int w, int maxlines, int skip, const char *s, attr_t attr)
{
    if (w <= 0 || !s) return 0;
    int lines = 0, drawn = 0;
    const char *p = s;
    while (*p && drawn < maxlines) {
        /* One screen line: take whole clusters while they fit, remembering the last space. */
        size_t n = strlen(p);
        const char *q = p, *brk = NULL;
        int used = 0;
        bool newline = false;
        while (*q) {
            if (*q == '\n') {
                newline = true;
                break;
            }
            struct gl_uw_cluster c;
            gl_uw_next(q, n - (size_t)(q - p), &c);
            if (used + c.width > w) break;
            if (*q == ' ') brk = q;
            used += c.width;
            q += c.len;
        }
        const char *end = q;
        if (*q && !newline && brk && brk > p) end = brk;
        if (end == p && !newline) { /* one cluster wider than the line: skip it */
            struct gl_uw_cluster c;
            gl_uw_next(p, n, &c);
            end = p + c.len;
        }
        if (lines >= skip) {
            if (win) {
                char *line = strndup(p, (size_t)(end - p));
                ui_text(win, y + drawn, x, w, line, attr);
                free(line);
            }
            drawn++;
        }
        lines++;
        p = end;
        if (*p == '\n' || (*p == ' ' && !newline))
            p++;
        else if (newline)
            p++;
    }
    return drawn;
}

void ui_fmt_datetime(char *buf, size_t n, const char *zone, int64_t t)
{
    if (!t) {
        snprintf(buf, n, "unscheduled");
        return;
    }
    struct tm tm;
    gl_tz_local(zone, t, &tm);
    snprintf(buf, n, "%04d-%02d-%02d %02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
             tm.tm_hour, tm.tm_min);
}

void ui_fmt_offset(char *buf, size_t n, const char *zone, int64_t t)
{
    long off = gl_tz_offset(zone, t);
    char sign = off < 0 ? '-' : '+';
    if (off < 0) off = -off;
    snprintf(buf, n, "UTC%c%02ld:%02ld", sign, off / 3600, (off % 3600) / 60);
}

int ui_parse_datetime(const char *s, int *y, int *mo, int *d, int *h, int *mi)
{
    char sep;
    int n = 0;
    while (*s == ' ')
        s++;
    if (sscanf(s, "%d-%d-%d%c%d:%d%n", y, mo, d, &sep, h, mi, &n) != 6) return -1;
    if (sep != ' ' && sep != 'T') return -1;
    while (s[n] == ' ')
        n++;
    if (s[n]) return -1;
    if (*y < 1970 || *y > 9999 || *mo < 1 || *mo > 12 || *d < 1 || *d > gl_days_in_month(*y, *mo) ||
        *h < 0 || *h > 23 || *mi < 0 || *mi > 59)
        return -1;
    return 0;
}

int ui_days_from_civil(int y, int m, int d)
{
    /* Howard Hinnant's algorithm: exact for every Gregorian date. */
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void ui_civil_from_days(int z, int *y, int *m, int *d)
{
    z += 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp + (mp < 10 ? 3 : -9);
    *y = yoe + era * 400 + (*m <= 2);
}

void ui_today(const char *zone, int *y, int *m, int *d)
{
    struct tm tm;
    gl_tz_local(zone, (int64_t)time(NULL), &tm);
    *y = tm.tm_year + 1900;
    *m = tm.tm_mon + 1;
    *d = tm.tm_mday;
}
