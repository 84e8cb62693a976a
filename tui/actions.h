/* Actions on posts shared by the queue, the day list and the post screen: each asks for what it
 * needs (a note, a date), sends the request, and on the reply reports and asks screens to
 * reload. What was typed is kept when the request fails, and offered again next time. */
#ifndef TUI_ACTIONS_H
#define TUI_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app.h"

/* Runs act on post p when it is a post action; returns whether it was one. */
bool act_post(struct app *a, enum action act, const struct md_post *p);
/* Approve or reject (one note for all) every post in ids. */
void act_approve_many(struct app *a, const int64_t *ids, size_t n);
void act_reject_many(struct app *a, const int64_t *ids, size_t n);
/* Frees the kept drafts at exit. */
void act_free(void);

#endif
