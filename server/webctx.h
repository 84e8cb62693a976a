/* Shared by web.c (routing, sessions, actions) and page.c (HTML): one request to a link. */
#ifndef GL_WEBCTX_H
#define GL_WEBCTX_H

#include <msgpack.h>
#include <stdbool.h>
#include <stdint.h>

#include "http.h"
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
    struct gl_buf out;
    struct gl_buf hdrs;
};


/* What the visitor may see and do (the link policy table, linkpolicy.h). */
bool web_post_visible(const struct web *w, const struct gl_post *p);
bool web_shows(const struct web *w, enum gl_link_field f);
bool web_may_decide(const struct web *w, const struct gl_post *p);
bool web_may_reschedule(const struct web *w, const struct gl_post *p);
bool web_may_comment(const struct web *w);
/* The label of a status as this link shows it. */
const char *web_status_label(const struct web *w, enum gl_status s);
const char *web_status_class(const struct web *w, enum gl_status s);

/* The iCalendar feed (ical.c) of the posts given, appended to w->out. */
void ical_render(struct web *w, const struct gl_postv *posts, const char *public_url);
/* Pages (page.c): each appends a whole document to w->out. */
void page_begin(struct web *w, const char *title);
void page_end(struct web *w);
void page_message(struct web *w, const char *title, const char *text, const char *back_href,
                  const char *back_label);
void page_signin(struct web *w, const char *error);
void page_expired(struct web *w, bool requested);
/* The month calendar (year, month in the profile's zone) with posts of that month. */
void page_month(struct web *w, int year, int month, const struct gl_postv *posts, bool prev,
                bool next);
/* The main page of a link. */
void page_main(struct web *w, int year, int month, const struct gl_postv *month_posts,
               bool prev, bool next, const struct gl_postv *queue, const char *flash);
/* The detail of a post; seen is what this visitor saw before (NULL when nothing or the same). */
struct gl_seen;
void page_detail(struct web *w, const struct gl_post *p, const struct gl_seen *seen,
                 const char *flash);
/* Formats t in the profile's zone: "Tue 3 Nov 2026, 09:30". */
void web_fmt_time(const struct web *w, int64_t t, char *out, size_t n);

#endif
