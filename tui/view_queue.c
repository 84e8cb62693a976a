/* The approval queue: every post awaiting approval or with changes requested, across profiles
 * (or one), soonest first, with tagging, bulk decisions, search and a detail pane. */
#include "actions.h"
#include "app.h"
#include "detail.h"
#include "postlist.h"
#include "ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

struct queue_screen {
    struct postlist list;
    struct detail det;
    /* The post or tagged posts its questions are about, and its bulk action's progress. */
    struct act_state acts;
    int64_t filter; /* a profile id, 0 for all */
    unsigned gen;
    int parts; /* answers still to come for gen */
    struct md_post *stage;
    size_t nstage;
    bool loading, loaded;
    int64_t *tags; /* tagged post ids: kept across reloads */
    size_t ntags;
    char search[256];
    int rows, cols;
    int det_scroll;
};

static bool is_tagged(struct queue_screen *q, int64_t id)
{
    for (size_t i = 0; i < q->ntags; i++)
        if (q->tags[i] == id) return true;
    return false;
}

static void set_tag(struct queue_screen *q, int64_t id, bool on)
{
    for (size_t i = 0; i < q->ntags; i++)
        if (q->tags[i] == id) {
            if (!on) q->tags[i] = q->tags[--q->ntags];
            return;
        }
    if (on) {
        q->tags = xrealloc(q->tags, (q->ntags + 1) * sizeof *q->tags);
        q->tags[q->ntags++] = id;
    }
}

static int by_time(const void *x, const void *y)
{
    const struct md_post *a = x, *b = y;
    /* Soonest first; posts without a time go last. */
    if (!a->scheduled_at != !b->scheduled_at) return a->scheduled_at ? -1 : 1;
    if (a->scheduled_at != b->scheduled_at) return a->scheduled_at < b->scheduled_at ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id;
}

static void on_part(void *ud, uint64_t tag, const struct gl_err *err, const msgpack_object *r)
{
    struct view *v = ud;
    struct app *a = v->app;
    struct queue_screen *q = view_state(v, &view_queue);
    if ((unsigned)tag != q->gen) return;
    if (err) {
        app_rpc_error(a, "queue", err);
    } else {
        size_t n;
        struct md_post *v = postlist_decode(a, md_get_array(r, "posts"), &n);
        q->stage = xrealloc(q->stage, (q->nstage + n + 1) * sizeof *q->stage);
        if (n) memcpy(q->stage + q->nstage, v, n * sizeof *v); /* v is NULL when n is 0 */
        q->nstage += n;
        free(v);
    }
    if (--q->parts > 0) return;
    q->loading = false;
    q->loaded = true;
    if (q->nstage) qsort(q->stage, q->nstage, sizeof *q->stage, by_time);
    for (size_t i = 0; i < q->nstage; i++)
        q->stage[i].tagged = is_tagged(q, q->stage[i].id);
    /* Tags of posts that left the queue go too: a bulk action must not reach them. */
    size_t k = 0;
    for (size_t i = 0; i < q->ntags; i++) {
        bool present = false;
        for (size_t j = 0; j < q->nstage && !present; j++)
            present = q->stage[j].id == q->tags[i];
        if (present) q->tags[k++] = q->tags[i];
    }
    q->ntags = k;
    postlist_take(a, &q->list, q->stage, q->nstage);
    q->stage = NULL;
    q->nstage = 0;
    const struct md_post *p = postlist_selected(&q->list);
    detail_load(a, &q->det, p ? p->id : 0, true);
    app_dirty(a, DIRTY_MAIN);
}

static void q_reload(struct view *v)
{
    struct app *a = v->app;
    struct queue_screen *q = view_state(v, &view_queue);
    static const char *const statuses[] = {"awaiting_approval", "changes_requested"};
    q->gen++;
    q->parts = 2;
    q->loading = true;
    for (size_t i = 0; i < q->nstage; i++)
        md_post_free(&q->stage[i]);
    free(q->stage);
    q->stage = NULL;
    q->nstage = 0;
    for (int i = 0; i < 2; i++) {
        msgpack_packer *pk = conn_begin(a->conn, "post.list");
        msgpack_pack_map(pk, q->filter ? 2 : 1);
        gl_pack_kv_str(pk, "status", statuses[i]);
        if (q->filter) gl_pack_kv_int(pk, "profile", q->filter);
        conn_send(a->conn, on_part, v, q->gen);
    }
    app_dirty(a, DIRTY_MAIN);
}

static void q_enter(struct view *v)
{
    q_reload(v);
}

static bool wide(int cols)
{
    return cols >= 120;
}

static int list_rows(int rows, int cols)
{
    if (wide(cols)) return rows - 2;
    int h = (rows - 2) * 2 / 5;
    return h < 3 ? 3 : h;
}

static void q_draw(struct view *v, WINDOW *w, int rows, int cols)
{
    struct app *a = v->app;
    struct queue_screen *q = view_state(v, &view_queue);
    q->rows = rows;
    q->cols = cols;
    const struct md_profile *fp = q->filter ? app_profile_by_id(a, q->filter) : NULL;
    char title[256];
    snprintf(title, sizeof title, " Approval queue: %zu post%s, %s, soonest first%s", q->list.n,
             q->list.n == 1 ? "" : "s", fp ? fp->name : "all profiles",
             q->loading ? "  loading..." : "");
    if (q->ntags) {
        size_t len = strlen(title);
        snprintf(title + len, sizeof title - len, "  [%zu tagged]", q->ntags);
    }
    ui_text_pad(w, 0, 0, cols, title, ui_attr(UP_TITLE) | A_REVERSE);
    int h = list_rows(rows, cols);
    int lw = wide(cols) ? cols * 11 / 20 : cols;
    if (!q->list.n) {
        ui_text(w, 2, 2, lw - 2, q->loaded ? "Nothing awaits approval. Well done." : "loading...",
                ui_attr(UP_DIM));
        return;
    }
    postlist_scroll(&q->list, h);
    postlist_draw(a, &q->list, w, 1, h, lw, true, true, q->search);
    if (wide(cols)) {
        for (int r = 1; r < rows; r++)
            mvwaddch(w, r, lw, ACS_VLINE);
        detail_draw(a, &q->det, w, 1, lw + 2, rows - 1, cols - lw - 3, q->det_scroll);
    } else {
        ui_hline(w, 1 + h, 0, cols, ui_attr(UP_DIM));
        detail_draw(a, &q->det, w, 2 + h, 1, rows - 2 - h, cols - 2, q->det_scroll);
    }
}

static void selection_changed(struct view *v)
{
    struct app *a = v->app;
    struct queue_screen *q = view_state(v, &view_queue);
    const struct md_post *p = postlist_selected(&q->list);
    q->det_scroll = 0;
    detail_load(a, &q->det, p ? p->id : 0, false);
    app_dirty(a, DIRTY_MAIN);
}

static bool search_from(struct queue_screen *q, size_t start)
{
    if (!q->search[0] || !q->list.n) return false;
    for (size_t k = 0; k < q->list.n; k++) {
        size_t i = (start + k) % q->list.n;
        const struct md_post *p = &q->list.v[i];
        if (strcasestr(p->caption, q->search) || strcasestr(p->notes, q->search)) {
            q->list.sel = i;
            return true;
        }
    }
    return false;
}

static void on_search(void *ud, const char *text, uint64_t tag)
{
    struct view *v = ud;
    struct app *a = v->app;
    struct queue_screen *q = view_state(v, &view_queue);
    (void)tag;
    if (!text) return;
    snprintf(q->search, sizeof q->search, "%s", text);
    if (!text[0]) {
        app_dirty(a, DIRTY_MAIN);
        return;
    }
    if (search_from(q, q->list.sel))
        selection_changed(v);
    else
        app_msg(a, true, "no post matches '%s'", text);
    app_dirty(a, DIRTY_MAIN);
}

static void collect_tags(struct queue_screen *q, int64_t **ids, size_t *n)
{
    *ids = xcalloc(q->ntags + 1, sizeof **ids);
    *n = 0;
    /* In list order, soonest first, which is the order people read them in. */
    for (size_t i = 0; i < q->list.n; i++)
        if (q->list.v[i].tagged) (*ids)[(*n)++] = q->list.v[i].id;
}

static bool q_key(struct view *v, enum action act)
{
    struct app *a = v->app;
    struct queue_screen *q = view_state(v, &view_queue);
    if (postlist_move(&q->list, act, list_rows(q->rows, q->cols))) {
        selection_changed(v);
        return true;
    }
    struct md_post *p = q->list.sel < q->list.n ? &q->list.v[q->list.sel] : NULL;
    switch (act) {
    case ACT_OPEN:
        if (p) view_post_open(a, p->id);
        return true;
    case ACT_TAG:
        if (p) {
            p->tagged = !p->tagged;
            set_tag(q, p->id, p->tagged);
            if (q->list.sel + 1 < q->list.n) {
                q->list.sel++;
                selection_changed(v);
            }
        }
        app_dirty(a, DIRTY_MAIN);
        return true;
    case ACT_APPROVE_TAGGED:
    case ACT_REJECT_TAGGED: {
        int64_t *ids;
        size_t n;
        collect_tags(q, &ids, &n);
        if (act == ACT_APPROVE_TAGGED)
            act_approve_many(&q->acts, a, ids, n);
        else
            act_reject_many(&q->acts, a, ids, n);
        free(ids);
        return true;
    }
    case ACT_LINK_FOR_POSTS: {
        int64_t *ids;
        size_t n;
        collect_tags(q, &ids, &n);
        if (!n && p) ids[n++] = p->id;
        /* A link belongs to one profile: every post must be of it. */
        int64_t profile = 0;
        bool mixed = false;
        for (size_t i = 0; i < q->list.n; i++)
            for (size_t k = 0; k < n; k++)
                if (q->list.v[i].id == ids[k]) {
                    if (profile && q->list.v[i].profile != profile) mixed = true;
                    profile = q->list.v[i].profile;
                }
        if (!n)
            app_msg(a, true, "no post here to make a link for");
        else if (mixed)
            app_msg(a, true, "the tagged posts are of several profiles; a link is for one");
        else {
            if (profile != a->profile_id) app_set_profile(a, profile);
            view_links_for_posts(a, ids, n);
        }
        free(ids);
        return true;
    }
    case ACT_SEARCH:
        app_prompt(a, "Search:", q->search, false, on_search, v, 0);
        return true;
    case ACT_SEARCH_NEXT:
        if (!q->search[0])
            app_msg(a, true, "no search yet: press /");
        else if (search_from(q, q->list.sel + 1))
            selection_changed(v);
        else
            app_msg(a, true, "no post matches '%s'", q->search);
        return true;
    case ACT_FILTER: {
        /* All, then each profile in turn. */
        size_t i = 0;
        if (q->filter) {
            for (i = 0; i < a->nprofiles; i++)
                if (a->profiles[i].id == q->filter) break;
            i++;
        }
        q->filter = i < a->nprofiles ? a->profiles[i].id : 0;
        app_msg(a, false, "queue: %s", q->filter ? a->profiles[i].name : "all profiles");
        q->list.sel = 0;
        q_reload(v);
        return true;
    }
    case ACT_NEW_POST: {
        const struct md_profile *pr = q->filter ? app_profile_by_id(a, q->filter) : app_profile(a);
        if (pr) view_post_new(a, pr->id, 0, 0, 0);
        return true;
    }
    default:
        break;
    }
    const struct md_post *full = p && q->det.have && q->det.post.id == p->id ? &q->det.post : p;
    return act_post(&q->acts, a, act, full);
}

static void q_event(struct view *v, const struct md_event *e)
{
    struct app *a = v->app;
    (void)e;
    app_want_reload(a, KM_QUEUE);
}

/* A new size changes how many rows the list has: scroll again from the selection. */
static void q_resize(struct view *v)
{
    struct queue_screen *q = view_state(v, &view_queue);
    q->list.top = 0;
    q->det_scroll = 0;
}

static void q_free(struct view *v)
{
    struct queue_screen *q = view_state(v, &view_queue);
    postlist_clear(&q->list);
    detail_clear(&q->det);
    for (size_t i = 0; i < q->nstage; i++)
        md_post_free(&q->stage[i]);
    free(q->stage);
    free(q->tags);
    act_state_clear(&q->acts);
}

const struct view_ops view_queue = {
    .name = "queue",
    .keymap = KM_QUEUE | KM_LIST,
    .state_size = sizeof(struct queue_screen),
    .enter = q_enter,
    .draw = q_draw,
    .key = q_key,
    .resize = q_resize,
    .reload = q_reload,
    .event = q_event,
    .free = q_free,
};
