/* Measurements for `make bench` (GL_TUI_TIMING=FILE): the moments the client notes and the lines
 * it writes for them ("key_redraw_ms 1.234"). The times themselves live in struct app. */
#ifndef TUI_TIMING_H
#define TUI_TIMING_H

#include <stdint.h>

struct app;

/* Writes "what <ms since since>" to the timing file, when there is one. */
void timing_note(struct app *a, const char *what, uint64_t since);
/* After a draw: notes what that draw completed (a key's redraw, a month with its data, the first
 * full screen, the first notifications). */
void timing_after_draw(struct app *a);
/* The calendar calls app_mark_full when it has drawn a month with its data, and app_wait_data
 * when a key needs data from the daemon before the screen is complete. */
void app_mark_full(struct app *a);
void app_wait_data(struct app *a);

#endif
