/* What the client says to people: the daemon's error codes and the staff roles in words, and
 * which role each screen and action needs, so a screen says who may use it before anyone
 * types an answer to a prompt. One table each; nothing else spells these out. */
#ifndef TUI_WORDS_H
#define TUI_WORDS_H

#include <stdbool.h>
#include <stddef.h>

#include <msgpack.h>

#include "keys.h"
#include "roles.h"
#include "model.h"
#include "rpc.h"

/* Staff roles (protocol/roles.h, the daemon's list), lowest first; ROLE_NONE for a name the
 * client does not know. */
enum gl_role words_role_parse(const char *slug);
const char *words_role_slug(enum gl_role r);
/* "an editor": for sentences. */
const char *words_role_article(enum gl_role r);
/* What the role may do, in one line (the People screen and the role chooser show it). */
const char *words_role_summary(enum gl_role r);

/* The error in words ("You can't do that to a post in its present status"). */
const char *words_error(enum gl_errcode code);
/* What to say of a failed request: the daemon's own message (slugs in words) where it names the
 * thing, else the words for its code. */
void words_error_say(char *buf, size_t n, const struct gl_err *err);
/* The daemon's message with its slugs in words ("awaiting_approval" → "awaiting approval"). */
void words_unslug(char *buf, size_t n, const char *msg);

/* A status as people say it ("changes requested"), from the status table of model.c. */
const char *words_status(enum md_status s);
/* A history entry's type as people say it ("asked for changes" for "rejected"). */
const char *words_history(const char *type);

/* Takes the role of each method from the daemon's server.describe result, so what the client
 * says agrees with what the daemon enforces. */
void words_learn_roles(const msgpack_object *describe);

/* Screens (by keymap bit) and actions a role may not use: NULL when role may, else the
 * sentence that says who may ("Links are managed by managers and admins."). */
const char *words_forbidden_screen(const char *role, unsigned keymap);
const char *words_forbidden_action(const char *role, enum action act);
/* True for actions anyone may take on their own account (the screen then checks whose). */
bool words_on_oneself(enum action act);

#endif
