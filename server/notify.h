/* Notifications: each event is written, in the same transaction, to the in-app list of the
 * users it concerns, and queued as mail for those who want it. Who hears of what:
 * - approvers (managers and admins): a post submitted, a step approved, due soon
 *   (post.reminder), overdue, a publication failed, a new link requested;
 * - the post's creator: its approval, rejection, rescheduling, scheduling, publication,
 *   failure, and comments on it;
 * - a user named with @name in a comment (post.mentioned);
 * - the approver of an approval link made with an e-mail address: the link when it is made,
 *   and a reminder when a post it decides is due soon and still waits for them;
 * - admins: a webhook endpoint paused after failing (webhook.paused).
 * Every event also passes to webhook_enqueue (webhook.h), which writes its deliveries to the
 * outbox in the same transaction.
 * Nobody is notified of their own doing. */
#ifndef GL_NOTIFY_H
#define GL_NOTIFY_H

#include "workflow.h"

void notify_event(struct gl_wf *wf, enum gl_event_type type, const struct gl_post *p, uint64_t link,
                  const char *text);
/* The lines of a mail about p: its profile (NULL: gone), its caption's start (unless the text
 * around already quotes it), its status, and its time in words in zone (the recipient's), or
 * when NULL the profile's. */
struct gl_buf;
void notify_put_post(struct gl_buf *b, const struct gl_post *p, const struct gl_profile *prof,
                     const char *zone, bool caption, int64_t now);
/* Mails link l, just made or given a new token, to its approver's address (when it has one):
 * the URL, never the password, which the team gives separately. */
struct gl_link;
void notify_link_mailed(struct gl_wf *wf, const struct gl_link *l, const struct gl_profile *prof,
                        const char *url);
/* Rewrites user's notification seq with the flag set; false when there is none. */
enum notify_flag { NOTIFY_READ, NOTIFY_MAILED };
bool notify_set_flag(struct gl_txn *t, const char *user, uint32_t seq, enum notify_flag flag);
/* link.opened: a visitor (the name they gave) began a session on link l, in t (the session's
 * write); each session's first open, not each page. */
void notify_link_opened(struct gl_txn *t, struct gl_op *op, const struct gl_link *l,
                        const char *visitor, const char *address);
/* Notifies each existing user named as @name in text (once each). */
void notify_mentions(struct gl_wf *wf, const struct gl_post *p, const char *text);

#endif
