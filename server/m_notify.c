/* notify.subscribe: the connection receives every event from now on. */
#include "methods.h"

#include "notify.h"

int m_notify_subscribe(struct gl_req *req, struct gl_txn *t)
{
    (void)t;
    req->subscribe = true;
    msgpack_pack_map(&req->pk, 0);
    return 0;
}

#define NOTIFY_LIST_MAX 200

/* The range of one user's notifications. */
static void user_range(const char *user, struct gl_key *lo, struct gl_key *hi)
{
    key_user_seq(lo, user, 0);
    key_user_seq(hi, user, UINT32_MAX);
}

int m_notify_list(struct gl_req *req, struct gl_txn *t)
{
    bool unread_only = false;
    req_bool(req, "unread", &unread_only);
    struct gl_key lo, hi;
    user_range(req->user, &lo, &hi);
    /* Newest first: walk the range, keep the last NOTIFY_LIST_MAX that match. */
    MDB_val *vals = msgpack_zone_malloc(req->msg.zone, sizeof *vals * NOTIFY_LIST_MAX);
    size_t n = 0, total = 0, unread = 0;
    struct gl_range r;
    if (gl_range_open(t, DB_NOTIFICATIONS, &lo, &hi, &r)) return -1;
    MDB_val key, val;
    msgpack_zone scratch;
    msgpack_zone_init(&scratch, 1024);
    while (gl_range_next(&r, &key, &val)) {
        struct gl_notification note;
        msgpack_zone_clear(&scratch);
        if (gl_notification_decode(&val, &scratch, &note) != 0) continue;
        if (!note.read) unread++;
        if (unread_only && note.read) continue;
        total++;
        vals[n % NOTIFY_LIST_MAX] = val; /* a ring of the newest */
        n++;
    }
    gl_range_close(&r);
    size_t count = n < NOTIFY_LIST_MAX ? n : NOTIFY_LIST_MAX;
    msgpack_pack_map(&req->pk, 2);
    gl_pack_kv_int(&req->pk, "unread", (int64_t)unread);
    gl_pack_key(&req->pk, "notifications");
    msgpack_pack_array(&req->pk, count);
    for (size_t i = 0; i < count; i++) {
        const MDB_val *v = &vals[(n - 1 - i) % NOTIFY_LIST_MAX];
        struct gl_notification note;
        msgpack_zone_clear(&scratch);
        if (gl_notification_decode(v, &scratch, &note) != 0) {
            msgpack_pack_nil(&req->pk);
            continue;
        }
        gl_notification_pack(&req->pk, &note);
    }
    (void)total;
    msgpack_zone_destroy(&scratch);
    return 0;
}

int m_notify_read(struct gl_req *req, struct gl_txn *t)
{
    int64_t *ids = NULL;
    size_t n = 0;
    req_ids(req, "ids", &ids, &n);
    size_t marked = 0;
    for (size_t i = 0; i < n; i++) {
        if (ids[i] <= 0 || ids[i] > UINT32_MAX) continue;
        if (notify_set_flag(t, req->user, (uint32_t)ids[i], NOTIFY_READ)) marked++;
    }
    msgpack_pack_map(&req->pk, 1);
    gl_pack_kv_int(&req->pk, "marked", (int64_t)marked);
    return 0;
}
