/* The detail pane (detail.h). */
#include "detail.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui.h"
#include "words.h"
#include "xmalloc.h"

static void free_hist(struct detail *d)
{
    for (size_t i = 0; i < d->nhist; i++)
        md_history_free(&d->hist[i]);
    free(d->hist);
    d->hist = NULL;
    d->nhist = 0;
}

void detail_clear(struct detail *d)
{
    if (d->have) md_post_free(&d->post);
    free_hist(d);
    d->have = false;
    d->id = 0;
    d->gen++;
}

/* post.get and post.history go out together; the tag tells which answer this is (low bit) and
 * for which request generation. */
static void on_reply(void *ud, uint64_t tag, const struct gl_err *err, const msgpack_object *r)
{
    struct detail *d = ud;
    struct app *a = d->app;
    if ((unsigned)(tag >> 1) != d->gen) return;
    app_dirty(a, DIRTY_MAIN);
    if (err) {
        d->loading = false;
        if (err->code != GL_E_NOT_FOUND) app_rpc_error(a, "post details", err);
        if (d->have) md_post_free(&d->post);
        d->have = false;
        return;
    }
    if ((tag & 1) == 0) {
        struct md_post p;
        if (!md_post_decode(r, &p)) return;
        const struct md_profile *pr = app_profile_by_id(a, p.profile);
        md_post_localize(&p, pr ? pr->timezone : "UTC");
        if (d->have) md_post_free(&d->post);
        d->post = p;
        d->have = true;
        d->post_gen = (unsigned)(tag >> 1);
    } else {
        d->loading = false;
        free_hist(d);
        const msgpack_object *list = md_get_array(r, "history");
        if (list && list->via.array.size) {
            d->hist = xcalloc(list->via.array.size, sizeof *d->hist);
            for (uint32_t i = 0; i < list->via.array.size; i++)
                if (md_history_decode(&list->via.array.ptr[i], &d->hist[d->nhist])) d->nhist++;
        }
    }
}

void detail_load(struct app *a, struct detail *d, int64_t id, bool force)
{
    d->app = a;
    if (!id) {
        detail_clear(d);
        return;
    }
    if (id == d->id && !force && (d->have || d->loading)) return;
    if (id != d->id) {
        if (d->have) md_post_free(&d->post);
        d->have = false;
        free_hist(d);
    }
    d->id = id;
    d->gen++;
    d->loading = true;
    msgpack_packer *pk = conn_begin(a->conn, "post.get");
    msgpack_pack_map(pk, 1);
    gl_pack_kv_int(pk, "id", id);
    conn_send(a->conn, on_reply, d, (uint64_t)d->gen << 1);
    pk = conn_begin(a->conn, "post.history");
    msgpack_pack_map(pk, 1);
    gl_pack_kv_int(pk, "id", id);
    conn_send(a->conn, on_reply, d, ((uint64_t)d->gen << 1) | 1);
}

/* A line-emitting helper that honours scrolling and the bottom of the rectangle. */
struct pen {
    WINDOW *w;
    int y0, x, h, width, skip, line;
};

static void put(struct pen *p, const char *text, attr_t attr)
{
    int n = ui_wrap(NULL, 0, 0, p->width, 1000, 0, text, attr);
    if (n == 0) n = 1;
    for (int i = 0; i < n; i++, p->line++) {
        int row = p->line - p->skip;
        if (row < 0 || row >= p->h) continue;
        ui_wrap(p->w, p->y0 + row, p->x, p->width, 1, i, text, attr);
    }
}

static int draw_any(struct app *a, struct detail *d, WINDOW *w, int y, int x, int h, int width,
                    int scroll, bool brief)
{
    struct pen pen = {w, y, x, h, width, scroll, 0};
    if (!d->have) {
        put(&pen, d->loading ? "loading..." : (d->id ? "(not found)" : "(nothing selected)"),
            ui_attr(UP_DIM));
        return pen.line;
    }
    const struct md_post *p = &d->post;
    const struct md_profile *pr = app_profile_by_id(a, p->profile);
    const char *zone = pr ? pr->timezone : "UTC";
    char buf[512], when[32], *plat = md_strlist_join(&p->platforms, ", ");
    ui_fmt_datetime(when, sizeof when, zone, p->scheduled_at);
    snprintf(buf, sizeof buf, "Post %lld  %s  rev %lld  %s", (long long)p->id,
             words_status(p->status), (long long)p->revision, pr ? pr->name : "");
    put(&pen, buf, ui_status_attr(p->status));
    if (p->status == MS_FAILED) {
        /* Why, in the publisher's own words: the note of the latest entry that failed it. */
        const char *why = NULL;
        for (size_t i = d->nhist; i-- > 0 && !why;)
            if (strcmp(d->hist[i].to, "failed") == 0 && d->hist[i].note[0]) why = d->hist[i].note;
        char *line = xasprintf("Failed: %s", why ? why : (d->loading ? "..." : "no reason kept"));
        put(&pen, line, ui_attr(UP_ERR));
        free(line);
        const char *no = words_forbidden_action(a->role, ACT_RETRY);
        if (no)
            snprintf(buf, sizeof buf, "%s", no);
        else
            snprintf(buf, sizeof buf, "%s retries it (publishes it again)",
                     keys_name_for(KM_DAY, ACT_RETRY));
        put(&pen, buf, A_BOLD);
    }
    snprintf(buf, sizeof buf, "When: %s %s   On: %s", when, zone, plat);
    free(plat);
    if (!brief) {
        put(&pen, buf, A_BOLD);
        put(&pen, "", A_NORMAL);
        put(&pen, p->caption, A_NORMAL);
    }
    if (p->notes[0] && !brief) {
        put(&pen, "", A_NORMAL);
        snprintf(buf, sizeof buf, "Notes: %s", p->notes);
        put(&pen, buf, ui_attr(UP_TITLE));
    }
    if (p->nmedia) {
        snprintf(buf, sizeof buf, "Media: %zu file%s", p->nmedia, p->nmedia == 1 ? "" : "s");
        put(&pen, buf, A_NORMAL);
    }
    for (size_t i = 0; i < p->napprovals; i++) {
        ui_fmt_datetime(when, sizeof when, zone, p->approvals[i].at);
        snprintf(buf, sizeof buf, "Approval step %lld: %s by %s, %s",
                 (long long)p->approvals[i].step,
                 words_history(p->approvals[i].decision[0] ? p->approvals[i].decision
                                                           : "approved"),
                 p->approvals[i].by, when);
        put(&pen, buf, ui_attr(UP_OK));
    }
    if (p->ncomments) {
        put(&pen, "", A_NORMAL);
        snprintf(buf, sizeof buf, "Comments (%zu)", p->ncomments);
        put(&pen, buf, A_BOLD | A_UNDERLINE);
        for (size_t i = 0; i < p->ncomments; i++) {
            const struct md_comment *c = &p->comments[i];
            ui_fmt_datetime(when, sizeof when, zone, c->at);
            char *line = xasprintf("%s %s%s%s: %s", when, c->author,
                                   strcmp(c->author_kind, "external") == 0 ? " (external)" : "",
                                   c->shared ? "" : " [internal]", c->text);
            put(&pen, line, A_NORMAL);
            free(line);
        }
    }
    if (d->nhist) {
        put(&pen, "", A_NORMAL);
        put(&pen, "History", A_BOLD | A_UNDERLINE);
        for (size_t i = 0; i < d->nhist; i++) {
            const struct md_history *hh = &d->hist[i];
            ui_fmt_datetime(when, sizeof when, zone, hh->at);
            char *line;
            const char *said = words_history(hh->type);
            if (strcmp(hh->from, hh->to) != 0 && hh->from[0]) {
                char from[32], to[32];
                words_unslug(from, sizeof from, hh->from);
                words_unslug(to, sizeof to, hh->to);
                line = xasprintf("%s %s by %s: %s -> %s%s%s", when, said, hh->actor, from, to,
                                 hh->note[0] ? "; " : "", hh->note);
            } else {
                line = xasprintf("%s %s by %s%s%s", when, said, hh->actor,
                                 hh->note[0] ? ": " : "", hh->note);
            }
            put(&pen, line, ui_attr(UP_DIM) & ~(attr_t)A_DIM);
            free(line);
        }
    }
    return pen.line;
}

int detail_draw(struct app *a, struct detail *d, WINDOW *w, int y, int x, int h, int width,
                int scroll)
{
    return draw_any(a, d, w, y, x, h, width, scroll, false);
}

int detail_draw_brief(struct app *a, struct detail *d, WINDOW *w, int y, int x, int h, int width,
                      int scroll)
{
    return draw_any(a, d, w, y, x, h, width, scroll, true);
}
