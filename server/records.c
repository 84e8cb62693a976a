/* Record encoding in the store and their wire forms. */
#include "records.h"

#include <sodium.h>
#include <string.h>

#include "imagesize.h"
#include "util.h"
#include "storekeys.h"
#include "mpscan.h"
#include "rpc.h"
#include "store.h"

#define STATUS_NAME(id, name, label, cls) [id] = name,
#define STATUS_LABEL(id, name, label, cls) [id] = label,
#define STATUS_CLASS(id, name, label, cls) [id] = cls,
static const char *const status_names[ST_COUNT] = {GL_STATUSES(STATUS_NAME)};
static const char *const status_labels[ST_COUNT] = {GL_STATUSES(STATUS_LABEL)};
static const char *const status_classes[ST_COUNT] = {GL_STATUSES(STATUS_CLASS)};
#undef STATUS_NAME
#undef STATUS_LABEL
#undef STATUS_CLASS

const char *gl_status_name(enum gl_status s)
{
    return (unsigned)s < ST_COUNT ? status_names[s] : "unknown";
}

const char *gl_status_label(enum gl_status s)
{
    return (unsigned)s < ST_COUNT ? status_labels[s] : status_labels[ST_DRAFT];
}

const char *gl_status_class(enum gl_status s)
{
    return (unsigned)s < ST_COUNT ? status_classes[s] : status_classes[ST_FAILED];
}

int gl_status_parse(const char *name)
{
    for (int i = 0; i < ST_COUNT; i++)
        if (strcmp(status_names[i], name) == 0) return i;
    return -1;
}

static const struct {
    const char *name, *label, *may;
} roles[ROLE_COUNT] = {
    [ROLE_NONE] = {"none", "", ""},
#define GL_ROLE_ROW(id, name, label, may, article) [id] = {name, label, may},
    GL_ROLES(GL_ROLE_ROW)
#undef GL_ROLE_ROW
};

const char *gl_role_name(enum gl_role r)
{
    return roles[(unsigned)r < ROLE_COUNT ? r : ROLE_NONE].name;
}

const char *gl_role_label(enum gl_role r)
{
    return roles[(unsigned)r < ROLE_COUNT ? r : ROLE_NONE].label;
}

const char *gl_role_may(enum gl_role r)
{
    return roles[(unsigned)r < ROLE_COUNT ? r : ROLE_NONE].may;
}

enum gl_role gl_role_parse(const char *name)
{
    for (int i = ROLE_NONE + 1; i < ROLE_COUNT; i++)
        if (strcmp(roles[i].name, name) == 0) return (enum gl_role)i;
    return ROLE_NONE;
}

int gl_step_kind(const char *who)
{
    static const struct {
        const char *who;
        enum gl_step_kind kind;
    } words[] = {
        {"approver", STEP_APPROVER},
        {"external", STEP_APPROVER}, /* the name before 2026-12 */
        {"collaborator", STEP_COLLABORATOR},
        {"any", STEP_ANY},
        {"editor", STEP_ROLE},
        {"manager", STEP_ROLE},
        {"admin", STEP_ROLE},
    };
    for (size_t i = 0; who && i < sizeof words / sizeof words[0]; i++)
        if (strcmp(words[i].who, who) == 0) return (int)words[i].kind;
    return -1;
}

static const char *const mail_names[] = {"none", "each", "digest"};

const char *gl_mail_name(enum gl_mail m)
{
    return (unsigned)m <= MAIL_DIGEST ? mail_names[m] : "none";
}

int gl_mail_parse(const char *name)
{
    for (int i = 0; i <= MAIL_DIGEST; i++)
        if (strcmp(mail_names[i], name) == 0) return i;
    return -1;
}

const char *gl_zone_strdup(msgpack_zone *z, const char *s)
{
    size_t n = strlen(s);
    char *p = msgpack_zone_malloc(z, n + 1);
    memcpy(p, s, n + 1);
    return p;
}

/* ---- decoding helpers: fields of a map, copied into the zone ---- */

const char *gl_field_str(const msgpack_object *m, const char *key, msgpack_zone *z)
{
    const msgpack_object *o = gl_map_get(m, key);
    if (!o || o->type != MSGPACK_OBJECT_STR) return NULL;
    char *p = msgpack_zone_malloc(z, o->via.str.size + 1);
    memcpy(p, o->via.str.ptr, o->via.str.size);
    p[o->via.str.size] = '\0';
    return p;
}

int64_t gl_field_int(const msgpack_object *m, const char *key, int64_t dflt)
{
    const msgpack_object *o = gl_map_get(m, key);
    int64_t v;
    return o && gl_obj_int(o, &v) ? v : dflt;
}

bool gl_field_bool(const msgpack_object *m, const char *key)
{
    const msgpack_object *o = gl_map_get(m, key);
    return o && o->type == MSGPACK_OBJECT_BOOLEAN && o->via.boolean;
}

const char **gl_field_strlist(const msgpack_object *m, const char *key, msgpack_zone *z,
                              size_t *n)
{
    const msgpack_object *o = gl_map_get(m, key);
    *n = 0;
    if (!o || o->type != MSGPACK_OBJECT_ARRAY) return NULL;
    const char **list = msgpack_zone_malloc(z, sizeof *list * (o->via.array.size + 1));
    for (uint32_t i = 0; i < o->via.array.size; i++) {
        const msgpack_object *s = &o->via.array.ptr[i];
        if (s->type != MSGPACK_OBJECT_STR) continue;
        char *p = msgpack_zone_malloc(z, s->via.str.size + 1);
        memcpy(p, s->via.str.ptr, s->via.str.size);
        p[s->via.str.size] = '\0';
        list[(*n)++] = p;
    }
    return list;
}

int64_t *gl_field_intlist(const msgpack_object *m, const char *key, msgpack_zone *z, size_t *n)
{
    const msgpack_object *o = gl_map_get(m, key);
    *n = 0;
    if (!o || o->type != MSGPACK_OBJECT_ARRAY) return NULL;
    int64_t *list = msgpack_zone_malloc(z, sizeof *list * (o->via.array.size + 1));
    for (uint32_t i = 0; i < o->via.array.size; i++)
        if (gl_obj_int(&o->via.array.ptr[i], &list[*n])) (*n)++;
    return list;
}

/* Unpacks v into the zone; the object's strings may still point into v, so callers copy. */
void gl_record_begin(msgpack_packer *pk, uint32_t fields)
{
    msgpack_pack_map(pk, fields);
    gl_pack_kv_int(pk, "v", GL_SCHEMA_VERSION);
}

int gl_stored_unpack(const void *data, size_t n, msgpack_zone *z, msgpack_object *out)
{
    /* A damaged record must not make msgpack-c allocate for counts its bytes cannot hold
     * (a 5-byte array header claiming 200 million elements costs it gigabytes). */
    struct gl_mp_scanner sc;
    gl_mp_scanner_reset(&sc);
    struct gl_mp_limits lim = {.max_bytes = n, .max_depth = GL_MP_MAX_DEPTH, .max_elems = n};
    if (gl_mp_scan(&sc, data, n, &lim) <= 0) return -1;
    size_t off = 0;
    return msgpack_unpack(data, n, &off, z, out) == MSGPACK_UNPACK_SUCCESS ? 0 : -1;
}

int gl_record_unpack(const MDB_val *v, msgpack_zone *z, msgpack_object *out)
{
    if (gl_stored_unpack(v->mv_data, v->mv_size, z, out)) return -1;
    return out->type == MSGPACK_OBJECT_MAP ? 0 : -1;
}

static void pack_strlist(msgpack_packer *pk, const char **list, size_t n)
{
    msgpack_pack_array(pk, n);
    for (size_t i = 0; i < n; i++) gl_pack_str(pk, list[i]);
}

static void pack_intlist(msgpack_packer *pk, const int64_t *list, size_t n)
{
    msgpack_pack_array(pk, n);
    for (size_t i = 0; i < n; i++) msgpack_pack_int64(pk, list[i]);
}

static void pack_time(msgpack_packer *pk, const char *key, int64_t t)
{
    gl_pack_key(pk, key);
    if (t == GL_TIME_NONE)
        msgpack_pack_nil(pk);
    else
        msgpack_pack_int64(pk, t);
}

/* ---- records made from a field list (records.h says how to add a field) ---- */

static void pack_bytes(msgpack_packer *pk, const char *key, const unsigned char *b, size_t n)
{
    gl_pack_key(pk, key);
    msgpack_pack_bin_with_body(pk, b, n);
}

/* Binary of exactly n bytes, copied into out; false (out untouched) when absent or another size. */
static bool field_bytes(const msgpack_object *m, const char *key, unsigned char *out, size_t n)
{
    const msgpack_object *o = gl_map_get(m, key);
    if (!o || o->type != MSGPACK_OBJECT_BIN || o->via.bin.size != n) return false;
    memcpy(out, o->via.bin.ptr, n);
    return true;
}

/* Binary of any size, copied into z (NULL when absent); *n gets its size. */
static const unsigned char *field_bin(const msgpack_object *m, const char *key, msgpack_zone *z,
                                      size_t *n)
{
    const msgpack_object *o = gl_map_get(m, key);
    *n = 0;
    if (!o || o->type != MSGPACK_OBJECT_BIN) return NULL;
    unsigned char *p = msgpack_zone_malloc(z, o->via.bin.size ? o->via.bin.size : 1);
    if (!p) return NULL;
    memcpy(p, o->via.bin.ptr, o->via.bin.size);
    *n = o->via.bin.size;
    return p;
}

static bool field_link_kind(const msgpack_object *m, const char *key, enum gl_link_kind *out)
{
    const msgpack_object *o = gl_map_get(m, key);
    for (int k = 0; o && o->type == MSGPACK_OBJECT_STR && k < LINK_KIND_COUNT; k++)
        if (gl_obj_streq(o, gl_link_kind_name((enum gl_link_kind)k))) {
            *out = (enum gl_link_kind)k;
            return true;
        }
    return false;
}

/* Each kind of field, packed from r->m and read into out->m (o the stored map, z its zone).
 * A field that must be there makes its decoder return -1 when it is not. */
/* A list of GL_HASH_BYTES binaries (a link's old tokens); items of another size are skipped. */
static void pack_hashlist(msgpack_packer *pk, const char *key, unsigned char (*h)[GL_HASH_BYTES],
                          size_t n)
{
    gl_pack_key(pk, key);
    msgpack_pack_array(pk, (uint32_t)n);
    for (size_t i = 0; i < n; i++) {
        msgpack_pack_bin(pk, GL_HASH_BYTES);
        msgpack_pack_bin_body(pk, h[i], GL_HASH_BYTES);
    }
}

#define HASHLIST_MAX 64 /* more than any list kept (GL_LINK_OLD_TOKENS) */
static unsigned char (*field_hashlist(const msgpack_object *m, const char *key, msgpack_zone *z,
                                      size_t *n))[GL_HASH_BYTES]
{
    *n = 0;
    const msgpack_object *o = gl_map_get(m, key);
    if (!o || o->type != MSGPACK_OBJECT_ARRAY || !o->via.array.size) return NULL;
    size_t cap = o->via.array.size < HASHLIST_MAX ? o->via.array.size : HASHLIST_MAX;
    unsigned char (*out)[GL_HASH_BYTES] = msgpack_zone_malloc(z, cap * GL_HASH_BYTES);
    if (!out) return NULL;
    for (size_t i = 0; i < cap; i++) {
        const msgpack_object *h = &o->via.array.ptr[i];
        if (h->type != MSGPACK_OBJECT_BIN || h->via.bin.size != GL_HASH_BYTES) continue;
        memcpy(out[(*n)++], h->via.bin.ptr, GL_HASH_BYTES);
    }
    return out;
}

void gl_event_names_pack(msgpack_packer *pk, unsigned events)
{
    unsigned n = 0;
    for (int e = 0; e < EV_COUNT; e++)
        n += (events >> e) & 1;
    msgpack_pack_array(pk, n);
    for (int e = 0; e < EV_COUNT; e++)
        if (events & (1u << e)) gl_pack_str(pk, gl_event_type_name((enum gl_event_type)e));
}

int gl_event_parse(const char *name)
{
    for (int e = 0; e < EV_COUNT; e++)
        if (strcmp(name, gl_event_type_name((enum gl_event_type)e)) == 0) return e;
    return -1;
}

static unsigned field_events(const msgpack_object *m, const char *key, msgpack_zone *z)
{
    size_t n = 0;
    const char **names = gl_field_strlist(m, key, z, &n);
    unsigned bits = 0;
    for (size_t i = 0; i < n; i++) {
        int e = gl_event_parse(names[i]);
        if (e >= 0) bits |= 1u << e;
    }
    return bits;
}

/* A string copied into a char array of size n; false when absent or longer than fits (an id
 * cut short would be another id). */
static bool field_chars(const msgpack_object *m, const char *key, char *out, size_t n)
{
    const msgpack_object *o = gl_map_get(m, key);
    if (!o || o->type != MSGPACK_OBJECT_STR || o->via.str.size >= n) return false;
    memcpy(out, o->via.str.ptr, o->via.str.size);
    out[o->via.str.size] = '\0';
    return true;
}

static const char *const delivery_status_names[] = {
    [DLV_PENDING] = "pending", [DLV_DELIVERED] = "delivered", [DLV_FAILED] = "failed"};

const char *gl_delivery_status_name(enum gl_delivery_status s)
{
    return (unsigned)s < GL_ARRAY_LEN(delivery_status_names) ? delivery_status_names[s]
                                                               : "unknown";
}

static enum gl_delivery_status field_delivery_status(const msgpack_object *m, const char *key)
{
    const msgpack_object *o = gl_map_get(m, key);
    for (size_t i = 0; o && o->type == MSGPACK_OBJECT_STR && i < GL_ARRAY_LEN(delivery_status_names);
         i++)
        if (gl_obj_streq(o, delivery_status_names[i])) return (enum gl_delivery_status)i;
    return DLV_FAILED;
}

/* What a receipt's decider was shown: {caption, platforms, scheduled_at, timezone,
 * media: [{id, sha256}]}. */
static void pack_shown(msgpack_packer *pk, const char *key, const struct gl_shown *s)
{
    gl_pack_key(pk, key);
    msgpack_pack_map(pk, 5);
    gl_pack_kv_str(pk, "caption", s->caption);
    gl_pack_key(pk, "platforms");
    msgpack_pack_array(pk, (uint32_t)s->nplatforms);
    for (size_t i = 0; i < s->nplatforms; i++)
        if (s->platforms[i])
            gl_pack_str(pk, s->platforms[i]);
        else
            msgpack_pack_nil(pk);
    pack_time(pk, "scheduled_at", s->scheduled_at);
    gl_pack_kv_str(pk, "timezone", s->timezone);
    gl_pack_key(pk, "media");
    msgpack_pack_array(pk, (uint32_t)s->nmedia);
    for (size_t i = 0; i < s->nmedia; i++) {
        msgpack_pack_map(pk, 2);
        gl_pack_kv_int(pk, "id", s->media[i]);
        pack_bytes(pk, "sha256", s->media_sha256[i], GL_RECEIPT_HASH);
    }
}

/* -1 when it is not a map, or its media are not a list each with its sha256. */
static int field_shown(const msgpack_object *o, const char *key, msgpack_zone *z,
                       struct gl_shown *s)
{
    const msgpack_object *m = gl_map_get(o, key);
    memset(s, 0, sizeof *s);
    if (!m || m->type != MSGPACK_OBJECT_MAP) return -1;
    s->caption = gl_field_str(m, "caption", z);
    s->platforms = gl_field_strlist(m, "platforms", z, &s->nplatforms);
    const msgpack_object *at = gl_map_get(m, "scheduled_at");
    s->scheduled_at =
        at && at->type != MSGPACK_OBJECT_NIL ? gl_field_int(m, "scheduled_at", 0) : GL_TIME_NONE;
    s->timezone = gl_field_str(m, "timezone", z);
    const msgpack_object *media = gl_map_get(m, "media");
    if (!media || media->type != MSGPACK_OBJECT_ARRAY) return -1;
    s->nmedia = media->via.array.size;
    s->media = msgpack_zone_malloc(z, sizeof *s->media * (s->nmedia + 1));
    s->media_sha256 = msgpack_zone_malloc(z, GL_RECEIPT_HASH * (s->nmedia + 1));
    for (size_t i = 0; i < s->nmedia; i++) {
        const msgpack_object *e = &media->via.array.ptr[i];
        if (!field_bytes(e, "sha256", s->media_sha256[i], GL_RECEIPT_HASH)) return -1;
        s->media[i] = gl_field_int(e, "id", 0);
    }
    return 0;
}

#define PACK_I64(pk, key, r, m) gl_pack_kv_int(pk, key, (r)->m)
#define PACK_U64(pk, key, r, m) gl_pack_kv_int(pk, key, (int64_t)(r)->m)
#define PACK_U32(pk, key, r, m) gl_pack_kv_int(pk, key, (int64_t)(r)->m)
#define PACK_ID(pk, key, r, m) gl_pack_kv_id(pk, key, (r)->m)
#define PACK_BOOL(pk, key, r, m) gl_pack_kv_bool(pk, key, (r)->m)
#define PACK_STR(pk, key, r, m) gl_pack_kv_str(pk, key, (r)->m)
#define PACK_TIME(pk, key, r, m) pack_time(pk, key, (r)->m)
#define PACK_INTLIST(pk, key, r, m) (gl_pack_key(pk, key), pack_intlist(pk, (r)->m, (r)->n##m))
#define PACK_STRLIST(pk, key, r, m) (gl_pack_key(pk, key), pack_strlist(pk, (r)->m, (r)->n##m))
#define PACK_BYTES(pk, key, r, m) pack_bytes(pk, key, (r)->m, sizeof(r)->m)
#define PACK_HASH PACK_BYTES
#define PACK_OPT_BYTES(pk, key, r, m) ((r)->has_##m ? PACK_BYTES(pk, key, r, m) : (void)0)
#define PACK_BIN(pk, key, r, m) pack_bytes(pk, key, (r)->m, (r)->n##m)
#define PACK_SHOWN(pk, key, r, m) pack_shown(pk, key, &(r)->m)
#define PACK_HASHLIST(pk, key, r, m) pack_hashlist(pk, key, (r)->m, (r)->n##m)
#define PACK_LINK_KIND(pk, key, r, m) gl_pack_kv_str(pk, key, gl_link_kind_name((r)->m))
#define PACK_EVENTS(pk, key, r, m) (gl_pack_key(pk, key), gl_event_names_pack(pk, (r)->m))
#define PACK_SECRET PACK_BYTES
#define PACK_MSGID PACK_STR
#define PACK_DLV_STATUS(pk, key, r, m) gl_pack_kv_str(pk, key, gl_delivery_status_name((r)->m))

#define READ_I64(o, key, z, out, m) (out)->m = gl_field_int(o, key, 0)
#define READ_U64(o, key, z, out, m) (out)->m = (uint64_t)gl_field_int(o, key, 0)
#define READ_U32(o, key, z, out, m) (out)->m = (uint32_t)gl_field_int(o, key, 0)
#define READ_ID(o, key, z, out, m) (out)->m = (uint64_t)gl_field_int(o, key, 0)
#define READ_BOOL(o, key, z, out, m) (out)->m = gl_field_bool(o, key)
#define READ_STR(o, key, z, out, m) (out)->m = gl_field_str(o, key, z)
#define READ_TIME(o, key, z, out, m) (out)->m = gl_field_int(o, key, GL_TIME_NONE)
#define READ_INTLIST(o, key, z, out, m) (out)->m = gl_field_intlist(o, key, z, &(out)->n##m)
#define READ_STRLIST(o, key, z, out, m) (out)->m = gl_field_strlist(o, key, z, &(out)->n##m)
#define READ_BYTES(o, key, z, out, m)                                                              \
    if (!field_bytes(o, key, (out)->m, sizeof(out)->m)) return -1
#define READ_HASH READ_BYTES
#define READ_OPT_BYTES(o, key, z, out, m)                                                          \
    (out)->has_##m = field_bytes(o, key, (out)->m, sizeof(out)->m)
#define READ_BIN(o, key, z, out, m)                                                                \
    if (!((out)->m = field_bin(o, key, z, &(out)->n##m))) return -1
#define READ_SHOWN(o, key, z, out, m)                                                              \
    if (field_shown(o, key, z, &(out)->m) != 0) return -1
#define READ_HASHLIST(o, key, z, out, m) (out)->m = field_hashlist(o, key, z, &(out)->n##m)
#define READ_LINK_KIND(o, key, z, out, m)                                                          \
    if (!field_link_kind(o, key, &(out)->m)) return -1
#define READ_EVENTS(o, key, z, out, m) (out)->m = field_events(o, key, z)
#define READ_SECRET READ_BYTES
#define READ_MSGID(o, key, z, out, m)                                                              \
    if (!field_chars(o, key, (out)->m, sizeof(out)->m)) return -1
#define READ_DLV_STATUS(o, key, z, out, m) (out)->m = field_delivery_status(o, key)

/* How many pairs a field of each kind packs from r: one, but OPT_ kinds only when present. */
#define PAIRS_ONE(r, m) 1
#define PAIRS_I64 PAIRS_ONE
#define PAIRS_U64 PAIRS_ONE
#define PAIRS_U32 PAIRS_ONE
#define PAIRS_ID PAIRS_ONE
#define PAIRS_BOOL PAIRS_ONE
#define PAIRS_STR PAIRS_ONE
#define PAIRS_TIME PAIRS_ONE
#define PAIRS_INTLIST PAIRS_ONE
#define PAIRS_STRLIST PAIRS_ONE
#define PAIRS_BYTES PAIRS_ONE
#define PAIRS_HASH PAIRS_ONE
#define PAIRS_HASHLIST PAIRS_ONE
#define PAIRS_LINK_KIND PAIRS_ONE
#define PAIRS_EVENTS PAIRS_ONE
#define PAIRS_SECRET PAIRS_ONE
#define PAIRS_MSGID PAIRS_ONE
#define PAIRS_DLV_STATUS PAIRS_ONE
#define PAIRS_BIN PAIRS_ONE
#define PAIRS_SHOWN PAIRS_ONE
#define PAIRS_OPT_BYTES(r, m) ((r)->has_##m ? 1 : 0)

/* Expanded over a field list inside an encoder (r, pk a packer pointer) or a decoder (o, z,
 * out). */
#define FIELD_COUNT(kind, m, key) +PAIRS_##kind(r, m)
#define PACK_FIELD(kind, m, key) PACK_##kind(pk, key, r, m);
#define READ_FIELD(kind, m, key) READ_##kind(&o, key, z, out, m);

/* The encoder, the decoder and the writer of a record made from its field list FIELDS, kept
 * in db: gl_<name>_encode, gl_<name>_decode (finish, an int expression over out, gives the
 * defaults of absent fields and says whether the record is whole: 0 or -1) and gl_<name>_put.
 * RECORD_CODEC_SECRET is for a record holding a secret: its writer wipes the encoding. */
#define RECORD_ENCODE_DECODE(name, FIELDS, finish)                                                 \
    void gl_##name##_encode(const struct gl_##name *r, msgpack_sbuffer *sb)                        \
    {                                                                                              \
        msgpack_packer packer, *pk = &packer;                                                      \
        msgpack_packer_init(pk, sb, msgpack_sbuffer_write);                                        \
        gl_record_begin(pk, 1 FIELDS(FIELD_COUNT));                                                \
        FIELDS(PACK_FIELD)                                                                         \
    }                                                                                              \
    int gl_##name##_decode(const MDB_val *v, msgpack_zone *z, struct gl_##name *out)               \
    {                                                                                              \
        msgpack_object o;                                                                          \
        if (gl_record_unpack(v, z, &o)) return -1;                                                 \
        memset(out, 0, sizeof *out);                                                               \
        FIELDS(READ_FIELD)                                                                         \
        return finish;                                                                             \
    }
#define RECORD_PUT(name, db, wipe)                                                                 \
    void gl_##name##_put(struct gl_txn *t, const struct gl_key *k, const struct gl_##name *r)      \
    {                                                                                              \
        msgpack_sbuffer sb;                                                                        \
        msgpack_sbuffer_init(&sb);                                                                 \
        gl_##name##_encode(r, &sb);                                                                \
        gl_put(t, db, k, sb.data, sb.size);                                                        \
        if (wipe) sodium_memzero(sb.data, sb.size);                                                \
        msgpack_sbuffer_destroy(&sb);                                                              \
    }
#define RECORD_CODEC(name, FIELDS, db, finish)                                                     \
    RECORD_ENCODE_DECODE(name, FIELDS, finish)                                                     \
    RECORD_PUT(name, db, false)
#define RECORD_CODEC_SECRET(name, FIELDS, db, finish)                                              \
    RECORD_ENCODE_DECODE(name, FIELDS, finish)                                                     \
    RECORD_PUT(name, db, true)

/* The reader of a record kept under a key of db, for the records read one by one. */
#define RECORD_GET(name, db)                                                                       \
    int gl_##name##_get(struct gl_txn *t, const struct gl_key *k, msgpack_zone *z,                 \
                        struct gl_##name *out)                                                     \
    {                                                                                              \
        MDB_val v;                                                                                 \
        int rc = gl_get(t, db, k, &v);                                                             \
        if (rc) return rc;                                                                         \
        return gl_##name##_decode(&v, z, out) == 0 ? 0 : MDB_NOTFOUND;                             \
    }

void gl_post_pack_content(msgpack_packer *pk, const struct gl_post *p, unsigned extra_fields)
{
    gl_record_begin(pk, 6 + extra_fields);
    gl_pack_kv_int(pk, "revision", p->revision);
    gl_pack_kv_str(pk, "caption", p->caption);
    gl_pack_key(pk, "platforms");
    pack_strlist(pk, p->platforms, p->nplatforms);
    gl_pack_key(pk, "media");
    pack_intlist(pk, p->media, p->nmedia);
    pack_time(pk, "scheduled_at", p->scheduled_at);
}

/* ---- users ---- */

void gl_user_encode(const struct gl_user *u, msgpack_sbuffer *sb)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
    gl_record_begin(&pk, 10);
    gl_pack_kv_str(&pk, "name", u->name);
    gl_pack_kv_str(&pk, "role", gl_role_name(u->role));
    gl_pack_kv_str(&pk, "email", u->email);
    gl_pack_kv_str(&pk, "mail", gl_mail_name(u->mail));
    gl_pack_kv_str(&pk, "pwhash", u->pwhash);
    gl_pack_kv_int(&pk, "created_at", u->created_at);
    gl_pack_kv_bool(&pk, "disabled", u->disabled);
    gl_pack_kv_int(&pk, "session_gen", u->session_gen);
    gl_pack_kv_str(&pk, "timezone", u->timezone);
}

int gl_user_decode(const MDB_val *v, msgpack_zone *z, struct gl_user *out)
{
    msgpack_object m;
    if (gl_record_unpack(v, z, &m)) return -1;
    memset(out, 0, sizeof *out);
    out->name = gl_field_str(&m, "name", z);
    const char *role = gl_field_str(&m, "role", z);
    out->role = role ? gl_role_parse(role) : ROLE_NONE;
    out->email = gl_field_str(&m, "email", z);
    const char *mail = gl_field_str(&m, "mail", z);
    int mi = mail ? gl_mail_parse(mail) : -1;
    out->mail = mi < 0 ? MAIL_NONE : (enum gl_mail)mi;
    out->pwhash = gl_field_str(&m, "pwhash", z);
    out->created_at = gl_field_int(&m, "created_at", 0);
    /* Both absent from records written before they existed: enabled, generation 0. */
    out->disabled = gl_field_bool(&m, "disabled");
    out->session_gen = (uint32_t)gl_field_int(&m, "session_gen", 0);
    out->timezone = gl_field_str(&m, "timezone", z);
    return out->name && out->pwhash ? 0 : -1;
}

int gl_user_load(struct gl_txn *t, const char *name, msgpack_zone *z, struct gl_user *out)
{
    struct gl_key k;
    MDB_val v;
    key_bytes(&k, name, strlen(name));
    if (gl_get(t, DB_USERS, &k, &v) != 0) return -1;
    return gl_user_decode(&v, z, out);
}

void gl_user_save(struct gl_txn *t, const struct gl_user *u)
{
    struct gl_key k;
    key_bytes(&k, u->name, strlen(u->name));
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    gl_user_encode(u, &sb);
    gl_put(t, DB_USERS, &k, sb.data, sb.size);
    msgpack_sbuffer_destroy(&sb);
}

void gl_user_pack(msgpack_packer *pk, const struct gl_user *u)
{
    msgpack_pack_map(pk, 7);
    gl_pack_kv_str(pk, "name", u->name);
    gl_pack_kv_str(pk, "role", gl_role_name(u->role));
    gl_pack_kv_str(pk, "email", u->email);
    gl_pack_kv_str(pk, "mail", gl_mail_name(u->mail));
    gl_pack_kv_int(pk, "created_at", u->created_at);
    gl_pack_kv_bool(pk, "disabled", u->disabled);
    gl_pack_kv_str(pk, "timezone", u->timezone);
}

/* ---- profiles ---- */

static void profile_fields(msgpack_packer *pk, const struct gl_profile *p)
{
    gl_pack_kv_int(pk, "id", (int64_t)p->id);
    gl_pack_kv_str(pk, "name", p->name);
    gl_pack_kv_str(pk, "timezone", p->timezone);
    gl_pack_key(pk, "platforms");
    pack_strlist(pk, p->platforms, p->nplatforms);
    gl_pack_kv_bool(pk, "auto_schedule", p->auto_schedule);
    gl_pack_kv_str(pk, "week_start", p->week_start == 6 ? "sunday" : "monday");
    gl_pack_kv_int(pk, "created_at", p->created_at);
    gl_pack_key(pk, "steps");
    msgpack_pack_array(pk, p->nsteps);
    for (size_t i = 0; i < p->nsteps; i++) {
        msgpack_pack_map(pk, p->steps[i].approver ? 3 : 2);
        gl_pack_kv_str(pk, "name", p->steps[i].name);
        gl_pack_kv_str(pk, "who", p->steps[i].who);
        if (p->steps[i].approver) gl_pack_kv_str(pk, "approver", p->steps[i].approver);
    }
    gl_pack_kv_int(pk, "reminder_minutes", p->reminder_minutes);
    gl_pack_kv_str(pk, "display_name", p->display_name ? p->display_name : "");
    gl_pack_kv_str(pk, "accent", p->accent ? p->accent : "");
    gl_pack_kv_str(pk, "sender_name", p->sender_name ? p->sender_name : "");
    gl_pack_kv_int(pk, "logo", (int64_t)p->logo);
    gl_pack_kv_bool(pk, "credit", p->credit);
    gl_pack_kv_str(pk, "language", p->language);
    gl_pack_kv_id(pk, "publish_webhook", p->publish_webhook);
}
#define PROFILE_FIELDS 16

void gl_profile_encode(const struct gl_profile *p, msgpack_sbuffer *sb)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
    gl_record_begin(&pk, PROFILE_FIELDS + 1);
    profile_fields(&pk, p);
}

int gl_profile_decode(const MDB_val *v, msgpack_zone *z, struct gl_profile *out)
{
    msgpack_object m;
    if (gl_record_unpack(v, z, &m)) return -1;
    memset(out, 0, sizeof *out);
    out->id = (uint64_t)gl_field_int(&m, "id", 0);
    out->name = gl_field_str(&m, "name", z);
    out->timezone = gl_field_str(&m, "timezone", z);
    out->platforms = gl_field_strlist(&m, "platforms", z, &out->nplatforms);
    out->auto_schedule = gl_field_bool(&m, "auto_schedule");
    const char *ws = gl_field_str(&m, "week_start", z);
    out->week_start = ws && strcmp(ws, "sunday") == 0 ? 6 : 0;
    out->created_at = gl_field_int(&m, "created_at", 0);
    out->reminder_minutes = gl_field_int(&m, "reminder_minutes", 60);
    out->display_name = gl_field_str(&m, "display_name", z);
    out->accent = gl_field_str(&m, "accent", z);
    out->sender_name = gl_field_str(&m, "sender_name", z);
    if (!out->display_name) out->display_name = "";
    if (!out->accent) out->accent = "";
    if (!out->sender_name) out->sender_name = "";
    out->logo = (uint64_t)gl_field_int(&m, "logo", 0);
    /* A profile stored before brands existed shows the credit. */
    out->credit = gl_map_get(&m, "credit") ? gl_field_bool(&m, "credit") : true;
    /* Absent from records made before languages: none. */
    out->language = gl_field_str(&m, "language", z);
    out->publish_webhook = (uint64_t)gl_field_int(&m, "publish_webhook", 0);
    const msgpack_object *st = gl_map_get(&m, "steps");
    if (!st || st->type != MSGPACK_OBJECT_ARRAY) {
        out->steps = msgpack_zone_malloc(z, sizeof *out->steps);
        out->steps[0] = (struct gl_step){.name = "Approval", .who = "any"};
        out->nsteps = 1;
    } else {
        out->steps = msgpack_zone_malloc(z, sizeof *out->steps * (st->via.array.size + 1));
        for (uint32_t i = 0; i < st->via.array.size; i++) {
            const char *name = gl_field_str(&st->via.array.ptr[i], "name", z);
            const char *who = gl_field_str(&st->via.array.ptr[i], "who", z);
            const char *approver = gl_field_str(&st->via.array.ptr[i], "approver", z);
            if (name && who) out->steps[out->nsteps++] = (struct gl_step){name, who, approver};
        }
    }
    return out->name && out->timezone ? 0 : -1;
}

int gl_profile_load(struct gl_txn *t, uint64_t id, msgpack_zone *z, struct gl_profile *out)
{
    struct gl_key k;
    MDB_val v;
    key_id(&k, id);
    if (id == 0 || gl_get(t, DB_PROFILES, &k, &v) != 0) return -1;
    return gl_profile_decode(&v, z, out);
}

void gl_profile_pack(msgpack_packer *pk, const struct gl_profile *p)
{
    msgpack_pack_map(pk, PROFILE_FIELDS);
    profile_fields(pk, p);
}

/* ---- posts ---- */

static void pack_approvals(msgpack_packer *pk, const struct gl_post *p)
{
    msgpack_pack_array(pk, p->napprovals);
    for (size_t i = 0; i < p->napprovals; i++) {
        const struct gl_approval *a = &p->approvals[i];
        msgpack_pack_map(pk, 6);
        gl_pack_kv_int(pk, "step", a->step);
        gl_pack_kv_str(pk, "decision", a->approved ? "approved" : "rejected");
        gl_pack_kv_str(pk, "by", a->by);
        gl_pack_kv_id(pk, "link", a->link);
        gl_pack_kv_int(pk, "at", a->at);
        gl_pack_kv_int(pk, "revision", a->revision);
    }
}

/* The fields shared by the stored and the wire form: POST_FIELDS pairs. A stored post holds
 * them last and byte for byte as post.get and post.list send them, so a list copies them
 * (gl_post_wire_fields). Change a field here, its type or its order: bump POST_WIRE_FORM. */
static void post_fields(msgpack_packer *pk, const struct gl_post *p)
{
    gl_pack_kv_int(pk, "id", (int64_t)p->id);
    gl_pack_kv_int(pk, "profile", (int64_t)p->profile);
    gl_pack_kv_str(pk, "caption", p->caption);
    gl_pack_key(pk, "platforms");
    pack_strlist(pk, p->platforms, p->nplatforms);
    pack_time(pk, "scheduled_at", p->scheduled_at);
    gl_pack_kv_str(pk, "notes", p->notes ? p->notes : "");
    gl_pack_key(pk, "media");
    pack_intlist(pk, p->media, p->nmedia);
    gl_pack_kv_str(pk, "status", gl_status_name(p->status));
    gl_pack_kv_int(pk, "revision", p->revision);
    gl_pack_kv_str(pk, "creator", p->creator);
    gl_pack_kv_int(pk, "created_at", p->created_at);
    gl_pack_kv_int(pk, "updated_at", p->updated_at);
    gl_pack_kv_int(pk, "comment_count", p->comment_count);
    gl_pack_key(pk, "approvals");
    pack_approvals(pk, p);
    gl_pack_kv_bool(pk, "overdue", p->overdue);
}
#define POST_FIELDS 15
/* Which post_fields a stored post's tail holds; records written before it have none. */
#define POST_WIRE_FORM 1
#define POST_WIRE_KEY "wire"
/* The stored post's pairs before post_fields: v, wire, rev_open, reminded. */
#define POST_HEAD_PAIRS 4

void gl_post_encode(const struct gl_post *p, msgpack_sbuffer *sb)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
    gl_record_begin(&pk, POST_HEAD_PAIRS + POST_FIELDS);
    gl_pack_kv_int(&pk, POST_WIRE_KEY, POST_WIRE_FORM);
    gl_pack_kv_bool(&pk, "rev_open", p->rev_open);
    gl_pack_kv_bool(&pk, "reminded", p->reminded);
    post_fields(&pk, p);
}

void gl_post_encode_wire_fields(const struct gl_post *p, msgpack_sbuffer *sb)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
    post_fields(&pk, p);
}

/* The length of the one object at p[0..n), or 0 when there is none whole. */
static size_t mp_object_len(const char *p, size_t n)
{
    struct gl_mp_scanner sc;
    gl_mp_scanner_reset(&sc);
    struct gl_mp_limits lim = {.max_bytes = n, .max_depth = GL_MP_MAX_DEPTH, .max_elems = n};
    long len = gl_mp_scan(&sc, p, n, &lim);
    return len > 0 ? (size_t)len : 0;
}

bool gl_post_wire_fields(const MDB_val *v, MDB_val *fields)
{
    const char *p = v->mv_data;
    size_t n = v->mv_size;
    /* Whole and well formed, so what is copied out cannot break the reply's framing. */
    if (mp_object_len(p, n) != n) return false;
    uint32_t pairs;
    size_t at;
    unsigned char h = n ? (unsigned char)p[0] : 0;
    if ((h & 0xf0) == 0x80) {
        pairs = h & 0x0f;
        at = 1;
    } else if (h == 0xde && n >= 3) {
        pairs = (uint32_t)((unsigned char)p[1] << 8 | (unsigned char)p[2]);
        at = 3;
    } else {
        return false;
    }
    if (pairs != POST_HEAD_PAIRS + POST_FIELDS) return false;
    static const char wire_pair[] = {(char)(0xa0 | (sizeof POST_WIRE_KEY - 1)), 'w', 'i', 'r', 'e',
                                     POST_WIRE_FORM};
    _Static_assert(sizeof POST_WIRE_KEY - 1 == 4 && POST_WIRE_FORM < 128,
                   "wire_pair spells the key and a positive fixint");
    for (int i = 0; i < 2 * POST_HEAD_PAIRS; i++) {
        if (i == 2 && (n - at < sizeof wire_pair || memcmp(p + at, wire_pair, sizeof wire_pair)))
            return false;
        size_t len = mp_object_len(p + at, n - at);
        if (!len) return false;
        at += len;
    }
    fields->mv_data = (char *)p + at;
    fields->mv_size = n - at;
    return true;
}

void gl_post_pack_wire_fields(msgpack_packer *pk, const MDB_val *fields)
{
    msgpack_pack_map(pk, POST_FIELDS);
    pk->callback(pk->data, fields->mv_data, fields->mv_size);
}

void gl_post_pack(msgpack_packer *pk, const struct gl_post *p, unsigned extra_fields)
{
    msgpack_pack_map(pk, POST_FIELDS + extra_fields);
    post_fields(pk, p);
}

int gl_post_decode(const MDB_val *v, msgpack_zone *z, struct gl_post *out)
{
    msgpack_object m;
    if (gl_record_unpack(v, z, &m)) return -1;
    memset(out, 0, sizeof *out);
    out->id = (uint64_t)gl_field_int(&m, "id", 0);
    out->profile = (uint64_t)gl_field_int(&m, "profile", 0);
    out->caption = gl_field_str(&m, "caption", z);
    out->platforms = gl_field_strlist(&m, "platforms", z, &out->nplatforms);
    out->scheduled_at = gl_field_int(&m, "scheduled_at", GL_TIME_NONE);
    out->notes = gl_field_str(&m, "notes", z);
    out->media = gl_field_intlist(&m, "media", z, &out->nmedia);
    const char *st = gl_field_str(&m, "status", z);
    int s = st ? gl_status_parse(st) : -1;
    out->status = s < 0 ? ST_DRAFT : (enum gl_status)s;
    out->revision = (uint32_t)gl_field_int(&m, "revision", 1);
    out->rev_open = gl_field_bool(&m, "rev_open");
    out->creator = gl_field_str(&m, "creator", z);
    out->created_at = gl_field_int(&m, "created_at", 0);
    out->updated_at = gl_field_int(&m, "updated_at", 0);
    out->comment_count = (uint32_t)gl_field_int(&m, "comment_count", 0);
    out->overdue = gl_field_bool(&m, "overdue");
    out->reminded = gl_field_bool(&m, "reminded");
    const msgpack_object *ap = gl_map_get(&m, "approvals");
    if (ap && ap->type == MSGPACK_OBJECT_ARRAY && ap->via.array.size) {
        out->approvals = msgpack_zone_malloc(z, sizeof *out->approvals * ap->via.array.size);
        for (uint32_t i = 0; i < ap->via.array.size; i++) {
            const msgpack_object *a = &ap->via.array.ptr[i];
            struct gl_approval *d = &out->approvals[out->napprovals++];
            d->step = (uint32_t)gl_field_int(a, "step", 1);
            const char *dec = gl_field_str(a, "decision", z);
            d->approved = dec && strcmp(dec, "approved") == 0;
            d->by = gl_field_str(a, "by", z);
            d->link = (uint64_t)gl_field_int(a, "link", 0);
            d->at = gl_field_int(a, "at", 0);
            d->revision = (uint32_t)gl_field_int(a, "revision", 0);
        }
    }
    if (!out->caption) out->caption = "";
    if (!out->creator) out->creator = "";
    return out->id && out->profile ? 0 : -1;
}

/* ---- history and comments ---- */

RECORD_CODEC(history, GL_HISTORY_FIELDS, DB_HISTORY, 0)

void gl_history_pack(msgpack_packer *pk, const struct gl_history *r)
{
    msgpack_pack_map(pk, 0 GL_HISTORY_FIELDS(FIELD_COUNT));
    GL_HISTORY_FIELDS(PACK_FIELD)
}

RECORD_CODEC(comment, GL_COMMENT_FIELDS, DB_COMMENTS, 0)

void gl_comment_pack(msgpack_packer *pk, const struct gl_comment *r)
{
    msgpack_pack_map(pk, 0 GL_COMMENT_FIELDS(FIELD_COUNT));
    GL_COMMENT_FIELDS(PACK_FIELD)
}

/* The children of post in db (keyed (post, seq)), each decoded by one of the two. */
static int each_child(struct gl_txn *t, msgpack_zone *z, enum gl_db db, uint64_t post,
                      bool (*visit)(const MDB_val *v, msgpack_zone *z, void *fn, void *ctx),
                      void *fn, void *ctx)
{
    struct gl_key lo, hi;
    key_child(&lo, post, 0);
    key_child(&hi, post + 1, 0);
    struct gl_range r;
    if (gl_range_open(t, db, &lo, &hi, &r)) return -1;
    MDB_val key, val;
    while (gl_range_next(&r, &key, &val))
        if (!visit(&val, z, fn, ctx)) break;
    gl_range_close(&r);
    return 0;
}

struct history_fn {
    bool (*fn)(const struct gl_history *h, void *ctx);
};
struct comment_fn {
    bool (*fn)(const struct gl_comment *c, void *ctx);
};

static bool visit_history(const MDB_val *v, msgpack_zone *z, void *fn, void *ctx)
{
    struct gl_history h;
    return gl_history_decode(v, z, &h) != 0 || ((struct history_fn *)fn)->fn(&h, ctx);
}

static bool visit_comment(const MDB_val *v, msgpack_zone *z, void *fn, void *ctx)
{
    struct gl_comment c;
    return gl_comment_decode(v, z, &c) != 0 || ((struct comment_fn *)fn)->fn(&c, ctx);
}

int gl_history_each(struct gl_txn *t, msgpack_zone *z, uint64_t post,
                    bool (*fn)(const struct gl_history *h, void *ctx), void *ctx)
{
    struct history_fn f = {fn};
    return each_child(t, z, DB_HISTORY, post, visit_history, &f, ctx);
}

int gl_comments_each(struct gl_txn *t, msgpack_zone *z, uint64_t post,
                     bool (*fn)(const struct gl_comment *c, void *ctx), void *ctx)
{
    struct comment_fn f = {fn};
    return each_child(t, z, DB_COMMENTS, post, visit_comment, &f, ctx);
}

/* ---- media ---- */

void gl_media_encode(const struct gl_media *m, msgpack_sbuffer *sb)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
    gl_record_begin(&pk, 11 + (m->sha256 != NULL));
    gl_pack_kv_int(&pk, "id", (int64_t)m->id);
    gl_pack_kv_str(&pk, "name", m->name);
    gl_pack_kv_str(&pk, "type", m->type);
    gl_pack_kv_int(&pk, "size", m->size);
    gl_pack_kv_str(&pk, "uploaded_by", m->uploaded_by);
    gl_pack_kv_int(&pk, "at", m->at);
    gl_pack_kv_int(&pk, "width", m->width);
    gl_pack_kv_int(&pk, "height", m->height);
    gl_pack_kv_str(&pk, "alt", m->alt ? m->alt : "");
    if (m->sha256) {
        gl_pack_key(&pk, "sha256");
        msgpack_pack_bin_with_body(&pk, m->sha256, 32);
    }
    gl_pack_key(&pk, "data");
    msgpack_pack_bin_with_body(&pk, m->data, m->len);
}

int gl_media_decode(const MDB_val *v, msgpack_zone *z, struct gl_media *out)
{
    msgpack_object m;
    if (gl_record_unpack(v, z, &m)) return -1;
    const msgpack_object *d = gl_map_get(&m, "data");
    const char *alt = gl_field_str(&m, "alt", z);
    *out = (struct gl_media){
        .id = (uint64_t)gl_field_int(&m, "id", 0),
        .name = gl_field_str(&m, "name", z),
        .type = gl_field_str(&m, "type", z),
        .size = gl_field_int(&m, "size", 0),
        .uploaded_by = gl_field_str(&m, "uploaded_by", z),
        .at = gl_field_int(&m, "at", 0),
        .width = (int)gl_field_int(&m, "width", 0),
        .height = (int)gl_field_int(&m, "height", 0),
        .alt = alt ? alt : "",
    };
    if (!out->name) out->name = "";
    if (!out->type) out->type = "";
    const msgpack_object *h = gl_map_get(&m, "sha256");
    if (h && h->type == MSGPACK_OBJECT_BIN && h->via.bin.size == 32)
        out->sha256 = (const unsigned char *)h->via.bin.ptr;
    if (d && d->type == MSGPACK_OBJECT_BIN) {
        out->data = (const unsigned char *)d->via.bin.ptr;
        out->len = d->via.bin.size;
    }
    /* Uploaded before sizes were stored: the header still says. */
    if ((out->width <= 0 || out->height <= 0) &&
        !gl_image_size(out->data, out->len, &out->width, &out->height))
        out->width = out->height = 0;
    return 0;
}

int gl_media_load(struct gl_txn *t, uint64_t id, msgpack_zone *z, struct gl_media *out)
{
    struct gl_key k;
    MDB_val v;
    key_id(&k, id);
    if (id == 0 || gl_get(t, DB_MEDIA, &k, &v) != 0) return -1;
    return gl_media_decode(&v, z, out);
}

void gl_media_pack_info(msgpack_packer *pk, const struct gl_media *m)
{
    msgpack_pack_map(pk, 7);
    gl_pack_kv_int(pk, "id", (int64_t)m->id);
    gl_pack_kv_str(pk, "name", m->name);
    gl_pack_kv_str(pk, "type", m->type);
    gl_pack_kv_int(pk, "size", m->size);
    gl_pack_key(pk, "width");
    if (m->width > 0) msgpack_pack_int(pk, m->width); else msgpack_pack_nil(pk);
    gl_pack_key(pk, "height");
    if (m->height > 0) msgpack_pack_int(pk, m->height); else msgpack_pack_nil(pk);
    gl_pack_kv_str(pk, "alt", m->alt);
}

void gl_media_save(struct gl_txn *t, const struct gl_media *m)
{
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    gl_media_encode(m, &sb);
    struct gl_key k;
    key_id(&k, m->id);
    gl_put(t, DB_MEDIA, &k, sb.data, sb.size);
    msgpack_sbuffer_destroy(&sb);
}

/* ---- links ---- */

static const char *const link_kind_names[LINK_KIND_COUNT] = {"calendar", "collab", "approval"};

const char *gl_link_kind_name(enum gl_link_kind k)
{
    return (unsigned)k < LINK_KIND_COUNT ? link_kind_names[k] : "unknown";
}

int gl_link_kind_parse(const char *name)
{
    for (int i = 0; i < LINK_KIND_COUNT; i++)
        if (strcmp(link_kind_names[i], name) == 0) return i;
    return -1;
}

static int link_finish(struct gl_link *out)
{
    if (!out->created_by) out->created_by = "";
    return out->id && out->profile ? 0 : -1;
}
RECORD_CODEC(link, GL_LINK_FIELDS, DB_LINKS, link_finish(out))
RECORD_GET(link, DB_LINKS)

/* ---- visitors' sessions ---- */

static int session_finish(struct gl_session *out)
{
    if (!out->name) out->name = "";
    return 0;
}
RECORD_CODEC(session, GL_SESSION_FIELDS, DB_SESSIONS, session_finish(out))
RECORD_GET(session, DB_SESSIONS)

unsigned gl_sessions_each(struct gl_txn *t, msgpack_zone *z,
                          enum gl_each (*fn)(const struct gl_session *s, void *ctx), void *ctx)
{
    /* Every key is a GL_HASH_BYTES hash. */
    struct gl_key lo, hi;
    memset(lo.b, 0, GL_HASH_BYTES);
    lo.n = GL_HASH_BYTES;
    memset(hi.b, 0xff, GL_HASH_BYTES);
    hi.n = GL_HASH_BYTES;
    struct gl_range r;
    if (gl_range_open(t, DB_SESSIONS, &lo, &hi, &r)) return 0;
    MDB_val key, val;
    unsigned dropped = 0;
    while (gl_range_next(&r, &key, &val)) {
        struct gl_session s;
        msgpack_zone_clear(z);
        enum gl_each e = fn(gl_session_decode(&val, z, &s) == 0 ? &s : NULL, ctx);
        if (e == GL_EACH_STOP) break;
        if (e == GL_EACH_KEEP) continue;
        int rc = mdb_cursor_del(r.cur, 0);
        if (rc) {
            t->rc = rc;
            break;
        }
        dropped++;
    }
    gl_range_close(&r);
    return dropped;
}

/* ---- what a visitor saw ---- */

static int seen_finish(struct gl_seen *out)
{
    if (!out->caption) out->caption = "";
    return 0;
}
RECORD_CODEC(seen, GL_SEEN_FIELDS, DB_LINK_SEEN, seen_finish(out))
RECORD_GET(seen, DB_LINK_SEEN)

/* ---- notifications ---- */

RECORD_CODEC(notification, GL_NOTIFICATION_FIELDS, DB_NOTIFICATIONS, 0)

void gl_notification_pack(msgpack_packer *pk, const struct gl_notification *r)
{
/* The wire form is the stored one without its bookkeeping: "v" and mailed. */
#define WIRE_COUNT(kind, m, key) +(strcmp(key, "mailed") != 0)
#define WIRE_FIELD(kind, m, key)                                                                   \
    if (strcmp(key, "mailed") != 0) PACK_##kind(pk, key, r, m);
    msgpack_pack_map(pk, 0 GL_NOTIFICATION_FIELDS(WIRE_COUNT));
    GL_NOTIFICATION_FIELDS(WIRE_FIELD)
#undef WIRE_COUNT
#undef WIRE_FIELD
}

void gl_notification_save(struct gl_txn *t, const char *user, const struct gl_notification *n)
{
    struct gl_key k;
    key_user_seq(&k, user, n->id);
    gl_notification_put(t, &k, n);
}

/* ---- webhook endpoints and deliveries ---- */

_Static_assert(GL_WEBHOOK_SECRET_BYTES == GL_HASH_BYTES, "the secret is stored as a HASH is");
RECORD_CODEC_SECRET(webhook, GL_WEBHOOK_FIELDS, DB_WEBHOOKS, out->id && out->url ? 0 : -1)
RECORD_GET(webhook, DB_WEBHOOKS)
RECORD_CODEC(delivery, GL_DELIVERY_FIELDS, DB_WEBHOOK_OUTBOX,
             out->id && out->endpoint && out->body ? 0 : -1)
RECORD_GET(delivery, DB_WEBHOOK_OUTBOX)

/* ---- the mail outbox ---- */

static int mail_queued_finish(const struct gl_mail_queued *out)
{
    return out->to && out->subject && out->body && strlen(out->msgid) == GL_MAIL_MSGID_LEN - 1
               ? 0
               : -1;
}
RECORD_CODEC(mail_queued, GL_MAIL_QUEUED_FIELDS, DB_MAIL_OUTBOX, mail_queued_finish(out))

/* ---- approval receipts and their signing keys ---- */

RECORD_CODEC(receipt_record, GL_RECEIPT_RECORD_FIELDS, DB_RECEIPTS, 0)
RECORD_GET(receipt_record, DB_RECEIPTS)
RECORD_CODEC_SECRET(receipt_key, GL_RECEIPT_KEY_FIELDS, DB_RECEIPT_KEYS, 0)
