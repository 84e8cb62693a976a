/* The LMDB store: one environment, every named database opened once at start, and a write
 * transaction with a sticky error so a handler checks once, at the end. */
#ifndef GL_STORE_H
#define GL_STORE_H

#include <lmdb.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "storekeys.h"
#include "rpc.h"

/* Bump with a step in migrate.c that brings a store of the previous version up to it. */
#define GL_SCHEMA_VERSION 4

enum gl_db {
    DB_META,             /* "schema" -> version; misc. counters */
    DB_USERS,            /* user name -> user record */
    DB_PROFILES,         /* id -> profile record */
    DB_POSTS,            /* id -> the post's posts_by_time key (where its record is) */
    DB_POSTS_BY_TIME,    /* (profile, scheduled_at, id) -> post record: a month is a range */
    DB_POSTS_BY_STATUS,  /* (status, scheduled_at, id) -> "" */
    DB_REVISIONS,        /* (post, revision) -> earlier revision's content */
    DB_HISTORY,          /* (post, seq) -> history entry */
    DB_COMMENTS,         /* (post, seq) -> comment */
    DB_LINKS,            /* id -> link record */
    DB_LINKS_BY_TOKEN,   /* sha256(token) -> link id */
    DB_SESSIONS,         /* sha256(cookie) -> session record */
    DB_MEDIA,            /* id -> media record */
    DB_NOTIFICATIONS,    /* (user hash, seq) -> notification */
    DB_LINK_SEEN,        /* (link, post, visitor name) -> what the visitor last saw */
    DB_RECEIPTS,         /* (profile, seq) -> signed receipt of a decision (receipt.h) */
    DB_RECEIPT_KEYS,     /* key id -> receipt signing key (public; secret while current) */
    DB_WEBHOOKS,         /* endpoint id -> webhook endpoint record (webhook.c) */
    DB_WEBHOOK_OUTBOX,   /* delivery id -> delivery record: every event each endpoint gets */
    DB_WEBHOOK_DUE,      /* (next attempt ms, delivery id) -> "": the pending deliveries */
    DB_MAIL_OUTBOX,      /* id -> mail not yet accepted by the mail command (mailout.c) */
    DB_COUNT
};

struct gl_store {
    MDB_env *env;
    MDB_dbi dbi[DB_COUNT];
    size_t mapsize;
    size_t mapmax; /* never grown past this (GREENLIGHT_MAP_MAX_MIB); 0: no limit */
    MDB_txn *rtxn; /* reused read transaction (reset between uses) */
    pthread_t owner; /* the thread that opened it: the only one that may read it */
};

/* Opens or creates the store in dir, upgrading an older one (gl_migrate, migrate.h). Returns
 * 0, or -1 with err set. Defined in storeopen.c, so that the store does not depend on the
 * migrations, which read and write records through records.c, which uses the store. */
int gl_store_open(struct gl_store *s, const char *dir, struct gl_err *err);
/* Brings an older store (schema version from) to GL_SCHEMA_VERSION inside txn: 0 or an LMDB
 * error. */
typedef int (*gl_store_upgrade_fn)(struct gl_store *s, MDB_txn *txn, unsigned from);
/* gl_store_open with the upgrade it runs, in the transaction that opens the store (an upgrade
 * is all or nothing). */
int gl_store_open_upgrading(struct gl_store *s, const char *dir, gl_store_upgrade_fn upgrade,
                            struct gl_err *err);
void gl_store_close(struct gl_store *s);
/* Opens an existing store without writing to it, beside a daemon that may be running (LMDB
 * serves several processes). A database the store lacks is left 0 in dbi[]. */
int gl_store_open_readonly(struct gl_store *s, const char *dir, struct gl_err *err);
/* The name of a database in the environment. */
const char *gl_store_db_name(enum gl_db db);
/* Doubles the map size. Call with no transaction active: LMDB forbids mdb_env_set_mapsize
 * while any transaction of the process is open. That holds because only the loop opens
 * transactions: thread-pool work is handed copies of what it needs (m_auth.c), and
 * gl_store_read_begin aborts on any other thread. Returns 0 or an LMDB error. */
int gl_store_grow(struct gl_store *s);
/* True for the failures that mean the store cannot take more (map at its ceiling, disk full,
 * quota, I/O error): a writer is told so in plain words, and the cause goes to the log. */
bool gl_store_rc_is_full(int rc);
/* Sets err (unavailable) for a write the store refused with rc: nothing was written. */
void gl_store_write_error(int rc, struct gl_err *err);

/* A transaction whose first failure sticks: later calls do nothing, and the caller looks at
 * rc once. rc is an LMDB or errno value; MDB_NOTFOUND from a get is returned, not stuck. */
struct gl_txn {
    struct gl_store *store;
    MDB_txn *txn;
    int rc;
};

/* Read transactions: begin, use, end. One at a time, on the thread that opened the store. */
int gl_store_read_begin(struct gl_store *s, struct gl_txn *t);
void gl_store_read_end(struct gl_txn *t);

/* Returns 0 with *out set, MDB_NOTFOUND, or the sticky error. */
int gl_get(struct gl_txn *t, enum gl_db db, const struct gl_key *k, MDB_val *out);
void gl_put(struct gl_txn *t, enum gl_db db, const struct gl_key *k, const void *data,
            size_t n);
/* Deleting what is not there is not an error. */
void gl_del(struct gl_txn *t, enum gl_db db, const struct gl_key *k);
/* The id after the largest 8-byte key of db (1 for an empty one). */
uint64_t gl_next_id(struct gl_txn *t, enum gl_db db);
/* The sequence after the largest (parent, seq) key of db for parent (1 when none). */
uint32_t gl_next_seq(struct gl_txn *t, enum gl_db db, uint64_t parent);

/* A cursor range [lo, hi) over db. */
struct gl_range {
    MDB_cursor *cur;
    struct gl_key hi;
    bool started;
    struct gl_key lo;
};
int gl_range_open(struct gl_txn *t, enum gl_db db, const struct gl_key *lo,
                  const struct gl_key *hi, struct gl_range *r);
/* Returns true with key and value set, false at the end. */
bool gl_range_next(struct gl_range *r, MDB_val *key, MDB_val *val);
void gl_range_close(struct gl_range *r);

#endif
