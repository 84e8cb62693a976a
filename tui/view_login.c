/* The login screen: where we connect, who we are, and how the connection is going. */
#include "app.h"
#include "ui.h"

#include <stdio.h>
#include <string.h>

static void login_draw(struct view *v, WINDOW *w, int rows, int cols)
{
    struct app *a = v->app;
    int bw = cols < 60 ? cols - 2 : 58, bh = 9;
    int y = (rows - bh) / 2, x = (cols - bw) / 2;
    if (y < 0) y = 0;
    if (x < 0) x = 0;
    attr_t t = ui_attr(UP_TITLE);
    wattr_set(w, t, PAIR_NUMBER(t), NULL);
    mvwaddch(w, y, x, ACS_ULCORNER);
    whline(w, ACS_HLINE, bw - 2);
    mvwaddch(w, y, x + bw - 1, ACS_URCORNER);
    for (int i = 1; i < bh - 1; i++) {
        mvwaddch(w, y + i, x, ACS_VLINE);
        mvwaddch(w, y + i, x + bw - 1, ACS_VLINE);
    }
    mvwaddch(w, y + bh - 1, x, ACS_LLCORNER);
    whline(w, ACS_HLINE, bw - 2);
    mvwaddch(w, y + bh - 1, x + bw - 1, ACS_LRCORNER);
    wattr_set(w, A_NORMAL, 0, NULL);
    ui_text(w, y + 1, x + 2, bw - 4, "Greenlight: sign in", t);
    char line[320];
    snprintf(line, sizeof line, "Daemon    %s:%d", a->host, a->port);
    ui_text(w, y + 3, x + 2, bw - 4, line, A_NORMAL);
    snprintf(line, sizeof line, "User      %s", a->user ? a->user : "");
    ui_text(w, y + 4, x + 2, bw - 4, line, A_NORMAL);
    snprintf(line, sizeof line, "Password  %s", a->password ? "********" : "");
    ui_text(w, y + 5, x + 2, bw - 4, line, A_NORMAL);
    const char *state;
    enum conn_state st = conn_state(a->conn);
    if (a->logging_in)
        state = "logging in...";
    else if (st == CONN_ONLINE && a->authed)
        state = "loading profiles...";
    else if (st == CONN_ONLINE)
        state = a->password ? "connected" : "connected; type the password below";
    else if (st == CONN_CONNECTING)
        state = "connecting...";
    else
        state = "daemon unreachable; retrying";
    ui_text(w, y + 7, x + 2, bw - 4, state, ui_attr(UP_DIM));
    /* The prompt takes the message line: repeat the message here, where it is seen. */
    if (a->msg[0] && y + bh + 1 < rows)
        ui_wrap(w, y + bh + 1, x, bw, 3, 0, a->msg, a->msg_err ? ui_attr(UP_ERR) : A_NORMAL);
}

const struct view_ops view_login = {
    .name = "login",
    .keymap = KM_GLOBAL,
    .draw = login_draw,
};
