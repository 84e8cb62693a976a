/* Mail messages as sendmail gets them: header words, quoted-printable lines, times in words.
 * Python's email package parses whole messages in tests/e2e/test_mail.py; these pin the
 * edges (line lengths, line starts, injected line breaks). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "links.h"
#include "mail.h"
#include "rpc.h"

/* 2026-12-03 09:00 UTC, a Thursday: 10:00 in Paris. */
#define THU_3_DEC 1796288400

static void assert_lines_within(const char *msg, size_t max)
{
    for (const char *p = msg; *p;) {
        const char *end = strstr(p, "\r\n");
        assert_non_null(end); /* every line ends in CRLF */
        if ((size_t)(end - p) > max) fail_msg("line over %zu: %.*s", max, (int)(end - p), p);
        for (const char *c = p; c < end; c++) assert_true(*c != '\r' && *c != '\n');
        p = end + 2;
    }
}

static void test_time_in_words(void **state)
{
    (void)state;
    char out[96];
    gl_mail_when(out, sizeof out, "Europe/Paris", THU_3_DEC, THU_3_DEC - 86400);
    assert_string_equal(out, "Thu 3 Dec, 10:00 Europe/Paris");
    gl_mail_when(out, sizeof out, "America/New_York", THU_3_DEC, THU_3_DEC);
    assert_string_equal(out, "Thu 3 Dec, 04:00 America/New_York");
    /* Another year says so. */
    gl_mail_when(out, sizeof out, "Asia/Tokyo", THU_3_DEC + 40 * 86400, THU_3_DEC);
    assert_string_equal(out, "Tue 12 Jan 2027, 18:00 Asia/Tokyo");
    gl_mail_when(out, sizeof out, NULL, THU_3_DEC, THU_3_DEC);
    assert_string_equal(out, "Thu 3 Dec, 09:00 UTC");
    gl_mail_when(out, sizeof out, "UTC", INT64_MAX, THU_3_DEC);
    assert_string_equal(out, "no time yet");
}

static void test_excerpt_whole_characters(void **state)
{
    (void)state;
    char *e = gl_mail_excerpt("Café ☕ opening\nsecond line", 100);
    assert_string_equal(e, "Café ☕ opening…");
    free(e);
    e = gl_mail_excerpt("ééééé", 5); /* 10 bytes: cut at 4, not inside a character */
    assert_string_equal(e, "éé…");
    free(e);
}

static void test_addresses(void **state)
{
    (void)state;
    assert_true(gl_mail_address_ok("claire@client.example"));
    assert_false(gl_mail_address_ok("claire"));
    assert_false(gl_mail_address_ok("a@b.example\r\nBcc: x@y.example"));
    assert_false(gl_mail_address_ok("Claire <c@x.example>"));
    assert_false(gl_mail_address_ok("a@b.example, c@d.example"));
    assert_false(gl_mail_address_ok("@b.example"));
}

static void test_message_headers_and_body(void **state)
{
    (void)state;
    struct gl_mail_msg m = {
        .from_name = "Café Ørsted via Greenlight",
        .to = "claire@client.example",
        .subject = "Reminder: « Le menu d'été 🍓 » waits for your decision, and it is a long "
                   "subject\r\nBcc: evil@example.com",
        .body = "A line with a trailing space \n.starts with a dot\nFrom here on\n"
                "é€🍓 a long line of words that goes on and on and on, past seventy-six "
                "characters for sure, with = signs = and more\n",
    };
    char *msg = gl_mail_format(&m, "greenlight@agency.example", THU_3_DEC);
    assert_lines_within(msg, 78);
    char *body = strstr(msg, "\r\n\r\n");
    assert_non_null(body);
    *body = '\0';
    /* The injected header stayed inside the subject. */
    assert_null(strstr(msg, "\r\nBcc:"));
    assert_non_null(strstr(msg, "\r\nSubject: =?UTF-8?B?"));
    assert_non_null(strstr(msg, "From: =?UTF-8?B?"));
    assert_non_null(strstr(msg, " <greenlight@agency.example>\r\n"));
    assert_non_null(strstr(msg, "\r\nDate: Thu, 03 Dec 2026 09:00:00 +0000\r\n"));
    assert_non_null(strstr(msg, "@agency.example>\r\nMIME-Version: 1.0\r\n"));
    assert_non_null(strstr(msg, "Content-Type: text/plain; charset=UTF-8\r\n"));
    assert_non_null(strstr(msg, "Content-Transfer-Encoding: quoted-printable"));
    body += 4;
    assert_lines_within(body, 76);
    assert_non_null(strstr(body, "trailing space=20\r\n"));
    assert_non_null(strstr(body, "\r\n=2Estarts with a dot\r\n"));
    assert_non_null(strstr(body, "\r\n=46rom here on\r\n"));
    assert_non_null(strstr(body, "=C3=A9=E2=82=AC=F0=9F=8D=93 a long"));
    assert_non_null(strstr(body, "=3D signs"));
    assert_non_null(strstr(body, "=\r\n")); /* the long line has a soft break */
    free(msg);
}

static void test_ascii_subject_folds(void **state)
{
    (void)state;
    struct gl_mail_msg m = {.from_name = "Acme, Inc. \"the\" agency", .to = "a@b.example",
                            .subject = "[Greenlight] admin submitted post 12 \"A fairly long "
                                       "caption that keeps going so that the subject folds\"",
                            .body = "x\n"};
    char *msg = gl_mail_format(&m, "greenlight@agency.example", THU_3_DEC);
    assert_lines_within(msg, 78);
    assert_non_null(strstr(msg, "From: \"Acme, Inc. \\\"the\\\" agency\"\r\n"));
    assert_non_null(strstr(msg, "\r\nSubject: [Greenlight] admin submitted post 12"));
    free(msg);
    /* A long ASCII name goes as words, which fold. */
    m.from_name = "The Very Long Name Of A Profile That Some Agency Gave To Its Biggest Client";
    msg = gl_mail_format(&m, "greenlight@agency.example", THU_3_DEC);
    assert_lines_within(msg, 78);
    assert_non_null(strstr(msg, "From: =?UTF-8?B?"));
    free(msg);
}

/* A link stored before links had an address: readable, with none. */
static void test_link_record_before_mail_fields(void **state)
{
    (void)state;
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    unsigned char hash[GL_HASH_BYTES] = {1, 2, 3};
    gl_record_begin(&pk, 6);
    gl_pack_kv_int(&pk, "id", 7);
    gl_pack_kv_str(&pk, "kind", "approval");
    gl_pack_kv_int(&pk, "profile", 3);
    gl_pack_kv_str(&pk, "approver", "Claire");
    gl_pack_key(&pk, "token_hash");
    msgpack_pack_bin(&pk, GL_HASH_BYTES);
    msgpack_pack_bin_body(&pk, hash, GL_HASH_BYTES);
    MDB_val v = {sb.size, sb.data};
    msgpack_zone z;
    msgpack_zone_init(&z, 1024);
    struct gl_link l;
    assert_int_equal(gl_link_decode(&v, &z, &l), 0);
    assert_int_equal(l.id, 7);
    assert_string_equal(l.approver, "Claire");
    assert_null(l.email);
    assert_int_equal(l.mailed_at, 0);
    assert_int_equal(l.reminded_at, 0);
    /* Written again, the fields come back. */
    l.email = "claire@client.example";
    l.reminded_at = THU_3_DEC;
    msgpack_sbuffer out;
    msgpack_sbuffer_init(&out);
    gl_link_encode(&l, &out);
    MDB_val v2 = {out.size, out.data};
    struct gl_link back;
    assert_int_equal(gl_link_decode(&v2, &z, &back), 0);
    assert_string_equal(back.email, "claire@client.example");
    assert_int_equal(back.reminded_at, THU_3_DEC);
    msgpack_sbuffer_destroy(&out);
    msgpack_zone_destroy(&z);
    msgpack_sbuffer_destroy(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_in_words),
        cmocka_unit_test(test_excerpt_whole_characters),
        cmocka_unit_test(test_addresses),
        cmocka_unit_test(test_message_headers_and_body),
        cmocka_unit_test(test_ascii_subject_folds),
        cmocka_unit_test(test_link_record_before_mail_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
