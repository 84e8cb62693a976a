/* The webhook sender: after each commit that enqueued deliveries, and whenever a retry comes
 * due, it reads the pending deliveries from the outbox (webhook_due) and posts them through
 * curlloop, signed as the Standard Webhooks specification says; each outcome is a write of its
 * own. Pending deliveries are in the store, so a restart (or kill -9) only delays them: one
 * sent but not yet recorded as delivered goes again, with the same webhook-id. */
#ifndef GL_WEBHOOK_SEND_H
#define GL_WEBHOOK_SEND_H

#include "server.h"

int gl_webhook_send_start(struct gl_server *srv);
/* After each commit: looks for work when the commit enqueued some. */
void gl_webhook_send_committed(void);
void gl_webhook_send_stop(void);

/* Standard Webhooks: "v1," and base64 of HMAC-SHA256(secret, "id.timestamp.body"); out holds
 * at least GL_WEBHOOK_SIGNATURE_LEN bytes. */
#define GL_WEBHOOK_SIGNATURE_LEN 48
void gl_webhook_sign(const unsigned char *secret, size_t secret_len, const char *msg_id,
                     long long timestamp, const char *body, size_t body_len, char *out);

#endif
