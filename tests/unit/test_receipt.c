/* Receipts' encoding: the canonical bytes are fixed by the field table (a 20-element array led
 * by the tag), survive a trip through the export's JSON form, and what was shown hashes every
 * byte the decider saw. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "receipt.h"

static struct gl_receipt sample(void)
{
    struct gl_receipt r = {.profile = 3,
                           .seq = 7,
                           .key = 1,
                           .at = 1796170000,
                           .post = 42,
                           .revision = 2,
                           .step = 1,
                           .decision = "approve",
                           .status = "approved",
                           .scheduled_at = GL_TIME_NONE,
                           .decider_kind = "external",
                           .decider = "Claire Dupont",
                           .link = 9,
                           .link_kind = "approval",
                           .approver = "Claire",
                           .note = NULL,
                           .address = "203.0.113.7"};
    memset(r.shown_sha256, 0xab, sizeof r.shown_sha256);
    memset(r.prev, 0x01, sizeof r.prev);
    return r;
}

/* Fails unless x and y encode to the same bytes. */
static void assert_same_bytes(const struct gl_receipt *x, const struct gl_receipt *y)
{
    msgpack_sbuffer a, b;
    msgpack_sbuffer_init(&a);
    msgpack_sbuffer_init(&b);
    receipt_encode(x, &a);
    receipt_encode(y, &b);
    assert_int_equal(a.size, b.size);
    assert_memory_equal(a.data, b.data, a.size);
    msgpack_sbuffer_destroy(&a);
    msgpack_sbuffer_destroy(&b);
}

static void test_canonical_bytes(void **state)
{
    (void)state;
    struct gl_receipt r = sample();
    assert_same_bytes(&r, &r); /* nothing but the receipt goes into its bytes */
    msgpack_sbuffer a, b;
    msgpack_sbuffer_init(&a);
    msgpack_sbuffer_init(&b);
    receipt_encode(&r, &a);
    /* array16 of 20, then the tag as a fixstr */
    static const unsigned char head[] = {0xdc, 0x00, 0x14, 0xa0 | 20};
    assert_memory_equal(a.data, head, sizeof head);
    assert_memory_equal(a.data + 4, GL_RECEIPT_TAG, 20);
    /* Every field counts: a note added changes the bytes. */
    r.note = "ok";
    receipt_encode(&r, &b);
    assert_true(a.size != b.size || memcmp(a.data, b.data, a.size) != 0);
    msgpack_sbuffer_destroy(&a);
    msgpack_sbuffer_destroy(&b);
}

static json_t *hex(const unsigned char *p)
{
    char s[65];
    sodium_bin2hex(s, sizeof s, p, 32);
    return json_string(s);
}

static void test_json_round_trip(void **state)
{
    (void)state;
    struct gl_receipt r = sample();
    memset(r.sig, 0x5a, sizeof r.sig);
    char sig[sodium_base64_ENCODED_LEN(64, sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(sig, sizeof sig, r.sig, 64, sodium_base64_VARIANT_ORIGINAL);
    json_t *j = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:s,s:s,s:n,s:o,s:s,s:s,s:I,s:s,s:s,"
                          "s:n,s:s,s:o,s:s}",
                          "profile", (json_int_t)3, "seq", (json_int_t)7, "key", (json_int_t)1,
                          "at", (json_int_t)1796170000, "post", (json_int_t)42, "revision",
                          (json_int_t)2, "step", (json_int_t)1, "decision", "approve", "status",
                          "approved", "scheduled_at", "shown_sha256", hex(r.shown_sha256),
                          "decider_kind", "external", "decider", "Claire Dupont", "link",
                          (json_int_t)9, "link_kind", "approval", "approver", "Claire", "note",
                          "address", "203.0.113.7", "prev", hex(r.prev), "signature", sig);
    assert_non_null(j);
    struct gl_receipt back;
    const char *why = NULL;
    assert_int_equal(receipt_from_json(j, &back, &why), 0);
    assert_same_bytes(&r, &back);
    assert_memory_equal(back.sig, r.sig, 64);
    /* A malformed field is named. */
    json_object_set_new(j, "prev", json_string("zz"));
    assert_int_equal(receipt_from_json(j, &back, &why), -1);
    assert_string_equal(why, "prev");
    json_object_set_new(j, "prev", hex(r.prev));
    json_object_set_new(j, "seq", json_string("7"));
    assert_int_equal(receipt_from_json(j, &back, &why), -1);
    assert_string_equal(why, "seq");
    json_decref(j);
}

/* Fails if what t shows hashes to h0 still. */
static void assert_other_hash(const struct gl_shown *t, const unsigned char h0[32])
{
    unsigned char h[32];
    receipt_shown_hash(t, h);
    assert_memory_not_equal(h, h0, 32);
}

static void test_shown_hash_covers_every_byte(void **state)
{
    (void)state;
    const char *platforms[] = {"instagram", "x"}, *swapped[] = {"x", "instagram"};
    unsigned char media[1][32];
    memset(media, 7, sizeof media);
    int64_t ids[] = {5};
    struct gl_shown s = {.caption = "Spring sale",
                         .platforms = platforms,
                         .nplatforms = 2,
                         .scheduled_at = 1796170000,
                         .timezone = "Europe/Paris",
                         .media = ids,
                         .nmedia = 1,
                         .media_sha256 = media};
    unsigned char h0[32];
    receipt_shown_hash(&s, h0);
    struct gl_shown t = s;
    t.caption = "Spring sale ";
    assert_other_hash(&t, h0);
    t = s;
    t.platforms = swapped;
    assert_other_hash(&t, h0);
    t = s;
    t.timezone = "UTC";
    assert_other_hash(&t, h0);
    t = s;
    t.scheduled_at = GL_TIME_NONE;
    assert_other_hash(&t, h0);
    media[0][31] ^= 1;
    assert_other_hash(&s, h0);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_canonical_bytes),
        cmocka_unit_test(test_json_round_trip),
        cmocka_unit_test(test_shown_hash_covers_every_byte),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
