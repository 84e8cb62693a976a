/* The lifetime of one request to a link (webreq.h): its answers, and the public URL they use. */
#include "webreq.h"

#include <http_parser.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "web.h"
#include "websession.h"

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

/* ---- what every text answer gets on its way out: ETag, 304, gzip, a masked CSRF token ---- */

/* Below this, gzip saves too little to be worth a deflate. */
#define WEB_GZIP_MIN 1024

static bool is_text(const char *ctype)
{
    return ctype && strncmp(ctype, "text/", 5) == 0;
}

/* The items of a comma-separated header value, blanks around them cut. */
static const char *next_item(const char *s, const char **item, size_t *len)
{
    while (*s == ' ' || *s == '\t' || *s == ',') s++;
    if (!*s) return NULL;
    const char *end = strchr(s, ',');
    if (!end) end = s + strlen(s);
    size_t n = (size_t)(end - s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    *item = s;
    *len = n;
    return end;
}

/* Whether Accept-Encoding lets us send gzip: "gzip", "x-gzip" or "*" with a q other than 0
 * (RFC 9110 12.5.3); a coding named outright wins over "*". */
static bool accepts_gzip(const struct gl_http_req *req)
{
    const char *s = gl_http_header(req, "accept-encoding");
    int named = -1, star = -1;
    const char *item;
    size_t n;
    while (s && (s = next_item(s, &item, &n))) {
        size_t name = strcspn(item, "; \t");
        if (name > n) name = n;
        bool ok = true;
        const char *q = memchr(item, ';', n);
        if (q) {
            q++;
            while (*q == ' ' || *q == '\t') q++;
            if ((q[0] == 'q' || q[0] == 'Q') && q[1] == '=') ok = strtod(q + 2, NULL) > 0;
        }
        if ((name == 4 && strncasecmp(item, "gzip", 4) == 0) ||
            (name == 6 && strncasecmp(item, "x-gzip", 6) == 0))
            named = ok;
        else if (name == 1 && item[0] == '*')
            star = ok;
    }
    return named >= 0 ? named : star > 0;
}

/* Whether If-None-Match names tag (weak comparison, RFC 9110 13.1.2: a W/ prefix is ignored). */
static bool none_match_hits(const struct gl_http_req *req, const char *tag)
{
    const char *s = gl_http_header(req, "if-none-match");
    const char *item;
    size_t n, tn = strlen(tag);
    while (s && (s = next_item(s, &item, &n))) {
        if (n == 1 && item[0] == '*') return true;
        if (n > 2 && item[0] == 'W' && item[1] == '/') item += 2, n -= 2;
        if (n == tn && memcmp(item, tag, tn) == 0) return true;
    }
    return false;
}

/* The strong ETag of a page: a hash of it as rendered (before its CSRF tokens are masked, so an
 * unchanged page keeps its tag); the gzip form's adds "-gz". */
static void make_etag(const char *body, size_t len, char *out, size_t n)
{
    unsigned char h[16];
    char hex[2 * sizeof h + 1];
    crypto_generichash(h, sizeof h, (const unsigned char *)body, len, NULL, 0);
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    snprintf(out, n, "\"%s\"", hex);
}

/* gzip (RFC 1952) of in into out; false when zlib failed (the answer then goes uncompressed). */
static bool gzip_into(const char *in, size_t len, struct gl_buf *out)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK)
        return false;
    uLong bound = deflateBound(&zs, (uLong)len);
    buf_init(out, bound + 1);
    zs.next_in = (Bytef *)in;
    zs.avail_in = (uInt)len;
    zs.next_out = (Bytef *)out->p;
    zs.avail_out = (uInt)bound;
    int rc = deflate(&zs, Z_FINISH);
    out->n = bound - zs.avail_out;
    deflateEnd(&zs);
    if (rc == Z_STREAM_END) return true;
    buf_free(out);
    return false;
}

/* A copy of body with each CSRF token given a fresh mask (websession.h), so no two answers
 * carry the same bytes for it and compression cannot be used to guess it (BREACH). */
static void mask_csrf(const struct web *w, const char *body, size_t len, struct gl_buf *out)
{
    size_t tn = strlen(w->csrf);
    buf_init(out, len + 64);
    const char *p = body, *end = body + len, *hit;
    while (tn && (hit = memmem(p, (size_t)(end - p), w->csrf, tn))) {
        char masked[WEB_CSRF_MASKED_LEN + 1];
        buf_put(out, p, (size_t)(hit - p));
        web_csrf_mask(w, masked, sizeof masked);
        buf_puts(out, masked);
        p = hit + tn;
    }
    buf_put(out, p, (size_t)(end - p));
}

void web_kept_free(struct web_kept *k)
{
    buf_free(&k->gz);
    memset(k, 0, sizeof *k);
}

/* The answer's ETag and gzip form come from kept when it has them, and are left there. */
static void answer(struct gl_http_req *req, const struct web *w, int status, const char *ctype,
                   const char *headers, const char *body, size_t len, struct web_kept *kept)
{
    bool text = is_text(ctype);
    bool gz = text && len >= WEB_GZIP_MIN && accepts_gzip(req);
    bool tagged = text && status == 200 && (req->method == HTTP_GET || req->head);
    struct gl_buf hdrs, masked = {0}, packed = {0};
    buf_init(&hdrs, 256);
    if (headers) buf_puts(&hdrs, headers);
    if (text && len >= WEB_GZIP_MIN) buf_puts(&hdrs, "Vary: Accept-Encoding\r\n");
    if (tagged) {
        char tag[WEB_ETAG_MAX];
        if (kept && kept->etag[0])
            memcpy(tag, kept->etag, sizeof tag);
        else
            make_etag(body, len, tag, sizeof tag);
        if (kept) memcpy(kept->etag, tag, sizeof tag);
        /* The gzip form's tag: the same with "-gz" inside the quotes. */
        if (gz) snprintf(tag + strlen(tag) - 1, sizeof tag - strlen(tag) + 1, "-gz\"");
        buf_printf(&hdrs, "ETag: %s\r\n", tag);
        if (none_match_hits(req, tag)) {
            web_send_raw(req, 304, NULL, hdrs.p, NULL, 0);
            buf_free(&hdrs);
            return;
        }
    }
    if (w && w->csrf[0] && ctype && strncmp(ctype, "text/html", 9) == 0) {
        mask_csrf(w, body, len, &masked);
        body = masked.p;
        len = masked.n;
    }
    if (gz && kept && kept->gz.p) {
        buf_puts(&hdrs, "Content-Encoding: gzip\r\n");
        body = kept->gz.p;
        len = kept->gz.n;
    } else if (gz && gzip_into(body, len, &packed)) {
        buf_puts(&hdrs, "Content-Encoding: gzip\r\n");
        body = packed.p;
        len = packed.n;
    }
    web_send_raw(req, status, ctype, hdrs.p, body, len);
    /* Kept only when nothing was masked: a kept form is sent again as it is. */
    if (kept && packed.p && !masked.p) {
        kept->gz = packed;
        packed = (struct gl_buf){0};
    }
    buf_free(&packed);
    buf_free(&masked);
    buf_free(&hdrs);
}

void web_answer(struct gl_http_req *req, const struct web *w, int status, const char *ctype,
                const char *headers, const char *body, size_t len)
{
    answer(req, w, status, ctype, headers, body, len, NULL);
}

void web_answer_kept(struct gl_http_req *req, int status, const char *ctype, const char *headers,
                     const char *body, size_t len, struct web_kept *kept)
{
    answer(req, NULL, status, ctype, headers, body, len, kept);
}

void web_send_as(struct web *w, int status, const char *ctype, const char *headers)
{
    web_read_end(w);
    web_answer(w->req, w, status, ctype, headers, w->out.p, w->out.n);
    web_free(w);
}

void web_send(struct web *w, int status)
{
    /* A page shown to a GET may be kept by the browser and asked again with its ETag; anything
     * else (a form's answer, an error) is never stored. */
    bool get = status == 200 && (w->req->method == HTTP_GET || w->req->head);
    buf_printf(&w->hdrs, "Cache-Control: %s\r\nContent-Language: %s\r\n",
               get ? "private, no-cache" : "no-store", gl_lang_tag(w->lang));
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
    page_message(w, _("Not found"), _("There is nothing at this address."), NULL, NULL);
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
