/* Webhook endpoints and their outbox: the stored records (one encoder and decoder each), the
 * URL rules, the event names an endpoint may ask for, and the enqueue that writes one delivery
 * per matching endpoint in the same transaction as the event. The sender (webhook_send.h)
 * delivers them after the commit. */
#ifndef GL_WEBHOOK_H
#define GL_WEBHOOK_H

#include <lmdb.h>
#include <msgpack.h>
#include <stdbool.h>
#include <stdint.h>

#include "events.h"
#include "rpc.h"
#include "workflow.h"

#define GL_WEBHOOK_SECRET_BYTES 32
/* "whsec_" and base64 of the 32 bytes, with its NUL. */
#define GL_WEBHOOK_SECRET_TEXT 64
#define GL_WEBHOOK_URL_MAX 2048
#define GL_WEBHOOK_MAX_ENDPOINTS 64
/* "msg_" and 32 hex digits, with its NUL. */
#define GL_WEBHOOK_MSG_ID_LEN 37

struct gl_webhook {
    uint64_t id;
    const char *url;
    unsigned events; /* bits of enum gl_event_type */
    unsigned char secret[GL_WEBHOOK_SECRET_BYTES];
    bool paused;
    uint32_t failures;     /* deliveries failed in a row */
    int64_t failing_since; /* ms of the first of them; 0 when none */
    int64_t created_at;    /* s */
    const char *created_by;
    int64_t last_at;   /* ms of the last attempt; 0: none yet */
    int64_t last_code; /* its HTTP status; 0: no answer */
    const char *last_error;
};

enum gl_delivery_status { DLV_PENDING, DLV_DELIVERED, DLV_FAILED };
const char *gl_delivery_status_name(enum gl_delivery_status s);

struct gl_delivery {
    uint64_t id;
    uint64_t endpoint;
    char msg[GL_WEBHOOK_MSG_ID_LEN]; /* webhook-id: the same on every attempt */
    const char *type;
    const char *body; /* the JSON payload, fixed when the event happened */
    int64_t created_ms;
    enum gl_delivery_status status;
    uint32_t attempts;
    int64_t next_ms; /* when the next attempt is due (pending) */
    int64_t last_ms;
    int64_t last_code;
    const char *last_error;
};

/* The events an endpoint may ask for: bits of the names, or -1 with err naming the unknown. */
int gl_webhook_events_parse(const char *const *names, size_t n, unsigned *out, struct gl_err *err);
void gl_webhook_events_pack(msgpack_packer *pk, unsigned events);
/* https to anywhere, or http to a loopback host; 0, or -1 with err saying what is refused. */
int gl_webhook_url_check(const char *url, struct gl_err *err);
/* Whether the address text (as libcurl reports the connected one) is a loopback address. */
bool gl_webhook_addr_loopback(const char *ip);

int gl_webhook_load(struct gl_txn *t, uint64_t id, msgpack_zone *z, struct gl_webhook *out);
void gl_webhook_save(struct gl_txn *t, const struct gl_webhook *w);
int gl_webhook_decode(const MDB_val *v, msgpack_zone *z, struct gl_webhook *out);
/* {id, url, events, status: active|paused, failures, created_at, created_by, last_at,
 * last_code, last_error}: never the secret. */
void gl_webhook_pack(msgpack_packer *pk, const struct gl_webhook *w);

int gl_delivery_load(struct gl_txn *t, uint64_t id, msgpack_zone *z, struct gl_delivery *out);
int gl_delivery_decode(const MDB_val *v, msgpack_zone *z, struct gl_delivery *out);
/* Writes d, keeping webhook_due in step: old_next_ms is the due entry d had (-1: none). */
void gl_delivery_save(struct gl_txn *t, const struct gl_delivery *d, int64_t old_next_ms);
/* {id, endpoint, msg, type, status, attempts, created_at, last_at, last_code, last_error,
 * next_at} (times in ms). */
void gl_delivery_pack(msgpack_packer *pk, const struct gl_delivery *d);

/* Finished deliveries are kept GL_WEBHOOK_KEEP_DAYS for webhook.deliveries, then removed a
 * few at a time, oldest first, by each outcome recorded (so the work is bounded per write). */
#define GL_WEBHOOK_KEEP_DAYS 7
void gl_webhook_prune(struct gl_txn *t, int64_t now_ms);

/* The outbox: one pending delivery per endpoint that wants type, written in wf's transaction
 * (notify_event calls it for every event). */
void webhook_enqueue(struct gl_wf *wf, enum gl_event_type type, const struct gl_post *p,
                     uint64_t link);
/* The JSON body protocol/README.md documents ("Webhooks"): {type, timestamp, data: {post?,
 * link?, actor}}, type an event name (or "post.publish" for the publisher). malloc'd; NULL when
 * out of memory. */
char *gl_webhook_payload(const struct gl_wf *wf, const char *type, const struct gl_post *p,
                         uint64_t link);
/* A new random webhook-id ("msg_" and 32 hex digits). */
void gl_webhook_msg_id(char out[GL_WEBHOOK_MSG_ID_LEN]);
/* Whether a delivery was enqueued since the last call: the sender then looks for work. */
bool gl_webhook_take_enqueued(void);
/* Something else made a delivery sendable (a redelivery, an endpoint resumed). */
void gl_webhook_note_work(void);

#endif
