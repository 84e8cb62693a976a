/* Measurements for `make bench` (GL_TUI_TIMING=FILE): what the client writes there and when. */
#include "timing.h"

#include <stdio.h>

#include "app.h"
#include "util.h"

void timing_note(struct app *a, const char *what, uint64_t since)
{
    if (!a->timing) return;
    fprintf(a->timing, "%s %.3f\n", what, (double)(gl_mono_ns() - since) / 1e6);
    fflush(a->timing);
}

void app_mark_full(struct app *a)
{
    a->calendar_ready = true;
}

void app_wait_data(struct app *a)
{
    if (a->timing) a->t_data = gl_mono_ns();
}

void timing_after_draw(struct app *a)
{
    if (a->t_key) {
        timing_note(a, "key_redraw_ms", a->t_key);
        a->t_key = 0;
    }
    if (a->calendar_ready && a->t_data) {
        timing_note(a, "month_switch_full_ms", a->t_data);
        a->t_data = 0;
    }
    if (a->calendar_ready && !a->first_full_done) {
        a->first_full_done = true;
        timing_note(a, "first_full_screen_from_start_ms", a->t_start);
        if (a->t_login) timing_note(a, "first_full_screen_from_login_ms", a->t_login);
    }
    if (a->notify_pending) {
        a->notify_pending = false;
        timing_note(a, "notifications_drawn_from_login_ms", a->t_login);
    }
}
