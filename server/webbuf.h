/* Text building for the web pages: a growable buffer with HTML escaping, and the decoding of
 * URL-encoded forms and query strings. */
#ifndef GL_WEBBUF_H
#define GL_WEBBUF_H

#include <stdbool.h>
#include <stddef.h>

struct gl_buf {
    char *p;
    size_t n, cap;
};

void buf_init(struct gl_buf *b, size_t cap);
void buf_free(struct gl_buf *b);
void buf_put(struct gl_buf *b, const char *s, size_t n);
void buf_puts(struct gl_buf *b, const char *s);
void buf_printf(struct gl_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends the text fmt makes (a translated sentence and plain-text arguments), all of it
 * HTML-escaped: a translation is text, whatever its punctuation. */
void buf_text_printf(struct gl_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s with & < > " ' escaped, so it is inert in text and in quoted attributes. */
void buf_html(struct gl_buf *b, const char *s);
void buf_html_n(struct gl_buf *b, const char *s, size_t n);
/* At most max bytes of s, cut at a character boundary, with "…" when cut. */
void buf_html_start(struct gl_buf *b, const char *s, size_t max);

/* A decoded form: names and values point into the decoded copy. */
#define GL_FORM_MAX 256
struct gl_form {
    char *names[GL_FORM_MAX];
    char *values[GL_FORM_MAX];
    unsigned n;
};
/* Decodes an application/x-www-form-urlencoded string in place. -1 when a value is not UTF-8
 * or there are too many fields. */
int gl_form_parse(char *s, struct gl_form *f);
/* The first value of name, or NULL. */
const char *gl_form_get(const struct gl_form *f, const char *name);
/* The first value of name with the blanks around it cut (in place), or NULL. */
const char *gl_form_get_trimmed(const struct gl_form *f, const char *name);

#endif
