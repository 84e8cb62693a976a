/* The session with the daemon: who is logged in and how (user, password, role in struct app),
 * logging in again after every reconnect, the profiles and the chosen one. After a login it asks
 * the daemon to describe itself (the roles, words.c), subscribes to events and fetches the
 * stored notifications (inbox.c) and the profiles. */
#ifndef TUI_SESSION_H
#define TUI_SESSION_H

#include <stdint.h>

#include "conn.h"
#include "model.h"

struct app;

/* Profiles. */
const struct md_profile *app_profile(const struct app *a); /* the chosen one or NULL */
const struct md_profile *app_profile_by_id(const struct app *a, int64_t id);
void app_set_profile(struct app *a, int64_t id);
/* Fetches the profiles again (after one is created or changed); the screens then reload. */
void app_reload_profiles(struct app *a);
/* The password used to log in again after a reconnect changes with the user's own. */
void app_set_own_password(struct app *a, const char *password);

/* For the loop (app.c): asks for the user and password that are missing; the connection's
 * state handler (logs in when online); frees the profiles at exit. */
void session_ask_login(struct app *a);
void session_on_conn_state(void *ud, enum conn_state st, const char *detail);
void session_free(struct app *a);

#endif
