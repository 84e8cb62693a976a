/* The checks before approval (warnings.h): the network rules applied through the previews'
 * own counts and crops, so a warning and the frame beside it never disagree. */
#include "warnings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "netrules.h"
#include "preview.h"
#include "rpc.h"
#include "storekeys.h"
#include "tz.h"
#include "xmalloc.h"

#define WARNING_NAME(id, code, text) [id] = code,
#define WARNING_TEXT(id, code, text) [id] = text,
static const char *const warning_names[W_COUNT] = {GL_WARNINGS(WARNING_NAME)};
static const char *const warning_texts[W_COUNT] = {GL_WARNINGS(WARNING_TEXT)};
#undef WARNING_NAME
#undef WARNING_TEXT

const char *gl_warning_name(enum gl_warning_code c)
{
    return (unsigned)c < W_COUNT ? warning_names[c] : "unknown";
}

const char *gl_warning_template(enum gl_warning_code c)
{
    return (unsigned)c < W_COUNT ? _(warning_texts[c]) : "";
}

/* What a template's {names} are filled from. */
struct facts {
    const char *platform; /* a network's label */
    long count, limit;
    const char *image;
    int width;
    char ratio[32], range[80], time[48];
    const char *zone;
};

static void ratio_text(char *out, size_t n, long w, long h)
{
    long a = w, b = h;
    while (b) {
        long t = a % b;
        a = b;
        b = t;
    }
    long g = a ? a : 1;
    if (w / g <= 32 && h / g <= 32)
        snprintf(out, n, "%ld:%ld", w / g, h / g);
    else if (w >= h)
        snprintf(out, n, "%.2f:1", (double)w / (double)h);
    else
        snprintf(out, n, "1:%.2f", (double)h / (double)w);
}

/* The template with each {name} replaced; an unknown name is left as written. */
static void fill(const char *tpl, const struct facts *f, char *out, size_t n)
{
    size_t o = 0;
    for (const char *s = tpl; *s && o + 1 < n;) {
        const char *end = *s == '{' ? strchr(s, '}') : NULL;
        if (!end) {
            out[o++] = *s++;
            continue;
        }
        char val[96];
        const char *v = NULL;
        size_t klen = (size_t)(end - s - 1);
#define KEY(k) (klen == sizeof k - 1 && memcmp(s + 1, k, klen) == 0)
        if (KEY("platform")) v = f->platform;
        else if (KEY("image")) v = f->image;
        else if (KEY("ratio")) v = f->ratio;
        else if (KEY("range")) v = f->range;
        else if (KEY("time")) v = f->time;
        else if (KEY("zone")) v = f->zone;
        else if (KEY("count")) snprintf(val, sizeof val, "%ld", f->count), v = val;
        else if (KEY("limit")) snprintf(val, sizeof val, "%ld", f->limit), v = val;
        else if (KEY("over")) snprintf(val, sizeof val, "%ld", f->count - f->limit), v = val;
        else if (KEY("width")) snprintf(val, sizeof val, "%d", f->width), v = val;
#undef KEY
        if (!v) {
            out[o++] = *s++;
            continue;
        }
        size_t l = strlen(v);
        if (l > n - 1 - o) l = n - 1 - o;
        memcpy(out + o, v, l);
        o += l;
        s = end + 1;
    }
    out[o] = '\0';
}

static void add(struct gl_warnings *w, enum gl_warning_code code, const char *platform,
                const struct facts *f)
{
    if (w->n == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 8;
        w->items = xrealloc(w->items, w->cap * sizeof *w->items);
    }
    struct gl_warning *it = &w->items[w->n++];
    it->code = code;
    it->platform = platform;
    fill(gl_warning_template(code), f, it->message, sizeof it->message);
}

static bool blank(const char *s)
{
    for (; s && *s; s++)
        if (!strchr(" \t\r\n", *s)) return false;
    return true;
}

/* Only a post still to be published can be moved. */
static bool still_to_publish(enum gl_status s)
{
    return s == ST_DRAFT || s == ST_AWAITING || s == ST_CHANGES || s == ST_APPROVED ||
           s == ST_SCHEDULED;
}

static void check_time(const struct gl_post *p, const struct gl_profile *prof, int64_t now,
                       struct gl_warnings *out)
{
    if (p->scheduled_at == GL_TIME_NONE || !still_to_publish(p->status)) return;
    const char *zone = prof && prof->timezone ? prof->timezone : "UTC";
    struct facts f = {.zone = zone};
    struct tm tm;
    gl_tz_local(zone, p->scheduled_at, &tm);
    /* TRANSLATORS: a warning's time, a strftime format; in English "Wed 09 Dec 2026 03:25". */
    gl_strftime(f.time, sizeof f.time, /* xgettext:no-c-format */ _("%a %d %b %Y %H:%M"), &tm);
    if (p->scheduled_at < now)
        add(out, W_PAST, NULL, &f);
    else if (tm.tm_hour >= GL_NIGHT_FROM || tm.tm_hour < GL_NIGHT_TO)
        add(out, W_NIGHT, NULL, &f);
}

static void check_platform(const struct gl_preview *pvp, size_t nmedia,
                           struct gl_warnings *out)
{
    const struct gl_preview pv = *pvp;
    const char *platform = pv.platform;
    const struct gl_netrule *r = pv.rule;
    struct facts f = {.platform = r ? r->label : platform};
    if (!r) {
        add(out, W_NO_RULES, platform, &f);
        return;
    }
    const struct {
        enum gl_warning_code code;
        int count, limit; /* limit 0: none documented */
    } counted[] = {
        {W_CAPTION_LONG, pv.count, r->limit},
        {W_HASHTAGS, pv.hashtags, r->max_hashtags},
        {W_MENTIONS, pv.mentions, r->max_mentions},
        {W_LINKS, pv.links, r->max_links},
    };
    for (size_t i = 0; i < sizeof counted / sizeof counted[0]; i++) {
        if (counted[i].limit > 0 && counted[i].count > counted[i].limit) {
            f.count = counted[i].count, f.limit = counted[i].limit;
            add(out, counted[i].code, platform, &f);
        }
    }
    if (pv.links > 0 && !r->links_clickable) add(out, W_LINK_DEAD, platform, &f);
    if (r->max_images > 0 && nmedia > (size_t)r->max_images) {
        f.count = (long)nmedia, f.limit = r->max_images;
        add(out, W_IMAGES, platform, &f);
    }
    bool ratios = r->widest.w > 0 || r->tallest.w > 0;
    for (size_t i = 0; i < pv.nimages; i++) {
        const struct gl_preview_image *im = &pv.images[i];
        if (!im->shown) continue;
        f.image = im->media->name;
        if (!im->sized) {
            if (r->min_width > 0 || ratios) add(out, W_UNSIZED, platform, &f);
            continue;
        }
        if (r->min_width > 0 && im->media->width < r->min_width) {
            f.width = im->media->width, f.limit = r->min_width;
            add(out, W_SMALL, platform, &f);
        }
        if (im->feed_cropped) {
            char a[32], b[32];
            ratio_text(f.ratio, sizeof f.ratio, im->media->width, im->media->height);
            ratio_text(a, sizeof a, r->tallest.w, r->tallest.h);
            ratio_text(b, sizeof b, r->widest.w, r->widest.h);
            /* TRANSLATORS: a range of aspect ratios, "4:5 to 1.91:1". */
            snprintf(f.range, sizeof f.range, _("%s to %s"), a, b);
            add(out, W_RATIO, platform, &f);
        }
    }
}

void gl_warnings_compute(const struct gl_post *p, const struct gl_profile *prof,
                         const struct gl_media *media, size_t nmedia,
                         const struct gl_preview *previews, int64_t now,
                         struct gl_warnings *out)
{
    check_time(p, prof, now, out);
    for (size_t i = 0; i < nmedia; i++) {
        if (!blank(media[i].alt)) continue;
        struct facts f = {.image = media[i].name};
        add(out, W_NO_ALT, NULL, &f);
    }
    msgpack_zone *z = previews ? NULL : msgpack_zone_new(4096);
    if (z) {
        struct gl_preview *made = msgpack_zone_malloc(z, (p->nplatforms + 1) * sizeof *made);
        gl_previews_make(p->caption, p->platforms, p->nplatforms, media, nmedia, z, made);
        previews = made;
    }
    for (size_t i = 0; i < p->nplatforms; i++) check_platform(&previews[i], nmedia, out);
    if (z) msgpack_zone_free(z);
}

void gl_warnings_free(struct gl_warnings *w)
{
    free(w->items);
    *w = (struct gl_warnings){0};
}

void gl_warnings_pack(msgpack_packer *pk, const struct gl_warnings *w)
{
    msgpack_pack_array(pk, w->n);
    for (size_t i = 0; i < w->n; i++) {
        msgpack_pack_map(pk, 3);
        gl_pack_kv_str(pk, "code", gl_warning_name(w->items[i].code));
        gl_pack_kv_str(pk, "platform", w->items[i].platform);
        gl_pack_kv_str(pk, "message", w->items[i].message);
    }
}
