/* Publishing: at its time a scheduled post becomes published. One timer, armed for the
 * earliest scheduled post after every commit; a daemon that was down catches up at start. */
#ifndef GL_PUBLISH_H
#define GL_PUBLISH_H

#include "server.h"

void gl_publish_start(struct gl_server *srv);
/* Re-arms the timer for the earliest scheduled post (after each commit). */
void gl_publish_rearm(void);
void gl_publish_stop(struct gl_server *srv);

#endif
