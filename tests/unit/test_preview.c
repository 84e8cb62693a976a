/* Previews: counting as each network counts, the cut before "more" by grapheme clusters, the
 * marked spans and the crop boxes. Run in the C locale on purpose: the module must not depend
 * on the process's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "preview.h"

static msgpack_zone *z;

static int setup(void **state)
{
    (void)state;
    z = msgpack_zone_new(4096);
    return z ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    msgpack_zone_free(z);
    return 0;
}

static int count(const char *caption, const char *platform)
{
    struct gl_span *sp;
    size_t n;
    gl_caption_spans(caption, z, &sp, &n);
    return gl_caption_count(caption, sp, n, gl_netrule_find(platform));
}

static void test_counting(void **state)
{
    (void)state;
    /* Latin counts 1 everywhere. */
    assert_int_equal(count("hello", "x"), 5);
    assert_int_equal(count("hello", "instagram"), 5);
    assert_int_equal(count("", "x"), 0);
    assert_int_equal(count(NULL, "x"), 0);
    /* X: CJK weighs 2, an emoji sequence 2 whatever its code points; every URL 23. */
    assert_int_equal(count("\xe6\x8a\xb9\xe8\x8c\xb6", "x"), 4);                  /* 抹茶 */
    assert_int_equal(count("\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x8d\xb3", "x"), 2); /* 👩‍🍳 */
    assert_int_equal(count("\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd", "x"), 2);           /* 👍🏽 */
    assert_int_equal(count("\xe2\x80\x94", "x"), 1); /* — in the light ranges */
    assert_int_equal(count("see https://example.com/a/very/long/path/indeed?q=1", "x"), 4 + 23);
    assert_int_equal(count("see http://a.co", "x"), 4 + 23); /* short ones count 23 too */
    /* UTF-16 (Meta, LinkedIn): an emoji outside the BMP is 2, one ZWJ sequence 5. */
    assert_int_equal(count("\xf0\x9f\x98\x80", "instagram"), 2);
    assert_int_equal(count("\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x8d\xb3", "instagram"), 5);
    assert_int_equal(count("caf\xc3\xa9", "facebook"), 4);
    assert_int_equal(count("https://example.com/long", "instagram"), 24); /* as written */
    /* Mastodon: grapheme clusters, URLs 23, only the user part of a remote mention. */
    assert_int_equal(count("\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x8d\xb3", "mastodon"), 1);
    assert_int_equal(count("e\xcc\x81", "mastodon"), 1); /* e + combining acute */
    assert_int_equal(count("hi @alice@example.social", "mastodon"), 3 + 6);
    assert_int_equal(count("hi @alice@example.social", "x"), 24);
    assert_int_equal(count("https://example.com/x", "mastodon"), 23);
    /* No rules: grapheme clusters. */
    assert_int_equal(count("\xf0\x9f\x87\xab\xf0\x9f\x87\xb7!", "bluesky"), 2);
}

static void test_spans(void **state)
{
    (void)state;
    const char *c = "Hi @bob.smith and @al@mas.to: #caf\xc3\xa9 #2024 #y2k mail a@b.com "
                    "(see https://en.wikipedia.org/wiki/Foo_(bar)). www.acme.fr, #tag.";
    struct gl_span *sp;
    size_t n;
    gl_caption_spans(c, z, &sp, &n);
    const char *want[][2] = {{"mention", "@bob.smith"},
                             {"mention", "@al@mas.to"},
                             {"hashtag", "#caf\xc3\xa9"},
                             {"hashtag", "#y2k"},
                             {"link", "https://en.wikipedia.org/wiki/Foo_(bar)"},
                             {"link", "www.acme.fr"},
                             {"hashtag", "#tag"}};
    assert_int_equal(n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(gl_span_kind_name(sp[i].kind), want[i][0]);
        assert_int_equal(sp[i].len, strlen(want[i][1]));
        assert_memory_equal(c + sp[i].start, want[i][1], sp[i].len);
    }
    assert_int_equal(sp[1].server, 3); /* "@al" of "@al@mas.to" */
    /* Glued to a word or an entity: not a tag. */
    gl_caption_spans("a#b &#39; x@y", z, &sp, &n);
    assert_int_equal(n, 0);
    /* Neither digits alone nor the keycap emoji #️⃣ make a tag. */
    gl_caption_spans("#1 #\xef\xb8\x8f\xe2\x83\xa3 #_x", z, &sp, &n);
    assert_int_equal(n, 1);
    assert_int_equal(sp[0].start, 11);
    gl_caption_spans("", z, &sp, &n);
    assert_int_equal(n, 0);
}

static void test_cut(void **state)
{
    (void)state;
    bool tr;
    assert_int_equal(gl_caption_cut("abcdef", 3, &tr), 3);
    assert_true(tr);
    assert_int_equal(gl_caption_cut("abc   ", 3, &tr), 3);
    assert_false(tr); /* only white space follows */
    assert_int_equal(gl_caption_cut("ab", 3, &tr), 2);
    assert_false(tr);
    /* Never inside a cluster: "ab👩‍🍳c" cut at 3 keeps the whole cook. */
    assert_int_equal(gl_caption_cut("ab\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x8d\xb3" "c", 3, &tr),
                     13);
    assert_true(tr);
    assert_int_equal(gl_caption_cut("e\xcc\x81x", 1, &tr), 3);
    assert_int_equal(gl_caption_cut("\xf0\x9f\x87\xab\xf0\x9f\x87\xb7x", 1, &tr), 8); /* 🇫🇷 */
}

static void test_crop(void **state)
{
    (void)state;
    struct gl_box b;
    struct gl_ratio tall = {4, 5}, wide = {191, 100};
    /* Inside the range: whole. */
    assert_false(gl_crop_box(1080, 1080, tall, wide, &b));
    assert_true(b.x == 0 && b.y == 0 && b.w == 1080 && b.h == 1080);
    /* Too tall (1:3): the height is cut to 4:5, centred. */
    assert_true(gl_crop_box(1000, 3000, tall, wide, &b));
    assert_true(b.x == 0 && b.w == 1000 && b.h == 1250 && b.y == 875);
    /* Too wide (3:1): the width is cut to 1.91:1, centred. */
    assert_true(gl_crop_box(3000, 1000, tall, wide, &b));
    assert_true(b.y == 0 && b.h == 1000 && b.w == 1910 && b.x == 545);
    /* The grid's exact 3:4. */
    struct gl_ratio grid = {3, 4};
    gl_crop_box(1080, 1080, grid, grid, &b);
    assert_true(b.w == 810 && b.h == 1080 && b.x == 135);
    /* No ratio, or no size: whole, nothing cut. */
    struct gl_ratio none = {0, 0};
    assert_false(gl_crop_box(5000, 10, none, none, &b));
    assert_false(gl_crop_box(0, 0, tall, wide, &b));
}

static void test_preview_make(void **state)
{
    (void)state;
    char caption[400];
    strcpy(caption, "Our new blend is here. ");
    for (unsigned i = 0; i < 20; i++)
        snprintf(caption + strlen(caption), sizeof caption - strlen(caption), "#tag%02u ", i);
    struct gl_media media[12];
    for (int i = 0; i < 12; i++)
        media[i] = (struct gl_media){.id = (uint64_t)i + 1, .name = "p.png", .width = 1000,
                                     .height = i == 0 ? 3000 : 1000, .alt = ""};
    struct gl_preview pv;
    gl_preview_make(caption, "instagram", media, 12, z, &pv);
    assert_non_null(pv.rule);
    assert_int_equal(pv.hashtags, 20);
    assert_int_equal(pv.count, (int)strlen(caption));
    assert_true(pv.truncated);
    assert_int_equal(pv.cut, 125);
    assert_int_equal(pv.nimages, 12);
    assert_true(pv.images[0].feed_cropped);
    assert_true(pv.images[0].has_grid);
    assert_false(pv.images[1].feed_cropped);
    assert_true(pv.images[9].shown);
    assert_false(pv.images[10].shown); /* a carousel of at most 10 */
    gl_preview_make(caption, "x", media, 2, z, &pv);
    assert_false(pv.truncated);
    assert_int_equal(pv.cut, strlen(caption));
    assert_false(pv.images[0].has_grid);
    gl_preview_make(caption, "bluesky", NULL, 0, z, &pv);
    assert_null(pv.rule);
    assert_int_equal(pv.nimages, 0);
    /* The wire form packs without complaint. */
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    gl_preview_make(caption, "instagram", media, 12, z, &pv);
    gl_preview_pack(&pk, caption, &pv);
    msgpack_unpacked u;
    msgpack_unpacked_init(&u);
    size_t off = 0;
    assert_int_equal(msgpack_unpack_next(&u, sb.data, sb.size, &off), MSGPACK_UNPACK_SUCCESS);
    assert_int_equal(u.data.type, MSGPACK_OBJECT_MAP);
    assert_int_equal(off, sb.size);
    msgpack_unpacked_destroy(&u);
    msgpack_sbuffer_destroy(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counting),  cmocka_unit_test(test_spans),
        cmocka_unit_test(test_cut),       cmocka_unit_test(test_crop),
        cmocka_unit_test(test_preview_make),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
