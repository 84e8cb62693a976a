/* profile.create, profile.list, profile.update. */
#include "methods.h"

#include <sodium.h>
#include <string.h>

#include "contrast.h"
#include "i18n.h"
#include "tz.h"
#include "webhook.h"

/* A logo is shown in the header of every page: small images only. */
#define LOGO_MAX ((int64_t)512 << 10)

/* Reads the brand (display_name, accent, sender_name, logo, credit) into p. */
static int read_brand(struct gl_req *req, struct gl_txn *t, struct gl_profile *p)
{
    struct gl_err *err = &req->op.err;
    gl_args_str(&req->args, "display_name", GL_MAX_NAME, &p->display_name, err);
    gl_args_str(&req->args, "accent", 16, &p->accent, err);
    gl_args_str(&req->args, "sender_name", GL_MAX_NAME, &p->sender_name, err);
    bool credit = p->credit;
    bool credit_given = gl_args_bool(&req->args, "credit", &credit, err);
    int64_t logo = (int64_t)p->logo;
    bool logo_given = gl_args_int(&req->args, "logo", &logo, err);
    if (err->code) return -1;
    if (credit_given && credit != p->credit && req->role < ROLE_ADMIN)
        return REQ_FAIL(req, GL_E_FORBIDDEN, "only an admin turns the Greenlight credit on or off");
    p->credit = credit;
    uint32_t rgb;
    if (*p->accent && !gl_colour_parse(p->accent, &rgb))
        return REQ_FAIL(req, GL_E_BAD_REQUEST, "accent is a colour written #rrggbb, not '%s'",
                        p->accent);
    char why[200];
    if (*p->accent && !gl_accent_ok(rgb, why, sizeof why))
        return REQ_FAIL(req, GL_E_BAD_REQUEST, "%s", why);
    if (logo_given && logo != 0) {
        struct gl_key k;
        MDB_val v;
        msgpack_object o;
        key_id(&k, (uint64_t)logo);
        if (logo < 0 || gl_get(t, DB_MEDIA, &k, &v) != 0 ||
            gl_record_unpack(&v, req->msg.zone, &o) != 0)
            return REQ_FAIL(req, GL_E_NOT_FOUND, "no media %lld for the logo", (long long)logo);
        /* media.upload checked the type by content; a logo is shown on every page. */
        if (gl_field_int(&o, "size", 0) > LOGO_MAX)
            return REQ_FAIL(req, GL_E_TOO_LARGE, "a logo is at most 512 KiB");
    }
    p->logo = (uint64_t)logo;
    return 0;
}

/* Reads "steps": [{name, who, approver?}]: who a staff role name, "approver" ("external" in
 * older clients), "collaborator" or "any" (records.h); approver only for an approver step. */
static int read_steps(struct gl_req *req, struct gl_profile *p)
{
    const msgpack_object *o = req_obj(req, "steps");
    if (!o) return 0;
    if (o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size > GL_MAX_STEPS)
        return REQ_FAIL(req, GL_E_BAD_REQUEST, "steps is a list of at most %d {name, who}",
                        GL_MAX_STEPS);
    p->steps = msgpack_zone_malloc(req->msg.zone, sizeof *p->steps * (o->via.array.size + 1));
    p->nsteps = 0;
    for (uint32_t i = 0; i < o->via.array.size; i++) {
        struct gl_args step = {.map = &o->via.array.ptr[i], .zone = req->msg.zone};
        const char *name = NULL, *who = NULL, *approver = NULL;
        if (step.map->type != MSGPACK_OBJECT_MAP ||
            !gl_args_str(&step, "name", GL_MAX_NAME, &name, &req->op.err) ||
            !gl_args_str(&step, "who", 16, &who, &req->op.err)) {
            if (req->op.err.code) return -1;
            return REQ_FAIL(req, GL_E_BAD_REQUEST, "step %u has a name and a who", i + 1);
        }
        if (!*name) return REQ_FAIL(req, GL_E_BAD_REQUEST, "step %u has an empty name", i + 1);
        int kind = gl_step_kind(who);
        if (kind < 0)
            return REQ_FAIL(req, GL_E_BAD_REQUEST,
                            "step %u: who is editor, manager, admin, approver, collaborator or "
                            "any, not '%s'",
                            i + 1, who);
        if (!gl_args_str(&step, "approver", GL_MAX_NAME, &approver, &req->op.err) &&
            req->op.err.code)
            return -1;
        if (approver && kind != STEP_APPROVER)
            return REQ_FAIL(req, GL_E_BAD_REQUEST,
                            "step %u: only an approver step names its approver", i + 1);
        if (approver && !*approver)
            return REQ_FAIL(req, GL_E_BAD_REQUEST, "step %u: the approver's name is empty", i + 1);
        p->steps[p->nsteps++] = (struct gl_step){name, who, approver};
    }
    return 0;
}

/* Reads the optional fields shared by create and update into p. */
static int read_profile_fields(struct gl_req *req, struct gl_profile *p)
{
    const char *ws = NULL;
    if (read_steps(req, p)) return -1;
    if (req_int(req, "reminder_minutes", &p->reminder_minutes) &&
        (p->reminder_minutes < 0 || p->reminder_minutes > 7 * 24 * 60))
        return REQ_FAIL(req, GL_E_BAD_REQUEST, "reminder_minutes is 0 to 10080");
    req_str(req, "name", &p->name);
    req_str(req, "timezone", &p->timezone);
    req_strs(req, "platforms", &p->platforms, &p->nplatforms);
    req_bool(req, "auto_schedule", &p->auto_schedule);
    req_str(req, "week_start", &ws);
    const char *lang = NULL;
    if (req_str(req, "language", &lang) && gl_lang_arg(lang, &p->language) != 0)
        return REQ_FAIL(req, GL_E_BAD_REQUEST, "language is one of %s, not '%s'", gl_lang_tags(),
                        lang);
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

/* Reads "publish_webhook": a webhook endpoint's id (webhook.create) that publishes the posts,
 * or 0 for none (the publisher command, if any). */
static int read_publish_webhook(struct gl_req *req, struct gl_txn *t, struct gl_profile *p)
{
    const msgpack_object *o = req_obj(req, "publish_webhook");
    if (!o) return 0;
    int64_t id = 0;
    if (o->type != MSGPACK_OBJECT_NIL && (!gl_obj_int(o, &id) || id < 0))
        return REQ_FAIL(req, GL_E_BAD_REQUEST, "publish_webhook is a webhook id, or 0 for none");
    if (id > 0) {
        struct gl_webhook w;
        if (gl_webhook_load(t, (uint64_t)id, req->msg.zone, &w) != 0)
            return REQ_FAIL(req, GL_E_NOT_FOUND, "no webhook %lld", (long long)id);
        sodium_memzero(w.secret, sizeof w.secret);
    }
    p->publish_webhook = (uint64_t)id;
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
    /* By default one step, decided by a manager or a link visitor. */
    static struct gl_step default_step = {.name = "Approval", .who = "any"};
    struct gl_profile p = {.name = "", .timezone = "", .steps = &default_step, .nsteps = 1,
                           .reminder_minutes = 60, .display_name = "", .accent = "",
                           .sender_name = "", .credit = true};
    if (read_profile_fields(req, &p) || read_brand(req, t, &p) ||
        read_publish_webhook(req, t, &p))
        return -1;
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
    req_int(req, "id", &id);
    struct gl_profile p;
    if (id <= 0 || gl_profile_load(t, (uint64_t)id, req->msg.zone, &p) != 0)
        return REQ_FAIL(req, GL_E_NOT_FOUND, "no profile %lld", (long long)id);
    if (read_profile_fields(req, &p) || read_brand(req, t, &p) ||
        read_publish_webhook(req, t, &p))
        return -1;
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
