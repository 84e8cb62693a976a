/* Mail through a sendmail-compatible command (the "sendmail -t" convention: recipients are
 * read from the headers), so msmtp, exim or postfix all serve. Every message is a MIME text
 * message in UTF-8: quoted-printable body, RFC 2047 words in headers that are not ASCII, a
 * random Message-ID at the sender's domain, an RFC 5322 Date, no line over 78 characters. */
#ifndef GL_MAIL_H
#define GL_MAIL_H

#include <msgpack.h>
#include <stddef.h>
#include <stdint.h>

struct gl_mail_msg {
    const char *from_name; /* the sender's display name (UTF-8); NULL: "Greenlight" */
    const char *to;        /* one address */
    const char *subject;   /* UTF-8, one line (line breaks become spaces) */
    const char *body;      /* UTF-8 text, lines ending in "\n" */
    /* The Message-ID's local part (hex), kept across retries; NULL: a random one. */
    const char *message_id;
};

/* Queues one message in t's transaction: written to the mail outbox (mailout.h), sent after
 * the commit, at least once. A recipient that is not one address is dropped (logged). */
struct gl_txn;
void gl_mail_queue(struct gl_txn *t, const struct gl_mail_msg *m);

/* The whole message as sendmail reads it (CRLF lines), from the address from_addr, dated now.
 * The caller frees it. */
char *gl_mail_format(const struct gl_mail_msg *m, const char *from_addr, int64_t now);
/* The address mail comes from: --mail-from, else greenlight@ the public URL's host. */
const char *gl_mail_from_addr(void);

/* A time as people read it, in zone: "Thu 3 Dec, 10:00 Europe/Paris" (with the year when it
 * is not the year of now); GL_TIME_NONE is "no time yet". */
void gl_mail_when(char *out, size_t n, const char *zone, int64_t t, int64_t now);
/* The start of text for a subject or a line: its first line, at most max bytes of whole
 * characters, "…" when cut. The caller frees it. */
char *gl_mail_excerpt(const char *text, size_t max);
/* True when s looks like one mail address (local@domain, printable ASCII, no spaces or
 * brackets), so that it cannot add headers or recipients. */
bool gl_mail_address_ok(const char *s);

#endif
