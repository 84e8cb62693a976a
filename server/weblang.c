/* The language of a request to the link pages (see weblang.h). */
#include "weblang.h"

#include <string.h>

/* A language tag as a value: a few letters, so anything longer is no language. */
#define TAG_MAX 8

static int tag_at(const char *p, size_t n)
{
    if (n == 0 || n > TAG_MAX) return LANG_NONE;
    char tag[TAG_MAX + 1];
    memcpy(tag, p, n);
    tag[n] = '\0';
    return gl_lang_parse(tag);
}

int web_lang_query(const char *query)
{
    if (!query) return LANG_NONE;
    int found = LANG_NONE;
    for (const char *p = query; *p;) {
        size_t len = strcspn(p, "&");
        if (len > 5 && strncmp(p, "lang=", 5) == 0) found = tag_at(p + 5, len - 5);
        p += len;
        if (*p) p++;
    }
    return found;
}

int web_lang_cookie(const struct gl_http_req *req)
{
    static const char name[] = WEB_LANG_COOKIE "=";
    for (unsigned i = 0; i < req->nheaders; i++) {
        if (strcmp(req->headers[i].name, "cookie") != 0) continue;
        const char *cookies = req->headers[i].value;
        for (const char *p = cookies; (p = strstr(p, name)) != NULL; p++) {
            if (p != cookies && p[-1] != ' ' && p[-1] != ';') continue;
            const char *v = p + sizeof name - 1;
            int lang = tag_at(v, strcspn(v, "; "));
            if (lang != LANG_NONE) return lang;
        }
    }
    return LANG_NONE;
}

enum gl_lang web_lang_of(const struct gl_http_req *req, const char *link_lang,
                         const char *profile_lang, int *switched)
{
    int asked = web_lang_query(req->query);
    if (switched) *switched = asked;
    int visitor = asked != LANG_NONE ? asked : web_lang_cookie(req);
    const char *accept = gl_http_header(req, "accept-language");
    return gl_lang_choose(visitor, gl_lang_parse(link_lang), gl_lang_parse(profile_lang), accept,
                          accept ? strlen(accept) : 0);
}

void web_lang_remember(struct gl_buf *hdrs, const char *base, enum gl_lang lang, bool secure)
{
    /* No Max-Age: it lasts the browser session. Lax: a link followed from a mail still gets
     * its language on the first page. */
    buf_printf(hdrs, "Set-Cookie: " WEB_LANG_COOKIE "=%s; Path=%s; HttpOnly; SameSite=Lax%s\r\n",
               gl_lang_tag(lang), base, secure ? "; Secure" : "");
}
