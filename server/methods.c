/* The method table. Keep it sorted by name: lookups are a binary search. */
#include "methods.h"

#include <string.h>

#include "auth.h"
#include "links.h"
#include "webhook.h"

const struct gl_method gl_methods[] = {
    {.name = "auth.login",
     .args = GL_PARAMS(GL_REQ("user", P_STR, GL_MAX_NAME),
                       GL_REQ("password", P_STR, GL_MAX_PASSWORD)),
     .role = ROLE_NONE, .flags = M_ANON, .handler = m_auth_login, .admit = m_auth_login_admit,
     .work = m_auth_login_work},
    /* password: a string, or true for a generated one (the handler reads it). */
    {.name = "link.create",
     .args = GL_PARAMS(GL_REQ("profile", P_ID, 0), GL_REQ("kind", P_STR, 16),
                       GL_OPT("approver", P_STR, GL_MAX_NAME),
                       GL_OPT("posts", P_IDS, GL_LINK_MAX_POSTS), GL_OPT("password", P_ANY, 0),
                       GL_OPT("ttl_days", P_INT, 0), GL_OPT("expires_at", P_INT, 0),
                       GL_OPT("email", P_STR, GL_MAX_EMAIL), GL_OPT("language", P_STR, 16)),
     .role = ROLE_MANAGER, .flags = M_WRITE, .handler = m_link_create,
     .admit = m_link_create_admit, .work = m_link_hash_work},
    {.name = "link.extend", .args = GL_PARAMS(GL_REQ("id", P_ID, 0), GL_REQ("days", P_INT, 0)),
     .role = ROLE_MANAGER, .flags = M_WRITE, .handler = m_link_extend},
    {.name = "link.list", .args = GL_PARAMS(GL_OPT("profile", P_ID, 0)), .role = ROLE_MANAGER,
     .handler = m_link_list},
    {.name = "link.regenerate", .args = GL_PARAMS(GL_REQ("id", P_ID, 0)), .role = ROLE_MANAGER,
     .flags = M_WRITE, .handler = m_link_regenerate, .admit = m_link_regenerate_admit,
     .work = m_link_hash_work},
    {.name = "link.revoke", .args = GL_PARAMS(GL_REQ("id", P_ID, 0)), .role = ROLE_MANAGER,
     .flags = M_WRITE, .handler = m_link_revoke},
    {.name = "media.get", .args = GL_PARAMS(GL_REQ("id", P_ID, 0)), .role = ROLE_VIEWER,
     .handler = m_media_get},
    {.name = "media.update",
     .args = GL_PARAMS(GL_REQ("id", P_ID, 0), GL_REQ("alt", P_STR, GL_MAX_ALT)),
     .role = ROLE_EDITOR, .flags = M_WRITE, .handler = m_media_update},
    /* data: the frame bounds it; the handler answers past GL_MAX_MEDIA_BYTES in its own words. */
    {.name = "media.upload",
     .args = GL_PARAMS(GL_REQ("name", P_STR, 255), GL_REQ("type", P_STR, 64),
                       GL_REQ("data", P_BIN, GL_RPC_MAX_FRAME)),
     .role = ROLE_EDITOR, .flags = M_WRITE, .handler = m_media_upload},
    {.name = "notify.list", .args = GL_PARAMS(GL_OPT("unread", P_BOOL, 0)), .role = ROLE_VIEWER,
     .handler = m_notify_list},
    {.name = "notify.read", .args = GL_PARAMS(GL_REQ("ids", P_IDS, 1000)), .role = ROLE_VIEWER,
     .flags = M_WRITE, .handler = m_notify_read},
    {.name = "notify.subscribe", .args = GL_NO_PARAMS, .role = ROLE_VIEWER,
     .handler = m_notify_subscribe},
    {.name = "post.approve",
     .args = GL_PARAMS(GL_REQ("id", P_ID, 0), GL_OPT("note", P_STR, GL_MAX_COMMENT)),
     .role = ROLE_MANAGER, .flags = M_WRITE, .handler = m_post_approve},
    {.name = "post.comment",
     .args = GL_PARAMS(GL_REQ("id", P_ID, 0), GL_REQ("text", P_STR, GL_MAX_COMMENT),
                       GL_OPT("shared", P_BOOL, 0)),
     .role = ROLE_EDITOR, .flags = M_WRITE, .handler = m_post_comment},
    {.name = "post.create",
     .args = GL_PARAMS(GL_REQ("profile", P_ID, 0), GL_REQ("caption", P_STR, GL_MAX_CAPTION),
                       GL_REQ_STRS("platforms", GL_MAX_PLATFORMS, GL_MAX_PLATFORM_LEN),
                       GL_OPT("scheduled_at", P_INT, 0), GL_OPT("notes", P_STR, GL_MAX_NOTES),
                       GL_OPT("media", P_IDS, GL_MAX_MEDIA)),
     .role = ROLE_EDITOR, .flags = M_WRITE, .handler = m_post_create},
    {.name = "post.delete", .args = GL_PARAMS(GL_REQ("id", P_ID, 0)), .role = ROLE_EDITOR,
     .flags = M_WRITE, .handler = m_post_delete},
    {.name = "post.get", .args = GL_PARAMS(GL_REQ("id", P_ID, 0)), .role = ROLE_VIEWER,
     .handler = m_post_get},
    {.name = "post.history", .args = GL_PARAMS(GL_REQ("id", P_ID, 0)), .role = ROLE_VIEWER,
     .handler = m_post_history},
    {.name = "post.list",
     .args = GL_PARAMS(GL_OPT("profile", P_ID, 0), GL_OPT("from", P_INT, 0),
                       GL_OPT("to", P_INT, 0), GL_OPT("status", P_STR, 32)),
     .role = ROLE_VIEWER, .handler = m_post_list},
    {.name = "post.reject",
     .args = GL_PARAMS(GL_REQ("id", P_ID, 0), GL_REQ("note", P_STR, GL_MAX_COMMENT)),
     .role = ROLE_MANAGER, .flags = M_WRITE, .handler = m_post_reject},
    {.name = "post.reschedule",
     .args = GL_PARAMS(GL_REQ("id", P_ID, 0), GL_REQ("scheduled_at", P_INT, 0),
                       GL_OPT("note", P_STR, GL_MAX_COMMENT)),
     .role = ROLE_MANAGER, .flags = M_WRITE, .handler = m_post_reschedule},
    {.name = "post.retry", .args = GL_PARAMS(GL_REQ("id", P_ID, 0)), .role = ROLE_MANAGER,
     .flags = M_WRITE, .handler = m_post_retry},
    {.name = "post.schedule", .args = GL_PARAMS(GL_REQ("id", P_ID, 0)), .role = ROLE_MANAGER,
     .flags = M_WRITE, .handler = m_post_schedule},
    {.name = "post.submit", .args = GL_PARAMS(GL_REQ("id", P_ID, 0)), .role = ROLE_EDITOR,
     .flags = M_WRITE, .handler = m_post_submit},
    {.name = "post.update",
     .args = GL_PARAMS(GL_REQ("id", P_ID, 0), GL_OPT("caption", P_STR, GL_MAX_CAPTION),
                       GL_OPT_STRS("platforms", GL_MAX_PLATFORMS, GL_MAX_PLATFORM_LEN),
                       GL_OPT("scheduled_at", P_INT, 0), GL_OPT("notes", P_STR, GL_MAX_NOTES),
                       GL_OPT("media", P_IDS, GL_MAX_MEDIA)),
     .role = ROLE_EDITOR, .flags = M_WRITE, .handler = m_post_update},
    /* steps: [{name, who, approver?}], read (and its count checked) by the handler. */
    {.name = "profile.create",
     .args = GL_PARAMS(GL_REQ("name", P_STR, GL_MAX_NAME), GL_REQ("timezone", P_STR, 64),
                       GL_REQ_STRS("platforms", GL_MAX_PLATFORMS, GL_MAX_PLATFORM_LEN),
                       GL_OPT("auto_schedule", P_BOOL, 0), GL_OPT("week_start", P_STR, 16),
                       GL_OPT("steps", P_ANY, 0), GL_OPT("reminder_minutes", P_INT, 0),
                       GL_OPT("display_name", P_STR, GL_MAX_NAME), GL_OPT("accent", P_STR, 16),
                       GL_OPT("sender_name", P_STR, GL_MAX_NAME), GL_OPT("logo", P_INT, 0),
                       GL_OPT("credit", P_BOOL, 0), GL_OPT("language", P_STR, 16),
                       GL_OPT("publish_webhook", P_ANY, 0)),
     .role = ROLE_MANAGER, .flags = M_WRITE, .handler = m_profile_create},
    {.name = "profile.list", .args = GL_NO_PARAMS, .role = ROLE_VIEWER, .handler = m_profile_list},
    {.name = "profile.update",
     .args = GL_PARAMS(GL_REQ("id", P_ID, 0), GL_OPT("name", P_STR, GL_MAX_NAME),
                       GL_OPT("timezone", P_STR, 64),
                       GL_OPT_STRS("platforms", GL_MAX_PLATFORMS, GL_MAX_PLATFORM_LEN),
                       GL_OPT("auto_schedule", P_BOOL, 0), GL_OPT("week_start", P_STR, 16),
                       GL_OPT("steps", P_ANY, 0), GL_OPT("reminder_minutes", P_INT, 0),
                       GL_OPT("display_name", P_STR, GL_MAX_NAME), GL_OPT("accent", P_STR, 16),
                       GL_OPT("sender_name", P_STR, GL_MAX_NAME), GL_OPT("logo", P_INT, 0),
                       GL_OPT("credit", P_BOOL, 0), GL_OPT("language", P_STR, 16),
                       GL_OPT("publish_webhook", P_ANY, 0)),
     .role = ROLE_MANAGER, .flags = M_WRITE, .handler = m_profile_update},
    {.name = "receipt.list",
     .args = GL_PARAMS(GL_REQ("profile", P_ID, 0), GL_OPT("from", P_INT, 0), GL_OPT("to", P_INT, 0),
                       GL_OPT("post", P_ID, 0)),
     .role = ROLE_VIEWER, .handler = m_receipt_list},
    {.name = "server.describe", .args = GL_NO_PARAMS, .role = ROLE_NONE, .flags = M_ANON,
     .handler = m_server_describe},
    {.name = "server.ping", .args = GL_NO_PARAMS, .role = ROLE_NONE, .flags = M_ANON,
     .handler = m_server_ping},
    /* password: its length is checked by the handler, after the hash (GL_MIN_PASSWORD). */
    {.name = "user.create",
     .args = GL_PARAMS(GL_REQ("name", P_STR, 32), GL_REQ("password", P_STR, GL_MAX_PASSWORD),
                       GL_REQ("role", P_STR, 16), GL_OPT("email", P_STR, GL_MAX_EMAIL),
                       GL_OPT("mail", P_STR, 16)),
     .role = ROLE_ADMIN, .flags = M_WRITE, .handler = m_user_create, .work = m_user_hash_work},
    /* A user is never deleted (history names them): disabled, they cannot log in. */
    {.name = "user.disable", .args = GL_PARAMS(GL_REQ("name", P_STR, GL_MAX_NAME)),
     .role = ROLE_ADMIN, .flags = M_WRITE, .handler = m_user_disable},
    {.name = "user.enable", .args = GL_PARAMS(GL_REQ("name", P_STR, GL_MAX_NAME)),
     .role = ROLE_ADMIN, .flags = M_WRITE, .handler = m_user_enable},
    {.name = "user.list", .args = GL_NO_PARAMS, .role = ROLE_ADMIN, .handler = m_user_list},
    /* Anyone may change their own password; the handler checks the name. */
    {.name = "user.set_password",
     .args = GL_PARAMS(GL_REQ("name", P_STR, GL_MAX_NAME),
                       GL_REQ("password", P_STR, GL_MAX_PASSWORD)),
     .role = ROLE_VIEWER, .flags = M_WRITE, .handler = m_user_set_password,
     .work = m_user_hash_work},
    /* Anyone may change their own email and mail; only an admin a role or others'. */
    {.name = "user.update",
     .args = GL_PARAMS(GL_REQ("name", P_STR, GL_MAX_NAME), GL_OPT("email", P_STR, GL_MAX_EMAIL),
                       GL_OPT("mail", P_STR, 16), GL_OPT("role", P_STR, 16),
                       GL_OPT("timezone", P_STR, 64)),
     .role = ROLE_VIEWER, .flags = M_WRITE, .handler = m_user_update},
    {.name = "webhook.create",
     .args = GL_PARAMS(GL_REQ("url", P_STR, GL_WEBHOOK_URL_MAX),
                       GL_REQ_STRS("events", GL_WEBHOOK_MAX_EVENTS, GL_WEBHOOK_EVENT_MAX)),
     .role = ROLE_ADMIN, .flags = M_WRITE, .handler = m_webhook_create,
     .admit = m_webhook_create_admit},
    {.name = "webhook.delete", .args = GL_PARAMS(GL_REQ("id", P_ID, 0)), .role = ROLE_ADMIN,
     .flags = M_WRITE, .handler = m_webhook_delete},
    {.name = "webhook.deliveries", .args = GL_PARAMS(GL_REQ("id", P_ID, 0)),
     .role = ROLE_ADMIN, .handler = m_webhook_deliveries},
    {.name = "webhook.list", .args = GL_NO_PARAMS, .role = ROLE_ADMIN,
     .handler = m_webhook_list},
    {.name = "webhook.redeliver", .args = GL_PARAMS(GL_REQ("delivery", P_ID, 0)),
     .role = ROLE_ADMIN, .flags = M_WRITE, .handler = m_webhook_redeliver},
    {.name = "webhook.update",
     .args = GL_PARAMS(GL_REQ("id", P_ID, 0), GL_OPT("url", P_STR, GL_WEBHOOK_URL_MAX),
                       GL_OPT_STRS("events", GL_WEBHOOK_MAX_EVENTS, GL_WEBHOOK_EVENT_MAX),
                       GL_OPT("paused", P_BOOL, 0)),
     .role = ROLE_ADMIN, .flags = M_WRITE, .handler = m_webhook_update},
};
const size_t gl_nmethods = sizeof gl_methods / sizeof gl_methods[0];

const struct gl_method *gl_method_find(const char *name, size_t n)
{
    size_t lo = 0, hi = gl_nmethods;
    if (n == 0) return NULL; /* msgpack gives an empty string a NULL pointer; memcmp must not see it */
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

#define GL_PTYPE_NAME(id, name) [id] = name,
static const char *const ptype_names[] = {GL_PARAM_TYPES(GL_PTYPE_NAME)};
#undef GL_PTYPE_NAME

const char *gl_ptype_name(enum gl_ptype type)
{
    return (unsigned)type < sizeof ptype_names / sizeof ptype_names[0] ? ptype_names[type] : "any";
}

const struct gl_param *gl_method_params(const struct gl_method *m)
{
    static const struct gl_param none[] = {{.name = NULL}};
    return m->args ? m->args : none;
}

static bool declared(const struct gl_param *params, const msgpack_object *key)
{
    for (; params->name; params++)
        if (gl_obj_streq(key, params->name)) return true;
    return false;
}

/* Reads one present parameter of its type into v; false with err set. */
static bool read_typed(const struct gl_param *p, const struct gl_args *a,
                       const msgpack_object *o, struct gl_argval *v, struct gl_err *err)
{
    switch (p->type) {
    case P_STR:
        return gl_args_str(a, p->name, p->max, &v->s, err);
    case P_INT:
    case P_ID:
        return gl_args_int(a, p->name, &v->i, err);
    case P_BOOL:
        return gl_args_bool(a, p->name, &v->b, err);
    case P_BIN:
        return gl_args_bin(a, p->name, p->max, &v->bin.p, &v->bin.n, err);
    case P_STRS:
        return gl_args_strlist(a, p->name, p->max, p->item_max, &v->strs.v, &v->strs.n, err);
    case P_IDS:
        return gl_args_intlist(a, p->name, p->max, &v->ids.v, &v->ids.n, err);
    case P_ARRAY:
        if (o->type != MSGPACK_OBJECT_ARRAY) {
            gl_err_set(err, GL_E_BAD_REQUEST, "'%s' must be a list", p->name);
            return false;
        }
        if (p->max && o->via.array.size > p->max) {
            gl_err_set(err, GL_E_TOO_LARGE, "'%s' has more than %u items", p->name, p->max);
            return false;
        }
        break;
    case P_MAP:
        if (o->type != MSGPACK_OBJECT_MAP) {
            gl_err_set(err, GL_E_BAD_REQUEST, "'%s' must be a map", p->name);
            return false;
        }
        break;
    case P_ANY:
        break;
    }
    v->o = o;
    return true;
}

bool gl_method_read_args(const struct gl_method *m, const struct gl_args *a,
                         struct gl_argval *out, struct gl_err *err)
{
    const struct gl_param *params = gl_method_params(m);
    /* In the order the replies have always followed: what is missing, what is unknown, then
     * what is of the wrong type or too long. */
    for (const struct gl_param *p = params; p->name; p++)
        if (!p->optional && !gl_args_require(a, p->name, err)) return false;
    if (a->map)
        for (uint32_t i = 0; i < a->map->via.map.size; i++) {
            const msgpack_object *k = &a->map->via.map.ptr[i].key;
            if (k->type != MSGPACK_OBJECT_STR) {
                gl_err_set(err, GL_E_BAD_REQUEST, "argument names are strings");
                return false;
            }
            if (!declared(params, k)) {
                gl_err_set(err, GL_E_BAD_REQUEST, "unknown argument '%.*s'",
                           (int)(k->via.str.size > 64 ? 64 : k->via.str.size), k->via.str.ptr);
                return false;
            }
        }
    for (size_t i = 0; params[i].name; i++) {
        out[i] = (struct gl_argval){.present = false};
        const msgpack_object *o = gl_args_get(a, params[i].name);
        if (!o) continue;
        if (!read_typed(&params[i], a, o, &out[i], err)) return false;
        out[i].present = true;
    }
    return true;
}

const struct gl_argval *req_arg(const struct gl_req *req, const char *name)
{
    static const struct gl_argval absent = {.present = false};
    const struct gl_param *params = gl_method_params(req->method);
    for (size_t i = 0; params[i].name; i++)
        if (strcmp(params[i].name, name) == 0) return &req->argv[i];
    return &absent;
}

bool req_str(const struct gl_req *req, const char *name, const char **out)
{
    const struct gl_argval *v = req_arg(req, name);
    if (v->present) *out = v->s;
    return v->present;
}

bool req_int(const struct gl_req *req, const char *name, int64_t *out)
{
    const struct gl_argval *v = req_arg(req, name);
    if (v->present) *out = v->i;
    return v->present;
}

bool req_bool(const struct gl_req *req, const char *name, bool *out)
{
    const struct gl_argval *v = req_arg(req, name);
    if (v->present) *out = v->b;
    return v->present;
}

bool req_ids(const struct gl_req *req, const char *name, int64_t **out, size_t *n)
{
    const struct gl_argval *v = req_arg(req, name);
    if (v->present) {
        *out = v->ids.v;
        *n = v->ids.n;
    }
    return v->present;
}

bool req_strs(const struct gl_req *req, const char *name, const char ***out, size_t *n)
{
    const struct gl_argval *v = req_arg(req, name);
    if (v->present) {
        *out = v->strs.v;
        *n = v->strs.n;
    }
    return v->present;
}

const msgpack_object *req_obj(const struct gl_req *req, const char *name)
{
    const struct gl_argval *v = req_arg(req, name);
    return v->present ? v->o : NULL;
}
