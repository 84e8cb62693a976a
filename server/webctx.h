/* One request to a link, as the web side's files share it: the dispatcher (web.c), the sessions,
 * forms and GET pages (websession.c, webforms.c, webpages.c) and the HTML and feed (page.c,
 * ical.c), which need nothing else of the web side. */
#ifndef GL_WEBCTX_H
#define GL_WEBCTX_H

#include <msgpack.h>
#include <stdbool.h>
#include <stdint.h>

#include "http.h"
#include "i18n.h"
#include "linkpolicy.h"
#include "links.h"
#include "postquery.h"
#include "records.h"
#include "store.h"
#include "webbuf.h"

struct web {
    struct gl_http_req *req;
    int64_t now;
    msgpack_zone zone;
    struct gl_txn t;
    bool reading;
    char token[GL_TOKEN_LEN + 1];
    char base[GL_TOKEN_LEN + 8]; /* "/l/TOKEN" */
    struct gl_link link;
    struct gl_profile prof;
    bool signed_in;
    struct gl_session sess;
    unsigned char sess_hash[GL_HASH_BYTES];
    const char *visitor; /* the name given at sign-in, or NULL */
    char address[64];    /* the client's address (X-Forwarded-For from a trusted proxy) */
    char csrf[48];
    char vzone[64]; /* the visitor's own time zone, when chosen and not the profile's (pagetime.c) */
    enum gl_lang lang; /* what it is answered in (weblang.h); made current while it runs */
    struct gl_buf out;
    struct gl_buf hdrs;
};

/* What the visitor may see and do: each a question to the policy table (linkpolicy.c), inline
 * so that the pages and the feed depend on that table and this header, not on web.c. */
static inline bool web_post_visible(const struct web *w, const struct gl_post *p)
{
    return gl_link_shows(&w->link, p);
}

static inline bool web_shows(const struct web *w, enum gl_link_field f)
{
    return gl_link_shows_field(&w->link, f);
}

static inline bool web_may_decide(const struct web *w, const struct gl_post *p)
{
    return gl_link_may_decide(&w->link, &w->prof, p);
}

static inline bool web_may_reschedule(const struct web *w, const struct gl_post *p)
{
    return gl_link_allows(&w->link, LA_RESCHEDULE) && web_may_decide(w, p);
}

static inline bool web_may_comment(const struct web *w)
{
    return gl_link_allows(&w->link, LA_COMMENT);
}

/* The name the pages and the feed show: the profile's display name (its brand), else its name. */
static inline const char *brand_name(const struct web *w)
{
    return w->prof.display_name && *w->prof.display_name ? w->prof.display_name : w->prof.name;
}

/* The label of a status as this link shows it: the policy's relabelling, else GL_STATUSES',
 * in the page's language (both tables mark their words with N_). */
static inline const char *web_status_label(const struct web *w, enum gl_status s)
{
    const struct gl_link_policy *pol = gl_link_policy(w->link.kind);
    if ((unsigned)s < ST_COUNT && pol->labels[s]) return _(pol->labels[s]);
    return _(gl_status_label(s));
}

static inline const char *web_status_class(const struct web *w, enum gl_status s)
{
    const struct gl_link_policy *pol = gl_link_policy(w->link.kind);
    if ((unsigned)s < ST_COUNT && pol->labels[s] && pol->relabelled_class)
        return pol->relabelled_class;
    return gl_status_class(s);
}

/* The iCalendar feed (ical.c) of the posts given, appended to w->out. */
void ical_render(struct web *w, const struct gl_postv *posts, const char *public_url);
/* Pages (page.c): each appends a whole document to w->out. */
void page_begin(struct web *w, const char *title);
/* The footer's choice of language (plain links; the choice is kept in a cookie, weblang.c). */
void page_language_switch(struct web *w);
void page_end(struct web *w);
void page_message(struct web *w, const char *title, const char *text, const char *back_href,
                  const char *back_label);
void page_signin(struct web *w, const char *error);
void page_expired(struct web *w, bool requested);
/* The month calendar (year, month in the profile's zone) with posts of that month. */
void page_month(struct web *w, int year, int month, const struct gl_postv *posts, bool prev,
                bool next);
/* The main page of a link. */
void page_main(struct web *w, int year, int month, const struct gl_postv *month_posts, bool prev,
               bool next, const struct gl_postv *queue, const char *flash);
/* The detail of a post; seen is what this visitor saw before (NULL when nothing or the same). */
struct gl_seen;
void page_detail(struct web *w, const struct gl_post *p, const struct gl_seen *seen,
                 const char *flash);
/* Formats t in the profile's zone: "Tue 3 Nov 2026, 09:30"; when the visitor chose another,
 * in both: "Tue 3 Nov 2026, 10:00 your time (America/New_York) · 16:00 Europe/Paris"
 * (pagetime.c). out holds WEB_TIME_LEN bytes. */
#define WEB_TIME_LEN 320 /* two zone names of up to 63 bytes and a translated sentence fit */
void web_fmt_time(const struct web *w, int64_t t, char *out, size_t n);

#endif
