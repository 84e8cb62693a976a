/* The policy table of the link kinds (see linkpolicy.h) and the questions asked of it. */
#include "linkpolicy.h"

#include <stddef.h>

#include "workflow.h"

#define S(x) GL_ST_BIT(ST_##x)
#define SHOWN_TO_OUTSIDERS                                                                 \
    (S(AWAITING) | S(CHANGES) | S(APPROVED) | S(SCHEDULED) | S(PUBLISHING) | S(PUBLISHED))
#define CONTENT (LF_CAPTION | LF_PLATFORMS | LF_MEDIA | LF_TIME)

static const struct gl_link_policy policies[LINK_KIND_COUNT] = {
    /* Read only, and synced into calendars outside: the content and its time, nothing said
     * about it. Posts on their way (with a time) show as pre-scheduled. */
    [LINK_CALENDAR] =
        {
            .title = N_("Content calendar"),
            .statuses = SHOWN_TO_OUTSIDERS,
            .needs_time = true,
            .labels = {[ST_AWAITING] = N_("pre-scheduled"),
                       [ST_CHANGES] = N_("pre-scheduled"),
                       [ST_APPROVED] = N_("pre-scheduled")},
            .relabelled_class = "st-pre",
            .fields = CONTENT,
            .month = true,
            .feed = true,
            .months_around = 12,
        },
    /* Partners who work with the team: the real statuses, notes and reviews; they decide the
     * steps meant for collaborators. */
    [LINK_COLLAB] =
        {
            .title = N_("Collaboration"),
            .comment_readers = N_("seen by the team and by everyone this calendar is shared with"),
            .statuses = SHOWN_TO_OUTSIDERS,
            .fields = CONTENT | LF_NOTES | LF_COMMENTS | LF_HISTORY | LF_PENDING,
            .actions = LA_APPROVE | LA_REJECT | LA_COMMENT,
            .decides = GL_STEP_BIT(STEP_COLLABORATOR) | GL_STEP_BIT(STEP_ANY),
            .asks_name = true,
            .month = true,
            .queue = S(AWAITING),
            .feed = true,
        },
    /* One named approver: the posts it was made for, or without a list those awaiting
     * approval and those it decided. It moves only posts it may decide now. */
    [LINK_APPROVAL] =
        {
            .title = N_("Approval"),
            .comment_readers = N_("seen by the team"),
            .for_approver = true,
            .statuses = SHOWN_TO_OUTSIDERS,
            .listed = true,
            .unlisted = S(AWAITING),
            .decided = S(CHANGES) | S(APPROVED),
            .fields = CONTENT | LF_NOTES | LF_COMMENTS | LF_HISTORY | LF_PENDING,
            .actions = LA_APPROVE | LA_REJECT | LA_RESCHEDULE | LA_COMMENT | LA_BULK,
            .decides = GL_STEP_BIT(STEP_APPROVER) | GL_STEP_BIT(STEP_ANY),
            .asks_name = true,
            .queue = SHOWN_TO_OUTSIDERS,
        },
};

const struct gl_link_policy *gl_link_policy(enum gl_link_kind k)
{
    /* An unknown kind (never decoded: gl_link_decode refuses it) may do nothing. */
    static const struct gl_link_policy nothing = {.title = N_("Link")};
    return (unsigned)k < LINK_KIND_COUNT ? &policies[k] : &nothing;
}

static bool listed(const struct gl_link *l, uint64_t id)
{
    for (size_t i = 0; i < l->nposts; i++)
        if ((uint64_t)l->posts[i] == id) return true;
    return false;
}

static bool decided_through(const struct gl_link *l, const struct gl_post *p)
{
    for (size_t i = 0; i < p->napprovals; i++)
        if (p->approvals[i].link == l->id) return true;
    return false;
}

bool gl_link_shows(const struct gl_link *l, const struct gl_post *p)
{
    const struct gl_link_policy *pol = gl_link_policy(l->kind);
    unsigned st = GL_ST_BIT(p->status);
    if (p->profile != l->profile || !(pol->statuses & st)) return false;
    if (pol->needs_time && p->scheduled_at == GL_TIME_NONE) return false;
    if (!pol->listed) return true;
    if (l->nposts) return listed(l, p->id);
    return (pol->unlisted & st) || ((pol->decided & st) && decided_through(l, p));
}

bool gl_link_shows_field(const struct gl_link *l, enum gl_link_field f)
{
    return (gl_link_policy(l->kind)->fields & f) != 0;
}

bool gl_link_allows(const struct gl_link *l, enum gl_link_action a)
{
    return (gl_link_policy(l->kind)->actions & a) != 0;
}

bool gl_link_may_decide(const struct gl_link *l, const struct gl_profile *prof,
                        const struct gl_post *p)
{
    if (p->status != ST_AWAITING || !gl_link_allows(l, LA_APPROVE) || !gl_link_shows(l, p))
        return false;
    struct gl_actor visitor = {.kind = ACTOR_EXTERNAL,
                               .decides = gl_link_policy(l->kind)->decides,
                               .approver = l->approver,
                               .link = l->id};
    return wf_may_decide(&visitor, wf_pending_step(prof, p));
}

/* ---- the table in docs/http.md ---- */

static void list_statuses(struct gl_buf *b, enum gl_link_kind k, unsigned mask)
{
    bool any = false;
    for (int s = 0; s < ST_COUNT; s++) {
        if (!(mask & GL_ST_BIT(s))) continue;
        buf_printf(b, "%s`%s`", any ? ", " : "", gl_status_name((enum gl_status)s));
        const char *l = policies[k].labels[s];
        if (l) buf_printf(b, " as '%s'", l);
        any = true;
    }
    if (!any) buf_puts(b, "none");
}

static void list_bits(struct gl_buf *b, unsigned mask, const char *const *names, size_t n)
{
    bool any = false;
    for (size_t i = 0; i < n; i++)
        if (mask & (1u << i)) {
            buf_printf(b, "%s%s", any ? ", " : "", names[i]);
            any = true;
        }
    if (!any) buf_puts(b, "none");
}

static const char *const field_names[] = {"caption", "platforms", "media",   "time",
                                          "notes",   "comments",  "history", "pending actions"};
static const char *const action_names[] = {"approve", "reject", "reschedule", "comment", "bulk"};
static const char *const step_names[STEP_KIND_COUNT] = {
    [STEP_ROLE] = "staff roles",
    [STEP_APPROVER] = "`approver` (and `external`)",
    [STEP_COLLABORATOR] = "`collaborator`",
    [STEP_ANY] = "`any`",
};

/* One row of the table: one cell per kind. */
typedef void cell_fn(struct gl_buf *b, enum gl_link_kind k, const struct gl_link_policy *p);

static void cell_made_for(struct gl_buf *b, enum gl_link_kind k, const struct gl_link_policy *p)
{
    (void)k;
    if (p->for_approver)
        buf_printf(b, "one named approver; always a password; expires (%d days by default)",
                   GL_APPROVAL_TTL_DAYS);
    else
        buf_puts(b, "anyone given it; a password if set; no expiry by default");
}

static void cell_statuses(struct gl_buf *b, enum gl_link_kind k, const struct gl_link_policy *p)
{
    list_statuses(b, k, p->statuses);
    if (p->needs_time) buf_puts(b, "; only with a time");
}

static void cell_scope(struct gl_buf *b, enum gl_link_kind k, const struct gl_link_policy *p)
{
    if (!p->listed) {
        buf_puts(b, "every post of the profile");
        return;
    }
    buf_puts(b, "its post list; without one: ");
    list_statuses(b, k, p->unlisted);
    if (p->decided) {
        buf_puts(b, ", and ");
        list_statuses(b, k, p->decided);
        buf_puts(b, " when decided through it");
    }
}

static void cell_fields(struct gl_buf *b, enum gl_link_kind k, const struct gl_link_policy *p)
{
    (void)k;
    list_bits(b, p->fields, field_names, sizeof field_names / sizeof field_names[0]);
}

static void cell_actions(struct gl_buf *b, enum gl_link_kind k, const struct gl_link_policy *p)
{
    (void)k;
    list_bits(b, p->actions, action_names, sizeof action_names / sizeof action_names[0]);
}

static void cell_decides(struct gl_buf *b, enum gl_link_kind k, const struct gl_link_policy *p)
{
    (void)k;
    list_bits(b, p->decides, step_names, STEP_KIND_COUNT);
}

static void cell_signin(struct gl_buf *b, enum gl_link_kind k, const struct gl_link_policy *p)
{
    (void)k;
    buf_puts(b, p->asks_name ? "name, and the password if it has one"
                             : "no name; the password if it has one");
}

static void cell_pages(struct gl_buf *b, enum gl_link_kind k, const struct gl_link_policy *p)
{
    if (p->month) buf_puts(b, "month");
    if (p->month && p->months_around)
        buf_printf(b, " (%d months back and ahead)", p->months_around);
    if (p->queue) {
        buf_puts(b, p->month ? " and list of " : "list of ");
        list_statuses(b, k, p->queue);
    }
}

static void cell_feed(struct gl_buf *b, enum gl_link_kind k, const struct gl_link_policy *p)
{
    (void)k;
    buf_puts(b, p->feed ? "yes" : "no");
}

void gl_link_policy_markdown(struct gl_buf *b)
{
    static const struct {
        const char *name;
        cell_fn *cell;
    } rows[] = {
        {"made for", cell_made_for}, {"statuses", cell_statuses}, {"scope", cell_scope},
        {"fields", cell_fields},     {"actions", cell_actions},   {"decides", cell_decides},
        {"sign-in", cell_signin},    {"pages", cell_pages},       {"feed", cell_feed},
    };
    buf_puts(b, "|");
    for (int k = 0; k < LINK_KIND_COUNT; k++)
        buf_printf(b, " | %s", gl_link_kind_name(k));
    buf_puts(b, " |\n|---|");
    for (int k = 0; k < LINK_KIND_COUNT; k++)
        buf_puts(b, "---|");
    buf_puts(b, "\n");
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        buf_printf(b, "| %s |", rows[r].name);
        for (int k = 0; k < LINK_KIND_COUNT; k++) {
            buf_puts(b, " ");
            rows[r].cell(b, (enum gl_link_kind)k, &policies[k]);
            buf_puts(b, " |");
        }
        buf_puts(b, "\n");
    }
}
