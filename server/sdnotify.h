/* systemd readiness without libsystemd: a datagram to $NOTIFY_SOCKET. */
#ifndef GL_SDNOTIFY_H
#define GL_SDNOTIFY_H

/* Sends state (e.g. "READY=1") to the socket named by $NOTIFY_SOCKET, a path or an abstract
 * name starting with '@'. Does nothing when it is unset. Returns 0, or -1 when sending failed. */
int gl_sd_notify(const char *state);

#endif
