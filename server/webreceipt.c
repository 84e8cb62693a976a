/* A visitor's own receipt (webroutes.h): the signed receipt of a decision made through this
 * link, as a receipts export holding it alone (protocol/README.md, "Receipts"), so
 * `greenlightd verify` checks the file as downloaded. Another link's decisions are not found
 * here, whatever their number. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "receipt.h"
#include "webreq.h"
#include "webroutes.h"

#define RECEIPTS_READ_MAX 5000

void web_serve_receipt(struct web *w, const struct web_args *a)
{
    struct gl_receipt_filter f = {.profile = w->link.profile, .post = a->post,
                                  .from = INT64_MIN, .to = INT64_MAX,
                                  .limit = RECEIPTS_READ_MAX};
    struct gl_err err = {0};
    json_t *doc = receipt_export_json(&w->t, &f, &err);
    json_t *mine = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(doc ? json_object_get(doc, "receipts") : NULL, i, r)
    {
        if ((uint64_t)json_integer_value(json_object_get(r, "seq")) == a->seq &&
            (uint64_t)json_integer_value(json_object_get(r, "link")) == w->link.id)
            json_array_append(mine, r);
    }
    if (!doc || json_array_size(mine) != 1) {
        json_decref(mine);
        json_decref(doc);
        web_not_found(w);
        return;
    }
    json_object_set_new(doc, "receipts", mine);
    char *text = json_dumps(doc, JSON_INDENT(2));
    json_decref(doc);
    if (!text) {
        web_message(w, 503, _("Busy"), _("Please try again in a moment."), NULL, NULL);
        return;
    }
    buf_puts(&w->out, text);
    buf_puts(&w->out, "\n");
    free(text);
    buf_printf(&w->hdrs,
               "Cache-Control: no-store\r\nContent-Disposition: attachment; "
               "filename=\"receipt-%llu-%llu.json\"\r\n",
               (unsigned long long)w->link.profile, (unsigned long long)a->seq);
    web_send_as(w, 200, "application/json", w->hdrs.p);
}
