/* The names of history and event types (events.h). */
#include "events.h"

#define TYPE_NAME(id, name) [id] = name,
static const char *const history_names[HIST_COUNT] = {GL_HISTORY_TYPES(TYPE_NAME)};
static const char *const event_names[EV_COUNT] = {GL_EVENT_TYPES(TYPE_NAME)};
#undef TYPE_NAME

const char *gl_history_type_name(enum gl_history_type t)
{
    return (unsigned)t < HIST_COUNT ? history_names[t] : "unknown";
}

const char *gl_event_type_name(enum gl_event_type t)
{
    return (unsigned)t < EV_COUNT ? event_names[t] : "unknown";
}
