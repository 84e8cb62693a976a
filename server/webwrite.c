/* What every write of the link pages shares (webwrite.h). */
#include "webwrite.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events.h"
#include "util.h"
#include "workflow.h"
#include "xmalloc.h"

static const struct {
    int status;
    const char *text;
} refusals[WR_COUNT] = {
#define WEB_REFUSAL_ROW(name, status, text) [name] = {status, text},
    WEB_REFUSALS(WEB_REFUSAL_ROW)
#undef WEB_REFUSAL_ROW
};

/* A write is answered after the commit, on the loop, outside its request: in the request's
 * language, and only for that while. */
static void answer_in_language(struct gl_op *op)
{
    struct web_write *ww = (struct web_write *)op;
    gl_lang_use(ww->w ? (int)ww->w->lang : LANG_NONE);
    ww->answer(op); /* may free ww */
    gl_lang_use(LANG_NONE);
}

void *web_write_new(size_t size, struct web *w, gl_op_run_fn run, gl_op_done_fn done)
{
    struct web_write *ww = xcalloc(1, size);
    gl_op_init(&ww->op, run, answer_in_language);
    ww->answer = done;
    ww->refusal = -1;
    ww->w = w;
    msgpack_zone_init(&ww->zone, 4096);
    if (w) {
        ww->link = w->link.id;
        memcpy(ww->token_hash, w->link.token_hash, GL_HASH_BYTES);
        snprintf(ww->address, sizeof ww->address, "%s", w->address);
        if (w->visitor) snprintf(ww->name, sizeof ww->name, "%s", w->visitor);
    }
    return ww;
}

void web_write_free(struct web_write *ww)
{
    gl_op_destroy(&ww->op);
    msgpack_zone_destroy(&ww->zone);
    free(ww);
}

int web_refuse(struct web_write *ww, enum web_refusal r, const char *arg)
{
    ww->status = refusals[r].status;
    ww->refusal = (int)r;
    snprintf(ww->arg, sizeof ww->arg, "%s", arg ? arg : "");
    if (strstr(refusals[r].text, "%s"))
        snprintf(ww->msg, sizeof ww->msg, refusals[r].text, arg ? arg : "");
    else
        snprintf(ww->msg, sizeof ww->msg, "%s", refusals[r].text);
    gl_err_set(&ww->op.err, GL_E_INVALID_STATE, "%s", ww->msg);
    return -1;
}

void web_refusal_text(const struct web_write *ww, char *out, size_t n)
{
    if (ww->refusal < 0 || ww->refusal >= WR_COUNT) {
        snprintf(out, n, "%s", ww->msg);
        return;
    }
    const char *text = refusals[ww->refusal].text;
    /* A status label (WR_NOT_AWAITING) is a msgid too; a workflow message is not, and
     * gettext gives it back as it is. */
    const char *arg = ww->refusal == WR_NOT_AWAITING ? _(ww->arg) : ww->arg;
    if (strcmp(text, "%s") == 0) {
        snprintf(out, n, "%s", arg);
        return;
    }
    const char *fmt = _(text);
    const char *pct = strstr(fmt, "%s");
    if (!pct) {
        snprintf(out, n, "%s", fmt);
        return;
    }
    /* fmt is a translation: its one %s is filled by hand, never handed to printf. */
    snprintf(out, n, "%.*s%s%s", (int)(pct - fmt), fmt, arg, pct + 2);
}

/* The one place a workflow error becomes an answer: a step it may not take yet is a conflict
 * with the post's state, a bad value is the form's fault, anything else a conflict. */
int web_refuse_wf(struct web_write *ww, const struct gl_err *e)
{
    enum web_refusal r = e->code == GL_E_FORBIDDEN     ? WR_NOT_READY
                         : e->code == GL_E_BAD_REQUEST ? WR_INVALID
                                                       : WR_REFUSED;
    return web_refuse(ww, r, e->message);
}

int web_write_check_link(struct web_write *ww, struct gl_txn *t, struct gl_link *l,
                         bool want_expired)
{
    if (gl_link_load(t, ww->link, &ww->zone, l) != 0 ||
        sodium_memcmp(l->token_hash, ww->token_hash, GL_HASH_BYTES) != 0 || l->revoked)
        return web_refuse(ww, WR_NO_LINK, NULL);
    enum gl_link_state s = gl_link_state(l, gl_now());
    if (!want_expired && s != LINK_ACTIVE) return web_refuse(ww, WR_EXPIRED, NULL);
    if (want_expired && s != LINK_EXPIRED) return web_refuse(ww, WR_STILL_WORKS, NULL);
    return 0;
}

int web_write_link_request(struct web_write *ww, struct gl_txn *t, struct gl_link *l,
                           bool replaced)
{
    int64_t now = gl_now();
    int64_t stopped = replaced ? l->replaced_at : l->expires_at;
    if (l->requested_at >= stopped && now - l->requested_at < 3600) return 0;
    l->requested_at = now;
    gl_link_save(t, l);
    const char *who = l->approver ? l->approver : "a visitor";
    struct gl_actor actor = {
        .name = who, .kind = ACTOR_EXTERNAL, .link = l->id, .address = ww->address};
    struct gl_wf wf = {.t = t, .op = &ww->op, .zone = &ww->zone, .actor = &actor, .now = now};
    char text[200];
    if (replaced)
        snprintf(text, sizeof text, "%s asked for the new %s link (link %llu was replaced)", who,
                 gl_link_kind_name(l->kind), (unsigned long long)l->id);
    else
        snprintf(text, sizeof text, "%s asked for a new %s link (link %llu expired)", who,
                 gl_link_kind_name(l->kind), (unsigned long long)l->id);
    wf_event(&wf, EV_LINK_REQUESTED, NULL, l->id, gl_zone_strdup(&ww->zone, text));
    return 0;
}
