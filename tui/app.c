/* The client's loop: the stack of screens, dirty flags and one draw per iteration, the status
 * line, keys, signals, start and stop (app.h). */
#include "app.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "actions.h"
#include "receipts.h"
#include "timing.h"
#include "ui.h"
#include "util.h"
#include "words.h"
#include "xmalloc.h"

#define SCREEN_OPS_(id, name) [VIEW_##id] = &view_##name,
static const struct view_ops *const screen_ops[VIEW_COUNT] = {GL_SCREENS(SCREEN_OPS_)};
#undef SCREEN_OPS_

struct view *view_new(struct app *a, const struct view_ops *ops)
{
    struct view *v = xcalloc(1, sizeof *v);
    v->ops = ops;
    v->app = a;
    v->state = ops->state_size ? xcalloc(1, ops->state_size) : NULL;
    return v;
}

void view_free(struct view *v)
{
    if (!v) return;
    if (v->ops->free) v->ops->free(v);
    free(v->state);
    free(v);
}

void *view_state(struct view *v, const struct view_ops *kind)
{
    /* A state read as another kind's would be memory misread: stop rather than corrupt it. */
    if (v->ops != kind) abort();
    return v->state;
}

struct view *app_view(struct app *a, enum view_kind s)
{
    return a->views[s];
}

static WINDOW *inwin; /* never drawn: reading keys from it never triggers a refresh */

void app_dirty(struct app *a, unsigned what)
{
    a->dirty |= what;
}

struct view *app_top(struct app *a)
{
    return a->depth ? a->stack[a->depth - 1] : a->views[VIEW_LOGIN];
}

/* Who may not use a screen is told so in words (words.c), and it asks the daemon nothing. */
static bool allowed(const struct app *a, const struct view *v)
{
    return !words_forbidden_screen(a->role, v->ops->keymap);
}

static void enter(struct app *a, struct view *v)
{
    if (v->ops->enter && allowed(a, v)) v->ops->enter(v);
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
    a->stack[a->depth++] = a->views[VIEW_CALENDAR];
    if (v != a->views[VIEW_CALENDAR]) a->stack[a->depth++] = v;
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

void app_posts_changed(struct app *a, int64_t profile)
{
    (void)profile;
    app_want_reload(a, KM_CALENDAR | KM_DAY | KM_QUEUE | KM_POST);
}

void app_tell_views(struct app *a, const struct md_event *e)
{
    for (int i = 0; i < VIEW_COUNT; i++)
        if (a->views[i]->ops->event) a->views[i]->ops->event(a->views[i], e);
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
        const char *no = words_forbidden_screen(a->role, v->ops->keymap);
        if (no) {
            char title[64];
            snprintf(title, sizeof title, " %c%s", v->ops->name[0] - 32, v->ops->name + 1);
            ui_text_pad(a->main, 0, 0, mc, title, ui_attr(UP_TITLE) | A_REVERSE);
            char *line =
                xasprintf("%s You are %s.", no, words_role_article(words_role_parse(a->role)));
            ui_wrap(a->main, 2, 2, mc - 4, mr - 2, 0, line, A_BOLD);
            free(line);
        } else {
            v->ops->draw(v, a->main, mr, mc);
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
            prompt_draw(a, cols);
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
        if (a->stack[i]->ops->resize) a->stack[i]->ops->resize(a->stack[i]);
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
            if ((v->ops->keymap & want) && !again && v->ops->reload && allowed(a, v))
                v->ops->reload(v);
        }
    }
    if (a->dirty) {
        a->calendar_ready = false; /* set again by a draw of the calendar with its data */
        draw(a);
        timing_after_draw(a);
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
        if (app_top(a) != a->views[VIEW_HELP]) app_push(a, a->views[VIEW_HELP]);
        break;
    case ACT_GO_CALENDAR:
        app_go(a, a->views[VIEW_CALENDAR]);
        break;
    case ACT_GO_QUEUE:
        app_go(a, a->views[VIEW_QUEUE]);
        break;
    case ACT_GO_LINKS:
        app_go(a, a->views[VIEW_LINKS]);
        break;
    case ACT_GO_NOTIFY:
        app_go(a, a->views[VIEW_NOTIFY]);
        break;
    case ACT_GO_PEOPLE:
        app_go(a, a->views[VIEW_PEOPLE]);
        break;
    case ACT_GO_WEBHOOKS:
        app_go(a, a->views[VIEW_WEBHOOKS]);
        break;
    case ACT_PICK_PROFILE:
        if (app_top(a) != a->views[VIEW_PICKER]) app_push(a, a->views[VIEW_PICKER]);
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
    enum action act = keys_lookup(v->ops->keymap | KM_GLOBAL, (int)ch, code);
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
    if (v->ops->key && allowed(a, v) && v->ops->key(v, act)) return;
    /* The login screen only knows quitting. */
    if (v == a->views[VIEW_LOGIN] && act != ACT_BACK && act != ACT_QUIT && act != ACT_REDRAW)
        return;
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

static void on_winch(uv_signal_t *h, int sig)
{
    struct app *a = h->data;
    (void)sig;
    app_resync_size(a);
}

static void on_quit_signal(uv_signal_t *h, int sig)
{
    struct app *a = h->data;
    (void)sig;
    a->quit = true;
}

void app_resync_size(struct app *a)
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
    a->conn = conn_new(
        a->loop, a->host, a->port,
        (struct conn_handlers){.ud = a, .state = session_on_conn_state, .notify = inbox_on_notify});
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

    for (int i = 0; i < VIEW_COUNT; i++)
        a->views[i] = view_new(a, screen_ops[i]);
    a->depth = 0;
    a->stack[a->depth++] = a->views[VIEW_LOGIN];
    struct view *login = a->views[VIEW_LOGIN];
    if (login->ops->enter) login->ops->enter(login);
    if (!a->password || !a->user) session_ask_login(a);
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
    for (int i = 0; i < VIEW_COUNT; i++)
        view_free(a->views[i]);
    session_free(a);
    inbox_free(a);
    act_free();
    if (a->timing) fclose(a->timing);
    return 0;
}
