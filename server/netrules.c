/* The networks' documented rules, one row each, with where each number comes from. Limits that
 * a network does not document are 0 rather than guessed; the "more" cut points are the one
 * exception, approximations measured by others and labelled as such wherever they show. */
#include "netrules.h"

#include "i18n.h"

#include <strings.h>

const struct gl_netrule gl_netrules[] = {
    /* Instagram. Caption 2,200 characters and 20 @ tags: Instagram Graph API, "IG User Media"
     * reference (caption). Hashtags: 5 per post since Instagram's December 2025 change (the
     * Graph API reference still says 30). Links in captions are not clickable: Instagram
     * Help Center. Width at least 320 px, aspect ratio between 4:5 and 1.91:1: Instagram Help
     * Center, "image sizes", and the Graph API's image requirements. Carousel at most 10 items
     * through the Content Publishing API. Profile grid crops to 3:4 since January 2025
     * (Instagram announcement). "more" after about 125 characters: not documented, third-party
     * measurements (e.g. Hootsuite, Later). Counting unit not documented: UTF-16, as Meta's
     * APIs count strings, so an emoji counts 2 (the stricter reading). */
    {.platform = "instagram", .label = "Instagram", .unit = GL_COUNT_UTF16, .limit = 2200,
     .more_at = 125, .max_hashtags = 5, .max_mentions = 20, .max_images = 10,
     .links_clickable = false, .min_width = 320, .tallest = {4, 5}, .widest = {191, 100},
     .grid = {3, 4}},
    /* Facebook. 63,206 characters per post: Facebook's composer limit, as Meta's Graph API
     * "message" field accepts. "See more" after about 480 characters: third-party
     * measurements. Feed images 4:5 to 1.91:1 and carousels of at most 10: Meta Ads Guide,
     * "Facebook Feed" and "Carousel". No documented hashtag, mention or size minimum. */
    {.platform = "facebook", .label = "Facebook", .unit = GL_COUNT_UTF16, .limit = 63206,
     .more_at = 480, .max_images = 10, .links_clickable = true, .tallest = {4, 5},
     .widest = {191, 100}},
    /* LinkedIn. 3,000 characters: LinkedIn Posts API ("commentary") and LinkedIn Help. "see
     * more" after about 210 characters: third-party measurements. Up to 20 images in a
     * multi-image post: LinkedIn MultiImage API. Images 4:5 to 1.91:1: LinkedIn single image
     * ad specifications (1.91:1, 1:1, 4:5). */
    {.platform = "linkedin", .label = "LinkedIn", .unit = GL_COUNT_UTF16, .limit = 3000,
     .more_at = 210, .max_images = 20, .links_clickable = true, .tallest = {4, 5},
     .widest = {191, 100}},
    /* X. 280 weighted characters, every URL 23, CJK and emoji 2: twitter-text v3
     * configuration (config/v3.json) and X's "Counting characters" developer page. Up to 4
     * photos per post: X Help Center. Image minimum width 600 px, ratios 1:1 to 1.91:1: X Ads
     * image specifications, the only ratios X documents (organic posts show more of a tall
     * image, by rules X does not publish: a portrait photo is warned about, to be checked).
     * Standard posts show whole: no "more". */
    {.platform = "x", .label = "X", .unit = GL_COUNT_X, .limit = 280, .url_length = 23,
     .max_images = 4, .links_clickable = true, .min_width = 600, .tallest = {1, 1},
     .widest = {191, 100}},
    /* Threads. 500 characters, at most 5 links, one topic tag, up to 20 carousel items, image
     * width 320 to 1440 px and aspect ratio within 10:1: Threads API, "Posts" and "Media"
     * reference. Posts show whole. */
    {.platform = "threads", .label = "Threads", .unit = GL_COUNT_UTF16, .limit = 500,
     .max_hashtags = 1, .max_links = 5, .max_images = 20, .links_clickable = true,
     .min_width = 320, .tallest = {1, 10}, .widest = {10, 1}},
    /* Mastodon. 500 characters (the default; an instance may raise it), counted as grapheme
     * clusters, every URL 23, a mention "@user@server" counting only "@user": Mastodon's
     * StatusLengthValidator and docs.joinmastodon.org "Posting". Up to 4 images: the same
     * page. Images are shown whole (focal point crops aside). */
    {.platform = "mastodon", .label = "Mastodon", .unit = GL_COUNT_GRAPHEMES, .limit = 500,
     .url_length = 23, .mention_local = true, .max_images = 4, .links_clickable = true},
    /* TikTok. Caption 2,200 UTF-16 runes: TikTok Content Posting API ("title"). Photo posts
     * of up to 35 images: the same API. Links in captions are not clickable. */
    {.platform = "tiktok", .label = "TikTok", .unit = GL_COUNT_UTF16, .limit = 2200,
     .max_images = 35, .links_clickable = false},
};
const size_t gl_nnetrules = sizeof gl_netrules / sizeof gl_netrules[0];

const struct gl_netrule *gl_netrule_find(const char *platform)
{
    for (size_t i = 0; platform && i < gl_nnetrules; i++)
        if (strcasecmp(platform, gl_netrules[i].platform) == 0) return &gl_netrules[i];
    return NULL;
}

const char *gl_count_unit_name(enum gl_count_unit u)
{
    static const char *const names[] = {
        [GL_COUNT_UTF16] = N_("UTF-16 code units"),
        [GL_COUNT_GRAPHEMES] = N_("characters"),
        [GL_COUNT_X] = N_("weighted characters"),
    };
    return (unsigned)u < sizeof names / sizeof names[0] ? names[u] : N_("characters");
}
