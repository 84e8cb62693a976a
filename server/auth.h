/* Passwords (argon2id through libsodium) and the limit on failed logins. */
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

/* Failed-login limiting, per key (a user name or a client address). Loop thread only. */
/* True when key has failed fewer than max times in the window; *retry_after receives the
 * seconds to wait when not. */
bool gl_limit_allowed(const char *scope, const char *key, unsigned max, int64_t now,
                      int64_t *retry_after);
void gl_limit_failed(const char *scope, const char *key, int64_t now);
void gl_limit_clear(const char *scope, const char *key);

#endif
