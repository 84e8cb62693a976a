/* The webhook publisher: a profile whose publish_webhook names an endpoint publishes each post
 * by one signed POST to it (the Standard Webhooks request every delivery is, built by
 * webhook_send.h), made only after the write that made the post "publishing" committed. A 2xx
 * answer publishes the post, its JSON body's "url" (when an http(s) URL) kept as the live
 * post's address; anything else fails it. Never retried: a daemon killed while the request is
 * out finds the post still publishing at start and fails it (interrupted), as it does for the
 * publisher command. */
#ifndef GL_PUBLISH_WEBHOOK_H
#define GL_PUBLISH_WEBHOOK_H

#include <stdbool.h>
#include <stdint.h>

#include "webhook.h"

/* ok: a 2xx answer, note then the live URL or NULL; else note says why not (never NULL).
 * note is valid during the call. */
typedef void (*gl_publish_webhook_cb)(void *data, bool ok, const char *note);

/* What a started post needs to be sent: copied in the write transaction. */
struct gl_publish_call {
    char url[GL_WEBHOOK_URL_MAX + 1];
    unsigned char secret[GL_WEBHOOK_SECRET_BYTES];
    char msg[GL_WEBHOOK_MSG_ID_LEN];
    char *body; /* the JSON request, malloc'd */
};

/* Fills call for post p of endpoint w (in the write that starts publishing it); -1 when out of
 * memory. */
int gl_publish_call_prepare(struct gl_publish_call *call, const struct gl_wf *wf,
                            const struct gl_webhook *w, const struct gl_post *p);
/* Sends it (after the commit); the body is taken and the secret wiped. cb is always called,
 * later, never from here. */
void gl_publish_call_send(struct gl_publish_call *call, gl_publish_webhook_cb cb, void *data);
/* Frees what a prepared call holds when it is not sent. */
void gl_publish_call_drop(struct gl_publish_call *call);

/* The live URL of an answer's body: its "url" when the body is a JSON object whose url is an
 * http or https URL of at most GL_WEBHOOK_URL_MAX bytes without control characters; NULL
 * otherwise. malloc'd. */
char *gl_publish_answer_url(const char *body, size_t len);

#endif
