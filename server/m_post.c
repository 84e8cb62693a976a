/* post.*: creating, editing, listing and moving posts through the approval workflow. */
#include "methods.h"

#include <string.h>

#include "postchecks.h"
#include "postquery.h"
#include "preview.h"
#include "warnings.h"
#include "workflow.h"

/* Everything a workflow step needs, for a staff member's request. */
struct staff_ctx {
    struct gl_actor actor;
    struct gl_wf wf;
};

static void staff_begin(struct staff_ctx *c, struct gl_req *req, struct gl_txn *t)
{
    c->actor = (struct gl_actor){
        .name = req->user, .kind = ACTOR_STAFF, .role = req->role, .address = req->peer};
    c->wf = (struct gl_wf){.t = t, .op = &req->op, .zone = req->msg.zone, .actor = &c->actor,
                           .now = req->now};
}

/* Loads the post named by the "id" argument. */
static int load_post(struct gl_req *req, struct staff_ctx *c, struct gl_post *p)
{
    int64_t id = 0;
    req_int(req, "id", &id);
    if (id <= 0) return REQ_FAIL(req, GL_E_NOT_FOUND, "no post %lld", (long long)id);
    return wf_post_load(&c->wf, (uint64_t)id, p, &req->op.err);
}

/* Checks each platform is one of the profile's. */
static int check_platforms(struct gl_req *req, const struct gl_profile *prof,
                           const char **platforms, size_t n)
{
    if (n == 0) return REQ_FAIL(req, GL_E_BAD_REQUEST, "a post needs at least one platform");
    for (size_t i = 0; i < n; i++) {
        bool found = false;
        for (size_t j = 0; j < prof->nplatforms && !found; j++)
            found = strcmp(platforms[i], prof->platforms[j]) == 0;
        if (!found)
            return REQ_FAIL(req, GL_E_BAD_REQUEST, "profile '%s' has no platform '%s'",
                            prof->name, platforms[i]);
    }
    return 0;
}

/* Checks each media id names uploaded media. */
static int check_media(struct gl_req *req, struct gl_txn *t, const int64_t *media, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct gl_key k;
        MDB_val v;
        key_id(&k, (uint64_t)media[i]);
        if (media[i] <= 0 || gl_get(t, DB_MEDIA, &k, &v) != 0)
            return REQ_FAIL(req, GL_E_NOT_FOUND, "no media %lld; upload it first",
                            (long long)media[i]);
    }
    return 0;
}

static int check_time(struct gl_req *req, int64_t at)
{
    if (at < req->now) return REQ_FAIL(req, GL_E_BAD_REQUEST, "scheduled_at is in the past");
    if (at > req->now + 10LL * 366 * 86400)
        return REQ_FAIL(req, GL_E_BAD_REQUEST, "scheduled_at is more than ten years away");
    return 0;
}

static void reply_post(struct gl_req *req, const struct gl_post *p)
{
    gl_post_pack(&req->pk, p, 0);
}

int m_post_create(struct gl_req *req, struct gl_txn *t)
{
    struct staff_ctx c;
    staff_begin(&c, req, t);
    struct gl_err *err = &req->op.err;
    struct gl_post p = {.scheduled_at = GL_TIME_NONE, .notes = "", .status = ST_DRAFT,
                        .revision = 1, .rev_open = true, .creator = req->user,
                        .created_at = req->now, .updated_at = req->now};
    int64_t profile = 0;
    req_int(req, "profile", &profile);
    req_str(req, "caption", &p.caption);
    req_strs(req, "platforms", &p.platforms, &p.nplatforms);
    req_int(req, "scheduled_at", &p.scheduled_at);
    req_str(req, "notes", &p.notes);
    req_ids(req, "media", &p.media, &p.nmedia);
    struct gl_profile prof;
    if (profile <= 0) return REQ_FAIL(req, GL_E_NOT_FOUND, "no profile %lld", (long long)profile);
    if (wf_profile_load(&c.wf, (uint64_t)profile, &prof, err)) return -1;
    p.profile = prof.id;
    if (check_platforms(req, &prof, p.platforms, p.nplatforms)) return -1;
    if (check_media(req, t, p.media, p.nmedia)) return -1;
    if (p.scheduled_at != GL_TIME_NONE && check_time(req, p.scheduled_at)) return -1;
    p.id = gl_next_id(t, DB_POSTS);
    wf_post_save(&c.wf, NULL, &p);
    wf_history(&c.wf, &p, HIST_CREATED, NULL, ST_DRAFT);
    wf_event(&c.wf, EV_POST_CREATED, &p, 0, "post created");
    msgpack_pack_map(&req->pk, 2);
    gl_pack_kv_int(&req->pk, "id", (int64_t)p.id);
    gl_pack_kv_str(&req->pk, "status", gl_status_name(p.status));
    return 0;
}

static bool same_strlist(const char **a, size_t na, const char **b, size_t nb)
{
    if (na != nb) return false;
    for (size_t i = 0; i < na; i++)
        if (strcmp(a[i], b[i]) != 0) return false;
    return true;
}

static bool same_intlist(const int64_t *a, size_t na, const int64_t *b, size_t nb)
{
    return na == nb && (na == 0 || memcmp(a, b, na * sizeof *a) == 0);
}

/* Whether p carries a standing approval (its time included). */
static bool approval_holds(const struct gl_post *p)
{
    return p->status == ST_APPROVED || p->status == ST_SCHEDULED;
}

int m_post_update(struct gl_req *req, struct gl_txn *t)
{
    struct staff_ctx c;
    staff_begin(&c, req, t);
    struct gl_err *err = &req->op.err;
    struct gl_post p;
    if (load_post(req, &c, &p) || wf_check(&p, WF_EDIT, err)) return -1;
    struct gl_post next = p;
    req_str(req, "caption", &next.caption);
    req_strs(req, "platforms", &next.platforms, &next.nplatforms);
    bool new_time = req_int(req, "scheduled_at", &next.scheduled_at);
    req_str(req, "notes", &next.notes);
    req_ids(req, "media", &next.media, &next.nmedia);
    struct gl_profile prof;
    if (wf_profile_load(&c.wf, p.profile, &prof, err)) return -1;
    if (check_platforms(req, &prof, next.platforms, next.nplatforms)) return -1;
    if (check_media(req, t, next.media, next.nmedia)) return -1;
    if (new_time && next.scheduled_at != p.scheduled_at) {
        if (check_time(req, next.scheduled_at)) return -1;
        next.overdue = next.reminded = false; /* a new time, new deadlines */
    }
    bool content = strcmp(next.caption, p.caption) != 0 ||
                   !same_strlist(next.platforms, next.nplatforms, p.platforms, p.nplatforms) ||
                   !same_intlist(next.media, next.nmedia, p.media, p.nmedia);
    /* The time is part of what was approved: moving an approved post is rescheduling it. A
     * content edit sends the post back for approval anyway, new time included. */
    if (next.scheduled_at != p.scheduled_at && !content && approval_holds(&p)) {
        static const char reschedule[] = "post.reschedule";
        const struct gl_method *m = gl_method_find(reschedule, sizeof reschedule - 1);
        if (req->role < m->role)
            return REQ_FAIL(req, GL_E_FORBIDDEN,
                            "post %llu is %s: moving it is rescheduling, which needs a %s "
                            "(%s)",
                            (unsigned long long)p.id, gl_status_name(p.status),
                            gl_role_name(m->role), reschedule);
    }
    if (content) wf_begin_content_edit(&c.wf, &next);
    wf_finish_edit(&c.wf, &p, &next, content);
    reply_post(req, &next);
    return 0;
}

/* post.get's media_info, previews and warnings: the images in the post's order (the
 * carousel's), each network's frame and the checks before approval. */
static void pack_checks(struct gl_req *req, struct gl_txn *t, const struct gl_post *p,
                        const struct gl_profile *prof)
{
    struct gl_post_checks c;
    gl_post_checks_make(t, p, prof, req->now, req->msg.zone, &c);
    gl_pack_key(&req->pk, "media_info");
    msgpack_pack_array(&req->pk, c.nmedia);
    for (size_t i = 0; i < c.nmedia; i++) gl_media_pack_info(&req->pk, &c.media[i]);
    gl_pack_key(&req->pk, "previews");
    msgpack_pack_array(&req->pk, c.npreviews);
    for (size_t i = 0; i < c.npreviews; i++)
        gl_preview_pack(&req->pk, p->caption, &c.previews[i]);
    gl_pack_key(&req->pk, "warnings");
    gl_warnings_pack(&req->pk, &c.warnings);
    gl_post_checks_free(&c);
}

int m_post_get(struct gl_req *req, struct gl_txn *t)
{
    struct staff_ctx c;
    staff_begin(&c, req, t);
    struct gl_post p;
    struct gl_profile prof;
    if (load_post(req, &c, &p) || wf_profile_load(&c.wf, p.profile, &prof, &req->op.err))
        return -1;
    gl_post_pack(&req->pk, &p, 5);
    gl_pack_key(&req->pk, "steps");
    wf_pack_steps(&prof, &p, &req->pk);
    gl_pack_key(&req->pk, "comments");
    wf_pack_comments(t, p.id, false, &req->pk);
    pack_checks(req, t, &p, &prof);
    return 0;
}

int m_post_delete(struct gl_req *req, struct gl_txn *t)
{
    struct staff_ctx c;
    staff_begin(&c, req, t);
    struct gl_post p;
    if (load_post(req, &c, &p) || wf_check(&p, WF_DELETE, &req->op.err)) return -1;
    wf_post_remove(&c.wf, &p);
    wf_event(&c.wf, EV_POST_DELETED, &p, 0, "post deleted");
    msgpack_pack_map(&req->pk, 0);
    return 0;
}

int m_post_history(struct gl_req *req, struct gl_txn *t)
{
    struct staff_ctx c;
    staff_begin(&c, req, t);
    struct gl_post p;
    if (load_post(req, &c, &p)) return -1;
    msgpack_pack_map(&req->pk, 1);
    gl_pack_key(&req->pk, "history");
    wf_pack_history(t, p.id, &req->pk);
    return 0;
}

#define POST_LIST_MAX 5000

struct list_walk {
    int status; /* -1: any */
    bool full;
    msgpack_zone *z;
    struct gl_postv *out;
};

static bool list_visit(const struct gl_post *p, int64_t at, void *ctx)
{
    (void)at;
    struct list_walk *l = ctx;
    if (l->status >= 0 && (int)p->status != l->status) return true;
    if (l->out->n >= POST_LIST_MAX) {
        l->full = true;
        return false;
    }
    gl_postv_push(l->out, l->z, p);
    return true;
}

/* posts_by_time of one profile in [from, to), filtered by status (-1: any). to ==
 * GL_TIME_NONE includes the unscheduled posts, which sort last. */
static int list_profile(struct gl_req *req, struct gl_txn *t, uint64_t profile, int64_t from,
                        int64_t to, int status, struct gl_postv *out)
{
    struct list_walk l = {.status = status, .z = req->msg.zone, .out = out};
    if (gl_posts_by_time(t, req->msg.zone, profile, from, to, list_visit, &l)) return -1;
    if (l.full)
        return REQ_FAIL(req, GL_E_TOO_LARGE, "more than %d posts; narrow from/to", POST_LIST_MAX);
    return 0;
}

int m_post_list(struct gl_req *req, struct gl_txn *t)
{
    int64_t profile = 0, from = INT64_MIN, to = GL_TIME_NONE;
    const char *status_name = NULL;
    bool has_profile = req_int(req, "profile", &profile);
    bool bounded = req_int(req, "from", &from);
    bounded = req_int(req, "to", &to) || bounded;
    req_str(req, "status", &status_name);
    int status = -1;
    if (status_name && (status = gl_status_parse(status_name)) < 0)
        return REQ_FAIL(req, GL_E_BAD_REQUEST, "unknown status '%s'", status_name);
    /* With a bound, unscheduled posts are left out; without, they come last. */
    int64_t hi = bounded ? (to < GL_TIME_NONE ? to : GL_TIME_NONE - 1) : GL_TIME_NONE;
    struct gl_postv list = {0};
    if (has_profile) {
        struct gl_key k;
        MDB_val v;
        key_id(&k, (uint64_t)profile);
        if (profile <= 0 || gl_get(t, DB_PROFILES, &k, &v) != 0)
            return REQ_FAIL(req, GL_E_NOT_FOUND, "no profile %lld", (long long)profile);
        if (list_profile(req, t, (uint64_t)profile, from, hi, status, &list)) return -1;
    } else {
        /* Every profile: walk the profiles, then order by time. */
        struct gl_key lo, phi;
        key_id(&lo, 0);
        key_id(&phi, UINT64_MAX);
        struct gl_range r;
        if (gl_range_open(t, DB_PROFILES, &lo, &phi, &r)) return -1;
        MDB_val key, val;
        uint64_t ids[1024];
        size_t nids = 0;
        while (nids < 1024 && gl_range_next(&r, &key, &val))
            ids[nids++] = key_id_decode(key.mv_data, key.mv_size);
        gl_range_close(&r);
        for (size_t i = 0; i < nids; i++) {
            if (list_profile(req, t, ids[i], from, hi, status, &list)) return -1;
        }
        gl_postv_sort_by_time(&list);
    }
    msgpack_pack_map(&req->pk, 1);
    gl_pack_key(&req->pk, "posts");
    msgpack_pack_array(&req->pk, list.n);
    for (size_t i = 0; i < list.n; i++) gl_post_pack(&req->pk, &list.items[i], 0);
    return 0;
}

/* The workflow actions share one shape: load, act, answer with the post. */
static int act(struct gl_req *req, struct gl_txn *t,
               int (*step)(struct gl_req *, struct staff_ctx *, struct gl_post *))
{
    struct staff_ctx c;
    staff_begin(&c, req, t);
    struct gl_post p;
    if (load_post(req, &c, &p)) return -1;
    if (step(req, &c, &p)) return -1;
    reply_post(req, &p);
    return 0;
}

static const char *opt_note(struct gl_req *req)
{
    const char *note = NULL;
    req_str(req, "note", &note);
    return note;
}

static int do_submit(struct gl_req *req, struct staff_ctx *c, struct gl_post *p)
{
    return wf_submit(&c->wf, p, &req->op.err);
}

static int do_approve(struct gl_req *req, struct staff_ctx *c, struct gl_post *p)
{
    const char *note = opt_note(req);
    return wf_approve(&c->wf, p, note, &req->op.err);
}

static int do_reject(struct gl_req *req, struct staff_ctx *c, struct gl_post *p)
{
    const char *note = opt_note(req);
    return wf_reject(&c->wf, p, note, &req->op.err);
}

static int do_reschedule(struct gl_req *req, struct staff_ctx *c, struct gl_post *p)
{
    int64_t at = 0;
    req_int(req, "scheduled_at", &at);
    const char *note = opt_note(req);
    if (check_time(req, at)) return -1;
    return wf_reschedule(&c->wf, p, at, note, &req->op.err);
}

static int do_schedule(struct gl_req *req, struct staff_ctx *c, struct gl_post *p)
{
    return wf_schedule(&c->wf, p, &req->op.err);
}

static int do_retry(struct gl_req *req, struct staff_ctx *c, struct gl_post *p)
{
    return wf_retry(&c->wf, p, &req->op.err);
}

int m_post_retry(struct gl_req *req, struct gl_txn *t)
{
    return act(req, t, do_retry);
}

int m_post_submit(struct gl_req *req, struct gl_txn *t)
{
    return act(req, t, do_submit);
}

int m_post_approve(struct gl_req *req, struct gl_txn *t)
{
    return act(req, t, do_approve);
}

int m_post_reject(struct gl_req *req, struct gl_txn *t)
{
    return act(req, t, do_reject);
}

int m_post_reschedule(struct gl_req *req, struct gl_txn *t)
{
    return act(req, t, do_reschedule);
}

int m_post_schedule(struct gl_req *req, struct gl_txn *t)
{
    return act(req, t, do_schedule);
}

int m_post_comment(struct gl_req *req, struct gl_txn *t)
{
    struct staff_ctx c;
    staff_begin(&c, req, t);
    struct gl_post p;
    if (load_post(req, &c, &p)) return -1;
    const char *text = NULL;
    bool shared = false;
    req_str(req, "text", &text);
    req_bool(req, "shared", &shared);
    uint32_t seq;
    if (wf_comment(&c.wf, &p, text, shared, &seq, &req->op.err)) return -1;
    msgpack_pack_map(&req->pk, 7);
    gl_pack_kv_int(&req->pk, "id", seq);
    gl_pack_kv_str(&req->pk, "author", req->user);
    gl_pack_kv_str(&req->pk, "author_kind", "staff");
    gl_pack_key(&req->pk, "link");
    msgpack_pack_nil(&req->pk);
    gl_pack_kv_str(&req->pk, "text", text);
    gl_pack_kv_bool(&req->pk, "shared", shared);
    gl_pack_kv_int(&req->pk, "at", req->now);
    return 0;
}
