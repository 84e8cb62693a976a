/* The client's state and main loop: the connection, the stack of screens, dirty flags, the
 * status line, prompts, notifications. Screens change state and mark what is dirty; the loop
 * draws once per iteration with one doupdate. */
#ifndef TUI_APP_H
#define TUI_APP_H

#include <curses.h>
#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "conn.h"
#include "keys.h"
#include "model.h"

struct app;

/* A screen: a small vtable. Screens are singletons that live as long as the program. */
struct view {
    const char *name;
    unsigned keymap; /* enum keymap bits */
    /* Shown (pushed, or uncovered by a pop). */
    void (*enter)(struct app *a);
    void (*draw)(struct app *a, WINDOW *w, int rows, int cols);
    /* An action from the key table, or ACT_NONE with the raw key in a->last_key. True when
     * handled; otherwise global handling applies. */
    bool (*key)(struct app *a, enum action act);
    void (*resize)(struct app *a);
    /* Fetch again what the screen shows (after a reconnect, C-r, or a change elsewhere). */
    void (*reload)(struct app *a);
    /* A pushed event from the daemon, for screens that keep data it touches. */
    void (*event)(struct app *a, const struct md_event *e);
    /* Free what the screen holds, at exit. */
    void (*free)(struct app *a);
};

extern struct view view_login, view_calendar, view_day, view_queue, view_post, view_links,
    view_notify, view_help, view_picker, view_form, view_zones, view_people, view_first, view_steps,
    view_link;
extern struct view view_webhooks;
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

typedef void (*prompt_fn)(struct app *a, const char *text, uint64_t tag); /* text NULL: cancel */

#define PROMPT_MAX 5000

struct prompt {
    bool active;
    bool hidden;   /* passwords */
    bool selected; /* the initial value is selected: the first typed character replaces it */
    bool onekey;   /* a y/n question: one key answers */
    char label[96];
    wchar_t buf[PROMPT_MAX + 1];
    size_t len, cur;
    prompt_fn fn;
    uint64_t tag;
};

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
    int64_t profile_id; /* the chosen profile, 0 before the list arrives */
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
    bool calendar_ready; /* the calendar has drawn the current month with its data */
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
/* A line of input at the bottom; fn gets the text (or NULL when cancelled). */
void app_prompt(struct app *a, const char *label, const char *initial, bool hidden, prompt_fn fn,
                uint64_t tag);
/* A y/n question answered by one key: fn gets "y", or NULL for n, Esc or C-g. For what cannot be
 * undone or acts on many posts, and nothing else. */
void app_confirm(struct app *a, const char *question, prompt_fn fn, uint64_t tag);
/* Runs $EDITOR (like git and mutt) on text; returns the edited text (caller frees) or NULL when
 * the editor failed or nothing changed. */
char *app_edit_external(struct app *a, const char *text, const char *what);
/* Sends text to the terminal's clipboard with OSC 52 (works over SSH, inside tmux). */
void app_clipboard(struct app *a, const char *text);

/* Profiles. */
const struct md_profile *app_profile(const struct app *a); /* the chosen one or NULL */
const struct md_profile *app_profile_by_id(const struct app *a, int64_t id);
void app_set_profile(struct app *a, int64_t id);
/* Fetches the profiles again (after one is created or changed); the screens then reload. */
void app_reload_profiles(struct app *a);
/* The password used to log in again after a reconnect changes with the user's own. */
void app_set_own_password(struct app *a, const char *password);

/* Reports an RPC failure on the status line, in the words of the daemon. */
void app_rpc_error(struct app *a, const char *what, const struct gl_err *err);

/* Notifications: fetch the stored list again; mark some read (then the list is fetched). */
void app_reload_notifications(struct app *a);
void app_mark_read(struct app *a, const int64_t *ids, size_t n);

/* Called by screens when a request they made changed posts of profile (0: any). */
void app_posts_changed(struct app *a, int64_t profile);

/* Measurement hooks: the calendar calls app_mark_full when it has drawn a month with its data,
 * and app_wait_data when a key needs data from the daemon before the screen is complete. */
void app_mark_full(struct app *a);
void app_wait_data(struct app *a);

int app_run(struct app *a);

#endif
