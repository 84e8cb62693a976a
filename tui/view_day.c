/* The day list: one day's posts of the profile, with the selected post's details below. */
#include "actions.h"
#include "app.h"
#include "detail.h"
#include "postlist.h"
#include "tz.h"
#include "ui.h"

#include <stdio.h>
#include <stdlib.h>

struct day_screen {
    int y, m, d;
    struct postlist list;
    struct detail det;
    struct act_state acts; /* the post its questions are about */
    unsigned gen;
    bool loading;
    int rows, cols;
};

static void on_posts(void *ud, uint64_t tag, const struct gl_err *err, const msgpack_object *r)
{
    struct view *v = ud;
    struct app *a = v->app;
    struct day_screen *day = view_state(v, &view_day);
    if ((unsigned)tag != day->gen) return;
    day->loading = false;
    app_dirty(a, DIRTY_MAIN);
    if (err) {
        app_rpc_error(a, "day", err);
        return;
    }
    size_t n;
    struct md_post *posts = postlist_decode(a, md_get_array(r, "posts"), &n);
    postlist_take(a, &day->list, posts, n);
    const struct md_post *p = postlist_selected(&day->list);
    detail_load(a, &day->det, p ? p->id : 0, true);
}

static void day_reload(struct view *v)
{
    struct app *a = v->app;
    struct day_screen *day = view_state(v, &view_day);
    const struct md_profile *p = app_profile(a);
    if (!p) return;
    int ny, nm, nd;
    ui_civil_from_days(ui_days_from_civil(day->y, day->m, day->d) + 1, &ny, &nm, &nd);
    day->gen++;
    day->loading = true;
    msgpack_packer *pk = conn_begin(a->conn, "post.list");
    msgpack_pack_map(pk, 3);
    gl_pack_kv_int(pk, "profile", p->id);
    gl_pack_kv_int(pk, "from", gl_tz_to_utc(p->timezone, day->y, day->m, day->d, 0, 0));
    gl_pack_kv_int(pk, "to", gl_tz_to_utc(p->timezone, ny, nm, nd, 0, 0));
    conn_send(a->conn, on_posts, v, day->gen);
}

void view_day_open(struct app *a, int y, int m, int d)
{
    struct view *v = app_view(a, VIEW_DAY);
    struct day_screen *day = view_state(v, &view_day);
    if (day->y != y || day->m != m || day->d != d) {
        postlist_clear(&day->list);
        detail_clear(&day->det);
    }
    day->y = y;
    day->m = m;
    day->d = d;
    app_push(a, v);
}

static void day_enter(struct view *v)
{
    day_reload(v);
}

static int list_rows(struct day_screen *day, int rows)
{
    int h = (int)day->list.n + 0;
    int max = (rows - 2) / 3;
    if (max < 3) max = 3;
    if (h > max) h = max;
    if (h < 1) h = 1;
    return h;
}

static void day_draw(struct view *v, WINDOW *w, int rows, int cols)
{
    struct app *a = v->app;
    struct day_screen *day = view_state(v, &view_day);
    const struct md_profile *p = app_profile(a);
    day->rows = rows;
    day->cols = cols;
    char title[256];
    static const char *const wd[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                     "Friday", "Saturday", "Sunday"};
    snprintf(title, sizeof title, " %s  %s %04d-%02d-%02d  %zu post%s  (%s)%s", p ? p->name : "",
             wd[gl_weekday(day->y, day->m, day->d)], day->y, day->m, day->d, day->list.n,
             day->list.n == 1 ? "" : "s", p ? p->timezone : "", day->loading ? "  loading..." : "");
    ui_text_pad(w, 0, 0, cols, title, ui_attr(UP_TITLE) | A_REVERSE);
    int h = list_rows(day, rows);
    if (!day->list.n) {
        ui_text(w, 1, 1, cols - 1, day->loading ? "" : "No posts this day-> n: new post.",
                ui_attr(UP_DIM));
    } else {
        postlist_scroll(&day->list, h);
        postlist_draw(a, &day->list, w, 1, h, cols, false, false, NULL);
    }
    ui_hline(w, 1 + h, 0, cols, ui_attr(UP_DIM));
    if (day->list.n) detail_draw(a, &day->det, w, 2 + h, 1, rows - 2 - h, cols - 2, 0);
}

static bool day_key(struct view *v, enum action act)
{
    struct app *a = v->app;
    struct day_screen *day = view_state(v, &view_day);
    if (postlist_move(&day->list, act, list_rows(day, day->rows))) {
        const struct md_post *p = postlist_selected(&day->list);
        detail_load(a, &day->det, p ? p->id : 0, false);
        app_dirty(a, DIRTY_MAIN);
        return true;
    }
    const struct md_post *p = postlist_selected(&day->list);
    if (act == ACT_OPEN) {
        if (p) view_post_open(a, p->id);
        return true;
    }
    if (act == ACT_NEW_POST) {
        const struct md_profile *pr = app_profile(a);
        if (pr) view_post_new(a, pr->id, day->y, day->m, day->d);
        return true;
    }
    /* The details hold the full post (the list too, but fresher after an event). */
    if (p && day->det.have && day->det.post.id == p->id) p = &day->det.post;
    return act_post(&day->acts, a, act, p);
}

static void day_event(struct view *v, const struct md_event *e)
{
    struct app *a = v->app;
    (void)e;
    app_want_reload(a, KM_DAY);
}

static void day_resize(struct view *v)
{
    struct day_screen *day = view_state(v, &view_day);
    day->list.top = 0;
}

static void day_free(struct view *v)
{
    struct day_screen *day = view_state(v, &view_day);
    postlist_clear(&day->list);
    detail_clear(&day->det);
    act_state_clear(&day->acts);
}

const struct view_ops view_day = {
    .name = "day",
    .keymap = KM_DAY | KM_LIST,
    .state_size = sizeof(struct day_screen),
    .enter = day_enter,
    .draw = day_draw,
    .key = day_key,
    .resize = day_resize,
    .reload = day_reload,
    .event = day_event,
    .free = day_free,
};
