/* Read-model rows from Products (view_rows.h). */
#include "app/view_rows.h"

#include <stdlib.h>
#include <string.h>

#include "domain/lateness.h"
#include "domain/xalloc.h"

void view_rows_init(ViewRows *r, size_t size) { *r = (ViewRows){.size = size}; }

void view_rows_fini(ViewRows *r)
{
    free(r->items);
    r->items = NULL;
    r->len = r->cap = 0;
}

void *view_rows_push(ViewRows *r)
{
    if (r->len == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 32;
        r->items = xreallocarray(r->items, r->cap, r->size);
    }
    void *row = r->items + r->len++ * r->size;
    memset(row, 0, r->size);
    return row;
}

void *view_rows_at(const ViewRows *r, size_t i) { return r->items + i * r->size; }

static void copy_id(AllotId dst, const char *src)
{
    size_t n = strnlen(src, ALLOT_ID_MAX);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* ---------- one row from the model ---------- */

static void product_row(const Product *p, ProductRow *r)
{
    copy_id(r->sku, product_sku(p));
    r->nbatches = (int64_t)product_batch_count(p);
    r->next_eta = ALLOT_NO_ETA;
    for (size_t i = 0; i < product_batch_count(p); i++) {
        const Batch *b = product_batch(p, i);
        r->qty += b->qty;
        r->allocated += b->allocated;
        if (b->eta != ALLOT_NO_ETA && (r->next_eta == ALLOT_NO_ETA || b->eta < r->next_eta))
            r->next_eta = b->eta;
    }
    r->available = r->qty - r->allocated;
    for (size_t i = 0; i < product_line_count(p); i++) {
        const OrderLine *l = product_line(p, i);
        if (l->batch < 0) {
            r->backorder_lines++;
            r->backorder_qty += l->qty;
        }
    }
}

static void batch_row(const Product *p, size_t i, BatchRow *r)
{
    const Batch *b = product_batch(p, i);
    copy_id(r->ref, b->ref);
    copy_id(r->sku, product_sku(p));
    r->qty = b->qty;
    r->allocated = b->allocated;
    r->available = b->qty - b->allocated;
    r->eta = b->eta;
    r->seq = b->seq;
    for (size_t k = 0; k < product_line_count(p); k++)
        r->nlines += product_line(p, k)->batch == (int32_t)i;
}

static void line_row(const Product *p, const OrderLine *l, int32_t today, LineRow *r)
{
    copy_id(r->orderid, l->orderid);
    copy_id(r->sku, product_sku(p));
    r->qty = l->qty;
    copy_id(r->batchref, product_line_batchref(p, l));
    r->eta = l->batch >= 0 ? product_batch(p, (size_t)l->batch)->eta : ALLOT_NO_ETA;
    r->seq = l->seq;
    r->need = l->need;
    LineLateness late = lateness_of_line(l->batch >= 0, r->eta, l->need, today);
    r->promised = late.promised;
    r->late = late.late;
    r->at_risk = late.at_risk;
}

/* Keeps the last pushed row of `out` only if it meets q. */
static void keep_if(const ViewQuery *q, ViewRows *out)
{
    if (!view_row_matches(q, view_rows_at(out, out->len - 1)))
        out->len--;
}

AllotStatus view_rows_of_product(const ViewQuery *q, const Product *p, LineKeyFn key, void *ctx,
                                 ViewRows *out, ErrBuf *err)
{
    switch (q->spec->kind) {
    case VIEW_ROW_PRODUCT:
        product_row(p, view_rows_push(out));
        keep_if(q, out);
        return ALLOT_OK;
    case VIEW_ROW_BATCH:
        for (size_t i = 0; i < product_batch_count(p); i++) {
            batch_row(p, i, view_rows_push(out));
            keep_if(q, out);
        }
        return ALLOT_OK;
    case VIEW_ROW_LINE: {
        /* a query of one order (an order's lines, its lateness) skips the product's
         * other lines before their rows are made */
        const ViewCond *order = view_query_fixed(q, LCOL_ORDERID);
        for (size_t i = 0; i < product_line_count(p); i++) {
            const OrderLine *l = product_line(p, i);
            if (order && strcmp(l->orderid, order->text ? order->text : "") != 0)
                continue;
            LineRow *r = view_rows_push(out);
            line_row(p, l, q->page.today, r);
            if (!view_row_matches(q, r)) {
                out->len--;
                continue;
            }
            AllotStatus st = key ? key(ctx, p, l, &r->key, err) : ALLOT_OK;
            if (st != ALLOT_OK) {
                out->len--;
                return st;
            }
        }
        return ALLOT_OK;
    }
    case VIEW_ROW_EVENT: break;
    }
    return err_set(err, ALLOT_EINVALID, "%s rows are not computed from products",
                   q->spec->name);
}

/* ---------- order and pages ---------- */

/* Stable merge sort of n rows of `size` bytes by q (qsort has no context). */
static void sort_rows(const ViewQuery *q, char *a, char *tmp, size_t n, size_t size)
{
    if (n < 2)
        return;
    size_t h = n / 2;
    sort_rows(q, a, tmp, h, size);
    sort_rows(q, a + h * size, tmp, n - h, size);
    size_t i = 0, j = h, k = 0;
    while (i < h || j < n) {
        bool left = j >= n || (i < h && view_row_cmp(q, a + i * size, a + j * size) <= 0);
        memcpy(tmp + k++ * size, a + (left ? i++ : j++) * size, size);
    }
    memcpy(a, tmp, n * size);
}

void view_rows_sort_past(const ViewQuery *q, ViewRows *rows, const void *after)
{
    size_t k = 0;
    for (size_t i = 0; i < rows->len; i++) {
        const void *r = view_rows_at(rows, i);
        if (view_row_past(q, r, after)) {
            if (k != i)
                memcpy(view_rows_at(rows, k), r, rows->size);
            k++;
        }
    }
    rows->len = k;
    if (k > 1) {
        char *tmp = xmalloc(k * rows->size);
        sort_rows(q, rows->items, tmp, k, rows->size);
        free(tmp);
    }
}

size_t view_rows_page(const ViewQuery *q, const ViewRows *sorted, void *out)
{
    size_t limit = q->page.limit;
    size_t take = sorted->len < limit ? sorted->len : limit;
    size_t from = q->page.backward ? sorted->len - take : 0;
    if (take)
        memcpy(out, view_rows_at(sorted, from), take * sorted->size);
    return take;
}

size_t view_rows_count_past(const ViewQuery *q, const ViewRows *rows, const void *after)
{
    size_t n = 0;
    for (size_t i = 0; i < rows->len; i++)
        n += view_row_past(q, view_rows_at(rows, i), after);
    return n;
}

void view_rows_add_counts(const Product *p, int32_t today, int sign, ReadCounts *c)
{
    int64_t bo_lines = 0, bo_units = 0;
    for (size_t i = 0; i < product_line_count(p); i++) {
        const OrderLine *l = product_line(p, i);
        int32_t eta = l->batch >= 0 ? product_batch(p, (size_t)l->batch)->eta : ALLOT_NO_ETA;
        if (l->batch < 0) {
            bo_lines++;
            bo_units += l->qty;
        }
        c->late_lines += sign * (lateness_of_line(l->batch >= 0, eta, l->need, today).late > 0);
    }
    c->backorder_lines += sign * bo_lines;
    c->backorder_units += sign * bo_units;
    c->skus_short += sign * (bo_lines > 0);
    for (size_t i = 0; i < product_batch_count(p); i++) {
        int32_t eta = product_batch(p, i)->eta;
        c->overdue_batches += sign * (eta != ALLOT_NO_ETA && eta < today);
    }
}

/* ---------- completion ---------- */

static void push_id(ViewRows *ids, const char *id, const char *prefix, size_t plen)
{
    if (strncmp(id, prefix, plen) == 0)
        copy_id(view_rows_push(ids), id);
}

void view_rows_complete(CompleteKind kind, const Product *p, const char *prefix, ViewRows *ids)
{
    const char *pre = prefix ? prefix : "";
    size_t plen = strlen(pre);
    if (kind == COMPLETE_SKU)
        push_id(ids, product_sku(p), pre, plen);
    for (size_t b = 0; kind == COMPLETE_REF && b < product_batch_count(p); b++)
        push_id(ids, product_batch(p, b)->ref, pre, plen);
    for (size_t l = 0; kind == COMPLETE_ORDERID && l < product_line_count(p); l++)
        push_id(ids, product_line(p, l)->orderid, pre, plen);
}

static int cmp_id(const void *a, const void *b) { return strcmp(a, b); }

size_t view_rows_complete_page(ViewRows *ids, size_t limit, AllotId *out)
{
    if (ids->len > 1)
        qsort(ids->items, ids->len, sizeof(AllotId), cmp_id);
    size_t n = 0;
    for (size_t i = 0; i < ids->len && n < limit; i++)
        if (n == 0 || strcmp(out[n - 1], view_rows_at(ids, i)) != 0)
            memcpy(out[n++], view_rows_at(ids, i), sizeof(AllotId));
    return n;
}
