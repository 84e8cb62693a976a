/* The policy of each kind of link, in one table: which posts and statuses its pages and feed
 * show, which fields of a post, which actions its visitors may take and which approval steps
 * they may decide. The pages, the feed, the forms, the bulk actions and the workflow all ask
 * it; docs/http.md shows it (gl_link_policy_markdown, checked by tests/unit/test_linkpolicy.c). */
#ifndef GL_LINKPOLICY_H
#define GL_LINKPOLICY_H

#include <stdbool.h>

#include "links.h"
#include "records.h"
#include "webbuf.h"

#define GL_ST_BIT(s) (1u << (s))

/* What of a post a link shows. */
enum gl_link_field {
    LF_CAPTION = 1u << 0,
    LF_PLATFORMS = 1u << 1,
    LF_MEDIA = 1u << 2,
    LF_TIME = 1u << 3,
    LF_NOTES = 1u << 4,    /* the notes for approvers */
    LF_COMMENTS = 1u << 5, /* the shared comments (internal ones never leave the team) */
    LF_HISTORY = 1u << 6,  /* decisions made through links, with their notes ("Reviews") */
    LF_PENDING = 1u << 7,  /* what awaits a decision: the decision forms and their state */
};

/* What a link's visitors may do. */
enum gl_link_action {
    LA_APPROVE = 1u << 0,
    LA_REJECT = 1u << 1,
    LA_RESCHEDULE = 1u << 2, /* only posts the link may decide now */
    LA_COMMENT = 1u << 3,
    LA_BULK = 1u << 4, /* approve or reject several posts at once */
};

struct gl_link_policy {
    const char *title; /* the kind as the pages name it */
    /* Made for one named approver: link.create needs the name, always gives it a password,
     * and it expires by default (--approval-link-days). */
    bool for_approver;
    unsigned statuses; /* statuses shown (GL_ST_BIT) */
    bool needs_time;   /* only posts that have a time */
    /* The label a visitor reads for a status, NULL: the status's own (web_status_label says
     * them; tests/unit/test_linkpolicy.c checks that it agrees). */
    const char *labels[ST_COUNT];
    const char *relabelled_class; /* the badge's CSS class of a status labelled otherwise */
    bool listed;       /* restricted to the link's post list, when it has one */
    unsigned unlisted; /* a listed link without a list: these statuses of the profile... */
    unsigned decided;  /* ...and these, of posts a decision through this link is kept on */
    unsigned fields;   /* enum gl_link_field */
    unsigned actions;  /* enum gl_link_action */
    unsigned decides;  /* step kinds its visitors decide (GL_STEP_BIT of enum gl_step_kind) */
    bool asks_name;    /* the sign-in form asks for a name */
    bool month;        /* its main page shows the month */
    unsigned queue;    /* statuses of the list beside (or instead of) the month; 0: none */
    bool feed;         /* it has an iCalendar feed */
    int months_around; /* how far back and ahead the month goes; 0: no limit */
    const char *comment_readers; /* who reads a comment made here: the comment box says it */
};

const struct gl_link_policy *gl_link_policy(enum gl_link_kind k);

/* True when l shows p at all (its profile, a status and scope of the table). */
bool gl_link_shows(const struct gl_link *l, const struct gl_post *p);
bool gl_link_shows_field(const struct gl_link *l, enum gl_link_field f);
bool gl_link_allows(const struct gl_link *l, enum gl_link_action a);
/* True when a visitor of l may decide p now: p awaits approval and its pending step is of a
 * kind l decides (and, when the step names its approver, l was made for that approver). */
bool gl_link_may_decide(const struct gl_link *l, const struct gl_profile *prof,
                        const struct gl_post *p);

/* The table as the Markdown of docs/http.md. */
void gl_link_policy_markdown(struct gl_buf *b);

#endif
