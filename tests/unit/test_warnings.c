/* The checks before approval: each warning from the facts that cause it and none without
 * them; messages that name what to do; image sizes from headers; old media records still
 * read (their size taken from their header). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "imagesize.h"
#include "records.h"
#include "rpc.h"
#include "storekeys.h"
#include "tz.h"
#include "warnings.h"

#define NOW 1800000000LL /* 2027-01-15 08:00 UTC */

static const char *plats_ig[] = {"instagram"};

static struct gl_profile paris = {.id = 1, .name = "Acme", .timezone = "Europe/Paris"};

static struct gl_post post(const char *caption, const char **platforms, size_t n, int64_t at)
{
    return (struct gl_post){.id = 1, .profile = 1, .caption = caption, .platforms = platforms,
                            .nplatforms = n, .scheduled_at = at, .status = ST_DRAFT};
}

/* The codes of w, space separated, with their platform ("x:caption_too_long"). */
static void codes(const struct gl_warnings *w, char *out, size_t n)
{
    out[0] = '\0';
    for (size_t i = 0; i < w->n; i++)
        snprintf(out + strlen(out), n - strlen(out), "%s%s%s%s", i ? " " : "",
                 w->items[i].platform ? w->items[i].platform : "",
                 w->items[i].platform ? ":" : "", gl_warning_name(w->items[i].code));
}

static void expect(const struct gl_post *p, const struct gl_media *m, size_t nm, int64_t now,
                   const char *want)
{
    struct gl_warnings w = {0};
    gl_warnings_compute(p, &paris, m, nm, NULL, now, &w);
    char got[2048];
    codes(&w, got, sizeof got);
    assert_string_equal(got, want);
    for (size_t i = 0; i < w.n; i++) {
        /* Every placeholder filled; every message says what to do after a colon. */
        assert_null(strchr(w.items[i].message, '{'));
        assert_non_null(strchr(w.items[i].message, ':'));
    }
    gl_warnings_free(&w);
}

static int64_t paris_at(int hour)
{
    return gl_tz_to_utc("Europe/Paris", 2027, 2, 3, hour, 30);
}

static void test_clean_post(void **state)
{
    (void)state;
    struct gl_post p = post("Fresh beans today.", plats_ig, 1, paris_at(10));
    expect(&p, NULL, 0, NOW, "");
    p.scheduled_at = GL_TIME_NONE;
    expect(&p, NULL, 0, NOW, "");
}

static void test_caption_checks(void **state)
{
    (void)state;
    char longer[400];
    memset(longer, 'a', 300);
    longer[300] = '\0';
    const char *plats[] = {"x", "instagram"};
    struct gl_post p = post(longer, plats, 2, paris_at(10));
    expect(&p, NULL, 0, NOW, "x:caption_too_long");
    p = post("#a #b #c #d #e #f", plats_ig, 1, paris_at(10));
    expect(&p, NULL, 0, NOW, "instagram:too_many_hashtags");
    p = post("#a #b #c #d #e", plats_ig, 1, paris_at(10));
    expect(&p, NULL, 0, NOW, "");
    char many[400] = "";
    for (unsigned i = 0; i < 21; i++)
        snprintf(many + strlen(many), sizeof many - strlen(many), "@user%u ", i);
    p = post(many, plats_ig, 1, paris_at(10));
    expect(&p, NULL, 0, NOW, "instagram:too_many_mentions");
    p = post("Shop at https://acme.example/shop", plats_ig, 1, paris_at(10));
    expect(&p, NULL, 0, NOW, "instagram:link_not_clickable");
    const char *th[] = {"threads"};
    p = post("#one #two https://a.io https://b.io https://c.io https://d.io https://e.io "
             "https://f.io",
             th, 1, paris_at(10));
    expect(&p, NULL, 0, NOW, "threads:too_many_hashtags threads:too_many_links");
    const char *unknown[] = {"bluesky"};
    p = post("hi", unknown, 1, paris_at(10));
    expect(&p, NULL, 0, NOW, "bluesky:platform_unknown");
}

static void test_time_checks(void **state)
{
    (void)state;
    struct gl_post p = post("hi", plats_ig, 1, paris_at(23));
    expect(&p, NULL, 0, NOW, "scheduled_at_night");
    p.scheduled_at = paris_at(5);
    expect(&p, NULL, 0, NOW, "scheduled_at_night");
    p.scheduled_at = paris_at(6);
    expect(&p, NULL, 0, NOW, "");
    p.scheduled_at = NOW - 60;
    expect(&p, NULL, 0, NOW, "scheduled_in_past");
    p.status = ST_PUBLISHED; /* out already: nothing to move */
    expect(&p, NULL, 0, NOW, "");
    /* The message gives the time in the profile's zone. */
    struct gl_warnings w = {0};
    p = post("hi", plats_ig, 1, paris_at(23));
    gl_warnings_compute(&p, &paris, NULL, 0, NULL, NOW, &w);
    assert_non_null(strstr(w.items[0].message, "23:30 (Europe/Paris)"));
    gl_warnings_free(&w);
}

static void test_image_checks(void **state)
{
    (void)state;
    struct gl_media m[5] = {
        {.id = 1, .name = "ok.png", .width = 1080, .height = 1080, .alt = "A cup"},
        {.id = 2, .name = "tall.png", .width = 1000, .height = 3000, .alt = "A tower"},
        {.id = 3, .name = "tiny.png", .width = 100, .height = 100, .alt = "A dot"},
        {.id = 4, .name = "bare.png", .width = 1080, .height = 1080, .alt = "  "},
        {.id = 5, .name = "odd.png", .alt = "?"},
    };
    struct gl_post p = post("hi", plats_ig, 1, paris_at(10));
    expect(&p, m, 1, NOW, "");
    expect(&p, m, 5, NOW,
           "image_without_alt instagram:image_ratio instagram:image_too_small "
           "instagram:image_size_unknown");
    const char *x[] = {"x"};
    p = post("hi", x, 1, paris_at(10));
    expect(&p, m, 5, NOW,
           /* the fifth image is past X's four: not checked further */
           "image_without_alt x:too_many_images x:image_ratio x:image_too_small");
    struct gl_warnings w = {0};
    p = post("hi", plats_ig, 1, paris_at(10));
    gl_warnings_compute(&p, &paris, m + 1, 1, NULL, NOW, &w);
    assert_string_equal(w.items[0].message,
                        "Image tall.png is 1:3, outside the 4:5 to 1.91:1 that Instagram shows "
                        "in the feed, so it will be cropped: crop it yourself to choose what is "
                        "seen.");
    gl_warnings_free(&w);
}

static void test_image_size(void **state)
{
    (void)state;
    int w = 0, h = 0;
    static const unsigned char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x04\x38\0\0\x05\x46";
    assert_true(gl_image_size(png, sizeof png - 1, &w, &h));
    assert_true(w == 1080 && h == 1350);
    /* JPEG: an APP0 segment, then SOF0 (height 600, width 800). */
    static const unsigned char jpg[] = "\xff\xd8\xff\xe0\0\x04\0\0\xff\xc0\0\x11\x08\x02\x58\x03\x20";
    assert_true(gl_image_size(jpg, sizeof jpg - 1, &w, &h));
    assert_true(w == 800 && h == 600);
    static const unsigned char gif[] = "GIF89a\x40\x01\xf0\x00";
    assert_true(gl_image_size(gif, sizeof gif - 1, &w, &h));
    assert_true(w == 320 && h == 240);
    static const unsigned char webp[] = "RIFF\0\0\0\0WEBPVP8X\x0a\0\0\0\0\0\0\0\x37\x04\0\x37\x04\0";
    assert_true(gl_image_size(webp, sizeof webp - 1, &w, &h));
    assert_true(w == 1080 && h == 1080);
    /* Cut short, lying lengths, or nothing: no size, and nothing read past the end. */
    assert_false(gl_image_size(png, 20, &w, &h));
    assert_false(gl_image_size(jpg, 12, &w, &h));
    static const unsigned char loop[] = "\xff\xd8\xff\xe0\xff\xff";
    assert_false(gl_image_size(loop, sizeof loop - 1, &w, &h));
    assert_false(gl_image_size((const unsigned char *)"hello", 5, &w, &h));
    assert_false(gl_image_size(NULL, 0, &w, &h));
}

/* A media record written before sizes and alt text existed: still read, its size from its
 * header, its alt text empty. */
static void test_old_media_record(void **state)
{
    (void)state;
    static const unsigned char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\x00\0\0\x00\x80";
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    gl_record_begin(&pk, 8); /* "v" and seven fields */
    gl_pack_kv_int(&pk, "id", 7);
    gl_pack_kv_str(&pk, "name", "old.png");
    gl_pack_kv_str(&pk, "type", "image/png");
    gl_pack_kv_int(&pk, "size", (int64_t)sizeof png - 1);
    gl_pack_kv_str(&pk, "uploaded_by", "admin");
    gl_pack_kv_int(&pk, "at", NOW);
    gl_pack_key(&pk, "data");
    msgpack_pack_bin_with_body(&pk, png, sizeof png - 1);
    msgpack_zone *z = msgpack_zone_new(1024);
    MDB_val v = {.mv_size = sb.size, .mv_data = sb.data};
    struct gl_media m;
    assert_int_equal(gl_media_decode(&v, z, &m), 0);
    assert_int_equal(m.id, 7);
    assert_string_equal(m.name, "old.png");
    assert_string_equal(m.alt, "");
    assert_true(m.width == 256 && m.height == 128);
    /* Written back with an alt text, it reads the same plus the text. */
    m.alt = "A sign";
    msgpack_sbuffer sb2;
    msgpack_sbuffer_init(&sb2);
    gl_media_encode(&m, &sb2);
    MDB_val v2 = {.mv_size = sb2.size, .mv_data = sb2.data};
    struct gl_media m2;
    assert_int_equal(gl_media_decode(&v2, z, &m2), 0);
    assert_string_equal(m2.alt, "A sign");
    assert_true(m2.width == 256 && m2.height == 128 && m2.len == sizeof png - 1);
    assert_memory_equal(m2.data, png, m2.len);
    msgpack_sbuffer_destroy(&sb2);
    msgpack_sbuffer_destroy(&sb);
    msgpack_zone_free(z);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_post),   cmocka_unit_test(test_caption_checks),
        cmocka_unit_test(test_time_checks),  cmocka_unit_test(test_image_checks),
        cmocka_unit_test(test_image_size),   cmocka_unit_test(test_old_media_record),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
