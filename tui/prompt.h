/* The line editor at the bottom of the screen (as mutt has): a prompt for a line of text, or a y/n
 * question answered by one key. It owns struct prompt (one, in struct app), the editing keys
 * (C-a, C-e, C-u, C-k, C-w, an initial value selected as in a browser's address bar), and its
 * drawing, measured by grapheme cluster. */
#ifndef TUI_PROMPT_H
#define TUI_PROMPT_H

#include <stdbool.h>
#include <stdint.h>
#include <wchar.h>

struct app;

/* The answer, to the ud the question was asked with (as an RPC reply comes to its request's ud):
 * the screen that asked, or the app for the questions of no screen. text NULL: cancelled. */
typedef void (*prompt_fn)(void *ud, const char *text, uint64_t tag);

#define PROMPT_MAX 5000

struct prompt {
    bool active;
    bool hidden;   /* passwords */
    bool selected; /* the initial value is selected: the first typed character replaces it */
    bool onekey;   /* a y/n question: one key answers */
    char label[96];
    wchar_t buf[PROMPT_MAX + 1];
    size_t len, cur;
    prompt_fn fn;
    void *ud;
    uint64_t tag;
};

/* A line of input at the bottom; fn gets ud, the text (or NULL when cancelled) and tag. */
void app_prompt(struct app *a, const char *label, const char *initial, bool hidden, prompt_fn fn,
                void *ud, uint64_t tag);
/* A y/n question answered by one key: fn gets "y", or NULL for n, Esc or C-g. For what cannot be
 * undone or acts on many posts, and nothing else. */
void app_confirm(struct app *a, const char *question, prompt_fn fn, void *ud, uint64_t tag);

/* For the loop (app.c): a key while the prompt is active, and its line (the status window's
 * second) drawn cols wide with the cursor left where typing goes. */
void prompt_key(struct app *a, wint_t ch, bool code);
void prompt_draw(struct app *a, int cols);

#endif
