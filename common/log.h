/* Logging: one line per event, "time level message key=value ...", to stderr or a log file. */
#ifndef GL_LOG_H
#define GL_LOG_H

#include <stdbool.h>

enum gl_log_level { GL_LOG_DEBUG, GL_LOG_INFO, GL_LOG_WARN, GL_LOG_ERROR };

void gl_log_set_level(enum gl_log_level level);
/* Opens (or reopens, after SIGHUP) the log file; NULL means stderr. Returns 0 or -errno. */
int gl_log_open(const char *path);
void gl_log(enum gl_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Buffered, debug and info lines wait for gl_log_flush() (a loop calls it once per iteration,
 * so a busy server makes one write per iteration, not one per request); warnings and errors
 * are always written at once, with whatever waits before them. */
void gl_log_set_buffered(bool on);
void gl_log_flush(void);

#define log_debug(...) gl_log(GL_LOG_DEBUG, __VA_ARGS__)
#define log_info(...) gl_log(GL_LOG_INFO, __VA_ARGS__)
#define log_warn(...) gl_log(GL_LOG_WARN, __VA_ARGS__)
#define log_error(...) gl_log(GL_LOG_ERROR, __VA_ARGS__)

#endif
