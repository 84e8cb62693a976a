/* The client's words for errors and roles, and the table of who may use what (words.h). */
#include "words.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

static const struct {
    const char *slug, *article, *summary;
} roles[ROLE_COUNT] = {
    [ROLE_NONE] = {"", "", ""},
#define ROLE_ROW(id, name, label, may, article) [id] = {name, article, may},
    GL_ROLES(ROLE_ROW)
#undef ROLE_ROW
};

enum gl_role words_role_parse(const char *slug)
{
    for (int r = ROLE_VIEWER; r < ROLE_COUNT; r++)
        if (slug && strcmp(slug, roles[r].slug) == 0) return (enum gl_role)r;
    return ROLE_NONE;
}

const char *words_role_slug(enum gl_role r)
{
    return roles[r < ROLE_COUNT ? r : ROLE_NONE].slug;
}

const char *words_role_article(enum gl_role r)
{
    return roles[r < ROLE_COUNT ? r : ROLE_NONE].article;
}

const char *words_role_summary(enum gl_role r)
{
    return roles[r < ROLE_COUNT ? r : ROLE_NONE].summary;
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
    if ((unsigned)code >= GL_ARRAY_LEN(errors) || !errors[code].words)
        return "Something went wrong";
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

/* The wire's names that the daemon's messages may carry, as people say them. Statuses come from
 * the status table (model.c); these are the argument names. Nothing else is touched, so a user
 * called jane_doe keeps her name. */
static const struct {
    const char *slug, *said;
} fields[] = {
    {"scheduled_at", "the time"},       {"ttl_days", "the days"},
    {"expires_at", "the expiry"},       {"reminder_minutes", "the reminder"},
    {"week_start", "the week's start"}, {"auto_schedule", "approval schedules"},
};

static void replace_all(char *buf, size_t n, const char *from, const char *to)
{
    size_t fl = strlen(from), tl = strlen(to);
    for (char *p = strstr(buf, from); p; p = strstr(p + tl, from)) {
        size_t rest = strlen(p + fl);
        if ((size_t)(p - buf) + tl + rest + 1 > n) return;
        memmove(p + tl, p + fl, rest + 1);
        memcpy(p, to, tl);
    }
}

void words_unslug(char *buf, size_t n, const char *msg)
{
    snprintf(buf, n, "%s", msg ? msg : "");
    for (int s = 0; s < MS_UNKNOWN; s++)
        if (strchr(md_status_name((enum md_status)s), '_'))
            replace_all(buf, n, md_status_name((enum md_status)s), words_status((enum md_status)s));
    for (size_t i = 0; i < GL_ARRAY_LEN(fields); i++)
        replace_all(buf, n, fields[i].slug, fields[i].said);
}

const char *words_status(enum md_status s)
{
    static char said[MS_COUNT][32];
    if ((unsigned)s >= MS_COUNT) s = MS_UNKNOWN;
    if (!said[s][0]) {
        snprintf(said[s], sizeof said[s], "%s", md_status_name(s));
        for (char *p = said[s]; *p; p++)
            if (*p == '_') *p = ' '; /* "changes_requested": "changes requested" */
    }
    return said[s];
}

const char *words_history(const char *type)
{
    static const struct {
        const char *type, *said;
    } differ[] = {
        {"rejected", "changes requested"},
        {"commented", "comment"},
    };
    for (size_t i = 0; i < GL_ARRAY_LEN(differ); i++)
        if (strcmp(differ[i].type, type) == 0) return differ[i].said;
    return type;
}

/* Who may use what. Where one RPC method decides, its role is the daemon's (server.describe,
 * learnt at login; the default here is the protocol's), so the two cannot disagree; the others
 * (a role change goes through user.update, which anyone may call for their own e-mail) say
 * their role here. The sentence is the subject, then who may: "Links are managed" + " by
 * managers and admins." */
#define RULE(km, ac, m, role, text)                                                                \
    {                                                                                              \
        .keymap = (km), .act = (ac), .method = (m), .least = (role), .subject = (text)             \
    }
#define OWN(km, ac, m, role, text)                                                                 \
    {                                                                                              \
        .keymap = (km), .act = (ac), .method = (m), .least = (role), .subject = (text),            \
        .own = true                                                                                \
    }
static struct {
    unsigned keymap; /* a screen, or 0 for an action */
    enum action act;
    const char *method; /* the method whose role decides, or NULL */
    enum gl_role least;
    const char *subject;
    bool own; /* anyone may do it to their own account: the screen knows whose it is */
} rules[] = {
    RULE(KM_LINKS, ACT_NONE, "link.list", ROLE_MANAGER, "Links are managed"),
    RULE(0, ACT_PROFILE_NEW, "profile.create", ROLE_MANAGER, "Profiles are created and changed"),
    RULE(0, ACT_USER_NEW, "user.create", ROLE_ADMIN, "Colleagues are invited"),
    RULE(0, ACT_USER_ROLE, NULL, ROLE_ADMIN, "Roles are changed"),
    OWN(0, ACT_USER_RESET, NULL, ROLE_ADMIN, "Other people's passwords are reset"),
    OWN(0, ACT_USER_EMAIL, NULL, ROLE_ADMIN, "Other people's e-mail addresses are changed"),
    OWN(0, ACT_USER_MAIL, NULL, ROLE_ADMIN, "Other people's mail preferences are changed"),
    RULE(0, ACT_USER_DISABLE, "user.disable", ROLE_ADMIN, "Users are disabled and enabled"),
    RULE(0, ACT_NEW_POST, "post.create", ROLE_EDITOR, "Posts are written"),
    RULE(0, ACT_SUBMIT, "post.submit", ROLE_EDITOR, "Posts are submitted"),
    RULE(0, ACT_COMMENT, "post.comment", ROLE_EDITOR, "Comments are written"),
    RULE(0, ACT_EDIT_CAPTION, "post.update", ROLE_EDITOR, "Posts are edited"),
    RULE(0, ACT_SAVE, "post.update", ROLE_EDITOR, "Posts are saved"),
    RULE(0, ACT_DELETE, "post.delete", ROLE_EDITOR, "Posts are deleted"),
    RULE(0, ACT_APPROVE, "post.approve", ROLE_MANAGER, "Posts are approved"),
    RULE(0, ACT_APPROVE_TAGGED, "post.approve", ROLE_MANAGER, "Posts are approved"),
    RULE(0, ACT_REJECT, "post.reject", ROLE_MANAGER, "Changes are requested"),
    RULE(0, ACT_REJECT_TAGGED, "post.reject", ROLE_MANAGER, "Changes are requested"),
    RULE(0, ACT_RESCHEDULE, "post.reschedule", ROLE_MANAGER, "Posts are rescheduled"),
    RULE(0, ACT_SCHEDULE, "post.schedule", ROLE_MANAGER, "Posts are scheduled"),
    RULE(0, ACT_RETRY, "post.retry", ROLE_MANAGER, "Failed posts are retried"),
    RULE(0, ACT_LINK_FOR_POSTS, "link.create", ROLE_MANAGER, "Links are made"),
};

static const char *const who_may[ROLE_COUNT] = {
    [ROLE_NONE] = "everyone",
    [ROLE_VIEWER] = "everyone",
    [ROLE_EDITOR] = "editors, managers and admins",
    [ROLE_MANAGER] = "managers and admins",
    [ROLE_ADMIN] = "admins",
};

void words_learn_roles(const msgpack_object *describe)
{
    const msgpack_object *ms = gl_map_get(describe, "methods");
    if (!ms || ms->type != MSGPACK_OBJECT_ARRAY) return;
    for (uint32_t i = 0; i < ms->via.array.size; i++) {
        const msgpack_object *m = &ms->via.array.ptr[i];
        const msgpack_object *name = gl_map_get(m, "name"), *role = gl_map_get(m, "role");
        if (!name || !role || role->type != MSGPACK_OBJECT_STR) continue;
        char r[16];
        snprintf(r, sizeof r, "%.*s", (int)role->via.str.size, role->via.str.ptr);
        enum gl_role least = words_role_parse(r);
        if (least == ROLE_NONE) continue;
        for (size_t k = 0; k < GL_ARRAY_LEN(rules); k++)
            if (rules[k].method && gl_obj_streq(name, rules[k].method)) rules[k].least = least;
    }
}

static const char *check(const char *role, unsigned keymap, enum action act)
{
    static char said[160];
    enum gl_role have = words_role_parse(role);
    for (size_t i = 0; i < GL_ARRAY_LEN(rules); i++) {
        bool hit =
            keymap ? (rules[i].keymap & keymap) != 0 : (!rules[i].keymap && rules[i].act == act);
        if (!hit) continue;
        if (have >= rules[i].least) return NULL;
        snprintf(said, sizeof said, "%s by %s.", rules[i].subject, who_may[rules[i].least]);
        return said;
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
