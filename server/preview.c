/* Previews of a post per network (preview.h). Text is walked in grapheme clusters
 * (common/uwidth.c), never cut inside one; character classes and clusters are Unicode's
 * whatever the process's locale, through a thread-local C.UTF-8 LC_CTYPE (wcwidth and
 * iswalnum read it). */
#include "preview.h"

#include <locale.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "rpc.h"
#include "uwidth.h"

/* ---- a UTF-8 LC_CTYPE for the calls below (wcwidth, iswalnum read it) ---- */

static locale_t utf8_locale(void)
{
    static locale_t l;       /* made once, kept for the process's life */
    static bool tried;
    if (!tried) {
        tried = true;
        l = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    }
    return l;
}

/* Returns the locale to restore, or 0 when none was switched (no C.UTF-8: the process's). */
static locale_t enter_utf8(void)
{
    locale_t l = utf8_locale();
    return l ? uselocale(l) : (locale_t)0;
}

static void leave_utf8(locale_t old)
{
    if (old) uselocale(old);
}

/* ---- code points ---- */

#define BAD_CP 0xfffdu

/* The code point at s (n > 0 bytes); returns its length, 1 for a bad byte. */
static size_t cp_at(const char *s, size_t n, uint32_t *cp)
{
    if ((unsigned char)s[0] < 0x80) { /* ASCII, most of a caption: itself */
        *cp = (unsigned char)s[0];
        return 1;
    }
    return gl_uw_codepoint(s, n, cp);
}

/* A character of a hashtag or user name: letters and digits of any script, their marks, '_'. */
static bool word_cp(uint32_t cp)
{
    if (cp == '_') return true;
    if (cp < 0x80) return (cp >= '0' && cp <= '9') || ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z');
    if (cp == BAD_CP) return false;
    return iswalnum((wint_t)cp) || (cp >= 0x300 && cp != 0x200b && cp != 0x200d &&
                                    wcwidth((wchar_t)cp) == 0);
}

static bool ascii_name(unsigned char c)
{
    return c == '_' || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

static bool url_end(uint32_t cp)
{
    return cp <= ' ' || cp == 0x7f || cp == '<' || cp == '>' || cp == '"' || iswspace((wint_t)cp);
}

/* ---- spans ---- */

/* How long a link starting at s is (0: none starts there): "http://", "https://" or "www."
 * followed by anything up to white space, less trailing punctuation. Bare domains
 * ("example.com") are not recognised: a network that links them is undercounted by the
 * few characters a URL is over 23, and an Instagram caption with one is not warned about. */
static size_t link_at(const char *s, size_t n)
{
    static const char *const prefixes[] = {"https://", "http://", "www."};
    if ((s[0] | 0x20) != 'h' && (s[0] | 0x20) != 'w') return 0;
    size_t p = 0;
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0] && !p; i++) {
        size_t l = strlen(prefixes[i]);
        if (n > l && strncasecmp(s, prefixes[i], l) == 0) p = l;
    }
    if (!p) return 0;
    size_t j = p;
    int open = 0;
    while (j < n) {
        uint32_t cp;
        size_t l = cp_at(s + j, n - j, &cp);
        if (url_end(cp)) break;
        if (cp == '(') open++;
        if (cp == ')') open--;
        j += l;
    }
    /* Punctuation that ends a sentence is not part of the link; a ')' is when it closes one
     * the link opened (Wikipedia's "Foo_(bar)"). */
    while (j > p) {
        char c = s[j - 1];
        if (c == ')' && open >= 0) break;
        if (!strchr(".,:;!?'\")]}*", c)) break;
        if (c == ')') open++;
        j--;
    }
    return j > p ? j : 0;
}

/* A hashtag: '#' and word characters with at least one letter ("#1" is not a tag anywhere,
 * nor the keycap emoji "#️⃣", a '#' and two marks). */
static size_t hashtag_at(const char *s, size_t n)
{
    size_t j = 1;
    bool letter = false;
    while (j < n) {
        uint32_t cp;
        size_t l = cp_at(s + j, n - j, &cp);
        if (!word_cp(cp)) break;
        if (cp == '_' || (!(cp >= '0' && cp <= '9') && iswalnum((wint_t)cp))) letter = true;
        j += l;
    }
    return letter ? j : 0;
}

/* A mention: '@' and a user name ('.' inside, as Instagram and Threads allow), then for the
 * fediverse "@server" when it has a dot. *server gets the bytes of "@user". */
static size_t mention_at(const char *s, size_t n, size_t *server)
{
    size_t j = 1;
    while (j < n && (ascii_name((unsigned char)s[j]) || s[j] == '.')) j++;
    while (j > 1 && s[j - 1] == '.') j--;
    if (j == 1) return 0;
    *server = j;
    if (j + 1 < n && s[j] == '@') {
        size_t k = j + 1;
        bool dot = false;
        while (k < n && (ascii_name((unsigned char)s[k]) || s[k] == '.' || s[k] == '-')) {
            if (s[k] == '.') dot = true;
            k++;
        }
        while (k > j + 1 && (s[k - 1] == '.' || s[k - 1] == '-')) k--;
        if (dot && k > j + 1 && s[k - 1] != '@') return k;
    }
    return j;
}

/* Walks caption; fills out (when not NULL, room for cap) and returns the number of spans. */
static size_t scan(const char *s, struct gl_span *out, size_t cap)
{
    size_t n = strlen(s), i = 0, count = 0;
    uint32_t prev = ' ';
    while (i < n) {
        struct gl_span sp = {0};
        size_t len = 0;
        /* A tag, mention or link begins a word: not glued to letters (an e-mail address,
         * "a#b") or to an '&' ("&#39;"). */
        if (!word_cp(prev) && prev != '&' && prev != '@' && prev != '#' && prev != '/') {
            if ((len = link_at(s + i, n - i)))
                sp = (struct gl_span){.kind = GL_SPAN_LINK};
            else if (s[i] == '#' && (len = hashtag_at(s + i, n - i)))
                sp = (struct gl_span){.kind = GL_SPAN_HASHTAG};
            else if (s[i] == '@' && (len = mention_at(s + i, n - i, &sp.server)))
                sp.kind = GL_SPAN_MENTION;
        }
        if (len) {
            sp.start = i;
            sp.len = len;
            if (sp.kind != GL_SPAN_MENTION) sp.server = len;
            if (out && count < cap) out[count] = sp;
            count++;
            i += len;
            prev = (unsigned char)s[i - 1] < 0x80 ? (unsigned char)s[i - 1] : 'a';
            continue;
        }
        i += cp_at(s + i, n - i, &prev);
    }
    return count;
}

const char *gl_span_kind_name(enum gl_span_kind k)
{
    static const char *const names[] = {
        [GL_SPAN_HASHTAG] = "hashtag", [GL_SPAN_MENTION] = "mention", [GL_SPAN_LINK] = "link"};
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "hashtag";
}

void gl_caption_spans(const char *caption, msgpack_zone *z, struct gl_span **out, size_t *n)
{
    locale_t old = enter_utf8();
    const char *s = caption ? caption : "";
    *n = scan(s, NULL, 0);
    *out = *n ? msgpack_zone_malloc(z, *n * sizeof **out) : NULL;
    if (*n) scan(s, *out, *n);
    leave_utf8(old);
}

/* ---- counting ---- */

/* twitter-text v3: code points in these ranges weigh 1, all others 2 (config/v3.json). */
static bool x_light(uint32_t cp)
{
    return cp <= 4351 || (cp >= 8192 && cp <= 8205) || (cp >= 8208 && cp <= 8223) ||
           (cp >= 8242 && cp <= 8247);
}

/* twitter-text counts an emoji sequence (👩‍🍳, 👍🏽, 🇫🇷) as 2 whatever its code points. Emoji
 * are told by their blocks or a variation selector 16: close to, not exactly, its regex. */
static bool emoji_cluster(const char *s, size_t len)
{
    uint32_t first;
    cp_at(s, len, &first);
    if ((first >= 0x1f000 && first <= 0x1faff) || (first >= 0x2600 && first <= 0x27bf) ||
        (first >= 0x2300 && first <= 0x23ff) || (first >= 0x2b00 && first <= 0x2bff))
        return true;
    return memmem(s, len, "\xef\xb8\x8f", 3) != NULL; /* U+FE0F */
}

static int cluster_weight(const char *s, size_t len, enum gl_count_unit unit)
{
    if (unit == GL_COUNT_GRAPHEMES) return 1;
    if (unit == GL_COUNT_X && emoji_cluster(s, len)) return 2;
    int w = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i += cp_at(s + i, len - i, &cp);
        if (unit == GL_COUNT_UTF16)
            w += cp > 0xffff ? 2 : 1;
        else
            w += x_light(cp) ? 1 : 2;
    }
    return w;
}

/* The weight of s[0, n) cluster by cluster (UTF-16 needs no clusters: code point by code
 * point is the same sum, and much cheaper on a long caption). */
static int measure(const char *s, size_t n, enum gl_count_unit unit)
{
    int total = 0;
    if (unit == GL_COUNT_UTF16) return cluster_weight(s, n, unit);
    for (size_t i = 0; i < n;) {
        /* An ASCII byte followed by ASCII (or the end) is a cluster of its own, weighing 1 in
         * every unit. */
        if ((unsigned char)s[i] < 0x80 && (i + 1 == n || (unsigned char)s[i + 1] < 0x80)) {
            total++;
            i++;
            continue;
        }
        struct gl_uw_cluster c;
        gl_uw_next(s + i, n - i, &c);
        total += cluster_weight(s + i, c.len, unit);
        i += c.len;
    }
    return total;
}

int gl_caption_count(const char *caption, const struct gl_span *spans, size_t nspans,
                     const struct gl_netrule *rule)
{
    locale_t old = enter_utf8();
    const char *s = caption ? caption : "";
    size_t n = strlen(s), i = 0, k = 0;
    enum gl_count_unit unit = rule ? rule->unit : GL_COUNT_GRAPHEMES;
    int total = 0;
    /* Between the spans that count differently, the text counts as written. */
    while (i < n) {
        while (k < nspans && spans[k].start < i) k++;
        size_t next = k < nspans ? spans[k].start : n;
        total += measure(s + i, next - i, unit);
        i = next;
        if (k >= nspans || i >= n) break;
        const struct gl_span *sp = &spans[k++];
        if (rule && sp->kind == GL_SPAN_LINK && rule->url_length)
            total += rule->url_length;
        else if (rule && sp->kind == GL_SPAN_MENTION && rule->mention_local)
            total += measure(s + i, sp->server, unit);
        else
            total += measure(s + i, sp->len, unit);
        i += sp->len;
    }
    leave_utf8(old);
    return total;
}

size_t gl_caption_cut(const char *caption, int clusters, bool *truncated)
{
    locale_t old = enter_utf8();
    const char *s = caption ? caption : "";
    size_t n = strlen(s), i = 0;
    for (int k = 0; k < clusters && i < n; k++) {
        struct gl_uw_cluster c;
        gl_uw_next(s + i, n - i, &c);
        i += c.len;
    }
    size_t rest = i;
    while (rest < n && strchr(" \t\r\n", s[rest])) rest++;
    *truncated = rest < n;
    leave_utf8(old);
    return i;
}

/* ---- images ---- */

bool gl_crop_box(int w, int h, struct gl_ratio tallest, struct gl_ratio widest,
                 struct gl_box *out)
{
    *out = (struct gl_box){0, 0, w, h};
    if (w <= 0 || h <= 0) return false;
    if (widest.w > 0 && widest.h > 0 && (int64_t)w * widest.h > (int64_t)h * widest.w) {
        int nw = (int)((int64_t)h * widest.w / widest.h);
        if (nw < 1) nw = 1;
        out->x = (w - nw) / 2;
        out->w = nw;
        return true;
    }
    if (tallest.w > 0 && tallest.h > 0 && (int64_t)w * tallest.h < (int64_t)h * tallest.w) {
        int nh = (int)((int64_t)w * tallest.h / tallest.w);
        if (nh < 1) nh = 1;
        out->y = (h - nh) / 2;
        out->h = nh;
        return true;
    }
    return false;
}

/* The preview on platform of caption (s, never NULL) whose spans are given. */
static void preview_make(const char *s, struct gl_span *spans, size_t nspans, const char *platform,
                         const struct gl_media *media, size_t nmedia, msgpack_zone *z,
                         struct gl_preview *out)
{
    const struct gl_netrule *r = gl_netrule_find(platform);
    *out = (struct gl_preview){.platform = platform, .rule = r, .spans = spans, .nspans = nspans};
    out->count = gl_caption_count(s, out->spans, out->nspans, r);
    for (size_t i = 0; i < out->nspans; i++) {
        enum gl_span_kind k = out->spans[i].kind;
        out->hashtags += k == GL_SPAN_HASHTAG;
        out->mentions += k == GL_SPAN_MENTION;
        out->links += k == GL_SPAN_LINK;
    }
    if (r && r->more_at > 0)
        out->cut = gl_caption_cut(s, r->more_at, &out->truncated);
    else
        out->cut = strlen(s);
    out->nimages = nmedia;
    out->images = nmedia ? msgpack_zone_malloc(z, nmedia * sizeof *out->images) : NULL;
    for (size_t i = 0; i < nmedia; i++) {
        const struct gl_media *m = &media[i];
        struct gl_preview_image *im = &out->images[i];
        *im = (struct gl_preview_image){.media = m, .sized = m->width > 0 && m->height > 0};
        im->shown = !r || !r->max_images || i < (size_t)r->max_images;
        struct gl_ratio none = {0, 0};
        im->feed_cropped = gl_crop_box(m->width, m->height, r ? r->tallest : none,
                                       r ? r->widest : none, &im->feed);
        im->has_grid = r && r->grid.w > 0;
        if (im->has_grid) gl_crop_box(m->width, m->height, r->grid, r->grid, &im->grid);
    }
}

void gl_preview_make(const char *caption, const char *platform, const struct gl_media *media,
                     size_t nmedia, msgpack_zone *z, struct gl_preview *out)
{
    gl_previews_make(caption, &platform, 1, media, nmedia, z, out);
}

void gl_previews_make(const char *caption, const char *const *platforms, size_t nplatforms,
                      const struct gl_media *media, size_t nmedia, msgpack_zone *z,
                      struct gl_preview *out)
{
    const char *s = caption ? caption : "";
    struct gl_span *spans;
    size_t nspans;
    /* The spans are the caption's, whatever the network: found once for all of them. */
    gl_caption_spans(s, z, &spans, &nspans);
    for (size_t i = 0; i < nplatforms; i++)
        preview_make(s, spans, nspans, platforms[i], media, nmedia, z, &out[i]);
}

/* ---- wire form ---- */

static void pack_limit(msgpack_packer *pk, const char *key, int limit)
{
    gl_pack_key(pk, key);
    if (limit > 0)
        msgpack_pack_int(pk, limit);
    else
        msgpack_pack_nil(pk);
}

static void pack_box(msgpack_packer *pk, const char *key, const struct gl_box *b, bool present)
{
    gl_pack_key(pk, key);
    if (!present) {
        msgpack_pack_nil(pk);
        return;
    }
    msgpack_pack_map(pk, 4);
    gl_pack_kv_int(pk, "x", b->x);
    gl_pack_kv_int(pk, "y", b->y);
    gl_pack_kv_int(pk, "w", b->w);
    gl_pack_kv_int(pk, "h", b->h);
}

static void pack_str_n(msgpack_packer *pk, const char *key, const char *s, size_t n)
{
    gl_pack_key(pk, key);
    msgpack_pack_str_with_body(pk, s, n);
}

void gl_preview_pack(msgpack_packer *pk, const char *caption, const struct gl_preview *p)
{
    const struct gl_netrule *r = p->rule;
    const char *s = caption ? caption : "";
    msgpack_pack_map(pk, 19);
    gl_pack_kv_str(pk, "platform", p->platform);
    gl_pack_kv_str(pk, "label", r ? r->label : p->platform);
    gl_pack_kv_bool(pk, "known", r != NULL);
    gl_pack_kv_bool(pk, "approximate", true);
    gl_pack_kv_str(pk, "unit", gl_count_unit_name(r ? r->unit : GL_COUNT_GRAPHEMES));
    gl_pack_kv_int(pk, "count", p->count);
    pack_limit(pk, "limit", r ? r->limit : 0);
    pack_limit(pk, "more_at", r ? r->more_at : 0);
    pack_str_n(pk, "before_more", s, p->cut);
    gl_pack_kv_bool(pk, "truncated", p->truncated);
    gl_pack_kv_int(pk, "hashtags", p->hashtags);
    pack_limit(pk, "max_hashtags", r ? r->max_hashtags : 0);
    gl_pack_kv_int(pk, "mentions", p->mentions);
    pack_limit(pk, "max_mentions", r ? r->max_mentions : 0);
    gl_pack_kv_int(pk, "links", p->links);
    pack_limit(pk, "max_links", r ? r->max_links : 0);
    gl_pack_kv_bool(pk, "links_clickable", !r || r->links_clickable);
    gl_pack_key(pk, "spans");
    msgpack_pack_array(pk, p->nspans);
    for (size_t i = 0; i < p->nspans; i++) {
        const struct gl_span *sp = &p->spans[i];
        msgpack_pack_map(pk, 4);
        gl_pack_kv_str(pk, "kind", gl_span_kind_name(sp->kind));
        gl_pack_kv_int(pk, "start", (int64_t)sp->start);
        gl_pack_kv_int(pk, "length", (int64_t)sp->len);
        pack_str_n(pk, "text", s + sp->start, sp->len);
    }
    gl_pack_key(pk, "images");
    msgpack_pack_array(pk, p->nimages);
    for (size_t i = 0; i < p->nimages; i++) {
        const struct gl_preview_image *im = &p->images[i];
        msgpack_pack_map(pk, 7);
        gl_pack_kv_int(pk, "media", (int64_t)im->media->id);
        pack_limit(pk, "width", im->media->width);
        pack_limit(pk, "height", im->media->height);
        gl_pack_kv_bool(pk, "shown", im->shown);
        pack_box(pk, "feed", &im->feed, im->sized);
        gl_pack_kv_bool(pk, "feed_cropped", im->feed_cropped);
        pack_box(pk, "grid", &im->grid, im->sized && im->has_grid);
    }
}
