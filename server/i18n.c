/* Languages: catalogues, per-request locales and Accept-Language (see i18n.h). */
#include "i18n.h"

#include <langinfo.h>
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "tz.h"

static const struct {
    const char *tag, *locale, *native;
} languages[LANG_COUNT] = {
#define LANG_ROW(id, tag, locale, native) [id] = {tag, locale, native},
    GL_LANGUAGES(LANG_ROW)
#undef LANG_ROW
};

/* Each language's LC_MESSAGES and LC_TIME over the C locale, for the _l calls below; and its
 * LC_MESSAGES alone, made the thread's locale for gettext. LC_TIME is never the thread's: the
 * responder's Date header and the feed's stamps, made with plain strftime, stay in C. Both
 * (locale_t)0 when the language's locale is not installed. */
static locale_t locales[LANG_COUNT];
static locale_t messages[LANG_COUNT];
static locale_t c_loc; /* the C locale as an object, for a language not installed */
static _Thread_local int current = LANG_NONE;

void gl_i18n_init(const char *dir)
{
    /* LANGUAGE outranks the locale in gettext's lookup: left set, it would pick every page's
     * language instead of the request. */
    unsetenv("LANGUAGE");
    bindtextdomain(GL_TEXT_DOMAIN, dir);
    bind_textdomain_codeset(GL_TEXT_DOMAIN, "UTF-8");
    textdomain(GL_TEXT_DOMAIN);
    for (int i = 0; i < LANG_COUNT; i++) {
        if (locales[i]) continue;
        locales[i] = newlocale(LC_MESSAGES_MASK | LC_TIME_MASK, languages[i].locale, (locale_t)0);
        messages[i] = newlocale(LC_MESSAGES_MASK, languages[i].locale, (locale_t)0);
        if (!locales[i] || !messages[i]) { /* both or neither */
            if (locales[i]) freelocale(locales[i]);
            if (messages[i]) freelocale(messages[i]);
            locales[i] = messages[i] = (locale_t)0;
        }
        if (!locales[i])
            log_warn("locale %s is not installed: pages in %s are shown in English "
                     "(localedef -i %.5s -f UTF-8 %s)",
                     languages[i].locale, languages[i].tag, languages[i].locale,
                     languages[i].locale);
    }
}

void gl_i18n_free(void)
{
    gl_lang_use(LANG_NONE);
    for (int i = 0; i < LANG_COUNT; i++) {
        if (locales[i]) freelocale(locales[i]);
        if (messages[i]) freelocale(messages[i]);
        locales[i] = messages[i] = (locale_t)0;
    }
    if (c_loc) freelocale(c_loc);
    c_loc = (locale_t)0;
}

const char *gl_pgettext(const char *joined, const char *s)
{
    const char *t = dcgettext(GL_TEXT_DOMAIN, joined, LC_MESSAGES);
    return t == joined ? s : t;
}

const char *gl_npgettext(const char *joined, const char *s, const char *p, unsigned long n)
{
    const char *t = dcngettext(GL_TEXT_DOMAIN, joined, p, n, LC_MESSAGES);
    return t == joined ? s : t == p ? p : t;
}

int gl_lang_use(int lang)
{
    int was = current;
    if (lang < 0 || lang >= LANG_COUNT || !locales[lang]) {
        uselocale(LC_GLOBAL_LOCALE);
        current = lang >= 0 && lang < LANG_COUNT ? lang : LANG_NONE;
    } else {
        uselocale(messages[lang]);
        current = lang;
    }
    return was;
}

enum gl_lang gl_lang_current(void)
{
    return current == LANG_NONE ? LANG_EN : (enum gl_lang)current;
}

bool gl_lang_available(enum gl_lang lang)
{
    return (unsigned)lang < LANG_COUNT && locales[lang];
}

/* The locale_t of the current language, or 0 when it is the C library's default. */
static locale_t current_time_locale(void)
{
    return current >= 0 && current < LANG_COUNT ? locales[current] : (locale_t)0;
}

static int lang_of(const char *tag, size_t n)
{
    for (int i = 0; i < LANG_COUNT; i++)
        if (strlen(languages[i].tag) == n && strncasecmp(languages[i].tag, tag, n) == 0) return i;
    return LANG_NONE;
}

int gl_lang_parse(const char *tag)
{
    return tag ? lang_of(tag, strlen(tag)) : LANG_NONE;
}

int gl_lang_arg(const char *tag, const char **stored)
{
    *stored = NULL;
    if (!tag || !*tag) return 0;
    int lang = gl_lang_parse(tag);
    if (lang == LANG_NONE) return -1;
    *stored = languages[lang].tag;
    return 0;
}

const char *gl_lang_tag(enum gl_lang lang)
{
    return (unsigned)lang < LANG_COUNT ? languages[lang].tag : languages[LANG_EN].tag;
}

const char *gl_lang_native(enum gl_lang lang)
{
    return (unsigned)lang < LANG_COUNT ? languages[lang].native : languages[LANG_EN].native;
}

const char *gl_lang_tags(void)
{
#define LANG_TAG(id, tag, locale, native) ", " tag
    /* The list with its leading ", " skipped. */
    static const char tags[] = "" GL_LANGUAGES(LANG_TAG);
#undef LANG_TAG
    return tags + 2;
}

/* ---- Accept-Language ---- */

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/* A language-range (RFC 4647 2.1): "*" or 1*8ALPHA *("-" 1*8alphanum). The length of its
 * primary subtag, or 0 when s[0..n) is not one ("*" is not a language either). */
static size_t range_primary(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && i < 9 && is_alpha(s[i]))
        i++;
    if (i == 0 || i > 8) return 0;
    size_t primary = i;
    while (i < n) {
        if (s[i++] != '-') return 0;
        size_t k = 0;
        while (i < n && k < 9 && (is_alpha(s[i]) || is_digit(s[i])))
            i++, k++;
        if (k == 0 || k > 8) return 0;
    }
    return primary;
}

/* A weight: "q=" then 0[.ddd] or 1[.000], as thousandths; -1 when malformed. */
static int weight(const char *s, size_t n)
{
    if (n < 3 || (s[0] != 'q' && s[0] != 'Q') || s[1] != '=') return -1;
    s += 2, n -= 2;
    if (s[0] != '0' && s[0] != '1') return -1;
    int v = (s[0] - '0') * 1000;
    if (n == 1) return v;
    if (s[1] != '.' || n > 5) return -1;
    int scale = 100;
    for (size_t i = 2; i < n; i++, scale /= 10) {
        if (!is_digit(s[i])) return -1;
        v += (s[i] - '0') * scale;
    }
    return v > 1000 ? -1 : v;
}

int gl_accept_language(const char *header, size_t n)
{
    if (!header) return LANG_NONE;
    if (n > GL_ACCEPT_LANGUAGE_MAX) {
        /* Only whole items: the one the limit cuts through is left out. */
        n = GL_ACCEPT_LANGUAGE_MAX;
        while (n > 0 && header[n] != ',')
            n--;
    }
    int best = LANG_NONE, best_q = 0;
    size_t pos = 0;
    for (unsigned items = 0; pos < n && items < GL_ACCEPT_LANGUAGE_ITEMS; items++) {
        const char *item = header + pos;
        const char *comma = memchr(item, ',', n - pos);
        size_t len = comma ? (size_t)(comma - item) : n - pos;
        pos += len + 1;
        /* range [OWS ";" OWS "q=" qvalue], surrounded by OWS */
        while (len && is_ows(item[0]))
            item++, len--;
        while (len && is_ows(item[len - 1]))
            len--;
        const char *semi = memchr(item, ';', len);
        size_t rlen = semi ? (size_t)(semi - item) : len;
        while (rlen && is_ows(item[rlen - 1]))
            rlen--;
        int q = 1000;
        if (semi) {
            const char *p = semi + 1;
            size_t plen = len - (size_t)(p - item);
            while (plen && is_ows(*p))
                p++, plen--;
            q = weight(p, plen);
        }
        size_t primary = range_primary(item, rlen);
        if (q <= 0 || primary == 0) continue;
        int lang = lang_of(item, primary);
        if (lang != LANG_NONE && q > best_q) best = lang, best_q = q;
    }
    return best;
}

enum gl_lang gl_lang_choose(int visitor, int link, int profile, const char *accept,
                            size_t accept_len)
{
    const int in_order[] = {visitor, link, profile, gl_accept_language(accept, accept_len)};
    for (size_t i = 0; i < sizeof in_order / sizeof in_order[0]; i++)
        if (in_order[i] >= 0 && in_order[i] < LANG_COUNT) return (enum gl_lang)in_order[i];
    return LANG_EN;
}

/* ---- calendar words ---- */

static locale_t c_locale(void)
{
    if (!c_loc) c_loc = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    return c_loc;
}

static const char *langinfo(nl_item item)
{
    locale_t loc = current_time_locale();
    return nl_langinfo_l(item, loc ? loc : c_locale());
}

const char *gl_day_name(int weekday, bool abbreviated)
{
    /* The C library counts from Sunday. */
    int from_sunday = ((weekday % 7 + 7) % 7 + 1) % 7;
    return langinfo((abbreviated ? ABDAY_1 : DAY_1) + from_sunday);
}

const char *gl_month_name(int month, bool abbreviated)
{
    int m = ((month - 1) % 12 + 12) % 12;
    return langinfo((abbreviated ? ABMON_1 : MON_1) + m);
}

int gl_first_weekday(void)
{
    locale_t loc = current_time_locale();
    if (!loc) return 0;
    /* glibc: the week's first day is _NL_TIME_FIRST_WEEKDAY (1 is the day of
     * _NL_TIME_WEEK_1STDAY, a date such as 19971130, a Sunday). */
    unsigned long base = (unsigned long)(uintptr_t)nl_langinfo_l(_NL_TIME_WEEK_1STDAY, loc);
    int first = (unsigned char)nl_langinfo_l(_NL_TIME_FIRST_WEEKDAY, loc)[0];
    int year = (int)(base / 10000), month = (int)(base / 100 % 100), day = (int)(base % 100);
    if (year < 1900 || month < 1 || month > 12 || day < 1 || day > 31 || first < 1 || first > 7)
        return 0;
    return (gl_weekday(year, month, day) + first - 1) % 7;
}

size_t gl_strftime(char *out, size_t n, const char *fmt, const struct tm *tm)
{
    locale_t loc = current_time_locale();
    size_t r = strftime_l(out, n, fmt, tm, loc ? loc : c_locale());
    if (r == 0 && n) out[0] = '\0';
    return r;
}
