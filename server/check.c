/* greenlightd check: reads a whole store in one read transaction (a snapshot, so it can run
 * beside a daemon that keeps writing) and reports every broken invariant it finds. */
#include "check.h"

#include <getopt.h>
#include <inttypes.h>
#include <msgpack.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storekeys.h"
#include "links.h"
#include "receipt.h"
#include "postquery.h"
#include "records.h"
#include "store.h"

#include <sodium.h>

/* Problems beyond this many are counted, not printed. */
#define MAX_PRINTED 200

struct checker {
    struct gl_store *s;
    MDB_txn *txn;
    unsigned long problems;
    unsigned long records;
    msgpack_zone zone; /* what a visit decodes, cleared after each entry */
};

static void problem(struct checker *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(struct checker *c, const char *fmt, ...)
{
    if (++c->problems > MAX_PRINTED) return;
    va_list ap;
    va_start(ap, fmt);
    fputs("greenlightd check: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static bool has_db(struct checker *c, enum gl_db db)
{
    return c->s->dbi[db] != 0;
}

static int get(struct checker *c, enum gl_db db, const struct gl_key *k, MDB_val *out)
{
    if (!has_db(c, db)) return MDB_NOTFOUND;
    MDB_val key = {k->n, (void *)k->b};
    return mdb_get(c->txn, c->s->dbi[db], &key, out);
}

/* Calls fn for every entry of db; stops early on an LMDB error, which it reports. */
typedef void (*visit_fn)(struct checker *c, enum gl_db db, const MDB_val *k, const MDB_val *v);
static void each(struct checker *c, enum gl_db db, visit_fn fn)
{
    if (!has_db(c, db)) return;
    MDB_cursor *cur;
    int rc = mdb_cursor_open(c->txn, c->s->dbi[db], &cur);
    if (rc) {
        problem(c, "%s: cannot read: %s", gl_store_db_name(db), mdb_strerror(rc));
        return;
    }
    MDB_val k, v;
    for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        c->records++;
        fn(c, db, &k, &v);
        msgpack_zone_clear(&c->zone);
    }
    if (rc != MDB_NOTFOUND)
        problem(c, "%s: cannot read: %s", gl_store_db_name(db), mdb_strerror(rc));
    mdb_cursor_close(cur);
}

/* A record is a msgpack map whose "v", when present, is a schema this daemon knows. */
static bool record_ok(struct checker *c, enum gl_db db, const char *what, const MDB_val *v)
{
    msgpack_object o;
    size_t off = 0;
    bool ok = msgpack_unpack(v->mv_data, v->mv_size, &off, &c->zone, &o) ==
                  MSGPACK_UNPACK_SUCCESS &&
              o.type == MSGPACK_OBJECT_MAP && off == v->mv_size;
    if (!ok) {
        problem(c, "%s %s: not a record", gl_store_db_name(db), what);
    } else {
        const msgpack_object *ver = gl_map_get(&o, "v");
        if (ver && (ver->type != MSGPACK_OBJECT_POSITIVE_INTEGER || ver->via.u64 == 0 ||
                    ver->via.u64 > GL_SCHEMA_VERSION)) {
            problem(c, "%s %s: unknown record version", gl_store_db_name(db), what);
            ok = false;
        }
    }
    return ok;
}

static bool id_key(struct checker *c, enum gl_db db, const MDB_val *k, uint64_t *id)
{
    if (k->mv_size != 8) {
        problem(c, "%s: key of %zu bytes, not an id", gl_store_db_name(db), k->mv_size);
        return false;
    }
    *id = key_id_decode(k->mv_data, k->mv_size);
    return true;
}

static bool exists(struct checker *c, enum gl_db db, uint64_t id)
{
    struct gl_key k;
    MDB_val v;
    key_id(&k, id);
    return get(c, db, &k, &v) == 0;
}

/* Loads post id into the visit's zone; false when missing or undecodable. */
static bool load_post(struct checker *c, uint64_t id, struct gl_post *p)
{
    struct gl_txn t = {.store = c->s, .txn = c->txn};
    return has_db(c, DB_POSTS) && gl_post_get(&t, &c->zone, id, p) == 0;
}

/* ---- the visitors: one per kind of database, given the database it reads ---- */

/* A record kept under its id (profiles, posts, links): the key is an id, the value a record,
 * and what (32 bytes) names it in messages. False, reported, when its content cannot be read. */
static bool id_record(struct checker *c, enum gl_db db, const MDB_val *k, const MDB_val *v,
                      uint64_t *id, char *what)
{
    if (!id_key(c, db, k, id)) return false;
    snprintf(what, 32, "%" PRIu64, *id);
    return record_ok(c, db, what, v);
}

/* The record decoded (rc 0) into a noun that carries the id it is kept under; reported when
 * not. carried is read only once it decoded. */
static bool decoded(struct checker *c, const char *noun, const char *what, int rc,
                    const uint64_t *carried, uint64_t id)
{
    if (rc != 0) {
        problem(c, "%s %s: does not decode", noun, what);
        return false;
    }
    if (*carried != id) {
        problem(c, "%s %s: record carries id %" PRIu64, noun, what, *carried);
        return false;
    }
    return true;
}

/* The keys of posts: the key a post has in each index, and the post a key names. The key is
 * made with the id it is looked up by, so only the fields it indexes are compared. */
static void time_key(struct gl_key *k, const struct gl_post *p, uint64_t post)
{
    key_post_time(k, p->profile, p->scheduled_at, post);
}
static uint64_t time_key_post(const MDB_val *k)
{
    uint64_t profile, post;
    int64_t at;
    key_post_time_decode(k->mv_data, k->mv_size, &profile, &at, &post);
    return post;
}
static void status_key(struct gl_key *k, const struct gl_post *p, uint64_t post)
{
    key_post_status(k, p->status, p->scheduled_at, post);
}
static uint64_t status_key_post(const MDB_val *k)
{
    unsigned status;
    uint64_t post;
    int64_t at;
    key_post_status_decode(k->mv_data, k->mv_size, &status, &at, &post);
    return post;
}

static void visit_user(struct checker *c, enum gl_db db, const MDB_val *k, const MDB_val *v)
{
    char what[GL_MAX_NAME + 16];
    snprintf(what, sizeof what, "'%.*s'", (int)(k->mv_size < GL_MAX_NAME ? k->mv_size : GL_MAX_NAME),
             (const char *)k->mv_data);
    if (!record_ok(c, db, what, v)) return;
    struct gl_user u;
    if (gl_user_decode(v, &c->zone, &u) != 0)
        problem(c, "users %s: does not decode as a user", what);
    else if (strlen(u.name) != k->mv_size || memcmp(u.name, k->mv_data, k->mv_size) != 0)
        problem(c, "users %s: record names '%s'", what, u.name);
}

static void visit_profile(struct checker *c, enum gl_db db, const MDB_val *k, const MDB_val *v)
{
    uint64_t id;
    char what[32];
    if (!id_record(c, db, k, v, &id, what)) return;
    struct gl_profile p;
    decoded(c, "profile", what, gl_profile_decode(v, &c->zone, &p), &p.id, id);
}

/* posts: each id maps to the posts_by_time key that holds its record (store.h). */
static void visit_post(struct checker *c, enum gl_db db, const MDB_val *k, const MDB_val *v)
{
    uint64_t id;
    if (!id_key(c, db, k, &id)) return;
    uint64_t profile, post = 0;
    int64_t at;
    if (v->mv_size == GL_POST_TIME_KEY_SIZE)
        key_post_time_decode(v->mv_data, v->mv_size, &profile, &at, &post);
    if (post != id) {
        problem(c, "post %" PRIu64 ": its entry in posts is not its posts_by_time key", id);
        return;
    }
    struct gl_key at_key;
    MDB_val rec;
    key_bytes(&at_key, v->mv_data, v->mv_size);
    if (get(c, DB_POSTS_BY_TIME, &at_key, &rec) != 0)
        problem(c, "post %" PRIu64 ": missing from posts_by_time", id);
}

/* posts_by_time: the records, each under the key its own profile, time and id make, each
 * mapped back by posts and indexed by status. */
static void visit_post_record(struct checker *c, enum gl_db db, const MDB_val *k,
                              const MDB_val *v)
{
    if (k->mv_size != GL_POST_TIME_KEY_SIZE) {
        problem(c, "%s: key of %zu bytes", gl_store_db_name(db), k->mv_size);
        return;
    }
    uint64_t id = time_key_post(k);
    char what[32];
    snprintf(what, sizeof what, "%" PRIu64, id);
    if (!record_ok(c, db, what, v)) return;
    struct gl_post p;
    if (!decoded(c, "post", what, gl_post_decode(v, &c->zone, &p), &p.id, id)) return;
    if (!exists(c, DB_PROFILES, p.profile))
        problem(c, "post %s: profile %" PRIu64 " does not exist", what, p.profile);
    struct gl_key want;
    time_key(&want, &p, id);
    if (want.n != k->mv_size || memcmp(want.b, k->mv_data, want.n) != 0) {
        problem(c, "posts_by_time: entry for post %s does not match it", what);
        return;
    }
    struct gl_txn t = {.store = c->s, .txn = c->txn};
    struct gl_key where;
    if (gl_post_where(&t, id, &where) != 0 || where.n != k->mv_size ||
        memcmp(where.b, k->mv_data, where.n) != 0)
        problem(c, "post %s: posts does not map it to its record", what);
    MDB_val iv;
    status_key(&want, &p, id);
    if (get(c, DB_POSTS_BY_STATUS, &want, &iv) != 0)
        problem(c, "post %s: missing from posts_by_status", what);
}

/* posts_by_status: each entry names a post that has that very key. */
static void visit_post_index(struct checker *c, enum gl_db db, const MDB_val *k, const MDB_val *v)
{
    (void)v;
    const char *name = gl_store_db_name(db);
    if (k->mv_size != GL_POST_STATUS_KEY_SIZE) {
        problem(c, "%s: key of %zu bytes", name, k->mv_size);
        return;
    }
    uint64_t post = status_key_post(k);
    struct gl_post p;
    struct gl_key want;
    if (!load_post(c, post, &p)) {
        problem(c, "%s: entry for post %" PRIu64 ", which does not exist", name, post);
    } else {
        status_key(&want, &p, post);
        if (want.n != k->mv_size || memcmp(want.b, k->mv_data, want.n) != 0)
            problem(c, "%s: entry for post %" PRIu64 " does not match it", name, post);
    }
}

/* History, comments and revisions: (post, seq) keys of an existing post. */
static void visit_child(struct checker *c, enum gl_db db, const MDB_val *k, const MDB_val *v)
{
    if (k->mv_size != 12) {
        problem(c, "%s: key of %zu bytes", gl_store_db_name(db), k->mv_size);
        return;
    }
    uint64_t post;
    uint32_t seq;
    key_child_decode(k->mv_data, k->mv_size, &post, &seq);
    char what[48];
    snprintf(what, sizeof what, "(%" PRIu64 ", %" PRIu32 ")", post, seq);
    if (!exists(c, DB_POSTS, post))
        problem(c, "%s %s: post %" PRIu64 " does not exist", gl_store_db_name(db), what, post);
    record_ok(c, db, what, v);
}

static void visit_link(struct checker *c, enum gl_db db, const MDB_val *k, const MDB_val *v)
{
    uint64_t id;
    char what[32];
    if (!id_record(c, db, k, v, &id, what)) return;
    struct gl_link l;
    if (decoded(c, "link", what, gl_link_decode(v, &c->zone, &l), &l.id, id)) {
        if (!exists(c, DB_PROFILES, l.profile))
            problem(c, "link %s: profile %" PRIu64 " does not exist", what, l.profile);
        /* A live link is reachable by its token; a revoked one must not be. */
        struct gl_key tk;
        MDB_val tv;
        key_bytes(&tk, l.token_hash, GL_HASH_BYTES);
        bool indexed = get(c, DB_LINKS_BY_TOKEN, &tk, &tv) == 0 && tv.mv_size == 8 &&
                       key_id_decode(tv.mv_data, 8) == id;
        if (!l.revoked && !indexed) problem(c, "link %s: missing from links_by_token", what);
        /* A revoked link keeps its tokens indexed (its address says it was withdrawn);
         * gl_link_by_token opens none of them. */
    }
}

static void visit_token(struct checker *c, enum gl_db db, const MDB_val *k, const MDB_val *v)
{
    (void)db;
    if (k->mv_size != GL_HASH_BYTES || v->mv_size != 8) {
        problem(c, "links_by_token: entry of %zu/%zu bytes", k->mv_size, v->mv_size);
        return;
    }
    uint64_t id = key_id_decode(v->mv_data, 8);
    struct gl_key lk;
    MDB_val lv;
    key_id(&lk, id);
    struct gl_link l;
    if (get(c, DB_LINKS, &lk, &lv) != 0 || gl_link_decode(&lv, &c->zone, &l) != 0)
        problem(c, "links_by_token: entry for link %" PRIu64 ", which does not exist", id);
    else if (memcmp(l.token_hash, k->mv_data, GL_HASH_BYTES) != 0 &&
             !gl_link_is_old_token(&l, k->mv_data))
        problem(c, "links_by_token: stale entry for link %" PRIu64, id);
}

/* Sessions, media, notifications, what visitors saw: only that each is a record. */
static void visit_plain(struct checker *c, enum gl_db db, const MDB_val *k, const MDB_val *v)
{
    (void)k;
    char what[32];
    snprintf(what, sizeof what, "entry %lu", c->records);
    record_ok(c, db, what, v);
}

/* What each database is checked with (none: only that it is there, or made at start). */
static const visit_fn visitors[DB_COUNT] = {
    [DB_USERS] = visit_user,
    [DB_PROFILES] = visit_profile,
    [DB_POSTS] = visit_post,
    [DB_POSTS_BY_TIME] = visit_post_record,
    [DB_POSTS_BY_STATUS] = visit_post_index,
    [DB_REVISIONS] = visit_child,
    [DB_HISTORY] = visit_child,
    [DB_COMMENTS] = visit_child,
    [DB_LINKS] = visit_link,
    [DB_LINKS_BY_TOKEN] = visit_token,
    [DB_SESSIONS] = visit_plain,
    [DB_MEDIA] = visit_plain,
    [DB_NOTIFICATIONS] = visit_plain,
    [DB_LINK_SEEN] = visit_plain,
};

/* Databases a daemon creates at its start when they are not there: a store last opened by an
 * older daemon lacks them, and is not broken for it. */
static bool made_at_start(enum gl_db db)
{
    static const enum gl_db later[] = {DB_RECEIPTS, DB_RECEIPT_KEYS, DB_WEBHOOKS,
                                       DB_WEBHOOK_OUTBOX, DB_WEBHOOK_DUE, DB_MAIL_OUTBOX};
    for (size_t i = 0; i < sizeof later / sizeof later[0]; i++)
        if (later[i] == db) return true;
    return false;
}

/* Each profile's receipt chain: seq 1, 2, 3... with no gap, each prev the hash of the one
 * before (the first's all zero), each signature valid under its key. */
struct chain_check {
    struct checker *c;
    struct gl_txn *t;
    int64_t profile, seq;
    unsigned char hash[GL_RECEIPT_HASH];
};

static int chain_visit(const struct gl_receipt *r, const struct gl_shown *shown, void *arg)
{
    (void)shown;
    struct chain_check *ch = arg;
    struct checker *c = ch->c;
    static const unsigned char zero[GL_RECEIPT_HASH];
    c->records++;
    if (r->profile != ch->profile) {
        ch->profile = r->profile;
        ch->seq = 0;
        memcpy(ch->hash, zero, sizeof zero);
    }
    if (r->seq != ch->seq + 1)
        problem(c, "receipts: profile %" PRId64 " receipt %" PRId64 " follows %" PRId64
                   " (chain broken)", r->profile, r->seq, ch->seq);
    else if (sodium_memcmp(r->prev, ch->hash, sizeof ch->hash) != 0)
        problem(c, "receipts: profile %" PRId64 " receipt %" PRId64
                   ": prev is not the hash of the one before (chain broken)", r->profile, r->seq);
    msgpack_sbuffer body;
    msgpack_sbuffer_init(&body);
    receipt_encode(r, &body);
    unsigned char pk[32], hash[GL_RECEIPT_HASH];
    crypto_hash_sha256(hash, (const unsigned char *)body.data, body.size);
    if (r->key < 0 || r->key > UINT32_MAX || receipt_key_public(ch->t, (uint32_t)r->key, pk) != 0)
        problem(c, "receipts: profile %" PRId64 " receipt %" PRId64 ": no key %" PRId64,
                r->profile, r->seq, r->key);
    else if (crypto_sign_verify_detached(r->sig, (const unsigned char *)body.data, body.size, pk))
        problem(c, "receipts: profile %" PRId64 " receipt %" PRId64 ": bad signature",
                r->profile, r->seq);
    else if (sodium_memcmp(hash, r->hash, sizeof hash) != 0)
        problem(c, "receipts: profile %" PRId64 " receipt %" PRId64
                   ": stored hash does not match its content", r->profile, r->seq);
    msgpack_sbuffer_destroy(&body);
    ch->seq = r->seq;
    memcpy(ch->hash, hash, sizeof hash);
    return 0;
}

static void check_receipts(struct checker *c)
{
    if (!has_db(c, DB_RECEIPTS)) return;
    struct gl_txn t = {.store = c->s, .txn = c->txn};
    struct chain_check ch = {.c = c, .t = &t, .profile = -1};
    struct gl_receipt_filter f = {.from = INT64_MIN, .to = INT64_MAX};
    msgpack_zone z;
    msgpack_zone_init(&z, 4096);
    if (receipt_each(&t, &z, &f, chain_visit, &ch) != 0)
        problem(c, "receipts: cannot read: %s", mdb_strerror(t.rc ? t.rc : MDB_CORRUPTED));
    msgpack_zone_destroy(&z);
}

/* The store's schema version, 0 when it has none this daemon knows. */
static unsigned check_schema(struct checker *c)
{
    if (!has_db(c, DB_META)) return 0;
    struct gl_key k;
    MDB_val v;
    key_bytes(&k, "schema", 6);
    int rc = get(c, DB_META, &k, &v);
    if (rc) {
        problem(c, "meta: no schema version");
        return 0;
    }
    unsigned version = v.mv_size == 1 ? *(unsigned char *)v.mv_data : 0;
    if (version == 0 || version > GL_SCHEMA_VERSION) {
        problem(c, "meta: unknown schema version");
        return 0;
    }
    if (version < GL_SCHEMA_VERSION)
        /* Not a problem: the daemon migrates it at its next start. */
        printf("schema %u (the daemon will migrate it to %d at start)\n", version,
               GL_SCHEMA_VERSION);
    return version;
}

/* Before schema 4 (migrate.c's step from 3), posts held the records and the time index
 * nothing: those three are read as this daemon keeps them, so a store not yet migrated has
 * them checked once it is. */
#define SCHEMA_RECORDS_IN_TIME_INDEX 4
static bool checked_at(enum gl_db db, unsigned version)
{
    return version >= SCHEMA_RECORDS_IN_TIME_INDEX || (db != DB_POSTS && db != DB_POSTS_BY_TIME && db != DB_POSTS_BY_STATUS);
}

static void usage(FILE *out)
{
    fprintf(out, "usage: greenlightd check --data DIR\n"
                 "Verifies the store's invariants; exits 0 when consistent, 1 when not.\n");
}

int gl_check_main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"data", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *dir = NULL;
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (ch) {
        case 'd': dir = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (!dir || optind < argc) {
        usage(stderr);
        return 2;
    }
    struct gl_store s;
    struct gl_err err = {0};
    if (gl_store_open_readonly(&s, dir, &err) != 0) {
        fprintf(stderr, "greenlightd check: %s\n", err.message);
        return 2;
    }
    struct checker c = {.s = &s};
    int rc = mdb_txn_begin(s.env, NULL, MDB_RDONLY, &c.txn);
    if (rc == MDB_MAP_RESIZED) {
        /* The daemon grew the map since we opened: adopt its size. */
        mdb_env_set_mapsize(s.env, 0);
        rc = mdb_txn_begin(s.env, NULL, MDB_RDONLY, &c.txn);
    }
    if (rc) {
        fprintf(stderr, "greenlightd check: cannot read %s: %s\n", dir, mdb_strerror(rc));
        gl_store_close(&s);
        return 2;
    }
    msgpack_zone_init(&c.zone, 512);
    for (int db = 0; db < DB_COUNT; db++)
        if (!has_db(&c, db) && !made_at_start(db))
            problem(&c, "database %s is missing", gl_store_db_name(db));
    unsigned version = check_schema(&c);
    for (int db = 0; db < DB_COUNT; db++)
        if (visitors[db] && checked_at(db, version)) each(&c, db, visitors[db]);
    check_receipts(&c);
    mdb_txn_abort(c.txn);
    msgpack_zone_destroy(&c.zone);
    gl_store_close(&s);
    if (c.problems > MAX_PRINTED)
        fprintf(stderr, "greenlightd check: ... and %lu more\n", c.problems - MAX_PRINTED);
    if (c.problems) {
        printf("%s: %lu problem%s in %lu entries\n", dir, c.problems, c.problems == 1 ? "" : "s",
               c.records);
        return 1;
    }
    printf("%s: consistent, %lu entries\n", dir, c.records);
    return 0;
}
