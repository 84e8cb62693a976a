/* External links and their visitors' sessions: records in the store, tokens (only their hash
 * is kept), and what a visitor last saw of a post (for the "what changed" view). */
#ifndef GL_LINKS_H
#define GL_LINKS_H

#include <lmdb.h>
#include <msgpack.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "records.h"
#include "store.h"

enum gl_link_kind { LINK_CALENDAR, LINK_COLLAB, LINK_APPROVAL, LINK_KIND_COUNT };
const char *gl_link_kind_name(enum gl_link_kind k);
/* Returns -1 for an unknown name. */
int gl_link_kind_parse(const char *name);

#define GL_TOKEN_BYTES 32
/* base64url of 32 bytes without padding: 43 characters. */
#define GL_TOKEN_LEN 43
#define GL_HASH_BYTES 32
#define GL_LINK_MAX_POSTS 200
#define GL_APPROVAL_TTL_DAYS 30

struct gl_link {
    uint64_t id;
    enum gl_link_kind kind;
    uint64_t profile;
    const char *approver; /* NULL when none */
    int64_t *posts;       /* chosen posts; none means every post awaiting approval */
    size_t nposts;
    const char *pwhash;   /* argon2id string, NULL when no password */
    unsigned char token_hash[GL_HASH_BYTES];
    const char *created_by;
    int64_t created_at;
    int64_t expires_at;   /* 0: never */
    bool revoked;
    int64_t revoked_at;
    int64_t last_opened;  /* 0: never */
    int64_t opens;
    int64_t requested_at; /* the last "ask for a new link", 0: never */
    uint32_t generation;  /* how many times the token was regenerated */
    /* Appended fields: records made before them read as none. */
    const char *email;    /* the approver's address the link was mailed to, NULL: none */
    int64_t mailed_at;    /* when the current URL was mailed to email, 0: never */
    int64_t reminded_at;  /* the last reminder mailed to email, 0: never */
    const char *language; /* its pages' and mails' language (i18n.h tag); NULL: the profile's */
};

enum gl_link_state { LINK_ACTIVE, LINK_EXPIRED, LINK_REVOKED };
enum gl_link_state gl_link_state(const struct gl_link *l, int64_t now);
const char *gl_link_state_name(enum gl_link_state s);

void gl_link_encode(const struct gl_link *l, msgpack_sbuffer *sb);
int gl_link_decode(const MDB_val *v, msgpack_zone *z, struct gl_link *out);
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

/* A new random token (GL_TOKEN_LEN characters and a NUL) and its hash. */
void gl_token_new(char out[GL_TOKEN_LEN + 1], unsigned char hash[GL_HASH_BYTES]);
void gl_token_hash(const char *token, size_t n, unsigned char hash[GL_HASH_BYTES]);
/* A readable random password: four groups of four letters and digits, no look-alikes. */
void gl_readable_password(char out[20]);

/* A visitor's session: who they said they are, for which link (and token generation). */
struct gl_session {
    uint64_t link;
    const char *name;
    unsigned char token_hash[GL_HASH_BYTES];
    int64_t created_at;
    int64_t expires_at;
};
void gl_session_save(struct gl_txn *t, const unsigned char key_hash[GL_HASH_BYTES],
                     const struct gl_session *s);
int gl_session_load(struct gl_txn *t, const unsigned char key_hash[GL_HASH_BYTES],
                    msgpack_zone *z, struct gl_session *out);

/* What a visitor last saw of a post. */
struct gl_seen {
    uint32_t revision;
    const char *caption;
    const char **platforms;
    size_t nplatforms;
    int64_t *media;
    size_t nmedia;
    int64_t scheduled_at;
    int64_t at;
};
void gl_seen_save(struct gl_txn *t, uint64_t link, const char *name, const struct gl_post *p,
                  int64_t now);
int gl_seen_load(struct gl_txn *t, uint64_t link, uint64_t post, const char *name,
                 msgpack_zone *z, struct gl_seen *out);
/* True when what the visitor saw differs from p in content or time. */
bool gl_seen_differs(const struct gl_seen *s, const struct gl_post *p);

#endif
