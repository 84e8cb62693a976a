/* Signed approval receipts: one per decision (approve, reject, reschedule), written in the
 * decision's own write transaction, signed with the store's Ed25519 key and chained per profile
 * by the hash of the previous receipt. The canonical encoding and the export format are in
 * protocol/README.md ("Receipts"); the one field table below makes the signed bytes, the JSON,
 * the CSV and the RPC form, so they cannot disagree. */
#ifndef GL_RECEIPT_H
#define GL_RECEIPT_H

#include <jansson.h>
#include <msgpack.h>
#include <stdbool.h>
#include <stdint.h>

#include "records.h"
#include "store.h"

struct gl_wf;
struct gl_post;

/* GL_RECEIPT_HASH, GL_RECEIPT_SIG, struct gl_shown and the stored forms of a receipt and of a
 * signing key are in records.h. */

/* The first element of the canonical array: what the bytes are, and their version. */
#define GL_RECEIPT_TAG "greenlight-receipt/1"
#define GL_SHOWN_TAG "greenlight-shown/1"

/* Kinds of field: INT always an integer; TIME an integer or nil (GL_TIME_NONE); STR a string
 * or nil (NULL); HASH 32 bytes (bin in the signed bytes, hex in JSON/CSV/RPC). */
enum gl_rfield_type { RF_INT, RF_TIME, RF_STR, RF_HASH };

/* The signed fields, in their canonical order. */
#define GL_RECEIPT_FIELDS(X)                                                                       \
    X(profile, RF_INT)                                                                             \
    X(seq, RF_INT)                                                                                 \
    X(key, RF_INT)                                                                                 \
    X(at, RF_INT)                                                                                  \
    X(post, RF_INT)                                                                                \
    X(revision, RF_INT)                                                                            \
    X(step, RF_INT)                                                                                \
    X(decision, RF_STR)                                                                            \
    X(status, RF_STR)                                                                              \
    X(scheduled_at, RF_TIME)                                                                       \
    X(shown_sha256, RF_HASH)                                                                       \
    X(decider_kind, RF_STR)                                                                        \
    X(decider, RF_STR)                                                                             \
    X(link, RF_INT)                                                                                \
    X(link_kind, RF_STR)                                                                           \
    X(approver, RF_STR)                                                                            \
    X(note, RF_STR)                                                                                \
    X(address, RF_STR)                                                                             \
    X(prev, RF_HASH)

#define GL_RF_MEMBER_RF_INT(name) int64_t name;
#define GL_RF_MEMBER_RF_TIME(name) int64_t name;
#define GL_RF_MEMBER_RF_STR(name) const char *name;
#define GL_RF_MEMBER_RF_HASH(name) unsigned char name[GL_RECEIPT_HASH];
#define GL_RF_MEMBER(name, type) GL_RF_MEMBER_##type(name)

struct gl_receipt {
    GL_RECEIPT_FIELDS(GL_RF_MEMBER)
    /* Not signed themselves: the signature over the canonical bytes, and their SHA-256 (the
     * next receipt's prev). */
    unsigned char sig[GL_RECEIPT_SIG];
    unsigned char hash[GL_RECEIPT_HASH];
};

/* ---- in the daemon ---- */

/* The decisions that get receipts. */
enum gl_decision { DECISION_APPROVE, DECISION_REJECT, DECISION_RESCHEDULE };

/* Appends the receipt of a decision on shown (the post as the decider saw it) that left after
 * (its status, time) to the profile's chain, in wf's write transaction. Failures stick in
 * wf->t, so the decision is not committed without its receipt. */
void receipt_append(struct gl_wf *wf, const struct gl_post *shown, const struct gl_post *after,
                    enum gl_decision decision, const char *note);

/* The signing keys, in the store (DB_RECEIPT_KEYS, id -> {public, secret}; DB_META
 * "receipt_key" -> the current id): so a backup holds them with the receipts they signed, and
 * a rotation is one transaction even beside a running daemon. Only the current key keeps its
 * secret. */
/* Makes the first key when there is none. Returns 0 or an LMDB error. */
int receipt_keys_ensure(struct gl_store *s);
/* Makes a new current key, dropping the old one's secret. *id gets the new id. */
int receipt_keys_rotate(struct gl_store *s, uint32_t *id);
/* The current key's id and public key, 0 or an LMDB error (MDB_NOTFOUND: none yet). */
int receipt_key_current(struct gl_txn *t, uint32_t *id, unsigned char pk[32]);
/* The public key of key id (current or retired): 0 or an LMDB error. */
int receipt_key_public(struct gl_txn *t, uint32_t id, unsigned char pk[32]);

/* ---- reading and exporting ---- */

struct gl_receipt_filter {
    uint64_t profile; /* 0: every profile */
    uint64_t post;    /* 0: every post */
    int64_t from, to; /* at in [from, to); INT64_MIN / INT64_MAX when open */
    size_t limit;     /* more receipts than this: too_large (0: no limit) */
};

/* Calls fn for each stored receipt matching f, by profile then seq. Returns 0 or the sticky
 * error. */
int receipt_each(struct gl_txn *t, msgpack_zone *z, const struct gl_receipt_filter *f,
                 int (*fn)(const struct gl_receipt *r, const struct gl_shown *shown, void *arg),
                 void *arg);

/* The export's JSON document (public keys and receipts), or NULL with err set (too_large past
 * f->limit). */
json_t *receipt_export_json(struct gl_txn *t, const struct gl_receipt_filter *f,
                            struct gl_err *err);
/* A JSON document packed as MessagePack, so receipt.list answers exactly what the export holds. */
void receipt_pack_json(msgpack_packer *pk, const json_t *j);

/* ---- the encoding, shared by signer and verifier ---- */

/* The canonical bytes of r (its signed fields, msgpack array in table order). */
void receipt_encode(const struct gl_receipt *r, msgpack_sbuffer *sb);
/* SHA-256 of the canonical encoding of what was shown. */
void receipt_shown_hash(const struct gl_shown *s, unsigned char out[GL_RECEIPT_HASH]);
/* A receipt from one element of an export's "receipts" array; -1 with why set. The strings
 * point into j. */
int receipt_from_json(const json_t *j, struct gl_receipt *r, const char **why);

#endif
