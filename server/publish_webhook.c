/* The webhook publisher (see publish_webhook.h). */
#include "publish_webhook.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "webhook_send.h"
#include "xmalloc.h"

/* A publishing service may take its time; the command publisher gets as long. */
#define PUBLISH_TIMEOUT_MS 120000

struct call {
    struct gl_hookreq req;
    gl_publish_webhook_cb cb;
    void *data;
    uv_timer_t later; /* a request that cannot start is answered on the next turn */
};

int gl_publish_call_prepare(struct gl_publish_call *call, const struct gl_wf *wf,
                            const struct gl_webhook *w, const struct gl_post *p)
{
    memset(call, 0, sizeof *call);
    call->body = gl_webhook_payload(wf, "post.publish", p, 0);
    if (!call->body) return -1;
    snprintf(call->url, sizeof call->url, "%s", w->url);
    memcpy(call->secret, w->secret, sizeof call->secret);
    gl_webhook_msg_id(call->msg);
    return 0;
}

void gl_publish_call_drop(struct gl_publish_call *call)
{
    free(call->body);
    call->body = NULL;
    sodium_memzero(call->secret, sizeof call->secret);
}

char *gl_publish_answer_url(const char *body, size_t len)
{
    if (!body || !len) return NULL;
    json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
    const char *url = json_is_object(root) ? json_string_value(json_object_get(root, "url")) : NULL;
    char *out = NULL;
    if (url && strlen(url) <= GL_WEBHOOK_URL_MAX &&
        (strncmp(url, "https://", 8) == 0 || strncmp(url, "http://", 7) == 0)) {
        bool clean = true;
        for (const unsigned char *c = (const unsigned char *)url; *c; c++)
            if (*c < 0x20 || *c == 0x7f) clean = false;
        if (clean) out = xstrdup(url);
    }
    json_decref(root);
    return out;
}

static void call_free(uv_handle_t *h)
{
    struct call *c = h->data;
    gl_hookreq_free(&c->req);
    free(c);
}

static void finish(struct call *c)
{
    bool ok = c->req.code >= 200 && c->req.code < 300;
    if (ok) {
        char *url = gl_publish_answer_url(c->req.answer, c->req.read);
        char *note = url ? xasprintf("live at %s", url) : NULL;
        c->cb(c->data, true, note);
        free(note);
        free(url);
    } else {
        char why[CURL_ERROR_SIZE + 32];
        gl_hookreq_why(&c->req, why, sizeof why);
        char *note = xasprintf("publish webhook: %s", why);
        c->cb(c->data, false, note);
        free(note);
    }
    uv_close((uv_handle_t *)&c->later, call_free);
}

static void on_done(CURL *easy, CURLcode result, void *data)
{
    struct call *c = data;
    gl_hookreq_result(&c->req, easy, result);
    finish(c);
}

static void on_later(uv_timer_t *t)
{
    finish(t->data);
}

void gl_publish_call_send(struct gl_publish_call *call, gl_publish_webhook_cb cb, void *data)
{
    struct call *c = xcalloc(1, sizeof *c);
    c->cb = cb;
    c->data = data;
    c->req.body = call->body;
    c->req.keep_answer = true;
    call->body = NULL;
    uv_timer_init(gl_srv->loop, &c->later);
    c->later.data = c;
    int rc = gl_hookreq_start(&c->req, call->url, call->secret, call->msg, PUBLISH_TIMEOUT_MS,
                              on_done, c);
    sodium_memzero(call->secret, sizeof call->secret);
    if (rc != 0) uv_timer_start(&c->later, on_later, 0, 0);
}
