/* The client's state and main loop: the connection, the stack of screens, dirty flags, the
 * status line. Screens change state and mark what is dirty; the loop draws once per iteration
 * with one doupdate. The prompt (prompt.c), the session (session.c), the notifications
 * (inbox.c), $EDITOR and the clipboard (external.c) and the measurements (timing.c) have their
 * own files; struct app holds their state. */
#ifndef TUI_APP_H
#define TUI_APP_H

#include <curses.h>
#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "conn.h"
#include "keys.h"
#include "model.h"
/* The screens' API from the modules that own it: a prompt, the session and profiles, the
 * notifications, $EDITOR and the clipboard, the measurements. */
#include "external.h"
#include "inbox.h"
#include "prompt.h"
#include "session.h"
#include "timing.h"

struct app;

struct view;

/* What a kind of screen does: a small vtable, one per view_*.c. */
struct view_ops {
    const char *name;
    unsigned keymap;   /* enum keymap bits */
    size_t state_size; /* each instance's state, allocated zeroed with it (view_new) */
    /* Shown (pushed, or uncovered by a pop). */
    void (*enter)(struct view *v);
    void (*draw)(struct view *v, WINDOW *w, int rows, int cols);
    /* An action from the key table, or ACT_NONE with the raw key in app->last_key. True when
     * handled; otherwise global handling applies. */
    bool (*key)(struct view *v, enum action act);
    void (*resize)(struct view *v);
    /* Fetch again what the screen shows (after a reconnect, C-r, or a change elsewhere). */
    void (*reload)(struct view *v);
    /* A pushed event from the daemon, for screens that keep data it touches. */
    void (*event)(struct view *v, const struct md_event *e);
    /* Free what the state holds (view_free then frees the state itself). */
    void (*free)(struct view *v);
};

/* A screen: an instance of a kind, with its own state (ops->state_size bytes, NULL when 0), made
 * by view_new for the app that owns it and freed by view_free. The app makes one of each kind at
 * start (app_view) and frees them at exit; requests a screen sends carry the instance as their
 * ud, so its answers come back to the state that asked; so do the questions it asks on the
 * prompt line (prompt.h), and the forms it opens (form.h: a save gets the form's screen and the
 * ud the form was made with, done its own ud). app_view is for opening a screen, not for a
 * callback to find one. */
struct view {
    const struct view_ops *ops;
    struct app *app;
    void *state;
};
struct view *view_new(struct app *a, const struct view_ops *ops);
void view_free(struct view *v);
/* v's state, which must be of that kind (a screen's functions read their state through it). */
void *view_state(struct view *v, const struct view_ops *kind);

/* The kinds of screen, each the view_ops view_<name> of its file. */
#define GL_SCREENS(X)                                                                              \
    X(LOGIN, login)                                                                                \
    X(CALENDAR, calendar)                                                                          \
    X(DAY, day)                                                                                    \
    X(QUEUE, queue)                                                                                \
    X(POST, post)                                                                                  \
    X(LINKS, links)                                                                                \
    X(NOTIFY, notify)                                                                              \
    X(HELP, help)                                                                                  \
    X(PICKER, picker)                                                                              \
    X(FORM, form)                                                                                  \
    X(ZONES, zones)                                                                                \
    X(PEOPLE, people)                                                                              \
    X(FIRST, first)                                                                                \
    X(STEPS, steps)                                                                                \
    X(LINK, link)                                                                                  \
    X(WEBHOOKS, webhooks)

#define SCREEN_ENUM_(id, name) VIEW_##id,
enum view_kind { GL_SCREENS(SCREEN_ENUM_) VIEW_COUNT };
#undef SCREEN_ENUM_
#define SCREEN_OPS_(id, name) extern const struct view_ops view_##name;
GL_SCREENS(SCREEN_OPS_)
#undef SCREEN_OPS_
/* The app's screen of that kind. */
struct view *app_view(struct app *a, enum view_kind s);

/* The links screen asking for an approval link for posts ids (all of the current profile). */
void view_links_for_posts(struct app *a, const int64_t *ids, size_t n);
/* One link's page: its posts with their status, opens, requests and decisions. */
void view_link_open(struct app *a, int64_t id, int64_t profile);
/* A post's screen: an existing post, or a new one for profile on a day (0s: today). */
void view_post_open(struct app *a, int64_t id);
void view_post_new(struct app *a, int64_t profile, int y, int m, int d);
/* The list of one day's posts. */
void view_day_open(struct app *a, int y, int m, int d);

enum { DIRTY_MAIN = 1, DIRTY_STATUS = 2, DIRTY_ALL = 3 };

struct app {
    uv_loop_t *loop;
    struct conn *conn;
    uv_poll_t in;
    uv_signal_t winch;
    uv_signal_t sig_int, sig_term, sig_hup; /* leave the terminal sane on the way out */
    uv_prepare_t prep;
    uv_timer_t tick;
    WINDOW *main, *status;
    char host[256];
    int port;
    char *user, *password;
    bool authed, logging_in;
    char role[16];
    struct md_profile *profiles;
    size_t nprofiles;
    int64_t profile_id;             /* the chosen profile, 0 before the list arrives */
    struct view *views[VIEW_COUNT]; /* one screen of each kind, made at start */
    struct view *stack[16];
    int depth;
    unsigned dirty;
    unsigned reload_wanted; /* screens (by keymap bit) to reload before the next draw */
    bool notify_wanted;     /* fetch the stored notifications before the next draw */
    char msg[400];
    bool msg_err;
    struct md_event *events; /* the stored notifications (notify.list), newest last */
    size_t nevents, unread;
    struct prompt prompt;
    int last_key;
    bool last_is_code;
    bool quit;
    bool colour;
    bool force_clear;
    /* Measurements (GL_TUI_TIMING=FILE). */
    FILE *timing;
    uint64_t t_start, t_login, t_key;
    uint64_t t_data; /* a key that needs data (a new month): until it is drawn with it */
    bool first_full_done;
    bool notify_timed, notify_pending; /* the stored notifications' first load, drawn */
    bool calendar_ready;               /* the calendar has drawn the current month with its data */
};

/* Screens. */
void app_push(struct app *a, struct view *v);
void app_pop(struct app *a);
/* Replaces everything above the calendar with v (v may be the calendar itself). */
void app_go(struct app *a, struct view *v);
struct view *app_top(struct app *a);
void app_dirty(struct app *a, unsigned what);
/* Asks every screen with one of these keymap bits to reload before the next draw. */
void app_want_reload(struct app *a, unsigned keymaps);

/* The status line message; err shows it as an error. */
void app_msg(struct app *a, bool err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Reports an RPC failure on the status line, in the words of the daemon. */
void app_rpc_error(struct app *a, const char *what, const struct gl_err *err);

/* Called by screens when a request they made changed posts of profile (0: any). */
void app_posts_changed(struct app *a, int64_t profile);

/* Passes an event the daemon pushed to every screen that keeps data it touches. */
void app_tell_views(struct app *a, const struct md_event *e);
/* Takes the terminal's size again (it may have changed while the editor had it) and lays out
 * the windows. */
void app_resync_size(struct app *a);

int app_run(struct app *a);

#endif
