/* Languages (server/i18n.c): Accept-Language read from hostile bytes, the order in which a
 * request's language is chosen, tags staff may give, and the calendar words of each locale. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http.h"
#include "i18n.h"
#include "webbuf.h"
#include "weblang.h"

static int al(const char *h)
{
    return gl_accept_language(h, h ? strlen(h) : 0);
}

static void test_accept_language_weights(void **state)
{
    (void)state;
    assert_int_equal(al("fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5"), LANG_FR);
    assert_int_equal(al("de;q=0.5, es"), LANG_ES);
    assert_int_equal(al("xx, zh-Hant-TW, pt-BR;q=0.3"), LANG_PT);
    /* equal weights: the first */
    assert_int_equal(al("es;q=0.8, de;q=0.8"), LANG_ES);
    assert_int_equal(al("  DE ; q=0.800 ,fr;q=0.7 "), LANG_DE);
    assert_int_equal(al("en;q=1.000"), LANG_EN);
    assert_int_equal(al("fr;Q=0.5"), LANG_FR);
    assert_int_equal(al("fr;q=0.001,de;q=0"), LANG_FR);
    /* nothing acceptable */
    assert_int_equal(al("fr;q=0"), LANG_NONE);
    assert_int_equal(al("fr;q=0.000"), LANG_NONE);
    assert_int_equal(al("*"), LANG_NONE);
    assert_int_equal(al("ja, ko"), LANG_NONE);
    assert_int_equal(al(""), LANG_NONE);
    assert_int_equal(al(NULL), LANG_NONE);
    assert_int_equal(gl_accept_language("fr", 0), LANG_NONE);
}

static void test_accept_language_malformed_items_are_skipped(void **state)
{
    (void)state;
    const char *bad[] = {
        "fr;q=2",     "fr;q=1.5",     "fr;q=0.1234", "fr;q=abc", "fr;q=",   "fr;q",
        "fr;level=1", "fr;;q=0.5",    "fr-",         "-fr",      "f r",     "fr--ca",
        "abcdefghi",  "fr-abcdefghi", "fr_FR",       "fr;q=.5",  "fr;q=-0", "fr;q=0.5;q=1",
        "\"fr\"",     "fr\x01",       "fr;q=0x1",    "fr;q=1e0",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (al(bad[i]) != LANG_NONE) fail_msg("'%s' was taken as a language", bad[i]);
        /* a good item after the bad one still counts */
        char h[64];
        snprintf(h, sizeof h, "%s, de;q=0.1", bad[i]);
        if (al(h) != LANG_DE) fail_msg("'%s' hid the item after it", h);
    }
    /* bytes past the length are not read: "fr" beyond n */
    assert_int_equal(gl_accept_language("xx,fr", 3), LANG_NONE);
    /* a NUL inside the given length is a malformed item, not the end */
    assert_int_equal(gl_accept_language("x\0,de", 5), LANG_DE);
}

static void test_accept_language_limits(void **state)
{
    (void)state;
    /* The 17th item is not read. */
    char h[4096] = "";
    for (int i = 0; i < GL_ACCEPT_LANGUAGE_ITEMS; i++)
        strcat(h, "xx,");
    strcat(h, "fr");
    assert_int_equal(al(h), LANG_NONE);
    h[strlen(h) - 5] = '\0'; /* 15 items and fr: read */
    strcat(h, "fr");
    assert_int_equal(al(h), LANG_FR);

    /* Nothing past GL_ACCEPT_LANGUAGE_MAX bytes, not even the item the limit cuts. */
    size_t n = GL_ACCEPT_LANGUAGE_MAX + 200;
    char *big = malloc(n + 1);
    memset(big, ' ', n);
    memcpy(big + GL_ACCEPT_LANGUAGE_MAX - 3, "de,", 3);
    memcpy(big + n - 2, "fr", 2);
    big[n] = '\0';
    assert_int_equal(gl_accept_language(big, n), LANG_DE);
    memcpy(big + GL_ACCEPT_LANGUAGE_MAX - 3, "  d", 3);
    memcpy(big + GL_ACCEPT_LANGUAGE_MAX, "e,", 2);
    assert_int_equal(gl_accept_language(big, n), LANG_NONE);
    /* a megabyte with no comma at all */
    size_t mb = 1 << 20;
    char *huge = malloc(mb);
    memset(huge, 'a', mb);
    assert_int_equal(gl_accept_language(huge, mb), LANG_NONE);
    memset(huge, ',', mb);
    assert_int_equal(gl_accept_language(huge, mb), LANG_NONE);
    free(huge);
    free(big);
}

static void test_choice_order(void **state)
{
    (void)state;
    const char *de = "de";
    /* the visitor's switch, then the link's, the profile's, the browser's, English */
    assert_int_equal(gl_lang_choose(LANG_ES, LANG_FR, LANG_PT, de, 2), LANG_ES);
    assert_int_equal(gl_lang_choose(LANG_NONE, LANG_FR, LANG_PT, de, 2), LANG_FR);
    assert_int_equal(gl_lang_choose(LANG_NONE, LANG_NONE, LANG_PT, de, 2), LANG_PT);
    assert_int_equal(gl_lang_choose(LANG_NONE, LANG_NONE, LANG_NONE, de, 2), LANG_DE);
    assert_int_equal(gl_lang_choose(LANG_NONE, LANG_NONE, LANG_NONE, "ja", 2), LANG_EN);
    assert_int_equal(gl_lang_choose(LANG_NONE, LANG_NONE, LANG_NONE, NULL, 0), LANG_EN);
    /* out-of-range values (a damaged record) count as none */
    assert_int_equal(gl_lang_choose(99, -7, LANG_COUNT, de, 2), LANG_DE);
}

static struct gl_http_req request(char *query, char *cookie, char *accept)
{
    struct gl_http_req r = {.query = query};
    if (cookie) r.headers[r.nheaders++] = (struct gl_http_header){"cookie", cookie};
    if (accept) r.headers[r.nheaders++] = (struct gl_http_header){"accept-language", accept};
    return r;
}

static void test_visitor_switch(void **state)
{
    (void)state;
    assert_int_equal(web_lang_query("lang=fr"), LANG_FR);
    assert_int_equal(web_lang_query("month=2026-12&lang=de"), LANG_DE);
    assert_int_equal(web_lang_query("xlang=de"), LANG_NONE);
    assert_int_equal(web_lang_query("lang=klingon"), LANG_NONE);
    assert_int_equal(web_lang_query("lang=fr%00"), LANG_NONE);
    assert_int_equal(web_lang_query("lang="), LANG_NONE);
    assert_int_equal(web_lang_query(""), LANG_NONE);
    assert_int_equal(web_lang_query(NULL), LANG_NONE);

    struct gl_http_req r = request("", "gl_s=abc; gl_lang=es", NULL);
    assert_int_equal(web_lang_cookie(&r), LANG_ES);
    r = request("", "xgl_lang=es; other=1", NULL);
    assert_int_equal(web_lang_cookie(&r), LANG_NONE);
    r = request("", "gl_lang=pt-BR;gl_lang=pt", NULL);
    assert_int_equal(web_lang_cookie(&r), LANG_PT);
    r = request("",
                "gl_lang="
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                NULL);
    assert_int_equal(web_lang_cookie(&r), LANG_NONE);

    /* the switch, then its cookie, then the link, the profile, the browser */
    int switched = 0;
    r = request("lang=es", "gl_lang=de", "pt");
    assert_int_equal(web_lang_of(&r, "fr", "de", &switched), LANG_ES);
    assert_int_equal(switched, LANG_ES);
    r = request("", "gl_lang=de", "pt");
    assert_int_equal(web_lang_of(&r, "fr", NULL, &switched), LANG_DE);
    assert_int_equal(switched, LANG_NONE);
    r = request("", NULL, "pt");
    assert_int_equal(web_lang_of(&r, "fr", "de", NULL), LANG_FR);
    assert_int_equal(web_lang_of(&r, NULL, "de", NULL), LANG_DE);
    assert_int_equal(web_lang_of(&r, NULL, NULL, NULL), LANG_PT);
    assert_int_equal(web_lang_of(&r, "xx", NULL, NULL), LANG_PT); /* a damaged record */
    r = request("", NULL, NULL);
    assert_int_equal(web_lang_of(&r, NULL, NULL, NULL), LANG_EN);

    struct gl_buf b;
    buf_init(&b, 64);
    web_lang_remember(&b, "/l/TOKEN", LANG_FR, true);
    buf_put(&b, "", 1);
    assert_string_equal(b.p, "Set-Cookie: gl_lang=fr; Path=/l/TOKEN; HttpOnly; SameSite=Lax; "
                             "Secure\r\n");
    buf_free(&b);
}

static void test_tags(void **state)
{
    (void)state;
    assert_int_equal(gl_lang_parse("fr"), LANG_FR);
    assert_int_equal(gl_lang_parse("PT"), LANG_PT);
    assert_int_equal(gl_lang_parse("fr-CA"), LANG_NONE);
    assert_int_equal(gl_lang_parse(""), LANG_NONE);
    assert_int_equal(gl_lang_parse(NULL), LANG_NONE);
    assert_string_equal(gl_lang_tags(), "en, fr, de, es, pt");
    const char *stored = "x";
    assert_int_equal(gl_lang_arg("DE", &stored), 0);
    assert_string_equal(stored, "de");
    assert_int_equal(gl_lang_arg("", &stored), 0);
    assert_null(stored);
    assert_int_equal(gl_lang_arg(NULL, &stored), 0);
    assert_null(stored);
    assert_int_equal(gl_lang_arg("klingon", &stored), -1);
    assert_string_equal(gl_lang_native(LANG_FR), "Français");
    assert_string_equal(gl_lang_tag(LANG_ES), "es");
}

/* The C library's calendar words and first weekday of each language (the locales come from
 * scripts/install-deps.sh); then a translated string from the catalogues of the build. */
static void test_calendar_words(void **state)
{
    (void)state;
    static const struct {
        enum gl_lang lang;
        const char *monday, *mon, *december, *dec;
    } want[] = {
        {LANG_EN, "Monday", "Mon", "December", "Dec"},
        {LANG_FR, "lundi", "lun.", "décembre", "déc."},
        {LANG_DE, "Montag", "Mo", "Dezember", "Dez"},
        {LANG_ES, "lunes", "lun", "diciembre", "dic"},
        {LANG_PT, "segunda", "seg", "dezembro", "dez"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        if (!gl_lang_available(want[i].lang))
            fail_msg("locale of %s missing: run scripts/install-deps.sh test",
                     gl_lang_tag(want[i].lang));
        gl_lang_use(want[i].lang);
        assert_int_equal(gl_lang_current(), want[i].lang);
        assert_string_equal(gl_day_name(0, false), want[i].monday);
        assert_string_equal(gl_day_name(0, true), want[i].mon);
        assert_string_equal(gl_month_name(12, false), want[i].december);
        assert_string_equal(gl_month_name(12, true), want[i].dec);
        /* every one of these starts its weeks on Monday */
        assert_int_equal(gl_first_weekday(), 0);
    }
    gl_lang_use(LANG_DE);
    assert_string_equal(gl_day_name(6, false), "Sonntag");
    /* Only gl_strftime speaks the language: plain strftime (the HTTP Date header) stays C. */
    struct tm sun = {.tm_year = 126, .tm_mon = 11, .tm_mday = 6, .tm_wday = 0};
    char c[32];
    strftime(c, sizeof c, "%a %b", &sun);
    assert_string_equal(c, "Sun Dec");
    assert_string_equal(gl_month_name(1, false), "Januar");
    struct tm tm = {.tm_year = 126, .tm_mon = 2, .tm_mday = 5, .tm_wday = 4};
    char out[64];
    gl_strftime(out, sizeof out, "%A %-d. %B", &tm);
    assert_string_equal(out, "Donnerstag 5. März");
    gl_lang_use(LANG_NONE);
    assert_string_equal(gl_day_name(0, false), "Monday");
    assert_int_equal(gl_lang_current(), LANG_EN);
}

static void test_catalogues(void **state)
{
    (void)state;
    /* the title of a calendar link's pages */
    gl_lang_use(LANG_FR);
    assert_string_equal(_("Content calendar"), "Calendrier de contenu");
    gl_lang_use(LANG_DE);
    assert_string_equal(_("Content calendar"), "Redaktionskalender");
    gl_lang_use(LANG_EN);
    assert_string_equal(_("Content calendar"), "Content calendar");
    gl_lang_use(LANG_NONE);
    assert_string_equal(_("Content calendar"), "Content calendar");
}

static int setup(void **state)
{
    (void)state;
    const char *dir = getenv("GL_LOCALE_DIR");
    gl_i18n_init(dir && *dir ? dir : "build/locale");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    gl_i18n_free();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accept_language_weights),
        cmocka_unit_test(test_accept_language_malformed_items_are_skipped),
        cmocka_unit_test(test_accept_language_limits),
        cmocka_unit_test(test_choice_order),
        cmocka_unit_test(test_visitor_switch),
        cmocka_unit_test(test_tags),
        cmocka_unit_test(test_calendar_words),
        cmocka_unit_test(test_catalogues),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
