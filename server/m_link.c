/* link.*: creating, listing, revoking, regenerating and extending external links. Tokens are
 * made on the loop before the write (a write may run twice), passwords hashed on the thread
 * pool; only hashes are stored. */
#include "methods.h"

#include <sodium.h>
#include <string.h>

#include "auth.h"
#include "i18n.h"
#include "linkpolicy.h"
#include "links.h"
#include "mail.h"
#include "notify.h"
#include "web.h"
#include "workflow.h"

struct link_input {
    char token[GL_TOKEN_LEN + 1];
    unsigned char token_hash[GL_HASH_BYTES];
    bool has_password;
    bool generated;
    char password[GL_MAX_PASSWORD + 1];
    char hash[crypto_pwhash_STRBYTES];
    bool hash_failed;
};

static struct link_input *input_new(struct gl_req *req)
{
    struct link_input *in = calloc(1, sizeof *in);
    if (!in) return NULL;
    gl_token_new(in->token, in->token_hash);
    req->work_data = in;
    return in;
}

static void generate_password(struct link_input *in)
{
    char pw[20];
    gl_readable_password(pw);
    snprintf(in->password, sizeof in->password, "%s", pw);
    in->has_password = in->generated = true;
}

int m_link_create_admit(struct gl_req *req)
{
    struct gl_err *err = &req->op.err;
    struct link_input *in = input_new(req);
    if (!in) return REQ_FAIL(req, GL_E_INTERNAL, "out of memory");
    const char *kind = NULL;
    req_str(req, "kind", &kind);
    const msgpack_object *pw = req_obj(req, "password");
    if (pw && pw->type == MSGPACK_OBJECT_BOOLEAN) {
        if (pw->via.boolean) generate_password(in);
    } else if (pw) {
        const char *s = NULL;
        if (!gl_args_str(&req->args, "password", GL_MAX_PASSWORD, &s, err)) {
            if (!err->code) gl_err_set(err, GL_E_BAD_REQUEST, "'password' must be a string or true");
            return -1;
        }
        long min = gl_srv->opt.link_password_min ? gl_srv->opt.link_password_min
                                                 : GL_MIN_PASSWORD;
        if ((long)strlen(s) < min)
            return REQ_FAIL(req, GL_E_BAD_REQUEST, "a password has at least %ld bytes", min);
        snprintf(in->password, sizeof in->password, "%s", s);
        in->has_password = true;
    }
    /* A link made for an approver always has a password. */
    int k = kind ? gl_link_kind_parse(kind) : -1;
    if (k >= 0 && gl_link_policy((enum gl_link_kind)k)->for_approver && !in->has_password)
        generate_password(in);
    return 0;
}

void m_link_hash_work(struct gl_req *req)
{
    struct link_input *in = req->work_data;
    if (!in || !in->has_password) return;
    char *h = gl_password_hash(in->password);
    if (!h) {
        in->hash_failed = true;
        return;
    }
    snprintf(in->hash, sizeof in->hash, "%s", h);
    sodium_memzero(h, strlen(h));
    free(h);
}

static void staff_wf(struct gl_req *req, struct gl_txn *t, struct gl_actor *a, struct gl_wf *wf)
{
    *a = (struct gl_actor){.name = req->user, .kind = ACTOR_STAFF, .role = req->role};
    *wf = (struct gl_wf){.t = t, .op = &req->op, .zone = req->msg.zone, .actor = a,
                         .now = req->now};
}

static void link_event(struct gl_req *req, struct gl_txn *t, enum gl_event_type type,
                       const struct gl_link *l, const char *verb)
{
    struct gl_actor a;
    struct gl_wf wf;
    staff_wf(req, t, &a, &wf);
    char text[160];
    snprintf(text, sizeof text, "%s %s %s link %llu", req->user, verb, gl_link_kind_name(l->kind),
             (unsigned long long)l->id);
    wf_event(&wf, type, NULL, l->id, gl_zone_strdup(req->msg.zone, text));
}

static void link_url(char *out, size_t n, const struct link_input *in)
{
    snprintf(out, n, "%s/l/%s", gl_web_public_url(), in->token);
}

/* {id, url, token, password?, expires_at} */
static void reply_token(struct gl_req *req, const struct gl_link *l, const struct link_input *in)
{
    msgpack_packer *pk = &req->pk;
    msgpack_pack_map(pk, in->generated ? 5 : 4);
    gl_pack_kv_int(pk, "id", (int64_t)l->id);
    char url[700];
    link_url(url, sizeof url, in);
    gl_pack_kv_str(pk, "url", url);
    gl_pack_kv_str(pk, "token", in->token);
    if (in->generated) gl_pack_kv_str(pk, "password", in->password);
    gl_pack_key(pk, "expires_at");
    if (l->expires_at)
        msgpack_pack_int64(pk, l->expires_at);
    else
        msgpack_pack_nil(pk);
}

int m_link_create(struct gl_req *req, struct gl_txn *t)
{
    struct gl_err *err = &req->op.err;
    struct link_input *in = req->work_data;
    if (in->hash_failed) return REQ_FAIL(req, GL_E_INTERNAL, "cannot hash the password");
    int64_t profile = 0, ttl_days = 0, expires_at = 0;
    const char *kind_name = NULL, *approver = NULL, *email = NULL, *lang = NULL, *language = NULL;
    int64_t *posts = NULL;
    size_t nposts = 0;
    req_int(req, "profile", &profile);
    req_str(req, "kind", &kind_name);
    req_str(req, "approver", &approver);
    req_ids(req, "posts", &posts, &nposts);
    req_str(req, "email", &email);
    bool has_ttl = req_int(req, "ttl_days", &ttl_days);
    bool has_exp = req_int(req, "expires_at", &expires_at);
    req_str(req, "language", &lang);
    if (gl_lang_arg(lang, &language) != 0)
        return REQ_FAIL(req, GL_E_BAD_REQUEST, "language is one of %s, not '%s'", gl_lang_tags(),
                        lang);
    int kind = gl_link_kind_parse(kind_name);
    if (kind < 0)
        return REQ_FAIL(req, GL_E_BAD_REQUEST, "kind is calendar, collab or approval");
    struct gl_actor a;
    struct gl_wf wf;
    staff_wf(req, t, &a, &wf);
    struct gl_profile prof;
    if (profile <= 0) return REQ_FAIL(req, GL_E_NOT_FOUND, "no profile %lld", (long long)profile);
    if (wf_profile_load(&wf, (uint64_t)profile, &prof, err)) return -1;
    if (approver && !*approver) approver = NULL;
    if (email && !*email) email = NULL;
    if (email && !gl_mail_address_ok(email))
        return REQ_FAIL(req, GL_E_BAD_REQUEST, "email is not one mail address (name@domain)");
    const struct gl_link_policy *pol = gl_link_policy((enum gl_link_kind)kind);
    if (pol->for_approver && !approver)
        return REQ_FAIL(req, GL_E_BAD_REQUEST, "an approval link needs an approver's name");
    if (!pol->listed && nposts)
        return REQ_FAIL(req, GL_E_BAD_REQUEST, "only an approval link takes a list of posts");
    for (size_t i = 0; i < nposts; i++) {
        struct gl_post p;
        if (posts[i] <= 0 || wf_post_load(&wf, (uint64_t)posts[i], &p, err))
            return REQ_FAIL(req, GL_E_NOT_FOUND, "no post %lld", (long long)posts[i]);
        if (p.profile != prof.id)
            return REQ_FAIL(req, GL_E_BAD_REQUEST, "post %lld is not of profile %lld",
                            (long long)posts[i], (long long)profile);
        for (size_t j = 0; j < i; j++)
            if (posts[j] == posts[i])
                return REQ_FAIL(req, GL_E_BAD_REQUEST, "post %lld is listed twice",
                                (long long)posts[i]);
    }
    if (has_ttl && has_exp)
        return REQ_FAIL(req, GL_E_BAD_REQUEST, "give ttl_days or expires_at, not both");
    int64_t expires = 0;
    if (has_ttl) {
        if (ttl_days < 1 || ttl_days > 3650)
            return REQ_FAIL(req, GL_E_BAD_REQUEST, "ttl_days is between 1 and 3650");
        expires = req->now + ttl_days * 86400;
    } else if (has_exp) {
        if (expires_at <= req->now || expires_at > req->now + 3650LL * 86400)
            return REQ_FAIL(req, GL_E_BAD_REQUEST, "expires_at must be in the next ten years");
        expires = expires_at;
    } else if (pol->for_approver) {
        long days = gl_srv->opt.approval_link_days ? gl_srv->opt.approval_link_days
                                                   : GL_APPROVAL_TTL_DAYS;
        expires = req->now + (int64_t)days * 86400;
    }
    struct gl_link l = {
        .id = gl_next_id(t, DB_LINKS),
        .kind = (enum gl_link_kind)kind,
        .profile = prof.id,
        .approver = approver,
        .posts = posts,
        .nposts = nposts,
        .pwhash = in->has_password ? in->hash : NULL,
        .created_by = req->user,
        .created_at = req->now,
        .expires_at = expires,
        .email = email,
        .mailed_at = email ? req->now : 0,
        .language = language,
    };
    memcpy(l.token_hash, in->token_hash, GL_HASH_BYTES);
    gl_link_save(t, &l);
    link_event(req, t, EV_LINK_CREATED, &l, "created");
    char url[700];
    link_url(url, sizeof url, in);
    notify_link_mailed(&wf, &l, &prof, url);
    reply_token(req, &l, in);
    return 0;
}

static int load_link_arg(struct gl_req *req, struct gl_txn *t, struct gl_link *l)
{
    int64_t id = 0;
    req_int(req, "id", &id);
    if (id <= 0 || gl_link_load(t, (uint64_t)id, req->msg.zone, l) != 0)
        return REQ_FAIL(req, GL_E_NOT_FOUND, "no link %lld", (long long)id);
    return 0;
}

int m_link_list(struct gl_req *req, struct gl_txn *t)
{
    int64_t profile = 0;
    bool filter = req_int(req, "profile", &profile);
    struct gl_key lo, hi;
    key_id(&lo, 0);
    key_id(&hi, UINT64_MAX);
    /* Two passes: the count comes first. */
    for (int pass = 0; pass < 2; pass++) {
        struct gl_range r;
        if (gl_range_open(t, DB_LINKS, &lo, &hi, &r)) return -1;
        MDB_val k, v;
        uint32_t n = 0;
        msgpack_zone z;
        msgpack_zone_init(&z, 4096);
        while (gl_range_next(&r, &k, &v)) {
            struct gl_link l;
            if (gl_link_decode(&v, &z, &l) != 0) continue;
            if (filter && l.profile != (uint64_t)profile) continue;
            gl_web_pending_opens(l.id, &l.opens, &l.last_opened);
            if (pass == 0)
                n++;
            else
                gl_link_pack(&req->pk, &l, req->now);
            msgpack_zone_clear(&z);
        }
        msgpack_zone_destroy(&z);
        gl_range_close(&r);
        if (pass == 0) {
            msgpack_pack_map(&req->pk, 1);
            gl_pack_key(&req->pk, "links");
            msgpack_pack_array(&req->pk, n);
        }
    }
    return 0;
}

int m_link_revoke(struct gl_req *req, struct gl_txn *t)
{
    struct gl_link l;
    if (load_link_arg(req, t, &l)) return -1;
    if (!l.revoked) {
        /* The token stays in links_by_token, so its address can say the link was withdrawn;
         * gl_link_by_token opens no revoked link. */
        l.revoked = true;
        l.revoked_at = req->now;
        gl_link_save(t, &l);
        link_event(req, t, EV_LINK_REVOKED, &l, "revoked");
    }
    gl_link_pack(&req->pk, &l, req->now);
    return 0;
}

int m_link_regenerate_admit(struct gl_req *req)
{
    struct link_input *in = input_new(req);
    if (!in) return REQ_FAIL(req, GL_E_INTERNAL, "out of memory");
    /* A link with a password gets a new one: find out on the loop, before hashing. */
    int64_t id = 0;
    req_int(req, "id", &id);
    struct gl_txn t;
    if (gl_store_read_begin(&gl_srv->store, &t)) return REQ_FAIL(req, GL_E_UNAVAILABLE, "store");
    struct gl_link l;
    bool has_pw = id > 0 && gl_link_load(&t, (uint64_t)id, req->msg.zone, &l) == 0 && l.pwhash;
    gl_store_read_end(&t);
    if (has_pw) generate_password(in);
    return 0;
}

int m_link_regenerate(struct gl_req *req, struct gl_txn *t)
{
    struct link_input *in = req->work_data;
    if (in->hash_failed) return REQ_FAIL(req, GL_E_INTERNAL, "cannot hash the password");
    struct gl_link l;
    if (load_link_arg(req, t, &l)) return -1;
    if (l.revoked)
        return REQ_FAIL(req, GL_E_INVALID_STATE, "link %llu is revoked; create a new one",
                        (unsigned long long)l.id);
    if (l.pwhash && !in->has_password)
        return REQ_FAIL(req, GL_E_CONFLICT, "the link changed meanwhile; retry");
    /* The old token stays indexed, so its address can say the link was replaced. */
    gl_link_retire_token(t, &l, req->msg.zone, req->now);
    memcpy(l.token_hash, in->token_hash, GL_HASH_BYTES);
    l.generation++;
    if (l.pwhash) l.pwhash = in->hash;
    /* An expired link comes back for as long as it was first given. */
    if (l.expires_at && l.expires_at <= req->now) {
        int64_t ttl = l.expires_at - l.created_at;
        if (ttl < 86400) ttl = 86400;
        l.expires_at = req->now + ttl;
    }
    l.requested_at = 0;
    if (l.email) l.mailed_at = req->now;
    gl_link_save(t, &l);
    link_event(req, t, EV_LINK_REGENERATED, &l, "regenerated");
    /* A mailed link's approver gets the new URL the same way (the password still apart). */
    struct gl_actor a;
    struct gl_wf wf;
    struct gl_profile prof;
    staff_wf(req, t, &a, &wf);
    struct gl_err gone = {0}; /* a profile removed meanwhile: no mail, the link still renewed */
    if (l.email && wf_profile_load(&wf, l.profile, &prof, &gone) == 0) {
        char url[700];
        link_url(url, sizeof url, in);
        notify_link_mailed(&wf, &l, &prof, url);
    }
    reply_token(req, &l, in);
    return 0;
}

int m_link_extend(struct gl_req *req, struct gl_txn *t)
{
    struct gl_link l;
    if (load_link_arg(req, t, &l)) return -1;
    int64_t days = 0;
    req_int(req, "days", &days);
    if (days < 1 || days > 3650)
        return REQ_FAIL(req, GL_E_BAD_REQUEST, "days is between 1 and 3650");
    if (l.revoked)
        return REQ_FAIL(req, GL_E_INVALID_STATE, "link %llu is revoked", (unsigned long long)l.id);
    if (!l.expires_at)
        return REQ_FAIL(req, GL_E_INVALID_STATE, "link %llu does not expire",
                        (unsigned long long)l.id);
    int64_t base = l.expires_at > req->now ? l.expires_at : req->now;
    l.expires_at = base + days * 86400;
    gl_link_save(t, &l);
    link_event(req, t, EV_LINK_EXTENDED, &l, "extended");
    gl_link_pack(&req->pk, &l, req->now);
    return 0;
}
