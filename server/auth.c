/* Password hashing and failed-login limiting. */
#include "auth.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "util.h"
#include "xmalloc.h"

char *gl_password_hash(const char *password)
{
    char *out = xmalloc(crypto_pwhash_STRBYTES);
    if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        free(out);
        return NULL;
    }
    return out;
}

bool gl_password_verify(const char *hash, const char *password)
{
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

/* A small table of recent failures: enough for the users and addresses that are failing
 * now; the oldest entry makes room when it is full. */
#define LIMIT_SLOTS 1024
#define LIMIT_WINDOW 300   /* seconds over which failures count */

struct limit_slot {
    char key[128];
    int64_t first;
    unsigned fails;
};

static struct limit_slot slots[LIMIT_SLOTS];

static struct limit_slot *find(const char *scope, const char *key, bool create, int64_t now)
{
    char full[128];
    snprintf(full, sizeof full, "%s:%s", scope, key);
    struct limit_slot *oldest = &slots[0];
    for (size_t i = 0; i < LIMIT_SLOTS; i++) {
        struct limit_slot *s = &slots[i];
        if (s->fails && strcmp(s->key, full) == 0) {
            if (now - s->first >= LIMIT_WINDOW) {
                s->fails = 0;
                s->first = now;
            }
            return s;
        }
        if (oldest->fails && (!s->fails || s->first < oldest->first)) oldest = s;
    }
    if (!create) return NULL;
    snprintf(oldest->key, sizeof oldest->key, "%s", full);
    oldest->first = now;
    oldest->fails = 0;
    return oldest;
}

bool gl_limit_allowed(const char *scope, const char *key, unsigned max, int64_t now,
                      int64_t *retry_after)
{
    struct limit_slot *s = find(scope, key, false, now);
    if (!s || s->fails < max) return true;
    *retry_after = s->first + LIMIT_WINDOW - now;
    return false;
}

void gl_limit_failed(const char *scope, const char *key, int64_t now)
{
    struct limit_slot *s = find(scope, key, true, now);
    s->fails++;
}

void gl_limit_clear(const char *scope, const char *key)
{
    struct limit_slot *s = find(scope, key, false, gl_now());
    if (s) s->fails = 0;
}
