/* Key bindings: physical keys map to actions through one table, which also writes the help
 * screen, so the help can never disagree with what a key does. */
#ifndef TUI_KEYS_H
#define TUI_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The key maps, one per screen, plus the global one consulted after the screen's own. */
enum keymap {
    KM_GLOBAL = 1 << 0,
    KM_CALENDAR = 1 << 1,
    KM_DAY = 1 << 2,
    KM_QUEUE = 1 << 3,
    KM_POST = 1 << 4,
    KM_LINKS = 1 << 5,
    KM_NOTIFY = 1 << 6,
    KM_PICKER = 1 << 7,
    KM_HELP = 1 << 8,
    KM_LIST = 1 << 9, /* moving in any list: used by screens that are lists */
    KM_FORM = 1 << 10,
    KM_ZONES = 1 << 11,
    KM_PEOPLE = 1 << 12,
    KM_FIRST = 1 << 13,
    KM_STEPS = 1 << 14,
    KM_WEBHOOKS = 1 << 15,
    KM_PROFILES = KM_PICKER, /* the picker is the profiles screen */
};

enum action {
    ACT_NONE = 0,
    ACT_BACK,
    ACT_QUIT,
    ACT_HELP,
    ACT_GO_CALENDAR,
    ACT_GO_QUEUE,
    ACT_GO_LINKS,
    ACT_GO_NOTIFY,
    ACT_PICK_PROFILE,
    ACT_REDRAW,
    ACT_RELOAD,
    ACT_LEFT,
    ACT_RIGHT,
    ACT_UP,
    ACT_DOWN,
    ACT_PAGE_UP,
    ACT_PAGE_DOWN,
    ACT_TOP,
    ACT_BOTTOM,
    ACT_PREV_WEEK,
    ACT_NEXT_WEEK,
    ACT_PREV_MONTH,
    ACT_NEXT_MONTH,
    ACT_TODAY,
    ACT_WEEK_VIEW,
    ACT_MONTH_VIEW,
    ACT_OPEN,
    ACT_NEW_POST,
    ACT_APPROVE,
    ACT_REJECT,
    ACT_RESCHEDULE,
    ACT_SCHEDULE,
    ACT_COMMENT,
    ACT_TAG,
    ACT_APPROVE_TAGGED,
    ACT_REJECT_TAGGED,
    ACT_EDIT_CAPTION,
    ACT_SUBMIT,
    ACT_DELETE,
    ACT_SEARCH,
    ACT_SEARCH_NEXT,
    ACT_FILTER,
    ACT_EDIT_FIELD,
    ACT_SAVE,
    ACT_LINK_NEW,
    ACT_LINK_REVOKE,
    ACT_LINK_REGEN,
    ACT_LINK_EXTEND,
    ACT_LINK_COPY,
    ACT_MARK_READ,
    ACT_MARK_ONE,
    ACT_GO_PEOPLE,
    ACT_PROFILE_NEW,
    ACT_PROFILE_EDIT,
    ACT_USER_NEW,
    ACT_USER_ROLE,
    ACT_USER_RESET,
    ACT_USER_DISABLE,
    ACT_USER_EMAIL,
    ACT_USER_MAIL,
    ACT_MY_PASSWORD,
    ACT_COPY,
    ACT_STEP_ADD,
    ACT_STEP_REMOVE,
    ACT_STEP_LATER,
    ACT_STEP_EARLIER,
    ACT_RETRY,
    ACT_LINK_FOR_POSTS,
    ACT_LINK_OPEN,
    ACT_MEDIA_ALT,
    ACT_EXPORT_RECEIPTS,
    ACT_GO_WEBHOOKS,
    ACT_WEBHOOK_NEW,
    ACT_WEBHOOK_PAUSE,
    ACT_WEBHOOK_REDELIVER,
};

struct binding {
    unsigned maps; /* enum keymap bits */
    int key;       /* a wide character, or a KEY_* code when is_code */
    bool is_code;
    enum action action;
    const char *help;
};

/* The action a key has on a screen using keymap map (its own bindings, then the global). */
enum action keys_lookup(unsigned map, int key, bool is_code);

/* One help line per action of a map, keys joined ("h, Left"). Fills at most max lines and
 * returns how many there are; keys and help point into static storage until the next call. */
struct help_line {
    char keys[48];
    const char *help;
    bool global;
};
size_t keys_help(unsigned map, struct help_line *out, size_t max);

/* Writes every screen's keys as Markdown tables (greenlight --keys; docs/tui.md holds it). */
void keys_dump(FILE *out);

/* The first key bound to an action on map, as text ("a", "Enter"), for hints. */
const char *keys_name_for(unsigned map, enum action a);

#endif
