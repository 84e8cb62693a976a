/* Buffers, HTML escaping and form decoding (see webbuf.h). */
#include "webbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "xmalloc.h"

void buf_init(struct gl_buf *b, size_t cap)
{
    b->cap = cap ? cap : 256;
    b->p = xmalloc(b->cap);
    b->n = 0;
}

void buf_free(struct gl_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->n = b->cap = 0;
}

static void reserve(struct gl_buf *b, size_t more)
{
    if (b->n + more + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->n + more + 1) cap *= 2;
    b->p = xrealloc(b->p, cap);
    b->cap = cap;
}

void buf_put(struct gl_buf *b, const char *s, size_t n)
{
    reserve(b, n);
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

void buf_puts(struct gl_buf *b, const char *s)
{
    buf_put(b, s, strlen(s));
}

void buf_printf(struct gl_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof small) {
        buf_put(b, small, (size_t)n);
        return;
    }
    reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->p + b->n, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->n += (size_t)n;
}

void buf_text_printf(struct gl_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[512];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof small) {
        buf_html_n(b, small, (size_t)n);
        return;
    }
    char *big = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    buf_html_n(b, big, (size_t)n);
    free(big);
}

void buf_html_n(struct gl_buf *b, const char *s, size_t n)
{
    reserve(b, n + 16);
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rep;
        switch (s[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: continue;
        }
        buf_put(b, s + start, i - start);
        buf_puts(b, rep);
        start = i + 1;
    }
    buf_put(b, s + start, n - start);
}

void buf_html(struct gl_buf *b, const char *s)
{
    buf_html_n(b, s ? s : "", s ? strlen(s) : 0);
}

void buf_html_start(struct gl_buf *b, const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max) {
        buf_html_n(b, s, n);
        return;
    }
    size_t cut = max;
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80) cut--;
    buf_html_n(b, s, cut);
    buf_puts(b, "…");
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes %XX and '+' in place; returns the new length. */
static size_t url_decode(char *s)
{
    char *o = s;
    for (char *p = s; *p; p++) {
        if (*p == '+') {
            *o++ = ' ';
        } else if (*p == '%' && hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
            *o++ = (char)(hexval(p[1]) * 16 + hexval(p[2]));
            p += 2;
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
    return (size_t)(o - s);
}

int gl_form_parse(char *s, struct gl_form *f)
{
    f->n = 0;
    char *save = NULL;
    for (char *part = strtok_r(s, "&", &save); part; part = strtok_r(NULL, "&", &save)) {
        if (f->n == GL_FORM_MAX) return -1;
        char *eq = strchr(part, '=');
        /* No '=': the value is the empty string at the part's end, which url_decode may write
         * (never a literal: decoding writes its terminating NUL). */
        char *value = part + strlen(part);
        if (eq) {
            *eq = '\0';
            value = eq + 1;
        }
        size_t nn = url_decode(part);
        size_t vn = url_decode(value);
        if (!gl_utf8_valid(part, nn) || !gl_utf8_valid(value, vn)) return -1;
        f->names[f->n] = part;
        f->values[f->n] = value;
        f->n++;
    }
    return 0;
}

const char *gl_form_get(const struct gl_form *f, const char *name)
{
    for (unsigned i = 0; i < f->n; i++)
        if (strcmp(f->names[i], name) == 0) return f->values[i];
    return NULL;
}

const char *gl_form_get_trimmed(const struct gl_form *f, const char *name)
{
    const char *s = gl_form_get(f, name);
    if (!s) return NULL;
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') s++;
    char *e = (char *)s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n')) *--e = 0;
    return s;
}
