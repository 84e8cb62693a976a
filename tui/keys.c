/* The one table of key bindings with their help text (keys.h). */
#include "keys.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

#define CTRL(c) ((c)&0x1f)
#define K(m, k, a, h)                                                                              \
    {                                                                                              \
        (m), (k), false, (a), (h)                                                                  \
    }
#define KC(m, k, a, h)                                                                             \
    {                                                                                              \
        (m), (k), true, (a), (h)                                                                   \
    }
/* One action on a character and a key code (h and Left), or on Enter, which is both. */
#define KK(m, k, code, a, h) K(m, k, a, h), KC(m, code, a, h)
#define KENTER(m, a, h) KK(m, '\n', KEY_ENTER, a, h)

enum {
    CAL = KM_CALENDAR,
    DAY = KM_DAY,
    QUE = KM_QUEUE,
    PST = KM_POST,
    LNK = KM_LINKS,
    NTF = KM_NOTIFY,
    PCK = KM_PICKER,
    HLP = KM_HELP,
    LST = KM_LIST,
    FRM = KM_FORM,
    ZON = KM_ZONES,
    PPL = KM_PEOPLE,
    FST = KM_FIRST,
    STP = KM_STEPS,
    WHK = KM_WEBHOOKS,
    GLB = KM_GLOBAL
};

/* Order matters for the help screen: it lists actions in the order they first appear. */
static const struct binding table[] = {
    /* calendar */
    KK(CAL, 'h', KEY_LEFT, ACT_LEFT, "previous day"),
    KK(CAL, 'l', KEY_RIGHT, ACT_RIGHT, "next day"),
    KK(CAL, 'k', KEY_UP, ACT_UP, "previous week (same weekday)"),
    KK(CAL, 'j', KEY_DOWN, ACT_DOWN, "next week (same weekday)"),
    KK(CAL, '[', KEY_PPAGE, ACT_PREV_MONTH, "previous month"),
    KK(CAL, ']', KEY_NPAGE, ACT_NEXT_MONTH, "next month"),
    K(CAL, '{', ACT_PREV_WEEK, "previous week"),
    K(CAL, '}', ACT_NEXT_WEEK, "next week"),
    K(CAL, 't', ACT_TODAY, "go to today"),
    K(CAL, 'w', ACT_WEEK_VIEW, "week view (one column per day)"),
    K(CAL, 'm', ACT_MONTH_VIEW, "month view"),
    KENTER(CAL, ACT_OPEN, "open the day's posts"),
    K(CAL, 'n', ACT_NEW_POST, "new post on this day"),
    /* lists: day, queue, links, notifications, profile picker */
    KK(LST, 'j', KEY_DOWN, ACT_DOWN, "next line"),
    KK(LST, 'k', KEY_UP, ACT_UP, "previous line"),
    KC(LST, KEY_NPAGE, ACT_PAGE_DOWN, "page down"),
    K(LST, CTRL('f'), ACT_PAGE_DOWN, "page down"),
    KC(LST, KEY_PPAGE, ACT_PAGE_UP, "page up"),
    K(LST, CTRL('b'), ACT_PAGE_UP, "page up"),
    KK(LST, 'g', KEY_HOME, ACT_TOP, "first line"),
    KK(LST, 'G', KEY_END, ACT_BOTTOM, "last line"),
    KENTER(DAY | QUE | NTF | PCK, ACT_OPEN, "open"),
    KENTER(ZON, ACT_OPEN, "choose this time zone"),
    K(ZON, '/', ACT_SEARCH, "search time zones (\"paris\", \"new york\")"),
    KENTER(FST, ACT_OPEN, "do this step"),
    K(PCK, 'n', ACT_PROFILE_NEW, "new profile"),
    K(PCK, 'e', ACT_PROFILE_EDIT, "edit the profile (zone, platforms, approval steps)"),
    K(DAY, 'n', ACT_NEW_POST, "new post on this day"),
    /* post actions, wherever a post is selected */
    K(QUE | DAY | PST, 'a', ACT_APPROVE, "approve"),
    K(QUE | DAY | PST, 'r', ACT_REJECT, "reject (asks for a note)"),
    K(QUE | DAY | PST, 's', ACT_RESCHEDULE, "reschedule (asks for date and time)"),
    K(QUE | DAY | PST, 'S', ACT_SCHEDULE, "schedule an approved post"),
    K(QUE | DAY | PST, 'c', ACT_COMMENT, "comment"),
    K(QUE | DAY | PST, 'E', ACT_EDIT_CAPTION, "edit the caption in $EDITOR"),
    K(QUE | DAY | PST, 'u', ACT_SUBMIT, "submit for approval"),
    K(DAY | PST, 'D', ACT_DELETE, "delete the post (asks first)"),
    K(QUE | DAY | PST, 'F', ACT_RETRY, "retry a failed post (publish it again)"),
    K(QUE, ' ', ACT_TAG, "tag / untag"),
    K(QUE, 'T', ACT_TAG, "tag / untag"),
    K(QUE, 'A', ACT_APPROVE_TAGGED, "approve all tagged"),
    K(QUE, 'R', ACT_REJECT_TAGGED, "reject all tagged (one note)"),
    K(QUE, '/', ACT_SEARCH, "search captions, notes, profiles"),
    K(QUE, 'N', ACT_SEARCH_NEXT, "next search match"),
    K(QUE, 'f', ACT_FILTER, "filter to one profile / all"),
    K(QUE, 'n', ACT_NEW_POST, "new post"),
    /* post editor */
    KK(PST, 'j', KEY_DOWN, ACT_DOWN, "next field"),
    KK(PST, 'k', KEY_UP, ACT_UP, "previous field"),
    KENTER(PST, ACT_EDIT_FIELD, "edit the field (caption: inline)"),
    K(PST, 'e', ACT_EDIT_FIELD, "edit the field (caption: inline)"),
    K(PST, 'w', ACT_SAVE, "save (create or update)"),
    K(PST, 'i', ACT_MEDIA_ALT,
      "describe an image: its alternative text (asks which, then the text)"),
    KC(PST, KEY_NPAGE, ACT_PAGE_DOWN, "scroll details down"),
    KC(PST, KEY_PPAGE, ACT_PAGE_UP, "scroll details up"),
    /* links */
    K(LNK, 'n', ACT_LINK_NEW, "create a link"),
    K(LNK, 'x', ACT_LINK_REVOKE, "revoke"),
    K(LNK, 'r', ACT_LINK_REGEN, "regenerate (new URL, old one stops)"),
    K(LNK, 'e', ACT_LINK_EXTEND, "extend (asks for days)"),
    K(LNK, 'y', ACT_LINK_COPY, "copy the URL (OSC 52 clipboard)"),
    KENTER(LNK, ACT_LINK_OPEN, "open the link: its posts, opens, requests, decisions"),
    K(QUE, 'L', ACT_LINK_FOR_POSTS, "approval link for the tagged posts (or this one)"),
    /* notifications */
    K(NTF, 'm', ACT_MARK_READ, "mark all read"),
    K(NTF, 'x', ACT_MARK_ONE, "mark this one read"),
    /* forms: a profile, a colleague */
    KK(FRM, 'j', KEY_DOWN, ACT_DOWN, "next field"),
    K(FRM, '\t', ACT_DOWN, "next field"),
    KK(FRM, 'k', KEY_UP, ACT_UP, "previous field"),
    KENTER(FRM, ACT_EDIT_FIELD, "change the field"),
    K(FRM, 'e', ACT_EDIT_FIELD, "change the field"),
    K(FRM, 'w', ACT_SAVE, "save"),
    /* approval steps */
    K(STP, 'n', ACT_STEP_ADD, "add a step (name, who decides)"),
    KENTER(STP, ACT_EDIT_FIELD, "change the step"),
    K(STP, 'e', ACT_EDIT_FIELD, "change the step"),
    K(STP, 'x', ACT_STEP_REMOVE, "remove the step"),
    K(STP, 'J', ACT_STEP_LATER, "move the step later"),
    K(STP, 'K', ACT_STEP_EARLIER, "move the step earlier"),
    /* people */
    K(PPL, 'n', ACT_USER_NEW, "invite a colleague (name, role, e-mail)"),
    K(PPL, 'o', ACT_USER_ROLE, "change the role"),
    K(PPL, 'P', ACT_USER_RESET, "new password (yours: typed; others: generated)"),
    K(PPL, 'x', ACT_USER_DISABLE, "disable / enable the user (asks first)"),
    K(PPL, '@', ACT_USER_EMAIL, "change the e-mail address"),
    K(PPL, 'm', ACT_USER_MAIL, "mail: each, digest or none"),
    K(PPL | FST, 'y', ACT_COPY, "copy the password shown (OSC 52 clipboard)"),
    /* webhooks */
    K(WHK, 'n', ACT_WEBHOOK_NEW, "add an endpoint (URL, events); its secret is shown once"),
    K(WHK, 'x', ACT_DELETE, "delete the endpoint and its deliveries (asks first)"),
    K(WHK, 's', ACT_WEBHOOK_PAUSE, "pause / resume the endpoint"),
    K(WHK, 'r', ACT_WEBHOOK_REDELIVER, "send its latest undelivered (or latest) delivery again"),
    K(WHK, 'y', ACT_COPY, "copy the secret shown (OSC 52 clipboard)"),
    /* help */
    KK(HLP, 'j', KEY_DOWN, ACT_DOWN, "scroll down"),
    KK(HLP, 'k', KEY_UP, ACT_UP, "scroll up"),
    /* everywhere */
    K(GLB, '?', ACT_HELP, "this help"),
    K(GLB, 'q', ACT_BACK, "back; quit from the calendar"),
    K(GLB, 27, ACT_BACK, "back; quit from the calendar"),
    K(GLB, 'Q', ACT_QUIT, "quit"),
    K(GLB, '1', ACT_GO_CALENDAR, "calendar"),
    K(GLB, '2', ACT_GO_QUEUE, "approval queue"),
    K(GLB, '3', ACT_GO_LINKS, "links of the profile"),
    K(GLB, '4', ACT_GO_NOTIFY, "notifications"),
    K(GLB, '5', ACT_GO_PEOPLE, "people and your account"),
    K(GLB, '6', ACT_GO_WEBHOOKS, "webhooks (admins)"),
    K(GLB, 'p', ACT_PICK_PROFILE, "profiles: switch, create, edit"),
    K(GLB, CTRL('r'), ACT_RELOAD, "reload from the daemon"),
    K(GLB, 'X', ACT_EXPORT_RECEIPTS, "export the profile's signed approval receipts to a file"),
    K(GLB, CTRL('l'), ACT_REDRAW, "redraw the screen"),
};

static bool matches(const struct binding *b, unsigned map, int key, bool is_code)
{
    return (b->maps & map) && b->key == key && b->is_code == is_code;
}

enum action keys_lookup(unsigned map, int key, bool is_code)
{
    unsigned own = map & ~(unsigned)KM_GLOBAL;
    for (size_t i = 0; i < GL_ARRAY_LEN(table); i++)
        if (matches(&table[i], own, key, is_code)) return table[i].action;
    for (size_t i = 0; i < GL_ARRAY_LEN(table); i++)
        if (matches(&table[i], KM_GLOBAL, key, is_code)) return table[i].action;
    return ACT_NONE;
}

/* Keys named by a word; other control characters are C-x, other codes "key N". */
static const struct {
    int key;
    bool is_code;
    const char *name;
} key_names[] = {
    {KEY_LEFT, true, "Left"}, {KEY_RIGHT, true, "Right"}, {KEY_UP, true, "Up"},
    {KEY_DOWN, true, "Down"}, {KEY_PPAGE, true, "PgUp"},  {KEY_NPAGE, true, "PgDn"},
    {KEY_HOME, true, "Home"}, {KEY_END, true, "End"},     {KEY_ENTER, true, "Enter"},
    {'\n', false, "Enter"},   {' ', false, "Space"},      {'\t', false, "Tab"},
    {27, false, "Esc"},
};

static const char *key_text(const struct binding *b)
{
    static char buf[16];
    for (size_t i = 0; i < GL_ARRAY_LEN(key_names); i++)
        if (key_names[i].key == b->key && key_names[i].is_code == b->is_code)
            return key_names[i].name;
    if (b->is_code)
        snprintf(buf, sizeof buf, "key %d", b->key);
    else if (b->key < 32)
        snprintf(buf, sizeof buf, "C-%c", b->key + 'a' - 1);
    else
        snprintf(buf, sizeof buf, "%c", b->key);
    return buf;
}

const char *keys_name_for(unsigned map, enum action a)
{
    unsigned own = map & ~(unsigned)KM_GLOBAL;
    for (size_t i = 0; i < GL_ARRAY_LEN(table); i++)
        if ((table[i].maps & own) && table[i].action == a) return key_text(&table[i]);
    for (size_t i = 0; i < GL_ARRAY_LEN(table); i++)
        if ((table[i].maps & KM_GLOBAL) && table[i].action == a) return key_text(&table[i]);
    return "?";
}

static size_t collect(unsigned match, unsigned map, bool global, struct help_line *out, size_t n,
                      size_t max)
{
    for (size_t i = 0; i < GL_ARRAY_LEN(table); i++) {
        const struct binding *b = &table[i];
        if (!(b->maps & match)) continue;
        /* A key the screen's own map already uses is shadowed: leave it out of the help. */
        if (global && keys_lookup(map, b->key, b->is_code) != b->action) continue;
        size_t j;
        for (j = 0; j < n; j++)
            if (out[j].help == b->help && out[j].global == global) break;
        if (j == n) {
            if (n == max) continue;
            out[n] = (struct help_line){.help = b->help, .global = global};
            n++;
        }
        size_t len = strlen(out[j].keys);
        /* Enter is both '\n' and KEY_ENTER: name it once. */
        const char *name = key_text(b);
        const char *hit = strstr(out[j].keys, name);
        size_t nl = strlen(name);
        if (hit && (hit == out[j].keys || hit[-1] == ' ') && (hit[nl] == '\0' || hit[nl] == ','))
            continue;
        if (len + 8 < sizeof out[j].keys)
            snprintf(out[j].keys + len, sizeof out[j].keys - len, "%s%s", len ? ", " : "",
                     key_text(b));
    }
    return n;
}

size_t keys_help(unsigned map, struct help_line *out, size_t max)
{
    memset(out, 0, max * sizeof *out);
    unsigned own = map & ~(unsigned)KM_GLOBAL;
    size_t n = collect(own, map, false, out, 0, max);
    return collect(KM_GLOBAL, map, true, out, n, max);
}

void keys_dump(FILE *out)
{
    static const struct {
        unsigned map;
        const char *name;
    } screens[] = {
        {KM_CALENDAR, "Calendar"},
        {KM_DAY | KM_LIST, "Day list"},
        {KM_QUEUE | KM_LIST, "Approval queue"},
        {KM_POST, "Post"},
        {KM_LINKS | KM_LIST, "Links"},
        {KM_NOTIFY | KM_LIST, "Notifications"},
        {KM_PICKER | KM_LIST, "Profiles"},
        {KM_FORM, "Form (profile, colleague)"},
        {KM_ZONES | KM_LIST, "Time zones"},
        {KM_STEPS | KM_LIST, "Approval steps"},
        {KM_PEOPLE | KM_LIST, "People"},
        {KM_WEBHOOKS | KM_LIST, "Webhooks"},
        {KM_FIRST | KM_LIST, "First run"},
        {KM_HELP, "Help"},
    };
    struct help_line lines[128];
    for (size_t s = 0; s < GL_ARRAY_LEN(screens); s++) {
        size_t n = keys_help(screens[s].map, lines, GL_ARRAY_LEN(lines));
        fprintf(out, "### %s\n\n| keys | action |\n|---|---|\n", screens[s].name);
        for (size_t i = 0; i < n; i++)
            if (!lines[i].global) fprintf(out, "| `%s` | %s |\n", lines[i].keys, lines[i].help);
        fprintf(out, "\n");
    }
    size_t n = keys_help(KM_GLOBAL, lines, GL_ARRAY_LEN(lines));
    fprintf(out,
            "### Everywhere (unless the screen uses the key)\n\n| keys | action |\n|---|---|\n");
    for (size_t i = 0; i < n; i++)
        fprintf(out, "| `%s` | %s |\n", lines[i].keys, lines[i].help);
}
