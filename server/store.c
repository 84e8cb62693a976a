/* The LMDB store: environment, named databases, sticky-error transactions, ranges. */
#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "migrate.h"

static const char *const db_names[DB_COUNT] = {
    [DB_META] = "meta",
    [DB_USERS] = "users",
    [DB_PROFILES] = "profiles",
    [DB_POSTS] = "posts",
    [DB_POSTS_BY_TIME] = "posts_by_time",
    [DB_POSTS_BY_STATUS] = "posts_by_status",
    [DB_REVISIONS] = "revisions",
    [DB_HISTORY] = "history",
    [DB_COMMENTS] = "comments",
    [DB_LINKS] = "links",
    [DB_LINKS_BY_TOKEN] = "links_by_token",
    [DB_SESSIONS] = "sessions",
    [DB_MEDIA] = "media",
    [DB_NOTIFICATIONS] = "notifications",
    [DB_LINK_SEEN] = "link_seen",
    [DB_RECEIPTS] = "receipts",
    [DB_RECEIPT_KEYS] = "receipt_keys",
    [DB_WEBHOOKS] = "webhooks",
    [DB_WEBHOOK_OUTBOX] = "webhook_outbox",
    [DB_WEBHOOK_DUE] = "webhook_due",
    [DB_MAIL_OUTBOX] = "mail_outbox",
};

/* LMDB 0.9.24's default map is 1 MiB; start at 256 MiB (only address space until used) and
 * double on MDB_MAP_FULL. */
#define GL_MAPSIZE_INITIAL ((size_t)256 << 20)

/* Testing and operations knobs (docs/hardening.md): GREENLIGHT_MAP_SIZE_MIB, the map's size at
 * start; GREENLIGHT_MAP_MAX_MIB, a size it never grows past (a full map then answers writers
 * "unavailable"). 0 when unset or not a positive number of MiB. */
static size_t env_mib(const char *name)
{
    const char *v = getenv(name);
    if (!v || !*v) return 0;
    char *end;
    unsigned long long n = strtoull(v, &end, 10);
    if (*end || n == 0 || n > ((size_t)-1 >> 20)) return 0;
    return (size_t)n << 20;
}

int gl_store_open(struct gl_store *s, const char *dir, struct gl_err *err)
{
    memset(s, 0, sizeof *s);
    s->owner = pthread_self();
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        gl_err_set(err, GL_E_INTERNAL, "cannot create %s: %s", dir, strerror(errno));
        return -1;
    }
    int rc = mdb_env_create(&s->env);
    if (rc) goto fail;
    mdb_env_set_maxdbs(s->env, DB_COUNT + 4);
    mdb_env_set_maxreaders(s->env, 126);
    rc = mdb_env_open(s->env, dir, MDB_NOTLS, 0600);
    if (rc) goto fail;
    /* Keep a larger map a previous run grew to. */
    MDB_envinfo info;
    mdb_env_info(s->env, &info);
    size_t initial = env_mib("GREENLIGHT_MAP_SIZE_MIB");
    if (!initial) initial = GL_MAPSIZE_INITIAL;
    s->mapsize = info.me_mapsize > initial ? info.me_mapsize : initial;
    s->mapmax = env_mib("GREENLIGHT_MAP_MAX_MIB");
    rc = mdb_env_set_mapsize(s->env, s->mapsize);
    if (rc) goto fail;
    /* Readers left behind by a killed process would pin old pages forever. */
    int dead = 0;
    mdb_reader_check(s->env, &dead);
    if (dead) log_info("store: cleared stale readers count=%d", dead);

    MDB_txn *txn;
    rc = mdb_txn_begin(s->env, NULL, 0, &txn);
    if (rc) goto fail;
    for (int i = 0; i < DB_COUNT; i++) {
        rc = mdb_dbi_open(txn, db_names[i], MDB_CREATE, &s->dbi[i]);
        if (rc) {
            mdb_txn_abort(txn);
            goto fail;
        }
    }
    MDB_val k = {6, "schema"}, v;
    rc = mdb_get(txn, s->dbi[DB_META], &k, &v);
    if (rc == MDB_NOTFOUND) {
        unsigned char ver = GL_SCHEMA_VERSION;
        v.mv_size = 1;
        v.mv_data = &ver;
        rc = mdb_put(txn, s->dbi[DB_META], &k, &v, 0);
    } else if (rc == 0 && (v.mv_size != 1 || *(unsigned char *)v.mv_data > GL_SCHEMA_VERSION)) {
        mdb_txn_abort(txn);
        gl_err_set(err, GL_E_INTERNAL, "store in %s has a newer schema than this daemon", dir);
        mdb_env_close(s->env);
        s->env = NULL;
        return -1;
    } else if (rc == 0 && *(unsigned char *)v.mv_data < GL_SCHEMA_VERSION) {
        /* An older store: upgraded in this same transaction, before anything is served. */
        rc = gl_migrate(s, txn, *(unsigned char *)v.mv_data);
    }
    if (rc) {
        mdb_txn_abort(txn);
        goto fail;
    }
    rc = mdb_txn_commit(txn);
    if (rc) goto fail;
    return 0;
fail:
    gl_err_set(err, GL_E_INTERNAL, "cannot open store in %s: %s", dir, mdb_strerror(rc));
    if (s->env) mdb_env_close(s->env);
    s->env = NULL;
    return -1;
}

int gl_store_open_readonly(struct gl_store *s, const char *dir, struct gl_err *err)
{
    memset(s, 0, sizeof *s);
    s->owner = pthread_self();
    struct stat st;
    if (stat(dir, &st) != 0) {
        gl_err_set(err, GL_E_INTERNAL, "cannot open store in %s: %s", dir, strerror(errno));
        return -1;
    }
    MDB_txn *txn = NULL;
    int rc = mdb_env_create(&s->env);
    if (rc) goto fail;
    mdb_env_set_maxdbs(s->env, DB_COUNT + 4);
    mdb_env_set_maxreaders(s->env, 126);
    rc = mdb_env_open(s->env, dir, MDB_NOTLS | MDB_RDONLY, 0600);
    if (rc) goto fail;
    rc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, &txn);
    if (rc) goto fail;
    for (int i = 0; i < DB_COUNT; i++) {
        rc = mdb_dbi_open(txn, db_names[i], 0, &s->dbi[i]);
        if (rc == MDB_NOTFOUND) s->dbi[i] = 0;
        else if (rc) goto fail;
    }
    /* Handles opened in a read transaction stay valid once it commits. */
    rc = mdb_txn_commit(txn);
    txn = NULL;
    if (rc) goto fail;
    return 0;
fail:
    if (txn) mdb_txn_abort(txn);
    gl_err_set(err, GL_E_INTERNAL, "cannot open store in %s: %s", dir, mdb_strerror(rc));
    if (s->env) mdb_env_close(s->env);
    s->env = NULL;
    return -1;
}

const char *gl_store_db_name(enum gl_db db)
{
    return db_names[db];
}

void gl_store_close(struct gl_store *s)
{
    if (!s->env) return;
    if (s->rtxn) mdb_txn_abort(s->rtxn);
    s->rtxn = NULL;
    mdb_env_close(s->env);
    s->env = NULL;
}

/* A transaction opened on the thread pool could overlap gl_store_grow: a bug, caught here
 * rather than left to corrupt the map. */
static void on_owner_thread(const struct gl_store *s)
{
    if (pthread_equal(pthread_self(), s->owner)) return;
    log_error("store: a transaction was opened off the loop thread");
    abort();
}

int gl_store_grow(struct gl_store *s)
{
    on_owner_thread(s);
    /* A reset read transaction holds no snapshot, but LMDB wants none around at all. */
    if (s->rtxn) {
        mdb_txn_abort(s->rtxn);
        s->rtxn = NULL;
    }
    size_t next = s->mapsize * 2;
    if (s->mapmax && next > s->mapmax) {
        if (s->mapsize >= s->mapmax) return MDB_MAP_FULL;
        next = s->mapmax;
    }
    int rc = mdb_env_set_mapsize(s->env, next);
    if (rc) return rc;
    log_info("store: map grown size_mib=%zu", next >> 20);
    s->mapsize = next;
    return 0;
}

bool gl_store_rc_is_full(int rc)
{
    return rc == MDB_MAP_FULL || rc == ENOSPC || rc == EIO || rc == EDQUOT || rc == EFBIG;
}

void gl_store_write_error(int rc, struct gl_err *err)
{
    if (gl_store_rc_is_full(rc))
        gl_err_set(err, GL_E_UNAVAILABLE,
                   "the store is full or the disk failed; nothing was written");
    else
        gl_err_set(err, GL_E_UNAVAILABLE, "store error: %s; nothing was written", mdb_strerror(rc));
}

int gl_store_read_begin(struct gl_store *s, struct gl_txn *t)
{
    on_owner_thread(s);
    t->store = s;
    t->rc = 0;
    if (s->rtxn) {
        t->rc = mdb_txn_renew(s->rtxn);
        if (t->rc) {
            mdb_txn_abort(s->rtxn);
            s->rtxn = NULL;
        }
    }
    if (!s->rtxn) t->rc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, &s->rtxn);
    t->txn = t->rc ? NULL : s->rtxn;
    return t->rc;
}

void gl_store_read_end(struct gl_txn *t)
{
    if (t->txn) mdb_txn_reset(t->txn);
    t->txn = NULL;
}

int gl_get(struct gl_txn *t, enum gl_db db, const struct gl_key *k, MDB_val *out)
{
    if (t->rc) return t->rc;
    MDB_val key = {k->n, (void *)k->b};
    int rc = mdb_get(t->txn, t->store->dbi[db], &key, out);
    if (rc && rc != MDB_NOTFOUND) t->rc = rc;
    return rc;
}

void gl_put(struct gl_txn *t, enum gl_db db, const struct gl_key *k, const void *data, size_t n)
{
    if (t->rc) return;
    MDB_val key = {k->n, (void *)k->b};
    MDB_val val = {n, (void *)data};
    t->rc = mdb_put(t->txn, t->store->dbi[db], &key, &val, 0);
}

void gl_del(struct gl_txn *t, enum gl_db db, const struct gl_key *k)
{
    if (t->rc) return;
    MDB_val key = {k->n, (void *)k->b};
    int rc = mdb_del(t->txn, t->store->dbi[db], &key, NULL);
    if (rc && rc != MDB_NOTFOUND) t->rc = rc;
}

uint64_t gl_next_id(struct gl_txn *t, enum gl_db db)
{
    if (t->rc) return 0;
    MDB_cursor *cur;
    t->rc = mdb_cursor_open(t->txn, t->store->dbi[db], &cur);
    if (t->rc) return 0;
    MDB_val k, v;
    uint64_t id = 1;
    int rc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
    if (rc == 0)
        id = key_id_decode(k.mv_data, k.mv_size) + 1;
    else if (rc != MDB_NOTFOUND)
        t->rc = rc;
    mdb_cursor_close(cur);
    return id;
}

uint32_t gl_next_seq(struct gl_txn *t, enum gl_db db, uint64_t parent)
{
    if (t->rc) return 0;
    MDB_cursor *cur;
    t->rc = mdb_cursor_open(t->txn, t->store->dbi[db], &cur);
    if (t->rc) return 0;
    /* Position just past the parent's last possible key, then step back one. */
    struct gl_key k;
    key_child(&k, parent, UINT32_MAX);
    MDB_val key = {k.n, k.b}, v;
    uint32_t seq = 1;
    int rc = mdb_cursor_get(cur, &key, &v, MDB_SET_RANGE);
    if (rc == 0 || rc == MDB_NOTFOUND) {
        rc = mdb_cursor_get(cur, &key, &v, rc == 0 ? MDB_PREV : MDB_LAST);
        if (rc == 0) {
            uint64_t p;
            uint32_t s;
            key_child_decode(key.mv_data, key.mv_size, &p, &s);
            if (p == parent) seq = s + 1;
        }
    }
    /* An exact hit on UINT32_MAX would mean 4 billion children: not reachable. */
    if (rc && rc != MDB_NOTFOUND) t->rc = rc;
    mdb_cursor_close(cur);
    return seq;
}

int gl_range_open(struct gl_txn *t, enum gl_db db, const struct gl_key *lo,
                  const struct gl_key *hi, struct gl_range *r)
{
    memset(r, 0, sizeof *r);
    if (t->rc) return t->rc;
    int rc = mdb_cursor_open(t->txn, t->store->dbi[db], &r->cur);
    if (rc) {
        t->rc = rc;
        r->cur = NULL;
        return rc;
    }
    r->lo = *lo;
    r->hi = *hi;
    return 0;
}

static int keycmp(const MDB_val *a, const struct gl_key *b)
{
    size_t n = a->mv_size < b->n ? a->mv_size : b->n;
    int c = memcmp(a->mv_data, b->b, n);
    if (c) return c;
    return a->mv_size < b->n ? -1 : a->mv_size > b->n;
}

bool gl_range_next(struct gl_range *r, MDB_val *key, MDB_val *val)
{
    if (!r->cur) return false;
    int rc;
    if (!r->started) {
        r->started = true;
        key->mv_size = r->lo.n;
        key->mv_data = r->lo.b;
        rc = mdb_cursor_get(r->cur, key, val, MDB_SET_RANGE);
    } else {
        rc = mdb_cursor_get(r->cur, key, val, MDB_NEXT);
    }
    if (rc) return false;
    return keycmp(key, &r->hi) < 0;
}

void gl_range_close(struct gl_range *r)
{
    if (r->cur) mdb_cursor_close(r->cur);
    r->cur = NULL;
}
