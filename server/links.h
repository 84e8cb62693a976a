/* External links and their visitors' sessions in the store (their records: records.h), tokens
 * (only their hash is kept), and what a visitor last saw of a post (the "what changed" view). */
#ifndef GL_LINKS_H
#define GL_LINKS_H

#include <lmdb.h>
#include <msgpack.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "records.h"
#include "store.h"

#define GL_TOKEN_BYTES 32
/* base64url of 32 bytes without padding: 43 characters. */
#define GL_TOKEN_LEN 43
#define GL_LINK_MAX_POSTS 200
#define GL_APPROVAL_TTL_DAYS 30

enum gl_link_state { LINK_ACTIVE, LINK_EXPIRED, LINK_REVOKED };
enum gl_link_state gl_link_state(const struct gl_link *l, int64_t now);
const char *gl_link_state_name(enum gl_link_state s);

/* Wire form for link.list. */
void gl_link_pack(msgpack_packer *pk, const struct gl_link *l, int64_t now);

/* Writes l and, when token_hash is given, its token index entry. */
void gl_link_save(struct gl_txn *t, const struct gl_link *l);
/* Loads link id; 0, MDB_NOTFOUND or a store error. */
int gl_link_load(struct gl_txn *t, uint64_t id, msgpack_zone *z, struct gl_link *out);
/* Finds the link of a token (the text after /l/); 0 or MDB_NOTFOUND. Revoked links are not
 * indexed, so they are not found. */
int gl_link_by_token(struct gl_txn *t, const char *token, size_t n, msgpack_zone *z,
                     struct gl_link *out);

/* Why a token that opens nothing was kept: its link was replaced or withdrawn. */
enum gl_link_dead { LINK_DEAD_NONE, LINK_DEAD_REPLACED, LINK_DEAD_REVOKED };
/* The link of a token that gl_link_by_token does not open because the link was revoked or the
 * token regenerated; 0 (with *why) or MDB_NOTFOUND. Such a link opens no page: its visitor
 * learns only that, and may ask for the new one. */
int gl_link_by_dead_token(struct gl_txn *t, const char *token, size_t n, msgpack_zone *z,
                          struct gl_link *out, enum gl_link_dead *why);
/* Whether hash is one of l's replaced tokens. */
bool gl_link_is_old_token(const struct gl_link *l, const unsigned char hash[GL_HASH_BYTES]);
/* Keeps l's current token as replaced (its index entry stays) before l gets a new one; the
 * oldest beyond GL_LINK_OLD_TOKENS leaves the index. */
void gl_link_retire_token(struct gl_txn *t, struct gl_link *l, msgpack_zone *z, int64_t now);

/* A new random token (GL_TOKEN_LEN characters and a NUL) and its hash. */
void gl_token_new(char out[GL_TOKEN_LEN + 1], unsigned char hash[GL_HASH_BYTES]);
void gl_token_hash(const char *token, size_t n, unsigned char hash[GL_HASH_BYTES]);
/* A readable random password: four groups of four letters and digits, no look-alikes. */
void gl_readable_password(char out[20]);

/* The session record (records.h) under the cookie's hash. */
void gl_session_save(struct gl_txn *t, const unsigned char key_hash[GL_HASH_BYTES],
                     const struct gl_session *s);
int gl_session_load(struct gl_txn *t, const unsigned char key_hash[GL_HASH_BYTES],
                    msgpack_zone *z, struct gl_session *out);

/* What a visitor last saw of a post (records.h). */
void gl_seen_save(struct gl_txn *t, uint64_t link, const char *name, const struct gl_post *p,
                  int64_t now);
int gl_seen_load(struct gl_txn *t, uint64_t link, uint64_t post, const char *name,
                 msgpack_zone *z, struct gl_seen *out);
/* True when what the visitor saw differs from p in content or time. */
bool gl_seen_differs(const struct gl_seen *s, const struct gl_post *p);

#endif
