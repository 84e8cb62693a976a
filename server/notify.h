/* Notifications: each event is written, in the same transaction, to the in-app list of the
 * users it concerns, and queued as mail for those who want it. Who hears of what:
 * - approvers (managers and admins): a post submitted, a step approved, due soon
 *   (post.reminder), overdue, a publication failed, a new link requested;
 * - the post's creator: its approval, rejection, rescheduling, scheduling, publication,
 *   failure, and comments on it;
 * - a user named with @name in a comment (post.mentioned).
 * - admins: a webhook endpoint paused after failing (webhook.paused).
 * Every event also passes to webhook_enqueue (webhook.h), which writes its deliveries to the
 * outbox in the same transaction.
 * Nobody is notified of their own doing. */
#ifndef GL_NOTIFY_H
#define GL_NOTIFY_H

#include "workflow.h"

void notify_event(struct gl_wf *wf, enum gl_event_type type, const struct gl_post *p, uint64_t link,
                  const char *text);
/* Rewrites the stored notification v (at key k) with the boolean field flag ("read",
 * "mailed") set to true. */
void notify_set_flag(struct gl_txn *t, const struct gl_key *k, const MDB_val *v,
                     const char *flag);
/* Notifies each existing user named as @name in text (once each). */
void notify_mentions(struct gl_wf *wf, const struct gl_post *p, const char *text);

#endif
