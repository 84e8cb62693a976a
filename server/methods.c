/* The method table. Keep it sorted by name: lookups are a binary search. */
#include "methods.h"

#include <string.h>

const struct gl_method gl_methods[] = {
    {.name = "auth.login", .params = "user,password", .role = ROLE_NONE, .flags = M_ANON,
     .handler = m_auth_login, .admit = m_auth_login_admit, .work = m_auth_login_work},
    {.name = "link.create",
     .params = "profile,kind,approver?,posts?,password?,ttl_days?,expires_at?,email?,"
               "language?",
     .role = ROLE_MANAGER, .flags = M_WRITE, .handler = m_link_create,
     .admit = m_link_create_admit, .work = m_link_hash_work},
    {.name = "link.extend", .params = "id,days", .role = ROLE_MANAGER, .flags = M_WRITE,
     .handler = m_link_extend},
    {.name = "link.list", .params = "profile?", .role = ROLE_MANAGER, .handler = m_link_list},
    {.name = "link.regenerate", .params = "id", .role = ROLE_MANAGER, .flags = M_WRITE,
     .handler = m_link_regenerate, .admit = m_link_regenerate_admit, .work = m_link_hash_work},
    {.name = "link.revoke", .params = "id", .role = ROLE_MANAGER, .flags = M_WRITE,
     .handler = m_link_revoke},
    {.name = "media.get", .params = "id", .role = ROLE_VIEWER, .handler = m_media_get},
    {.name = "media.upload", .params = "name,type,data", .role = ROLE_EDITOR,
     .flags = M_WRITE, .handler = m_media_upload},
    {.name = "notify.list", .params = "unread?", .role = ROLE_VIEWER, .handler = m_notify_list},
    {.name = "notify.read", .params = "ids", .role = ROLE_VIEWER, .flags = M_WRITE,
     .handler = m_notify_read},
    {.name = "notify.subscribe", .params = "", .role = ROLE_VIEWER,
     .handler = m_notify_subscribe},
    {.name = "post.approve", .params = "id,note?", .role = ROLE_MANAGER, .flags = M_WRITE,
     .handler = m_post_approve},
    {.name = "post.comment", .params = "id,text,shared?", .role = ROLE_EDITOR,
     .flags = M_WRITE, .handler = m_post_comment},
    {.name = "post.create",
     .params = "profile,caption,platforms,scheduled_at?,notes?,media?",
     .role = ROLE_EDITOR, .flags = M_WRITE, .handler = m_post_create},
    {.name = "post.delete", .params = "id", .role = ROLE_EDITOR, .flags = M_WRITE,
     .handler = m_post_delete},
    {.name = "post.get", .params = "id", .role = ROLE_VIEWER, .handler = m_post_get},
    {.name = "post.history", .params = "id", .role = ROLE_VIEWER, .handler = m_post_history},
    {.name = "post.list", .params = "profile?,from?,to?,status?", .role = ROLE_VIEWER,
     .handler = m_post_list},
    {.name = "post.reject", .params = "id,note", .role = ROLE_MANAGER, .flags = M_WRITE,
     .handler = m_post_reject},
    {.name = "post.reschedule", .params = "id,scheduled_at,note?", .role = ROLE_MANAGER,
     .flags = M_WRITE, .handler = m_post_reschedule},
    {.name = "post.retry", .params = "id", .role = ROLE_MANAGER, .flags = M_WRITE,
     .handler = m_post_retry},
    {.name = "post.schedule", .params = "id", .role = ROLE_MANAGER, .flags = M_WRITE,
     .handler = m_post_schedule},
    {.name = "post.submit", .params = "id", .role = ROLE_EDITOR, .flags = M_WRITE,
     .handler = m_post_submit},
    {.name = "post.update", .params = "id,caption?,platforms?,scheduled_at?,notes?,media?",
     .role = ROLE_EDITOR, .flags = M_WRITE, .handler = m_post_update},
    {.name = "profile.create",
     .params = "name,timezone,platforms,auto_schedule?,week_start?,steps?,reminder_minutes?,"
               "language?",
     .role = ROLE_MANAGER,
     .flags = M_WRITE, .handler = m_profile_create},
    {.name = "profile.list", .params = "", .role = ROLE_VIEWER, .handler = m_profile_list},
    {.name = "profile.update",
     .params = "id,name?,timezone?,platforms?,auto_schedule?,week_start?,steps?,reminder_minutes?,"
               "language?",
     .role = ROLE_MANAGER, .flags = M_WRITE, .handler = m_profile_update},
    {.name = "server.describe", .params = "", .role = ROLE_NONE, .flags = M_ANON,
     .handler = m_server_describe},
    {.name = "server.ping", .params = "", .role = ROLE_NONE, .flags = M_ANON,
     .handler = m_server_ping},
    {.name = "user.create", .params = "name,password,role,email?,mail?", .role = ROLE_ADMIN,
     .flags = M_WRITE, .handler = m_user_create, .work = m_user_hash_work},
    /* A user is never deleted (history names them): disabled, they cannot log in. */
    {.name = "user.disable", .params = "name", .role = ROLE_ADMIN, .flags = M_WRITE,
     .handler = m_user_disable},
    {.name = "user.enable", .params = "name", .role = ROLE_ADMIN, .flags = M_WRITE,
     .handler = m_user_enable},
    {.name = "user.list", .params = "", .role = ROLE_ADMIN, .handler = m_user_list},
    /* Anyone may change their own password; the handler checks the name. */
    {.name = "user.set_password", .params = "name,password", .role = ROLE_VIEWER,
     .flags = M_WRITE, .handler = m_user_set_password, .work = m_user_hash_work},
    /* Anyone may change their own email and mail; only an admin a role or others'. */
    {.name = "user.update", .params = "name,email?,mail?,role?", .role = ROLE_VIEWER,
     .flags = M_WRITE, .handler = m_user_update},
};
const size_t gl_nmethods = sizeof gl_methods / sizeof gl_methods[0];

const struct gl_method *gl_method_find(const char *name, size_t n)
{
    size_t lo = 0, hi = gl_nmethods;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const char *m = gl_methods[mid].name;
        size_t mlen = strlen(m);
        int c = memcmp(name, m, n < mlen ? n : mlen);
        if (c == 0) c = n < mlen ? -1 : n > mlen;
        if (c == 0) return &gl_methods[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}
