/* The webhook sender: after each commit that enqueued deliveries, and whenever a retry comes
 * due, it reads the pending deliveries from the outbox (webhook_due) and posts them through
 * curlloop, signed as the Standard Webhooks specification says; each outcome is a write of its
 * own. Pending deliveries are in the store, so a restart (or kill -9) only delays them: one
 * sent but not yet recorded as delivered goes again, with the same webhook-id. */
#ifndef GL_WEBHOOK_SEND_H
#define GL_WEBHOOK_SEND_H

#include <curl/curl.h>

#include "curlloop.h"
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

/* One signed POST to an endpoint, as every request to one is made (deliveries and the webhook
 * publisher): Standard Webhooks headers, TLS verified, no redirects, no proxy, plain http to a
 * loopback address only, at most 16 KiB of the answer read. */
struct gl_hookreq {
    char *body;       /* set by the caller (malloc'd, freed by gl_hookreq_free) */
    bool keep_answer; /* keep the answer's bytes in answer (NUL-terminated) */
    char *answer;
    size_t read;
    bool capped;
    bool plain_http;
    long code; /* the HTTP status; 0: no answer */
    char error[CURL_ERROR_SIZE];
    CURL *easy;
    struct curl_slist *headers;
};
/* Starts r (body set) to url, signed with the endpoint's secret under msg_id; done is called
 * later through curlloop, where it calls gl_hookreq_result. -1 with r->error when it did not
 * start (done is not called). */
int gl_hookreq_start(struct gl_hookreq *r, const char *url, const unsigned char *secret,
                     const char *msg_id, long timeout_ms, gl_curl_done_fn done, void *data);
/* In done: keeps the status (or why there was none) and cleans up the easy handle. */
void gl_hookreq_result(struct gl_hookreq *r, CURL *easy, CURLcode result);
/* Why a request did not succeed, for a person: the transport error, or the status. */
void gl_hookreq_why(const struct gl_hookreq *r, char *out, size_t size);
void gl_hookreq_free(struct gl_hookreq *r);

#endif
