/* greenlightd receipts-key, receipts and verify (see receipt_cli.h). */
#include "receipt_cli.h"

#include <getopt.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "receipt.h"
#include "util.h"
#include "webbuf.h"
#include "xmalloc.h"

static int print_key(const char *cmd, struct gl_store *s)
{
    struct gl_txn t = {.store = s};
    int rc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, &t.txn);
    if (rc == MDB_MAP_RESIZED) {
        mdb_env_set_mapsize(s->env, 0);
        rc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, &t.txn);
    }
    if (rc) {
        fprintf(stderr, "greenlightd %s: cannot read the store: %s\n", cmd, mdb_strerror(rc));
        return 1;
    }
    uint32_t id = 0;
    unsigned char pk[32];
    rc = s->dbi[DB_RECEIPT_KEYS] ? receipt_key_current(&t, &id, pk) : MDB_NOTFOUND;
    mdb_txn_abort(t.txn);
    if (rc) {
        fprintf(stderr, "greenlightd %s: no signing key yet (%s); start the daemon once\n", cmd,
                rc == MDB_NOTFOUND ? "none made" : mdb_strerror(rc));
        return 1;
    }
    char b64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(b64, sizeof b64, pk, 32, sodium_base64_VARIANT_ORIGINAL);
    printf("key %u ed25519 public_base64 %s\n", id, b64);
    return 0;
}

int gl_receipts_key_main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"data", required_argument, NULL, 'd'},
        {"rotate", no_argument, NULL, 'r'},
        {NULL, 0, NULL, 0},
    };
    const char *dir = NULL;
    bool rotate = false;
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        if (ch == 'd')
            dir = optarg;
        else if (ch == 'r')
            rotate = true;
        else
            dir = NULL, optind = argc + 1;
    }
    if (!dir || optind != argc) {
        fprintf(stderr, "usage: greenlightd receipts-key --data DIR [--rotate]\n");
        return 2;
    }
    if (sodium_init() < 0) return 1;
    struct gl_store s;
    struct gl_err err = {0};
    char *data = xasprintf("%s/data.mdb", dir);
    struct stat st;
    bool exists = stat(data, &st) == 0;
    free(data);
    if (!exists) {
        fprintf(stderr, "greenlightd receipts-key: no store in %s\n", dir);
        return 1;
    }
    if (!rotate) {
        if (gl_store_open_readonly(&s, dir, &err) != 0) {
            fprintf(stderr, "greenlightd receipts-key: %s\n", err.message);
            return 1;
        }
    } else {
        /* A write transaction beside the daemon: LMDB serialises it with the daemon's. */
        if (gl_store_open(&s, dir, &err) != 0) {
            fprintf(stderr, "greenlightd receipts-key: %s\n", err.message);
            return 1;
        }
        uint32_t id;
        int rc = receipt_keys_rotate(&s, &id);
        if (rc) {
            fprintf(stderr, "greenlightd receipts-key: cannot rotate: %s\n", mdb_strerror(rc));
            gl_store_close(&s);
            return 1;
        }
    }
    int status = print_key("receipts-key", &s);
    gl_store_close(&s);
    return status;
}

/* "2026-12-01", "2026-12-01T10:00:00Z" (UTC) or Unix seconds. A bare date as --to means the
 * end of that day, so --from D --to D is the whole day. Returns 0 or -1. */
static int parse_date(const char *s, bool end_of_day, int64_t *out)
{
    struct tm tm;
    const char *rest;
    memset(&tm, 0, sizeof tm);
    if ((rest = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm)) && !*rest) {
        *out = (int64_t)timegm(&tm);
        return 0;
    }
    memset(&tm, 0, sizeof tm);
    if ((rest = strptime(s, "%Y-%m-%d", &tm)) && !*rest) {
        *out = (int64_t)timegm(&tm) + (end_of_day ? 86400 : 0);
        return 0;
    }
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*s && !*end) {
        *out = v;
        return 0;
    }
    return -1;
}

static void csv_field(const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, stdout);
        return;
    }
    putchar('"');
    for (; *s; s++) {
        if (*s == '"') putchar('"');
        putchar(*s);
    }
    putchar('"');
}

/* A JSON scalar as text (null as empty). */
static char *scalar_text(const json_t *v)
{
    if (json_is_string(v)) return xstrdup(json_string_value(v));
    if (json_is_integer(v)) return xasprintf("%" JSON_INTEGER_FORMAT, json_integer_value(v));
    if (json_is_true(v)) return xstrdup("true");
    if (json_is_false(v)) return xstrdup("false");
    return xstrdup("");
}

/* The columns of the CSV and HTML: the signed fields, then hash and signature. */
static const char *const columns[] = {
#define COL(n, t) #n,
    GL_RECEIPT_FIELDS(COL)
#undef COL
        "hash",
    "signature",
};

static void write_csv(const json_t *doc)
{
    for (size_t c = 0; c < GL_ARRAY_LEN(columns); c++)
        printf("%s%s", c ? "," : "", columns[c]);
    printf(",caption\r\n");
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(doc, "receipts"), i, r)
    {
        for (size_t c = 0; c < GL_ARRAY_LEN(columns); c++) {
            char *s = scalar_text(json_object_get(r, columns[c]));
            if (c) putchar(',');
            csv_field(s);
            free(s);
        }
        putchar(',');
        char *cap = scalar_text(json_object_get(json_object_get(r, "shown"), "caption"));
        csv_field(cap);
        free(cap);
        fputs("\r\n", stdout);
    }
}

static void utc_text(char *out, size_t n, int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, n, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

/* A printable page of one post's receipts. Every value is escaped. */
static void write_html(const json_t *doc, uint64_t post)
{
    struct gl_buf b;
    buf_init(&b, 8192);
    buf_printf(&b,
               "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
               "<title>Receipts of post %" PRIu64 "</title>"
               "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:"
               "collapse;width:100%%}td,th{border:1px solid #999;padding:4px;vertical-align:"
               "top;text-align:left}code{word-break:break-all;font-size:80%%}</style>"
               "</head><body>\n<h1>Approval receipts of post %" PRIu64 "</h1>\n",
               post, post);
    size_t i;
    json_t *r;
    json_t *list = json_object_get(doc, "receipts");
    if (!json_array_size(list)) buf_puts(&b, "<p>No receipts.</p>\n");
    json_array_foreach(list, i, r)
    {
        char when[40];
        utc_text(when, sizeof when, json_integer_value(json_object_get(r, "at")));
        buf_printf(&b, "<h2>Receipt %" JSON_INTEGER_FORMAT " of profile %" JSON_INTEGER_FORMAT ": ",
                   json_integer_value(json_object_get(r, "seq")),
                   json_integer_value(json_object_get(r, "profile")));
        buf_html(&b, json_string_value(json_object_get(r, "decision")));
        buf_puts(&b, ", ");
        buf_html(&b, when);
        buf_puts(&b, "</h2>\n<table>\n");
        for (size_t c = 0; c < GL_ARRAY_LEN(columns); c++) {
            char *s = scalar_text(json_object_get(r, columns[c]));
            buf_puts(&b, "<tr><th>");
            buf_html(&b, columns[c]);
            buf_puts(&b, "</th><td><code>");
            buf_html(&b, s);
            buf_puts(&b, "</code></td></tr>\n");
            free(s);
        }
        json_t *shown = json_object_get(r, "shown");
        char *cap = scalar_text(json_object_get(shown, "caption"));
        buf_puts(&b, "<tr><th>caption shown</th><td>");
        buf_html(&b, cap);
        buf_puts(&b, "</td></tr>\n</table>\n");
        free(cap);
    }
    buf_puts(&b, "<h2>Public keys (Ed25519, base64)</h2>\n<ul>\n");
    json_array_foreach(json_object_get(doc, "keys"), i, r)
    {
        buf_printf(&b, "<li>key %" JSON_INTEGER_FORMAT ": <code>",
                   json_integer_value(json_object_get(r, "id")));
        buf_html(&b, json_string_value(json_object_get(r, "public")));
        buf_puts(&b, "</code></li>\n");
    }
    buf_puts(&b, "</ul>\n<p>Check them offline with <code>greenlightd verify</code> on the JSON "
                 "export.</p>\n</body></html>\n");
    fwrite(b.p, 1, b.n, stdout);
    buf_free(&b);
}

static int receipts_usage(void)
{
    fprintf(stderr, "usage: greenlightd receipts --data DIR [--profile ID] [--post ID] "
                    "[--from DATE] [--to DATE] --format json|csv|html\n"
                    "DATE: YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ (UTC) or Unix seconds; html needs "
                    "--post\n");
    return 2;
}

int gl_receipts_main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"data", required_argument, NULL, 'd'},
        {"profile", required_argument, NULL, 'p'},
        {"post", required_argument, NULL, 'n'},
        {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 't'},
        {"format", required_argument, NULL, 'F'},
        {NULL, 0, NULL, 0},
    };
    const char *dir = NULL, *format = NULL;
    struct gl_receipt_filter f = {.from = INT64_MIN, .to = INT64_MAX};
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        char *end = NULL;
        switch (ch) {
        case 'd':
            dir = optarg;
            break;
        case 'F':
            format = optarg;
            break;
        case 'p':
            f.profile = strtoull(optarg, &end, 10);
            break;
        case 'n':
            f.post = strtoull(optarg, &end, 10);
            break;
        case 'f':
            if (parse_date(optarg, false, &f.from)) return receipts_usage();
            break;
        case 't':
            if (parse_date(optarg, true, &f.to)) return receipts_usage();
            break;
        default:
            return receipts_usage();
        }
        if (end && (*end || end == optarg)) return receipts_usage();
    }
    bool json = format && strcmp(format, "json") == 0, csv = format && !strcmp(format, "csv"),
         html = format && !strcmp(format, "html");
    if (!dir || optind != argc || !(json || csv || html) || (html && !f.post))
        return receipts_usage();
    if (sodium_init() < 0) return 1;
    struct gl_store s;
    struct gl_err err = {0};
    if (gl_store_open_readonly(&s, dir, &err) != 0) {
        fprintf(stderr, "greenlightd receipts: %s\n", err.message);
        return 1;
    }
    /* One read snapshot: the daemon keeps writing, the export is of one moment. */
    struct gl_txn t = {.store = &s};
    int rc = mdb_txn_begin(s.env, NULL, MDB_RDONLY, &t.txn);
    if (rc == MDB_MAP_RESIZED) {
        mdb_env_set_mapsize(s.env, 0);
        rc = mdb_txn_begin(s.env, NULL, MDB_RDONLY, &t.txn);
    }
    if (rc) {
        fprintf(stderr, "greenlightd receipts: cannot read %s: %s\n", dir, mdb_strerror(rc));
        gl_store_close(&s);
        return 1;
    }
    json_t *doc = receipt_export_json(&t, &f, &err);
    mdb_txn_abort(t.txn);
    gl_store_close(&s);
    if (!doc) {
        fprintf(stderr, "greenlightd receipts: %s\n", err.message);
        return 1;
    }
    if (json) {
        json_dumpf(doc, stdout, JSON_INDENT(2));
        putchar('\n');
    } else if (csv) {
        write_csv(doc);
    } else {
        write_html(doc, f.post);
    }
    json_decref(doc);
    return fflush(stdout) == 0 ? 0 : 1;
}

/* ---- verify ---- */

struct chain_end {
    int64_t profile, seq;
    unsigned char hash[GL_RECEIPT_HASH];
};

static int b64_key(const char *s, unsigned char pk[32])
{
    size_t got = 0;
    return s &&
                   sodium_base642bin(pk, 32, s, strlen(s), NULL, &got, NULL,
                                     sodium_base64_VARIANT_ORIGINAL) == 0 &&
                   got == 32
               ? 0
               : -1;
}

/* shown_sha256 recomputed from the shown object; -1 when it is malformed. */
static int shown_hash_json(const json_t *sh, unsigned char out[GL_RECEIPT_HASH])
{
    const json_t *pl = json_object_get(sh, "platforms"), *media = json_object_get(sh, "media");
    const json_t *at = json_object_get(sh, "scheduled_at");
    if (!json_is_object(sh) || !json_is_array(pl) || !json_is_array(media) ||
        !json_is_string(json_object_get(sh, "caption")) ||
        !(json_is_integer(at) || json_is_null(at)))
        return -1;
    size_t np = json_array_size(pl), nm = json_array_size(media);
    struct gl_shown s = {
        .caption = json_string_value(json_object_get(sh, "caption")),
        .platforms = xcalloc(np + 1, sizeof *s.platforms),
        .nplatforms = np,
        .scheduled_at = json_is_null(at) ? GL_TIME_NONE : json_integer_value(at),
        .timezone = json_string_value(json_object_get(sh, "timezone")),
        .nmedia = nm,
        .media_sha256 = xcalloc(nm + 1, GL_RECEIPT_HASH),
    };
    int rc = 0;
    for (size_t i = 0; i < np && !rc; i++)
        if (!(s.platforms[i] = json_string_value(json_array_get(pl, i)))) rc = -1;
    for (size_t i = 0; i < nm && !rc; i++) {
        const char *hex = json_string_value(json_object_get(json_array_get(media, i), "sha256"));
        size_t got = 0;
        if (!hex ||
            sodium_hex2bin(s.media_sha256[i], GL_RECEIPT_HASH, hex, strlen(hex), NULL, &got,
                           NULL) != 0 ||
            got != GL_RECEIPT_HASH)
            rc = -1;
    }
    if (!rc) receipt_shown_hash(&s, out);
    free(s.platforms);
    free(s.media_sha256);
    return rc;
}

int gl_verify_main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"key", required_argument, NULL, 'k'},
        {NULL, 0, NULL, 0},
    };
    enum { TRUSTED_MAX = 32 };
    unsigned char trusted[TRUSTED_MAX][32];
    size_t ntrusted = 0;
    int ch;
    optind = 1;
    if (sodium_init() < 0) return 1;
    while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        if (ch != 'k' || ntrusted == TRUSTED_MAX || b64_key(optarg, trusted[ntrusted]) != 0) {
            fprintf(stderr, "usage: greenlightd verify FILE [--key PUBKEY]... (PUBKEY: the "
                            "base64 Ed25519 key that greenlightd receipts-key prints)\n");
            return 2;
        }
        ntrusted++;
    }
    if (optind != argc - 1) {
        fprintf(stderr, "usage: greenlightd verify FILE [--key PUBKEY]...\n");
        return 2;
    }
    const char *file = argv[optind];
    json_error_t jerr;
    json_t *doc = json_load_file(file, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc) {
        fprintf(stderr, "greenlightd verify: %s: line %d: %s\n", file, jerr.line, jerr.text);
        return 1;
    }
    const json_t *keys = json_object_get(doc, "keys"), *list = json_object_get(doc, "receipts");
    if (!json_is_array(keys) || !json_is_array(list)) {
        fprintf(stderr, "greenlightd verify: %s is not a receipts export\n", file);
        json_decref(doc);
        return 1;
    }
    size_t nfail = 0, nchains = 0, i;
    struct chain_end *chains = xcalloc(json_array_size(list) + 1, sizeof *chains);
    json_t *j;
    json_array_foreach(list, i, j)
    {
        struct gl_receipt r;
        const char *why = NULL;
        char bad[160] = "";
        if (receipt_from_json(j, &r, &why) != 0) {
            fprintf(stdout, "FAIL receipt %zu: field %s is missing or malformed\n", i + 1, why);
            nfail++;
            continue;
        }
        /* The receipt's key: listed in the file and, with --key, one the caller trusts. */
        unsigned char pk[32];
        bool have_key = false;
        size_t k;
        json_t *kj;
        json_array_foreach(keys, k, kj)
        {
            if (json_integer_value(json_object_get(kj, "id")) == r.key &&
                b64_key(json_string_value(json_object_get(kj, "public")), pk) == 0)
                have_key = true;
        }
        bool trusted_key = ntrusted == 0;
        for (size_t t = 0; t < ntrusted && have_key && !trusted_key; t++)
            trusted_key = sodium_memcmp(trusted[t], pk, 32) == 0;
        msgpack_sbuffer body;
        msgpack_sbuffer_init(&body);
        receipt_encode(&r, &body);
        unsigned char hash[GL_RECEIPT_HASH], shown[GL_RECEIPT_HASH];
        crypto_hash_sha256(hash, (const unsigned char *)body.data, body.size);
        unsigned char listed[GL_RECEIPT_HASH];
        const json_t *hj = json_object_get(j, "hash");
        const char *hex = json_string_value(hj);
        size_t got = 0;
        bool hash_ok =
            hex && sodium_hex2bin(listed, sizeof listed, hex, strlen(hex), NULL, &got, NULL) == 0 &&
            got == sizeof listed && sodium_memcmp(listed, hash, sizeof hash) == 0;
        if (!have_key)
            snprintf(bad, sizeof bad, "key %" PRId64 " is not in the file", r.key);
        else if (!trusted_key)
            snprintf(bad, sizeof bad, "key %" PRId64 " is not a key given with --key", r.key);
        else if (crypto_sign_verify_detached(r.sig, (const unsigned char *)body.data, body.size,
                                             pk) != 0)
            snprintf(bad, sizeof bad, "bad signature (the receipt was changed)");
        else if (!hash_ok)
            snprintf(bad, sizeof bad, "its hash does not match its content");
        else if (json_object_get(j, "shown") &&
                 (shown_hash_json(json_object_get(j, "shown"), shown) != 0 ||
                  sodium_memcmp(shown, r.shown_sha256, sizeof shown) != 0))
            snprintf(bad, sizeof bad, "what it says was shown does not match shown_sha256");
        msgpack_sbuffer_destroy(&body);
        /* The chain of its profile. */
        struct chain_end *c = NULL;
        for (size_t n = 0; n < nchains && !c; n++)
            if (chains[n].profile == r.profile) c = &chains[n];
        static const unsigned char zero[GL_RECEIPT_HASH];
        if (!*bad) {
            if (c && r.seq != c->seq + 1)
                snprintf(bad, sizeof bad,
                         "chain broken: receipt %" PRId64 " follows %" PRId64 " (%s)", r.seq,
                         c->seq, r.seq > c->seq + 1 ? "receipts missing" : "out of order");
            else if (c && sodium_memcmp(r.prev, c->hash, sizeof r.prev) != 0)
                snprintf(bad, sizeof bad, "chain broken: prev is not the hash of receipt %" PRId64,
                         c->seq);
            else if (!c && r.seq == 1 && sodium_memcmp(r.prev, zero, sizeof zero) != 0)
                snprintf(bad, sizeof bad, "chain broken: the first receipt has a prev");
        }
        if (!c) {
            c = &chains[nchains++];
            c->profile = r.profile;
            if (r.seq > 1)
                printf("note: profile %" PRId64 " starts at receipt %" PRId64
                       " (a partial export: earlier ones are not checked)\n",
                       r.profile, r.seq);
        }
        c->seq = r.seq;
        /* The hash the file lists, when readable: a changed receipt is reported once, not
         * again as a break before its successor (a sound one matches it, checked above). */
        memcpy(c->hash, got == sizeof listed ? listed : hash, sizeof hash);
        if (*bad) {
            printf("FAIL profile %" PRId64 " receipt %" PRId64 " post %" PRId64 ": %s\n", r.profile,
                   r.seq, r.post, bad);
            nfail++;
        }
    }
    size_t n = json_array_size(list);
    if (nfail)
        printf("%s: %zu of %zu receipts fail\n", file, nfail, n);
    else
        printf("%s: %zu receipts in %zu chains verified\n", file, n, nchains);
    free(chains);
    json_decref(doc);
    return nfail ? 1 : 0;
}
