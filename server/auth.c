/* Password hashing and the limits on password attempts. */
#include "auth.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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

/* A small table of the keys attempted lately: enough for the users and addresses trying now.
 * When it is full the oldest idle entry makes room; an entry with attempts in flight is never
 * taken, so every admitted attempt finds its places again when it ends. */
#define LIMIT_SLOTS 1024
/* The slow-down: each failure past slow_after adds this much wait, up to the most. */
#define SLOW_STEP_MS 250
#define SLOW_MAX_MS 2000

struct limit_slot {
    char key[GL_LIMIT_KEY + 16];
    int64_t first; /* when the window of fails began */
    unsigned fails;    /* ended in failure within the window */
    unsigned inflight; /* admitted, not ended */
};

static struct limit_slot slots[LIMIT_SLOTS];

static bool slot_used(const struct limit_slot *s)
{
    return s->fails || s->inflight;
}

static struct limit_slot *find(const char *scope, const char *key, bool create, int64_t now)
{
    char full[sizeof slots[0].key];
    snprintf(full, sizeof full, "%s:%s", scope, key);
    struct limit_slot *victim = NULL;
    for (size_t i = 0; i < LIMIT_SLOTS; i++) {
        struct limit_slot *s = &slots[i];
        if (slot_used(s) && strcmp(s->key, full) == 0) {
            if (now - s->first >= GL_LIMIT_WINDOW) {
                s->fails = 0;
                s->first = now;
            }
            return s;
        }
        if (s->inflight) continue;
        if (!victim || (slot_used(victim) && (!slot_used(s) || s->first < victim->first)))
            victim = s;
    }
    if (!create || !victim) return NULL;
    snprintf(victim->key, sizeof victim->key, "%s", full);
    victim->first = now;
    victim->fails = 0;
    return victim;
}

void gl_attempt_key(struct gl_attempt *a, const struct gl_limit_rule *rule, const char *fmt, ...)
{
    if (a->nkeys == GL_ATTEMPT_KEYS) abort(); /* a caller's mistake, not an input's */
    a->keys[a->nkeys].rule = rule;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->keys[a->nkeys].key, sizeof a->keys[a->nkeys].key, fmt, ap);
    va_end(ap);
    a->nkeys++;
}

enum gl_limit_verdict gl_attempt_admit(struct gl_attempt *a, int64_t now, int64_t *retry_after,
                                       unsigned *delay_ms)
{
    *delay_ms = 0;
    for (size_t i = 0; i < a->nkeys; i++) {
        const struct gl_limit_rule *r = a->keys[i].rule;
        struct limit_slot *s = find(r->scope, a->keys[i].key, false, now);
        if (!s) continue;
        if (r->max_fails && s->fails >= r->max_fails) {
            *retry_after = s->first + GL_LIMIT_WINDOW - now;
            if (*retry_after < 1) *retry_after = 1;
            return GL_LIMIT_THROTTLED;
        }
        if ((r->max_inflight && s->inflight >= r->max_inflight) ||
            (r->max_fails && s->fails + s->inflight >= r->max_fails)) {
            *retry_after = 1;
            return GL_LIMIT_WAIT;
        }
        if (r->slow_after && s->fails > r->slow_after) {
            unsigned long long d = (unsigned long long)(s->fails - r->slow_after) * SLOW_STEP_MS;
            unsigned ms = d > SLOW_MAX_MS ? SLOW_MAX_MS : (unsigned)d;
            if (ms > *delay_ms) *delay_ms = ms;
        }
    }
    for (size_t i = 0; i < a->nkeys; i++) {
        struct limit_slot *s = find(a->keys[i].rule->scope, a->keys[i].key, true, now);
        if (!s) continue; /* every slot is in flight: the hash-job cap makes this unreachable */
        s->inflight++;
    }
    a->admitted = true;
    a->admitted_at = now;
    return GL_LIMIT_OK;
}

void gl_attempt_end(struct gl_attempt *a, bool ok)
{
    if (!a->admitted) return;
    a->admitted = false;
    for (size_t i = 0; i < a->nkeys; i++) {
        const struct gl_limit_rule *r = a->keys[i].rule;
        struct limit_slot *s = find(r->scope, a->keys[i].key, false, a->admitted_at);
        if (!s) continue;
        if (s->inflight) s->inflight--;
        if (!ok && s->fails++ == 0)
            s->first = a->admitted_at;
        else if (ok && r->clear_on_success)
            s->fails = 0;
    }
}
