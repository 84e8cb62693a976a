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
static bool buffered;
static char pending[1 << 16];
static size_t npending;

void gl_log_set_buffered(bool on)
{
    if (!on) gl_log_flush();
    buffered = on;
}

void gl_log_flush(void)
{
    if (!npending) return;
    FILE *out = log_file ? log_file : stderr;
    fwrite(pending, 1, npending, out);
    fflush(out);
    npending = 0;
}

void gl_log_set_level(enum gl_log_level level)
{
    min_level = level;
}

int gl_log_open(const char *path)
{
    if (!path) {
        gl_log_flush();
        if (log_file) fclose(log_file);
        log_file = NULL;
        return 0;
    }
    gl_log_flush(); /* what waits belongs to the file open until now */
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
    /* The second's stamp is made once per second: a busy responder logs a line per request.
     * (Lines are written from the loop's thread only, as the pending buffer is.) */
    static time_t stamp_sec = -1;
    static char stamp[32];
    if (tv.tv_sec != stamp_sec) {
        struct tm tm;
        gmtime_r(&tv.tv_sec, &tm);
        strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
        stamp_sec = tv.tv_sec;
    }
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    char full[2200];
    int n = snprintf(full, sizeof full, "%s.%03ldZ %s %s\n", stamp, (long)(tv.tv_usec / 1000),
                     names[level], line);
    size_t len = n < 0 ? 0 : (size_t)n < sizeof full ? (size_t)n : sizeof full - 1;
    if (len && full[len - 1] != '\n') full[len - 1] = '\n';
    if (buffered && level < GL_LOG_WARN) {
        if (npending + len > sizeof pending) gl_log_flush();
        memcpy(pending + npending, full, len);
        npending += len;
        return;
    }
    gl_log_flush();
    FILE *out = log_file ? log_file : stderr;
    fwrite(full, 1, len, out);
    fflush(out);
}
