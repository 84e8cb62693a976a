/* The one form of a replaced link's old address (webroutes.h): ask the team for the new link.
 * It reaches staff as an expired link's request does (link.requested, webforms.c), and the
 * link's requested_at says it was asked. */
#include <stdio.h>
#include <string.h>

#include "events.h"
#include "util.h"
#include "webreq.h"
#include "webroutes.h"
#include "webwrite.h"
#include "workflow.h"

/* The write's token_hash is the old token's (web.c puts it in w->link for a dead address). */
static int replaced_request_run(struct gl_op *op, struct gl_txn *t)
{
    struct web_write *ww = (struct web_write *)op;
    msgpack_zone_clear(&ww->zone);
    ww->status = 0;
    struct gl_link l;
    if (gl_link_load(t, ww->link, &ww->zone, &l) != 0 || l.revoked ||
        !gl_link_is_old_token(&l, ww->token_hash))
        return web_refuse(ww, WR_NO_LINK, NULL);
    return web_write_link_request(ww, t, &l, true);
}

static void replaced_request_done(struct gl_op *op)
{
    struct web_write *ww = (struct web_write *)op;
    struct web *w = ww->w;
    if (op->err.code)
        web_message(w, ww->status ? ww->status : 503, _("Not sent"),
                    ww->msg[0] ? ww->msg : _("The request could not be saved; please try again."),
                    w->base, _("Back"));
    else
        web_redirect(w, w->base);
    web_write_free(ww);
}

void web_post_request_replaced(struct web *w, const struct web_args *a)
{
    (void)a;
    struct web_write *ww =
        web_write_new(sizeof *ww, w, replaced_request_run, replaced_request_done);
    web_submit(w, &ww->op);
}
