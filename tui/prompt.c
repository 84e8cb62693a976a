/* The line editor at the bottom of the screen: prompts, y/n questions, their keys and their
 * drawing (prompt.h). */
#include "prompt.h"

#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "ui.h"
#include "uwidth.h"
#include "xmalloc.h"

void app_prompt(struct app *a, const char *label, const char *initial, bool hidden, prompt_fn fn,
                void *ud, uint64_t tag)
{
    struct prompt *p = &a->prompt;
    p->active = true;
    p->hidden = hidden;
    snprintf(p->label, sizeof p->label, "%s", label);
    p->len = 0;
    if (initial) {
        mbstate_t st;
        memset(&st, 0, sizeof st);
        const char *s = initial;
        size_t r = mbsrtowcs(p->buf, &s, PROMPT_MAX, &st);
        p->len = r == (size_t)-1 ? 0 : r;
    }
    p->buf[p->len] = 0;
    p->cur = p->len;
    p->selected = p->len > 0 && !hidden;
    p->onekey = false;
    p->fn = fn;
    p->ud = ud;
    p->tag = tag;
    app_dirty(a, DIRTY_STATUS);
}

void app_confirm(struct app *a, const char *question, prompt_fn fn, void *ud, uint64_t tag)
{
    char label[96];
    snprintf(label, sizeof label, "%s (y/n)", question);
    app_prompt(a, label, NULL, false, fn, ud, tag);
    a->prompt.onekey = true;
}

static void prompt_finish(struct app *a, bool ok)
{
    struct prompt *p = &a->prompt;
    p->active = false;
    if (a->msg_err) a->msg[0] = '\0'; /* answered: the reason it was asked again is old */
    a->msg_err = false;
    app_dirty(a, DIRTY_ALL);
    char *text = NULL;
    if (ok) {
        p->buf[p->len] = 0;
        size_t cap = p->len * MB_CUR_MAX + 1;
        text = xmalloc(cap);
        const wchar_t *src = p->buf;
        mbstate_t st;
        memset(&st, 0, sizeof st);
        size_t r = wcsrtombs(text, &src, cap, &st);
        if (r == (size_t)-1) text[0] = '\0';
    }
    if (p->hidden) sodium_memzero(p->buf, sizeof p->buf);
    p->fn(p->ud, text, p->tag);
    if (text) {
        sodium_memzero(text, strlen(text));
        free(text);
    }
}

/* A prompt that starts with a value has it selected, as a browser's address bar does: typing
 * replaces it, deleting removes it, moving the cursor keeps it for editing. */
static void prompt_unselect(struct prompt *p, wint_t ch, bool code)
{
    if (!p->selected) return;
    p->selected = false;
    bool replaces = code ? (ch == KEY_BACKSPACE || ch == KEY_DC)
                         : (ch >= 32 && ch != 127) || ch == 8 || ch == 127 || ch == 21 || ch == 11;
    if (replaces) {
        p->len = p->cur = 0;
        p->buf[0] = 0;
    }
}

void prompt_key(struct app *a, wint_t ch, bool code)
{
    struct prompt *p = &a->prompt;
    if (p->onekey) {
        if (!code && (ch == 'y' || ch == 'Y')) {
            p->buf[0] = L'y';
            p->len = 1;
            prompt_finish(a, true);
        } else if (!code && (ch == 'n' || ch == 'N' || ch == 27 || ch == 7)) {
            prompt_finish(a, false);
        }
        return;
    }
    bool was_selected = p->selected;
    if (!(code ? ch == KEY_ENTER : ch == '\n' || ch == '\r' || ch == 27 || ch == 7))
        prompt_unselect(p, ch, code);
    if (was_selected && !p->selected && p->len == 0 &&
        (code ? ch == KEY_BACKSPACE || ch == KEY_DC
              : ch == 8 || ch == 127 || ch == 21 || ch == 11)) {
        app_dirty(a, DIRTY_STATUS);
        return; /* the deletion was the removal of the selection */
    }
    if (code) {
        switch (ch) {
        case KEY_ENTER:
            prompt_finish(a, true);
            return;
        case KEY_LEFT:
            if (p->cur > 0) p->cur--;
            break;
        case KEY_RIGHT:
            if (p->cur < p->len) p->cur++;
            break;
        case KEY_HOME:
            p->cur = 0;
            break;
        case KEY_END:
            p->cur = p->len;
            break;
        case KEY_BACKSPACE:
            if (p->cur > 0) {
                wmemmove(&p->buf[p->cur - 1], &p->buf[p->cur], p->len - p->cur);
                p->cur--;
                p->len--;
            }
            break;
        case KEY_DC:
            if (p->cur < p->len) {
                wmemmove(&p->buf[p->cur], &p->buf[p->cur + 1], p->len - p->cur - 1);
                p->len--;
            }
            break;
        default:
            break;
        }
        app_dirty(a, DIRTY_STATUS);
        return;
    }
    switch (ch) {
    case '\n':
    case '\r':
        prompt_finish(a, true);
        return;
    case 27:
    case 7: /* C-g */
        prompt_finish(a, false);
        return;
    case 1:
        p->cur = 0;
        break; /* C-a */
    case 5:
        p->cur = p->len;
        break; /* C-e */
    case 21:   /* C-u: clear to the start */
        wmemmove(p->buf, &p->buf[p->cur], p->len - p->cur);
        p->len -= p->cur;
        p->cur = 0;
        break;
    case 11:
        p->len = p->cur;
        break; /* C-k */
    case 23: { /* C-w: the word before the cursor */
        size_t s = p->cur;
        while (s > 0 && p->buf[s - 1] == L' ')
            s--;
        while (s > 0 && p->buf[s - 1] != L' ')
            s--;
        wmemmove(&p->buf[s], &p->buf[p->cur], p->len - p->cur);
        p->len -= p->cur - s;
        p->cur = s;
        break;
    }
    case 8:
    case 127:
        if (p->cur > 0) {
            wmemmove(&p->buf[p->cur - 1], &p->buf[p->cur], p->len - p->cur);
            p->cur--;
            p->len--;
        }
        break;
    default:
        if (ch >= 32 && p->len < PROMPT_MAX) {
            wmemmove(&p->buf[p->cur + 1], &p->buf[p->cur], p->len - p->cur);
            p->buf[p->cur++] = (wchar_t)ch;
            p->len++;
        }
        break;
    }
    p->buf[p->len] = 0;
    app_dirty(a, DIRTY_STATUS);
}

/* The prompt's characters from..to as UTF-8 (stars when hidden). */
static char *prompt_utf8(const struct prompt *p, size_t from, size_t to)
{
    char *out = xmalloc((to - from) * MB_LEN_MAX + 1);
    size_t n = 0;
    mbstate_t st;
    memset(&st, 0, sizeof st);
    for (size_t i = from; i < to; i++) {
        size_t r = wcrtomb(out + n, p->hidden ? L'*' : p->buf[i], &st);
        if (r == (size_t)-1) {
            out[n++] = '?';
            memset(&st, 0, sizeof st);
        } else {
            n += r;
        }
    }
    out[n] = 0;
    return out;
}

static int prompt_width(const struct prompt *p, size_t from, size_t to)
{
    char *s = prompt_utf8(p, from, to);
    int w = gl_uw_width(s);
    free(s);
    return w;
}

void prompt_draw(struct app *a, int cols)
{
    struct prompt *p = &a->prompt;
    WINDOW *w = a->status;
    /* The label leaves room for typing; a y/n question needs none. */
    int lw = ui_text(w, 1, 0, p->onekey ? cols - 1 : cols - 20, p->label, A_BOLD);
    waddch(w, ' ');
    int x0 = lw + 1, room = cols - x0 - 1;
    if (room < 1) return;
    /* Scroll so that the cursor stays visible; widths are measured by grapheme cluster, as
     * the text is drawn (a hidden password is one star per character). */
    size_t start = 0;
    int wcur = prompt_width(p, 0, p->cur);
    while (wcur > room - 1 && start < p->cur)
        wcur = prompt_width(p, ++start, p->cur);
    if (p->selected) wattron(w, A_REVERSE);
    char *text = prompt_utf8(p, start, p->len);
    attr_t at = p->selected ? A_REVERSE : A_NORMAL;
    ui_text(w, 1, x0, cols - x0, text, at);
    free(text);
    if (p->selected) wattroff(w, A_REVERSE);
    wmove(w, 1, x0 + wcur);
}
