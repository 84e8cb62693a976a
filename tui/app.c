/* The client's loop, screens stack, status line, prompts and notifications (app.h). */
#include "app.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wchar.h>

#include "actions.h"
#include "receipts.h"
#include "ui.h"
#include "util.h"
#include "uwidth.h"
#include "words.h"
#include "xmalloc.h"

static struct view *const all_views[] = {
    &view_login, &view_calendar, &view_day,  &view_queue, &view_post,   &view_links, &view_notify,
    &view_help,  &view_picker,   &view_form, &view_zones, &view_people, &view_first, &view_link,
    &view_webhooks,
};

static WINDOW *inwin; /* never drawn: reading keys from it never triggers a refresh */

static void timing(struct app *a, const char *what, uint64_t since)
{
    if (!a->timing) return;
    fprintf(a->timing, "%s %.3f\n", what, (double)(gl_mono_ns() - since) / 1e6);
    fflush(a->timing);
}

void app_dirty(struct app *a, unsigned what)
{
    a->dirty |= what;
}

struct view *app_top(struct app *a)
{
    return a->depth ? a->stack[a->depth - 1] : &view_login;
}

/* Who may not use a screen is told so in words (words.c), and it asks the daemon nothing. */
static bool allowed(const struct app *a, const struct view *v)
{
    return !words_forbidden_screen(a->role, v->keymap);
}

static void enter(struct app *a, struct view *v)
{
    if (v->enter && allowed(a, v)) v->enter(a);
}

void app_push(struct app *a, struct view *v)
{
    if (a->depth == (int)GL_ARRAY_LEN(a->stack)) return;
    a->stack[a->depth++] = v;
    enter(a, v);
    app_dirty(a, DIRTY_ALL);
}

void app_pop(struct app *a)
{
    if (a->depth <= 1) {
        a->quit = true;
        return;
    }
    a->depth--;
    enter(a, app_top(a));
    app_dirty(a, DIRTY_ALL);
}

void app_go(struct app *a, struct view *v)
{
    a->depth = 0;
    a->stack[a->depth++] = &view_calendar;
    if (v != &view_calendar) a->stack[a->depth++] = v;
    enter(a, v);
    app_dirty(a, DIRTY_ALL);
}

void app_want_reload(struct app *a, unsigned keymaps)
{
    a->reload_wanted |= keymaps;
}

void app_msg(struct app *a, bool err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->msg, sizeof a->msg, fmt, ap);
    va_end(ap);
    a->msg_err = err;
    app_dirty(a, DIRTY_STATUS);
}

void app_rpc_error(struct app *a, const char *what, const struct gl_err *err)
{
    char said[300];
    words_error_say(said, sizeof said, err);
    app_msg(a, true, "%s: %s", what, said);
}

const struct md_profile *app_profile_by_id(const struct app *a, int64_t id)
{
    for (size_t i = 0; i < a->nprofiles; i++)
        if (a->profiles[i].id == id) return &a->profiles[i];
    return NULL;
}

const struct md_profile *app_profile(const struct app *a)
{
    return app_profile_by_id(a, a->profile_id);
}

void app_set_profile(struct app *a, int64_t id)
{
    if (id == a->profile_id) return;
    a->profile_id = id;
    app_want_reload(a, KM_CALENDAR | KM_DAY | KM_LINKS);
    app_dirty(a, DIRTY_ALL);
}

void app_posts_changed(struct app *a, int64_t profile)
{
    (void)profile;
    app_want_reload(a, KM_CALENDAR | KM_DAY | KM_QUEUE | KM_POST);
}

void app_mark_full(struct app *a)
{
    a->calendar_ready = true;
}

void app_wait_data(struct app *a)
{
    if (a->timing) a->t_data = gl_mono_ns();
}

/* ---- prompt ---- */

void app_prompt(struct app *a, const char *label, const char *initial, bool hidden, prompt_fn fn,
                uint64_t tag)
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
    p->tag = tag;
    app_dirty(a, DIRTY_STATUS);
}

void app_confirm(struct app *a, const char *question, prompt_fn fn, uint64_t tag)
{
    char label[96];
    snprintf(label, sizeof label, "%s (y/n)", question);
    app_prompt(a, label, NULL, false, fn, tag);
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
    p->fn(a, text, p->tag);
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

static void prompt_key(struct app *a, wint_t ch, bool code)
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

static void draw_prompt(struct app *a, int cols)
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

/* ---- status line ---- */

static void draw_status(struct app *a, int cols)
{
    WINDOW *w = a->status;
    attr_t bar = ui_attr(UP_BAR);
    ui_fill(w, 0, 0, cols, bar);
    char left[256];
    const char *net;
    char netbuf[64];
    enum conn_state st = conn_state(a->conn);
    if (st == CONN_ONLINE && a->authed)
        net = "online";
    else if (st == CONN_ONLINE || st == CONN_CONNECTING)
        net = a->logging_in ? "logging in" : "connecting";
    else {
        long ms = conn_retry_in_ms(a->conn);
        if (ms >= 0)
            snprintf(netbuf, sizeof netbuf, "OFFLINE, retry in %lds", (ms + 999) / 1000);
        else
            snprintf(netbuf, sizeof netbuf, "OFFLINE");
        net = netbuf;
    }
    const struct md_profile *p = app_profile(a);
    char unread[32] = "";
    if (a->unread) snprintf(unread, sizeof unread, " [%zu new]", a->unread);
    char zone[96] = "";
    if (p && cols >= 100) snprintf(zone, sizeof zone, " (%s)", p->timezone);
    snprintf(left, sizeof left, " %s%s%s | %s%s | %s%s ", a->user ? a->user : "-",
             a->role[0] ? "/" : "", a->role, p ? p->name : "-", zone, net, unread);
    int x = ui_text(w, 0, 0, cols, left, bar | (st != CONN_ONLINE || a->unread ? A_BOLD : 0));
    const char *hint = "? help  q back ";
    int hw = (int)strlen(hint);
    if (cols - x >= hw) ui_text(w, 0, cols - hw, hw, hint, bar);
    if (a->msg[0]) ui_text(w, 1, 0, cols, a->msg, a->msg_err ? ui_attr(UP_ERR) : A_NORMAL);
}

/* ---- drawing ---- */

static void draw(struct app *a)
{
    int rows, cols;
    getmaxyx(stdscr, rows, cols);
    (void)rows;
    if (a->force_clear) {
        clearok(curscr, TRUE);
        a->force_clear = false;
    }
    if (a->dirty & DIRTY_MAIN) {
        int mr, mc;
        getmaxyx(a->main, mr, mc);
        werase(a->main);
        struct view *v = app_top(a);
        const char *no = words_forbidden_screen(a->role, v->keymap);
        if (no) {
            char title[64];
            snprintf(title, sizeof title, " %c%s", v->name[0] - 32, v->name + 1);
            ui_text_pad(a->main, 0, 0, mc, title, ui_attr(UP_TITLE) | A_REVERSE);
            char *line =
                xasprintf("%s You are %s.", no, words_role_article(words_role_parse(a->role)));
            ui_wrap(a->main, 2, 2, mc - 4, mr - 2, 0, line, A_BOLD);
            free(line);
        } else {
            v->draw(a, a->main, mr, mc);
        }
        wnoutrefresh(a->main);
    }
    if (a->dirty & (DIRTY_STATUS | DIRTY_MAIN)) {
        werase(a->status);
        draw_status(a, cols);
        if (a->prompt.active) {
            /* A prompt asked again says why on the bar above it, where it is seen. */
            if (a->msg[0] && a->msg_err)
                ui_text_pad(a->status, 0, 0, cols, a->msg, ui_attr(UP_ERR) | A_BOLD);
            wmove(a->status, 1, 0);
            wclrtoeol(a->status);
            draw_prompt(a, cols);
        }
        wnoutrefresh(a->status);
    }
    curs_set(a->prompt.active ? 1 : 0);
    doupdate();
    a->dirty = 0;
}

static void layout(struct app *a)
{
    int rows, cols;
    getmaxyx(stdscr, rows, cols);
    if (rows < 2) rows = 2;
    if (a->main) delwin(a->main);
    if (a->status) delwin(a->status);
    /* The bar and, under it, the message or prompt line (as mutt does). */
    if (rows < 3) rows = 3;
    a->main = newwin(rows - 2, cols, 0, 0);
    a->status = newwin(2, cols, rows - 2, 0);
    for (int i = 0; i < a->depth; i++)
        if (a->stack[i]->resize) a->stack[i]->resize(a);
    a->force_clear = true;
    app_dirty(a, DIRTY_ALL);
}

static void on_prepare(uv_prepare_t *h)
{
    struct app *a = h->data;
    if (a->quit) {
        uv_stop(a->loop);
        return;
    }
    if (a->notify_wanted && a->authed) {
        a->notify_wanted = false;
        app_reload_notifications(a);
    }
    if (a->reload_wanted && a->authed) {
        unsigned want = a->reload_wanted;
        a->reload_wanted = 0;
        /* Reload each screen on the stack once, even when it appears twice. */
        for (int i = 0; i < a->depth; i++) {
            struct view *v = a->stack[i];
            bool again = false;
            for (int k = 0; k < i && !again; k++)
                again = a->stack[k] == v;
            if ((v->keymap & want) && !again && v->reload && allowed(a, v)) v->reload(a);
        }
    }
    if (a->dirty) {
        a->calendar_ready = false; /* set again by a draw of the calendar with its data */
        draw(a);
        if (a->t_key) {
            timing(a, "key_redraw_ms", a->t_key);
            a->t_key = 0;
        }
        if (a->calendar_ready && a->t_data) {
            timing(a, "month_switch_full_ms", a->t_data);
            a->t_data = 0;
        }
        if (a->calendar_ready && !a->first_full_done) {
            a->first_full_done = true;
            timing(a, "first_full_screen_from_start_ms", a->t_start);
            if (a->t_login) timing(a, "first_full_screen_from_login_ms", a->t_login);
        }
        if (a->notify_pending) {
            a->notify_pending = false;
            timing(a, "notifications_drawn_from_login_ms", a->t_login);
        }
    }
}

/* ---- keys ---- */

static void global_action(struct app *a, enum action act)
{
    switch (act) {
    case ACT_BACK:
        app_pop(a);
        break;
    case ACT_QUIT:
        a->quit = true;
        break;
    case ACT_HELP:
        if (app_top(a) != &view_help) app_push(a, &view_help);
        break;
    case ACT_GO_CALENDAR:
        app_go(a, &view_calendar);
        break;
    case ACT_GO_QUEUE:
        app_go(a, &view_queue);
        break;
    case ACT_GO_LINKS:
        app_go(a, &view_links);
        break;
    case ACT_GO_NOTIFY:
        app_go(a, &view_notify);
        break;
    case ACT_GO_PEOPLE:
        app_go(a, &view_people);
        break;
    case ACT_GO_WEBHOOKS:
        app_go(a, &view_webhooks);
        break;
    case ACT_PICK_PROFILE:
        if (app_top(a) != &view_picker) app_push(a, &view_picker);
        break;
    case ACT_RELOAD:
        app_want_reload(a, ~0u);
        app_msg(a, false, "reloading");
        break;
    case ACT_EXPORT_RECEIPTS:
        receipts_export_ask(a);
        break;
    case ACT_REDRAW:
        a->force_clear = true;
        app_dirty(a, DIRTY_ALL);
        break;
    default:
        break;
    }
}

static void handle_key(struct app *a, wint_t ch, bool code)
{
    if (!code && ch == '\r') ch = '\n';
    if (a->prompt.active) {
        prompt_key(a, ch, code);
        return;
    }
    struct view *v = app_top(a);
    a->last_key = (int)ch;
    a->last_is_code = code;
    enum action act = keys_lookup(v->keymap | KM_GLOBAL, (int)ch, code);
    /* Any key clears an old message, as in mutt: what is shown is about the last action. */
    if (a->msg[0] && !a->msg_err) {
        a->msg[0] = '\0';
        app_dirty(a, DIRTY_STATUS);
    }
    /* An action the role may not use is refused in words before any prompt is asked. */
    const char *no =
        act != ACT_NONE && !words_on_oneself(act) ? words_forbidden_action(a->role, act) : NULL;
    if (no) {
        app_msg(a, true, "%s", no);
        return;
    }
    if (v->key && allowed(a, v) && v->key(a, act)) return;
    /* The login screen only knows quitting. */
    if (v == &view_login && act != ACT_BACK && act != ACT_QUIT && act != ACT_REDRAW) return;
    if (act == ACT_NONE) return;
    if (a->msg_err) {
        a->msg[0] = '\0';
        a->msg_err = false;
        app_dirty(a, DIRTY_STATUS);
    }
    global_action(a, act);
}

static void on_stdin(uv_poll_t *h, int status, int events)
{
    struct app *a = h->data;
    (void)events;
    if (status < 0) {
        a->quit = true;
        return;
    }
    wint_t ch;
    int rc;
    while ((rc = wget_wch(inwin, &ch)) != ERR) {
        if (rc == KEY_CODE_YES && ch == KEY_RESIZE) {
            layout(a);
            continue;
        }
        if (a->timing && !a->t_key) a->t_key = gl_mono_ns();
        handle_key(a, ch, rc == KEY_CODE_YES);
        if (a->quit) break;
    }
    /* The terminal is gone (hang-up): stop rather than spin on a dead descriptor. */
    if (rc == ERR && errno == EIO) a->quit = true;
}

static void resync_size(struct app *a);

static void on_winch(uv_signal_t *h, int sig)
{
    struct app *a = h->data;
    (void)sig;
    resync_size(a);
}

static void on_quit_signal(uv_signal_t *h, int sig)
{
    struct app *a = h->data;
    (void)sig;
    a->quit = true;
}

/* The terminal may have changed size while something else (the editor) had it. */
static void resync_size(struct app *a)
{
    struct winsize ws;
    if (ioctl(0, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0 &&
        (ws.ws_row != LINES || ws.ws_col != COLS))
        resizeterm(ws.ws_row, ws.ws_col);
    layout(a);
}

static void on_tick(uv_timer_t *t)
{
    struct app *a = t->data;
    if (conn_state(a->conn) != CONN_ONLINE) app_dirty(a, DIRTY_STATUS);
}

/* ---- connection, login, events ---- */

static void on_profiles(void *ud, uint64_t tag, const struct gl_err *err,
                        const msgpack_object *result)
{
    struct app *a = ud;
    (void)tag;
    if (err) {
        app_rpc_error(a, "profiles", err);
        return;
    }
    const msgpack_object *list = md_get_array(result, "profiles");
    for (size_t i = 0; i < a->nprofiles; i++)
        md_profile_free(&a->profiles[i]);
    free(a->profiles);
    a->profiles = NULL;
    a->nprofiles = 0;
    if (list && list->via.array.size) {
        a->profiles = xcalloc(list->via.array.size, sizeof *a->profiles);
        for (uint32_t i = 0; i < list->via.array.size; i++)
            if (md_profile_decode(&list->via.array.ptr[i], &a->profiles[a->nprofiles]))
                a->nprofiles++;
    }
    if (!app_profile(a)) {
        a->profile_id = a->nprofiles ? a->profiles[0].id : 0;
    }
    if (app_top(a) == &view_login) {
        /* An empty store: the admin is led through setting it up. */
        app_go(a, !a->nprofiles && words_role_parse(a->role) >= WR_ADMIN ? &view_first
                                                                         : &view_calendar);
    } else {
        app_want_reload(a, ~0u);
    }
    app_dirty(a, DIRTY_ALL);
}

void app_reload_profiles(struct app *a)
{
    conn_call0(a->conn, "profile.list", on_profiles, a, 0);
}

void app_set_own_password(struct app *a, const char *password)
{
    if (a->password) {
        sodium_memzero(a->password, strlen(a->password));
        free(a->password);
    }
    a->password = xstrdup(password);
}

static void on_described(void *ud, uint64_t tag, const struct gl_err *err,
                         const msgpack_object *result)
{
    struct app *a = ud;
    (void)tag;
    if (err) return; /* an older daemon: the protocol's roles, as compiled in, stand */
    words_learn_roles(result);
    app_dirty(a, DIRTY_ALL);
}

static void on_subscribed(void *ud, uint64_t tag, const struct gl_err *err,
                          const msgpack_object *result)
{
    struct app *a = ud;
    (void)tag;
    (void)result;
    if (err) app_rpc_error(a, "notifications", err);
}

static void ask_password(struct app *a);

static void on_login(void *ud, uint64_t tag, const struct gl_err *err, const msgpack_object *result)
{
    struct app *a = ud;
    (void)tag;
    a->logging_in = false;
    if (err) {
        app_dirty(a, DIRTY_ALL);
        if (err->code == GL_E_UNAVAILABLE) return; /* the connection dropped: we retry */
        app_rpc_error(a, "login failed", err);
        /* Also after a reconnection: the password may have been changed elsewhere, which
         * ended this session (protocol/README.md, "Sessions"). */
        if (err->code == GL_E_UNAUTHORIZED) {
            if (a->password) sodium_memzero(a->password, strlen(a->password));
            free(a->password);
            a->password = NULL;
            ask_password(a);
        }
        return;
    }
    char *role = md_get_str(result, "role");
    snprintf(a->role, sizeof a->role, "%s", role ? role : "");
    free(role);
    bool again = a->t_login != 0;
    a->authed = true;
    if (!again) a->t_login = gl_mono_ns();
    if (a->timing && !again) timing(a, "login_from_start_ms", a->t_start);
    conn_call0(a->conn, "server.describe", on_described, a, 0);
    conn_call0(a->conn, "notify.subscribe", on_subscribed, a, 0);
    app_reload_notifications(a); /* what happened while we were away */
    conn_call0(a->conn, "profile.list", on_profiles, a, 0);
    if (again) app_msg(a, false, "reconnected");
    app_dirty(a, DIRTY_ALL);
}

static void send_login(struct app *a)
{
    if (!a->user || !a->password || conn_state(a->conn) != CONN_ONLINE || a->logging_in ||
        a->authed)
        return;
    a->logging_in = true;
    msgpack_packer *pk = conn_begin(a->conn, "auth.login");
    msgpack_pack_map(pk, 2);
    gl_pack_kv_str(pk, "user", a->user);
    gl_pack_kv_str(pk, "password", a->password);
    conn_send(a->conn, on_login, a, 0);
    app_dirty(a, DIRTY_ALL);
}

static void on_password(struct app *a, const char *text, uint64_t tag)
{
    (void)tag;
    if (!text) {
        a->quit = true;
        return;
    }
    a->password = xstrdup(text);
    send_login(a);
    app_dirty(a, DIRTY_ALL);
}

static void on_user(struct app *a, const char *text, uint64_t tag)
{
    (void)tag;
    if (!text) {
        a->quit = true;
        return;
    }
    if (!text[0]) {
        app_prompt(a, "User:", NULL, false, on_user, 0);
        return;
    }
    free(a->user);
    a->user = xstrdup(text);
    if (a->password)
        send_login(a);
    else
        ask_password(a);
}

static void ask_password(struct app *a)
{
    if (!a->user)
        app_prompt(a, "User:", NULL, false, on_user, 0);
    else
        app_prompt(a, "Password:", NULL, true, on_password, 0);
}

static void on_conn_state(void *ud, enum conn_state st, const char *detail)
{
    struct app *a = ud;
    if (st == CONN_ONLINE) {
        send_login(a);
    } else if (st == CONN_OFFLINE) {
        bool was = a->authed;
        a->authed = false;
        a->logging_in = false;
        if (was || !a->msg[0] || !a->msg_err)
            app_msg(a, true, "daemon %s:%d unreachable (%s); reconnecting by itself", a->host,
                    a->port, detail);
    }
    app_dirty(a, DIRTY_ALL);
}

static void on_notifications(void *ud, uint64_t tag, const struct gl_err *err,
                             const msgpack_object *result)
{
    struct app *a = ud;
    (void)tag;
    if (err) {
        if (err->code != GL_E_UNAVAILABLE) app_rpc_error(a, "notifications", err);
        return;
    }
    for (size_t i = 0; i < a->nevents; i++)
        md_event_free(&a->events[i]);
    free(a->events);
    a->events = NULL;
    a->nevents = 0;
    const msgpack_object *list = md_get_array(result, "notifications");
    size_t n = list ? list->via.array.size : 0;
    if (n) a->events = xcalloc(n, sizeof *a->events);
    /* The daemon sends newest first; the list here keeps the newest last. */
    for (size_t i = n; i-- > 0;)
        if (md_event_decode(&list->via.array.ptr[i], &a->events[a->nevents])) a->nevents++;
    a->unread = (size_t)md_get_int(result, "unread", 0);
    if (a->t_login && !a->notify_timed) a->notify_timed = a->notify_pending = true;
    app_dirty(a, DIRTY_ALL);
}

void app_reload_notifications(struct app *a)
{
    conn_call0(a->conn, "notify.list", on_notifications, a, 0);
}

static void on_marked(void *ud, uint64_t tag, const struct gl_err *err, const msgpack_object *r)
{
    struct app *a = ud;
    (void)tag;
    (void)r;
    if (err) app_rpc_error(a, "not marked read", err);
    app_reload_notifications(a);
}

void app_mark_read(struct app *a, const int64_t *ids, size_t n)
{
    if (!n) return;
    msgpack_packer *pk = conn_begin(a->conn, "notify.read");
    msgpack_pack_map(pk, 1);
    gl_pack_key(pk, "ids");
    msgpack_pack_array(pk, n);
    for (size_t i = 0; i < n; i++)
        msgpack_pack_int64(pk, ids[i]);
    conn_send(a->conn, on_marked, a, 0);
}

static void on_notify(void *ud, const char *method, size_t len, const msgpack_object *params)
{
    struct app *a = ud;
    if (len != 5 || memcmp(method, "event", 5) != 0) return;
    struct md_event e;
    if (!md_event_decode(params, &e)) return;
    /* What one does oneself is no news: the screens follow it, the message line stays. */
    bool mine = a->user && strcmp(e.actor, a->user) == 0;
    if (!mine) app_msg(a, false, "* %s", e.text[0] ? e.text : e.type);
    for (size_t i = 0; i < GL_ARRAY_LEN(all_views); i++)
        if (all_views[i]->event) all_views[i]->event(a, &e);
    md_event_free(&e);
    /* The stored list (notify.list) is the one shown: it has what the daemon kept for us.
     * Fetched once per loop iteration however many events came (a bulk approval sends many). */
    if (!mine) a->notify_wanted = true;
    app_dirty(a, DIRTY_ALL);
}

/* ---- $EDITOR and the clipboard ---- */

char *app_edit_external(struct app *a, const char *text, const char *what)
{
    const char *tmp = getenv("TMPDIR");
    char *path = xasprintf("%s/greenlight-%s-XXXXXX.txt", tmp && *tmp ? tmp : "/tmp", what);
    int fd = mkstemps(path, 4);
    if (fd < 0) {
        app_msg(a, true, "cannot create a temporary file: %s", strerror(errno));
        free(path);
        return NULL;
    }
    size_t n = strlen(text);
    bool ok = write(fd, text, n) == (ssize_t)n &&
              (n == 0 || text[n - 1] == '\n' || write(fd, "\n", 1) == 1);
    close(fd);
    char *result = NULL;
    if (!ok) {
        app_msg(a, true, "cannot write %s", path);
        goto out;
    }
    const char *editor = getenv("VISUAL");
    if (!editor || !*editor) editor = getenv("EDITOR");
    if (!editor || !*editor) editor = "vi";
    char *cmd = xasprintf("%s '%s'", editor, path);
    /* Hand the terminal to the editor the way mutt does, and take it back afterwards. */
    def_prog_mode();
    endwin();
    int rc = system(cmd);
    reset_prog_mode();
    free(cmd);
    resync_size(a);
    a->force_clear = true;
    app_dirty(a, DIRTY_ALL);
    if (rc != 0) {
        app_msg(a, true, "%s exited with status %d; nothing changed", editor, rc);
        goto out;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        app_msg(a, true, "cannot read %s back", path);
        goto out;
    }
    size_t cap = 4096, len = 0;
    result = xmalloc(cap);
    size_t got;
    while ((got = fread(result + len, 1, cap - len - 1, f)) > 0) {
        len += got;
        if (cap - len < 2) result = xrealloc(result, cap *= 2);
    }
    fclose(f);
    while (len > 0 && (result[len - 1] == '\n' || result[len - 1] == '\r'))
        len--;
    result[len] = '\0';
    size_t orig = strlen(text);
    while (orig > 0 && text[orig - 1] == '\n')
        orig--;
    if (len == orig && memcmp(result, text, len) == 0) {
        app_msg(a, false, "unchanged");
        free(result);
        result = NULL;
    }
out:
    unlink(path);
    free(path);
    return result;
}

void app_clipboard(struct app *a, const char *text)
{
    (void)a;
    size_t n = strlen(text);
    size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = xmalloc(cap);
    sodium_bin2base64(b64, cap, (const unsigned char *)text, n, sodium_base64_VARIANT_ORIGINAL);
    /* Curses has flushed its output (doupdate ran); the sequence goes straight out. */
    fprintf(stdout, "\033]52;c;%s\a", b64);
    fflush(stdout);
    free(b64);
}

/* ---- start and stop ---- */

int app_run(struct app *a)
{
    a->t_start = a->t_start ? a->t_start : gl_mono_ns();
    const char *tf = getenv("GL_TUI_TIMING");
    if (tf && *tf) a->timing = fopen(tf, "a");

    set_escdelay(25);
    if (!initscr()) return 1;
    cbreak();
    noecho();
    curs_set(0);
    inwin = newwin(1, 1, 0, 0);
    keypad(inwin, TRUE);
    nodelay(inwin, TRUE);
    const char *nc = getenv("NO_COLOR");
    ui_init_colour(!(nc && *nc));
    a->colour = ui_has_colour();
    layout(a);

    a->loop = uv_default_loop();
    a->conn =
        conn_new(a->loop, a->host, a->port,
                 (struct conn_handlers){.ud = a, .state = on_conn_state, .notify = on_notify});
    uv_poll_init(a->loop, &a->in, 0);
    a->in.data = a;
    uv_poll_start(&a->in, UV_READABLE, on_stdin);
    uv_signal_init(a->loop, &a->winch);
    a->winch.data = a;
    uv_signal_start(&a->winch, on_winch, SIGWINCH);
    uv_signal_t *quits[] = {&a->sig_int, &a->sig_term, &a->sig_hup};
    int signums[] = {SIGINT, SIGTERM, SIGHUP};
    for (int i = 0; i < 3; i++) {
        uv_signal_init(a->loop, quits[i]);
        quits[i]->data = a;
        uv_signal_start(quits[i], on_quit_signal, signums[i]);
    }
    uv_prepare_init(a->loop, &a->prep);
    a->prep.data = a;
    uv_prepare_start(&a->prep, on_prepare);
    uv_timer_init(a->loop, &a->tick);
    a->tick.data = a;
    uv_timer_start(&a->tick, on_tick, 1000, 1000);

    a->depth = 0;
    a->stack[a->depth++] = &view_login;
    if (view_login.enter) view_login.enter(a);
    if (!a->password || !a->user) ask_password(a);
    conn_start(a->conn);
    app_dirty(a, DIRTY_ALL);

    uv_run(a->loop, UV_RUN_DEFAULT);

    /* Close every handle and let the loop finish their callbacks, so nothing leaks. */
    conn_close(a->conn);
    uv_close((uv_handle_t *)&a->in, NULL);
    uv_close((uv_handle_t *)&a->winch, NULL);
    uv_close((uv_handle_t *)&a->sig_int, NULL);
    uv_close((uv_handle_t *)&a->sig_term, NULL);
    uv_close((uv_handle_t *)&a->sig_hup, NULL);
    uv_close((uv_handle_t *)&a->prep, NULL);
    uv_close((uv_handle_t *)&a->tick, NULL);
    uv_run(a->loop, UV_RUN_DEFAULT);
    conn_free(a->conn);
    uv_loop_close(a->loop);

    delwin(a->main);
    delwin(a->status);
    delwin(inwin);
    endwin();
    for (size_t i = 0; i < GL_ARRAY_LEN(all_views); i++)
        if (all_views[i]->free) all_views[i]->free(a);
    for (size_t i = 0; i < a->nprofiles; i++)
        md_profile_free(&a->profiles[i]);
    free(a->profiles);
    for (size_t i = 0; i < a->nevents; i++)
        md_event_free(&a->events[i]);
    free(a->events);
    act_free();
    if (a->timing) fclose(a->timing);
    return 0;
}
