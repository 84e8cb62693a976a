/* Decoding the daemon's objects into owned structs (model.h). */
#include "model.h"

#include <stdlib.h>
#include <string.h>

#include "rpc.h"
#include "tz.h"
#include "xmalloc.h"

/* Each status (protocol/statuses.h): its wire name, a short label for lists, one ASCII mark. */
#define MD_STATUS_ROW_(U, id, stored, name, label, cls, brief, mark)                               \
    [MS_##id] = {name, brief, mark},
static const struct {
    const char *name, *label;
    char mark;
} statuses[MS_COUNT] = {[MS_UNKNOWN] = {"unknown", "?", ' '}, GL_POST_STATUSES(MD_STATUS_ROW_, ~)};
#undef MD_STATUS_ROW_

const char *md_status_name(enum md_status s)
{
    return statuses[s < MS_COUNT ? s : MS_UNKNOWN].name;
}

const char *md_status_label(enum md_status s)
{
    return statuses[s < MS_COUNT ? s : MS_UNKNOWN].label;
}

char md_status_mark(enum md_status s)
{
    return statuses[s < MS_COUNT ? s : MS_UNKNOWN].mark;
}

enum md_status md_status_parse(const msgpack_object *o)
{
    if (!o) return MS_UNKNOWN;
    for (int i = 0; i < MS_UNKNOWN; i++)
        if (gl_obj_streq(o, statuses[i].name)) return (enum md_status)i;
    return MS_UNKNOWN;
}

char *md_get_str(const msgpack_object *map, const char *key)
{
    const msgpack_object *o = gl_map_get(map, key);
    if (!o || o->type != MSGPACK_OBJECT_STR) return NULL;
    return xstrndup(o->via.str.ptr, o->via.str.size);
}

int64_t md_get_int(const msgpack_object *map, const char *key, int64_t fallback)
{
    const msgpack_object *o = gl_map_get(map, key);
    int64_t v;
    return o && gl_obj_int(o, &v) ? v : fallback;
}

bool md_get_bool(const msgpack_object *map, const char *key, bool fallback)
{
    const msgpack_object *o = gl_map_get(map, key);
    return o && o->type == MSGPACK_OBJECT_BOOLEAN ? o->via.boolean : fallback;
}

const msgpack_object *md_get_array(const msgpack_object *map, const char *key)
{
    const msgpack_object *o = gl_map_get(map, key);
    return o && o->type == MSGPACK_OBJECT_ARRAY ? o : NULL;
}

static char *str_or_empty(const msgpack_object *map, const char *key)
{
    char *s = md_get_str(map, key);
    return s ? s : xstrdup("");
}

static void strlist_decode(const msgpack_object *map, const char *key, struct md_strlist *out)
{
    const msgpack_object *a = md_get_array(map, key);
    out->v = NULL;
    out->n = 0;
    if (!a) return;
    out->v = xcalloc(a->via.array.size + 1, sizeof *out->v);
    for (uint32_t i = 0; i < a->via.array.size; i++) {
        const msgpack_object *s = &a->via.array.ptr[i];
        if (s->type == MSGPACK_OBJECT_STR)
            out->v[out->n++] = xstrndup(s->via.str.ptr, s->via.str.size);
    }
}

static int64_t *intlist_decode(const msgpack_object *map, const char *key, size_t *n)
{
    const msgpack_object *a = md_get_array(map, key);
    *n = 0;
    if (!a || a->via.array.size == 0) return NULL;
    int64_t *v = xcalloc(a->via.array.size, sizeof *v);
    for (uint32_t i = 0; i < a->via.array.size; i++)
        if (gl_obj_int(&a->via.array.ptr[i], &v[*n])) (*n)++;
    return v;
}

void md_strlist_free(struct md_strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

void md_strlist_copy(struct md_strlist *dst, const struct md_strlist *src)
{
    dst->n = src->n;
    dst->v = xcalloc(src->n + 1, sizeof *dst->v);
    for (size_t i = 0; i < src->n; i++)
        dst->v[i] = xstrdup(src->v[i]);
}

char *md_strlist_join(const struct md_strlist *l, const char *sep)
{
    size_t len = 1;
    for (size_t i = 0; i < l->n; i++)
        len += strlen(l->v[i]) + strlen(sep);
    char *s = xmalloc(len);
    s[0] = '\0';
    for (size_t i = 0; i < l->n; i++) {
        if (i) strcat(s, sep);
        strcat(s, l->v[i]);
    }
    return s;
}

/* The word at or after s, of *len bytes (0: none left). */
static const char *next_word(const char *s, size_t *len)
{
    s += strspn(s, ", ");
    *len = strcspn(s, ", ");
    return s;
}

void md_pack_words(msgpack_packer *pk, const char *key, const char *text, size_t max)
{
    size_t n = 0, len;
    for (const char *w = next_word(text, &len); len && n < max; w = next_word(w + len, &len))
        n++;
    gl_pack_key(pk, key);
    msgpack_pack_array(pk, n);
    const char *w = next_word(text, &len);
    for (size_t i = 0; i < n; i++, w = next_word(w + len, &len))
        gl_pack_strn(pk, w, len);
}

/* The steps as the profile form writes them (view_form.c parses the same words back). */
static void steps_decode(const msgpack_object *arr, struct md_profile *out)
{
    size_t cap = 1, len = 0;
    out->steps = xcalloc(1, 1);
    for (uint32_t i = 0; arr && i < arr->via.array.size; i++) {
        const msgpack_object *st = &arr->via.array.ptr[i];
        char *name = md_get_str(st, "name"), *who = md_get_str(st, "who"),
             *appr = md_get_str(st, "approver");
        if (who && strcmp(who, "external") == 0) {
            free(who);
            who = xstrdup("approver");
        }
        char *one = xasprintf("%s%s: %s%s%s", len ? "; " : "", name ? name : "", who ? who : "any",
                              appr && *appr ? " " : "", appr ? appr : "");
        size_t n = strlen(one);
        out->steps = xrealloc(out->steps, cap += n);
        memcpy(out->steps + len, one, n + 1);
        len += n;
        free(one);
        free(name);
        free(who);
        free(appr);
    }
}

bool md_profile_decode(const msgpack_object *o, struct md_profile *out)
{
    memset(out, 0, sizeof *out);
    if (!o || o->type != MSGPACK_OBJECT_MAP) return false;
    out->id = md_get_int(o, "id", 0);
    out->name = str_or_empty(o, "name");
    out->timezone = md_get_str(o, "timezone");
    if (!out->timezone) out->timezone = xstrdup("UTC");
    strlist_decode(o, "platforms", &out->platforms);
    out->auto_schedule = md_get_bool(o, "auto_schedule", false);
    const msgpack_object *ws = gl_map_get(o, "week_start");
    out->week_sunday = ws && gl_obj_streq(ws, "sunday");
    out->reminder_minutes = md_get_int(o, "reminder_minutes", 60);
    out->display_name = str_or_empty(o, "display_name");
    out->language = str_or_empty(o, "language");
    out->accent = str_or_empty(o, "accent");
    out->sender_name = str_or_empty(o, "sender_name");
    out->logo = md_get_int(o, "logo", 0);
    out->credit = md_get_bool(o, "credit", true);
    steps_decode(md_get_array(o, "steps"), out);
    return true;
}

void md_profile_free(struct md_profile *p)
{
    free(p->name);
    free(p->timezone);
    free(p->steps);
    free(p->display_name);
    free(p->language);
    free(p->accent);
    free(p->sender_name);
    md_strlist_free(&p->platforms);
}

bool md_post_decode(const msgpack_object *o, struct md_post *out)
{
    memset(out, 0, sizeof *out);
    if (!o || o->type != MSGPACK_OBJECT_MAP) return false;
    out->id = md_get_int(o, "id", 0);
    out->profile = md_get_int(o, "profile", 0);
    out->caption = str_or_empty(o, "caption");
    out->notes = str_or_empty(o, "notes");
    out->creator = str_or_empty(o, "creator");
    strlist_decode(o, "platforms", &out->platforms);
    out->media = intlist_decode(o, "media", &out->nmedia);
    out->scheduled_at = md_get_int(o, "scheduled_at", 0);
    out->status = md_status_parse(gl_map_get(o, "status"));
    out->revision = md_get_int(o, "revision", 1);
    out->comment_count = md_get_int(o, "comment_count", 0);
    out->created_at = md_get_int(o, "created_at", 0);
    out->updated_at = md_get_int(o, "updated_at", 0);
    const msgpack_object *a = md_get_array(o, "approvals");
    if (a && a->via.array.size) {
        out->approvals = xcalloc(a->via.array.size, sizeof *out->approvals);
        for (uint32_t i = 0; i < a->via.array.size; i++) {
            const msgpack_object *e = &a->via.array.ptr[i];
            struct md_approval *ap = &out->approvals[out->napprovals++];
            ap->step = md_get_int(e, "step", 1);
            ap->at = md_get_int(e, "at", 0);
            ap->revision = md_get_int(e, "revision", 0);
            ap->decision = str_or_empty(e, "decision");
            ap->by = str_or_empty(e, "by");
        }
    }
    a = md_get_array(o, "comments");
    if (a && a->via.array.size) {
        out->comments = xcalloc(a->via.array.size, sizeof *out->comments);
        for (uint32_t i = 0; i < a->via.array.size; i++) {
            const msgpack_object *e = &a->via.array.ptr[i];
            struct md_comment *c = &out->comments[out->ncomments++];
            c->id = md_get_int(e, "id", 0);
            c->at = md_get_int(e, "at", 0);
            c->author = str_or_empty(e, "author");
            c->author_kind = str_or_empty(e, "author_kind");
            c->text = str_or_empty(e, "text");
            c->shared = md_get_bool(e, "shared", false);
        }
    }
    return true;
}

void md_post_localize(struct md_post *p, const char *zone)
{
    if (!p->scheduled_at) {
        p->ly = p->lm = p->ld = p->lhour = p->lmin = 0;
        return;
    }
    struct tm tm;
    gl_tz_local(zone, p->scheduled_at, &tm);
    p->ly = tm.tm_year + 1900;
    p->lm = tm.tm_mon + 1;
    p->ld = tm.tm_mday;
    p->lhour = tm.tm_hour;
    p->lmin = tm.tm_min;
}

void md_post_copy(struct md_post *dst, const struct md_post *src)
{
    *dst = *src;
    dst->caption = xstrdup(src->caption);
    dst->notes = xstrdup(src->notes);
    dst->creator = xstrdup(src->creator);
    md_strlist_copy(&dst->platforms, &src->platforms);
    dst->media = NULL;
    if (src->nmedia) {
        dst->media = xcalloc(src->nmedia, sizeof *dst->media);
        memcpy(dst->media, src->media, src->nmedia * sizeof *dst->media);
    }
    dst->approvals = NULL;
    if (src->napprovals) {
        dst->approvals = xcalloc(src->napprovals, sizeof *dst->approvals);
        for (size_t i = 0; i < src->napprovals; i++) {
            dst->approvals[i] = src->approvals[i];
            dst->approvals[i].decision = xstrdup(src->approvals[i].decision);
            dst->approvals[i].by = xstrdup(src->approvals[i].by);
        }
    }
    dst->comments = NULL;
    if (src->ncomments) {
        dst->comments = xcalloc(src->ncomments, sizeof *dst->comments);
        for (size_t i = 0; i < src->ncomments; i++) {
            dst->comments[i] = src->comments[i];
            dst->comments[i].author = xstrdup(src->comments[i].author);
            dst->comments[i].author_kind = xstrdup(src->comments[i].author_kind);
            dst->comments[i].text = xstrdup(src->comments[i].text);
        }
    }
}

void md_post_free(struct md_post *p)
{
    free(p->caption);
    free(p->notes);
    free(p->creator);
    md_strlist_free(&p->platforms);
    free(p->media);
    for (size_t i = 0; i < p->napprovals; i++) {
        free(p->approvals[i].decision);
        free(p->approvals[i].by);
    }
    free(p->approvals);
    for (size_t i = 0; i < p->ncomments; i++) {
        free(p->comments[i].author);
        free(p->comments[i].author_kind);
        free(p->comments[i].text);
    }
    free(p->comments);
    memset(p, 0, sizeof *p);
}

bool md_history_decode(const msgpack_object *o, struct md_history *out)
{
    memset(out, 0, sizeof *out);
    if (!o || o->type != MSGPACK_OBJECT_MAP) return false;
    out->seq = md_get_int(o, "seq", 0);
    out->at = md_get_int(o, "at", 0);
    out->revision = md_get_int(o, "revision", 0);
    out->scheduled_at = md_get_int(o, "scheduled_at", 0);
    out->link = md_get_int(o, "link", 0);
    out->type = str_or_empty(o, "type");
    out->actor = str_or_empty(o, "actor");
    out->actor_kind = str_or_empty(o, "actor_kind");
    out->note = str_or_empty(o, "note");
    out->from = str_or_empty(o, "from");
    out->to = str_or_empty(o, "to");
    return true;
}

void md_history_free(struct md_history *h)
{
    free(h->type);
    free(h->actor);
    free(h->actor_kind);
    free(h->note);
    free(h->from);
    free(h->to);
}

bool md_event_decode(const msgpack_object *o, struct md_event *out)
{
    memset(out, 0, sizeof *out);
    if (!o || o->type != MSGPACK_OBJECT_MAP) return false;
    out->type = str_or_empty(o, "type");
    out->actor = str_or_empty(o, "actor");
    out->text = str_or_empty(o, "text");
    out->status = str_or_empty(o, "status");
    out->post = md_get_int(o, "post", 0);
    out->profile = md_get_int(o, "profile", 0);
    out->link = md_get_int(o, "link", 0);
    out->at = md_get_int(o, "at", 0);
    out->id = md_get_int(o, "id", 0);
    out->read = md_get_bool(o, "read", false);
    return true;
}

void md_event_free(struct md_event *e)
{
    free(e->type);
    free(e->actor);
    free(e->text);
    free(e->status);
}

bool md_link_decode(const msgpack_object *o, struct md_link *out)
{
    memset(out, 0, sizeof *out);
    if (!o || o->type != MSGPACK_OBJECT_MAP) return false;
    out->id = md_get_int(o, "id", 0);
    out->profile = md_get_int(o, "profile", 0);
    out->created_at = md_get_int(o, "created_at", 0);
    out->expires_at = md_get_int(o, "expires_at", 0);
    out->last_opened = md_get_int(o, "last_opened", 0);
    out->opens = md_get_int(o, "opens", 0);
    out->requested_at = md_get_int(o, "requested_at", 0);
    out->kind = str_or_empty(o, "kind");
    out->approver = str_or_empty(o, "approver");
    out->status = str_or_empty(o, "status");
    out->created_by = str_or_empty(o, "created_by");
    out->password = md_get_bool(o, "password", false);
    out->posts = intlist_decode(o, "posts", &out->nposts);
    return true;
}

void md_link_free(struct md_link *l)
{
    free(l->kind);
    free(l->approver);
    free(l->status);
    free(l->created_by);
    free(l->posts);
}
