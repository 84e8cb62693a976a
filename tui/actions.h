/* Actions on posts shared by the queue, the day list and the post screen: each asks for what it
 * needs (a note, a date), sends the request, and on the reply reports and asks screens to
 * reload. What was typed is kept when the request fails, and offered again next time. */
#ifndef TUI_ACTIONS_H
#define TUI_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app.h"

/* One screen's post actions under way, kept in its state: what its question on the prompt line
 * is about (the question carries it as its ud, so the answer acts on what that screen asked
 * about), and its bulk action's progress (the replies carry it too). Zeroed with the state;
 * act_state_clear frees what it holds when the screen is freed. */
struct act_state {
    struct app *app;
    /* The post asked about, and its profile's zone (a date typed is in it). */
    int64_t id;
    char zone[80];
    int64_t *ids; /* the tagged posts asked about: bulk approve and reject */
    size_t nids;
    struct {
        unsigned serial; /* of the bulk action whose replies are counted */
        size_t total, ok, failed;
        struct gl_err first;
        const char *verb;
    } bulk;
};
void act_state_clear(struct act_state *s);

/* Runs act on post p when it is a post action; returns whether it was one. s is the asking
 * screen's. */
bool act_post(struct act_state *s, struct app *a, enum action act, const struct md_post *p);
/* Approve or reject (one note for all) every post in ids. */
void act_approve_many(struct act_state *s, struct app *a, const int64_t *ids, size_t n);
void act_reject_many(struct act_state *s, struct app *a, const int64_t *ids, size_t n);
/* Frees the kept drafts at exit. */
void act_free(void);

#endif
