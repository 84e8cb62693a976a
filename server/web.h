/* The external side of the daemon: the HTTP listener for links, their pages, the iCalendar
 * feed and the stylesheet. main.c starts and stops it; m_link.c asks it for the public URL. */
#ifndef GL_WEB_H
#define GL_WEB_H

#include <stddef.h>
#include <stdint.h>

#include "batch.h"
#include "server.h"

/* Starts the HTTP listener on srv->opt.http_addr; writes the bound address to bound. Returns 0
 * or a libuv error. */
int gl_web_start(struct gl_server *srv, char *bound, size_t boundlen);
/* Stops listening and closes every HTTP connection. */
void gl_web_stop(struct gl_server *srv);
/* The base of the links given out: --public-url, else http://BOUND-ADDRESS; no trailing '/'. */
const char *gl_web_public_url(void);
/* After each commit: drops cached pages when the op changed what pages show. */
void gl_web_committed(struct gl_op *op);
/* Adds the opens of link counted in memory and not saved yet. */
void gl_web_pending_opens(uint64_t link, int64_t *opens, int64_t *last_opened);
/* --demo: one link of each kind for the demo profile, with fresh tokens at every start,
 * printed as "link KIND URL [password PASSWORD]" lines (scripts/run-demo.sh reads them). */
void gl_web_demo_links(struct gl_server *srv);

#endif
