/* Records kept in the store: users, profiles, posts, history, comments, media, links, visitor
 * sessions, what a visitor saw, notifications, webhook endpoints and deliveries, queued mail,
 * approval receipts and their signing keys. Each is a msgpack map carrying the schema version
 * "v"; this module is the only one that writes or reads their fields. Decoding copies every
 * string into a msgpack zone, so a decoded record outlives its transaction and is freed with
 * the zone (its owner is whoever owns the zone).
 *
 * The records other than users, profiles, posts and media are a list of fields, an X-macro
 * X(kind, member, "key") next to their struct (GL_LINK_FIELDS, GL_HISTORY_FIELDS,
 * GL_RECEIPT_RECORD_FIELDS, ...), from which the field count, the encoder, the decoder, the
 * writer and the reader are made (RECORD_CODEC in records.c). To add a field to one of them:
 *   1. add the member to the struct, with a comment saying what "none" is;
 *   2. append a row to the list (at the end: the order is the stored order, and appending keeps
 *      the bytes of the fields before as they are). The kinds: I64, U64 (stored as a number),
 *      ID (nil when 0), U32, BOOL, STR (NULL is stored as nil), TIME (nil when GL_TIME_NONE),
 *      INTLIST, STRLIST and HASHLIST (the member and its count n<member>), HASH (GL_HASH_BYTES
 *      of binary; a record without it does not decode), LINK_KIND (by name; an unknown one does not
 *      decode), EVENTS (event bits, stored by name), SECRET (as HASH), MSGID (a string into a
 *      char array; absent or too long, the record does not decode), DLV_STATUS (by name; an
 *      unknown one reads as failed), BYTES (binary of the array member's size; a record
 *      without it does not decode), OPT_BYTES (BYTES stored only when has_<member>), BIN
 *      (binary of any size, the member and its size n<member>; required), SHOWN (what a
 *      receipt's decider saw, struct gl_shown). A new kind is a PACK_, a READ_ and a PAIRS_
 *      macro in records.c;
 *   3. a record stored before the field existed decodes it as 0, NULL, false, an empty list or
 *      GL_TIME_NONE: make that mean "none", or set the default in the record's finish function
 *      (records.c, e.g. link_finish);
 *   4. add it to the round trip in tests/unit/test_records.c; a wire form that packs the
 *      record (gl_link_pack in links.c, gl_notification_pack) says whether it shows it.
 * No migration is needed for an appended field; a changed meaning needs a step in migrate.c. */
#ifndef GL_RECORDS_H
#define GL_RECORDS_H

#include <lmdb.h>
#include <msgpack.h>
#include <stdbool.h>
#include <stdint.h>

#include "events.h"
#include "i18n.h"
#include "roles.h"
#include "statuses.h"

/* The statuses of a post: protocol/statuses.h, seen here as X(enum, wire name, the label the link
 * pages show, the CSS class of its badge). The enum values are the stored ones. */
#define GL_STATUS_ROW_(X, id, stored, name, label, cls, brief, mark) X(ST_##id, name, label, cls)
#define GL_STATUSES(X) GL_POST_STATUSES(GL_STATUS_ROW_, X)
#define GL_STATUS_ENUM_(U, id, stored, ...) ST_##id = stored,
#define GL_STATUS_ONE_(...) +1
enum gl_status {
    GL_POST_STATUSES(GL_STATUS_ENUM_, ~) ST_COUNT = 0 GL_POST_STATUSES(GL_STATUS_ONE_, ~)
};
#undef GL_STATUS_ENUM_
#undef GL_STATUS_ONE_
const char *gl_status_name(enum gl_status s);
/* The status in words ("awaiting approval") and the CSS class of its badge. */
const char *gl_status_label(enum gl_status s);
const char *gl_status_class(enum gl_status s);
/* Returns -1 for an unknown name. */
int gl_status_parse(const char *name);

/* The roles: protocol/roles.h. "none" for ROLE_NONE. */
const char *gl_role_name(enum gl_role r);
const char *gl_role_label(enum gl_role r);
const char *gl_role_may(enum gl_role r);
/* Returns ROLE_NONE for an unknown name. */
enum gl_role gl_role_parse(const char *name);

#define GL_MAX_NAME 100
#define GL_MAX_CAPTION 10000
#define GL_MAX_NOTES 5000
#define GL_MAX_COMMENT 5000
#define GL_MAX_PLATFORMS 10
#define GL_MAX_PLATFORM_LEN 32
#define GL_MAX_MEDIA 20
#define GL_MAX_EMAIL 254

/* What mail a user wants about their notifications. */
enum gl_mail { MAIL_NONE, MAIL_EACH, MAIL_DIGEST };
const char *gl_mail_name(enum gl_mail m);
int gl_mail_parse(const char *name); /* -1 for an unknown name */

struct gl_user {
    const char *name;
    enum gl_role role;
    const char *email; /* NULL when none */
    enum gl_mail mail;
    const char *pwhash;
    int64_t created_at;
    bool disabled; /* may not log in (kept: history names them) */
    /* Bumped when the password changes or the user is disabled: a connection logged in under
     * an older generation is ended (rpc_conn.c checks it at each request). */
    uint32_t session_gen;
    /* The zone mail to them is written in (an IANA name, common/tz.h); NULL: the post's
     * profile's. Appended: records made before it read as none. */
    const char *timezone;
};

/* One approval step: who may decide it is a staff role name ("editor", "manager", "admin"),
 * "approver" (the approver of an approval link; "external" in records made before it had a
 * name), "collaborator" (a visitor of a collaboration link) or "any" (a manager, or a visitor
 * of a link that decides steps at all). An approver step may name its approver: then only a
 * link made for that approver decides it. */
struct gl_step {
    const char *name;
    const char *who;
    const char *approver; /* NULL when any approver */
};
enum gl_step_kind { STEP_ROLE, STEP_APPROVER, STEP_COLLABORATOR, STEP_ANY, STEP_KIND_COUNT };
#define GL_STEP_BIT(k) (1u << (k))
/* The kind of a step from its who; -1 when who is none of the words above. */
int gl_step_kind(const char *who);
#define GL_MAX_STEPS 5

struct gl_profile {
    uint64_t id;
    const char *name;
    const char *timezone;
    const char **platforms;
    size_t nplatforms;
    bool auto_schedule;
    int week_start; /* 0 Monday, 6 Sunday */
    int64_t created_at;
    /* The approval steps, in order; none means posts are approved when submitted. A profile
     * stored before steps existed has one step decided by "any". */
    struct gl_step *steps;
    size_t nsteps;
    int64_t reminder_minutes; /* approvers are reminded this long before a post is due */
    /* The agency's brand on the link pages (server/brand.c); "" when not set. */
    const char *display_name; /* shown instead of name */
    const char *accent;       /* "#rrggbb", checked for contrast (contrast.c) */
    const char *sender_name;  /* the From name of mails to link visitors */
    uint64_t logo;            /* a media id; 0 when none */
    bool credit;              /* the small "Greenlight" credit in the footer (admin's choice) */
    const char *language;     /* its links' pages' language (i18n.h tag), NULL: the visitor's */
    /* The webhook endpoint that publishes its posts (publish_webhook.h); 0: the publisher
     * command, or none. */
    uint64_t publish_webhook;
};

struct gl_approval {
    uint32_t step;
    bool approved; /* false: rejected */
    const char *by;
    uint64_t link; /* 0 when a staff decision */
    int64_t at;
    uint32_t revision;
};

struct gl_post {
    uint64_t id;
    uint64_t profile;
    const char *caption;
    const char **platforms;
    size_t nplatforms;
    int64_t scheduled_at; /* GL_TIME_NONE when not set */
    const char *notes;
    int64_t *media;
    size_t nmedia;
    enum gl_status status;
    uint32_t revision;
    bool rev_open; /* the current revision has not been sent for approval yet */
    const char *creator;
    int64_t created_at;
    int64_t updated_at;
    uint32_t comment_count;
    struct gl_approval *approvals; /* decisions on the current revision */
    size_t napprovals;
    bool overdue;  /* its time came while it still awaited approval: held */
    bool reminded; /* approvers were reminded that it is due soon */
};

/* A history entry of a post (DB_HISTORY, keyed (post, seq)). Strings may be NULL. */
struct gl_history {
    uint32_t seq;
    const char *type; /* a name of GL_HISTORY_TYPES (protocol/events.h) */
    int64_t at;
    const char *actor;
    const char *actor_kind; /* staff, external, system */
    uint64_t link;          /* 0: not through a link */
    const char *address;    /* an external actor's address */
    const char *note;
    uint32_t revision;
    uint32_t step;        /* the approval step decided; 0: none */
    const char *from;     /* the status before */
    const char *to;       /* the status after */
    int64_t scheduled_at; /* GL_TIME_NONE: none */
};
#define GL_HISTORY_FIELDS(X)                                                                       \
    X(U32, seq, "seq")                                                                             \
    X(STR, type, "type")                                                                           \
    X(I64, at, "at")                                                                               \
    X(STR, actor, "actor")                                                                         \
    X(STR, actor_kind, "actor_kind")                                                               \
    X(ID, link, "link")                                                                            \
    X(STR, address, "address")                                                                     \
    X(STR, note, "note")                                                                           \
    X(U32, revision, "revision")                                                                   \
    X(ID, step, "step")                                                                            \
    X(STR, from, "from")                                                                           \
    X(STR, to, "to")                                                                               \
    X(TIME, scheduled_at, "scheduled_at")

/* A comment on a post (DB_COMMENTS, keyed (post, id)). */
struct gl_comment {
    uint32_t id;
    const char *author;
    const char *author_kind; /* staff, external */
    uint64_t link;
    const char *text;
    bool shared; /* seen through links too; else internal to the team */
    int64_t at;
};
#define GL_COMMENT_FIELDS(X)                                                                       \
    X(U32, id, "id")                                                                               \
    X(STR, author, "author")                                                                       \
    X(STR, author_kind, "author_kind")                                                             \
    X(ID, link, "link")                                                                            \
    X(STR, text, "text")                                                                           \
    X(BOOL, shared, "shared")                                                                      \
    X(I64, at, "at")

/* Encoders append one record to sb; a record made from a field list also has gl_<name>_put,
 * which writes it under a key of its database. */
void gl_history_encode(const struct gl_history *h, msgpack_sbuffer *sb);
void gl_comment_encode(const struct gl_comment *c, msgpack_sbuffer *sb);
void gl_user_encode(const struct gl_user *u, msgpack_sbuffer *sb);
void gl_profile_encode(const struct gl_profile *p, msgpack_sbuffer *sb);
void gl_post_encode(const struct gl_post *p, msgpack_sbuffer *sb);
/* Decoders return 0, or -1 when the bytes are not a record of that kind. */
int gl_user_decode(const MDB_val *v, msgpack_zone *z, struct gl_user *out);
int gl_profile_decode(const MDB_val *v, msgpack_zone *z, struct gl_profile *out);
int gl_post_decode(const MDB_val *v, msgpack_zone *z, struct gl_post *out);
int gl_history_decode(const MDB_val *v, msgpack_zone *z, struct gl_history *out);
int gl_comment_decode(const MDB_val *v, msgpack_zone *z, struct gl_comment *out);
struct gl_txn;
struct gl_key;
void gl_comment_put(struct gl_txn *t, const struct gl_key *k, const struct gl_comment *c);
void gl_history_put(struct gl_txn *t, const struct gl_key *k, const struct gl_history *h);

struct gl_txn;
/* The history entries (comments) of post, oldest first, decoded into z; damaged ones are
 * skipped. fn returns false to stop. -1 when the store could not be read (t->rc). */
int gl_history_each(struct gl_txn *t, msgpack_zone *z, uint64_t post,
                    bool (*fn)(const struct gl_history *h, void *ctx), void *ctx);
int gl_comments_each(struct gl_txn *t, msgpack_zone *z, uint64_t post,
                     bool (*fn)(const struct gl_comment *c, void *ctx), void *ctx);

/* The user record named name, read in t (decoded into z): 0, or -1 when there is none. */
struct gl_txn;
int gl_user_load(struct gl_txn *t, const char *name, msgpack_zone *z, struct gl_user *out);
/* The profile record id, read in t (decoded into z): 0, or -1 when there is none. */
int gl_profile_load(struct gl_txn *t, uint64_t id, msgpack_zone *z, struct gl_profile *out);
/* Writes u under its name in t. */
void gl_user_save(struct gl_txn *t, const struct gl_user *u);

/* Wire forms, as protocol/README.md describes them. A history entry's and a comment's are their
 * stored fields without "v". */
void gl_history_pack(msgpack_packer *pk, const struct gl_history *h);
void gl_comment_pack(msgpack_packer *pk, const struct gl_comment *c);
void gl_user_pack(msgpack_packer *pk, const struct gl_user *u);
void gl_profile_pack(msgpack_packer *pk, const struct gl_profile *p);
/* extra_fields: how many key/value pairs the caller packs right after (e.g. comments). */
void gl_post_pack(msgpack_packer *pk, const struct gl_post *p, unsigned extra_fields);
/* A post's wire form without decoding it: a stored post written in the current wire form
 * holds its wire fields last, as they are sent. gl_post_wire_fields points fields at them
 * (inside v) and returns true, or returns false for a record of an older form or a damaged
 * one (decode it and gl_post_encode_wire_fields instead); gl_post_pack_wire_fields packs the
 * post's map around them. */
bool gl_post_wire_fields(const MDB_val *v, MDB_val *fields);
void gl_post_encode_wire_fields(const struct gl_post *p, msgpack_sbuffer *sb);
void gl_post_pack_wire_fields(msgpack_packer *pk, const MDB_val *fields);

/* Zone helpers. */
const char *gl_zone_strdup(msgpack_zone *z, const char *s);

/* Field readers for stored maps: strings are copied into z (a record outlives the page it
 * was read from); a missing or mistyped field gives NULL, the default, false or an empty list. */
const char *gl_field_str(const msgpack_object *m, const char *key, msgpack_zone *z);
int64_t gl_field_int(const msgpack_object *m, const char *key, int64_t dflt);
bool gl_field_bool(const msgpack_object *m, const char *key);
const char **gl_field_strlist(const msgpack_object *m, const char *key, msgpack_zone *z, size_t *n);
int64_t *gl_field_intlist(const msgpack_object *m, const char *key, msgpack_zone *z, size_t *n);
/* Unpacks n stored bytes into z, 0 or -1, first checking that no count in them claims more
 * than n bytes could hold (msgpack-c would allocate for it). */
int gl_stored_unpack(const void *data, size_t n, msgpack_zone *z, msgpack_object *out);
/* Unpacks a stored record into z; 0 when it is a map, else -1. */
int gl_record_unpack(const MDB_val *v, msgpack_zone *z, msgpack_object *out);
/* Starts a stored record: a map of fields entries, the first the schema version ("v"). Every
 * record the store holds begins here, so the header is written in one place. */
void gl_record_begin(msgpack_packer *pk, uint32_t fields);

/* A post's content (revision, caption, platforms, media, scheduled_at) as a stored map with
 * extra_fields more pairs for the caller to pack: revisions and what a visitor saw. */
void gl_post_pack_content(msgpack_packer *pk, const struct gl_post *p, unsigned extra_fields);

/* An uploaded image (DB_MEDIA, keyed by id). width and height are read from its header at
 * upload; records written before they were stored get them from the same header when decoded
 * (0 when it declares none). alt is the alternative text staff give it, "" when none. */
#define GL_MAX_ALT 1500 /* Mastodon's limit, the longest of the networks' */
#define GL_MAX_MEDIA_BYTES ((size_t)8 << 20) /* the largest image media.upload takes */
struct gl_media {
    uint64_t id;
    const char *name;
    const char *type;
    int64_t size;
    const char *uploaded_by;
    int64_t at;
    int width, height;
    const char *alt;
    const unsigned char *sha256; /* 32 bytes (receipts name media by it), NULL before receipts */
    const unsigned char *data; /* points into the value decoded: valid as long as it is */
    size_t len;
};
void gl_media_encode(const struct gl_media *m, msgpack_sbuffer *sb);
/* Strings are copied into z; data is not (8 MiB): it points into v. */
int gl_media_decode(const MDB_val *v, msgpack_zone *z, struct gl_media *out);
/* The media record id, read in t (decoded into z): 0, or -1 when there is none. */
int gl_media_load(struct gl_txn *t, uint64_t id, msgpack_zone *z, struct gl_media *out);
/* Its wire form without the data: {id, name, type, size, width, height, alt}. */
void gl_media_pack_info(msgpack_packer *pk, const struct gl_media *m);

/* Its data is kept as it came: written once at upload, rewritten when its alt text changes. */
void gl_media_save(struct gl_txn *t, const struct gl_media *m);

/* ---- links and their visitors (links.h: tokens, states, wire form, the token index) ---- */

#define GL_HASH_BYTES 32

enum gl_link_kind { LINK_CALENDAR, LINK_COLLAB, LINK_APPROVAL, LINK_KIND_COUNT };
const char *gl_link_kind_name(enum gl_link_kind k);
/* Returns -1 for an unknown name. */
int gl_link_kind_parse(const char *name);

/* An external link (DB_LINKS, keyed by id). */
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
    /* The hashes of the tokens regenerate replaced, oldest first, at most GL_LINK_OLD_TOKENS:
     * still in links_by_token, so their address can say the link was replaced. */
    unsigned char (*old_tokens)[GL_HASH_BYTES];
    size_t nold_tokens;
    int64_t replaced_at; /* the last regenerate, 0: never */
};
#define GL_LINK_OLD_TOKENS 8
/* The stored fields of a link, in stored order; append new ones (see the top of this file). */
#define GL_LINK_FIELDS(X)                                                                          \
    X(U64, id, "id")                                                                               \
    X(LINK_KIND, kind, "kind")                                                                     \
    X(U64, profile, "profile")                                                                     \
    X(STR, approver, "approver")                                                                   \
    X(INTLIST, posts, "posts")                                                                     \
    X(STR, pwhash, "pwhash")                                                                       \
    X(HASH, token_hash, "token_hash")                                                              \
    X(STR, created_by, "created_by")                                                               \
    X(I64, created_at, "created_at")                                                               \
    X(I64, expires_at, "expires_at")                                                               \
    X(BOOL, revoked, "revoked")                                                                    \
    X(I64, revoked_at, "revoked_at")                                                               \
    X(I64, last_opened, "last_opened")                                                             \
    X(I64, opens, "opens")                                                                         \
    X(I64, requested_at, "requested_at")                                                           \
    X(U32, generation, "generation")                                                               \
    X(STR, email, "email")                                                                         \
    X(I64, mailed_at, "mailed_at")                                                                 \
    X(I64, reminded_at, "reminded_at")                                                             \
    X(STR, language, "language")                                                                   \
    X(HASHLIST, old_tokens, "old_tokens")                                                          \
    X(I64, replaced_at, "replaced_at")
void gl_link_encode(const struct gl_link *l, msgpack_sbuffer *sb);
void gl_link_put(struct gl_txn *t, const struct gl_key *k, const struct gl_link *l);
/* The readers of the records kept under a key (gl_link_get, gl_session_get, ...): 0, the
 * store's error, or MDB_NOTFOUND for a record that does not decode. */
int gl_link_get(struct gl_txn *t, const struct gl_key *k, msgpack_zone *z, struct gl_link *out);
/* -1 also for an unknown kind, a missing token hash, or no id or profile. created_by is ""
 * when absent. */
int gl_link_decode(const MDB_val *v, msgpack_zone *z, struct gl_link *out);

/* A visitor's session (DB_SESSIONS, keyed by the cookie's hash): who they said they are, for
 * which link (and token generation). */
struct gl_session {
    uint64_t link;
    const char *name; /* "" when absent */
    unsigned char token_hash[GL_HASH_BYTES];
    int64_t created_at;
    int64_t expires_at;
};
#define GL_SESSION_FIELDS(X)                                                                       \
    X(U64, link, "link")                                                                           \
    X(STR, name, "name")                                                                           \
    X(HASH, token_hash, "token_hash")                                                              \
    X(I64, created_at, "created_at")                                                               \
    X(I64, expires_at, "expires_at")
void gl_session_encode(const struct gl_session *s, msgpack_sbuffer *sb);
void gl_session_put(struct gl_txn *t, const struct gl_key *k, const struct gl_session *s);
int gl_session_get(struct gl_txn *t, const struct gl_key *k, msgpack_zone *z,
                   struct gl_session *out);
int gl_session_decode(const MDB_val *v, msgpack_zone *z, struct gl_session *out);
/* What the walk over the sessions does with each (gl_sessions_each). */
enum gl_each { GL_EACH_KEEP, GL_EACH_DROP, GL_EACH_STOP };
/* Calls fn for every stored session, in key order; s is NULL for a record that does not decode.
 * A session fn answers GL_EACH_DROP for is deleted under the cursor. Returns how many were
 * dropped; a store error sticks in t->rc. */
unsigned gl_sessions_each(struct gl_txn *t, msgpack_zone *z,
                          enum gl_each (*fn)(const struct gl_session *s, void *ctx), void *ctx);

/* What a visitor last saw of a post (DB_LINK_SEEN, keyed (link, post, visitor)). */
struct gl_seen {
    uint32_t revision;
    const char *caption; /* "" when absent */
    const char **platforms;
    size_t nplatforms;
    int64_t *media;
    size_t nmedia;
    int64_t scheduled_at; /* stored as the post had it, GL_TIME_NONE included */
    int64_t at;
};
#define GL_SEEN_FIELDS(X)                                                                          \
    X(U32, revision, "revision")                                                                   \
    X(STR, caption, "caption")                                                                     \
    X(STRLIST, platforms, "platforms")                                                             \
    X(INTLIST, media, "media")                                                                     \
    X(I64, scheduled_at, "scheduled_at")                                                           \
    X(I64, at, "at")
void gl_seen_encode(const struct gl_seen *s, msgpack_sbuffer *sb);
void gl_seen_put(struct gl_txn *t, const struct gl_key *k, const struct gl_seen *s);
int gl_seen_get(struct gl_txn *t, const struct gl_key *k, msgpack_zone *z, struct gl_seen *out);
int gl_seen_decode(const MDB_val *v, msgpack_zone *z, struct gl_seen *out);

/* An in-app notification (DB_NOTIFICATIONS, keyed (user, seq)). */
struct gl_notification {
    uint32_t id;      /* the key's sequence */
    const char *type; /* a name of GL_EVENT_TYPES (protocol/events.h) */
    uint64_t post;    /* 0: none */
    uint64_t link;    /* 0: none */
    const char *actor;
    const char *text;
    int64_t at;
    bool read;
    bool mailed; /* done with as mail: sent, or not wanted (only digest users wait) */
};
#define GL_NOTIFICATION_FIELDS(X)                                                                  \
    X(U32, id, "id")                                                                               \
    X(STR, type, "type")                                                                           \
    X(ID, post, "post")                                                                            \
    X(ID, link, "link")                                                                            \
    X(STR, actor, "actor")                                                                         \
    X(STR, text, "text")                                                                           \
    X(I64, at, "at")                                                                               \
    X(BOOL, read, "read")                                                                          \
    X(BOOL, mailed, "mailed")
void gl_notification_encode(const struct gl_notification *n, msgpack_sbuffer *sb);
void gl_notification_put(struct gl_txn *t, const struct gl_key *k,
                         const struct gl_notification *n);
int gl_notification_decode(const MDB_val *v, msgpack_zone *z, struct gl_notification *out);
/* Its wire form (notify.list): every field but mailed, which is the daemon's bookkeeping. */
void gl_notification_pack(msgpack_packer *pk, const struct gl_notification *n);
/* Writes n under (user, n->id) in t. */
void gl_notification_save(struct gl_txn *t, const char *user, const struct gl_notification *n);

/* ---- webhook endpoints (DB_WEBHOOKS) and their deliveries (DB_WEBHOOK_OUTBOX) ---- */

#define GL_WEBHOOK_SECRET_BYTES 32
/* "msg_" and 32 hex digits, with its NUL. */
#define GL_WEBHOOK_MSG_ID_LEN 37

struct gl_webhook {
    uint64_t id;
    const char *url;
    unsigned events; /* bits of enum gl_event_type */
    unsigned char secret[GL_WEBHOOK_SECRET_BYTES];
    bool paused;
    uint32_t failures;     /* deliveries failed in a row */
    int64_t failing_since; /* ms of the first of them; 0 when none */
    int64_t created_at;    /* s */
    const char *created_by;
    int64_t last_at;   /* ms of the last attempt; 0: none yet */
    int64_t last_code; /* its HTTP status; 0: no answer */
    const char *last_error;
};
/* EVENTS is stored by names, not bits: the enum's order may change between versions (an
 * unknown name is skipped); SECRET is GL_WEBHOOK_SECRET_BYTES of binary (a record without it
 * does not decode). */
#define GL_WEBHOOK_FIELDS(X)                                                                       \
    X(U64, id, "id")                                                                               \
    X(STR, url, "url")                                                                             \
    X(EVENTS, events, "events")                                                                    \
    X(SECRET, secret, "secret")                                                                    \
    X(BOOL, paused, "paused")                                                                      \
    X(U32, failures, "failures")                                                                   \
    X(I64, failing_since, "failing_since")                                                         \
    X(I64, created_at, "created_at")                                                               \
    X(STR, created_by, "created_by")                                                               \
    X(I64, last_at, "last_at")                                                                     \
    X(I64, last_code, "last_code")                                                                 \
    X(STR, last_error, "last_error")
/* The encoding holds the secret: gl_webhook_put wipes it. */
void gl_webhook_encode(const struct gl_webhook *w, msgpack_sbuffer *sb);
int gl_webhook_decode(const MDB_val *v, msgpack_zone *z, struct gl_webhook *out);
void gl_webhook_put(struct gl_txn *t, const struct gl_key *k, const struct gl_webhook *w);
int gl_webhook_get(struct gl_txn *t, const struct gl_key *k, msgpack_zone *z,
                   struct gl_webhook *out);
/* An array of the names of the event bits in events. */
void gl_event_names_pack(msgpack_packer *pk, unsigned events);
/* The event type called name, or -1. */
int gl_event_parse(const char *name);

enum gl_delivery_status { DLV_PENDING, DLV_DELIVERED, DLV_FAILED };
const char *gl_delivery_status_name(enum gl_delivery_status s);

struct gl_delivery {
    uint64_t id;
    uint64_t endpoint;
    char msg[GL_WEBHOOK_MSG_ID_LEN]; /* webhook-id: the same on every attempt */
    const char *type;
    const char *body; /* the JSON payload, fixed when the event happened */
    int64_t created_ms;
    enum gl_delivery_status status;
    uint32_t attempts;
    int64_t next_ms; /* when the next attempt is due (pending) */
    int64_t last_ms;
    int64_t last_code;
    const char *last_error;
};
/* MSGID is a string into a char array (a record without it does not decode); DLV_STATUS is
 * stored by name, an unknown one decoding as failed. */
#define GL_DELIVERY_FIELDS(X)                                                                      \
    X(U64, id, "id")                                                                               \
    X(U64, endpoint, "endpoint")                                                                   \
    X(MSGID, msg, "msg")                                                                           \
    X(STR, type, "type")                                                                           \
    X(STR, body, "body")                                                                           \
    X(I64, created_ms, "created_ms")                                                               \
    X(DLV_STATUS, status, "status")                                                                \
    X(U32, attempts, "attempts")                                                                   \
    X(I64, next_ms, "next_ms")                                                                     \
    X(I64, last_ms, "last_ms")                                                                     \
    X(I64, last_code, "last_code")                                                                 \
    X(STR, last_error, "last_error")
void gl_delivery_encode(const struct gl_delivery *d, msgpack_sbuffer *sb);
int gl_delivery_decode(const MDB_val *v, msgpack_zone *z, struct gl_delivery *out);
void gl_delivery_put(struct gl_txn *t, const struct gl_key *k, const struct gl_delivery *d);
int gl_delivery_get(struct gl_txn *t, const struct gl_key *k, msgpack_zone *z,
                    struct gl_delivery *out);

/* ---- the mail outbox (DB_MAIL_OUTBOX, keyed by id) ---- */

/* Hex of 16 random bytes, with its NUL: the Message-ID's local part. */
#define GL_MAIL_MSGID_LEN 33

struct gl_mail_queued {
    uint64_t id; /* the key's, not stored in the record */
    const char *from_name, *to, *subject, *body;
    char msgid[GL_MAIL_MSGID_LEN];
    int64_t created_ms;
    uint32_t attempts;
    int64_t next_ms;
};
/* A record without to, subject, body or a whole msgid does not decode. */
#define GL_MAIL_QUEUED_FIELDS(X)                                                                   \
    X(STR, from_name, "from_name")                                                                 \
    X(STR, to, "to")                                                                               \
    X(STR, subject, "subject")                                                                     \
    X(STR, body, "body")                                                                           \
    X(MSGID, msgid, "msgid")                                                                       \
    X(I64, created_ms, "created_ms")                                                               \
    X(U32, attempts, "attempts")                                                                   \
    X(I64, next_ms, "next_ms")
void gl_mail_queued_encode(const struct gl_mail_queued *q, msgpack_sbuffer *sb);
int gl_mail_queued_decode(const MDB_val *v, msgpack_zone *z, struct gl_mail_queued *out);
void gl_mail_queued_put(struct gl_txn *t, const struct gl_key *k, const struct gl_mail_queued *q);

/* ---- approval receipts (receipt.h: the signed fields, their canonical bytes, the chain) ---- */

#define GL_RECEIPT_HASH GL_HASH_BYTES
#define GL_RECEIPT_SIG 64
#define GL_RECEIPT_PUBLIC_KEY 32
#define GL_RECEIPT_SECRET_KEY 64

/* What the decider was shown, kept beside the receipt so an export shows it and a verifier
 * can recompute shown_sha256 (receipt_shown_hash). Strings point into a zone or the record. */
struct gl_shown {
    const char *caption;
    const char **platforms;
    size_t nplatforms;
    int64_t scheduled_at;
    const char *timezone;
    int64_t *media;
    size_t nmedia;
    unsigned char (*media_sha256)[GL_RECEIPT_HASH];
};

/* A receipt as stored (DB_RECEIPTS, keyed (profile, seq)): its canonical bytes as they were
 * signed (receipt_encode; kept, never made again), their signature and SHA-256 (the next
 * receipt's prev), and what the decider was shown. */
struct gl_receipt_record {
    const unsigned char *body;
    size_t nbody;
    unsigned char sig[GL_RECEIPT_SIG];
    unsigned char hash[GL_RECEIPT_HASH];
    struct gl_shown shown;
};
/* BIN is binary of any size (the member and its size n<member>), BYTES binary of the array
 * member's size, SHOWN a struct gl_shown as a map: a record without any of them whole does
 * not decode. */
#define GL_RECEIPT_RECORD_FIELDS(X)                                                                \
    X(BIN, body, "body")                                                                           \
    X(BYTES, sig, "sig")                                                                           \
    X(HASH, hash, "hash")                                                                          \
    X(SHOWN, shown, "shown")
void gl_receipt_record_encode(const struct gl_receipt_record *r, msgpack_sbuffer *sb);
int gl_receipt_record_decode(const MDB_val *v, msgpack_zone *z, struct gl_receipt_record *out);
void gl_receipt_record_put(struct gl_txn *t, const struct gl_key *k,
                           const struct gl_receipt_record *r);
/* 0, the store's error, or MDB_NOTFOUND for a record that does not decode. */
int gl_receipt_record_get(struct gl_txn *t, const struct gl_key *k, msgpack_zone *z,
                          struct gl_receipt_record *out);

/* A receipt signing key (DB_RECEIPT_KEYS, keyed by id). Only the current key keeps its
 * secret: OPT_BYTES is BYTES stored only when has_<member>, which reads as false when the
 * field is absent or of another size. */
struct gl_receipt_key {
    uint64_t id;
    int64_t created_at;
    unsigned char public_key[GL_RECEIPT_PUBLIC_KEY];
    unsigned char secret[GL_RECEIPT_SECRET_KEY];
    bool has_secret;
};
#define GL_RECEIPT_KEY_FIELDS(X)                                                                   \
    X(U64, id, "id")                                                                               \
    X(I64, created_at, "created_at")                                                               \
    X(BYTES, public_key, "public")                                                                 \
    X(OPT_BYTES, secret, "secret")
/* The encoding holds the secret: gl_receipt_key_put wipes it. A decoded key holds it too:
 * its reader wipes it. */
void gl_receipt_key_encode(const struct gl_receipt_key *r, msgpack_sbuffer *sb);
int gl_receipt_key_decode(const MDB_val *v, msgpack_zone *z, struct gl_receipt_key *out);
void gl_receipt_key_put(struct gl_txn *t, const struct gl_key *k, const struct gl_receipt_key *r);

#endif
