/* Mail through a sendmail-compatible command, as MIME text messages (see mail.h). */
#include "mail.h"

#include <sodium.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "log.h"
#include "mailout.h"
#include "rpc.h"
#include "server.h"
#include "spawn.h"
#include "storekeys.h"
#include "tz.h"
#include "util.h"
#include "web.h"
#include "webbuf.h"
#include "xmalloc.h"

#define MAIL_TIMEOUT_MS 60000
/* RFC 5322 asks lines of at most 78 characters; quoted-printable's own limit is 76. */
#define QP_LINE 76
#define SUBJECT_MAX 200
/* UTF-8 bytes per encoded word: base64 of 39 bytes is 52 characters, and with "=?UTF-8?B?"
 * and "?=" the first word fits after "Subject: " within 78. */
#define WORD_BYTES 39

/* The Date header's words: the protocol's English, whatever the reader's language. */
static const char *const day_short[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
static const char *const month_short[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};


/* ---- text ---- */

void gl_mail_when(char *out, size_t n, const char *zone, int64_t t, int64_t now)
{
    if (t == GL_TIME_NONE) {
        snprintf(out, n, "%s", _("no time yet"));
        return;
    }
    if (!zone || !*zone) zone = "UTC";
    struct tm tm, today;
    gl_tz_local(zone, t, &tm);
    gl_tz_local(zone, now, &today);
    char year[16] = "";
    if (tm.tm_year != today.tm_year) snprintf(year, sizeof year, " %d", tm.tm_year + 1900);
    /* In the current language's words (an approver's mail; English for staff). */
    snprintf(out, n, "%s %d %s%s, %02d:%02d %s", gl_day_name((tm.tm_wday + 6) % 7, true),
             tm.tm_mday, gl_month_name(tm.tm_mon + 1, true), year, tm.tm_hour, tm.tm_min, zone);
}

char *gl_mail_excerpt(const char *text, size_t max)
{
    if (!text) return xstrdup("");
    size_t n = strcspn(text, "\r\n");
    bool cut = text[n] != '\0';
    if (n > max) {
        n = max;
        while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80) n--;
        cut = true;
    }
    while (n > 0 && text[n - 1] == ' ') n--;
    return xasprintf("%.*s%s", (int)n, text, cut ? "…" : "");
}

bool gl_mail_address_ok(const char *s)
{
    const char *at = strrchr(s, '@');
    if (!at || at == s || !at[1] || strlen(s) > 254) return false;
    for (const char *p = s; *p; p++)
        if (*p <= ' ' || *p >= 0x7f || strchr("<>()[]\\,;:\"", *p)) return false;
    return strchr(at + 1, '.') != NULL || strcmp(at + 1, "localhost") == 0;
}

const char *gl_mail_from_addr(void)
{
    static char from[300];
    const char *opt = gl_srv ? gl_srv->opt.mail_from : NULL;
    if (opt && gl_mail_address_ok(opt)) return opt; /* else the default, said at start */
    const char *url = gl_web_public_url();
    const char *host = strstr(url, "://");
    host = host ? host + 3 : url;
    size_t n = host[0] == '[' ? strcspn(host, "]") + 1 : strcspn(host, ":/");
    if (n == 0 || n > 253) {
        host = "localhost";
        n = strlen(host);
    }
    snprintf(from, sizeof from, "greenlight@%.*s", (int)n, host);
    return from;
}

/* ---- headers ---- */

static bool is_ascii(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p >= 0x7f || *p < ' ') return false;
    return true;
}

/* Appends s as RFC 2047 encoded words, each on its own folded line after the first; used is
 * how much of the current line is taken. Words end on character boundaries (RFC 2047 6.3). */
static void put_words(struct gl_buf *b, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        size_t k = n - i < WORD_BYTES ? n - i : WORD_BYTES;
        while (i + k < n && k > 0 && ((unsigned char)s[i + k] & 0xC0) == 0x80) k--;
        if (k == 0) k = 1; /* not UTF-8: bytes as they are */
        char enc[sodium_base64_ENCODED_LEN(WORD_BYTES, sodium_base64_VARIANT_ORIGINAL)];
        sodium_bin2base64(enc, sizeof enc, (const unsigned char *)s + i, k,
                          sodium_base64_VARIANT_ORIGINAL);
        buf_printf(b, "%s=?UTF-8?B?%s?=", i ? "\r\n " : "", enc);
        i += k;
    }
}

/* Appends ASCII text folded at spaces so that lines stay within 78 (a longer word stays
 * whole: RFC 5322 allows 998). used: the characters already on the line. */
static void put_folded(struct gl_buf *b, const char *s, size_t used)
{
    while (*s) {
        size_t word = strcspn(s + 1, " ") + 1;
        if (used + word > 78 && used > 12 && *s == ' ') {
            buf_puts(b, "\r\n");
            used = 0;
        }
        buf_put(b, s, word);
        used += word;
        s += word;
    }
}

/* A header's text on one line: CR and LF would let text add headers of its own. */
static char *one_line(const char *s, size_t n, size_t max)
{
    char *line = xstrndup(s, n);
    for (char *p = line; *p; p++)
        if (*p == '\r' || *p == '\n' || *p == '\t') *p = ' ';
    char *out = gl_mail_excerpt(line, max);
    free(line);
    return out;
}

static void put_subject(struct gl_buf *b, const char *subject)
{
    buf_puts(b, "Subject: ");
    if (is_ascii(subject))
        put_folded(b, subject, 9);
    else
        put_words(b, subject);
    buf_puts(b, "\r\n");
}

static void put_from(struct gl_buf *b, const char *name, const char *addr)
{
    buf_puts(b, "From: ");
    if (is_ascii(name) && strlen(name) <= 60) { /* longer: words, which fold */
        buf_puts(b, "\""); /* a quoted string: dots and commas in a name are fine there */
        for (const char *p = name; *p; p++)
            buf_printf(b, "%s%c", strchr("\"\\", *p) ? "\\" : "", *p);
        buf_puts(b, "\"");
    } else {
        put_words(b, name);
    }
    buf_printf(b, "\r\n <%s>\r\n", addr);
}

static void put_date(struct gl_buf *b, int64_t now)
{
    time_t t = (time_t)now;
    struct tm tm;
    gmtime_r(&t, &tm);
    buf_printf(b, "Date: %s, %02d %s %d %02d:%02d:%02d +0000\r\n",
               day_short[(tm.tm_wday + 6) % 7], tm.tm_mday, month_short[tm.tm_mon],
               tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void put_message_id(struct gl_buf *b, const char *from_addr, const char *id)
{
    unsigned char raw[16];
    char hex[sizeof raw * 2 + 1];
    if (id && strlen(id) < sizeof hex && strspn(id, "0123456789abcdef") == strlen(id)) {
        snprintf(hex, sizeof hex, "%s", id);
    } else {
        randombytes_buf(raw, sizeof raw);
        sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
    }
    const char *at = strrchr(from_addr, '@');
    buf_printf(b, "Message-ID: <%s@%s>\r\n", hex, at && at[1] ? at + 1 : "localhost");
}

/* ---- body ---- */

/* Quoted-printable (RFC 2045 6.7): CRLF lines, soft breaks before 76 characters, spaces at
 * a line's end encoded, and "." or "From " at a line's start encoded too, so no transport
 * reads them as the end of the message or an mbox separator. */
static void put_qp(struct gl_buf *b, const char *s)
{
    size_t col = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\n') {
            buf_puts(b, "\r\n");
            col = 0;
            continue;
        }
        if (*p == '\r') continue;
        bool at_end = p[1] == '\n' || p[1] == '\0' || (p[1] == '\r' && p[2] == '\n');
        bool plain = (*p >= 33 && *p <= 126 && *p != '=') || ((*p == ' ' || *p == '\t') && !at_end);
        if (col == 0 && (*p == '.' || (*p == 'F' && strncmp((const char *)p, "From ", 5) == 0)))
            plain = false;
        size_t w = plain ? 1 : 3;
        /* Room for a soft break "=" after this one, unless the line ends here. */
        if (col + w > (at_end ? QP_LINE : QP_LINE - 1)) {
            buf_puts(b, "=\r\n");
            col = 0;
            if (*p == '.') plain = false, w = 3;
        }
        if (plain)
            buf_put(b, (const char *)p, 1);
        else
            buf_printf(b, "=%02X", *p);
        col += w;
    }
    if (col) buf_puts(b, "\r\n");
}

char *gl_mail_format(const struct gl_mail_msg *m, const char *from_addr, int64_t now)
{
    struct gl_buf b;
    buf_init(&b, 1024 + strlen(m->body) * 3 / 2);
    char *name = one_line(m->from_name ? m->from_name : "Greenlight",
                          strlen(m->from_name ? m->from_name : "Greenlight"), 100);
    char *to = one_line(m->to, strlen(m->to), 254);
    char *subject = one_line(m->subject, strlen(m->subject), SUBJECT_MAX);
    put_from(&b, name, from_addr);
    buf_printf(&b, "To: %s\r\n", to);
    put_subject(&b, subject);
    put_date(&b, now);
    put_message_id(&b, from_addr, m->message_id);
    buf_puts(&b, "MIME-Version: 1.0\r\n"
                 "Content-Type: text/plain; charset=UTF-8\r\n"
                 "Content-Transfer-Encoding: quoted-printable\r\n"
                 "Auto-Submitted: auto-generated\r\n"
                 "\r\n");
    put_qp(&b, m->body);
    free(name);
    free(to);
    free(subject);
    return b.p;
}

/* ---- sending: through the outbox (mailout.h) ---- */

void gl_mail_queue(struct gl_txn *t, const struct gl_mail_msg *m)
{
    if (!gl_mail_address_ok(m->to)) {
        /* Users' addresses are checked more loosely (an @): none may add recipients. */
        log_warn("mail: not sent: the recipient is not one address (name@domain)");
        return;
    }
    gl_mailout_queue(t, m);
}
