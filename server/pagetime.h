/* Times on the link pages in two zones (pagetime.c): the profile's, and the visitor's own once
 * they choose one. The choice is a cookie of the link (gl_tz, Path=/l/TOKEN): it holds nothing
 * secret, so it needs no record, and a link without sign-in remembers it as well. */
#ifndef GL_PAGETIME_H
#define GL_PAGETIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http.h"
#include "webctx.h"

/* Sets w->vzone from the request's cookie when it names a known zone other than the profile's. */
void web_visitor_zone_load(struct web *w);
/* Whether the request carries a zone choice (the shared page cache is then not for it). */
bool web_request_has_zone(const struct gl_http_req *req);
/* The zone times are entered in on w's forms: the visitor's, else the profile's. */
const char *web_entry_zone(const struct web *w);
/* The calendar cell's time: "16:00" in the profile's zone, and the visitor's under it. */
void web_cell_time(struct web *w, int64_t t);
/* The note saying which zone the times are in, with the link to choose one's own. */
void web_zone_note(struct web *w, const char *back);
/* The footer's line: the zone times show in, and the link to change it. */
void web_zone_footer(struct web *w);
/* Frees the zone list read for the chooser. */
void web_zones_free(void);

#endif
