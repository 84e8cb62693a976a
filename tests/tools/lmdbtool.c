/* A raw LMDB editor for the tests: dumps, puts and deletes entries of a named database, keys
 * and values in hex, so a test can build an old or a broken store without the daemon's code.
 * Usage: lmdbtool DIR dump DB | put DB KEYHEX VALHEX | del DB KEYHEX */
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int unhex(const char *s, MDB_val *out)
{
    size_t n = strlen(s);
    if (n % 2) return -1;
    unsigned char *b = malloc(n / 2 + 1);
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v;
        if (sscanf(s + 2 * i, "%2x", &v) != 1) {
            free(b);
            return -1;
        }
        b[i] = (unsigned char)v;
    }
    out->mv_size = n / 2;
    out->mv_data = b;
    return 0;
}

static void hex(const MDB_val *v)
{
    for (size_t i = 0; i < v->mv_size; i++) printf("%02x", ((unsigned char *)v->mv_data)[i]);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: lmdbtool DIR dump DB | put DB KEYHEX VALHEX | del DB KEYHEX\n");
        return 2;
    }
    const char *cmd = argv[2];
    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi dbi;
    int rc = mdb_env_create(&env);
    if (!rc) rc = mdb_env_set_maxdbs(env, 32);
    if (!rc) rc = mdb_env_open(env, argv[1], MDB_NOTLS, 0600);
    if (!rc) rc = mdb_txn_begin(env, NULL, 0, &txn);
    if (!rc) rc = mdb_dbi_open(txn, argv[3], 0, &dbi);
    if (rc) {
        fprintf(stderr, "lmdbtool: %s\n", mdb_strerror(rc));
        return 1;
    }
    MDB_val k, v;
    if (strcmp(cmd, "dump") == 0) {
        MDB_cursor *cur;
        rc = mdb_cursor_open(txn, dbi, &cur);
        for (rc = rc ? rc : mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
             rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
            hex(&k);
            putchar(' ');
            hex(&v);
            putchar('\n');
        }
        if (rc == MDB_NOTFOUND) rc = 0;
    } else if (strcmp(cmd, "put") == 0 && argc == 6) {
        if (unhex(argv[4], &k) || unhex(argv[5], &v)) return 2;
        rc = mdb_put(txn, dbi, &k, &v, 0);
    } else if (strcmp(cmd, "del") == 0 && argc == 5) {
        if (unhex(argv[4], &k)) return 2;
        rc = mdb_del(txn, dbi, &k, NULL);
    } else {
        fprintf(stderr, "lmdbtool: bad command\n");
        return 2;
    }
    if (!rc) rc = mdb_txn_commit(txn);
    else mdb_txn_abort(txn);
    mdb_env_close(env);
    if (rc) {
        fprintf(stderr, "lmdbtool: %s\n", mdb_strerror(rc));
        return 1;
    }
    return 0;
}
