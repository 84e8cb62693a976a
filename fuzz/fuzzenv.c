/* The daemon-like environment of the HTTP and page fuzz targets (fuzzenv.h). */
#include "fuzzenv.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "demo.h"
#include "storekeys.h"
#include "log.h"
#include "util.h"
#include "web.h"
#include "xmalloc.h"

static struct fuzz_env env;
static int ready;

static void die(const char *what)
{
    fprintf(stderr, "fuzzenv: %s\n", what);
    abort();
}

static void committed(struct gl_op *op)
{
    gl_web_committed(op);
}

/* The same MAC as web.c's make_csrf, under the key web.c keeps in the store. */
static void csrf_of(const unsigned char *secret, size_t secret_len, char tag,
                    const unsigned char hash[GL_HASH_BYTES], char out[48])
{
    unsigned char mac[16];
    crypto_generichash_state st;
    crypto_generichash_init(&st, secret, secret_len, sizeof mac);
    crypto_generichash_update(&st, (const unsigned char *)&tag, 1);
    crypto_generichash_update(&st, hash, GL_HASH_BYTES);
    crypto_generichash_final(&st, mac, sizeof mac);
    sodium_bin2base64(out, 48, mac, sizeof mac, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* What a form carries (websession.c web_csrf_mask): a mask, then the MAC XOR it; an all-zero
 * mask keeps the inputs reproducible. */
static void csrf_masked(const char *bare, char out[48])
{
    unsigned char both[32] = {0};
    size_t n = 0;
    sodium_base642bin(both + 16, 16, bare, strlen(bare), NULL, &n, NULL,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_bin2base64(out, 48, both, sizeof both, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static void add_link(struct gl_txn *t, struct fuzz_link *fl, enum gl_link_kind kind,
                     const char *approver, const char *password, const char *visitor)
{
    struct gl_link *l = &fl->link;
    *l = (struct gl_link){.id = gl_next_id(t, DB_LINKS), .kind = kind, .profile = 1,
                          .approver = approver, .created_by = "fuzz", .created_at = gl_now()};
    gl_token_new(fl->token, l->token_hash);
    char *hash = password ? gl_password_hash(password) : NULL;
    l->pwhash = hash;
    gl_link_save(t, l);
    l->pwhash = hash ? "set" : NULL; /* the record is written; keep no pointer to freed memory */
    free(hash);
    if (!visitor) return;
    unsigned char key_hash[GL_HASH_BYTES];
    gl_token_new(fl->cookie, key_hash);
    struct gl_session s = {.link = l->id, .name = visitor, .created_at = gl_now(),
                           .expires_at = gl_now() + 365 * 86400};
    memcpy(s.token_hash, l->token_hash, GL_HASH_BYTES);
    gl_session_save(t, key_hash, &s);
}

/* The store goes with the process (libFuzzer ends with exit()). */
static void remove_store(void)
{
    char path[96];
    static const char *const files[] = {"data.mdb", "lock.mdb"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", env.dir, files[i]);
        unlink(path);
    }
    rmdir(env.dir);
}

struct fuzz_env *fuzz_env(void)
{
    if (ready) return &env;
    if (sodium_init() < 0) die("sodium_init");
    gl_log_open("/dev/null");
    snprintf(env.dir, sizeof env.dir, "/tmp/gl-fuzz-XXXXXX");
    if (!mkdtemp(env.dir)) die("mkdtemp");
    atexit(remove_store);
    struct gl_server *srv = &env.srv;
    gl_srv = srv;
    srv->opt.data_dir = env.dir;
    srv->opt.http_addr = "127.0.0.1:0";
    struct gl_err err = {0};
    if (gl_store_open(&srv->store, env.dir, &err) != 0) die(err.message);
    if (gl_demo_fill(&srv->store) != 0) die("demo fill");
    srv->loop = uv_default_loop();
    gl_batch_init(&srv->batch, srv->loop, &srv->store);
    srv->batch.committed = committed;
    char bound[96];
    if (gl_web_start(srv, bound, sizeof bound) != 0) die("web start");
    const char *colon = strrchr(bound, ':');
    env.http_port = colon ? atoi(colon + 1) : 0;

    struct gl_txn t = {.store = &srv->store};
    if (mdb_txn_begin(srv->store.env, NULL, 0, &t.txn) != 0) die("txn");
    add_link(&t, &env.cal, LINK_CALENDAR, NULL, NULL, NULL);
    add_link(&t, &env.collab, LINK_COLLAB, NULL, "fuzz pass", "Fuzzy Visitor");
    add_link(&t, &env.approval, LINK_APPROVAL, "Claire Dubois", "fuzz pass", "Claire Dubois");
    MDB_val k = {10, "web_secret"}, v;
    if (t.rc || mdb_get(t.txn, srv->store.dbi[DB_META], &k, &v) != 0) die("web secret");
    unsigned char secret[64];
    size_t slen = v.mv_size < sizeof secret ? v.mv_size : sizeof secret;
    memcpy(secret, v.mv_data, slen);
    if (mdb_txn_commit(t.txn) != 0) die("commit");

    unsigned char h[GL_HASH_BYTES];
    csrf_of(secret, slen, 'p', env.cal.link.token_hash, env.cal.csrf);
    gl_token_hash(env.collab.cookie, GL_TOKEN_LEN, h);
    csrf_of(secret, slen, 's', h, env.collab.csrf);
    gl_token_hash(env.approval.cookie, GL_TOKEN_LEN, h);
    csrf_of(secret, slen, 's', h, env.approval.csrf);
    csrf_masked(env.cal.csrf, env.cal.csrf_form);
    csrf_masked(env.collab.csrf, env.collab.csrf_form);
    csrf_masked(env.approval.csrf, env.approval.csrf_form);
    ready = 1;
    return &env;
}

char *fuzz_expand(const struct fuzz_env *e, const unsigned char *in, size_t n, size_t *outlen)
{
    /* Each placeholder is 2 bytes and becomes at most 47. */
    char *out = xmalloc(n * 24 + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rep = NULL;
        if (in[i] == '@' && i + 1 < n) {
            switch (in[i + 1]) {
            case 'C': rep = e->cal.token; break;
            case 'K': rep = e->collab.token; break;
            case 'A': rep = e->approval.token; break;
            case 'k': rep = e->collab.cookie; break;
            case 'a': rep = e->approval.cookie; break;
            case 'c': rep = e->cal.csrf_form; break;
            case 'x': rep = e->collab.csrf_form; break;
            case 'y': rep = e->approval.csrf_form; break;
            default: break;
            }
        }
        if (rep) {
            size_t len = strlen(rep);
            memcpy(out + o, rep, len);
            o += len;
            i++;
        } else {
            out[o++] = (char)in[i];
        }
    }
    out[o] = '\0';
    *outlen = o;
    return out;
}
