/* notify.subscribe: the connection receives every event from now on. */
#include "methods.h"

int m_notify_subscribe(struct gl_req *req, struct gl_txn *t)
{
    (void)t;
    req->subscribe = true;
    msgpack_pack_map(&req->pk, 0);
    return 0;
}
