"""The rules the workflow model of test_model.py holds the daemon to, in one place: the role
table and workflow table (protocol/README.md, "Roles", "The workflow", "Methods"), who decides
an approval step, and the link policy table (docs/http.md, "The pages"; protocol/README.md,
"Links"). Each rule says what is *intended*, including the fixes under way; where a fix is not
on main yet, the switches at the end of this file say how the test tolerates today's daemon."""

ROLES = ("viewer", "editor", "manager", "admin")
RANK = {r: i for i, r in enumerate(ROLES)}

# The lowest role of each method the model calls (protocol/README.md, "Methods", "Links").
METHOD_ROLE = {
    "post.create": "editor",
    "post.update": "editor",
    "post.submit": "editor",
    "post.delete": "editor",
    "post.comment": "editor",
    "post.approve": "manager",
    "post.reject": "manager",
    "post.reschedule": "manager",
    "post.schedule": "manager",
    "post.retry": "manager",
    "link.create": "manager",
    "link.revoke": "manager",
}

STATUSES = ("draft", "awaiting_approval", "changes_requested", "approved", "scheduled",
            "publishing", "published", "failed")
ANY = frozenset(STATUSES)

# The statuses each action is allowed from (protocol/README.md, "The workflow"). `publishing`
# (fix (a)): while the publisher runs, nothing but its outcome moves the post; comments stay.
ALLOWED_FROM = {
    "post.update": ANY - {"published", "publishing"},
    "post.submit": frozenset({"draft", "changes_requested", "failed"}),  # failed: once edited
    "post.approve": frozenset({"awaiting_approval"}),
    "post.reject": frozenset({"awaiting_approval", "approved", "scheduled"}),
    "post.reschedule": ANY - {"published", "failed", "publishing"},
    "post.schedule": frozenset({"approved"}),
    "post.retry": frozenset({"failed"}),
    "post.delete": ANY - {"published", "publishing"},
    "post.comment": ANY,
}

# Fix (a): an editor may not move an approved or scheduled post with post.update
# {scheduled_at} (that is a reschedule, a manager's decision).
EDITOR_MAY_NOT_MOVE = frozenset({"approved", "scheduled", "publishing"})


class Actor:
    """Who acts: a staff user with a role, or the visitor of a link of a kind."""

    def __init__(self, kind, role=None, name=None, approver=None):
        self.kind = kind  # "staff", "collab", "approval", "calendar"
        self.role = role
        self.name = name
        self.approver = approver


def staff_may(role, method):
    return RANK[role] >= RANK[METHOD_ROLE[method]]


# Who decides a step, by the step's `who` (protocol/README.md "profile"; fix (d): step kinds
# `approver` and `collaborator`; collab-link visitors decide `collaborator` steps, and `any`
# steps as everyone who decides does: docs/http.md "Link policy").
def may_decide(actor, who):
    if actor.kind == "staff":
        if who == "any":
            return RANK[actor.role] >= RANK["manager"]
        return who in RANK and RANK[actor.role] >= RANK[who]
    if actor.kind == "approval":
        return who in ("any", "external", "approver")
    if actor.kind == "collab":
        return who in ("collaborator", "any")
    return False


# What a link's page shows of a post (`reach`: its detail answers 200, it may be in the month,
# the list and the feed; anything else answers 404 and appears nowhere), and what its visitors
# may do. Drafts never reach any link.
SHOWN = frozenset({"awaiting_approval", "changes_requested", "approved", "scheduled",
                   "publishing", "published"})


def _reach_calendar(link, p):
    return p.profile == link.profile and p.scheduled_at is not None and p.status in SHOWN


def _reach_collab(link, p):
    return p.profile == link.profile and p.status in SHOWN


def _reach_approval(link, p):
    if p.profile != link.profile or p.status == "draft":
        return False
    if link.posts:
        return p.id in link.posts and p.status in SHOWN
    return p.status == "awaiting_approval" or (
        p.status in ("changes_requested", "approved") and link.id in p.decided_through)


LINK_POLICY = {
    # kind: reach, who decides through it, reschedule, comment, notes/comments/forms shown
    "calendar": dict(reach=_reach_calendar, decides=False, reschedule=False, comment=False,
                     shows_notes=False, shows_comments=False, forms=False, feed=True),
    "collab": dict(reach=_reach_collab, decides=True, reschedule=False, comment=True,
                   shows_notes=True, shows_comments=True, forms=True, feed=True),
    "approval": dict(reach=_reach_approval, decides=True, reschedule=True, comment=True,
                     shows_notes=True, shows_comments=True, forms=True, feed=False),
}
