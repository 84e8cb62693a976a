/* Mail through a sendmail-compatible command (see mail.h). */
#include "mail.h"

#include <sodium.h>
#include <string.h>

#include "log.h"
#include "rpc.h"
#include "server.h"
#include "spawn.h"
#include "xmalloc.h"

#define MAIL_TIMEOUT_MS 60000

void gl_mail_queue(msgpack_sbuffer *outbox, const char *to, const char *subject,
                   const char *body)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, outbox, msgpack_sbuffer_write);
    msgpack_pack_array(&pk, 3);
    gl_pack_str(&pk, to);
    gl_pack_str(&pk, subject);
    gl_pack_str(&pk, body);
}

/* A header value on one line: CR and LF would let text add headers of its own. */
static char *one_line(const char *s, size_t n)
{
    char *out = xstrndup(s, n);
    for (char *p = out; *p; p++)
        if (*p == '\r' || *p == '\n') *p = ' ';
    return out;
}

/* RFC 2047: a subject that is not plain ASCII goes as =?UTF-8?B?...?=. */
static char *encode_subject(const char *s)
{
    bool ascii = true;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) ascii &= *p < 0x80;
    if (ascii) return xstrdup(s);
    size_t n = strlen(s);
    size_t b64 = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
    char *enc = xmalloc(b64);
    sodium_bin2base64(enc, b64, (const unsigned char *)s, n, sodium_base64_VARIANT_ORIGINAL);
    char *out = xasprintf("=?UTF-8?B?%s?=", enc);
    free(enc);
    return out;
}

static void on_sent(void *data, int spawn_error, long status, bool timed_out, const char *err)
{
    char *to = data;
    if (spawn_error || status != 0)
        log_error("mail: sendmail failed to=%s status=%ld timed_out=%d stderr=\"%.200s\"", to,
                  status, timed_out, err);
    else
        log_info("mail: sent to=%s", to);
    free(to);
}

void gl_mail_send_outbox(const msgpack_sbuffer *outbox)
{
    if (!outbox->size) return;
    const char *command = gl_srv->opt.sendmail;
    if (!command) return;
    msgpack_unpacked msg;
    msgpack_unpacked_init(&msg);
    size_t off = 0;
    while (msgpack_unpack_next(&msg, outbox->data, outbox->size, &off) ==
           MSGPACK_UNPACK_SUCCESS) {
        const msgpack_object *a = msg.data.via.array.ptr;
        char *to = one_line(a[0].via.str.ptr, a[0].via.str.size);
        char *subject_raw = one_line(a[1].via.str.ptr, a[1].via.str.size);
        char *subject = encode_subject(subject_raw);
        char *message = xasprintf("From: Greenlight <greenlight@localhost>\r\n"
                                  "To: %s\r\n"
                                  "Subject: %s\r\n"
                                  "MIME-Version: 1.0\r\n"
                                  "Content-Type: text/plain; charset=UTF-8\r\n"
                                  "Content-Transfer-Encoding: 8bit\r\n"
                                  "\r\n%.*s\r\n",
                                  to, subject, (int)a[2].via.str.size, a[2].via.str.ptr);
        if (gl_spawn(gl_srv->loop, command, NULL, message, strlen(message), MAIL_TIMEOUT_MS,
                     on_sent, to) != 0)
            free(to);
        free(message);
        free(subject);
        free(subject_raw);
    }
    msgpack_unpacked_destroy(&msg);
}
