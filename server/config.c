/* The configuration file (see config.h). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "xmalloc.h"

#define OPTION_ROW(key, kind, field, min, max, arg, def, help, meaning)                            \
    {key, kind, offsetof(struct gl_options, field), min, max, arg, def, help, meaning},
const struct gl_option gl_options_table[] = {GL_OPTIONS(OPTION_ROW)};
#undef OPTION_ROW
const size_t gl_noptions = sizeof gl_options_table / sizeof gl_options_table[0];

static const struct gl_option *find(const char *key)
{
    for (size_t k = 0; k < gl_noptions; k++)
        if (strcmp(gl_options_table[k].key, key) == 0) return &gl_options_table[k];
    return NULL;
}

int gl_config_number(const char *key, const char *value, long *out, char *why, size_t n)
{
    const struct gl_option *o = find(key);
    if (!o || o->kind != OPT_NUMBER) {
        snprintf(why, n, "unknown key '%s'", key);
        return -1;
    }
    char *end;
    errno = 0;
    long v = strtol(value, &end, 10);
    if (errno || end == value || *end || v < o->min || v > o->max) {
        snprintf(why, n, "%s is a number from %ld to %ld, not '%s'", key, o->min, o->max, value);
        return -1;
    }
    *out = v;
    return 0;
}

/* Every string handed out, freed at exit. */
static char **owned;
static size_t nowned;

static const char *keep(const char *s, size_t n)
{
    owned = xrealloc(owned, sizeof *owned * (nowned + 1));
    return owned[nowned++] = xstrndup(s, n);
}

void gl_config_free(void)
{
    for (size_t i = 0; i < nowned; i++)
        free(owned[i]);
    free(owned);
    owned = NULL;
    nowned = 0;
}

const char *gl_config_path(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) return argv[i + 1];
        if (strncmp(argv[i], "--config=", 9) == 0) return argv[i] + 9;
    }
    return NULL;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
        *--end = '\0';
    return s;
}

/* "FILE:LINE: " before a message about a line of the file; nothing on the command line. */
static const char *where(char *buf, size_t n, const char *path, unsigned line)
{
    if (!path) return "";
    snprintf(buf, n, "%s:%u: ", path, line);
    return buf;
}

int gl_option_set(struct gl_options *opts, const struct gl_option *o, const char *value,
                  struct gl_err *err, const char *path, unsigned line)
{
    char *field = (char *)opts + o->offset;
    char at[300];
    switch (o->kind) {
    case OPT_CONFIG:
    case OPT_STRING:
        *(const char **)field = keep(value, strlen(value));
        return 0;
    case OPT_BOOLEAN:
        if (!value) { /* a flag on the command line */
            *(bool *)field = true;
            return 0;
        }
        if (strcmp(value, "true") && strcmp(value, "false") && strcmp(value, "yes") &&
            strcmp(value, "no")) {
            gl_err_set(err, GL_E_BAD_REQUEST, "%s%s is true or false, not '%s'",
                       where(at, sizeof at, path, line), o->key, value);
            return -1;
        }
        *(bool *)field = strcmp(value, "true") == 0 || strcmp(value, "yes") == 0;
        return 0;
    case OPT_LIST:
        if (opts->ntrusted_proxies >= GL_ARRAY_LEN(opts->trusted_proxies)) {
            if (path)
                gl_err_set(err, GL_E_BAD_REQUEST, "%s:%u: too many %s lines", path, line, o->key);
            else
                gl_err_set(err, GL_E_BAD_REQUEST, "at most %zu --%s",
                           GL_ARRAY_LEN(opts->trusted_proxies), o->key);
            return -1;
        }
        opts->trusted_proxies[opts->ntrusted_proxies++] = keep(value, strlen(value));
        return 0;
    case OPT_NUMBER: {
        char why[200];
        if (gl_config_number(o->key, value, (long *)field, why, sizeof why) != 0) {
            gl_err_set(err, GL_E_BAD_REQUEST, "%s%s", where(at, sizeof at, path, line), why);
            return -1;
        }
        return 0;
    }
    }
    return -1;
}

void gl_options_usage(struct gl_buf *b)
{
    for (size_t k = 0; k < gl_noptions; k++) {
        const struct gl_option *o = &gl_options_table[k];
        char left[64];
        int n = snprintf(left, sizeof left, "--%s%s%s", o->key, o->arg ? " " : "",
                         o->arg ? o->arg : "");
        buf_printf(b, "  %-*s ", n < 18 ? 18 : n, left);
        /* Words after the name, wrapped under the column where the short names' text starts. */
        size_t col = 2 + (size_t)(n < 18 ? 18 : n);
        for (const char *w = o->help; *w;) {
            size_t len = strcspn(w, " ");
            if (col + 1 + len > 92) {
                buf_printf(b, "\n%21s", "");
                col = 21;
            }
            buf_printf(b, " %.*s", (int)len, w);
            col += 1 + len;
            w += len;
            while (*w == ' ')
                w++;
        }
        buf_puts(b, "\n");
    }
}

void gl_options_markdown(struct gl_buf *b)
{
    buf_puts(b, "| Key | Default | Meaning |\n|---|---|---|\n");
    for (size_t k = 0; k < gl_noptions; k++) {
        const struct gl_option *o = &gl_options_table[k];
        if (o->kind == OPT_CONFIG) continue; /* a file does not name another */
        buf_printf(b, "| `%s` | %s | %s |\n", o->key, o->def, o->meaning);
    }
}

/* Text as roff reads it: '-' is a hyphen there, '\\-' the minus an option is written with. */
static void buf_roff(struct gl_buf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '-' || *s == '\\') buf_put(b, "\\", 1);
        buf_put(b, s, 1);
    }
}

void gl_options_man(struct gl_buf *b)
{
    for (size_t k = 0; k < gl_noptions; k++) {
        const struct gl_option *o = &gl_options_table[k];
        buf_puts(b, o->arg ? ".TP\n.BI \\-\\-" : ".TP\n.B \\-\\-");
        buf_roff(b, o->key);
        if (o->arg) {
            buf_puts(b, " \" ");
            for (const char *a = o->arg; *a; a++) {
                char c = (char)(*a >= 'A' && *a <= 'Z' ? *a - 'A' + 'a' : *a);
                buf_put(b, &c, 1);
            }
            buf_puts(b, "\"");
        }
        buf_puts(b, "\n");
        /* A line starting with '.' or '\'' would be a roff request: \& keeps it text. */
        if (o->help[0] == '.' || o->help[0] == '\'') buf_puts(b, "\\&");
        char first = o->help[0] >= 'a' && o->help[0] <= 'z' ? (char)(o->help[0] - 'a' + 'A')
                                                            : o->help[0];
        buf_put(b, &first, 1);
        buf_roff(b, o->help + 1);
        buf_puts(b, ".\n");
    }
}

int gl_config_load(const char *path, struct gl_options *opts, struct gl_err *err)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        gl_err_set(err, GL_E_BAD_REQUEST, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    char buf[1024];
    unsigned line = 0;
    int rc = 0;
    while (rc == 0 && fgets(buf, sizeof buf, f)) {
        line++;
        if (!strchr(buf, '\n') && !feof(f)) {
            gl_err_set(err, GL_E_BAD_REQUEST, "%s:%u: line longer than %zu bytes", path, line,
                       sizeof buf - 2);
            rc = -1;
            break;
        }
        char *s = trim(buf);
        if (*s == '\0' || *s == '#') continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            gl_err_set(err, GL_E_BAD_REQUEST, "%s:%u: expected 'key = value'", path, line);
            rc = -1;
            break;
        }
        *eq = '\0';
        char *key = trim(s), *value = trim(eq + 1);
        const struct gl_option *o = find(key);
        if (!o || o->kind == OPT_CONFIG) {
            gl_err_set(err, GL_E_BAD_REQUEST, "%s:%u: unknown key '%s'", path, line, key);
            rc = -1;
        } else if (*value == '\0') {
            gl_err_set(err, GL_E_BAD_REQUEST, "%s:%u: '%s' needs a value", path, line, key);
            rc = -1;
        } else {
            rc = gl_option_set(opts, o, value, err, path, line);
        }
    }
    fclose(f);
    return rc;
}
