/* The forms of the link pages (webforms.h): each action is checked here, written in the group
 * commit through the workflow, and answered after its commit (post/redirect/get). */
#include "webforms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tz.h"
#include "util.h"
#include "webreq.h"
#include "webroutes.h"
#include "websession.h"
#include "webwrite.h"
#include "workflow.h"

/* The actions of the post form: the name posted, the policy's action, the word for "done". */
#define FORM_ACTIONS(X)                                                                            \
    X(FA_APPROVE, "approve", LA_APPROVE, "approved")                                               \
    X(FA_REJECT, "reject", LA_REJECT, "rejected")                                                  \
    X(FA_RESCHEDULE, "reschedule", LA_RESCHEDULE, "moved")                                         \
    X(FA_COMMENT, "comment", LA_COMMENT, "commented")

#define FA_ENUM(e, name, action, done) e,
enum form_action { FA_NONE, FORM_ACTIONS(FA_ENUM) };
#undef FA_ENUM

static const struct {
    const char *name;
    enum gl_link_action action;
    const char *done;
} form_actions[] = {[FA_NONE] = {NULL, 0, "done"},
#define FA_ROW(e, name, action, done) [e] = {name, action, done},
                    FORM_ACTIONS(FA_ROW)
#undef FA_ROW
};

static enum form_action action_parse(const char *name)
{
    for (size_t i = 1; name && i < GL_ARRAY_LEN(form_actions); i++)
        if (strcmp(form_actions[i].name, name) == 0) return (enum form_action)i;
    return FA_NONE;
}

/* ---- reading a form ---- */

bool web_read_form(struct web *w, struct gl_form *f)
{
    const char *ct = gl_http_header(w->req, "content-type");
    if (!ct || strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0) {
        web_message(w, 415, _("Not a form"), _("This address only takes forms."), w->base,
                    _("Back"));
        return false;
    }
    char *copy = msgpack_zone_malloc(&w->zone, w->req->body_len + 1);
    if (w->req->body_len) memcpy(copy, w->req->body, w->req->body_len);
    copy[w->req->body_len] = '\0';
    if (strlen(copy) != w->req->body_len || gl_form_parse(copy, f) != 0) {
        web_message(w, 400, _("Bad form"), _("The form could not be read."), w->base, _("Back"));
        return false;
    }
    if (!web_csrf_ok(w, gl_form_get(f, "csrf"))) {
        web_message(w, 403, _("This form has expired"),
                    _("Please go back, reload the page and try again."), w->base, _("Reload"));
        return false;
    }
    return true;
}

/* A post this link no longer reaches because it moved on since it was shown (decided,
 * scheduled, published): a decision posted on it is answered like a stale form (409), saying
 * nothing of its content. A post the link never reached stays a 404. */
static bool moved_on(const struct gl_link *l, const struct gl_post *p)
{
    const struct gl_link_policy *pol = gl_link_policy(l->kind);
    return p->profile == l->profile && p->status != ST_AWAITING &&
           (pol->statuses & GL_ST_BIT(p->status)) && !(pol->listed && l->nposts);
}

bool web_post_reachable(struct web *w, uint64_t id)
{
    struct gl_post p;
    return gl_post_get(&w->t, &w->zone, id, &p) == 0 &&
           (web_post_visible(w, &p) || moved_on(&w->link, &p));
}

/* ---- the writes, one kind per action ---- */

/* A decision, a new time or a comment on one post. */
struct decision_write {
    struct web_write base;
    enum form_action act;
    uint64_t post;
    uint32_t rev;
    int64_t at;       /* FA_RESCHEDULE */
    const char *note; /* in w's zone, which outlives the write */
    const char *text; /* FA_COMMENT */
};

/* The same decision on several posts of an approval link. */
struct bulk_write {
    struct web_write base;
    enum form_action act; /* FA_APPROVE or FA_REJECT */
    const char *note;
    uint64_t ids[GL_LINK_MAX_POSTS];
    uint32_t revs[GL_LINK_MAX_POSTS];
    size_t nids;
    unsigned n_done, n_skipped;
};

/* An expired link asking for a new one. */
struct request_write {
    struct web_write base;
};

static struct gl_actor link_actor(const struct web_write *ww, const struct gl_link *l)
{
    return (struct gl_actor){.name = ww->name,
                             .kind = ACTOR_EXTERNAL,
                             .link = l->id,
                             .address = ww->address,
                             .decides = gl_link_policy(l->kind)->decides,
                             .approver = l->approver};
}

static int decision_run(struct gl_op *op, struct gl_txn *t)
{
    struct decision_write *dw = (struct decision_write *)op;
    struct web_write *ww = &dw->base;
    msgpack_zone_clear(&ww->zone);
    ww->status = 0;
    struct gl_link l;
    if (web_write_check_link(ww, t, &l, false)) return -1;
    struct gl_actor actor = link_actor(ww, &l);
    struct gl_wf wf = {.t = t, .op = op, .zone = &ww->zone, .actor = &actor, .now = gl_now()};
    struct gl_post p;
    struct gl_profile prof;
    struct gl_err err = {0};
    bool commenting = dw->act == FA_COMMENT;
    if (wf_post_load(&wf, dw->post, &p, &err) ||
        !(gl_link_shows(&l, &p) || (!commenting && moved_on(&l, &p))) ||
        wf_profile_load(&wf, p.profile, &prof, &err))
        return web_refuse(ww, WR_NO_POST, NULL);
    if (!gl_link_allows(&l, form_actions[dw->act].action))
        return web_refuse(ww, WR_NOT_ALLOWED, NULL);
    if (!commenting) {
        if (p.status == ST_PUBLISHED) return web_refuse(ww, WR_PUBLISHED, NULL);
        if (p.status == ST_PUBLISHING) return web_refuse(ww, WR_PUBLISHING, NULL);
        if (p.revision != dw->rev) return web_refuse(ww, WR_EDITED, NULL);
        /* Deciding and moving: only a post whose pending step this link decides, now. */
        if (p.status != ST_AWAITING)
            return web_refuse(ww, WR_NOT_AWAITING, gl_status_label(p.status));
        if (!gl_link_may_decide(&l, &prof, &p)) return web_refuse(ww, WR_NOT_YOURS, NULL);
    }
    int r;
    uint32_t seq;
    switch (dw->act) {
    case FA_APPROVE:
        r = wf_approve(&wf, &p, dw->note, &err);
        break;
    case FA_REJECT:
        r = wf_reject(&wf, &p, dw->note, &err);
        break;
    case FA_RESCHEDULE:
        r = wf_reschedule(&wf, &p, dw->at, dw->note, &err);
        break;
    default:
        r = wf_comment(&wf, &p, dw->text, true, &seq, &err);
        break;
    }
    if (r) return web_refuse_wf(ww, &err);
    gl_seen_save(t, l.id, ww->name, &p, wf.now);
    return 0;
}

static int bulk_run(struct gl_op *op, struct gl_txn *t)
{
    struct bulk_write *bw = (struct bulk_write *)op;
    struct web_write *ww = &bw->base;
    msgpack_zone_clear(&ww->zone);
    bw->n_done = bw->n_skipped = 0;
    ww->status = 0;
    struct gl_link l;
    if (web_write_check_link(ww, t, &l, false)) return -1;
    struct gl_actor actor = link_actor(ww, &l);
    struct gl_wf wf = {.t = t, .op = op, .zone = &ww->zone, .actor = &actor, .now = gl_now()};
    if (!(gl_link_allows(&l, LA_BULK) && gl_link_allows(&l, form_actions[bw->act].action)))
        return web_refuse(ww, WR_NOT_ALLOWED, NULL);
    struct gl_profile prof = {0};
    struct gl_err perr = {0};
    bool have_prof = wf_profile_load(&wf, l.profile, &prof, &perr) == 0;
    for (size_t i = 0; i < bw->nids; i++) {
        struct gl_post p;
        struct gl_err err = {0};
        if (!have_prof || wf_post_load(&wf, bw->ids[i], &p, &err) ||
            !gl_link_may_decide(&l, &prof, &p) || p.revision != bw->revs[i]) {
            bw->n_skipped++;
            continue;
        }
        int r = bw->act == FA_APPROVE ? wf_approve(&wf, &p, bw->note, &err)
                                      : wf_reject(&wf, &p, bw->note, &err);
        if (r) {
            bw->n_skipped++;
            continue;
        }
        gl_seen_save(t, l.id, ww->name, &p, wf.now);
        bw->n_done++;
    }
    return 0;
}

static int request_run(struct gl_op *op, struct gl_txn *t)
{
    struct web_write *ww = (struct web_write *)op;
    msgpack_zone_clear(&ww->zone);
    ww->status = 0;
    struct gl_link l;
    if (web_write_check_link(ww, t, &l, true)) return -1;
    return web_write_link_request(ww, t, &l, false);
}

/* A refused or failed write: its page, with the way back. */
static void answer_refusal(struct web_write *ww, const char *back, const char *back_label)
{
    int st = ww->status ? ww->status : 503;
    char msg[sizeof ww->msg + sizeof ww->arg];
    if (ww->msg[0])
        web_refusal_text(ww, msg, sizeof msg);
    else
        snprintf(msg, sizeof msg, "%s", _("The change could not be saved; please try again."));
    web_message(ww->w, st, st == 409 ? _("Nothing was changed") : _("Not saved"), msg, back,
                back_label);
}

static void decision_done(struct gl_op *op)
{
    struct decision_write *dw = (struct decision_write *)op;
    struct web *w = dw->base.w;
    char loc[256];
    snprintf(loc, sizeof loc, "%s/p/%llu", w->base, (unsigned long long)dw->post);
    if (op->err.code) {
        answer_refusal(&dw->base, loc, _("Back to the post"));
    } else {
        snprintf(loc, sizeof loc, "%s/p/%llu?done=%s", w->base, (unsigned long long)dw->post,
                 form_actions[dw->act].done);
        web_redirect(w, loc);
    }
    web_write_free(&dw->base);
}

static void bulk_done(struct gl_op *op)
{
    struct bulk_write *bw = (struct bulk_write *)op;
    struct web *w = bw->base.w;
    char loc[256];
    if (op->err.code) {
        snprintf(loc, sizeof loc, "%s", w->base);
        answer_refusal(&bw->base, loc, _("Back"));
    } else {
        snprintf(loc, sizeof loc, "%s?done=%s&n=%u&skipped=%u", w->base, form_actions[bw->act].done,
                 bw->n_done, bw->n_skipped);
        web_redirect(w, loc);
    }
    web_write_free(&bw->base);
}

static void request_done(struct gl_op *op)
{
    struct web_write *ww = (struct web_write *)op;
    struct web *w = ww->w;
    char loc[256];
    if (op->err.code) {
        snprintf(loc, sizeof loc, "%s", w->base);
        answer_refusal(ww, loc, _("Back"));
    } else {
        snprintf(loc, sizeof loc, "%s?requested=1", w->base);
        web_redirect(w, loc);
    }
    web_write_free(ww);
}

/* ---- the handlers ---- */

/* The date and time as entered in zone: the form's own (the visitor's, which the form named),
 * else the profile's; a zone that is no known zone is refused. */
static bool parse_date_time(const struct web *w, const char *zone, const char *date,
                            const char *time, int64_t *out)
{
    if (!zone || !*zone) zone = w->prof.timezone;
    if (!gl_tz_valid(zone)) return false;
    int y, mo, d, h, mi;
    char extra;
    if (!date || !time || sscanf(date, "%4d-%2d-%2d%c", &y, &mo, &d, &extra) != 3 ||
        sscanf(time, "%2d:%2d%c", &h, &mi, &extra) < 2)
        return false;
    if (y < 1971 || y > 9998 || mo < 1 || mo > 12 || d < 1 || d > gl_days_in_month(y, mo) ||
        h < 0 || h > 23 || mi < 0 || mi > 59)
        return false;
    *out = gl_tz_to_utc(zone, y, mo, d, h, mi);
    return true;
}

void web_post_decision(struct web *w, const struct web_args *a)
{
    struct gl_form *f = a->form;
    char back[128];
    snprintf(back, sizeof back, "%s/p/%llu", w->base, (unsigned long long)a->post);
    enum form_action act = action_parse(gl_form_get(f, "action"));
    const char *note = gl_form_get_trimmed(f, "note");
    const char *text = gl_form_get_trimmed(f, "text");
    const char *rev = gl_form_get(f, "rev");
    if (act == FA_NONE) {
        web_message(w, 400, _("Unknown action"), _("That action is not known."), back, _("Back"));
        return;
    }
    if ((note && strlen(note) > GL_MAX_COMMENT) || (text && strlen(text) > GL_MAX_COMMENT)) {
        web_message(w, 413, _("Too long"), _("Notes and comments are limited to 5,000 characters."),
                    back, _("Back to the post"));
        return;
    }
    int64_t at = 0;
    if (act == FA_REJECT && !(note && *note)) {
        web_message(w, 422, _("Please say what should change"),
                    _("A note is required when you request changes."), back, _("Back to the post"));
        return;
    }
    if (act == FA_COMMENT && !(text && *text)) {
        web_message(w, 422, _("Empty comment"), _("Please write something first."), back,
                    _("Back to the post"));
        return;
    }
    if (act == FA_RESCHEDULE) {
        if (!parse_date_time(w, gl_form_get(f, "zone"), gl_form_get(f, "date"),
                             gl_form_get(f, "time"), &at)) {
            web_message(w, 422, _("Please check the date"), _("The date or time is not valid."),
                        back, _("Back to the post"));
            return;
        }
        if (at <= w->now || at > w->now + 10LL * 366 * 86400) {
            web_message(w, 422, _("Please check the date"),
                        _("The new time must be in the future (and within ten years)."), back,
                        _("Back to the post"));
            return;
        }
    }
    struct decision_write *dw = web_write_new(sizeof *dw, w, decision_run, decision_done);
    dw->act = act;
    dw->post = a->post;
    dw->rev = rev ? (uint32_t)strtoul(rev, NULL, 10) : 0;
    dw->at = at;
    dw->note = note && *note ? gl_zone_strdup(&w->zone, note) : NULL;
    dw->text = text ? gl_zone_strdup(&w->zone, text) : NULL;
    web_submit(w, &dw->base.op);
}

void web_post_bulk(struct web *w, const struct web_args *a)
{
    struct gl_form *f = a->form;
    enum form_action act = action_parse(gl_form_get(f, "action"));
    const char *note = gl_form_get_trimmed(f, "note");
    if (act != FA_APPROVE && act != FA_REJECT) {
        web_message(w, 400, _("Unknown action"), _("That action is not known."), w->base,
                    _("Back"));
        return;
    }
    struct bulk_write *bw = web_write_new(sizeof *bw, w, bulk_run, bulk_done);
    bw->act = act;
    bw->note = note && *note ? gl_zone_strdup(&w->zone, note) : NULL;
    for (unsigned i = 0; i < f->n && bw->nids < GL_LINK_MAX_POSTS; i++) {
        if (strcmp(f->names[i], "post") != 0) continue;
        uint64_t id = strtoull(f->values[i], NULL, 10);
        char rn[40];
        snprintf(rn, sizeof rn, "rev%llu", (unsigned long long)id);
        const char *rev = gl_form_get(f, rn);
        bw->ids[bw->nids] = id;
        bw->revs[bw->nids] = rev ? (uint32_t)strtoul(rev, NULL, 10) : 0;
        bw->nids++;
    }
    if (bw->nids == 0) {
        web_write_free(&bw->base);
        web_message(w, 422, _("Nothing selected"),
                    _("Please tick the posts you want to decide on."), w->base,
                    _("Back to the list"));
        return;
    }
    if (act == FA_REJECT && (!note || strlen(note) > GL_MAX_COMMENT || !*note)) {
        web_write_free(&bw->base);
        web_message(w, 422, _("Please say what should change"),
                    _("A note is required when you request changes."), w->base,
                    _("Back to the list"));
        return;
    }
    web_submit(w, &bw->base.op);
}

void web_post_request(struct web *w, const struct web_args *a)
{
    (void)a;
    struct request_write *rw = web_write_new(sizeof *rw, w, request_run, request_done);
    web_submit(w, &rw->base.op);
}

void web_post_request_active(struct web *w, const struct web_args *a)
{
    (void)a;
    web_redirect(w, w->base);
}
