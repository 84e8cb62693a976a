/* Publishing and deadlines.
 * - At its time a scheduled post is published: by the publisher command (--publisher), run
 *   through uv_spawn with the post in its environment and the caption on stdin, exit 0 meaning
 *   published; without one it is simply marked published. The post becomes "publishing" in a
 *   write committed before the command runs, and nothing but a comment changes it until the
 *   outcome is recorded; a post still publishing when the daemon starts had its publisher cut
 *   off and is marked failed (interrupted), never published twice.
 * - A post still awaiting approval at its time is held and marked overdue; approvers are
 *   reminded of one due within its profile's reminder lead.
 * One timer is armed for the earliest scheduled post after every commit; a one-second tick
 * looks for deadlines. A daemon that was down catches up at start. */
#ifndef GL_PUBLISH_H
#define GL_PUBLISH_H

#include "server.h"

void gl_publish_start(struct gl_server *srv);
/* Re-arms the timer for the earliest scheduled post (after each commit). */
void gl_publish_rearm(void);
void gl_publish_stop(struct gl_server *srv);

#endif
