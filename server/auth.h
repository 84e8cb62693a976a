/* Passwords (argon2id through libsodium) and the limits on password attempts. */
#ifndef GL_AUTH_H
#define GL_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GL_MIN_PASSWORD 8
#define GL_MAX_PASSWORD 256

/* Hashes password into a newly allocated argon2id string; NULL when memory ran out. Slow on
 * purpose: call it on the thread pool. */
char *gl_password_hash(const char *password);
/* True when password matches hash (argon2id, constant-time). Slow: thread pool. */
bool gl_password_verify(const char *hash, const char *password);

/* Password attempts (staff logins, link passwords) are limited per key: a user name, an
 * address, a (user, address) pair, a link. An attempt counts from when it is admitted, before
 * its hash runs: it holds a place "in flight" under each key until it ends, and the places in
 * flight count against max_fails as if they had failed, so a burst sent at once is limited
 * like one sent in turn. An attempt that would pass that limit only if those in flight
 * succeed waits for them rather than being refused (a team logging in at once from one
 * address all gets in). Loop thread only. */
struct gl_limit_rule {
    const char *scope;     /* names the kind of key ("user", "addr", ...) */
    unsigned max_inflight; /* attempts checked at once under one key (more wait); 0: no cap */
    unsigned max_fails;    /* refused while this many failed in the window; 0: never refused */
    unsigned slow_after;   /* past this many failures each attempt waits; 0: never slowed */
    bool clear_on_success; /* a success forgets the key's failures, not just its own count */
};

#define GL_LIMIT_KEY 200
#define GL_ATTEMPT_KEYS 4
/* Seconds over which failures count. */
#define GL_LIMIT_WINDOW 300

/* One attempt's places under its keys, filled with gl_attempt_key, then admitted once and
 * ended once (gl_attempt_end does nothing for an attempt that was not admitted). */
struct gl_attempt {
    struct {
        const struct gl_limit_rule *rule;
        char key[GL_LIMIT_KEY];
    } keys[GL_ATTEMPT_KEYS];
    size_t nkeys;
    bool admitted;
    int64_t admitted_at;
};

enum gl_limit_verdict {
    GL_LIMIT_OK,
    GL_LIMIT_WAIT,      /* too many attempts in flight under a key: ask again in a moment */
    GL_LIMIT_THROTTLED, /* too many failures under a key: retry when the window ends */
};

/* Adds the key of one rule to a (printf format). */
void gl_attempt_key(struct gl_attempt *a, const struct gl_limit_rule *rule, const char *fmt,
                    ...) __attribute__((format(printf, 3, 4)));
/* Admits a, asks it to wait, or refuses it; *retry_after receives the seconds to wait when
 * refused. Admitted, *delay_ms says how long to wait before checking it (the slow-down of
 * slow_after). */
enum gl_limit_verdict gl_attempt_admit(struct gl_attempt *a, int64_t now, int64_t *retry_after,
                                       unsigned *delay_ms);
/* Releases a's places; ok: the password was right. */
void gl_attempt_end(struct gl_attempt *a, bool ok);

#endif
