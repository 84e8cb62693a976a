/* Notifications (see notify.h). */
#include "notify.h"

#include <string.h>

#include "mail.h"
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
    uint32_t seq = next_seq(wf->t, u->name);
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    gl_record_begin(&pk, 10);
    gl_pack_kv_int(&pk, "id", seq);
    gl_pack_kv_str(&pk, "type", gl_event_type_name(type));
    gl_pack_kv_id(&pk, "post", p ? p->id : 0);
    gl_pack_kv_id(&pk, "link", link);
    gl_pack_kv_str(&pk, "actor", wf->actor->name);
    gl_pack_kv_str(&pk, "text", text);
    gl_pack_kv_int(&pk, "at", wf->now);
    gl_pack_kv_bool(&pk, "read", false);
    /* Digest users' notifications wait for the next digest; the rest are done with. */
    gl_pack_kv_bool(&pk, "mailed", !(u->email && u->mail == MAIL_DIGEST));
    struct gl_key k;
    key_user_seq(&k, u->name, seq);
    gl_put(wf->t, DB_NOTIFICATIONS, &k, sb.data, sb.size);
    msgpack_sbuffer_destroy(&sb);
    if (u->email && u->mail == MAIL_EACH) {
        char *subject = xasprintf("[Greenlight] %s", text);
        char *body = xasprintf("%s\n\nEvent: %s\nWhen: %lld (Unix time, UTC)\n%s%s\n\n"
                               "Open greenlight to act on it.",
                               text, gl_event_type_name(type), (long long)wf->now, p ? "Post: " : "",
                               p ? p->caption : "");
        gl_mail_queue(&wf->op->outbox, u->email, subject, body);
        free(subject);
        free(body);
    }
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

void notify_set_flag(struct gl_txn *t, const struct gl_key *k, const MDB_val *v,
                     const char *flag)
{
    msgpack_zone z;
    msgpack_zone_init(&z, 1024);
    msgpack_object o;
    if (gl_record_unpack(v, &z, &o) == 0) {
        msgpack_sbuffer sb;
        msgpack_sbuffer_init(&sb);
        msgpack_packer pk;
        msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
        msgpack_pack_map(&pk, o.via.map.size);
        for (uint32_t i = 0; i < o.via.map.size; i++) {
            msgpack_pack_object(&pk, o.via.map.ptr[i].key);
            if (gl_obj_streq(&o.via.map.ptr[i].key, flag))
                msgpack_pack_true(&pk);
            else
                msgpack_pack_object(&pk, o.via.map.ptr[i].val);
        }
        gl_put(t, DB_NOTIFICATIONS, k, sb.data, sb.size);
        msgpack_sbuffer_destroy(&sb);
    }
    msgpack_zone_destroy(&z);
}
