/* The client's words for errors and roles, and the table of who may use what (words.h). */
#include "words.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

static const struct {
    const char *slug, *article, *summary;
} roles[WR_COUNT] = {
    [WR_NONE] = {"", "", ""},
    [WR_VIEWER] = {"viewer", "a viewer", "reads calendars, posts and notifications"},
    [WR_EDITOR] = {"editor", "an editor", "writes posts, submits them, comments"},
    [WR_MANAGER] = {"manager", "a manager",
                    "approves, schedules, manages profiles and links"},
    [WR_ADMIN] = {"admin", "an admin", "everything, and the people of the team"},
};

enum words_role words_role_parse(const char *slug)
{
    for (int r = WR_VIEWER; r < WR_COUNT; r++)
        if (slug && strcmp(slug, roles[r].slug) == 0) return (enum words_role)r;
    return WR_NONE;
}

const char *words_role_slug(enum words_role r)
{
    return roles[r < WR_COUNT ? r : WR_NONE].slug;
}

const char *words_role_article(enum words_role r)
{
    return roles[r < WR_COUNT ? r : WR_NONE].article;
}

const char *words_role_summary(enum words_role r)
{
    return roles[r < WR_COUNT ? r : WR_NONE].summary;
}

/* Each error code in words. Where the daemon's message names the very thing ("a post that is
 * published cannot be approved"), it is said instead, its slugs in words; where it would name a
 * method or a role slug (forbidden, unknown method), the words here are all that is shown. */
static const struct {
    const char *words;
    bool detail;
} errors[] = {
    [GL_E_BAD_REQUEST] = {"That was not accepted", true},
    [GL_E_UNAUTHORIZED] = {"Wrong user or password", false},
    [GL_E_FORBIDDEN] = {"Your role may not do that", false},
    [GL_E_NOT_FOUND] = {"It is not there any more (someone deleted it?)", false},
    [GL_E_INVALID_STATE] = {"You can't do that to it as it is now", true},
    [GL_E_CONFLICT] = {"That name is taken", false},
    [GL_E_RATE_LIMITED] = {"Too many attempts; wait a little and try again", false},
    [GL_E_TOO_LARGE] = {"That is too long", true},
    [GL_E_UNKNOWN_METHOD] = {"This daemon cannot do that yet (it is older than the client)", false},
    [GL_E_UNAVAILABLE] = {"The daemon cannot be reached or its disk failed; nothing was changed",
                          false},
    [GL_E_INTERNAL] = {"The daemon hit a bug (it is in its log)", false},
};

const char *words_error(enum gl_errcode code)
{
    if ((unsigned)code >= GL_ARRAY_LEN(errors) || !errors[code].words) return "Something went wrong";
    return errors[code].words;
}

void words_error_say(char *buf, size_t n, const struct gl_err *err)
{
    bool detail = (unsigned)err->code < GL_ARRAY_LEN(errors) && errors[err->code].detail;
    if (detail && err->message[0])
        words_unslug(buf, n, err->message);
    else
        snprintf(buf, n, "%s", words_error(err->code));
}

void words_unslug(char *buf, size_t n, const char *msg)
{
    snprintf(buf, n, "%s", msg ? msg : "");
    for (char *p = buf; *p; p++)
        if (*p == '_' && p > buf && p[1] && p[-1] != ' ' && p[1] != ' ') *p = ' ';
}

/* Who may use what: the lowest role, and the sentence shown to those below it. */
#define RULE(km, ac, role, text) {.keymap = (km), .act = (ac), .least = (role), .why = (text)}
#define OWN(km, ac, role, text) {.keymap = (km), .act = (ac), .least = (role), .why = (text), .own = true}
static const struct {
    unsigned keymap; /* a screen, or 0 for an action */
    enum action act;
    enum words_role least;
    const char *why;
    bool own; /* anyone may do it to their own account: the screen knows whose it is */
} rules[] = {
    RULE(KM_LINKS, ACT_NONE, WR_MANAGER, "Links are managed by managers and admins."),
    RULE(KM_PEOPLE, ACT_NONE, WR_VIEWER, NULL), /* everyone: their own password and mail */
    RULE(KM_PROFILES, ACT_NONE, WR_VIEWER, NULL),
    RULE(0, ACT_PROFILE_NEW, WR_MANAGER, "Profiles are created and changed by managers and admins."),
    RULE(0, ACT_USER_NEW, WR_ADMIN, "Colleagues are invited by admins."),
    RULE(0, ACT_USER_ROLE, WR_ADMIN, "Roles are changed by admins."),
    OWN(0, ACT_USER_RESET, WR_ADMIN, "Other people's passwords are reset by admins."),
    OWN(0, ACT_USER_EMAIL, WR_ADMIN, "Other people's e-mail addresses are changed by admins."),
    OWN(0, ACT_USER_MAIL, WR_ADMIN, "Other people's mail preferences are changed by admins."),
    RULE(0, ACT_USER_DISABLE, WR_ADMIN, "Users are disabled and enabled by admins."),
    RULE(0, ACT_NEW_POST, WR_EDITOR, "Posts are written by editors, managers and admins."),
    RULE(0, ACT_SUBMIT, WR_EDITOR, "Posts are submitted by editors, managers and admins."),
    RULE(0, ACT_COMMENT, WR_EDITOR, "Comments are written by editors, managers and admins."),
    RULE(0, ACT_EDIT_CAPTION, WR_EDITOR, "Posts are edited by editors, managers and admins."),
    RULE(0, ACT_SAVE, WR_EDITOR, "Posts are saved by editors, managers and admins."),
    RULE(0, ACT_DELETE, WR_EDITOR, "Posts are deleted by editors, managers and admins."),
    RULE(0, ACT_APPROVE, WR_MANAGER, "Posts are approved by managers and admins."),
    RULE(0, ACT_APPROVE_TAGGED, WR_MANAGER, "Posts are approved by managers and admins."),
    RULE(0, ACT_REJECT, WR_MANAGER, "Changes are requested by managers and admins."),
    RULE(0, ACT_REJECT_TAGGED, WR_MANAGER, "Changes are requested by managers and admins."),
    RULE(0, ACT_RESCHEDULE, WR_MANAGER, "Posts are rescheduled by managers and admins."),
    RULE(0, ACT_SCHEDULE, WR_MANAGER, "Posts are scheduled by managers and admins."),
};

static const char *check(const char *role, unsigned keymap, enum action act)
{
    enum words_role have = words_role_parse(role);
    for (size_t i = 0; i < GL_ARRAY_LEN(rules); i++) {
        bool hit = keymap ? (rules[i].keymap & keymap) != 0 : (!rules[i].keymap && rules[i].act == act);
        if (hit) return have >= rules[i].least ? NULL : rules[i].why;
    }
    return NULL;
}

const char *words_forbidden_screen(const char *role, unsigned keymap)
{
    return check(role, keymap & ~(unsigned)(KM_LIST | KM_GLOBAL), ACT_NONE);
}

const char *words_forbidden_action(const char *role, enum action act)
{
    return check(role, 0, act);
}

bool words_on_oneself(enum action act)
{
    for (size_t i = 0; i < GL_ARRAY_LEN(rules); i++)
        if (!rules[i].keymap && rules[i].act == act) return rules[i].own;
    return false;
}
