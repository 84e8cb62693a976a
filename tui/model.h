/* What the client knows of the daemon's objects: owned copies decoded from replies, so a view
 * can keep them after the reply buffer is gone. */
#ifndef TUI_MODEL_H
#define TUI_MODEL_H

#include <msgpack.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "statuses.h"

/* The statuses of protocol/statuses.h, in its order, and one for a name this client does not
 * know (a newer daemon's). */
#define MD_STATUS_ENUM_(U, id, ...) MS_##id,
enum md_status { GL_POST_STATUSES(MD_STATUS_ENUM_, ~) MS_UNKNOWN, MS_COUNT };
#undef MD_STATUS_ENUM_
const char *md_status_name(enum md_status s);
/* A short label for lists ("awaiting", "changes"). */
const char *md_status_label(enum md_status s);
/* One ASCII mark, so the status reads without colour too. */
char md_status_mark(enum md_status s);
enum md_status md_status_parse(const msgpack_object *o);

struct md_strlist {
    char **v;
    size_t n;
};

struct md_profile {
    int64_t id;
    char *name;
    char *timezone;
    struct md_strlist platforms;
    bool auto_schedule;
    bool week_sunday;
    int64_t reminder_minutes;
    char *steps; /* in the forms' words: "Approval: any; Client: approver Jane" */
    /* The brand on the link pages ("" when not set). */
    char *display_name, *accent, *sender_name;
    char *language; /* its link pages' language tag, "" when the visitor's browser decides */
    int64_t logo; /* a media id, 0 when none */
    bool credit;
};

struct md_approval {
    int64_t step, at, revision;
    char *decision, *by;
};

struct md_comment {
    int64_t id, at;
    char *author, *author_kind, *text;
    bool shared;
};

struct md_history {
    int64_t seq, at, revision, scheduled_at;
    int64_t link; /* the link a visitor decided through, 0 for staff */
    char *type, *actor, *actor_kind, *note, *from, *to;
};

struct md_post {
    int64_t id, profile;
    char *caption, *notes, *creator;
    struct md_strlist platforms;
    int64_t *media;
    size_t nmedia;
    int64_t scheduled_at; /* 0: not scheduled */
    enum md_status status;
    int64_t revision, comment_count, created_at, updated_at;
    struct md_approval *approvals;
    size_t napprovals;
    struct md_comment *comments; /* post.get only */
    size_t ncomments;
    /* Client side: the local date in the profile's zone, worked out once on load. */
    int ly, lm, ld, lhour, lmin;
    bool tagged;
};

/* A pushed event, or a stored notification (notify.list: then id is set and read is kept). */
struct md_event {
    char *type, *actor, *text, *status;
    int64_t id, post, profile, link, at;
    bool read;
};

struct md_link {
    int64_t id, profile, created_at, expires_at, last_opened, opens, requested_at;
    char *kind, *approver, *status, *created_by;
    bool password;
    int64_t *posts;
    size_t nposts;
};

/* Decoders: return false when o is not a map of the expected shape. */
bool md_profile_decode(const msgpack_object *o, struct md_profile *out);
void md_profile_free(struct md_profile *p);
bool md_post_decode(const msgpack_object *o, struct md_post *out);
void md_post_free(struct md_post *p);
void md_post_copy(struct md_post *dst, const struct md_post *src);
/* Fills the local date fields in zone (posts without a time get zeros). */
void md_post_localize(struct md_post *p, const char *zone);
bool md_history_decode(const msgpack_object *o, struct md_history *out);
void md_history_free(struct md_history *h);
bool md_event_decode(const msgpack_object *o, struct md_event *out);
void md_event_free(struct md_event *e);
bool md_link_decode(const msgpack_object *o, struct md_link *out);
void md_link_free(struct md_link *l);
void md_strlist_free(struct md_strlist *l);
void md_strlist_copy(struct md_strlist *dst, const struct md_strlist *src);
/* "instagram, x" into a fresh string. */
char *md_strlist_join(const struct md_strlist *l, const char *sep);
/* The other way, onto the wire: key, then the words of text ("instagram, x": split at commas
 * and spaces) as an array of at most max strings. */
void md_pack_words(msgpack_packer *pk, const char *key, const char *text, size_t max);

/* Small accessors on msgpack maps; missing or mistyped fields give the fallback. */
char *md_get_str(const msgpack_object *map, const char *key); /* NULL when absent */
int64_t md_get_int(const msgpack_object *map, const char *key, int64_t fallback);
bool md_get_bool(const msgpack_object *map, const char *key, bool fallback);
const msgpack_object *md_get_array(const msgpack_object *map, const char *key);

#endif
