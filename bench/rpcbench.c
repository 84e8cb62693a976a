/* rpcbench: load generator for greenlightd's MessagePack-RPC, and the filler of its store.
 * N clients on one libuv loop, each logged in as admin; measured modes keep exactly one
 * request in flight per client and report requests/s and a microsecond latency histogram. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <msgpack.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "rpc.h"
#include "util.h"
#include "xmalloc.h"

#define MAX_DEPTH 16      /* requests in flight per client, fill and restore only */
#define LOGINS_AT_ONCE 4  /* the daemon hashes at most 4 passwords at once */
#define HIST_MAX_US 1000000

enum kind { K_LOGIN, K_PROFILE, K_CREATE, K_SUBMIT, K_GET, K_LIST, K_APPROVE, K_REJECT, K_RESUBMIT };
static const char *const kind_method[] = {
    [K_LOGIN] = "auth.login",     [K_PROFILE] = "profile.create", [K_CREATE] = "post.create",
    [K_SUBMIT] = "post.submit",   [K_GET] = "post.get",           [K_LIST] = "post.list",
    [K_APPROVE] = "post.approve", [K_REJECT] = "post.reject",     [K_RESUBMIT] = "post.submit",
};

enum phase { PH_LOGIN, PH_PROFILES, PH_CREATE, PH_SUBMIT, PH_WARMUP, PH_MEASURE, PH_RESTORE, PH_DONE };

struct job {
    enum kind kind;
    uint64_t idx; /* the unit it belongs to: creation index, post id, ... */
    uint64_t sent_ns;
};

struct client {
    uv_tcp_t tcp;
    uv_connect_t connect;
    uv_timer_t retry;
    msgpack_unpacker up;
    struct job q[MAX_DEPTH];
    unsigned qhead, qn;
    uint32_t msgid;
    bool authed;
    bool login_waiting;
};

/* Everything the data set is made of; written by fill to the meta file, read by the others. */
struct meta {
    uint64_t posts, id_lo, id_hi;
    uint64_t profiles, profile_lo, profile_hi;
    int64_t t0;         /* first day of the first month, UTC */
    int months;
    uint64_t pool_lo, pool_hi; /* posts left awaiting approval, for the approve mode */
};

static struct {
    const char *mode, *host, *meta_path;
    char *password;
    int port, nclients, depth;
    int nconns; /* connections: the measured clients, plus helpers for restoring the pool */
    double duration, warmup;
    uint64_t fill_posts, fill_profiles, fill_pool;
    uint64_t pool_start; /* approve: where in the pool to begin, so rounds use other posts */
    bool scatter;        /* approve: not in id order (--scatter) */
    int daemon_pid;      /* when given, its CPU time over the measured phase is reported */
    uint64_t cpu_start_us, cpu_end_us;
    uint64_t wchar_start, wchar_end; /* the daemon's bytes handed to write calls */
    struct meta m;
    uv_loop_t *loop;
    struct client *clients;
    enum phase phase;
    int authed, logins_in_flight;
    /* The current phase's units: next to issue, answered, total (UINT64_MAX: until time). */
    uint64_t issued, answered, total;
    uint64_t t_start, t_end, deadline, last_answer;
    uv_timer_t tick;
    /* Results of the measured phase. */
    uint64_t ok, errors, reply_bytes, reply_items;
    uint32_t *hist;
    uint64_t over, max_us;
    char first_error[300];
    /* Fill. */
    uint64_t *profile_ids, *post_ids;
    /* Approve: ids approved in the measured phase, put back afterwards. */
    uint64_t *approved;
    uint64_t napproved, restore_errors;
    uint64_t rng;
} B = {.host = "127.0.0.1", .nclients = 50, .depth = 1, .duration = 5, .warmup = 0.5,
       .fill_posts = 100000, .fill_profiles = 100, .fill_pool = 60000, .rng = 0x9e3779b97f4a7c15u};

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "rpcbench: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

static uint64_t rnd(void)
{
    /* xorshift64*: fast and plenty for picking ids. */
    B.rng ^= B.rng >> 12;
    B.rng ^= B.rng << 25;
    B.rng ^= B.rng >> 27;
    return B.rng * 2685821657736338717u;
}

/* A stride coprime with n near n * 0.618, so k -> k * stride mod n is a bijection that puts
 * consecutive k far apart. */
static uint64_t scatter_stride(uint64_t n)
{
    uint64_t s = n * 618 / 1000 + 1;
    while (s > 1) {
        uint64_t a = s, b = n;
        while (b) {
            uint64_t t = a % b;
            a = b;
            b = t;
        }
        if (a == 1) return s;
        s++;
    }
    return 1;
}

static uint64_t rnd_below(uint64_t n)
{
    return n ? rnd() % n : 0;
}

/* ---- the data set ---- */

static int64_t month_start(int64_t t0, int k)
{
    time_t t = (time_t)t0;
    struct tm tm;
    gmtime_r(&t, &tm);
    tm.tm_mon += k;
    tm.tm_mday = 1;
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    return (int64_t)timegm(&tm);
}

static void meta_write(const char *path, const struct meta *m)
{
    FILE *f = fopen(path, "w");
    if (!f) die("%s: %s", path, strerror(errno));
    fprintf(f,
            "posts=%" PRIu64 "\nid_lo=%" PRIu64 "\nid_hi=%" PRIu64 "\nprofiles=%" PRIu64
            "\nprofile_lo=%" PRIu64 "\nprofile_hi=%" PRIu64 "\nt0=%" PRId64 "\nmonths=%d\n"
            "pool_lo=%" PRIu64 "\npool_hi=%" PRIu64 "\n",
            m->posts, m->id_lo, m->id_hi, m->profiles, m->profile_lo, m->profile_hi, m->t0,
            m->months, m->pool_lo, m->pool_hi);
    if (fclose(f) != 0) die("%s: %s", path, strerror(errno));
}

static void meta_read(const char *path, struct meta *m)
{
    FILE *f = fopen(path, "r");
    if (!f) die("%s: %s", path, strerror(errno));
    char line[128];
    memset(m, 0, sizeof *m);
    while (fgets(line, sizeof line, f)) {
        char key[32];
        long long v;
        if (sscanf(line, "%31[^=]=%lld", key, &v) != 2) continue;
        if (!strcmp(key, "posts")) m->posts = (uint64_t)v;
        else if (!strcmp(key, "id_lo")) m->id_lo = (uint64_t)v;
        else if (!strcmp(key, "id_hi")) m->id_hi = (uint64_t)v;
        else if (!strcmp(key, "profiles")) m->profiles = (uint64_t)v;
        else if (!strcmp(key, "profile_lo")) m->profile_lo = (uint64_t)v;
        else if (!strcmp(key, "profile_hi")) m->profile_hi = (uint64_t)v;
        else if (!strcmp(key, "t0")) m->t0 = v;
        else if (!strcmp(key, "months")) m->months = (int)v;
        else if (!strcmp(key, "pool_lo")) m->pool_lo = (uint64_t)v;
        else if (!strcmp(key, "pool_hi")) m->pool_hi = (uint64_t)v;
    }
    fclose(f);
    if (!m->posts || m->id_hi < m->id_lo || !m->profiles || !m->months)
        die("%s: incomplete meta file", path);
}

static const char *const words[] = {
    "launch", "today", "spring", "collection", "behind", "the", "scenes", "our", "team", "new",
    "store", "opening", "weekend", "offer", "thank", "you", "for", "joining", "us", "live",
    "event", "tickets", "available", "now", "link", "in", "bio", "coffee", "morning", "meet",
    "designers", "recipe", "story", "customers", "love", "sale", "ends", "friday", "city",
    "summer", "winter", "autumn", "giveaway", "community", "update", "podcast", "episode",
};

/* A caption of 60 to 300 bytes of plain words, as social posts are. */
static void make_caption(char *buf, size_t cap)
{
    size_t want = 60 + rnd_below(240), n = 0;
    while (n < want && n + 16 < cap) {
        const char *w = words[rnd_below(GL_ARRAY_LEN(words))];
        n += (size_t)snprintf(buf + n, cap - n, "%s%s", n ? " " : "", w);
    }
    if (n + 2 < cap) {
        buf[n++] = '.';
        buf[n] = '\0';
    }
}

static const char *const platforms[] = {"instagram", "facebook", "linkedin", "x"};
static const char *const zones[] = {"Europe/Paris", "America/New_York", "Asia/Tokyo",
                                    "Australia/Sydney", "America/Los_Angeles", "UTC"};

/* ---- requests ---- */

static void on_written(uv_write_t *w, int status)
{
    (void)status;
    free(w);
}

static void send_bytes(struct client *c, const char *data, size_t len)
{
    uv_buf_t b = uv_buf_init((char *)data, (unsigned)len);
    int r = uv_try_write((uv_stream_t *)&c->tcp, &b, 1);
    if (r == (int)len) return;
    if (r < 0 && r != UV_EAGAIN) die("write: %s", uv_strerror(r));
    size_t done = r > 0 ? (size_t)r : 0;
    uv_write_t *w = xmalloc(sizeof *w + len - done);
    char *copy = (char *)(w + 1);
    memcpy(copy, data + done, len - done);
    b = uv_buf_init(copy, (unsigned)(len - done));
    r = uv_write(w, (uv_stream_t *)&c->tcp, &b, 1, on_written);
    if (r) die("write: %s", uv_strerror(r));
}

/* Packs and sends one request of kind for unit idx, and queues it for its answer. */
static void send_job(struct client *c, enum kind kind, uint64_t idx)
{
    static msgpack_sbuffer sb;
    static char caption[400], name[64];
    msgpack_packer pk;
    sb.size = 0;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    gl_rpc_pack_request(&pk, ++c->msgid, kind_method[kind]);
    switch (kind) {
    case K_LOGIN:
        msgpack_pack_map(&pk, 2);
        gl_pack_kv_str(&pk, "user", "admin");
        gl_pack_kv_str(&pk, "password", B.password);
        break;
    case K_PROFILE: {
        snprintf(name, sizeof name, "bench-profile-%03" PRIu64, idx + 1);
        msgpack_pack_map(&pk, 3);
        gl_pack_kv_str(&pk, "name", name);
        gl_pack_kv_str(&pk, "timezone", zones[idx % GL_ARRAY_LEN(zones)]);
        gl_pack_key(&pk, "platforms");
        msgpack_pack_array(&pk, GL_ARRAY_LEN(platforms));
        for (size_t i = 0; i < GL_ARRAY_LEN(platforms); i++) gl_pack_str(&pk, platforms[i]);
        break;
    }
    case K_CREATE: {
        /* Spread over the profiles and uniformly over the months; a third carry notes. */
        uint64_t prof = B.profile_ids[idx % B.fill_profiles];
        int64_t span = month_start(B.m.t0, B.m.months) - B.m.t0;
        int64_t at = B.m.t0 + (int64_t)rnd_below((uint64_t)span);
        bool notes = rnd_below(3) == 0;
        make_caption(caption, sizeof caption);
        msgpack_pack_map(&pk, notes ? 5 : 4);
        gl_pack_kv_int(&pk, "profile", (int64_t)prof);
        gl_pack_kv_str(&pk, "caption", caption);
        gl_pack_key(&pk, "platforms");
        size_t np = 1 + rnd_below(3), first = rnd_below(GL_ARRAY_LEN(platforms));
        msgpack_pack_array(&pk, np);
        for (size_t i = 0; i < np; i++)
            gl_pack_str(&pk, platforms[(first + i) % GL_ARRAY_LEN(platforms)]);
        gl_pack_kv_int(&pk, "scheduled_at", at);
        if (notes) gl_pack_kv_str(&pk, "notes", "Please check the link and the hashtags.");
        break;
    }
    case K_SUBMIT:
    case K_GET:
    case K_APPROVE:
    case K_RESUBMIT:
        msgpack_pack_map(&pk, 1);
        gl_pack_kv_int(&pk, "id", (int64_t)idx);
        break;
    case K_REJECT:
        msgpack_pack_map(&pk, 2);
        gl_pack_kv_int(&pk, "id", (int64_t)idx);
        gl_pack_kv_str(&pk, "note", "bench: put back for the next round");
        break;
    case K_LIST: {
        uint64_t prof = B.m.profile_lo + rnd_below(B.m.profile_hi - B.m.profile_lo + 1);
        int k = (int)rnd_below((uint64_t)B.m.months);
        msgpack_pack_map(&pk, 3);
        gl_pack_kv_int(&pk, "profile", (int64_t)prof);
        gl_pack_kv_int(&pk, "from", month_start(B.m.t0, k));
        gl_pack_kv_int(&pk, "to", month_start(B.m.t0, k + 1));
        break;
    }
    }
    if (c->qn == MAX_DEPTH) die("internal: queue full");
    struct job *j = &c->q[(c->qhead + c->qn++) % MAX_DEPTH];
    j->kind = kind;
    j->idx = idx;
    j->sent_ns = uv_hrtime();
    send_bytes(c, sb.data, sb.size);
}

static void phase_start(enum phase ph);

/* Issues as many units of the current phase as this client's depth allows. */
static void client_pump(struct client *c)
{
    if (!c->authed) return;
    for (;;) {
        uint64_t now = uv_hrtime();
        switch (B.phase) {
        case PH_PROFILES:
        case PH_CREATE:
        case PH_SUBMIT:
            if (c->qn >= (unsigned)B.depth || B.issued >= B.total) return;
            send_job(c, B.phase == PH_PROFILES ? K_PROFILE
                        : B.phase == PH_CREATE ? K_CREATE
                                               : K_SUBMIT,
                     B.phase == PH_SUBMIT ? B.m.pool_lo + B.issued : B.issued);
            B.issued++;
            break;
        case PH_WARMUP:
        case PH_MEASURE: {
            if (c->qn >= 1 || now >= B.deadline || c - B.clients >= B.nclients) return;
            if (!strcmp(B.mode, "get")) {
                send_job(c, K_GET, B.m.id_lo + rnd_below(B.m.id_hi - B.m.id_lo + 1));
            } else if (!strcmp(B.mode, "list")) {
                send_job(c, K_LIST, 0);
            } else {
                uint64_t pool = B.m.pool_hi - B.m.pool_lo + 1;
                if (B.issued >= pool) return; /* the pool is used up: the round ends early */
                /* In id order, or (--scatter) each next one far from the last, as when many
                 * visitors decide posts of many profiles and months: a stride coprime with the
                 * pool visits each post once. */
                uint64_t k = (B.pool_start + B.issued) % pool;
                if (B.scatter) k = k * scatter_stride(pool) % pool; /* pools under 2^32 */
                send_job(c, K_APPROVE, B.m.pool_lo + k);
            }
            B.issued++;
            break;
        }
        case PH_RESTORE:
            /* A reject and its submit go on one connection, so they run in order. */
            if (c->qn + 2 > (unsigned)B.depth || B.issued >= B.total) return;
            send_job(c, K_REJECT, B.approved[B.issued]);
            send_job(c, K_RESUBMIT, B.approved[B.issued]);
            B.issued++;
            break;
        default:
            return;
        }
    }
}

static void pump_all(void)
{
    for (int i = 0; i < B.nconns; i++) client_pump(&B.clients[i]);
}

static bool all_idle(void)
{
    for (int i = 0; i < B.nconns; i++)
        if (B.clients[i].qn) return false;
    return true;
}

/* A timed phase is over at its deadline, or when the approval pool is used up. */
static bool timed_over(uint64_t now)
{
    if (now >= B.deadline) return true;
    return B.approved && B.phase == PH_MEASURE && B.issued > B.m.pool_hi - B.m.pool_lo;
}

static void record(uint64_t ns)
{
    uint64_t us = ns / 1000;
    if (us > B.max_us) B.max_us = us;
    if (us >= HIST_MAX_US)
        B.over++;
    else
        B.hist[us]++;
}

static uint64_t percentile(double p)
{
    uint64_t n = B.ok + B.errors, want = (uint64_t)(p * (double)n + 0.5), seen = 0;
    if (want == 0) want = 1;
    for (uint64_t us = 0; us < HIST_MAX_US; us++) {
        seen += B.hist[us];
        if (seen >= want) return us;
    }
    return B.max_us;
}

/* The daemon's user plus system CPU time in microseconds, all its threads (/proc/PID/stat
 * fields 14 and 15); 0 when it cannot be read. */
static uint64_t daemon_cpu_us(void)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", B.daemon_pid);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* The command name may hold spaces: the fields start after its closing parenthesis. */
    const char *p = strrchr(buf, ')');
    unsigned long long ut, st;
    if (!p || sscanf(p + 2, "%*c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %llu %llu", &ut, &st) != 2)
        return 0;
    long hz = sysconf(_SC_CLK_TCK);
    return (ut + st) * 1000000u / (uint64_t)(hz > 0 ? hz : 100);
}

static void login_next(void);

static void on_retry(uv_timer_t *t)
{
    struct client *c = t->data;
    c->login_waiting = true;
    login_next();
}

static void on_response(struct client *c, const msgpack_object *o, size_t frame_len)
{
    struct gl_rpc_msg m;
    struct gl_err err = {0};
    if (gl_rpc_parse(o, &m, &err) != 0) die("bad response: %s", err.message);
    if (m.type == GL_MSG_NOTIFY) return;
    if (c->qn == 0) die("answer with nothing in flight");
    struct job j = c->q[c->qhead];
    c->qhead = (c->qhead + 1) % MAX_DEPTH;
    c->qn--;
    uint64_t lat = uv_hrtime() - j.sent_ns;
    bool failed = m.error && m.error->type != MSGPACK_OBJECT_NIL;
    if (failed) gl_rpc_error_read(m.error, &err);

    switch (j.kind) {
    case K_LOGIN:
        B.logins_in_flight--;
        if (failed && err.code == GL_E_RATE_LIMITED) {
            uv_timer_start(&c->retry, on_retry, 20, 0);
        } else if (failed) {
            die("login: %s: %s", gl_errcode_slug(err.code), err.message);
        } else {
            c->authed = true;
            if (++B.authed == B.nconns) phase_start(B.phase + 1);
        }
        login_next();
        return;
    case K_PROFILE:
    case K_CREATE: {
        if (failed) die("%s: %s: %s", kind_method[j.kind], gl_errcode_slug(err.code), err.message);
        int64_t id = 0;
        const msgpack_object *v = gl_map_get(m.result, "id");
        if (!v || !gl_obj_int(v, &id) || id <= 0) die("%s: no id in answer", kind_method[j.kind]);
        (j.kind == K_PROFILE ? B.profile_ids : B.post_ids)[j.idx] = (uint64_t)id;
        break;
    }
    case K_SUBMIT:
        if (failed) die("post.submit %" PRIu64 ": %s", j.idx, err.message);
        break;
    case K_REJECT:
    case K_RESUBMIT:
        if (failed) {
            if (!B.restore_errors++)
                fprintf(stderr, "rpcbench: restore %s %" PRIu64 ": %s: %s\n",
                        kind_method[j.kind], j.idx, gl_errcode_slug(err.code), err.message);
        }
        if (j.kind == K_REJECT) return; /* the unit ends with its submit */
        break;
    default:
        if (B.phase != PH_MEASURE) break;
        record(lat);
        if (failed) {
            if (!B.errors++)
                snprintf(B.first_error, sizeof B.first_error, "%s: %s",
                         gl_errcode_slug(err.code), err.message);
        } else {
            B.ok++;
            B.reply_bytes += frame_len;
            if (j.kind == K_LIST) {
                /* How many posts, so the reference list can hold as many values. */
                const msgpack_object *posts = gl_map_get(m.result, "posts");
                if (posts && posts->type == MSGPACK_OBJECT_ARRAY)
                    B.reply_items += posts->via.array.size;
            }
            if (j.kind == K_APPROVE) B.approved[B.napproved++] = j.idx;
        }
        break;
    }
    B.answered++;
    if (B.phase == PH_WARMUP || B.phase == PH_MEASURE) {
        uint64_t now = uv_hrtime();
        B.last_answer = now;
        if (timed_over(now)) {
            if (all_idle()) phase_start(B.phase + 1);
            return;
        }
    } else if (B.answered == B.total) {
        phase_start(B.phase + 1);
        return;
    }
    client_pump(c);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    (void)suggested;
    struct client *c = h->data;
    if (!msgpack_unpacker_reserve_buffer(&c->up, 65536)) die("out of memory");
    *buf = uv_buf_init(msgpack_unpacker_buffer(&c->up),
                       (unsigned)msgpack_unpacker_buffer_capacity(&c->up));
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    (void)buf;
    struct client *c = s->data;
    if (n < 0) die("connection lost: %s", uv_strerror((int)n));
    msgpack_unpacker_buffer_consumed(&c->up, (size_t)n);
    msgpack_unpacked res;
    msgpack_unpacked_init(&res);
    for (;;) {
        size_t size = 0;
        int r = msgpack_unpacker_next_with_size(&c->up, &res, &size);
        if (r == MSGPACK_UNPACK_CONTINUE) break;
        if (r != MSGPACK_UNPACK_SUCCESS) die("malformed answer");
        on_response(c, &res.data, size);
    }
    msgpack_unpacked_destroy(&res);
}

/* At most LOGINS_AT_ONCE logins go out together: argon2id is slow and bounded in the daemon. */
static void login_next(void)
{
    for (int i = 0; i < B.nconns && B.logins_in_flight < LOGINS_AT_ONCE; i++) {
        struct client *c = &B.clients[i];
        if (!c->login_waiting) continue;
        c->login_waiting = false;
        B.logins_in_flight++;
        send_job(c, K_LOGIN, 0);
    }
}

static void on_connect(uv_connect_t *req, int status)
{
    struct client *c = req->data;
    if (status < 0) die("connect %s:%d: %s", B.host, B.port, uv_strerror(status));
    uv_tcp_nodelay(&c->tcp, 1);
    uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
    c->login_waiting = true;
    login_next();
}

static void on_tick(uv_timer_t *t)
{
    (void)t;
    /* A phase bounded by time ends here when every client went quiet before the deadline. */
    if ((B.phase == PH_WARMUP || B.phase == PH_MEASURE) && timed_over(uv_hrtime()) && all_idle())
        phase_start(B.phase + 1);
}

/* What the daemon has handed to write calls so far (/proc/PID/io wchar): its pwrites to
 * data.mdb, and its replies. 0 when it cannot be read. */
static uint64_t daemon_wchar(void)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/io", B.daemon_pid);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    unsigned long long v = 0;
    char line[128];
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "wchar: %llu", &v) == 1) break;
    fclose(f);
    return v;
}

static void daemon_sample(uint64_t *cpu_us, uint64_t *wchar)
{
    if (!B.daemon_pid) return;
    *cpu_us = daemon_cpu_us();
    *wchar = daemon_wchar();
}

static void report(void)
{
    double secs = (double)(B.t_end - B.t_start) / 1e9;
    uint64_t n = B.ok + B.errors;
    printf("mode=%s clients=%d requests=%" PRIu64 " errors=%" PRIu64 " seconds=%.3f rps=%.1f "
           "p50_us=%" PRIu64 " p90_us=%" PRIu64 " p99_us=%" PRIu64 " max_us=%" PRIu64
           " reply_bytes=%" PRIu64 " reply_items=%" PRIu64,
           B.mode, B.nclients, n, B.errors, secs, secs > 0 ? (double)n / secs : 0.0,
           percentile(0.50), percentile(0.90), percentile(0.99), B.max_us,
           B.ok ? B.reply_bytes / B.ok : 0, B.ok ? B.reply_items / B.ok : 0);
    if (B.daemon_pid && n) {
        printf(" daemon_cpu_us_per_req=%.1f",
               (double)(B.cpu_end_us - B.cpu_start_us) / (double)n);
        /* Beside the replies, what it wrote is the store's pages: a write's cost on disk. */
        uint64_t wrote = B.wchar_end - B.wchar_start, replies = B.reply_bytes;
        if (B.wchar_end >= B.wchar_start && wrote >= replies)
            printf(" daemon_store_bytes_per_req=%.0f", (double)(wrote - replies) / (double)n);
    }
    printf("\n");
    if (B.errors) fprintf(stderr, "rpcbench: first error: %s\n", B.first_error);
    fflush(stdout);
}

static void finish(void)
{
    B.phase = PH_DONE;
    uv_timer_stop(&B.tick);
    uv_close((uv_handle_t *)&B.tick, NULL);
    for (int i = 0; i < B.nconns; i++) {
        uv_close((uv_handle_t *)&B.clients[i].tcp, NULL);
        uv_close((uv_handle_t *)&B.clients[i].retry, NULL);
    }
}

static void phase_start(enum phase ph)
{
    bool fill = !strcmp(B.mode, "fill");
    bool approve = !strcmp(B.mode, "approve");
    uint64_t now = uv_hrtime();
    B.issued = B.answered = 0;
    /* Skip what this mode does not do. */
    if (ph == PH_PROFILES && !fill) ph = approve ? PH_MEASURE : PH_WARMUP;
    if (ph == PH_WARMUP && fill) ph = PH_DONE;
    if (ph == PH_WARMUP && B.warmup <= 0) ph = PH_MEASURE;
    if (ph == PH_RESTORE && (!approve || B.napproved == 0)) ph = PH_DONE;
    B.phase = ph;
    switch (ph) {
    case PH_PROFILES:
        B.total = B.fill_profiles;
        fprintf(stderr, "rpcbench: fill: %" PRIu64 " profiles\n", B.total);
        break;
    case PH_CREATE:
        B.total = B.fill_posts;
        fprintf(stderr, "rpcbench: fill: %" PRIu64 " posts\n", B.total);
        break;
    case PH_SUBMIT: {
        /* Post ids of a fresh store run 1..N; the pool is the last fill_pool of them. */
        uint64_t lo = UINT64_MAX, hi = 0;
        for (uint64_t i = 0; i < B.fill_posts; i++) {
            if (B.post_ids[i] < lo) lo = B.post_ids[i];
            if (B.post_ids[i] > hi) hi = B.post_ids[i];
        }
        uint64_t plo = UINT64_MAX, phi = 0;
        for (uint64_t i = 0; i < B.fill_profiles; i++) {
            if (B.profile_ids[i] < plo) plo = B.profile_ids[i];
            if (B.profile_ids[i] > phi) phi = B.profile_ids[i];
        }
        if (hi - lo + 1 != B.fill_posts || phi - plo + 1 != B.fill_profiles)
            die("fill: ids are not contiguous; fill needs an empty store");
        B.m.posts = B.fill_posts;
        B.m.id_lo = lo;
        B.m.id_hi = hi;
        B.m.profiles = B.fill_profiles;
        B.m.profile_lo = plo;
        B.m.profile_hi = phi;
        B.m.pool_lo = hi - B.fill_pool + 1;
        B.m.pool_hi = hi;
        B.total = B.fill_pool;
        fprintf(stderr, "rpcbench: fill: submitting %" PRIu64 " posts for approval\n", B.total);
        break;
    }
    case PH_WARMUP:
        B.total = UINT64_MAX;
        B.deadline = now + (uint64_t)(B.warmup * 1e9);
        break;
    case PH_MEASURE:
        B.total = UINT64_MAX;
        B.t_start = now;
        B.last_answer = 0;
        daemon_sample(&B.cpu_start_us, &B.wchar_start);
        /* For a profiler to attach to the daemon for the measured phase only. */
        fprintf(stderr, "rpcbench: measuring for %.1f s\n", B.duration);
        B.deadline = now + (uint64_t)(B.duration * 1e9);
        break;
    case PH_RESTORE:
        B.t_end = B.last_answer ? B.last_answer : now;
        daemon_sample(&B.cpu_end_us, &B.wchar_end);
        report();
        B.total = B.napproved;
        B.depth = MAX_DEPTH;
        break;
    case PH_DONE:
        if (B.t_end == 0) {
            B.t_end = B.last_answer ? B.last_answer : now;
            daemon_sample(&B.cpu_end_us, &B.wchar_end);
            if (!fill) report();
        }
        if (fill) {
            meta_write(B.meta_path, &B.m);
            fprintf(stderr, "rpcbench: fill: done in %.1f s\n", (double)(now - B.t_start) / 1e9);
        }
        if (B.restore_errors)
            fprintf(stderr, "rpcbench: %" PRIu64 " errors putting the pool back\n",
                    B.restore_errors);
        finish();
        return;
    default:
        break;
    }
    pump_all();
}

static void usage(void)
{
    fprintf(stderr,
            "usage: rpcbench MODE --port P --password-file F --meta FILE [options]\n"
            "modes:\n"
            "  fill      create profiles and posts in an empty store, submit a pool of them\n"
            "            for approval, and write the meta file the other modes read\n"
            "  get       post.get of random ids\n"
            "  list      post.list of one random profile for one random month\n"
            "  approve   post.approve of pool posts, each a different one; afterwards (not\n"
            "            measured) reject and resubmit them so the pool is whole again\n"
            "options:\n"
            "  --host H (127.0.0.1)  --clients N (50)  --duration S (5)  --warmup S (0.5)\n"
            "  --depth N (1; fill pipelines up to 16)  --pool-start K (0: approve from the\n"
            "            K-th pool post on, wrapping round)  --scatter (approve: pool posts\n"
            "            far apart, not in id order)\n"
            "  --daemon-pid PID  also report the daemon's CPU time per request over the\n"
            "            measured phase (daemon_cpu_us_per_req), and what it wrote\n"
            "            besides its replies (daemon_store_bytes_per_req)\n"
            "  --posts N (100000)  --profiles N (100)  --pool N (60000)  --months N (24)\n");
    exit(2);
}

static char *read_password(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) die("%s: %s", path, strerror(errno));
    char buf[300];
    if (!fgets(buf, sizeof buf, f)) die("%s: empty", path);
    fclose(f);
    buf[strcspn(buf, "\r\n")] = '\0';
    return xstrdup(buf);
}

int main(int argc, char **argv)
{
    if (argc < 2 || argv[1][0] == '-') usage();
    B.mode = argv[1];
    if (strcmp(B.mode, "fill") && strcmp(B.mode, "get") && strcmp(B.mode, "list") &&
        strcmp(B.mode, "approve"))
        usage();
    int months = 24;
    const char *pwfile = NULL;
    static const struct option opts[] = {
        {"port", required_argument, 0, 'p'},     {"host", required_argument, 0, 'H'},
        {"password-file", required_argument, 0, 'w'}, {"meta", required_argument, 0, 'm'},
        {"clients", required_argument, 0, 'c'},  {"duration", required_argument, 0, 'd'},
        {"warmup", required_argument, 0, 'W'},   {"depth", required_argument, 0, 'D'},
        {"posts", required_argument, 0, 'n'},    {"profiles", required_argument, 0, 'P'},
        {"pool", required_argument, 0, 'o'},     {"months", required_argument, 0, 'M'},
        {"pool-start", required_argument, 0, 's'}, {"scatter", no_argument, 0, 'S'}, {"daemon-pid", required_argument, 0, 'C'},
        {0, 0, 0, 0},
    };
    optind = 2;
    int ch;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'p': B.port = atoi(optarg); break;
        case 'H': B.host = optarg; break;
        case 'w': pwfile = optarg; break;
        case 'm': B.meta_path = optarg; break;
        case 'c': B.nclients = atoi(optarg); break;
        case 'd': B.duration = atof(optarg); break;
        case 'W': B.warmup = atof(optarg); break;
        case 'D': B.depth = atoi(optarg); break;
        case 'n': B.fill_posts = strtoull(optarg, NULL, 10); break;
        case 'P': B.fill_profiles = strtoull(optarg, NULL, 10); break;
        case 'o': B.fill_pool = strtoull(optarg, NULL, 10); break;
        case 'M': months = atoi(optarg); break;
        case 's': B.pool_start = strtoull(optarg, NULL, 10); break;
        case 'S': B.scatter = true; break;
        case 'C': B.daemon_pid = atoi(optarg); break;
        default: usage();
        }
    }
    if (!B.port || !pwfile || !B.meta_path || B.nclients < 1 || B.nclients > 1000) usage();
    if (B.depth < 1 || B.depth > MAX_DEPTH) B.depth = MAX_DEPTH;
    B.password = read_password(pwfile);
    bool fill = !strcmp(B.mode, "fill");
    if (fill) {
        if (!B.fill_posts || !B.fill_profiles || B.fill_pool > B.fill_posts || months < 1)
            usage();
        /* The posts start on the first of next month, UTC, so none is in the past. */
        B.m.months = months;
        B.m.t0 = month_start((int64_t)time(NULL), 1);
        B.profile_ids = xcalloc(B.fill_profiles, sizeof *B.profile_ids);
        B.post_ids = xcalloc(B.fill_posts, sizeof *B.post_ids);
        B.t_start = uv_hrtime();
    } else {
        meta_read(B.meta_path, &B.m);
        B.hist = xcalloc(HIST_MAX_US, sizeof *B.hist);
        B.depth = 1;
        if (!strcmp(B.mode, "approve")) {
            if (B.m.pool_hi < B.m.pool_lo || !B.m.pool_lo) die("the store has no approval pool");
            B.approved = xcalloc(B.m.pool_hi - B.m.pool_lo + 1, sizeof *B.approved);
            B.warmup = 0; /* every approval uses up a pool post */
        }
    }
    B.rng ^= (uint64_t)time(NULL) * 0x100000001b3u;

    B.loop = uv_default_loop();
    struct sockaddr_in addr;
    if (uv_ip4_addr(B.host, B.port, &addr)) die("bad address %s", B.host);
    /* Restoring the pool after a one-client round would crawl on one connection. */
    B.nconns = B.approved && B.nclients < 32 ? 32 : B.nclients;
    B.clients = xcalloc((size_t)B.nconns, sizeof *B.clients);
    uv_timer_init(B.loop, &B.tick);
    uv_timer_start(&B.tick, on_tick, 10, 10);
    for (int i = 0; i < B.nconns; i++) {
        struct client *c = &B.clients[i];
        if (!msgpack_unpacker_init(&c->up, 65536)) die("out of memory");
        uv_tcp_init(B.loop, &c->tcp);
        uv_timer_init(B.loop, &c->retry);
        c->tcp.data = c->retry.data = c->connect.data = c;
        int r = uv_tcp_connect(&c->connect, &c->tcp, (struct sockaddr *)&addr, on_connect);
        if (r) die("connect: %s", uv_strerror(r));
    }
    B.phase = PH_LOGIN;
    uv_run(B.loop, UV_RUN_DEFAULT);
    if (B.phase != PH_DONE) die("stopped before the end");
    for (int i = 0; i < B.nconns; i++) msgpack_unpacker_destroy(&B.clients[i].up);
    uv_loop_close(B.loop);
    free(B.clients);
    free(B.hist);
    free(B.approved);
    free(B.profile_ids);
    free(B.post_ids);
    free(B.password);
    return 0;
}
