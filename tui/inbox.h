/* The notifications: the stored list (a->events, newest last, and a->unread), fetched again after
 * a login, after events (once per loop iteration, however many came) and after marking some
 * read; and the events the daemon pushes, shown on the message line and passed to every screen. */
#ifndef TUI_INBOX_H
#define TUI_INBOX_H

#include <stddef.h>
#include <stdint.h>

#include <msgpack.h>

struct app;

/* Fetches the stored list again; marks some read (then the list is fetched). */
void app_reload_notifications(struct app *a);
void app_mark_read(struct app *a, const int64_t *ids, size_t n);

/* For the loop (app.c): the connection's handler of pushed messages, and the list freed at exit. */
void inbox_on_notify(void *ud, const char *method, size_t len, const msgpack_object *params);
void inbox_free(struct app *a);

#endif
