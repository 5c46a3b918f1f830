/* api_views.h — read-model rows (app/views.h) as JSON objects, shared by the
 * book's routes and /api/v1 (docs/api.md "Read model").  Dates are "YYYY-MM-DD",
 * none is null; a line's batchref is null while it is a backorder. */
#ifndef ALLOT_NET_API_VIEWS_H
#define ALLOT_NET_API_VIEWS_H

#include <jansson.h>

#include "app/views.h"

/* {"sku","batches","qty","allocated","available","backorder_lines","backorder_qty",
 *  "next_eta"}: a new reference. */
json_t *api_product_json(const ProductRow *r);
/* {"ref","sku","qty","allocated","available","eta","lines"} */
json_t *api_batch_json(const BatchRow *r);
/* {"orderid","sku","qty","batchref","eta"} (eta: the batch's) */
json_t *api_line_json(const LineRow *r);

/* Every line of order `orderid`, by SKU, as a new JSON array in *out.
 * Errors: ALLOT_ESTORAGE (views.h). */
AllotStatus api_order_lines(Views *v, const char *orderid, json_t **out, ErrBuf *err);

#endif
