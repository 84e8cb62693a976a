/* The pages a GET answers (webpages.c): a link's main page and its iCalendar feed (with the
 * page cache that keeps both), a post's detail and images, and the site's own small files. The
 * handlers are in webroutes.h; these are what the dispatcher and the sign-in also need. */
#ifndef GL_WEBPAGES_H
#define GL_WEBPAGES_H

#include <stdbool.h>
#include <stddef.h>

#include "http.h"
#include "webctx.h"

/* Serves a link's main page or feed (rest: the path after the token, "" or "/calendar.ics")
 * from the cache when it is there and fresh; false otherwise (any other rest too). */
bool web_cache_serve(struct gl_http_req *req, const char *token, size_t n, const char *rest);
/* After a commit that changes what pages show: cached pages are stale. */
void web_cache_invalidate(void);
void web_cache_free(void);
/* The feed of w's link, its password checked (or none needed). */
void web_serve_feed_now(struct web *w);
/* Answers with the image of a media record (its type one of the web's image types), else 404. */
void web_send_media(struct web *w, const struct gl_media *m, const char *headers);

#endif
