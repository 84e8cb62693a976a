/* Notifications (see notify.h). */
#include "notify.h"

#include <string.h>

#include "i18n.h"
#include "linkpolicy.h"
#include "links.h"
#include "mail.h"
#include "util.h"
#include "webbuf.h"
#include "webhook.h"
#include "xmalloc.h"

#define EV_BIT(e) (1u << (e))
static const unsigned for_approvers = EV_BIT(EV_POST_SUBMITTED) | EV_BIT(EV_POST_STEP_APPROVED) |
                                      EV_BIT(EV_POST_REMINDER) | EV_BIT(EV_POST_OVERDUE) |
                                      EV_BIT(EV_POST_FAILED) | EV_BIT(EV_LINK_REQUESTED);
static const unsigned for_creator = EV_BIT(EV_POST_APPROVED) | EV_BIT(EV_POST_REJECTED) |
                                    EV_BIT(EV_POST_RESCHEDULED) | EV_BIT(EV_POST_SCHEDULED) |
                                    EV_BIT(EV_POST_PUBLISHED) | EV_BIT(EV_POST_FAILED) |
                                    EV_BIT(EV_POST_COMMENTED);
/* Admins alone run the integrations. */
static const unsigned for_admins = EV_BIT(EV_WEBHOOK_PAUSED);
_Static_assert(EV_COUNT <= 32, "event types fit the masks");

/* ---- mail ---- */

/* How much of a caption a mail quotes. */
#define CAPTION_START 80

void notify_put_post(struct gl_buf *b, const struct gl_post *p, const struct gl_profile *prof,
                     const char *zone, bool caption, int64_t now)
{
    char when[128];
    if (!zone) zone = prof ? prof->timezone : NULL;
    gl_mail_when(when, sizeof when, zone, p->scheduled_at, now);
    /* Staff mail is English (no language is current then); an approver's is in the link's. */
    char id[24];
    snprintf(id, sizeof id, "%llu", (unsigned long long)p->id);
    /* TRANSLATORS: "Post 12 of Acme" in a mail; %1$s the post's number, %2$s the profile. */
    buf_printf(b, _("Post %s of %s"), id, prof ? prof->name : _("a removed profile"));
    if (caption) {
        char *start = gl_mail_excerpt(p->caption, CAPTION_START);
        buf_printf(b, _(": \"%s\""), start);
        free(start);
    }
    buf_puts(b, "\n");
    buf_printf(b, _("Status: %s"), _(gl_status_label(p->status)));
    buf_puts(b, "\n");
    buf_printf(b, _("Scheduled: %s"), when);
    buf_puts(b, "\n");
}

/* Staff see times in their own zone (user.update timezone), else the post's profile's, else
 * UTC. */
static void mail_event(struct gl_wf *wf, const struct gl_user *u, enum gl_event_type type,
                       const struct gl_post *p, const char *text)
{
    struct gl_profile prof;
    struct gl_err err = {0};
    bool has_prof = p && wf_profile_load(wf, p->profile, &prof, &err) == 0;
    /* Staff read English, even when a visitor's decision in French is what they hear of. */
    int was = gl_lang_use(LANG_NONE);
    struct gl_buf b;
    buf_init(&b, 512);
    buf_printf(&b, "%s\n\n", text);
    if (p) notify_put_post(&b, p, has_prof ? &prof : NULL, u->timezone, true, wf->now);
    char when[128];
    gl_mail_when(when, sizeof when, u->timezone ? u->timezone : has_prof ? prof.timezone : NULL,
                 wf->now, wf->now);
    buf_printf(&b, "When: %s\nEvent: %s\n\nOpen greenlight to act on it.\n", when,
               gl_event_type_name(type));
    char *subject = xasprintf("[Greenlight] %s", text);
    gl_mail_queue(wf->t,
                  &(struct gl_mail_msg){.to = u->email, .subject = subject, .body = b.p});
    free(subject);
    buf_free(&b);
    gl_lang_use(was);
}

/* The sender's name of mail to a link's approver: the agency's client knows the profile. */
static char *link_sender(const struct gl_profile *prof)
{
    if (prof->sender_name && *prof->sender_name) return xstrdup(prof->sender_name);
    /* TRANSLATORS: a mail's sender name; %s is the profile's (the client's brand). */
    return xasprintf(_("%s via Greenlight"), prof->name);
}

static void greet(struct gl_buf *b, const struct gl_link *l)
{
    if (l->approver)
        buf_printf(b, _("Hello %s,"), l->approver);
    else
        buf_puts(b, _("Hello,"));
    buf_puts(b, "\n\n");
}

/* Mail to a link's approver is in the link's language, else the profile's (there is no
 * browser to ask); the caller sets back what it returns. */
static int mail_language(const struct gl_link *l, const struct gl_profile *prof)
{
    return gl_lang_use(gl_lang_choose(LANG_NONE, gl_lang_parse(l->language),
                                      gl_lang_parse(prof->language), NULL, 0));
}

void notify_link_mailed(struct gl_wf *wf, const struct gl_link *l, const struct gl_profile *prof,
                        const char *url)
{
    if (!l->email) return;
    int was = mail_language(l, prof);
    struct gl_buf b;
    buf_init(&b, 1024);
    greet(&b, l);
    if (l->generation)
        buf_printf(&b,
                   _("Here is a new link to review posts of %s; the one sent before no longer "
                     "works:"),
                   prof->name);
    else
        /* TRANSLATORS: %1$s a staff member's name, %2$s the profile (the client's brand). */
        buf_printf(&b, _("%s of the %s team asks you to review posts through this link:"),
                   l->created_by, prof->name);
    buf_printf(&b, "\n\n%s\n\n", url);
    /* The password never travels with the link: a forwarded or stolen mail is not enough. */
    if (l->pwhash) {
        buf_puts(&b, _("The link has a password. The team gives it to you separately; it is not "
                       "in this mail."));
        buf_puts(&b, "\n");
    }
    char when[128];
    if (l->expires_at) {
        gl_mail_when(when, sizeof when, prof->timezone, l->expires_at, wf->now);
        buf_printf(&b, _("The link works until %s."), when);
        buf_puts(&b, "\n");
    }
    buf_puts(&b, "\n");
    if (l->nposts) {
        buf_puts(&b, ngettext("The post for you:", "The posts for you:", l->nposts));
        buf_puts(&b, "\n\n");
        for (size_t i = 0; i < l->nposts; i++) {
            struct gl_post p;
            struct gl_err err = {0};
            if (wf_post_load(wf, (uint64_t)l->posts[i], &p, &err)) continue;
            notify_put_post(&b, &p, prof, NULL, true, wf->now);
            buf_puts(&b, "\n");
        }
    } else {
        buf_printf(&b, _("It shows the posts of %s as the team shares them."), prof->name);
        buf_puts(&b, "\n\n");
    }
    buf_puts(&b, _("The link is for you only: please do not forward this mail."));
    buf_puts(&b, "\n");
    char *from = link_sender(prof);
    char *subject = xasprintf(_("%s: posts for you to review"), prof->name);
    gl_mail_queue(wf->t, &(struct gl_mail_msg){.from_name = from, .to = l->email,
                                                         .subject = subject, .body = b.p});
    free(subject);
    free(from);
    buf_free(&b);
    gl_lang_use(was);
}

/* Whether p, awaiting approval at step, waits for the visitor of link l. */
static bool waits_for_link(const struct gl_link *l, const struct gl_post *p,
                           const struct gl_step *step, int64_t now)
{
    if (!l->email || l->profile != p->profile || gl_link_state(l, now) != LINK_ACTIVE)
        return false;
    bool listed = l->nposts == 0;
    for (size_t i = 0; i < l->nposts && !listed; i++) listed = (uint64_t)l->posts[i] == p->id;
    struct gl_actor visitor = {.kind = ACTOR_EXTERNAL, .link = l->id, .approver = l->approver,
                               .decides = gl_link_policy(l->kind)->decides};
    return listed && wf_may_decide(&visitor, step);
}

static void remind_link(struct gl_wf *wf, struct gl_link *l, const struct gl_post *p,
                        const struct gl_profile *prof)
{
    int was = mail_language(l, prof);
    struct gl_buf b;
    buf_init(&b, 1024);
    greet(&b, l);
    buf_printf(&b, _("A post of %s still waits for your decision, and its time is near:"),
               prof->name);
    buf_puts(&b, "\n\n");
    notify_put_post(&b, p, prof, NULL, true, wf->now);
    char sent[128];
    gl_mail_when(sent, sizeof sent, prof->timezone, l->mailed_at ? l->mailed_at : l->created_at,
                 wf->now);
    /* Only the token's hash is kept, so the reminder cannot carry the link itself. */
    char id[24];
    snprintf(id, sizeof id, "%llu", (unsigned long long)l->id);
    buf_puts(&b, "\n");
    /* TRANSLATORS: %1$s when the link was mailed, %2$s the link's number. */
    buf_printf(&b,
               _("Please decide before then, through the latest link mailed to you, on %s "
                 "(link %s)."),
               sent, id);
    if (l->pwhash) {
        buf_puts(&b, " ");
        buf_puts(&b, _("Its password is the one the team gave you."));
    }
    buf_puts(&b, "\n");
    buf_puts(&b, _("A post still waiting at its time is held, not published."));
    buf_puts(&b, "\n");
    char *from = link_sender(prof);
    char *caption = gl_mail_excerpt(p->caption, 40);
    char *subject = xasprintf(_("Reminder: \"%s\" waits for your decision"), caption);
    gl_mail_queue(wf->t, &(struct gl_mail_msg){.from_name = from, .to = l->email,
                                                         .subject = subject, .body = b.p});
    free(subject);
    free(caption);
    free(from);
    buf_free(&b);
    gl_lang_use(was);
    l->reminded_at = wf->now;
    gl_link_save(wf->t, l);
}

/* The approvers of mailed links that p, due soon, still waits for are reminded by mail, and
 * the link keeps when (its page says so). */
static void remind_links(struct gl_wf *wf, const struct gl_post *p)
{
    struct gl_profile prof;
    struct gl_err err = {0};
    if (p->status != ST_AWAITING || wf_profile_load(wf, p->profile, &prof, &err)) return;
    const struct gl_step *step = wf_pending_step(&prof, p);
    struct gl_key lo, hi;
    key_id(&lo, 0);
    key_id(&hi, UINT64_MAX);
    uint64_t *ids = NULL;
    size_t n = 0;
    msgpack_zone z;
    msgpack_zone_init(&z, 2048);
    struct gl_range r;
    if (gl_range_open(wf->t, DB_LINKS, &lo, &hi, &r) == 0) {
        MDB_val k, v;
        while (gl_range_next(&r, &k, &v)) {
            struct gl_link l;
            msgpack_zone_clear(&z);
            if (gl_link_decode(&v, &z, &l) != 0 || !waits_for_link(&l, p, step, wf->now))
                continue;
            /* Written below, after the walk: a write under a cursor moves pages. */
            ids = xrealloc(ids, sizeof *ids * (n + 1));
            ids[n++] = l.id;
        }
        gl_range_close(&r);
    }
    msgpack_zone_destroy(&z);
    for (size_t i = 0; i < n; i++) {
        struct gl_link l;
        if (gl_link_load(wf->t, ids[i], wf->zone, &l) == 0) remind_link(wf, &l, p, &prof);
    }
    free(ids);
}

/* The next sequence number of user's notifications. */
static uint32_t next_seq(struct gl_txn *t, const char *user)
{
    if (t->rc) return 0;
    MDB_cursor *cur;
    if ((t->rc = mdb_cursor_open(t->txn, t->store->dbi[DB_NOTIFICATIONS], &cur))) return 0;
    struct gl_key k;
    key_user_seq(&k, user, UINT32_MAX);
    MDB_val key = {k.n, k.b}, v;
    uint32_t seq = 1;
    int rc = mdb_cursor_get(cur, &key, &v, MDB_SET_RANGE);
    rc = mdb_cursor_get(cur, &key, &v, rc == 0 ? MDB_PREV : MDB_LAST);
    size_t ulen = k.n - 4; /* name and its NUL */
    if (rc == 0 && key.mv_size == k.n && memcmp(key.mv_data, k.b, ulen) == 0)
        seq = key_user_seq_decode(key.mv_data, key.mv_size) + 1;
    mdb_cursor_close(cur);
    return seq;
}

static void notify_one(struct gl_wf *wf, const struct gl_user *u, enum gl_event_type type,
                       const struct gl_post *p, uint64_t link, const char *text)
{
    /* A disabled account hears nothing more, in the client or by mail: it may be a colleague
     * who left, whose address is no longer the agency's. */
    if (u->disabled) return;
    struct gl_notification n = {
        .id = next_seq(wf->t, u->name), .type = gl_event_type_name(type), .post = p ? p->id : 0,
        .link = link, .actor = wf->actor->name, .text = text, .at = wf->now,
        /* Digest users' notifications wait for the next digest; the rest are done with. */
        .mailed = !(u->email && u->mail == MAIL_DIGEST)};
    gl_notification_save(wf->t, u->name, &n);
    if (u->email && u->mail == MAIL_EACH) mail_event(wf, u, type, p, text);
}

/* Calls fn for every user. */
static void each_user(struct gl_wf *wf,
                      void (*fn)(struct gl_wf *, const struct gl_user *, void *), void *ctx)
{
    struct gl_key lo = {.b = {0}, .n = 1}, hi;
    memset(hi.b, 0xff, sizeof hi.b);
    hi.n = sizeof hi.b;
    struct gl_range r;
    if (gl_range_open(wf->t, DB_USERS, &lo, &hi, &r)) return;
    MDB_val key, val;
    /* Collect first: notify_one writes, and a write invalidates the cursor's view. */
    struct gl_user *users = NULL;
    size_t n = 0;
    while (gl_range_next(&r, &key, &val)) {
        users = xrealloc(users, sizeof *users * (n + 1));
        if (gl_user_decode(&val, wf->zone, &users[n]) == 0) n++;
    }
    gl_range_close(&r);
    for (size_t i = 0; i < n; i++) fn(wf, &users[i], ctx);
    free(users);
}

struct event_ctx {
    enum gl_event_type type;
    const struct gl_post *p;
    uint64_t link;
    const char *text;
};

static void maybe_notify(struct gl_wf *wf, const struct gl_user *u, void *data)
{
    struct event_ctx *e = data;
    if (wf->actor->kind == ACTOR_STAFF && strcmp(u->name, wf->actor->name) == 0) return;
    bool approver = u->role >= ROLE_MANAGER && (for_approvers & EV_BIT(e->type));
    if (u->role >= ROLE_ADMIN && (for_admins & EV_BIT(e->type))) approver = true;
    bool creator = e->p && e->p->creator && strcmp(u->name, e->p->creator) == 0 &&
                   (for_creator & EV_BIT(e->type));
    if (approver || creator) notify_one(wf, u, e->type, e->p, e->link, e->text);
}

void notify_event(struct gl_wf *wf, enum gl_event_type type, const struct gl_post *p, uint64_t link,
                  const char *text)
{
    webhook_enqueue(wf, type, p, link);
    if (!((for_approvers | for_creator | for_admins) & EV_BIT(type))) return;
    struct event_ctx e = {type, p, link, text};
    each_user(wf, maybe_notify, &e);
    if (type == EV_POST_REMINDER && p) remind_links(wf, p);
}

void notify_mentions(struct gl_wf *wf, const struct gl_post *p, const char *text)
{
    char seen[16][33];
    size_t nseen = 0;
    for (const char *s = text; (s = strchr(s, '@')) != NULL;) {
        s++;
        size_t n = 0;
        while (n < 32 && (((s[n] | 0x20) >= 'a' && (s[n] | 0x20) <= 'z') ||
                          (s[n] >= '0' && s[n] <= '9') || s[n] == '.' || s[n] == '_' ||
                          s[n] == '-'))
            n++;
        while (n > 0 && s[n - 1] == '.') n--; /* "@maria." ends a sentence */
        if (n == 0 || nseen == 16) continue;
        char name[33];
        memcpy(name, s, n);
        name[n] = '\0';
        bool dup = false;
        for (size_t i = 0; i < nseen && !dup; i++) dup = strcmp(seen[i], name) == 0;
        if (dup) continue;
        memcpy(seen[nseen++], name, n + 1);
        struct gl_key k;
        MDB_val v;
        struct gl_user u;
        key_bytes(&k, name, n);
        if (gl_get(wf->t, DB_USERS, &k, &v) != 0 || gl_user_decode(&v, wf->zone, &u) != 0)
            continue;
        char *msg = xasprintf("%s mentioned @%s on post %llu", wf->actor->name, name,
                              (unsigned long long)p->id);
        const char *text_z = gl_zone_strdup(wf->zone, msg);
        free(msg);
        notify_one(wf, &u, EV_POST_MENTIONED, p, wf->actor->link, text_z);
        /* The live event names the user mentioned. */
        wf_event(wf, EV_POST_MENTIONED, p, wf->actor->link, text_z);
    }
}

bool notify_set_flag(struct gl_txn *t, const char *user, uint32_t seq, enum notify_flag flag)
{
    struct gl_key k;
    MDB_val v;
    key_user_seq(&k, user, seq);
    if (gl_get(t, DB_NOTIFICATIONS, &k, &v) != 0) return false;
    msgpack_zone z;
    msgpack_zone_init(&z, 1024);
    struct gl_notification n;
    if (gl_notification_decode(&v, &z, &n) == 0) {
        n.id = seq; /* the key says which it is */
        if (flag == NOTIFY_READ) n.read = true;
        else n.mailed = true;
        gl_notification_save(t, user, &n);
    }
    msgpack_zone_destroy(&z);
    return true;
}

void notify_link_opened(struct gl_txn *t, struct gl_op *op, const struct gl_link *l,
                        const char *visitor, const char *address)
{
    msgpack_zone zone;
    msgpack_zone_init(&zone, 1024);
    struct gl_actor actor = {
        .name = visitor, .kind = ACTOR_EXTERNAL, .link = l->id, .address = address};
    struct gl_wf wf = {.t = t, .op = op, .zone = &zone, .actor = &actor, .now = gl_now()};
    char *text = xasprintf("%s opened %s link %llu", visitor, gl_link_kind_name(l->kind),
                           (unsigned long long)l->id);
    wf_event(&wf, EV_LINK_OPENED, NULL, l->id, text);
    free(text);
    msgpack_zone_destroy(&zone);
}
