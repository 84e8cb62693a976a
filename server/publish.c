/* Publishing scheduled posts and watching deadlines (see publish.h). */
#include "publish.h"

#include <sodium.h>
#include <string.h>

#include "links.h"
#include "log.h"
#include "postquery.h"
#include "publish_webhook.h"
#include "spawn.h"
#include "util.h"
#include "workflow.h"
#include "xmalloc.h"

/* Posts handled by one write, so a backlog after downtime does not stall the loop. */
#define PUBLISH_PER_BATCH 200
/* Publisher commands running at once, and how long one may take. */
#define MAX_PUBLISHERS 4
#define PUBLISHER_TIMEOUT_MS 120000

static bool publishing;  /* a publishing write is in the batch */
static bool deadlines;   /* a deadline write is in the batch */
static unsigned running; /* publishers running (commands and webhook calls) */
static uv_timer_t deadline_timer;

static const struct gl_actor system_actor = {.name = "greenlightd", .kind = ACTOR_SYSTEM};

/* Walks the scheduled posts due by until (in time order), calling fn on each; stops when fn
 * returns false. Posts being published have left "scheduled", so none is started twice. */
static void each_due(struct gl_txn *t, msgpack_zone *z, int64_t until, gl_post_visit fn,
                     void *ctx)
{
    gl_posts_by_status(t, z, ST_SCHEDULED, INT64_MIN, until == INT64_MAX ? INT64_MAX : until + 1,
                       fn, ctx);
}

static bool first_time(const struct gl_post *p, int64_t at, void *ctx)
{
    (void)at;
    *(int64_t *)ctx = p->scheduled_at;
    return false;
}

/* ---- the publisher command ---- */

struct job {
    uint64_t post;
    struct gl_op op; /* the write that records the outcome */
    long status;
    bool timed_out;
    char *stderr_text;
    bool by_webhook;
    char *note; /* the webhook's: the live URL (published) or why not (failed) */
};

static int finish_run(struct gl_op *op, struct gl_txn *t)
{
    struct job *j = (struct job *)((char *)op - offsetof(struct job, op));
    msgpack_zone zone;
    msgpack_zone_init(&zone, 2048);
    struct gl_wf wf = {.t = t, .op = op, .zone = &zone, .actor = &system_actor, .now = gl_now()};
    struct gl_post p;
    struct gl_err err = {0};
    int rc = wf_post_load(&wf, j->post, &p, &err);
    if (rc == 0) {
        if (j->by_webhook) {
            const char *note = j->note ? gl_zone_strdup(&zone, j->note) : NULL;
            rc = j->status == 0 ? wf_publish(&wf, &p, note, &err)
                                : wf_publish_fail(&wf, &p, note, &err);
        } else if (j->status == 0 && !j->timed_out) {
            rc = wf_publish(&wf, &p, NULL, &err);
        } else {
            char *note = j->timed_out
                             ? xasprintf("publisher timed out; %s", j->stderr_text)
                             : xasprintf("publisher exited with %ld: %s", j->status,
                                         j->stderr_text);
            rc = wf_publish_fail(&wf, &p, gl_zone_strdup(&zone, note), &err);
            free(note);
        }
    }
    /* Nothing but the outcome moves a post out of publishing, so this is a bug if it shows. */
    if (rc) log_error("publish: outcome not recorded post=%llu error=\"%s\"",
                      (unsigned long long)j->post, err.message);
    msgpack_zone_destroy(&zone);
    return 0;
}

static void finish_done(struct gl_op *op)
{
    struct job *j = (struct job *)((char *)op - offsetof(struct job, op));
    if (op->err.code) log_error("publish: cannot record outcome post=%llu error=\"%s\"",
                                (unsigned long long)j->post, op->err.message);
    gl_op_destroy(op);
    free(j->stderr_text);
    free(j->note);
    free(j);
    gl_publish_rearm();
}

static void on_publisher_exit(void *data, int spawn_error, long status, bool timed_out,
                              const char *err)
{
    struct job *j = data;
    running--;
    if (gl_srv->stopping) {
        /* Not recorded: the next start finds it started and marks it interrupted. */
        free(j);
        return;
    }
    j->status = spawn_error ? 127 : status;
    j->timed_out = timed_out;
    j->stderr_text = xstrdup(err);
    log_info("publish: publisher finished post=%llu status=%ld", (unsigned long long)j->post,
             j->status);
    gl_op_init(&j->op, finish_run, finish_done);
    gl_batch_submit(&gl_srv->batch, &j->op);
}

static void on_webhook_answer(void *data, bool ok, const char *note)
{
    struct job *j = data;
    running--;
    if (gl_srv->stopping) {
        /* As for a command: the next start marks it interrupted. */
        free(j);
        return;
    }
    j->by_webhook = true;
    j->status = ok ? 0 : 1;
    j->note = note ? xstrdup(note) : NULL;
    log_info("publish: publish webhook answered post=%llu ok=%d", (unsigned long long)j->post,
             ok);
    gl_op_init(&j->op, finish_run, finish_done);
    gl_batch_submit(&gl_srv->batch, &j->op);
}

/* The posts a publishing write started, with what their publisher needs: the command's
 * caption and environment, or the webhook's call. */
struct started {
    uint64_t id;
    bool by_webhook;
    struct gl_publish_call call;
    char *caption;
    char *env[8];
};

struct publish_op {
    struct gl_op op;
    struct started list[MAX_PUBLISHERS];
    size_t n;
};

static void started_free(struct publish_op *po)
{
    for (size_t i = 0; i < po->n; i++) {
        gl_publish_call_drop(&po->list[i].call);
        free(po->list[i].caption);
        for (size_t e = 0; po->list[i].env[e]; e++) free(po->list[i].env[e]);
    }
    po->n = 0;
}

struct due_ctx {
    uint64_t ids[PUBLISH_PER_BATCH];
    size_t n, max;
};

static bool collect(const struct gl_post *p, int64_t at, void *data)
{
    (void)at;
    struct due_ctx *c = data;
    c->ids[c->n++] = p->id;
    return c->n < c->max;
}

static int publish_run(struct gl_op *op, struct gl_txn *t)
{
    struct publish_op *po = (struct publish_op *)op;
    started_free(po); /* a replay starts over */
    msgpack_zone zone;
    msgpack_zone_init(&zone, 4096);
    struct gl_wf wf = {.t = t, .op = op, .zone = &zone, .actor = &system_actor, .now = gl_now()};
    const char *command = gl_srv->opt.publisher;
    /* Posts past the free publisher slots stay scheduled for the next write. */
    size_t slots = MAX_PUBLISHERS - running;
    struct due_ctx due = {.max = PUBLISH_PER_BATCH};
    each_due(t, &zone, wf.now, collect, &due);
    for (size_t i = 0; i < due.n; i++) {
        struct gl_post p;
        struct gl_profile prof;
        struct gl_err err = {0};
        if (wf_post_load(&wf, due.ids[i], &p, &err) ||
            wf_profile_load(&wf, p.profile, &prof, &err))
            continue;
        if (!command && !prof.publish_webhook) {
            if (wf_publish(&wf, &p, NULL, &err) == 0)
                log_info("publish: published post=%llu", (unsigned long long)p.id);
            continue;
        }
        if (po->n >= slots) continue;
        if (prof.publish_webhook) {
            struct gl_webhook w;
            if (gl_webhook_load(t, prof.publish_webhook, &zone, &w) != 0) {
                /* Deleted since the profile named it: nothing was sent, so it fails now. */
                if (wf_publish_start(&wf, &p, &err) == 0)
                    wf_publish_fail(&wf, &p, "the profile's publish webhook no longer exists",
                                    &err);
                continue;
            }
            struct started *s = &po->list[po->n];
            memset(s, 0, sizeof *s);
            /* Started first: the request carries the post as it is while being published. */
            int prepared = wf_publish_start(&wf, &p, &err);
            if (prepared == 0 && gl_publish_call_prepare(&s->call, &wf, &w, &p) != 0) {
                wf_publish_fail(&wf, &p, "out of memory preparing the publish webhook", &err);
                prepared = -1;
            }
            sodium_memzero(w.secret, sizeof w.secret);
            if (prepared != 0) {
                gl_publish_call_drop(&s->call);
                continue;
            }
            s->id = p.id;
            s->by_webhook = true;
            po->n++;
            continue;
        }
        if (wf_publish_start(&wf, &p, &err)) continue;
        struct started *s = &po->list[po->n++];
        memset(s, 0, sizeof *s);
        s->id = p.id;
        s->caption = xstrdup(p.caption);
        char platforms[GL_MAX_PLATFORMS * (GL_MAX_PLATFORM_LEN + 1) + 1] = "";
        for (size_t k = 0; k < p.nplatforms; k++) {
            if (k) strcat(platforms, ",");
            strcat(platforms, p.platforms[k]);
        }
        char media[GL_MAX_MEDIA * 21 + 1] = "";
        for (size_t k = 0; k < p.nmedia; k++)
            snprintf(media + strlen(media), sizeof media - strlen(media), "%s%lld",
                     k ? "," : "", (long long)p.media[k]);
        s->env[0] = xasprintf("GREENLIGHT_POST_ID=%llu", (unsigned long long)p.id);
        s->env[1] = xasprintf("GREENLIGHT_PROFILE_ID=%llu", (unsigned long long)p.profile);
        s->env[2] = xasprintf("GREENLIGHT_PROFILE_NAME=%s", prof.name);
        s->env[3] = xasprintf("GREENLIGHT_PLATFORMS=%s", platforms);
        s->env[4] = xasprintf("GREENLIGHT_SCHEDULED_AT=%lld", (long long)p.scheduled_at);
        s->env[5] = xasprintf("GREENLIGHT_MEDIA=%s", media);
        s->env[6] = xasprintf("GREENLIGHT_REVISION=%u", p.revision);
        s->env[7] = NULL;
    }
    msgpack_zone_destroy(&zone);
    return 0;
}

/* After the commit: the posts are "publishing" on disk, so the commands may run. */
static void publish_done(struct gl_op *op)
{
    struct publish_op *po = (struct publish_op *)op;
    publishing = false;
    if (op->err.code) {
        log_error("publish: failed error=\"%s\"", op->err.message);
    } else {
        for (size_t i = 0; i < po->n; i++) {
            struct started *s = &po->list[i];
            struct job *j = xcalloc(1, sizeof *j);
            j->post = s->id;
            if (s->by_webhook) {
                log_info("publish: calling the publish webhook post=%llu",
                         (unsigned long long)s->id);
                running++;
                gl_publish_call_send(&s->call, on_webhook_answer, j);
                continue;
            }
            log_info("publish: running publisher post=%llu", (unsigned long long)s->id);
            running++;
            if (gl_spawn(gl_srv->loop, gl_srv->opt.publisher, (const char *const *)s->env,
                         s->caption, strlen(s->caption), PUBLISHER_TIMEOUT_MS,
                         on_publisher_exit, j) != 0)
                on_publisher_exit(j, 1, 127, false, "the publisher command could not start");
        }
    }
    started_free(po);
    gl_op_destroy(op);
    free(po);
    gl_publish_rearm();
}

static void on_timer(uv_timer_t *h)
{
    (void)h;
    if (publishing || gl_srv->stopping) return;
    if (running >= MAX_PUBLISHERS) return; /* an outcome re-arms */
    publishing = true;
    struct publish_op *po = xcalloc(1, sizeof *po);
    gl_op_init(&po->op, publish_run, publish_done);
    gl_batch_submit(&gl_srv->batch, &po->op);
}

void gl_publish_rearm(void)
{
    if (gl_srv->stopping || publishing) return;
    struct gl_txn t;
    if (gl_store_read_begin(&gl_srv->store, &t)) return;
    msgpack_zone zone;
    msgpack_zone_init(&zone, 2048);
    int64_t at = GL_TIME_NONE;
    each_due(&t, &zone, INT64_MAX, first_time, &at);
    msgpack_zone_destroy(&zone);
    gl_store_read_end(&t);
    if (at == GL_TIME_NONE) {
        uv_timer_stop(&gl_srv->publish_timer);
        return;
    }
    /* Wake just after the second the post is due, so it is due when the write runs; a post
     * due in the past is published now. */
    int64_t delay = at * 1000 + 5 - gl_now_ms();
    uint64_t ms = delay <= 0 ? 0 : (uint64_t)delay;
    uv_timer_start(&gl_srv->publish_timer, on_timer, ms, 0);
}

/* ---- at start: publishers that were running when the daemon died ---- */

/* Every post still publishing at start had its publisher cut off: whether it went out is
 * unknown, so it fails (interrupted) for a person to check and retry, never published twice. */
struct interrupted {
    uint64_t ids[1024];
    size_t n;
};

static bool interrupted_visit(const struct gl_post *p, int64_t at, void *ctx)
{
    (void)at;
    struct interrupted *c = ctx;
    c->ids[c->n++] = p->id;
    return c->n < GL_ARRAY_LEN(c->ids);
}

static int interrupted_run(struct gl_op *op, struct gl_txn *t)
{
    msgpack_zone zone;
    msgpack_zone_init(&zone, 4096);
    struct gl_wf wf = {.t = t, .op = op, .zone = &zone, .actor = &system_actor, .now = gl_now()};
    struct interrupted c = {.n = 0};
    gl_posts_with_status(t, &zone, ST_PUBLISHING, interrupted_visit, &c);
    uint64_t *ids = c.ids;
    size_t n = c.n;
    for (size_t i = 0; i < n; i++) {
        struct gl_post p;
        struct gl_err err = {0};
        if (wf_post_load(&wf, ids[i], &p, &err)) continue;
        log_warn("publish: publisher was interrupted post=%llu", (unsigned long long)p.id);
        wf_publish_fail(&wf, &p, "interrupted: the daemon stopped while the publisher ran; "
                                 "retry to publish", &err);
    }
    msgpack_zone_destroy(&zone);
    return 0;
}

static void free_op(struct gl_op *op)
{
    gl_op_destroy(op);
    free(op);
    gl_publish_rearm();
}

/* ---- deadlines ---- */

/* A post awaiting approval (or with changes requested) whose deadline has a step to take. */
struct deadline {
    uint64_t id;
    bool overdue; /* else a reminder */
};

struct deadline_scan {
    struct deadline found[PUBLISH_PER_BATCH];
    size_t n;
};

/* Finds posts awaiting approval that are overdue, or due within their profile's reminder lead
 * and not yet reminded. Looks a week ahead at most (the longest lead). */
struct deadline_walk {
    struct gl_txn *t;
    msgpack_zone *z;
    int64_t now;
    enum gl_status status;
    uint64_t prof_id; /* the profile whose lead is known */
    int64_t lead;
    struct deadline_scan *out;
};

static bool deadline_visit(const struct gl_post *p, int64_t at, void *ctx)
{
    struct deadline_walk *d = ctx;
    struct deadline_scan *out = d->out;
    if (p->overdue) return true;
    if (at <= d->now) {
        out->found[out->n++] = (struct deadline){p->id, true};
        return out->n < PUBLISH_PER_BATCH;
    }
    if (p->reminded || d->status != ST_AWAITING) return true;
    if (p->profile != d->prof_id) {
        struct gl_profile prof;
        d->lead = gl_profile_load(d->t, p->profile, d->z, &prof) == 0
                      ? prof.reminder_minutes * 60
                      : 3600;
        d->prof_id = p->profile;
    }
    if (d->lead > 0 && at - d->lead <= d->now)
        out->found[out->n++] = (struct deadline){p->id, false};
    return out->n < PUBLISH_PER_BATCH;
}

static void scan_deadlines(struct gl_txn *t, msgpack_zone *z, int64_t now,
                           struct deadline_scan *out)
{
    out->n = 0;
    const enum gl_status statuses[] = {ST_AWAITING, ST_CHANGES};
    struct deadline_walk d = {.t = t, .z = z, .now = now, .lead = 3600, .out = out};
    for (size_t s = 0; s < 2 && out->n < PUBLISH_PER_BATCH; s++) {
        d.status = statuses[s];
        if (gl_posts_by_status(t, z, statuses[s], INT64_MIN, now + 7 * 86400 + 1, deadline_visit,
                               &d))
            return;
    }
}

static int deadline_run(struct gl_op *op, struct gl_txn *t)
{
    msgpack_zone zone;
    msgpack_zone_init(&zone, 4096);
    struct gl_wf wf = {.t = t, .op = op, .zone = &zone, .actor = &system_actor, .now = gl_now()};
    struct deadline_scan *scan = xmalloc(sizeof *scan);
    scan_deadlines(t, &zone, wf.now, scan);
    for (size_t i = 0; i < scan->n; i++) {
        struct gl_post p;
        struct gl_err err = {0};
        if (wf_post_load(&wf, scan->found[i].id, &p, &err)) continue;
        if (scan->found[i].overdue)
            wf_mark_overdue(&wf, &p, &err);
        else
            wf_remind(&wf, &p, &err);
    }
    free(scan);
    msgpack_zone_destroy(&zone);
    return 0;
}

static void deadline_done(struct gl_op *op)
{
    deadlines = false;
    gl_op_destroy(op);
    free(op);
}

/* ---- links passing their expiry: link.expired ---- */

/* Expiries up to the watermark kept in meta have had their event. A store without one (new, or
 * from before the event) starts at the daemon's start: links that expired before are not
 * announced. The earliest expiry after it is cached and looked for again every few seconds, as
 * links are made and extended by other writes. */
#define EXPIRY_RESCAN_S 5
static const char expiry_mark[] = "links_expired_until";
static int64_t expiry_start;    /* when the daemon started */
static int64_t next_expiry;     /* the earliest expiry past the watermark; INT64_MAX: none */
static int64_t expiry_scan_at;  /* when to look again */
static bool expiring;           /* an expiry write is in the batch */

static int64_t expiry_watermark(struct gl_txn *t)
{
    struct gl_key k;
    key_bytes(&k, expiry_mark, sizeof expiry_mark - 1);
    MDB_val v;
    int64_t at = 0;
    if (gl_get(t, DB_META, &k, &v) == 0) {
        msgpack_unpacked u;
        msgpack_unpacked_init(&u);
        if (msgpack_unpack_next(&u, v.mv_data, v.mv_size, NULL) != MSGPACK_UNPACK_SUCCESS ||
            !gl_obj_int(&u.data, &at))
            at = 0;
        msgpack_unpacked_destroy(&u);
    }
    return at ? at : expiry_start;
}

/* Calls fn on each unrevoked link whose expiry is in (after, until]; returns the earliest
 * expiry past until (INT64_MAX: none). */
static int64_t each_expired(struct gl_txn *t, msgpack_zone *z, int64_t after, int64_t until,
                            void (*fn)(const struct gl_link *l, void *ctx), void *ctx)
{
    struct gl_key lo, hi;
    key_id(&lo, 0);
    key_id(&hi, UINT64_MAX);
    struct gl_range r;
    int64_t next = INT64_MAX;
    if (gl_range_open(t, DB_LINKS, &lo, &hi, &r)) return next;
    MDB_val key, val;
    while (gl_range_next(&r, &key, &val)) {
        struct gl_link l;
        if (gl_link_decode(&val, z, &l) != 0 || l.revoked || !l.expires_at) continue;
        if (l.expires_at > until) {
            if (l.expires_at < next) next = l.expires_at;
        } else if (l.expires_at > after && fn) {
            fn(&l, ctx);
        }
        msgpack_zone_clear(z);
    }
    gl_range_close(&r);
    return next;
}

struct expired_ctx {
    struct gl_wf *wf;
    uint64_t ids[PUBLISH_PER_BATCH];
    size_t n;
};

static void expired_collect(const struct gl_link *l, void *data)
{
    struct expired_ctx *c = data;
    if (c->n < PUBLISH_PER_BATCH) c->ids[c->n++] = l->id;
}

static int expiry_run(struct gl_op *op, struct gl_txn *t)
{
    msgpack_zone zone;
    msgpack_zone_init(&zone, 4096);
    struct gl_wf wf = {.t = t, .op = op, .zone = &zone, .actor = &system_actor, .now = gl_now()};
    struct expired_ctx *c = xcalloc(1, sizeof *c);
    c->wf = &wf;
    int64_t mark = expiry_watermark(t);
    each_expired(t, &zone, mark, wf.now, expired_collect, c);
    for (size_t i = 0; i < c->n; i++) {
        struct gl_key k;
        MDB_val v;
        struct gl_link l;
        key_id(&k, c->ids[i]);
        if (gl_get(t, DB_LINKS, &k, &v) || gl_link_decode(&v, &zone, &l)) continue;
        char *text = xasprintf("%s link %llu expired", gl_link_kind_name(l.kind),
                               (unsigned long long)l.id);
        wf_event(&wf, EV_LINK_EXPIRED, NULL, l.id, gl_zone_strdup(&zone, text));
        free(text);
    }
    /* More than a batch expired in the same second: the rest go in the next write. */
    int64_t upto = wf.now;
    if (c->n == PUBLISH_PER_BATCH) upto = mark;
    free(c);
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_int64(&pk, upto);
    struct gl_key k;
    key_bytes(&k, expiry_mark, sizeof expiry_mark - 1);
    gl_put(t, DB_META, &k, sb.data, sb.size);
    msgpack_sbuffer_destroy(&sb);
    msgpack_zone_destroy(&zone);
    return 0;
}

static void expiry_done(struct gl_op *op)
{
    expiring = false;
    expiry_scan_at = 0; /* look again at once for the next one */
    gl_op_destroy(op);
    free(op);
}

static void check_expiries(int64_t now)
{
    if (expiring || (now < next_expiry && now < expiry_scan_at)) return;
    struct gl_txn t;
    if (gl_store_read_begin(&gl_srv->store, &t)) return;
    msgpack_zone zone;
    msgpack_zone_init(&zone, 4096);
    int64_t mark = expiry_watermark(&t);
    /* The earliest expiry past the watermark: due now, or the next to wait for. */
    int64_t due = each_expired(&t, &zone, mark, mark, NULL, NULL);
    msgpack_zone_destroy(&zone);
    gl_store_read_end(&t);
    next_expiry = due;
    expiry_scan_at = now + EXPIRY_RESCAN_S;
    if (due > now) return;
    expiring = true;
    struct gl_op *op = xmalloc(sizeof *op);
    gl_op_init(op, expiry_run, expiry_done);
    gl_batch_submit(&gl_srv->batch, op);
}

/* Every second: a read finds whether any deadline passed; only then a write is made. */
static void on_deadline_tick(uv_timer_t *h)
{
    (void)h;
    if (gl_srv->stopping) return;
    check_expiries(gl_now());
    if (deadlines) return;
    struct gl_txn t;
    if (gl_store_read_begin(&gl_srv->store, &t)) return;
    msgpack_zone zone;
    msgpack_zone_init(&zone, 4096);
    struct deadline_scan *scan = xmalloc(sizeof *scan);
    scan_deadlines(&t, &zone, gl_now(), scan);
    size_t n = scan->n;
    free(scan);
    msgpack_zone_destroy(&zone);
    gl_store_read_end(&t);
    if (!n) return;
    deadlines = true;
    struct gl_op *op = xmalloc(sizeof *op);
    gl_op_init(op, deadline_run, deadline_done);
    gl_batch_submit(&gl_srv->batch, op);
}

void gl_publish_start(struct gl_server *srv)
{
    uv_timer_init(srv->loop, &srv->publish_timer);
    uv_timer_init(srv->loop, &deadline_timer);
    expiry_start = gl_now();
    next_expiry = INT64_MIN; /* unknown: looked for at the first tick */
    uv_timer_start(&deadline_timer, on_deadline_tick, 0, 1000);
    struct gl_op *op = xmalloc(sizeof *op);
    gl_op_init(op, interrupted_run, free_op);
    gl_batch_submit(&srv->batch, op);
}

void gl_publish_stop(struct gl_server *srv)
{
    uv_timer_stop(&srv->publish_timer);
    uv_timer_stop(&deadline_timer);
    uv_close((uv_handle_t *)&srv->publish_timer, NULL);
    uv_close((uv_handle_t *)&deadline_timer, NULL);
}
