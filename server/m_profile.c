/* profile.create, profile.list, profile.update. */
#include "methods.h"

#include <string.h>

#include "tz.h"

/* Reads the optional fields shared by create and update into p. */
static int read_profile_fields(struct gl_req *req, struct gl_profile *p)
{
    struct gl_err *err = &req->op.err;
    const char *ws = NULL;
    gl_args_str(&req->args, "name", GL_MAX_NAME, &p->name, err);
    gl_args_str(&req->args, "timezone", 64, &p->timezone, err);
    gl_args_strlist(&req->args, "platforms", GL_MAX_PLATFORMS, GL_MAX_PLATFORM_LEN,
                    &p->platforms, &p->nplatforms, err);
    gl_args_bool(&req->args, "auto_schedule", &p->auto_schedule, err);
    gl_args_str(&req->args, "week_start", 16, &ws, err);
    if (err->code) return -1;
    if (!*p->name) return REQ_FAIL(req, GL_E_BAD_REQUEST, "a profile needs a name");
    if (!gl_tz_valid(p->timezone))
        return REQ_FAIL(req, GL_E_BAD_REQUEST, "'%s' is not a known time zone (e.g. Europe/Paris)",
                        p->timezone);
    if (p->nplatforms == 0)
        return REQ_FAIL(req, GL_E_BAD_REQUEST, "a profile needs at least one platform");
    if (ws) {
        if (strcmp(ws, "monday") && strcmp(ws, "sunday"))
            return REQ_FAIL(req, GL_E_BAD_REQUEST, "week_start is monday or sunday");
        p->week_start = strcmp(ws, "sunday") == 0 ? 6 : 0;
    }
    return 0;
}

static void save(struct gl_txn *t, const struct gl_profile *p)
{
    struct gl_key k;
    key_id(&k, p->id);
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    gl_profile_encode(p, &sb);
    gl_put(t, DB_PROFILES, &k, sb.data, sb.size);
    msgpack_sbuffer_destroy(&sb);
}

int m_profile_create(struct gl_req *req, struct gl_txn *t)
{
    struct gl_profile p = {.name = "", .timezone = ""};
    if (read_profile_fields(req, &p)) return -1;
    p.id = gl_next_id(t, DB_PROFILES);
    p.created_at = req->now;
    save(t, &p);
    msgpack_pack_map(&req->pk, 1);
    gl_pack_kv_int(&req->pk, "id", (int64_t)p.id);
    return 0;
}

int m_profile_update(struct gl_req *req, struct gl_txn *t)
{
    int64_t id = 0;
    gl_args_int(&req->args, "id", &id, &req->op.err);
    struct gl_key k;
    MDB_val v;
    struct gl_profile p;
    key_id(&k, (uint64_t)id);
    if (id <= 0 || gl_get(t, DB_PROFILES, &k, &v) != 0 ||
        gl_profile_decode(&v, req->msg.zone, &p) != 0)
        return REQ_FAIL(req, GL_E_NOT_FOUND, "no profile %lld", (long long)id);
    if (read_profile_fields(req, &p)) return -1;
    save(t, &p);
    gl_profile_pack(&req->pk, &p);
    return 0;
}

int m_profile_list(struct gl_req *req, struct gl_txn *t)
{
    struct gl_key lo, hi;
    key_id(&lo, 0);
    key_id(&hi, UINT64_MAX);
    MDB_stat st;
    if (mdb_stat(t->txn, t->store->dbi[DB_PROFILES], &st)) st.ms_entries = 0;
    msgpack_pack_map(&req->pk, 1);
    gl_pack_key(&req->pk, "profiles");
    msgpack_pack_array(&req->pk, st.ms_entries);
    struct gl_range r;
    gl_range_open(t, DB_PROFILES, &lo, &hi, &r);
    MDB_val key, val;
    size_t n = 0;
    while (n < st.ms_entries && gl_range_next(&r, &key, &val)) {
        struct gl_profile p;
        if (gl_profile_decode(&val, req->msg.zone, &p) != 0) {
            msgpack_pack_nil(&req->pk);
        } else {
            gl_profile_pack(&req->pk, &p);
        }
        n++;
    }
    gl_range_close(&r);
    for (; n < st.ms_entries; n++) msgpack_pack_nil(&req->pk);
    return 0;
}
