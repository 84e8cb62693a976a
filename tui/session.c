/* The session with the daemon: logging in (and again after a reconnect), the password, the
 * connection's state, the profiles and the chosen one, the daemon's self-description and the
 * subscription to its events (session.h). */
#include "session.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "inbox.h"
#include "rpc.h"
#include "timing.h"
#include "util.h"
#include "words.h"
#include "xmalloc.h"

static void on_user(void *ud, const char *text, uint64_t tag);

const struct md_profile *app_profile_by_id(const struct app *a, int64_t id)
{
    for (size_t i = 0; i < a->nprofiles; i++)
        if (a->profiles[i].id == id) return &a->profiles[i];
    return NULL;
}

const struct md_profile *app_profile(const struct app *a)
{
    return app_profile_by_id(a, a->profile_id);
}

void app_set_profile(struct app *a, int64_t id)
{
    if (id == a->profile_id) return;
    a->profile_id = id;
    app_want_reload(a, KM_CALENDAR | KM_DAY | KM_LINKS);
    app_dirty(a, DIRTY_ALL);
}

static void on_profiles(void *ud, uint64_t tag, const struct gl_err *err,
                        const msgpack_object *result)
{
    struct app *a = ud;
    (void)tag;
    if (err) {
        app_rpc_error(a, "profiles", err);
        return;
    }
    const msgpack_object *list = md_get_array(result, "profiles");
    for (size_t i = 0; i < a->nprofiles; i++)
        md_profile_free(&a->profiles[i]);
    free(a->profiles);
    a->profiles = NULL;
    a->nprofiles = 0;
    if (list && list->via.array.size) {
        a->profiles = xcalloc(list->via.array.size, sizeof *a->profiles);
        for (uint32_t i = 0; i < list->via.array.size; i++)
            if (md_profile_decode(&list->via.array.ptr[i], &a->profiles[a->nprofiles]))
                a->nprofiles++;
    }
    if (!app_profile(a)) {
        a->profile_id = a->nprofiles ? a->profiles[0].id : 0;
    }
    if (app_top(a) == app_view(a, VIEW_LOGIN)) {
        /* An empty store: the admin is led through setting it up. */
        app_go(a, !a->nprofiles && words_role_parse(a->role) >= ROLE_ADMIN
                      ? app_view(a, VIEW_FIRST)
                      : app_view(a, VIEW_CALENDAR));
    } else {
        app_want_reload(a, ~0u);
    }
    app_dirty(a, DIRTY_ALL);
}

void app_reload_profiles(struct app *a)
{
    conn_call0(a->conn, "profile.list", on_profiles, a, 0);
}

void app_set_own_password(struct app *a, const char *password)
{
    if (a->password) {
        sodium_memzero(a->password, strlen(a->password));
        free(a->password);
    }
    a->password = xstrdup(password);
}

static void on_described(void *ud, uint64_t tag, const struct gl_err *err,
                         const msgpack_object *result)
{
    struct app *a = ud;
    (void)tag;
    if (err) return; /* an older daemon: the protocol's roles, as compiled in, stand */
    words_learn_roles(result);
    app_dirty(a, DIRTY_ALL);
}

static void on_subscribed(void *ud, uint64_t tag, const struct gl_err *err,
                          const msgpack_object *result)
{
    struct app *a = ud;
    (void)tag;
    (void)result;
    if (err) app_rpc_error(a, "notifications", err);
}

static void on_login(void *ud, uint64_t tag, const struct gl_err *err, const msgpack_object *result)
{
    struct app *a = ud;
    (void)tag;
    a->logging_in = false;
    if (err) {
        app_dirty(a, DIRTY_ALL);
        if (err->code == GL_E_UNAVAILABLE) return; /* the connection dropped: we retry */
        app_rpc_error(a, "login failed", err);
        /* Also after a reconnection: the password may have been changed elsewhere, which
         * ended this session (protocol/README.md, "Sessions"). */
        if (err->code == GL_E_UNAUTHORIZED) {
            if (a->password) sodium_memzero(a->password, strlen(a->password));
            free(a->password);
            a->password = NULL;
            session_ask_login(a);
        }
        return;
    }
    char *role = md_get_str(result, "role");
    snprintf(a->role, sizeof a->role, "%s", role ? role : "");
    free(role);
    bool again = a->t_login != 0;
    a->authed = true;
    if (!again) a->t_login = gl_mono_ns();
    if (a->timing && !again) timing_note(a, "login_from_start_ms", a->t_start);
    conn_call0(a->conn, "server.describe", on_described, a, 0);
    conn_call0(a->conn, "notify.subscribe", on_subscribed, a, 0);
    app_reload_notifications(a); /* what happened while we were away */
    conn_call0(a->conn, "profile.list", on_profiles, a, 0);
    if (again) app_msg(a, false, "reconnected");
    app_dirty(a, DIRTY_ALL);
}

static void send_login(struct app *a)
{
    if (!a->user || !a->password || conn_state(a->conn) != CONN_ONLINE || a->logging_in ||
        a->authed)
        return;
    a->logging_in = true;
    msgpack_packer *pk = conn_begin(a->conn, "auth.login");
    msgpack_pack_map(pk, 2);
    gl_pack_kv_str(pk, "user", a->user);
    gl_pack_kv_str(pk, "password", a->password);
    conn_send(a->conn, on_login, a, 0);
    app_dirty(a, DIRTY_ALL);
}

static void on_password(void *ud, const char *text, uint64_t tag)
{
    struct app *a = ud;
    (void)tag;
    if (!text) {
        a->quit = true;
        return;
    }
    a->password = xstrdup(text);
    send_login(a);
    app_dirty(a, DIRTY_ALL);
}

static void on_user(void *ud, const char *text, uint64_t tag)
{
    struct app *a = ud;
    (void)tag;
    if (!text) {
        a->quit = true;
        return;
    }
    if (!text[0]) {
        app_prompt(a, "User:", NULL, false, on_user, a, 0);
        return;
    }
    free(a->user);
    a->user = xstrdup(text);
    if (a->password)
        send_login(a);
    else
        session_ask_login(a);
}

void session_ask_login(struct app *a)
{
    if (!a->user)
        app_prompt(a, "User:", NULL, false, on_user, a, 0);
    else
        app_prompt(a, "Password:", NULL, true, on_password, a, 0);
}

void session_on_conn_state(void *ud, enum conn_state st, const char *detail)
{
    struct app *a = ud;
    if (st == CONN_ONLINE) {
        send_login(a);
    } else if (st == CONN_OFFLINE) {
        bool was = a->authed;
        a->authed = false;
        a->logging_in = false;
        if (was || !a->msg[0] || !a->msg_err)
            app_msg(a, true, "daemon %s:%d unreachable (%s); reconnecting by itself", a->host,
                    a->port, detail);
    }
    app_dirty(a, DIRTY_ALL);
}

void session_free(struct app *a)
{
    for (size_t i = 0; i < a->nprofiles; i++)
        md_profile_free(&a->profiles[i]);
    free(a->profiles);
}
