/* The calendar: a month grid (or a week of columns) of one profile's posts, in its time zone. */
#include "app.h"
#include "tz.h"
#include "ui.h"
#include "words.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

struct calendar_screen {
    int y, m, d; /* the selected day, in the profile's zone */
    bool week;
    bool have_date;
    /* The posts of the grid being shown: [start, start + ndays) in days since 1970. */
    struct md_post *posts;
    size_t nposts;
    int64_t loaded_profile;
    int loaded_start, loaded_ndays;
    bool loading;
    unsigned gen;
    /* For each grid day, the first post and how many (posts are sorted by time). */
    int first[42], count[42];
    bool buckets_ok;
};

static const char *const month_names[] = {"January",   "February", "March",    "April",
                                          "May",       "June",     "July",     "August",
                                          "September", "October",  "November", "December"};
static const char *const day_names[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

/* The grid of the selected month: its first day (days since 1970) and number of weeks. */
static void grid(struct calendar_screen *cal, const struct md_profile *p, int *start, int *weeks)
{
    int wd = gl_weekday(cal->y, cal->m, 1); /* 0 = Monday */
    int off = p && p->week_sunday ? (wd + 1) % 7 : wd;
    *start = ui_days_from_civil(cal->y, cal->m, 1) - off;
    *weeks = (off + gl_days_in_month(cal->y, cal->m) + 6) / 7;
}

static void ensure_date(struct view *v)
{
    struct app *a = v->app;
    struct calendar_screen *cal = view_state(v, &view_calendar);
    const struct md_profile *p = app_profile(a);
    if (cal->have_date || !p) return;
    ui_today(p->timezone, &cal->y, &cal->m, &cal->d);
    cal->have_date = true;
}

static void bucket(struct calendar_screen *cal, int start, int64_t profile)
{
    for (int i = 0; i < 42; i++)
        cal->first[i] = -1, cal->count[i] = 0;
    /* Posts of another profile (a switch whose answer is not in yet) are not shown. */
    for (size_t i = 0; i < cal->nposts && cal->loaded_profile == profile; i++) {
        const struct md_post *p = &cal->posts[i];
        if (!p->scheduled_at) continue;
        int idx = ui_days_from_civil(p->ly, p->lm, p->ld) - start;
        if (idx < 0 || idx >= 42) continue;
        if (cal->first[idx] < 0) cal->first[idx] = (int)i;
        cal->count[idx]++;
    }
    cal->buckets_ok = true;
}

static void free_posts(struct calendar_screen *cal)
{
    for (size_t i = 0; i < cal->nposts; i++)
        md_post_free(&cal->posts[i]);
    free(cal->posts);
    cal->posts = NULL;
    cal->nposts = 0;
}

static void on_posts(void *ud, uint64_t tag, const struct gl_err *err, const msgpack_object *r)
{
    struct view *v = ud;
    struct app *a = v->app;
    struct calendar_screen *cal = view_state(v, &view_calendar);
    if ((unsigned)tag != cal->gen) return; /* an older month's answer */
    cal->loading = false;
    app_dirty(a, DIRTY_MAIN);
    if (err) {
        app_rpc_error(a, "calendar", err);
        return;
    }
    const struct md_profile *p = app_profile(a);
    const msgpack_object *list = md_get_array(r, "posts");
    free_posts(cal);
    if (list && list->via.array.size) {
        cal->posts = xcalloc(list->via.array.size, sizeof *cal->posts);
        for (uint32_t i = 0; i < list->via.array.size; i++) {
            struct md_post *mp = &cal->posts[cal->nposts];
            if (!md_post_decode(&list->via.array.ptr[i], mp)) continue;
            md_post_localize(mp, p ? p->timezone : "UTC");
            cal->nposts++;
        }
    }
    cal->loaded_profile = (int64_t)(tag >> 32);
    cal->buckets_ok = false;
}

static void cal_reload(struct view *v)
{
    struct app *a = v->app;
    struct calendar_screen *cal = view_state(v, &view_calendar);
    const struct md_profile *p = app_profile(a);
    if (!p) return;
    ensure_date(v);
    int start, weeks;
    grid(cal, p, &start, &weeks);
    int ey, em, ed, sy, sm, sd;
    ui_civil_from_days(start, &sy, &sm, &sd);
    ui_civil_from_days(start + weeks * 7, &ey, &em, &ed);
    cal->gen++;
    cal->loading = true;
    cal->buckets_ok = false;
    cal->loaded_start = start;
    cal->loaded_ndays = weeks * 7;
    msgpack_packer *pk = conn_begin(a->conn, "post.list");
    msgpack_pack_map(pk, 3);
    gl_pack_kv_int(pk, "profile", p->id);
    gl_pack_kv_int(pk, "from", gl_tz_to_utc(p->timezone, sy, sm, sd, 0, 0));
    gl_pack_kv_int(pk, "to", gl_tz_to_utc(p->timezone, ey, em, ed, 0, 0));
    conn_send(a->conn, on_posts, v, ((uint64_t)p->id << 32) | cal->gen);
    app_dirty(a, DIRTY_MAIN);
}

static void cal_enter(struct view *v)
{
    cal_reload(v);
}

/* One post as a line of a cell: "09:30?Caption". */
static void draw_post_line(WINDOW *w, int y, int x, int width, const struct md_post *p, bool time)
{
    if (width <= 0) return;
    char hm[8];
    snprintf(hm, sizeof hm, "%02d:%02d", p->lhour, p->lmin);
    int used = 0;
    if (time && width >= 7) used += ui_text(w, y, x, width, hm, A_NORMAL);
    char mark[2] = {md_status_mark(p->status), 0};
    used += ui_text(w, y, x + used, width - used, mark, ui_status_attr(p->status));
    ui_text(w, y, x + used, width - used, p->caption, A_NORMAL);
}

static void title(struct view *v, WINDOW *w, int cols, const struct md_profile *p)
{
    struct calendar_screen *cal = view_state(v, &view_calendar);
    char off[16], line[256];
    ui_fmt_offset(off, sizeof off, p->timezone,
                  gl_tz_to_utc(p->timezone, cal->y, cal->m, cal->d, 12, 0));
    snprintf(line, sizeof line, " %s  %s %d  %s (%s)%s", p->name, month_names[cal->m - 1], cal->y,
             p->timezone, off, cal->loading ? "  loading..." : "");
    attr_t t = ui_attr(UP_TITLE) | A_REVERSE;
    ui_text_pad(w, 0, 0, cols, line, t);
    const char *mode = cal->week ? "[week] " : "[month] ";
    int mw = (int)strlen(mode);
    if (cols > ui_width(line) + mw) ui_text(w, 0, cols - mw, mw, mode, t);
}

/* Column c's x and width when cols are split in 7 with a separator between. */
static void column(int cols, int c, int *x, int *width)
{
    int usable = cols - 6, base = usable / 7, extra = usable % 7;
    *x = c * base + (c < extra ? c : extra) + c;
    *width = base + (c < extra ? 1 : 0);
}

/* The cell of weekday column c in week wk of a grid from day start: where it is drawn, its day
 * (as a day number, its index in the grid, its month and day of month). */
struct cell {
    int x, cw, day, idx, m, d;
};
static struct cell cell_at(int cols, int start, int wk, int c)
{
    struct cell k;
    column(cols, c, &k.x, &k.cw);
    k.idx = wk * 7 + c;
    k.day = start + k.idx;
    int y;
    ui_civil_from_days(k.day, &y, &k.m, &k.d);
    return k;
}

/* "+3": the posts of a day that do not fit. */
static void more_mark(WINDOW *w, int y, int x, int cw, int n)
{
    char more[16];
    snprintf(more, sizeof more, "+%d", n);
    ui_text(w, y, x, cw, more, A_BOLD);
}

/* The grid's first day (its posts bucketed by day) and weeks, and today, as day numbers. */
static void prepare(struct calendar_screen *cal, const struct md_profile *p, int *start, int *weeks,
                    int *today)
{
    grid(cal, p, start, weeks);
    if (!cal->buckets_ok || *start != cal->loaded_start) bucket(cal, *start, p->id);
    int ty, tm, td;
    ui_today(p->timezone, &ty, &tm, &td);
    *today = ui_days_from_civil(ty, tm, td);
}

/* How a day's number or heading stands out: the selection, else today, else as it is. */
static attr_t day_attr(int day, int today, int sel, attr_t plain)
{
    if (day == sel) return ui_attr(UP_SEL) | A_BOLD;
    if (day == today) return ui_attr(UP_TODAY) | A_BOLD;
    return plain;
}

/* The rule at column x between days, rows from..to-1, crossing the rule between weeks at
 * row cross. */
static void column_rule(WINDOW *w, int x, int from, int to, int cross)
{
    for (int r = from; r < to; r++) {
        wattr_set(w, ui_attr(UP_DIM), PAIR_NUMBER(ui_attr(UP_DIM)), NULL);
        mvwaddch(w, r, x, r == cross ? ACS_PLUS : ACS_VLINE);
        wattr_set(w, A_NORMAL, 0, NULL);
    }
}

static void draw_month(struct view *v, WINDOW *w, int rows, int cols, const struct md_profile *p)
{
    struct calendar_screen *cal = view_state(v, &view_calendar);
    int start, weeks, today;
    prepare(cal, p, &start, &weeks, &today);
    int sel = ui_days_from_civil(cal->y, cal->m, cal->d);
    for (int c = 0; c < 7; c++) {
        int x, cw;
        column(cols, c, &x, &cw);
        const char *dn = day_names[p->week_sunday ? (c + 6) % 7 : c];
        ui_text(w, 1, x + (cw - 3) / 2, cw, dn, A_BOLD);
    }
    /* Rows left over go to the last weeks, one each, so the grid fills the screen. */
    int top = 2, base = (rows - top) / weeks, extra = (rows - top) % weeks;
    if (base < 2) base = 2, extra = 0;
    for (int wk = 0; wk < weeks; wk++) {
        int first_extra = weeks - extra;
        int h = base + (wk >= first_extra ? 1 : 0);
        int y0 = top + wk * base + (wk > first_extra ? wk - first_extra : 0);
        if (y0 >= rows) break;
        for (int c = 0; c < 7; c++) {
            struct cell k = cell_at(cols, start, wk, c);
            attr_t na = day_attr(k.day, today, sel, k.m != cal->m ? ui_attr(UP_DIM) : A_BOLD);
            /* The day's first line doubles as the rule between weeks. */
            ui_hline(w, y0, k.x, k.cw, ui_attr(UP_DIM));
            char num[8];
            snprintf(num, sizeof num, "%d", k.d);
            ui_text(w, y0, k.x, k.cw, num, na);
            if (k.day == sel && k.cw > 4) ui_text(w, y0, k.x + (int)strlen(num), 1, " ", na);
            if (c < 6) column_rule(w, k.x + k.cw, y0, y0 + h < rows ? y0 + h : rows, y0);
            int lines = h - 1;
            if (y0 + 1 + lines > rows) lines = rows - y0 - 1;
            int n = cal->count[k.idx];
            if (n == 0 || lines <= 0) continue;
            int shown = n <= lines ? n : lines - 1;
            for (int i = 0; i < shown; i++)
                draw_post_line(w, y0 + 1 + i, k.x, k.cw, &cal->posts[cal->first[k.idx] + i], true);
            if (shown < n) more_mark(w, y0 + 1 + shown, k.x, k.cw, n - shown);
        }
    }
}

static void draw_week(struct view *v, WINDOW *w, int rows, int cols, const struct md_profile *p)
{
    struct calendar_screen *cal = view_state(v, &view_calendar);
    int start, weeks, today;
    prepare(cal, p, &start, &weeks, &today);
    int sel = ui_days_from_civil(cal->y, cal->m, cal->d);
    int wk = (sel - start) / 7;
    for (int c = 0; c < 7; c++) {
        struct cell k = cell_at(cols, start, wk, c);
        char head[32];
        snprintf(head, sizeof head, "%s %d", day_names[p->week_sunday ? (c + 6) % 7 : c], k.d);
        ui_hline(w, 2, k.x, k.cw, ui_attr(UP_DIM));
        ui_text_pad(w, 1, k.x, k.cw, head, day_attr(k.day, today, sel, A_BOLD));
        if (c < 6) column_rule(w, k.x + k.cw, 1, rows, 2);
        int y = 3, n = k.idx >= 0 && k.idx < 42 ? cal->count[k.idx] : 0;
        for (int i = 0; i < n; i++) {
            /* Each post: time and status, then up to two lines of caption, then a blank. */
            if (y + 1 >= rows && i < n) {
                more_mark(w, rows - 1, k.x, k.cw, n - i);
                break;
            }
            const struct md_post *mp = &cal->posts[cal->first[k.idx] + i];
            char line[48];
            snprintf(line, sizeof line, "%02d:%02d %c %s", mp->lhour, mp->lmin,
                     md_status_mark(mp->status), md_status_label(mp->status));
            ui_text(w, y, k.x, k.cw, line, ui_status_attr(mp->status));
            int left = rows - y - 2;
            y += 1 + ui_wrap(w, y + 1, k.x, k.cw, left < 2 ? left : 2, 0, mp->caption, A_NORMAL);
            y++;
        }
    }
}

static void cal_draw(struct view *v, WINDOW *w, int rows, int cols)
{
    struct app *a = v->app;
    struct calendar_screen *cal = view_state(v, &view_calendar);
    const struct md_profile *p = app_profile(a);
    if (!p) {
        const char *no = words_forbidden_action(a->role, ACT_PROFILE_NEW);
        char line[200];
        snprintf(line, sizeof line, "No profiles yet. %s",
                 no ? no : "Press p, then n, to create the first.");
        ui_wrap(w, 1, 1, cols - 2, 3, 0, a->authed ? line : "Waiting for the daemon...", A_NORMAL);
        return;
    }
    ensure_date(v);
    title(v, w, cols, p);
    if (cal->week)
        draw_week(v, w, rows, cols, p);
    else
        draw_month(v, w, rows, cols, p);
    if (!cal->loading && cal->loaded_profile == p->id) app_mark_full(a);
}

/* Moves the selection by days; a new month means a new grid to fetch. */
static void move_days(struct view *v, int delta)
{
    struct app *a = v->app;
    struct calendar_screen *cal = view_state(v, &view_calendar);
    int om = cal->m, oy = cal->y;
    ui_civil_from_days(ui_days_from_civil(cal->y, cal->m, cal->d) + delta, &cal->y, &cal->m,
                       &cal->d);
    if (cal->m != om || cal->y != oy) {
        cal->buckets_ok = false;
        cal_reload(v);
        app_wait_data(a);
    }
    app_dirty(a, DIRTY_MAIN);
}

static void move_months(struct view *v, int delta)
{
    struct app *a = v->app;
    struct calendar_screen *cal = view_state(v, &view_calendar);
    int m = cal->m - 1 + delta, y = cal->y;
    while (m < 0)
        m += 12, y--;
    while (m > 11)
        m -= 12, y++;
    cal->y = y;
    cal->m = m + 1;
    int dim = gl_days_in_month(cal->y, cal->m);
    if (cal->d > dim) cal->d = dim;
    cal->buckets_ok = false;
    cal_reload(v);
    app_wait_data(a);
    app_dirty(a, DIRTY_MAIN);
}

static bool cal_key(struct view *v, enum action act)
{
    struct app *a = v->app;
    struct calendar_screen *cal = view_state(v, &view_calendar);
    const struct md_profile *p = app_profile(a);
    if (!p) return false;
    switch (act) {
    case ACT_LEFT:
        move_days(v, -1);
        return true;
    case ACT_RIGHT:
        move_days(v, 1);
        return true;
    case ACT_UP:
    case ACT_PREV_WEEK:
        move_days(v, -7);
        return true;
    case ACT_DOWN:
    case ACT_NEXT_WEEK:
        move_days(v, 7);
        return true;
    case ACT_PREV_MONTH:
        move_months(v, -1);
        return true;
    case ACT_NEXT_MONTH:
        move_months(v, 1);
        return true;
    case ACT_TODAY: {
        int oy = cal->y, om = cal->m;
        ui_today(p->timezone, &cal->y, &cal->m, &cal->d);
        if (oy != cal->y || om != cal->m) cal_reload(v);
        app_dirty(a, DIRTY_MAIN);
        return true;
    }
    case ACT_WEEK_VIEW:
        cal->week = true;
        app_dirty(a, DIRTY_MAIN);
        return true;
    case ACT_MONTH_VIEW:
        cal->week = false;
        app_dirty(a, DIRTY_MAIN);
        return true;
    case ACT_OPEN:
        view_day_open(a, cal->y, cal->m, cal->d);
        return true;
    case ACT_NEW_POST:
        view_post_new(a, p->id, cal->y, cal->m, cal->d);
        return true;
    default:
        return false;
    }
}

static void cal_event(struct view *v, const struct md_event *e)
{
    struct app *a = v->app;
    struct calendar_screen *cal = view_state(v, &view_calendar);
    if (!e->profile || e->profile == cal->loaded_profile) app_want_reload(a, KM_CALENDAR);
}

static void cal_free(struct view *v)
{
    struct calendar_screen *cal = view_state(v, &view_calendar);
    free_posts(cal);
}

const struct view_ops view_calendar = {
    .name = "calendar",
    .keymap = KM_CALENDAR,
    .state_size = sizeof(struct calendar_screen),
    .enter = cal_enter,
    .draw = cal_draw,
    .key = cal_key,
    .reload = cal_reload,
    .event = cal_event,
    .free = cal_free,
};
