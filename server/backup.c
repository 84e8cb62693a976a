/* greenlightd backup / restore. A backup is one LMDB data file written by mdb_env_copyfd2
 * with MDB_CP_COMPACT from a read snapshot, so it is consistent while the daemon keeps writing
 * (LMDB serves several processes) and holds no free pages. It goes to FILE.tmp, is synced, and
 * is renamed over FILE, so FILE is always a whole backup. Restore puts such a file back as a
 * data directory's data.mdb, only when no process has the store open. */
#include "backup.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <lmdb.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store.h"
#include "xmalloc.h"

static int fsync_dir_of(const char *path)
{
    char *copy = xstrdup(path);
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
    free(copy);
    if (fd < 0) return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Parses "--data DIR [--force] FILE". Returns 0 or 2 (usage). */
static int parse(int argc, char **argv, const char *what, bool allow_force, const char **dir,
                 const char **file, bool *force)
{
    static const struct option longopts[] = {
        {"data", required_argument, NULL, 'd'},
        {"force", no_argument, NULL, 'f'},
        {NULL, 0, NULL, 0},
    };
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        if (ch == 'd') *dir = optarg;
        else if (ch == 'f' && allow_force) *force = true;
        else goto usage;
    }
    if (!*dir || optind != argc - 1) goto usage;
    *file = argv[optind];
    return 0;
usage:
    fprintf(stderr, "usage: greenlightd %s --data DIR %sFILE\n", what,
            allow_force ? "[--force] " : "");
    return 2;
}

int gl_backup_main(int argc, char **argv)
{
    const char *dir = NULL, *file = NULL;
    bool force = false;
    if (parse(argc, argv, "backup", false, &dir, &file, &force)) return 2;
    double t0 = now_ms();
    struct gl_store s;
    struct gl_err err = {0};
    if (gl_store_open_readonly(&s, dir, &err) != 0) {
        fprintf(stderr, "greenlightd backup: %s\n", err.message);
        return 1;
    }
    char *tmp = xasprintf("%s.tmp", file);
    int status = 1;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) {
        fprintf(stderr, "greenlightd backup: cannot create %s: %s\n", tmp, strerror(errno));
        goto done;
    }
    int rc = mdb_env_copyfd2(s.env, fd, MDB_CP_COMPACT);
    if (rc == MDB_MAP_RESIZED) {
        /* The daemon grew the map while we were opening: adopt its size, start again. */
        mdb_env_set_mapsize(s.env, 0);
        if (ftruncate(fd, 0) == 0 && lseek(fd, 0, SEEK_SET) == 0)
            rc = mdb_env_copyfd2(s.env, fd, MDB_CP_COMPACT);
    }
    if (rc) {
        fprintf(stderr, "greenlightd backup: cannot copy %s: %s\n", dir, mdb_strerror(rc));
        close(fd);
        unlink(tmp);
        goto done;
    }
    struct stat st;
    if (fsync(fd) != 0 || fstat(fd, &st) != 0) {
        fprintf(stderr, "greenlightd backup: cannot write %s: %s\n", tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        goto done;
    }
    close(fd);
    if (rename(tmp, file) != 0) {
        fprintf(stderr, "greenlightd backup: cannot rename %s to %s: %s\n", tmp, file,
                strerror(errno));
        unlink(tmp);
        goto done;
    }
    fsync_dir_of(file);
    printf("backup %s bytes=%lld duration_ms=%.0f\n", file, (long long)st.st_size,
           now_ms() - t0);
    status = 0;
done:
    free(tmp);
    gl_store_close(&s);
    return status;
}

/* True when some process has the environment in dir open. Every LMDB process holds a shared
 * fcntl lock on byte 0 of lock.mdb while it has the environment open, so an exclusive one
 * is granted only when nobody does. */
static bool store_in_use(const char *dir)
{
    char *path = xasprintf("%s/lock.mdb", dir);
    int fd = open(path, O_RDWR);
    free(path);
    if (fd < 0) return false;
    struct flock lk = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1};
    bool busy = fcntl(fd, F_SETLK, &lk) != 0 && (errno == EAGAIN || errno == EACCES);
    close(fd); /* drops the lock, if we got it */
    return busy;
}

/* Checks that file is an LMDB data file holding a Greenlight store we know. */
static int verify_backup(const char *file)
{
    MDB_env *env = NULL;
    MDB_txn *txn = NULL;
    MDB_dbi meta;
    MDB_val k = {6, "schema"}, v;
    int rc = mdb_env_create(&env);
    if (!rc) rc = mdb_env_set_maxdbs(env, DB_COUNT + 4);
    if (!rc) rc = mdb_env_open(env, file, MDB_NOSUBDIR | MDB_RDONLY | MDB_NOLOCK, 0600);
    if (!rc) rc = mdb_txn_begin(env, NULL, MDB_RDONLY, &txn);
    if (!rc) rc = mdb_dbi_open(txn, gl_store_db_name(DB_META), 0, &meta);
    if (!rc) rc = mdb_get(txn, meta, &k, &v);
    if (rc) {
        fprintf(stderr, "greenlightd restore: %s is not a Greenlight backup: %s\n", file,
                mdb_strerror(rc));
    } else if (v.mv_size != 1 || *(unsigned char *)v.mv_data > GL_SCHEMA_VERSION) {
        fprintf(stderr, "greenlightd restore: %s has a schema this daemon does not know\n", file);
        rc = -1;
    }
    if (txn) mdb_txn_abort(txn);
    if (env) mdb_env_close(env);
    return rc ? -1 : 0;
}

static int copy_file(const char *from, const char *to)
{
    int in = open(from, O_RDONLY), out = -1;
    if (in < 0) return -1;
    out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (out < 0) goto fail;
    char buf[1 << 16];
    ssize_t n;
    while ((n = read(in, buf, sizeof buf)) > 0) {
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(out, buf + off, (size_t)(n - off));
            if (w < 0) {
                if (errno == EINTR) continue;
                goto fail;
            }
            off += w;
        }
    }
    if (n < 0 || fsync(out) != 0) goto fail;
    close(in);
    return close(out);
fail:
    close(in);
    if (out >= 0) close(out);
    return -1;
}

int gl_restore_main(int argc, char **argv)
{
    const char *dir = NULL, *file = NULL;
    bool force = false;
    if (parse(argc, argv, "restore", true, &dir, &file, &force)) return 2;
    if (verify_backup(file) != 0) return 1;
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "greenlightd restore: cannot create %s: %s\n", dir, strerror(errno));
        return 1;
    }
    if (store_in_use(dir)) {
        fprintf(stderr, "greenlightd restore: the store in %s is open (is greenlightd running?); "
                        "stop the daemon first\n", dir);
        return 1;
    }
    char *data = xasprintf("%s/data.mdb", dir);
    char *tmp = xasprintf("%s/data.mdb.restore", dir);
    char *lock = xasprintf("%s/lock.mdb", dir);
    int status = 1;
    struct stat st;
    if (stat(data, &st) == 0 && st.st_size > 0 && !force) {
        fprintf(stderr, "greenlightd restore: %s already holds a store; --force replaces it\n",
                dir);
        goto done;
    }
    if (copy_file(file, tmp) != 0) {
        fprintf(stderr, "greenlightd restore: cannot copy %s to %s: %s\n", file, tmp,
                strerror(errno));
        unlink(tmp);
        goto done;
    }
    if (rename(tmp, data) != 0) {
        fprintf(stderr, "greenlightd restore: cannot rename %s: %s\n", tmp, strerror(errno));
        unlink(tmp);
        goto done;
    }
    /* The old lock file describes readers of the old data file: start afresh. */
    unlink(lock);
    fsync_dir_of(data);
    printf("restored %s into %s\n", file, dir);
    status = 0;
done:
    free(data);
    free(tmp);
    free(lock);
    return status;
}
