#include "net/api_views.h"

#include <stdlib.h>

#include "app/event_json.h"
#include "domain/xalloc.h"

static json_t *date_json(int32_t d)
{
    char t[ALLOT_DATE_TEXT];
    return d == ALLOT_NO_ETA ? json_null() : json_string(date_format(d, t));
}

json_t *api_product_json(const ProductRow *r)
{
    return json_pack("{s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:o}", "sku", json_text(r->sku),
                     "batches", (json_int_t)r->nbatches, "qty", (json_int_t)r->qty, "allocated",
                     (json_int_t)r->allocated, "available", (json_int_t)r->available,
                     "backorder_lines", (json_int_t)r->backorder_lines, "backorder_qty",
                     (json_int_t)r->backorder_qty, "next_eta", date_json(r->next_eta));
}

json_t *api_batch_json(const BatchRow *r)
{
    return json_pack("{s:o, s:o, s:I, s:I, s:I, s:o, s:I}", "ref", json_text(r->ref), "sku",
                     json_text(r->sku), "qty", (json_int_t)r->qty, "allocated",
                     (json_int_t)r->allocated, "available", (json_int_t)r->available, "eta",
                     date_json(r->eta), "lines", (json_int_t)r->nlines);
}

json_t *api_line_json(const LineRow *r)
{
    return json_pack("{s:o, s:o, s:I, s:o, s:o}", "orderid", json_text(r->orderid), "sku",
                     json_text(r->sku), "qty", (json_int_t)r->qty, "batchref",
                     r->batchref[0] ? json_text(r->batchref) : json_null(), "eta",
                     r->batchref[0] ? date_json(r->eta) : json_null());
}

#define ORDER_PAGE 256

AllotStatus api_order_lines(Views *v, const char *orderid, json_t **out, ErrBuf *err)
{
    *out = NULL;
    json_t *arr = json_array();
    LineRow *rows = xreallocarray(NULL, ORDER_PAGE, sizeof *rows);
    ViewPage page = {.limit = ORDER_PAGE};
    LineRow anchor;
    bool have = false;
    AllotStatus st;
    for (;;) {
        size_t n = 0;
        st = views_order_lines(v, orderid, &page, have ? &anchor : NULL, rows, &n, err);
        if (st != ALLOT_OK)
            break;
        for (size_t i = 0; i < n; i++)
            json_array_append_new(arr, api_line_json(&rows[i]));
        if (n < ORDER_PAGE)
            break;
        anchor = rows[n - 1];
        have = true;
    }
    free(rows);
    if (st != ALLOT_OK) {
        json_decref(arr);
        return st;
    }
    *out = arr;
    return ALLOT_OK;
}
