/* --demo links (see web.h): one of each kind for the first demo profile. Their tokens are
 * only ever printed, never stored, so each start gives the demo links fresh tokens. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "links.h"
#include "log.h"
#include "util.h"
#include "web.h"

void gl_web_demo_links(struct gl_server *srv)
{
    struct gl_txn t = {.store = &srv->store};
    t.rc = mdb_txn_begin(srv->store.env, NULL, 0, &t.txn);
    if (t.rc) return;
    msgpack_zone z;
    msgpack_zone_init(&z, 4096);
    struct gl_link found[LINK_KIND_COUNT];
    bool have[LINK_KIND_COUNT] = {false};
    struct gl_key lo, hi;
    key_id(&lo, 0);
    key_id(&hi, UINT64_MAX);
    struct gl_range r;
    if (gl_range_open(&t, DB_LINKS, &lo, &hi, &r) == 0) {
        MDB_val k, v;
        while (gl_range_next(&r, &k, &v)) {
            struct gl_link l;
            if (gl_link_decode(&v, &z, &l) == 0 && strcmp(l.created_by, "demo") == 0 &&
                !l.revoked) {
                found[l.kind] = l;
                have[l.kind] = true;
            }
        }
        gl_range_close(&r);
    }
    struct gl_key pk;
    MDB_val pv;
    key_id(&pk, 1);
    if (gl_get(&t, DB_PROFILES, &pk, &pv) != 0) {
        mdb_txn_abort(t.txn);
        msgpack_zone_destroy(&z);
        return;
    }
    char lines[LINK_KIND_COUNT][256];
    for (int kind = 0; kind < LINK_KIND_COUNT; kind++) {
        struct gl_link l;
        if (have[kind]) {
            l = found[kind];
            struct gl_key k;
            key_bytes(&k, l.token_hash, GL_HASH_BYTES);
            gl_del(&t, DB_LINKS_BY_TOKEN, &k);
            l.generation++;
        } else {
            l = (struct gl_link){.id = gl_next_id(&t, DB_LINKS), .kind = (enum gl_link_kind)kind,
                                 .profile = 1, .created_by = "demo", .created_at = gl_now()};
            if (kind == LINK_APPROVAL) l.approver = "Claire Dubois";
        }
        if (kind == LINK_APPROVAL) l.expires_at = gl_now() + GL_APPROVAL_TTL_DAYS * 86400;
        char token[GL_TOKEN_LEN + 1], pw[20] = "";
        gl_token_new(token, l.token_hash);
        char *hash = NULL;
        if (kind != LINK_CALENDAR) {
            gl_readable_password(pw);
            hash = gl_password_hash(pw);
            l.pwhash = hash;
        }
        gl_link_save(&t, &l);
        free(hash);
        snprintf(lines[kind], sizeof lines[kind], "link %s %s/l/%s%s%s", gl_link_kind_name(l.kind),
                 gl_web_public_url(), token, *pw ? " password " : "", pw);
    }
    msgpack_zone_destroy(&z);
    if (t.rc || mdb_txn_commit(t.txn) != 0) {
        if (t.rc) mdb_txn_abort(t.txn);
        log_error("demo: cannot create the demo links");
        return;
    }
    for (int kind = 0; kind < LINK_KIND_COUNT; kind++) printf("%s\n", lines[kind]);
    fflush(stdout);
}
