/* Mail through a sendmail-compatible command (the "sendmail -t" convention: recipients are
 * read from the headers), so msmtp, exim or postfix all serve. */
#ifndef GL_MAIL_H
#define GL_MAIL_H

#include <msgpack.h>

/* Queues one message in outbox (sent only after the write commits). */
void gl_mail_queue(msgpack_sbuffer *outbox, const char *to, const char *subject,
                   const char *body);
/* Sends every message in outbox with the configured command; nothing when there is none. */
void gl_mail_send_outbox(const msgpack_sbuffer *outbox);

#endif
