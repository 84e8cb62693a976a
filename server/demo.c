/* Demo data (see demo.h). */
#include "demo.h"

#include <string.h>

#include "log.h"
#include "tz.h"
#include "util.h"
#include "workflow.h"

struct demo_profile {
    const char *name;
    const char *timezone;
    const char *platforms[3];
    bool auto_schedule;
};

static const struct demo_profile profiles[] = {
    {"Acme Coffee", "Europe/Paris", {"instagram", "facebook", NULL}, true},
    {"Northwind Outdoors", "America/New_York", {"instagram", "x", "linkedin"}, false},
    {"Sakura Tea", "Asia/Tokyo", {"instagram", "tiktok", NULL}, true},
};

static const char *const captions[] = {
    "Monday mornings call for a double espresso ☕ What's in your cup today?",
    "New autumn blend drops Friday: notes of fig, cocoa and toasted hazelnut 🍂",
    "Behind the scenes at the roastery: meet Léa, our head roaster 👩‍🍳",
    "Trail tip: pack a headlamp even on day hikes. Sunsets come early in November 🏔️",
    "Giveaway! Tag a friend you'd share a summit with. Winner picked Sunday 🎒",
    "Our 30-litre pack, tested through 400 km of rain. Full review on the blog.",
    "抹茶の季節です 🍵 New ceremonial-grade matcha now in stock",
    "How to brew the perfect sencha: 70°C water, 60 seconds, no more 🌿",
    "Weekend flash sale: 20% off every tea set, code SAKURA20 🌸",
    "Customer photo of the week: latte art from @marie.b ❤️",
    "Holiday gift guide: five picks under 30 € 🎁",
    "Why we switched to compostable pods (and what it cost us) ♻️",
};

static const enum gl_status statuses[] = {
    ST_PUBLISHED, ST_SCHEDULED, ST_APPROVED, ST_AWAITING, ST_CHANGES, ST_DRAFT, ST_AWAITING,
    ST_SCHEDULED, ST_FAILED, ST_AWAITING, ST_APPROVED, ST_DRAFT,
};

static int demo_events_run(struct gl_op *op, struct gl_txn *t)
{
    (void)op;
    (void)t;
    return 0;
}

int gl_demo_fill(struct gl_store *s)
{
    struct gl_txn t = {.store = s};
    t.rc = mdb_txn_begin(s->env, NULL, 0, &t.txn);
    if (t.rc) return t.rc;
    MDB_stat st;
    mdb_stat(t.txn, s->dbi[DB_PROFILES], &st);
    if (st.ms_entries > 0) {
        mdb_txn_abort(t.txn);
        return 0;
    }
    msgpack_zone zone;
    msgpack_zone_init(&zone, 8192);
    struct gl_op op; /* its events go nowhere: nobody is connected yet */
    gl_op_init(&op, demo_events_run, NULL);
    int64_t now = gl_now();
    struct gl_actor editor = {.name = "admin", .kind = ACTOR_STAFF};
    struct gl_actor client = {.name = "Claire (client)", .kind = ACTOR_EXTERNAL};
    struct gl_wf wf = {.t = &t, .op = &op, .zone = &zone, .actor = &editor, .now = now};
    unsigned n = 0;
    for (size_t pi = 0; pi < GL_ARRAY_LEN(profiles); pi++) {
        const struct demo_profile *dp = &profiles[pi];
        static struct gl_step one_step = {.name = "Approval", .who = "any"};
        struct gl_profile prof = {.id = pi + 1, .name = dp->name, .timezone = dp->timezone,
                                  .platforms = (const char **)dp->platforms,
                                  .auto_schedule = dp->auto_schedule, .created_at = now,
                                  .steps = &one_step, .nsteps = 1, .reminder_minutes = 60};
        while (prof.nplatforms < 3 && dp->platforms[prof.nplatforms]) prof.nplatforms++;
        msgpack_sbuffer sb;
        msgpack_sbuffer_init(&sb);
        gl_profile_encode(&prof, &sb);
        struct gl_key k;
        key_id(&k, prof.id);
        gl_put(&t, DB_PROFILES, &k, sb.data, sb.size);
        msgpack_sbuffer_destroy(&sb);

        /* Spread posts over this month and the next, in the profile's own zone. */
        struct tm today;
        gl_tz_local(dp->timezone, now, &today);
        int year = today.tm_year + 1900, month = today.tm_mon + 1;
        for (int i = 0; i < 14; i++, n++) {
            int m = month + (i >= 7), y = year;
            if (m > 12) { m -= 12; y++; }
            int day = 1 + (i * 4 + (int)pi * 2) % gl_days_in_month(y, m);
            int hour = 8 + (i * 3 + (int)pi) % 11;
            int64_t at = gl_tz_to_utc(dp->timezone, y, m, day, hour, (i % 2) * 30);
            enum gl_status status = statuses[(i + pi) % GL_ARRAY_LEN(statuses)];
            /* Keep statuses believable: the past is published (or failed), the future not. */
            if (at <= now && status != ST_FAILED) status = ST_PUBLISHED;
            if (at > now && status == ST_PUBLISHED) status = ST_SCHEDULED;
            struct gl_post p = {
                .id = n + 1, .profile = prof.id,
                .caption = captions[(i + pi * 5) % GL_ARRAY_LEN(captions)],
                .platforms = prof.platforms, .nplatforms = 1 + (size_t)i % prof.nplatforms,
                .scheduled_at = at,
                .notes = i % 3 == 0 ? "Please check the product name and the price." : "",
                .status = status, .revision = 1, .rev_open = status == ST_DRAFT,
                .creator = "admin", .created_at = now, .updated_at = now,
            };
            if (status == ST_APPROVED || status == ST_SCHEDULED || status == ST_PUBLISHED) {
                p.approvals = msgpack_zone_malloc(&zone, sizeof *p.approvals);
                p.approvals[0] = (struct gl_approval){.step = 1, .approved = true,
                                                      .by = "Claire (client)", .at = now,
                                                      .revision = 1};
                p.napprovals = 1;
            }
            wf_post_save(&wf, NULL, &p);
            wf_history(&wf, &p, HIST_CREATED, NULL, ST_DRAFT);
            if (i % 4 == 1) {
                uint32_t seq;
                struct gl_err err;
                wf.actor = &client;
                wf_comment(&wf, &p, "Love this one! Could we add the store hours?", true, &seq,
                           &err);
                wf.actor = &editor;
                wf_comment(&wf, &p, "Internal: check stock before this goes out.", false, &seq,
                           &err);
            }
        }
    }
    gl_op_destroy(&op);
    msgpack_zone_destroy(&zone);
    if (t.rc) {
        mdb_txn_abort(t.txn);
        return t.rc;
    }
    int rc = mdb_txn_commit(t.txn);
    if (rc == 0) log_info("demo: store filled profiles=%zu posts=%u", GL_ARRAY_LEN(profiles), n);
    return rc;
}
