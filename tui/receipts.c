/* The receipts export key (receipts.h). */
#include "receipts.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "conn.h"

/* The path asked for, kept from the prompt to the reply (one export at a time). */
static char pending_path[4096];

/* A reply's MessagePack as JSON: the daemon made it from JSON (server/receipt.c), so only
 * JSON's kinds occur; anything else is refused rather than guessed at. */
static json_t *to_json(const msgpack_object *o)
{
    switch (o->type) {
    case MSGPACK_OBJECT_NIL:
        return json_null();
    case MSGPACK_OBJECT_BOOLEAN:
        return json_boolean(o->via.boolean);
    case MSGPACK_OBJECT_POSITIVE_INTEGER:
        return o->via.u64 > INT64_MAX ? NULL : json_integer((json_int_t)o->via.u64);
    case MSGPACK_OBJECT_NEGATIVE_INTEGER:
        return json_integer(o->via.i64);
    case MSGPACK_OBJECT_FLOAT32:
    case MSGPACK_OBJECT_FLOAT64:
        return json_real(o->via.f64);
    case MSGPACK_OBJECT_STR:
        return json_stringn(o->via.str.ptr, o->via.str.size);
    case MSGPACK_OBJECT_ARRAY: {
        json_t *a = json_array();
        for (uint32_t i = 0; i < o->via.array.size; i++) {
            json_t *v = to_json(&o->via.array.ptr[i]);
            if (!v) {
                json_decref(a);
                return NULL;
            }
            json_array_append_new(a, v);
        }
        return a;
    }
    case MSGPACK_OBJECT_MAP: {
        json_t *m = json_object();
        for (uint32_t i = 0; i < o->via.map.size; i++) {
            const msgpack_object_kv *kv = &o->via.map.ptr[i];
            json_t *v = kv->key.type == MSGPACK_OBJECT_STR ? to_json(&kv->val) : NULL;
            char key[64];
            if (!v || kv->key.via.str.size >= sizeof key) {
                json_decref(v);
                json_decref(m);
                return NULL;
            }
            memcpy(key, kv->key.via.str.ptr, kv->key.via.str.size);
            key[kv->key.via.str.size] = '\0';
            json_object_set_new(m, key, v);
        }
        return m;
    }
    default:
        return NULL;
    }
}

static void on_list(void *ud, uint64_t tag, const struct gl_err *err, const msgpack_object *r)
{
    struct app *a = ud;
    (void)tag;
    if (err) {
        app_rpc_error(a, "cannot export the receipts", err);
        return;
    }
    json_t *doc = to_json(r);
    if (!doc) {
        app_msg(a, true, "the daemon's receipts are not a receipts export");
        return;
    }
    size_t n = json_array_size(json_object_get(doc, "receipts"));
    int fd = open(pending_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    int rc = f ? json_dumpf(doc, f, JSON_INDENT(2)) : -1;
    if (f && (fputc('\n', f) == EOF || fflush(f) != 0 || fsync(fd) != 0)) rc = -1;
    int saved = errno;
    if (f)
        fclose(f);
    else if (fd >= 0)
        close(fd);
    json_decref(doc);
    if (rc)
        app_msg(a, true, "cannot write %s: %s", pending_path, strerror(saved));
    else
        app_msg(a, false, "%zu receipt%s written to %s (check: greenlightd verify FILE)", n,
                n == 1 ? "" : "s", pending_path);
}

static void on_path(void *ud, const char *text, uint64_t tag)
{
    struct app *a = ud;
    if (!text || !*text) return;
    const char *home = getenv("HOME");
    if (text[0] == '~' && text[1] == '/' && home)
        snprintf(pending_path, sizeof pending_path, "%s%s", home, text + 1);
    else
        snprintf(pending_path, sizeof pending_path, "%s", text);
    msgpack_packer *pk = conn_begin(a->conn, "receipt.list");
    msgpack_pack_map(pk, 1);
    gl_pack_kv_int(pk, "profile", (int64_t)tag);
    conn_send(a->conn, on_list, a, tag);
}

void receipts_export_ask(struct app *a)
{
    const struct md_profile *p = app_profile(a);
    if (!p) {
        app_msg(a, true, "choose a profile first (p)");
        return;
    }
    char path[512], label[160];
    /* The profile's name in the file name, without what a path or shell would read. */
    char name[64];
    size_t n = 0;
    for (const char *s = p->name; *s && n + 1 < sizeof name; s++)
        name[n++] = strchr("/\\ \t\n'\"$`*?", *s) ? '-' : *s;
    name[n] = '\0';
    snprintf(path, sizeof path, "~/greenlight-receipts-%s.json", name);
    snprintf(label, sizeof label, "Write the receipts of %s to:", p->name);
    app_prompt(a, label, path, false, on_path, a, (uint64_t)p->id);
}
