/* The lifetime of one request to a link (webreq.h): its answers, and the public URL they use. */
#include "webreq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web.h"

static struct {
    char public_url[512];
    bool secure;
} web;

void web_set_public_url(const char *public_url, const char *bound)
{
    if (public_url)
        snprintf(web.public_url, sizeof web.public_url, "%s", public_url);
    else
        snprintf(web.public_url, sizeof web.public_url, "http://%s", bound);
    size_t n = strlen(web.public_url);
    while (n && web.public_url[n - 1] == '/')
        web.public_url[--n] = '\0';
    web.secure = strncmp(web.public_url, "https://", 8) == 0;
}

const char *gl_web_public_url(void)
{
    return web.public_url;
}

bool web_secure(void)
{
    return web.secure;
}

/* ---- the lifetime of a request ---- */

void web_read_end(struct web *w)
{
    if (w->reading) gl_store_read_end(&w->t);
    w->reading = false;
}

void web_free(struct web *w)
{
    web_read_end(w);
    msgpack_zone_destroy(&w->zone);
    buf_free(&w->out);
    buf_free(&w->hdrs);
    free(w);
}

void web_send_raw(struct gl_http_req *req, int status, const char *ctype, const char *headers,
                  const char *body, size_t len)
{
    struct gl_http_resp resp = {
        .status = status, .content_type = ctype, .headers = headers, .body = body, .body_len = len};
    gl_http_respond(req, &resp);
}

void web_send_as(struct web *w, int status, const char *ctype, const char *headers)
{
    web_read_end(w);
    web_send_raw(w->req, status, ctype, headers, w->out.p, w->out.n);
    web_free(w);
}

void web_send(struct web *w, int status)
{
    buf_puts(&w->hdrs, "Cache-Control: no-store\r\n");
    web_send_as(w, status, "text/html; charset=utf-8", w->hdrs.p);
}

void web_redirect(struct web *w, const char *location)
{
    buf_puts(&w->hdrs, "Location: ");
    buf_puts(&w->hdrs, location);
    buf_puts(&w->hdrs, "\r\n");
    w->out.n = 0;
    web_send(w, 303);
}

void web_not_found(struct web *w)
{
    w->out.n = 0;
    memset(&w->prof, 0, sizeof w->prof);
    w->base[0] = '\0';
    w->signed_in = false;
    page_message(w, "Not found", "There is nothing at this address.", NULL, NULL);
    web_send(w, 404);
}

void web_message(struct web *w, int status, const char *title, const char *text, const char *back,
                 const char *back_label)
{
    w->out.n = 0;
    page_message(w, title, text, back, back_label);
    web_send(w, status);
}

void web_submit(struct web *w, struct gl_op *op)
{
    web_read_end(w);
    gl_batch_submit(&gl_srv->batch, op);
}
