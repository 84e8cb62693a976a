/* receipt.list: a profile's signed receipts, the same document greenlightd receipts exports. */
#include "methods.h"

#include "receipt.h"

/* A reply stays well under the 12 MiB frame a client reads (a receipt is about 1 KiB). */
#define RECEIPT_LIST_MAX 5000

int m_receipt_list(struct gl_req *req, struct gl_txn *t)
{
    struct gl_err *err = &req->op.err;
    int64_t profile = 0, post = 0;
    struct gl_receipt_filter f = {.from = INT64_MIN, .to = INT64_MAX};
    gl_args_int(&req->args, "profile", &profile, err);
    gl_args_int(&req->args, "from", &f.from, err);
    gl_args_int(&req->args, "to", &f.to, err);
    gl_args_int(&req->args, "post", &post, err);
    if (err->code) return -1;
    if (profile <= 0) return REQ_FAIL(req, GL_E_NOT_FOUND, "no profile %lld", (long long)profile);
    f.profile = (uint64_t)profile;
    f.post = post > 0 ? (uint64_t)post : 0;
    f.limit = RECEIPT_LIST_MAX;
    json_t *doc = receipt_export_json(t, &f, err);
    if (!doc) return -1;
    receipt_pack_json(&req->pk, doc);
    json_decref(doc);
    return 0;
}
