/* The configuration file (see config.h). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

enum kind { STRING, BOOLEAN, LIST, NUMBER };

/* Each key and where it goes in struct gl_options. */
static const struct {
    const char *key;
    enum kind kind;
    size_t offset;
    long min, max; /* NUMBER: the accepted range */
} keys[] = {
    {"data", STRING, offsetof(struct gl_options, data_dir), 0, 0},
    {"rpc", STRING, offsetof(struct gl_options, rpc_addr), 0, 0},
    {"http", STRING, offsetof(struct gl_options, http_addr), 0, 0},
    {"public-url", STRING, offsetof(struct gl_options, public_url), 0, 0},
    {"log-file", STRING, offsetof(struct gl_options, log_file), 0, 0},
    {"publisher", STRING, offsetof(struct gl_options, publisher), 0, 0},
    {"sendmail", STRING, offsetof(struct gl_options, sendmail), 0, 0},
    {"trusted-proxy", LIST, offsetof(struct gl_options, trusted_proxies), 0, 0},
    {"demo", BOOLEAN, offsetof(struct gl_options, demo), 0, 0},
    {"approval-link-days", NUMBER, offsetof(struct gl_options, approval_link_days), 1, 3650},
    {"link-password-min", NUMBER, offsetof(struct gl_options, link_password_min), 8, 128},
    {"mail-digest-seconds", NUMBER, offsetof(struct gl_options, mail_digest_seconds), 1, 604800},
    {"rpc-idle-seconds", NUMBER, offsetof(struct gl_options, rpc_idle_seconds), 1, 2592000},
    {"anon-per-address", NUMBER, offsetof(struct gl_options, anon_per_address), 1, 1024},
    {"anon-max", NUMBER, offsetof(struct gl_options, anon_max), 1, 768},
    {"login-timeout-seconds", NUMBER, offsetof(struct gl_options, login_timeout_seconds), 1, 300},
    /* Above one reply's worth (a 12 MiB frame past the 1 MiB mark where requests wait). */
    {"output-max-mib", NUMBER, offsetof(struct gl_options, output_max_mib), 14, 1024},
    {"output-total-max-mib", NUMBER, offsetof(struct gl_options, output_total_max_mib), 16, 65536},
};

int gl_config_number(const char *key, const char *value, long *out, char *why, size_t n)
{
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        if (strcmp(keys[k].key, key) != 0) continue;
        char *end;
        errno = 0;
        long v = strtol(value, &end, 10);
        if (errno || end == value || *end || v < keys[k].min || v > keys[k].max) {
            snprintf(why, n, "%s is a number from %ld to %ld, not '%s'", key, keys[k].min,
                     keys[k].max, value);
            return -1;
        }
        *out = v;
        return 0;
    }
    snprintf(why, n, "unknown key '%s'", key);
    return -1;
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
    for (size_t i = 0; i < nowned; i++) free(owned[i]);
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
    while (isspace((unsigned char)*s)) s++;
    char *end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1])) *--end = '\0';
    return s;
}

static int set(struct gl_options *o, size_t k, const char *value, struct gl_err *err,
               const char *path, unsigned line)
{
    char *field = (char *)o + keys[k].offset;
    switch (keys[k].kind) {
    case STRING:
        *(const char **)field = keep(value, strlen(value));
        return 0;
    case BOOLEAN:
        if (strcmp(value, "true") && strcmp(value, "false") && strcmp(value, "yes") &&
            strcmp(value, "no")) {
            gl_err_set(err, GL_E_BAD_REQUEST, "%s:%u: %s is true or false, not '%s'", path, line,
                       keys[k].key, value);
            return -1;
        }
        *(bool *)field = strcmp(value, "true") == 0 || strcmp(value, "yes") == 0;
        return 0;
    case LIST:
        if (o->ntrusted_proxies >= sizeof o->trusted_proxies / sizeof o->trusted_proxies[0]) {
            gl_err_set(err, GL_E_BAD_REQUEST, "%s:%u: too many %s lines", path, line,
                       keys[k].key);
            return -1;
        }
        o->trusted_proxies[o->ntrusted_proxies++] = keep(value, strlen(value));
        return 0;
    case NUMBER: {
        char why[200];
        if (gl_config_number(keys[k].key, value, (long *)field, why, sizeof why) != 0) {
            gl_err_set(err, GL_E_BAD_REQUEST, "%s:%u: %s", path, line, why);
            return -1;
        }
        return 0;
    }
    }
    return -1;
}

int gl_config_load(const char *path, struct gl_options *o, struct gl_err *err)
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
        size_t k = 0;
        while (k < sizeof keys / sizeof keys[0] && strcmp(keys[k].key, key) != 0) k++;
        if (k == sizeof keys / sizeof keys[0]) {
            gl_err_set(err, GL_E_BAD_REQUEST, "%s:%u: unknown key '%s'", path, line, key);
            rc = -1;
        } else if (*value == '\0') {
            gl_err_set(err, GL_E_BAD_REQUEST, "%s:%u: '%s' needs a value", path, line, key);
            rc = -1;
        } else {
            rc = set(o, k, value, err, path, line);
        }
    }
    fclose(f);
    return rc;
}
