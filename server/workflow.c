/* The approval workflow (see workflow.h). */
#include "workflow.h"

#include <string.h>
#include <strings.h>

#include "log.h"
#include "notify.h"
#include "postquery.h"
#include "receipt.h"
#include "rpc.h"
#include "xmalloc.h"

#define BIT(s) (1u << (s))

static const char *actor_kind_name(enum gl_actor_kind k)
{
    return k == ACTOR_EXTERNAL ? "external" : k == ACTOR_SYSTEM ? "system" : "staff";
}

int wf_post_load(struct gl_wf *wf, uint64_t id, struct gl_post *out, struct gl_err *err)
{
    if (gl_post_get(wf->t, wf->zone, id, out) != 0) {
        gl_err_set(err, GL_E_NOT_FOUND, "no post %llu", (unsigned long long)id);
        return -1;
    }
    return 0;
}

int wf_profile_load(struct gl_wf *wf, uint64_t id, struct gl_profile *out, struct gl_err *err)
{
    if (gl_profile_load(wf->t, id, wf->zone, out) != 0) {
        gl_err_set(err, GL_E_NOT_FOUND, "no profile %llu", (unsigned long long)id);
        return -1;
    }
    return 0;
}

void wf_post_save(struct gl_wf *wf, const struct gl_post *old, const struct gl_post *p)
{
    /* The record lives in posts_by_time under (profile, time, id), and posts maps the id to
     * that key (store.h); the map and the status entry are rewritten only when their keys
     * change: an unchanged entry would still copy its leaf and branches (bench/README.md). */
    struct gl_key k, at;
    key_post_time(&at, p->profile, p->scheduled_at, p->id);
    bool moved = !old || old->scheduled_at != p->scheduled_at || old->profile != p->profile;
    if (moved) {
        if (old) {
            key_post_time(&k, old->profile, old->scheduled_at, old->id);
            gl_del(wf->t, DB_POSTS_BY_TIME, &k);
        }
        key_id(&k, p->id);
        gl_put(wf->t, DB_POSTS, &k, at.b, at.n);
    }
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    gl_post_encode(p, &sb);
    gl_put(wf->t, DB_POSTS_BY_TIME, &at, sb.data, sb.size);
    msgpack_sbuffer_destroy(&sb);
    if (moved || old->status != p->status) {
        if (old) {
            key_post_status(&k, old->status, old->scheduled_at, old->id);
            gl_del(wf->t, DB_POSTS_BY_STATUS, &k);
        }
        key_post_status(&k, p->status, p->scheduled_at, p->id);
        gl_put(wf->t, DB_POSTS_BY_STATUS, &k, "", 0);
    }
}

/* Deletes every (post, seq) child of a post in db. */
static void remove_children(struct gl_wf *wf, enum gl_db db, uint64_t post)
{
    struct gl_key lo, hi;
    key_child(&lo, post, 0);
    key_child(&hi, post + 1, 0);
    struct gl_range r;
    if (gl_range_open(wf->t, db, &lo, &hi, &r)) return;
    MDB_val key, val;
    while (gl_range_next(&r, &key, &val)) {
        int rc = mdb_cursor_del(r.cur, 0);
        if (rc) {
            wf->t->rc = rc;
            break;
        }
    }
    gl_range_close(&r);
}

void wf_post_remove(struct gl_wf *wf, const struct gl_post *p)
{
    struct gl_key k;
    key_id(&k, p->id);
    gl_del(wf->t, DB_POSTS, &k);
    key_post_time(&k, p->profile, p->scheduled_at, p->id);
    gl_del(wf->t, DB_POSTS_BY_TIME, &k);
    key_post_status(&k, p->status, p->scheduled_at, p->id);
    gl_del(wf->t, DB_POSTS_BY_STATUS, &k);
    remove_children(wf, DB_HISTORY, p->id);
    remove_children(wf, DB_COMMENTS, p->id);
    remove_children(wf, DB_REVISIONS, p->id);
}

void wf_history(struct gl_wf *wf, const struct gl_post *p, enum gl_history_type type,
                const char *note,
                enum gl_status from)
{
    uint32_t seq = gl_next_seq(wf->t, DB_HISTORY, p->id);
    const struct gl_actor *a = wf->actor;
    struct gl_history h = {
        .seq = seq,
        .type = gl_history_type_name(type),
        .at = wf->now,
        .actor = a->name,
        .actor_kind = actor_kind_name(a->kind),
        .link = a->link,
        .address = a->address,
        .note = note,
        .revision = p->revision,
        .step = wf->step,
        .from = gl_status_name(from),
        .to = gl_status_name(p->status),
        .scheduled_at = p->scheduled_at,
    };
    struct gl_key k;
    key_child(&k, p->id, seq);
    gl_history_put(wf->t, &k, &h);
}

void wf_event(struct gl_wf *wf, enum gl_event_type type, const struct gl_post *p, uint64_t link,
              const char *text)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, &wf->op->events, msgpack_sbuffer_write);
    gl_rpc_pack_notify(&pk, "event");
    msgpack_pack_map(&pk, 8);
    gl_pack_kv_str(&pk, "type", gl_event_type_name(type));
    gl_pack_kv_id(&pk, "post", p ? p->id : 0);
    gl_pack_kv_id(&pk, "profile", p ? p->profile : 0);
    gl_pack_kv_id(&pk, "link", link);
    gl_pack_kv_str(&pk, "actor", wf->actor->name);
    gl_pack_kv_str(&pk, "text", text);
    gl_pack_kv_int(&pk, "at", wf->now);
    gl_pack_kv_str(&pk, "status", p ? gl_status_name(p->status) : NULL);
    notify_event(wf, type, p, link, text);
}

/* Which statuses each action is allowed from: the one home of protocol/README.md's workflow
 * table. A post being published (its publisher command running) takes nothing but comments and
 * the publisher's own outcome, so what goes out is what was approved, and is always recorded. */
#define ANY_STATUS (BIT(ST_COUNT) - 1)
static const struct {
    const char *verb; /* "a post ... cannot be <verb>" */
    unsigned from;
} actions[WF_ACTION_COUNT] = {
    [WF_EDIT] = {"edited", ANY_STATUS & ~BIT(ST_PUBLISHED) & ~BIT(ST_PUBLISHING)},
    [WF_DELETE] = {"deleted", ANY_STATUS & ~BIT(ST_PUBLISHED) & ~BIT(ST_PUBLISHING)},
    /* A failed post edited since its approval goes back through approval (wf_submit). */
    [WF_SUBMIT] = {"submitted", BIT(ST_DRAFT) | BIT(ST_CHANGES) | BIT(ST_FAILED)},
    [WF_APPROVE] = {"approved", BIT(ST_AWAITING)},
    [WF_REJECT] = {"rejected", BIT(ST_AWAITING) | BIT(ST_APPROVED) | BIT(ST_SCHEDULED)},
    [WF_RESCHEDULE] = {"rescheduled", BIT(ST_DRAFT) | BIT(ST_AWAITING) | BIT(ST_CHANGES) |
                                          BIT(ST_APPROVED) | BIT(ST_SCHEDULED)},
    [WF_SCHEDULE] = {"scheduled", BIT(ST_APPROVED)},
    [WF_COMMENT] = {"commented on", ANY_STATUS},
    /* Without a publisher command a scheduled post is published at once; with one, the
     * command's outcome ends its publishing. */
    [WF_PUBLISH] = {"published", BIT(ST_SCHEDULED) | BIT(ST_PUBLISHING)},
    [WF_PUBLISH_START] = {"published", BIT(ST_SCHEDULED)},
    [WF_PUBLISH_FAIL] = {"failed", BIT(ST_PUBLISHING)},
    [WF_RETRY] = {"retried", BIT(ST_FAILED)},
    [WF_HOLD] = {"held", BIT(ST_AWAITING) | BIT(ST_CHANGES)},
    [WF_REMIND] = {"reminded", BIT(ST_AWAITING)},
};

int wf_check(const struct gl_post *p, enum wf_action a, struct gl_err *err)
{
    if (BIT(p->status) & actions[a].from) return 0;
    unsigned long long id = (unsigned long long)p->id;
    if (p->status == ST_PUBLISHED)
        gl_err_set(err, GL_E_INVALID_STATE, "post %llu is already published; it cannot be %s",
                   id, actions[a].verb);
    else if (p->status == ST_PUBLISHING)
        gl_err_set(err, GL_E_INVALID_STATE,
                   "post %llu is being published right now; it cannot be %s until the "
                   "publisher has finished",
                   id, actions[a].verb);
    else
        gl_err_set(err, GL_E_INVALID_STATE, "a post that is %s cannot be %s",
                   gl_status_name(p->status), actions[a].verb);
    return -1;
}

/* A one-line summary for events: "approved post 12 \"Spring sale…\"". */
static const char *summary(struct gl_wf *wf, const char *verb, const struct gl_post *p)
{
    char start[48];
    size_t n = strlen(p->caption);
    if (n > 40) {
        n = 40;
        while (n > 0 && ((unsigned char)p->caption[n] & 0xC0) == 0x80) n--; /* whole chars */
    }
    snprintf(start, sizeof start, "%.*s%s", (int)n, p->caption, strlen(p->caption) > n ? "…" : "");
    char *s = xasprintf("%s %s post %llu \"%s\"", wf->actor->name, verb,
                        (unsigned long long)p->id, start);
    const char *z = gl_zone_strdup(wf->zone, s);
    free(s);
    return z;
}

static void record_decision(struct gl_wf *wf, struct gl_post *p, uint32_t step, bool approved)
{
    /* Keep the decisions on the current revision only, replacing this step's earlier one. */
    struct gl_approval *list =
        msgpack_zone_malloc(wf->zone, sizeof *list * (p->napprovals + 1));
    size_t n = 0;
    for (size_t i = 0; i < p->napprovals; i++)
        if (p->approvals[i].revision == p->revision && p->approvals[i].step != step)
            list[n++] = p->approvals[i];
    list[n++] = (struct gl_approval){
        .step = step,
        .approved = approved,
        .by = wf->actor->name,
        .link = wf->actor->link,
        .at = wf->now,
        .revision = p->revision,
    };
    p->approvals = list;
    p->napprovals = n;
}

static void transition(struct gl_wf *wf, const struct gl_post *old, struct gl_post *p,
                       enum gl_history_type history, enum gl_event_type event,
                       const char *verb,
                       const char *note)
{
    p->updated_at = wf->now;
    wf_post_save(wf, old, p);
    wf_history(wf, p, history, note, old->status);
    wf_event(wf, event, p, wf->actor->link, summary(wf, verb, p));
}

bool wf_may_decide(const struct gl_actor *actor, const struct gl_step *step)
{
    int kind = gl_step_kind(step->who);
    if (kind < 0) return false;
    if (actor->kind == ACTOR_EXTERNAL) {
        if (!(actor->decides & GL_STEP_BIT(kind))) return false;
        /* A step naming its approver is for the link made for that approver only. */
        return kind != STEP_APPROVER || !step->approver ||
               (actor->approver && strcasecmp(actor->approver, step->approver) == 0);
    }
    if (actor->kind != ACTOR_STAFF) return false;
    if (kind == STEP_ANY) return actor->role >= ROLE_MANAGER;
    enum gl_role need = kind == STEP_ROLE ? gl_role_parse(step->who) : ROLE_NONE;
    return need != ROLE_NONE && actor->role >= need;
}

/* Who decides a step, in words, for refusals. */
static const char *step_decider(const struct gl_step *st)
{
    switch (gl_step_kind(st->who)) {
    case STEP_APPROVER:
        return st->approver ? st->approver : "the approver of an external link (an approval link)";
    case STEP_COLLABORATOR:
        return "a visitor of a collaboration link";
    case STEP_ANY:
        return "a manager or a link visitor";
    default:
        return st->who;
    }
}

/* The first step (1-based) not approved on the current revision; 0 when all are. */
static uint32_t pending_step(const struct gl_profile *prof, const struct gl_post *p)
{
    for (uint32_t s = 1; s <= prof->nsteps; s++) {
        bool approved = false;
        for (size_t i = 0; i < p->napprovals && !approved; i++)
            approved = p->approvals[i].step == s && p->approvals[i].approved &&
                       p->approvals[i].revision == p->revision;
        if (!approved) return s;
    }
    return 0;
}

static const struct gl_step default_step = {.name = "Approval", .who = "any"};

const struct gl_step *wf_pending_step(const struct gl_profile *prof, const struct gl_post *p)
{
    if (!prof->nsteps) return &default_step;
    uint32_t step = pending_step(prof, p);
    return &prof->steps[(step ? step : prof->nsteps) - 1];
}

/* The status of a post every step has approved. A post approved after its time (overdue) is
 * never scheduled on its own: it would go out at once, unseen. */
static enum gl_status approved_status(const struct gl_wf *wf, const struct gl_profile *prof,
                                      const struct gl_post *p)
{
    bool future = p->scheduled_at != GL_TIME_NONE && p->scheduled_at > wf->now;
    return prof->auto_schedule && future && !p->overdue ? ST_SCHEDULED : ST_APPROVED;
}

int wf_submit(struct gl_wf *wf, struct gl_post *p, struct gl_err *err)
{
    if (wf_check(p, WF_SUBMIT, err)) return -1;
    if (p->status == ST_FAILED && !p->rev_open) {
        gl_err_set(err, GL_E_INVALID_STATE,
                   "post %llu is approved as it is and only failed to publish: retry it",
                   (unsigned long long)p->id);
        return -1;
    }
    struct gl_profile prof;
    if (wf_profile_load(wf, p->profile, &prof, err)) return -1;
    struct gl_post old = *p;
    p->rev_open = false;
    p->napprovals = 0;
    p->overdue = p->reminded = false;
    /* A profile without approval steps approves on submission. */
    p->status = prof.nsteps == 0 ? approved_status(wf, &prof, p) : ST_AWAITING;
    transition(wf, &old, p, HIST_SUBMITTED, EV_POST_SUBMITTED, "submitted", NULL);
    return 0;
}

int wf_approve(struct gl_wf *wf, struct gl_post *p, const char *note, struct gl_err *err)
{
    if (wf_check(p, WF_APPROVE, err)) return -1;
    struct gl_profile prof;
    if (wf_profile_load(wf, p->profile, &prof, err)) return -1;
    uint32_t step = pending_step(&prof, p);
    if (step == 0) step = prof.nsteps ? (uint32_t)prof.nsteps : 1;
    const struct gl_step *st = wf_pending_step(&prof, p);
    if (!wf_may_decide(wf->actor, st)) {
        gl_err_set(err, GL_E_FORBIDDEN, "step %u (%s) of post %llu is decided by %s", step,
                   st->name, (unsigned long long)p->id, step_decider(st));
        return -1;
    }
    struct gl_post old = *p;
    record_decision(wf, p, step, true);
    wf->step = step;
    if (pending_step(&prof, p) == 0) {
        p->status = approved_status(wf, &prof, p);
        transition(wf, &old, p, HIST_APPROVED, EV_POST_APPROVED, "approved", note);
    } else {
        char verb[96];
        snprintf(verb, sizeof verb, "approved step %u (%s) of", step, st->name);
        transition(wf, &old, p, HIST_APPROVED, EV_POST_STEP_APPROVED,
                   gl_zone_strdup(wf->zone, verb), note);
    }
    receipt_append(wf, &old, p, DECISION_APPROVE, note);
    wf->step = 0;
    return 0;
}

int wf_reject(struct gl_wf *wf, struct gl_post *p, const char *note, struct gl_err *err)
{
    if (!note || !*note) {
        gl_err_set(err, GL_E_BAD_REQUEST, "a rejection needs a note saying what to change");
        return -1;
    }
    if (wf_check(p, WF_REJECT, err)) return -1;
    struct gl_profile prof;
    if (wf_profile_load(wf, p->profile, &prof, err)) return -1;
    /* The step rejected is the pending one if the actor may decide it, else the first step
     * the actor may decide. */
    const struct gl_step any = {.name = "Approval", .who = "any"};
    uint32_t step = 0, pend = pending_step(&prof, p);
    if (prof.nsteps == 0) {
        if (wf_may_decide(wf->actor, &any)) step = 1;
    } else if (pend && wf_may_decide(wf->actor, &prof.steps[pend - 1])) {
        step = pend;
    } else {
        for (uint32_t s = 1; s <= prof.nsteps && !step; s++)
            if (wf_may_decide(wf->actor, &prof.steps[s - 1])) step = s;
    }
    if (!step) {
        gl_err_set(err, GL_E_FORBIDDEN, "you decide no approval step of post %llu",
                   (unsigned long long)p->id);
        return -1;
    }
    struct gl_post old = *p;
    record_decision(wf, p, step, false);
    p->status = ST_CHANGES;
    wf->step = step;
    transition(wf, &old, p, HIST_REJECTED, EV_POST_REJECTED, "requested changes to", note);
    receipt_append(wf, &old, p, DECISION_REJECT, note);
    wf->step = 0;
    return 0;
}

void wf_pack_steps(const struct gl_profile *prof, const struct gl_post *p, msgpack_packer *pk)
{
    msgpack_pack_array(pk, prof->nsteps);
    for (uint32_t s = 1; s <= prof->nsteps; s++) {
        const struct gl_approval *d = NULL;
        for (size_t i = 0; i < p->napprovals; i++)
            if (p->approvals[i].step == s && p->approvals[i].revision == p->revision)
                d = &p->approvals[i];
        msgpack_pack_map(pk, 6);
        gl_pack_kv_int(pk, "step", s);
        gl_pack_kv_str(pk, "name", prof->steps[s - 1].name);
        gl_pack_kv_str(pk, "who", prof->steps[s - 1].who);
        gl_pack_kv_str(pk, "state", !d ? "pending" : d->approved ? "approved" : "rejected");
        gl_pack_kv_str(pk, "by", d ? d->by : NULL);
        gl_pack_key(pk, "at");
        if (d)
            msgpack_pack_int64(pk, d->at);
        else
            msgpack_pack_nil(pk);
    }
}

int wf_reschedule(struct gl_wf *wf, struct gl_post *p, int64_t at, const char *note,
                  struct gl_err *err)
{
    if (wf_check(p, WF_RESCHEDULE, err)) return -1;
    if (at < wf->now) {
        gl_err_set(err, GL_E_BAD_REQUEST, "scheduled_at is in the past");
        return -1;
    }
    struct gl_post old = *p;
    p->scheduled_at = at;
    p->overdue = p->reminded = false; /* a new time, new deadlines */
    transition(wf, &old, p, HIST_RESCHEDULED, EV_POST_RESCHEDULED, "rescheduled", note);
    receipt_append(wf, &old, p, DECISION_RESCHEDULE, note);
    return 0;
}

int wf_schedule(struct gl_wf *wf, struct gl_post *p, struct gl_err *err)
{
    if (wf_check(p, WF_SCHEDULE, err)) return -1;
    if (p->scheduled_at == GL_TIME_NONE || p->scheduled_at <= wf->now) {
        gl_err_set(err, GL_E_INVALID_STATE, "post %llu has %s; reschedule it first",
                   (unsigned long long)p->id,
                   p->scheduled_at == GL_TIME_NONE ? "no time" : "a time that has passed");
        return -1;
    }
    struct gl_post old = *p;
    p->status = ST_SCHEDULED;
    transition(wf, &old, p, HIST_SCHEDULED, EV_POST_SCHEDULED, "scheduled", NULL);
    return 0;
}

int wf_publish(struct gl_wf *wf, struct gl_post *p, const char *note, struct gl_err *err)
{
    if (wf_check(p, WF_PUBLISH, err)) return -1;
    struct gl_post old = *p;
    p->status = ST_PUBLISHED;
    transition(wf, &old, p, HIST_PUBLISHED, EV_POST_PUBLISHED, "published", note);
    return 0;
}

int wf_publish_start(struct gl_wf *wf, struct gl_post *p, struct gl_err *err)
{
    if (wf_check(p, WF_PUBLISH_START, err)) return -1;
    struct gl_post old = *p;
    p->status = ST_PUBLISHING;
    transition(wf, &old, p, HIST_PUBLISHING, EV_POST_PUBLISHING, "started publishing", NULL);
    return 0;
}

int wf_publish_fail(struct gl_wf *wf, struct gl_post *p, const char *note, struct gl_err *err)
{
    if (wf_check(p, WF_PUBLISH_FAIL, err)) return -1;
    struct gl_post old = *p;
    p->status = ST_FAILED;
    transition(wf, &old, p, HIST_FAILED, EV_POST_FAILED, "failed to publish", note);
    return 0;
}

int wf_retry(struct gl_wf *wf, struct gl_post *p, struct gl_err *err)
{
    if (wf_check(p, WF_RETRY, err)) return -1;
    /* An approval holds for exactly what goes out: a failed post edited since then is not
     * what was approved, and goes back to its approvers first. */
    if (p->rev_open) {
        gl_err_set(err, GL_E_INVALID_STATE,
                   "post %llu was changed after it was approved: submit it for approval again",
                   (unsigned long long)p->id);
        return -1;
    }
    if (p->scheduled_at == GL_TIME_NONE) {
        gl_err_set(err, GL_E_INVALID_STATE, "post %llu has no time", (unsigned long long)p->id);
        return -1;
    }
    struct gl_post old = *p;
    p->status = ST_SCHEDULED;
    transition(wf, &old, p, HIST_RETRIED, EV_POST_SCHEDULED, "retried", NULL);
    return 0;
}

int wf_mark_overdue(struct gl_wf *wf, struct gl_post *p, struct gl_err *err)
{
    if (wf_check(p, WF_HOLD, err)) return -1;
    struct gl_post old = *p;
    p->overdue = true;
    transition(wf, &old, p, HIST_OVERDUE, EV_POST_OVERDUE, "held (still not approved at its time)",
               NULL);
    return 0;
}

int wf_remind(struct gl_wf *wf, struct gl_post *p, struct gl_err *err)
{
    if (wf_check(p, WF_REMIND, err)) return -1;
    struct gl_post old = *p;
    p->reminded = true;
    transition(wf, &old, p, HIST_REMINDED, EV_POST_REMINDER, "reminds approvers of", NULL);
    return 0;
}

int wf_comment(struct gl_wf *wf, struct gl_post *p, const char *text, bool shared,
               uint32_t *out_seq, struct gl_err *err)
{
    if (!text || !*text) {
        gl_err_set(err, GL_E_BAD_REQUEST, "a comment needs text");
        return -1;
    }
    if (wf_check(p, WF_COMMENT, err)) return -1;
    uint32_t seq = gl_next_seq(wf->t, DB_COMMENTS, p->id);
    const struct gl_actor *a = wf->actor;
    struct gl_comment c = {.id = seq,
                           .author = a->name,
                           .author_kind = actor_kind_name(a->kind),
                           .link = a->link,
                           .text = text,
                           .shared = shared,
                           .at = wf->now};
    struct gl_key k;
    key_child(&k, p->id, seq);
    gl_comment_put(wf->t, &k, &c);
    struct gl_post old = *p;
    p->comment_count++;
    wf_post_save(wf, &old, p);
    wf_history(wf, p, HIST_COMMENTED, text, p->status);
    wf_event(wf, EV_POST_COMMENTED, p, a->link, summary(wf, "commented on", p));
    notify_mentions(wf, p, text);
    *out_seq = seq;
    return 0;
}

void wf_begin_content_edit(struct gl_wf *wf, struct gl_post *p)
{
    if (p->rev_open) return;
    /* The current revision was seen by approvers: keep it, and start the next one. */
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    gl_post_pack_content(&pk, p, 0);
    struct gl_key k;
    key_child(&k, p->id, p->revision);
    gl_put(wf->t, DB_REVISIONS, &k, sb.data, sb.size);
    msgpack_sbuffer_destroy(&sb);
    p->revision++;
    p->napprovals = 0;
    /* A draft or a post with changes requested stays open until submitted; anything already
     * in front of approvers goes (back) to them as the new revision. */
    if (p->status == ST_DRAFT || p->status == ST_CHANGES || p->status == ST_FAILED)
        p->rev_open = true;
    else if (p->status == ST_APPROVED || p->status == ST_SCHEDULED)
        p->status = ST_AWAITING;
}

void wf_finish_edit(struct gl_wf *wf, const struct gl_post *old, struct gl_post *p,
                    bool content_changed)
{
    p->updated_at = wf->now;
    wf_post_save(wf, old, p);
    wf_history(wf, p, HIST_EDITED, NULL, old->status);
    enum gl_event_type type = p->status != old->status ? EV_POST_SUBMITTED : EV_POST_UPDATED;
    (void)content_changed;
    wf_event(wf, type, p, 0, summary(wf, "edited", p));
}

/* A post's comments or history on the wire, as an array: counted, then packed (the array's
 * length comes first). */
struct pack_children {
    msgpack_packer *pk; /* NULL while counting */
    bool shared_only;
    uint32_t n;
};

static bool pack_comment(const struct gl_comment *c, void *ctx)
{
    struct pack_children *pc = ctx;
    if (pc->shared_only && !c->shared) return true;
    if (pc->pk)
        gl_comment_pack(pc->pk, c);
    else
        pc->n++;
    return true;
}

static bool pack_history(const struct gl_history *h, void *ctx)
{
    struct pack_children *pc = ctx;
    if (pc->pk)
        gl_history_pack(pc->pk, h);
    else
        pc->n++;
    return true;
}

void wf_pack_comments(struct gl_txn *t, uint64_t post, bool shared_only, msgpack_packer *pk)
{
    msgpack_zone z;
    msgpack_zone_init(&z, 4096);
    struct pack_children pc = {.shared_only = shared_only};
    if (gl_comments_each(t, &z, post, pack_comment, &pc)) pc.n = 0;
    msgpack_pack_array(pk, pc.n);
    pc.pk = pk;
    if (pc.n) gl_comments_each(t, &z, post, pack_comment, &pc);
    msgpack_zone_destroy(&z);
}

void wf_pack_history(struct gl_txn *t, uint64_t post, msgpack_packer *pk)
{
    msgpack_zone z;
    msgpack_zone_init(&z, 4096);
    struct pack_children pc = {0};
    if (gl_history_each(t, &z, post, pack_history, &pc)) pc.n = 0;
    msgpack_pack_array(pk, pc.n);
    pc.pk = pk;
    if (pc.n) gl_history_each(t, &z, post, pack_history, &pc);
    msgpack_zone_destroy(&z);
}
