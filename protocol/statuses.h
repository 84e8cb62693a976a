/* The statuses of a post, in one list for the daemon (server/records.h), the link pages and the
 * client (tui/model.c), in the order they are shown and protocol/README.md lists them
 * (tests/unit/test_events.c fails when the two drift apart).
 *
 * X(U, id, stored, wire name, label, badge class, brief, mark), with U passed through to X:
 * - stored: the value kept in the store (the first byte of a posts_by_status key): a new status
 *   takes the next free value, and a value is never reused or changed;
 * - label: the status in words on the link pages (a link kind may say another,
 *   server/linkpolicy.c); badge class: the CSS class of its badge (drafts are never shown on a
 *   link; theirs is failed's);
 * - brief and mark: the client's short label for lists and one ASCII mark, so the status reads
 *   without colour too. */
#ifndef GL_STATUSES_H
#define GL_STATUSES_H

/* N_ marks the labels for xgettext; the daemon translates them where shown (server/i18n.h
 * defines it before this file), the client shows them as they are. */
#ifndef N_
#define N_(s) s
#endif

#define GL_POST_STATUSES(X, U)                                                                     \
    X(U, DRAFT, 0, "draft", N_("draft"), "st-fail", "draft", '~')                                      \
    X(U, AWAITING, 1, "awaiting_approval", N_("awaiting approval"), "st-await", "awaiting", '?')       \
    X(U, CHANGES, 2, "changes_requested", N_("changes requested"), "st-changes", "changes", '!')       \
    X(U, APPROVED, 3, "approved", N_("approved"), "st-appr", "approved", '+')                          \
    X(U, SCHEDULED, 4, "scheduled", N_("scheduled"), "st-sched", "scheduled", '>')                     \
    /* the publisher command is running: on its way out, coloured as scheduled */                  \
    X(U, PUBLISHING, 7, "publishing", N_("publishing"), "st-sched", "publishing", '^')                 \
    X(U, PUBLISHED, 5, "published", N_("published"), "st-pub", "published", '*')                       \
    X(U, FAILED, 6, "failed", N_("failed"), "st-fail", "failed", 'X')

#endif
