/* Small helpers shared by the daemon and the client. */
#ifndef GL_UTIL_H
#define GL_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Current time in Unix seconds (UTC). */
int64_t gl_now(void);
/* Current time in Unix milliseconds (UTC). */
int64_t gl_now_ms(void);
/* Monotonic time in nanoseconds, for measuring. */
uint64_t gl_mono_ns(void);
/* Splits "HOST:PORT" (or "[v6]:PORT") into host (NUL-terminated, at most hostlen) and port.
 * Returns 0, or -1 when the text is not of that form. */
int gl_parse_hostport(const char *text, char *host, size_t hostlen, int *port);
/* True when the n bytes at s are valid UTF-8 with no NUL. */
bool gl_utf8_valid(const char *s, size_t n);

#define GL_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
/* The struct that holds member at ptr (an embedded part handed out to a generic helper). */
#define gl_container_of(ptr, type, member) ((type *)(void *)((char *)(ptr) - offsetof(type, member)))

#endif
