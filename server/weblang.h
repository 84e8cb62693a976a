/* The language of a request to the link pages: the visitor's switch (?lang=TAG, then the
 * gl_lang cookie it leaves for the rest of the browser session, one per link), the link's, the
 * profile's, the browser's Accept-Language, English (the order is gl_lang_choose's, i18n.h).
 * Pure functions over the request, so the page cache asks them too. */
#ifndef GL_WEBLANG_H
#define GL_WEBLANG_H

#include <stdbool.h>

#include "http.h"
#include "i18n.h"
#include "webbuf.h"

#define WEB_LANG_COOKIE "gl_lang"

/* The language ?lang= asks in query (the raw query string), or LANG_NONE. */
int web_lang_query(const char *query);
/* The language of the gl_lang cookie, or LANG_NONE (several Cookie headers are all read). */
int web_lang_cookie(const struct gl_http_req *req);
/* The language of req for a link and profile whose languages are the tags given (NULL: none;
 * both NULL before the link is known). *switched, when not NULL, is the language ?lang= asked
 * (to remember in the cookie), else LANG_NONE. */
enum gl_lang web_lang_of(const struct gl_http_req *req, const char *link_lang,
                         const char *profile_lang, int *switched);
/* The Set-Cookie line that remembers lang for the link at path base, appended to hdrs. */
void web_lang_remember(struct gl_buf *hdrs, const char *base, enum gl_lang lang, bool secure);

#endif
