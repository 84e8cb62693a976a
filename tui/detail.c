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

static void free_checks(struct detail *d)
{
    for (size_t i = 0; i < d->nmedia; i++) {
        free(d->media[i].name);
        free(d->media[i].alt);
    }
    for (size_t i = 0; i < d->nframes; i++) {
        struct detail_frame *f = &d->frames[i];
        free(f->platform);
        free(f->label);
        free(f->unit);
        free(f->before_more);
    }
    for (size_t i = 0; i < d->nwarnings; i++) {
        free(d->warnings[i].code);
        free(d->warnings[i].platform);
        free(d->warnings[i].message);
    }
    free(d->media);
    free(d->frames);
    free(d->warnings);
    d->media = NULL;
    d->frames = NULL;
    d->warnings = NULL;
    d->nmedia = d->nframes = d->nwarnings = 0;
}

static char *str_or(const msgpack_object *o, const char *key, const char *dflt)
{
    char *s = md_get_str(o, key);
    return s ? s : xstrdup(dflt);
}

/* The images, frames and warnings of a post.get answer (absent from an older daemon's). */
static void decode_checks(struct detail *d, const msgpack_object *r)
{
    free_checks(d);
    const msgpack_object *l = md_get_array(r, "media_info");
    if (l && l->via.array.size) {
        d->media = xcalloc(l->via.array.size, sizeof *d->media);
        for (uint32_t i = 0; i < l->via.array.size; i++) {
            const msgpack_object *o = &l->via.array.ptr[i];
            if (o->type != MSGPACK_OBJECT_MAP) continue;
            d->media[d->nmedia++] = (struct detail_media){
                .id = md_get_int(o, "id", 0), .name = str_or(o, "name", "?"),
                .alt = str_or(o, "alt", ""), .width = (int)md_get_int(o, "width", 0),
                .height = (int)md_get_int(o, "height", 0)};
        }
    }
    l = md_get_array(r, "previews");
    if (l && l->via.array.size) {
        d->frames = xcalloc(l->via.array.size, sizeof *d->frames);
        for (uint32_t i = 0; i < l->via.array.size; i++) {
            const msgpack_object *o = &l->via.array.ptr[i];
            if (o->type != MSGPACK_OBJECT_MAP) continue;
            struct detail_frame *f = &d->frames[d->nframes++];
            *f = (struct detail_frame){
                .platform = str_or(o, "platform", "?"), .label = str_or(o, "label", "?"),
                .unit = str_or(o, "unit", "characters"),
                .before_more = str_or(o, "before_more", ""),
                .known = md_get_bool(o, "known", false),
                .truncated = md_get_bool(o, "truncated", false),
                .links_clickable = md_get_bool(o, "links_clickable", true),
                .count = (int)md_get_int(o, "count", 0), .limit = (int)md_get_int(o, "limit", 0),
                .more_at = (int)md_get_int(o, "more_at", 0),
                .hashtags = (int)md_get_int(o, "hashtags", 0),
                .max_hashtags = (int)md_get_int(o, "max_hashtags", 0),
                .mentions = (int)md_get_int(o, "mentions", 0),
                .max_mentions = (int)md_get_int(o, "max_mentions", 0),
                .links = (int)md_get_int(o, "links", 0),
                .max_links = (int)md_get_int(o, "max_links", 0)};
            const msgpack_object *im = md_get_array(o, "images");
            for (uint32_t j = 0; im && j < im->via.array.size; j++) {
                const msgpack_object *io = &im->via.array.ptr[j];
                if (io->type != MSGPACK_OBJECT_MAP) continue;
                f->images++;
                f->images_shown += md_get_bool(io, "shown", true);
                f->images_cropped += md_get_bool(io, "feed_cropped", false);
            }
        }
    }
    l = md_get_array(r, "warnings");
    if (l && l->via.array.size) {
        d->warnings = xcalloc(l->via.array.size, sizeof *d->warnings);
        for (uint32_t i = 0; i < l->via.array.size; i++) {
            const msgpack_object *o = &l->via.array.ptr[i];
            if (o->type != MSGPACK_OBJECT_MAP) continue;
            d->warnings[d->nwarnings++] = (struct detail_warning){
                .code = str_or(o, "code", ""), .platform = md_get_str(o, "platform"),
                .message = str_or(o, "message", "")};
        }
    }
}

void detail_clear(struct detail *d)
{
    if (d->have) md_post_free(&d->post);
    free_hist(d);
    free_checks(d);
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
        free_checks(d);
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
        decode_checks(d, r);
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
        free_checks(d);
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

/* The images with their alt text, and the warnings. */
static void draw_checks(const struct detail *d, struct pen *pen)
{
    char buf[512];
    for (size_t i = 0; i < d->nmedia; i++) {
        const struct detail_media *m = &d->media[i];
        char size[32] = "size unknown";
        if (m->width > 0) snprintf(size, sizeof size, "%dx%d", m->width, m->height);
        char *line = xasprintf("  %zu. %s %s  alt: %s", i + 1, m->name, size,
                               m->alt[0] ? m->alt : "(none)");
        put(pen, line, m->alt[0] ? A_NORMAL : ui_attr(UP_ERR));
        free(line);
    }
    if (d->nwarnings) {
        put(pen, "", A_NORMAL);
        snprintf(buf, sizeof buf, "Warnings (%zu): they do not block; check before deciding",
                 d->nwarnings);
        put(pen, buf, A_BOLD | A_UNDERLINE);
        for (size_t i = 0; i < d->nwarnings; i++) {
            const struct detail_warning *w = &d->warnings[i];
            char *line = xasprintf("! %s%s%s", w->platform ? w->platform : "",
                                   w->platform ? ": " : "", w->message);
            put(pen, line, ui_attr(UP_ERR));
            free(line);
        }
    }
}

/* Each network's frame as text: its limit, the count, the caption as it shows before "more".
 * After the comments: a small pane keeps the conversation in view. */
static void draw_frames(const struct detail *d, struct pen *pen)
{
    char buf[512];
    if (!d->nframes) return;
    put(pen, "", A_NORMAL);
    put(pen, "Previews (approximate: each network's documented rules only)",
        A_BOLD | A_UNDERLINE);
    for (size_t i = 0; i < d->nframes; i++) {
        const struct detail_frame *f = &d->frames[i];
        char limit[64] = "no known limit", tags[48] = "", at[48] = "", links[64] = "";
        if (f->limit)
            snprintf(limit, sizeof limit, "%d / %d %s%s", f->count, f->limit, f->unit,
                     f->count > f->limit ? " OVER" : "");
        else
            snprintf(limit, sizeof limit, "%d %s, no known limit", f->count, f->unit);
        if (f->max_hashtags)
            snprintf(tags, sizeof tags, ", %d/%d hashtags", f->hashtags, f->max_hashtags);
        else if (f->hashtags)
            snprintf(tags, sizeof tags, ", %d hashtags", f->hashtags);
        if (f->max_mentions)
            snprintf(at, sizeof at, ", %d/%d mentions", f->mentions, f->max_mentions);
        else if (f->mentions)
            snprintf(at, sizeof at, ", %d mentions", f->mentions);
        if (f->links)
            snprintf(links, sizeof links, ", %d link%s%s", f->links, f->links == 1 ? "" : "s",
                     f->links_clickable ? "" : " (not clickable)");
        char *line = xasprintf("%s: %s%s%s%s", f->label, limit, tags, at, links);
        put(pen, line, A_BOLD);
        free(line);
        if (f->images) {
            snprintf(buf, sizeof buf, "  images: %d shown of %d, %d cropped in the feed",
                     f->images_shown, f->images, f->images_cropped);
            put(pen, buf, A_NORMAL);
        }
        if (f->more_at) {
            char *cut = xasprintf("  before \"more\" (about %d): %s%s", f->more_at,
                                  f->before_more, f->truncated ? " ... more" : "");
            put(pen, cut, ui_attr(UP_DIM) & ~(attr_t)A_DIM);
            free(cut);
        } else {
            put(pen, "  shown whole (no \"more\")", ui_attr(UP_DIM) & ~(attr_t)A_DIM);
        }
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
    draw_checks(d, &pen);
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
    /* Last: the frames are long, and what happened to the post matters more on a small pane. */
    draw_frames(d, &pen);
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
