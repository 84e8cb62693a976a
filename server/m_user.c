/* user.create, user.list, user.set_password, user.update, user.disable, user.enable. */
#include "methods.h"

#include <string.h>

#include "auth.h"
#include "tz.h"

/* Thread pool: hashes the "password" argument for the handler. */
void m_user_hash_work(struct gl_req *req)
{
    const char *pw = NULL;
    if (!req_str(req, "password", &pw) || strlen(pw) < GL_MIN_PASSWORD)
        return; /* the handler reports it */
    req->work_data = gl_password_hash(pw);
}

static int check_password_arg(struct gl_req *req)
{
    const char *pw = "";
    req_str(req, "password", &pw);
    if (strlen(pw) < GL_MIN_PASSWORD)
        return REQ_FAIL(req, GL_E_BAD_REQUEST, "a password has at least %d characters",
                        GL_MIN_PASSWORD);
    if (!req->work_data) return REQ_FAIL(req, GL_E_INTERNAL, "could not hash the password");
    return 0;
}

static bool valid_name(const char *s)
{
    if (!*s) return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '.' || *s == '_' || *s == '-'))
            return false;
    return true;
}

int m_user_create(struct gl_req *req, struct gl_txn *t)
{
    const char *name = "", *role_name = "", *email = NULL;
    const char *mail_name = NULL;
    req_str(req, "name", &name);
    req_str(req, "role", &role_name);
    req_str(req, "email", &email);
    req_str(req, "mail", &mail_name);
    int mail = mail_name ? gl_mail_parse(mail_name) : MAIL_NONE;
    if (mail < 0) return REQ_FAIL(req, GL_E_BAD_REQUEST, "mail is none, each or digest");
    if (!valid_name(name))
        return REQ_FAIL(req, GL_E_BAD_REQUEST,
                        "a user name is 1-32 letters, digits, '.', '_' or '-'");
    enum gl_role role = gl_role_parse(role_name);
    if (role == ROLE_NONE)
        return REQ_FAIL(req, GL_E_BAD_REQUEST, "role is admin, manager, editor or viewer");
    if (email && !strchr(email, '@'))
        return REQ_FAIL(req, GL_E_BAD_REQUEST, "email is not an address");
    if (check_password_arg(req)) return -1;
    struct gl_key k;
    MDB_val v;
    key_bytes(&k, name, strlen(name));
    if (gl_get(t, DB_USERS, &k, &v) == 0)
        return REQ_FAIL(req, GL_E_CONFLICT, "user '%s' exists", name);
    struct gl_user u = {.name = name, .role = role, .email = email, .mail = (enum gl_mail)mail,
                        .pwhash = req->work_data, .created_at = req->now};
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    gl_user_encode(&u, &sb);
    gl_put(t, DB_USERS, &k, sb.data, sb.size);
    msgpack_sbuffer_destroy(&sb);
    msgpack_pack_map(&req->pk, 2);
    gl_pack_kv_str(&req->pk, "name", name);
    gl_pack_kv_str(&req->pk, "role", gl_role_name(role));
    return 0;
}

int m_user_list(struct gl_req *req, struct gl_txn *t)
{
    /* LMDB refuses an empty key, so the range starts at the smallest one-byte key. */
    struct gl_key lo = {.b = {0}, .n = 1}, hi;
    memset(hi.b, 0xff, sizeof hi.b);
    hi.n = sizeof hi.b;
    msgpack_packer *pk = &req->pk;
    msgpack_pack_map(pk, 1);
    gl_pack_key(pk, "users");
    MDB_stat st;
    if (mdb_stat(t->txn, t->store->dbi[DB_USERS], &st)) st.ms_entries = 0;
    struct gl_range r;
    gl_range_open(t, DB_USERS, &lo, &hi, &r);
    msgpack_pack_array(pk, st.ms_entries);
    MDB_val key, val;
    size_t n = 0;
    while (n < st.ms_entries && gl_range_next(&r, &key, &val)) {
        struct gl_user u;
        if (gl_user_decode(&val, req->msg.zone, &u) != 0) u = (struct gl_user){.name = "?"};
        gl_user_pack(pk, &u);
        n++;
    }
    gl_range_close(&r);
    for (; n < st.ms_entries; n++) msgpack_pack_nil(pk);
    return 0;
}

/* A new generation ends the user's sessions once committed (rpc_conn.c); the reason is told to
 * the connections closed. */
static void end_sessions(struct gl_req *req, struct gl_user *u, const char *reason)
{
    u->session_gen++;
    req->end_sessions_of = u->name;
    req->end_reason = reason;
    req->new_gen = u->session_gen;
}

int m_user_set_password(struct gl_req *req, struct gl_txn *t)
{
    const char *name = "";
    req_str(req, "name", &name);
    if (req->role != ROLE_ADMIN && strcmp(name, req->user) != 0)
        return REQ_FAIL(req, GL_E_FORBIDDEN, "only an admin sets another user's password");
    if (check_password_arg(req)) return -1;
    struct gl_user u;
    if (gl_user_load(t, name, req->msg.zone, &u) != 0)
        return REQ_FAIL(req, GL_E_NOT_FOUND, "no user '%s'", name);
    u.pwhash = req->work_data;
    end_sessions(req, &u, "the password was changed");
    gl_user_save(t, &u);
    msgpack_pack_map(&req->pk, 0);
    return 0;
}

/* Active admins other than name: the store must keep at least one who can log in. */
static size_t other_active_admins(struct gl_req *req, struct gl_txn *t, const char *name)
{
    struct gl_key lo = {.b = {0}, .n = 1}, hi;
    memset(hi.b, 0xff, sizeof hi.b);
    hi.n = sizeof hi.b;
    struct gl_range r;
    gl_range_open(t, DB_USERS, &lo, &hi, &r);
    MDB_val key, val;
    size_t n = 0;
    while (gl_range_next(&r, &key, &val)) {
        struct gl_user u;
        if (gl_user_decode(&val, req->msg.zone, &u) == 0 && u.role == ROLE_ADMIN &&
            !u.disabled && strcmp(u.name, name) != 0)
            n++;
    }
    gl_range_close(&r);
    return n;
}

static int set_disabled(struct gl_req *req, struct gl_txn *t, bool disabled)
{
    const char *name = "";
    req_str(req, "name", &name);
    struct gl_user u;
    if (gl_user_load(t, name, req->msg.zone, &u) != 0)
        return REQ_FAIL(req, GL_E_NOT_FOUND, "no user '%s'", name);
    if (disabled && strcmp(name, req->user) == 0)
        return REQ_FAIL(req, GL_E_INVALID_STATE, "an admin cannot disable themself");
    if (disabled && u.role == ROLE_ADMIN && !u.disabled && other_active_admins(req, t, name) == 0)
        return REQ_FAIL(req, GL_E_INVALID_STATE, "'%s' is the last active admin", name);
    if (u.disabled != disabled) {
        u.disabled = disabled;
        if (disabled) end_sessions(req, &u, "the account was disabled");
        gl_user_save(t, &u);
    }
    gl_user_pack(&req->pk, &u);
    return 0;
}

int m_user_disable(struct gl_req *req, struct gl_txn *t)
{
    return set_disabled(req, t, true);
}

int m_user_enable(struct gl_req *req, struct gl_txn *t)
{
    return set_disabled(req, t, false);
}

int m_user_update(struct gl_req *req, struct gl_txn *t)
{
    const char *name = "", *email = NULL, *mail_name = NULL, *role_name = NULL, *zone = NULL;
    req_str(req, "name", &name);
    bool has_zone = req_str(req, "timezone", &zone);
    bool has_email = req_str(req, "email", &email);
    req_str(req, "mail", &mail_name);
    req_str(req, "role", &role_name);
    if (req->role != ROLE_ADMIN && (strcmp(name, req->user) != 0 || role_name))
        return REQ_FAIL(req, GL_E_FORBIDDEN,
                        "only an admin changes roles or another user's settings");
    struct gl_user u;
    if (gl_user_load(t, name, req->msg.zone, &u) != 0)
        return REQ_FAIL(req, GL_E_NOT_FOUND, "no user '%s'", name);
    if (has_email) {
        if (*email && !strchr(email, '@'))
            return REQ_FAIL(req, GL_E_BAD_REQUEST, "email is not an address");
        u.email = *email ? email : NULL;
    }
    if (mail_name) {
        int m = gl_mail_parse(mail_name);
        if (m < 0) return REQ_FAIL(req, GL_E_BAD_REQUEST, "mail is none, each or digest");
        u.mail = (enum gl_mail)m;
    }
    /* "" goes back to the post's profile's zone. */
    if (has_zone) {
        if (*zone && !gl_tz_valid(zone))
            return REQ_FAIL(req, GL_E_BAD_REQUEST,
                            "'%s' is not a known time zone (e.g. Europe/Paris)", zone);
        u.timezone = *zone ? zone : NULL;
    }
    if (role_name) {
        enum gl_role r = gl_role_parse(role_name);
        if (r == ROLE_NONE)
            return REQ_FAIL(req, GL_E_BAD_REQUEST, "role is admin, manager, editor or viewer");
        if (u.role == ROLE_ADMIN && r != ROLE_ADMIN && !u.disabled &&
            other_active_admins(req, t, name) == 0)
            return REQ_FAIL(req, GL_E_INVALID_STATE, "'%s' is the last active admin", name);
        /* No session to end: every request reads the role from the store (rpc_conn.c). */
        u.role = r;
    }
    gl_user_save(t, &u);
    gl_user_pack(&req->pk, &u);
    return 0;
}
