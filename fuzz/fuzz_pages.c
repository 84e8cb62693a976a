/* Fuzz target: the HTML pages (server/page.c) and the iCalendar feed (server/ical.c) fed with
 * arbitrary post content, as the RPC side can store it: valid UTF-8 without NUL up to the
 * limits, times from two years back to ten years ahead (post.create refuses others), any
 * status, approvals, media, and a "last seen" version for the what-changed view. The pages
 * render against the demo store (comments and history of real posts) for each link kind. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fuzzenv.h"
#include "storekeys.h"
#include "util.h"
#include "webctx.h"

struct in {
    const uint8_t *p;
    size_t n;
};

static uint64_t take_u(struct in *in, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes; i++) {
        v <<= 8;
        if (in->n) {
            v |= *in->p++;
            in->n--;
        }
    }
    return v;
}

/* A string up to the next 0xFF (or max bytes), made valid UTF-8 without NUL as the RPC side
 * guarantees: bytes that break it become '?'. */
static const char *take_str(struct in *in, msgpack_zone *z, size_t max)
{
    size_t n = 0;
    while (n < in->n && n < max && in->p[n] != 0xff) n++;
    char *s = msgpack_zone_malloc(z, n + 1);
    memcpy(s, in->p, n);
    s[n] = '\0';
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && j < i + 4 && ((unsigned char)s[j] & 0xC0) == 0x80) j++;
        if (s[i] == 0 || !gl_utf8_valid(s + i, j - i)) {
            s[i] = '?';
            j = i + 1;
        }
        i = j;
    }
    if (!gl_utf8_valid(s, n)) /* still not: keep only ASCII */
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)s[i] >= 0x80) s[i] = '?';
    in->p += n;
    in->n -= n;
    if (in->n) {
        in->p++;
        in->n--;
    }
    return s;
}

static int64_t take_time(struct in *in, int64_t now)
{
    uint32_t v = (uint32_t)take_u(in, 4);
    if (v % 7 == 0) return GL_TIME_NONE;
    return now - 2 * 365 * 86400LL + (int64_t)(v % (12u * 366 * 86400));
}

static void take_post(struct in *in, msgpack_zone *z, int64_t now, struct gl_post *p)
{
    memset(p, 0, sizeof *p);
    p->id = 1 + take_u(in, 1) % 64;
    p->profile = 1;
    p->status = (enum gl_status)(take_u(in, 1) % ST_COUNT);
    p->revision = 1 + (uint32_t)(take_u(in, 1) % 5);
    p->scheduled_at = take_time(in, now);
    p->created_at = p->updated_at = now - 3600;
    p->overdue = take_u(in, 1) & 1;
    p->caption = take_str(in, z, 10000);
    p->notes = take_str(in, z, 5000);
    p->creator = take_str(in, z, 100);
    p->nplatforms = take_u(in, 1) % (GL_MAX_PLATFORMS + 1);
    p->platforms = msgpack_zone_malloc(z, (p->nplatforms + 1) * sizeof *p->platforms);
    for (size_t i = 0; i < p->nplatforms; i++) p->platforms[i] = take_str(in, z, 32);
    p->nmedia = take_u(in, 1) % 4;
    p->media = msgpack_zone_malloc(z, (p->nmedia + 1) * sizeof *p->media);
    for (size_t i = 0; i < p->nmedia; i++) p->media[i] = (int64_t)(1 + take_u(in, 1) % 8);
    p->napprovals = take_u(in, 1) % 4;
    p->approvals = msgpack_zone_malloc(z, (p->napprovals + 1) * sizeof *p->approvals);
    for (size_t i = 0; i < p->napprovals; i++) {
        struct gl_approval *a = &p->approvals[i];
        a->step = (uint32_t)(take_u(in, 1) % 6);
        a->approved = take_u(in, 1) & 1;
        a->by = take_str(in, z, 100);
        a->link = take_u(in, 1) % 4;
        a->at = now - 60;
        a->revision = p->revision;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_env *e = fuzz_env();
    struct in in = {data, size};
    struct gl_http_req req = {0};
    struct web *w = calloc(1, sizeof *w);
    w->req = &req;
    w->now = gl_now();
    msgpack_zone_init(&w->zone, 8192);
    buf_init(&w->out, 16384);
    buf_init(&w->hdrs, 256);
    if (gl_store_read_begin(&e->srv.store, &w->t) != 0) abort();
    w->reading = true;

    unsigned sel = (unsigned)take_u(&in, 1);
    const struct fuzz_link *fl = sel % 3 == 0 ? &e->cal : sel % 3 == 1 ? &e->collab : &e->approval;
    w->link = fl->link;
    snprintf(w->token, sizeof w->token, "%s", fl->token);
    snprintf(w->base, sizeof w->base, "/l/%s", fl->token);
    snprintf(w->csrf, sizeof w->csrf, "%s", fl->csrf);
    snprintf(w->address, sizeof w->address, "127.0.0.1");
    w->signed_in = (sel >> 2) & 1;
    w->visitor = take_str(&in, &w->zone, 100);
    struct gl_key pk;
    MDB_val pv;
    key_id(&pk, 1);
    if (gl_get(&w->t, DB_PROFILES, &pk, &pv) != 0 || gl_profile_decode(&pv, &w->zone, &w->prof))
        abort();
    static const char *zones[] = {"UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata",
                                  "Pacific/Chatham", "Australia/Lord_Howe"};
    w->prof.timezone = zones[(sel >> 3) % 6];
    w->prof.week_start = (sel >> 6) & 1 ? 6 : 0;
    w->prof.name = take_str(&in, &w->zone, 100);
    /* The brand and the visitor's own zone (dual times). */
    unsigned brand = (unsigned)take_u(&in, 1);
    w->prof.display_name = brand & 1 ? take_str(&in, &w->zone, 100) : "";
    w->prof.logo = (brand >> 1) & 1;
    w->prof.credit = (brand >> 2) & 1;
    w->prof.accent = (brand >> 3) & 1 ? "#7b1fa2" : "";
    if ((brand >> 4) & 1) snprintf(w->vzone, sizeof w->vzone, "%s", zones[(brand >> 5) % 6]);

    struct gl_postv posts = {0};
    unsigned nposts = 1 + (unsigned)(take_u(&in, 1) % 6);
    struct gl_post first = {0};
    for (unsigned i = 0; i < nposts && (i == 0 || in.n); i++) {
        struct gl_post p;
        take_post(&in, &w->zone, w->now, &p);
        if (i == 0) first = p;
        gl_postv_push(&posts, &w->zone, &p);
    }
    struct gl_seen seen = {.revision = 1, .scheduled_at = take_time(&in, w->now), .at = w->now};
    seen.caption = take_str(&in, &w->zone, 10000);
    seen.nplatforms = take_u(&in, 1) % 3;
    seen.platforms = msgpack_zone_malloc(&w->zone, (seen.nplatforms + 1) * sizeof(char *));
    for (size_t i = 0; i < seen.nplatforms; i++) seen.platforms[i] = take_str(&in, &w->zone, 32);
    const char *flash = take_str(&in, &w->zone, 200);

    struct tm tm;
    time_t now = (time_t)w->now;
    gmtime_r(&now, &tm);
    int year = tm.tm_year + 1900, month = tm.tm_mon + 1 + (int)(sel % 3) - 1;
    if (month < 1) month = 12, year--;
    if (month > 12) month = 1, year++;

    page_detail(w, &first, (sel >> 7) & 1 ? &seen : NULL, *flash ? flash : NULL);
    w->out.n = 0;
    page_main(w, year, month, &posts, true, true, &posts, *flash ? flash : NULL);
    w->out.n = 0;
    page_month(w, year, month, &posts, false, true);
    w->out.n = 0;
    page_signin(w, *flash ? flash : NULL);
    w->out.n = 0;
    page_message(w, flash, first.caption, w->base, first.notes);
    w->out.n = 0;
    ical_render(w, &posts, "http://127.0.0.1:1");
    /* Folded lines: none over 75 octets. */
    size_t col = 0;
    for (size_t i = 0; i < w->out.n; i++) {
        if (w->out.p[i] == '\n') col = 0;
        else if (++col > 76) abort();
    }

    gl_store_read_end(&w->t);
    msgpack_zone_destroy(&w->zone);
    buf_free(&w->out);
    buf_free(&w->hdrs);
    free(w);
    return 0;
}
