/* The languages of the pages people outside the team see: GNU gettext catalogues (po/, text
 * domain "greenlight"), one C library locale per language for its messages and its calendar
 * words, and the choice of a request's language. Staff-facing text (RPC errors, logs, the
 * client) stays English and is never wrapped. */
#ifndef GL_I18N_H
#define GL_I18N_H

#include <libintl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define GL_TEXT_DOMAIN "greenlight"
/* A translated string, in the language gl_lang_use() chose. */
#define _(s) gettext(s)
/* Marks a string for extraction where it is stored (tables); translated where it is shown. */
#define N_(s) s
/* With a context, where one English text needs two translations ("%zu removed" of words and of
 * media): gettext's msgctxt, which libintl.h has no macro for. make pot extracts them. */
#define C_(ctx, s) gl_pgettext(ctx "\004" s, s)
#define NC_(ctx, s, p, n) gl_npgettext(ctx "\004" s, s, p, n)
const char *gl_pgettext(const char *joined, const char *s) __attribute__((format_arg(2)));
const char *gl_npgettext(const char *joined, const char *s, const char *p, unsigned long n)
    __attribute__((format_arg(2), format_arg(3)));

/* Every language the pages speak, in one list: X(enum, BCP 47 primary tag, the C library
 * locale of its messages and calendar words, its name in itself for the switcher). The first
 * is the fallback and the language the sources are written in. en is British English's
 * locale: the same words as en_US, and weeks that start on Monday as they always did here.
 * The first day of the week of each is the locale's own (nl_langinfo), not repeated here. */
#define GL_LANGUAGES(X)                                                                            \
    X(LANG_EN, "en", "en_GB.UTF-8", "English")                                                     \
    X(LANG_FR, "fr", "fr_FR.UTF-8", "Français")                                                    \
    X(LANG_DE, "de", "de_DE.UTF-8", "Deutsch")                                                     \
    X(LANG_ES, "es", "es_ES.UTF-8", "Español")                                                     \
    X(LANG_PT, "pt", "pt_PT.UTF-8", "Português")

#define GL_LANG_ENUM(id, tag, locale, native) id,
enum gl_lang { GL_LANGUAGES(GL_LANG_ENUM) LANG_COUNT };
#undef GL_LANG_ENUM
#define LANG_NONE (-1)

/* Loads every language's locale and points gettext at dir (DIR/LANG/LC_MESSAGES/greenlight.mo).
 * A language whose locale is not installed speaks English, with a warning in the log. Unsets
 * LANGUAGE, which would otherwise override the choice made per request. */
void gl_i18n_init(const char *dir);
void gl_i18n_free(void);
/* Makes lang the language of gettext on this thread (its LC_MESSAGES only: plain strftime and
 * printf stay in C) until the next call; LANG_NONE goes back to the untranslated sources.
 * Returns the language in effect before. */
int gl_lang_use(int lang);
/* The current language of this thread (LANG_EN when none was chosen). */
enum gl_lang gl_lang_current(void);
/* True when lang's locale is installed (its pages are really in that language). */
bool gl_lang_available(enum gl_lang lang);

/* The language of a tag ("fr", "FR"; exactly a primary tag), or LANG_NONE. */
int gl_lang_parse(const char *tag);
const char *gl_lang_tag(enum gl_lang lang);
const char *gl_lang_native(enum gl_lang lang);
/* A language given by staff (link.create, profile.create/update) as it is stored: the table's
 * tag, or NULL for "" (none). -1 when it is no tag of the table. */
int gl_lang_arg(const char *tag, const char **stored);
/* "en, fr, de, es, pt": for error messages that say what is accepted. */
const char *gl_lang_tags(void);

/* Accept-Language (RFC 9110 12.5.4): the supported language of highest weight, the earlier on
 * a tie; "fr-CA" counts as fr, "*" and q=0 count for nothing. Only the first
 * GL_ACCEPT_LANGUAGE_MAX bytes and GL_ACCEPT_LANGUAGE_ITEMS items are read; a malformed item
 * is skipped. LANG_NONE when nothing matches. */
#define GL_ACCEPT_LANGUAGE_MAX 512
#define GL_ACCEPT_LANGUAGE_ITEMS 16
int gl_accept_language(const char *header, size_t n);

/* A request's language: the visitor's own choice (their session), else the link's, else the
 * profile's, else the browser's Accept-Language, else English. Each is LANG_NONE when unset;
 * header may be NULL. */
enum gl_lang gl_lang_choose(int visitor, int link, int profile, const char *accept,
                            size_t accept_len);

/* The calendar words of the current language, from the C library's locale data. Weekdays are
 * numbered as gl_weekday() does, 0 Monday to 6 Sunday; months 1 to 12. */
const char *gl_day_name(int weekday, bool abbreviated);
const char *gl_month_name(int month, bool abbreviated);
/* The first column of a week in the current language: 0 Monday .. 6 Sunday. */
int gl_first_weekday(void);
/* strftime in the current language's LC_TIME. */
size_t gl_strftime(char *out, size_t n, const char *fmt, const struct tm *tm);

#endif
