/* Text handed to what is outside the client: the user's editor, and the terminal's clipboard. */
#ifndef TUI_EXTERNAL_H
#define TUI_EXTERNAL_H

struct app;

/* Runs $EDITOR (like git and mutt) on text; returns the edited text (caller frees) or NULL when
 * the editor failed or nothing changed. */
char *app_edit_external(struct app *a, const char *text, const char *what);
/* Sends text to the terminal's clipboard with OSC 52 (works over SSH, inside tmux). */
void app_clipboard(struct app *a, const char *text);

#endif
