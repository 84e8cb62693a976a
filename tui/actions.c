/* Post actions (actions.h). */
#include "actions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tz.h"
#include "ui.h"
#include "util.h"
#include "words.h"
#include "xmalloc.h"

/* Text typed for a request that failed, offered again for the same post and action, on whichever
 * screen asks next: the app's, not one screen's. */
static struct {
    int64_t id;
    enum action act;
    char *text;
} draft;

static void draft_set(int64_t id, enum action act, const char *text)
{
    free(draft.text);
    draft.id = id;
    draft.act = act;
    draft.text = text ? xstrdup(text) : NULL;
}

static const char *draft_for(int64_t id, enum action act)
{
    return draft.text && draft.id == id && draft.act == act ? draft.text : NULL;
}

void act_free(void)
{
    free(draft.text);
    draft.text = NULL;
}

void act_state_clear(struct act_state *s)
{
    free(s->ids);
    s->ids = NULL;
    s->nids = 0;
}

static void remember(struct act_state *s, struct app *a, const struct md_post *p)
{
    s->app = a;
    s->id = p->id;
    const struct md_profile *pr = app_profile_by_id(a, p->profile);
    snprintf(s->zone, sizeof s->zone, "%s", pr ? pr->timezone : "UTC");
}

/* tag packs the action and the post id, so the reply knows what it answers. */
static uint64_t mktag(enum action act, int64_t id)
{
    return ((uint64_t)act << 48) | ((uint64_t)id & 0xffffffffffffULL);
}

static void on_done(void *ud, uint64_t tag, const struct gl_err *err, const msgpack_object *r)
{
    struct app *a = ud;
    enum action act = (enum action)(tag >> 48);
    int64_t id = (int64_t)(tag & 0xffffffffffffULL);
    static const char *const verbs[] = {
        [ACT_APPROVE] = "approved",       [ACT_REJECT] = "rejected",
        [ACT_RESCHEDULE] = "rescheduled", [ACT_SCHEDULE] = "scheduled",
        [ACT_COMMENT] = "commented on",   [ACT_SUBMIT] = "submitted",
        [ACT_DELETE] = "deleted",         [ACT_EDIT_CAPTION] = "saved the caption of",
        [ACT_RETRY] = "retried",
    };
    const char *verb = (size_t)act < GL_ARRAY_LEN(verbs) && verbs[act] ? verbs[act] : "updated";
    if (err) {
        char what[64];
        snprintf(what, sizeof what, "post %lld not %s", (long long)id,
                 act == ACT_REJECT ? "rejected" : verb);
        app_rpc_error(a, what, err);
        return;
    }
    if (draft.id == id && draft.act == act) draft_set(0, ACT_NONE, NULL);
    const msgpack_object *st = r ? gl_map_get(r, "status") : NULL;
    if (st && act != ACT_COMMENT && act != ACT_DELETE)
        app_msg(a, false, "%s post %lld: now %s", verb, (long long)id,
                words_status(md_status_parse(st)));
    else
        app_msg(a, false, "%s post %lld", verb, (long long)id);
    app_posts_changed(a, 0);
}

static void send_simple(struct app *a, enum action act, const char *method, int64_t id)
{
    msgpack_packer *pk = conn_begin(a->conn, method);
    msgpack_pack_map(pk, 1);
    gl_pack_kv_int(pk, "id", id);
    conn_send(a->conn, on_done, a, mktag(act, id));
}

/* What was typed for the post asked about, kept as its draft and sent as key of method. */
static void send_typed(struct act_state *s, enum action act, const char *method, const char *key,
                       const char *text)
{
    struct app *a = s->app;
    draft_set(s->id, act, text);
    msgpack_packer *pk = conn_begin(a->conn, method);
    msgpack_pack_map(pk, 2);
    gl_pack_kv_int(pk, "id", s->id);
    gl_pack_kv_str(pk, key, text);
    conn_send(a->conn, on_done, a, mktag(act, s->id));
}

/* The answers to a screen's questions about a post: ud is that screen's act_state. */
static void on_reject_note(void *ud, const char *text, uint64_t tag)
{
    struct act_state *s = ud;
    (void)tag;
    if (!text) return;
    if (!text[0]) {
        app_msg(s->app, true, "a rejection needs a note: say what to change");
        return;
    }
    send_typed(s, ACT_REJECT, "post.reject", "note", text);
}

static void on_comment(void *ud, const char *text, uint64_t tag)
{
    (void)tag;
    if (!text || !text[0]) return;
    send_typed(ud, ACT_COMMENT, "post.comment", "text", text);
}

static void on_reschedule(void *ud, const char *text, uint64_t tag);

/* Asked again where it was typed, with the reason on the bar and the text kept for editing. */
static void reask_reschedule(struct act_state *s, const char *text)
{
    struct app *a = s->app;
    char label[160];
    snprintf(label, sizeof label, "Reschedule post %lld (%s):", (long long)s->id, s->zone);
    draft_set(s->id, ACT_RESCHEDULE, text);
    app_prompt(a, label, text, false, on_reschedule, s, 0);
    a->prompt.selected = false;
}

static void on_reschedule(void *ud, const char *text, uint64_t tag)
{
    struct act_state *s = ud;
    struct app *a = s->app;
    (void)tag;
    if (!text) return;
    int y, mo, d, h, mi;
    if (ui_parse_datetime(text, &y, &mo, &d, &h, &mi) != 0) {
        app_msg(a, true, "'%s' is not a date and time like 2025-11-21 09:30", text);
        reask_reschedule(s, text);
        return;
    }
    int64_t at = gl_tz_to_utc(s->zone, y, mo, d, h, mi);
    if (at <= (int64_t)time(NULL)) {
        app_msg(a, true, "%s is in the past (%s time): choose a later one", text, s->zone);
        reask_reschedule(s, text);
        return;
    }
    draft_set(s->id, ACT_RESCHEDULE, text);
    msgpack_packer *pk = conn_begin(a->conn, "post.reschedule");
    msgpack_pack_map(pk, 2);
    gl_pack_kv_int(pk, "id", s->id);
    gl_pack_kv_int(pk, "scheduled_at", at);
    conn_send(a->conn, on_done, a, mktag(ACT_RESCHEDULE, s->id));
}

static void on_delete_confirm(void *ud, const char *text, uint64_t tag)
{
    struct act_state *s = ud;
    (void)tag;
    if (!text || (text[0] != 'y' && text[0] != 'Y')) {
        app_msg(s->app, false, "not deleted");
        return;
    }
    send_simple(s->app, ACT_DELETE, "post.delete", s->id);
}

static void edit_caption(struct app *a, const struct md_post *p)
{
    char *text = app_edit_external(a, p->caption, "caption");
    if (!text) return;
    msgpack_packer *pk = conn_begin(a->conn, "post.update");
    msgpack_pack_map(pk, 2);
    gl_pack_kv_int(pk, "id", p->id);
    gl_pack_kv_str(pk, "caption", text);
    conn_send(a->conn, on_done, a, mktag(ACT_EDIT_CAPTION, p->id));
    free(text);
}

bool act_post(struct act_state *s, struct app *a, enum action act, const struct md_post *p)
{
    switch (act) {
    case ACT_APPROVE:
    case ACT_REJECT:
    case ACT_RESCHEDULE:
    case ACT_SCHEDULE:
    case ACT_COMMENT:
    case ACT_SUBMIT:
    case ACT_DELETE:
    case ACT_EDIT_CAPTION:
    case ACT_RETRY:
        break;
    default:
        return false;
    }
    if (!p || !p->id) {
        app_msg(a, true, "no post selected");
        return true;
    }
    remember(s, a, p);
    char label[160];
    switch (act) {
    case ACT_APPROVE:
        send_simple(a, act, "post.approve", p->id);
        break;
    case ACT_SUBMIT:
        send_simple(a, act, "post.submit", p->id);
        break;
    case ACT_SCHEDULE:
        send_simple(a, act, "post.schedule", p->id);
        break;
    case ACT_RETRY:
        if (p->status != MS_FAILED) {
            app_msg(a, true, "only a post that failed to publish can be retried; this one is %s",
                    words_status(p->status));
            break;
        }
        send_simple(a, act, "post.retry", p->id);
        break;
    case ACT_REJECT:
        snprintf(label, sizeof label, "Reject post %lld, note:", (long long)p->id);
        app_prompt(a, label, draft_for(p->id, act), false, on_reject_note, s, 0);
        break;
    case ACT_COMMENT:
        snprintf(label, sizeof label, "Comment on post %lld:", (long long)p->id);
        app_prompt(a, label, draft_for(p->id, act), false, on_comment, s, 0);
        break;
    case ACT_RESCHEDULE: {
        char when[32];
        const char *d = draft_for(p->id, act);
        if (!d) {
            if (p->scheduled_at)
                ui_fmt_datetime(when, sizeof when, s->zone, p->scheduled_at);
            else {
                int y, m, dd;
                ui_today(s->zone, &y, &m, &dd);
                ui_civil_from_days(ui_days_from_civil(y, m, dd) + 1, &y, &m, &dd);
                snprintf(when, sizeof when, "%04d-%02d-%02d 10:00", y, m, dd);
            }
            d = when;
        }
        snprintf(label, sizeof label, "Reschedule post %lld (%s):", (long long)p->id, s->zone);
        app_prompt(a, label, d, false, on_reschedule, s, 0);
        break;
    }
    case ACT_DELETE:
        snprintf(label, sizeof label, "Delete post %lld for good?", (long long)p->id);
        app_confirm(a, label, on_delete_confirm, s, 0);
        break;
    case ACT_EDIT_CAPTION:
        edit_caption(a, p);
        break;
    default:
        break;
    }
    return true;
}

/* A reply to a screen's bulk action: ud is that screen's act_state, tag the action's serial. */
static void on_bulk(void *ud, uint64_t tag, const struct gl_err *err, const msgpack_object *r)
{
    struct act_state *s = ud;
    struct app *a = s->app;
    (void)r;
    if ((unsigned)tag != s->bulk.serial) return;
    if (err) {
        if (!s->bulk.failed) s->bulk.first = *err;
        s->bulk.failed++;
    } else {
        s->bulk.ok++;
    }
    if (s->bulk.ok + s->bulk.failed < s->bulk.total) {
        app_msg(a, false, "%s %zu of %zu...", s->bulk.verb, s->bulk.ok + s->bulk.failed,
                s->bulk.total);
        return;
    }
    if (s->bulk.failed) {
        char why[300];
        words_error_say(why, sizeof why, &s->bulk.first);
        app_msg(a, true, "%s %zu of %zu; %zu failed: %s", s->bulk.verb, s->bulk.ok, s->bulk.total,
                s->bulk.failed, why);
    } else
        app_msg(a, false, "%s %zu post%s", s->bulk.verb, s->bulk.ok, s->bulk.ok == 1 ? "" : "s");
    app_posts_changed(a, 0);
}

/* Sends method (with note, when not NULL) for each post asked about; on_bulk counts the
 * replies under verb. */
static void bulk_send(struct act_state *s, const char *verb, const char *method, const char *note)
{
    struct app *a = s->app;
    s->bulk.serial++;
    s->bulk.total = s->nids;
    s->bulk.ok = s->bulk.failed = 0;
    s->bulk.verb = verb;
    for (size_t i = 0; i < s->nids; i++) {
        msgpack_packer *pk = conn_begin(a->conn, method);
        msgpack_pack_map(pk, note ? 2 : 1);
        gl_pack_kv_int(pk, "id", s->ids[i]);
        if (note) gl_pack_kv_str(pk, "note", note);
        conn_send(a->conn, on_bulk, s, s->bulk.serial);
    }
}

/* Keeps the tagged posts' ids for the question about them; false, said, when there are none. */
static bool ask_about_tagged(struct act_state *s, struct app *a, const int64_t *ids, size_t n)
{
    if (!n) {
        app_msg(a, true, "nothing tagged: tag posts with Space first");
        return false;
    }
    s->app = a;
    free(s->ids);
    s->ids = xcalloc(n, sizeof *s->ids);
    memcpy(s->ids, ids, n * sizeof *ids);
    s->nids = n;
    return true;
}

static void on_approve_many(void *ud, const char *text, uint64_t tag)
{
    struct act_state *s = ud;
    (void)tag;
    if (!text) {
        app_msg(s->app, false, "nothing approved");
        return;
    }
    bulk_send(s, "approved", "post.approve", NULL);
}

void act_approve_many(struct act_state *s, struct app *a, const int64_t *ids, size_t n)
{
    if (!ask_about_tagged(s, a, ids, n)) return;
    if (n == 1) {
        on_approve_many(s, "y", 0);
        return;
    }
    /* Many posts at once: one key to be sure. */
    char label[96];
    snprintf(label, sizeof label, "Approve %zu tagged posts?", n);
    app_confirm(a, label, on_approve_many, s, 0);
}

static void on_bulk_note(void *ud, const char *text, uint64_t tag)
{
    struct act_state *s = ud;
    (void)tag;
    if (!text) return;
    if (!text[0]) {
        app_msg(s->app, true, "a rejection needs a note");
        return;
    }
    bulk_send(s, "rejected", "post.reject", text);
}

void act_reject_many(struct act_state *s, struct app *a, const int64_t *ids, size_t n)
{
    if (!ask_about_tagged(s, a, ids, n)) return;
    char label[96];
    snprintf(label, sizeof label, "Reject %zu tagged posts, note:", n);
    app_prompt(a, label, NULL, false, on_bulk_note, s, 0);
}
