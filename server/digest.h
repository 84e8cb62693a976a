/* Mail digests: every interval (--mail-digest-seconds, default an hour), each user with an
 * email and mail "digest" gets one message listing the notifications not mailed yet, which
 * are then marked mailed in the same write. */
#ifndef GL_DIGEST_H
#define GL_DIGEST_H

#include "server.h"

void gl_digest_start(struct gl_server *srv);
void gl_digest_stop(void);

#endif
