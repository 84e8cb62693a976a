/* The words removed and added between two captions (captiondiff.c), for the "what changed"
 * box of a post's page: a longest common subsequence over words, bounded in size. */
#ifndef GL_CAPTIONDIFF_H
#define GL_CAPTIONDIFF_H

#include <msgpack.h>
#include <stddef.h>

#include "webbuf.h"

/* Past this many word pairs (before × after) no diff is made: the caption was rewritten. */
#define GL_CAPTION_DIFF_MAX 4000000

enum gl_word_edit { GL_WORD_SAME, GL_WORD_ADDED, GL_WORD_REMOVED };

struct gl_word_diff {
    enum gl_word_edit edit;
    const char *word;
};

/* The edits turning before into after, word by word (words are runs of non-blanks), in the
 * zone; returns how many, or (size_t)-1 when the captions are too long to compare. */
size_t gl_caption_diff(msgpack_zone *z, const char *before, const char *after,
                       struct gl_word_diff **out);
/* Appends the diff as HTML: words in <ins> and <del>, and how many of each, escaped; or, when
 * too long, the caption before it was rewritten. */
void gl_caption_diff_html(struct gl_buf *b, msgpack_zone *z, const char *before, const char *after);

#endif
