/* Logging to stderr or a file that SIGHUP can reopen (for logrotate). */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

static enum gl_log_level min_level = GL_LOG_INFO;
static FILE *log_file;

void gl_log_set_level(enum gl_log_level level)
{
    min_level = level;
}

int gl_log_open(const char *path)
{
    if (!path) {
        if (log_file) fclose(log_file);
        log_file = NULL;
        return 0;
    }
    FILE *f = fopen(path, "a");
    if (!f) return -errno;
    setvbuf(f, NULL, _IOLBF, 0);
    if (log_file) fclose(log_file);
    log_file = f;
    return 0;
}

void gl_log(enum gl_log_level level, const char *fmt, ...)
{
    static const char *names[] = {"debug", "info", "warn", "error"};
    if (level < min_level) return;
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    gmtime_r(&tv.tv_sec, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    FILE *out = log_file ? log_file : stderr;
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fprintf(out, "%s.%03ldZ %s %s\n", stamp, (long)(tv.tv_usec / 1000), names[level], line);
    fflush(out);
}
