/* The types of history entries and of events, each in one list: the enums the daemon writes
 * with, their wire names, and the lists of protocol/README.md (tests/unit/test_events.c fails
 * when the two drift apart). Append; a stored history entry or notification keeps its name. */
#ifndef GL_EVENTS_H
#define GL_EVENTS_H

/* History entries of a post (post.history's `type`). */
#define GL_HISTORY_TYPES(X)                                                                        \
    X(HIST_CREATED, "created")                                                                     \
    X(HIST_EDITED, "edited")                                                                       \
    X(HIST_SUBMITTED, "submitted")                                                                 \
    X(HIST_APPROVED, "approved")                                                                   \
    X(HIST_REJECTED, "rejected")                                                                   \
    X(HIST_RESCHEDULED, "rescheduled")                                                             \
    X(HIST_SCHEDULED, "scheduled")                                                                 \
    X(HIST_PUBLISHING, "publishing")                                                               \
    X(HIST_PUBLISHED, "published")                                                                 \
    X(HIST_FAILED, "failed")                                                                       \
    X(HIST_RETRIED, "retried")                                                                     \
    X(HIST_COMMENTED, "commented")                                                                 \
    X(HIST_OVERDUE, "overdue")                                                                     \
    X(HIST_REMINDED, "reminded")

/* Events sent to subscribers (`[2, "event", [event]]`) and kept as notifications. */
#define GL_EVENT_TYPES(X)                                                                          \
    X(EV_POST_CREATED, "post.created")                                                             \
    X(EV_POST_UPDATED, "post.updated")                                                             \
    X(EV_POST_SUBMITTED, "post.submitted")                                                         \
    X(EV_POST_APPROVED, "post.approved")                                                           \
    X(EV_POST_REJECTED, "post.rejected")                                                           \
    X(EV_POST_RESCHEDULED, "post.rescheduled")                                                     \
    X(EV_POST_SCHEDULED, "post.scheduled")                                                         \
    X(EV_POST_PUBLISHING, "post.publishing")                                                       \
    X(EV_POST_PUBLISHED, "post.published")                                                         \
    X(EV_POST_DELETED, "post.deleted")                                                             \
    X(EV_POST_COMMENTED, "post.commented")                                                         \
    X(EV_POST_STEP_APPROVED, "post.step_approved")                                                 \
    X(EV_POST_FAILED, "post.failed")                                                               \
    X(EV_POST_OVERDUE, "post.overdue")                                                             \
    X(EV_POST_REMINDER, "post.reminder")                                                           \
    X(EV_POST_MENTIONED, "post.mentioned")                                                         \
    X(EV_LINK_CREATED, "link.created")                                                             \
    X(EV_LINK_REVOKED, "link.revoked")                                                             \
    X(EV_LINK_REGENERATED, "link.regenerated")                                                     \
    X(EV_LINK_EXTENDED, "link.extended")                                                           \
    X(EV_LINK_REQUESTED, "link.requested")                                                         \
    X(EV_WEBHOOK_PAUSED, "webhook.paused")                                                         \
    X(EV_LINK_OPENED, "link.opened")                                                               \
    X(EV_LINK_EXPIRED, "link.expired")

#define GL_TYPE_ENUM(id, name) id,
enum gl_history_type { GL_HISTORY_TYPES(GL_TYPE_ENUM) HIST_COUNT };
enum gl_event_type { GL_EVENT_TYPES(GL_TYPE_ENUM) EV_COUNT };
#undef GL_TYPE_ENUM

/* The wire name; "unknown" out of range. */
const char *gl_history_type_name(enum gl_history_type t);
const char *gl_event_type_name(enum gl_event_type t);

#endif
