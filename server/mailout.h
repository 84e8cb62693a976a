/* The mail outbox: at least once, never lost. A message is written to DB_MAIL_OUTBOX in the
 * transaction of the event it tells of (gl_mail_queue), with its Message-ID fixed then; after
 * the commit the sender hands it to the mail command (--sendmail), and a write of its own
 * removes it once the command accepted it (exit 0). A failed attempt is retried with the same
 * Message-ID and Date after --mail-retry-ms (5 s), doubling, at most an hour apart, for 24
 * hours, then dropped with an error in the log. A daemon killed before the removal sends it
 * again at its next start: recipients' mail systems may see the same Message-ID twice. */
#ifndef GL_MAILOUT_H
#define GL_MAILOUT_H

#include "mail.h"
#include "server.h"

/* Writes m to the outbox in t (nothing when no mail command is configured). */
void gl_mailout_queue(struct gl_txn *t, const struct gl_mail_msg *m);
int gl_mailout_start(struct gl_server *srv);
/* After each commit: looks for work when the commit queued some. */
void gl_mailout_committed(void);
void gl_mailout_stop(void);

#endif
