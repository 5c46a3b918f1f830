/* The read model of a what-if sandbox (sandbox_views.h).
 *
 * Every list query is answered by merge_page(): live rows of SKUs the sandbox does
 * not hold, fetched page by page with the caller's anchor, and rows computed from
 * the held products, filtered by the same conditions and anchor; both sorted by
 * the list's keyset order and merged to one page.
 */
#include "app/sandbox_views.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "app/keymap.h"
#include "app/sandbox_uow.h"
#include "domain/xalloc.h"

typedef struct SandboxViews {
    Views base;
    UnitOfWork *sb;
    Views *live;
    int64_t base_event_id;
    KeyMap keys;       /* "sku\x1forderid" → live row key of a held line */
    KeyMap keys_done;  /* sku → 1: its live backorders' keys are in `keys` */
} SandboxViews;

static SandboxViews *from_views(Views *v) { return (SandboxViews *)v; }

/* ---------- helpers ---------- */

static bool has_text(const char *s) { return s && *s; }

/* ASCII case-insensitive substring, as SQLite's LIKE '%f%'. */
static bool contains_ci(const char *hay, const char *needle)
{
    if (!has_text(needle))
        return true;
    size_t n = strlen(needle);
    for (const char *h = hay; *h; h++) {
        size_t i = 0;
        while (i < n && h[i] && tolower((unsigned char)h[i]) == tolower((unsigned char)needle[i]))
            i++;
        if (i == n)
            return true;
    }
    return false;
}

/* True if the sandbox holds a product `sku` (a slot left by a rolled-back creation
 * does not count: live rows of that SKU, if any, still show). */
static bool held(SandboxViews *v, const char *sku)
{
    const Product *base;
    return sandbox_uow_find(v->sb, sku, &base) || base;
}

/* A growable array of rows of `size` bytes. */
typedef struct Rows {
    char *items;
    size_t len, cap, size;
} Rows;

static void *rows_push(Rows *r)
{
    if (r->len == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 32;
        r->items = xreallocarray(r->items, r->cap, r->size);
    }
    return r->items + r->len++ * r->size;
}

static void *rows_at(const Rows *r, size_t i) { return r->items + i * r->size; }

typedef int (*CmpFn)(const void *a, const void *b);
typedef const char *(*SkuOfFn)(const void *row);
/* One live query: rows after `after` (NULL = from the start) in `page`'s direction. */
typedef AllotStatus (*LiveFn)(SandboxViews *v, const void *q, const ViewPage *page,
                              const void *after, void *rows, size_t *n, ErrBuf *err);

/* The merge.  `ov` holds every held row that meets the query's conditions (not yet
 * the anchor); it is consumed.  `live` NULL: no live rows. */
static AllotStatus merge_page(SandboxViews *v, const void *q, LiveFn live, SkuOfFn sku_of,
                              CmpFn cmp, const ViewPage *page, const void *after, Rows *ov,
                              void *out, size_t *n, ErrBuf *err)
{
    size_t size = ov->size, limit = page->limit;
    *n = 0;
    /* held rows past the anchor, ascending */
    size_t k = 0;
    for (size_t i = 0; i < ov->len; i++) {
        const void *r = rows_at(ov, i);
        int c = after ? cmp(r, after) : (page->backward ? -1 : 1);
        if (page->backward ? c < 0 : c > 0)
            memmove(rows_at(ov, k++), r, size);
    }
    ov->len = k;
    if (k > 1)
        qsort(ov->items, k, size, cmp);
    /* live rows of other SKUs: up to `limit` of them, ascending */
    Rows lv = {.size = size};
    AllotStatus st = ALLOT_OK;
    if (live) {
        ViewPage lp = *page;
        char *chunk = xmalloc(limit * size);
        void *anchor = NULL;
        char *anchor_buf = xmalloc(size);
        if (after) {
            memcpy(anchor_buf, after, size);
            anchor = anchor_buf;
        }
        Rows rev = {.size = size}; /* backward: collected newest first */
        size_t got = 0;
        while (got < limit) {
            size_t m = 0;
            st = live(v, q, &lp, anchor, chunk, &m, err);
            if (st != ALLOT_OK)
                break;
            if (!page->backward) {
                for (size_t i = 0; i < m && got < limit; i++) {
                    void *r = chunk + i * size;
                    if (!held(v, sku_of(r))) {
                        memcpy(rows_push(&lv), r, size);
                        got++;
                    }
                }
                if (m)
                    memcpy(anchor_buf, chunk + (m - 1) * size, size);
            } else {
                for (size_t i = m; i-- > 0 && got < limit;) {
                    void *r = chunk + i * size;
                    if (!held(v, sku_of(r))) {
                        memcpy(rows_push(&rev), r, size);
                        got++;
                    }
                }
                if (m)
                    memcpy(anchor_buf, chunk, size);
            }
            anchor = anchor_buf;
            if (m < limit)
                break;
        }
        for (size_t i = rev.len; i-- > 0;)
            memcpy(rows_push(&lv), rows_at(&rev, i), size);
        free(rev.items);
        free(chunk);
        free(anchor_buf);
    }
    if (st == ALLOT_OK) {
        /* merge ascending; keep the first `limit` (forward) or the last (backward) */
        size_t total = lv.len + ov->len;
        Rows all = {.size = size};
        size_t a = 0, b = 0;
        while (a < lv.len || b < ov->len) {
            const void *r;
            if (b >= ov->len || (a < lv.len && cmp(rows_at(&lv, a), rows_at(ov, b)) < 0))
                r = rows_at(&lv, a++);
            else
                r = rows_at(ov, b++);
            memcpy(rows_push(&all), r, size);
        }
        size_t take = total < limit ? total : limit;
        size_t from = page->backward ? total - take : 0;
        if (take)
            memcpy(out, rows_at(&all, from), take * size);
        *n = take;
        free(all.items);
    }
    free(lv.items);
    return st;
}

static int cmp_str(const char *a, const char *b)
{
    int c = strcmp(a, b);
    return (c > 0) - (c < 0);
}

static int cmp_i64(int64_t a, int64_t b) { return (a > b) - (a < b); }

/* ---------- products ---------- */

static void product_row(const Product *p, ProductRow *r)
{
    memset(r, 0, sizeof *r);
    strcpy(r->sku, product_sku(p));
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

static int cmp_product(const void *a, const void *b)
{
    return cmp_str(((const ProductRow *)a)->sku, ((const ProductRow *)b)->sku);
}

static const char *sku_of_product(const void *r) { return ((const ProductRow *)r)->sku; }

static AllotStatus live_products(SandboxViews *v, const void *q, const ViewPage *page,
                                 const void *after, void *rows, size_t *n, ErrBuf *err)
{
    return views_products(v->live, *(const bool *)q, page, after, rows, n, err);
}

static AllotStatus sbv_products(Views *vv, bool only_backordered, const ViewPage *page,
                                const ProductRow *after, ProductRow *rows, size_t *n, ErrBuf *err)
{
    SandboxViews *v = from_views(vv);
    *n = 0;
    if (!page)
        return err_set(err, ALLOT_EINVALID, "read model query without a page");
    if (page->limit == 0)
        return ALLOT_OK;
    Rows ov = {.size = sizeof(ProductRow)};
    for (size_t i = 0; i < sandbox_uow_product_count(v->sb); i++) {
        const Product *p = sandbox_uow_product(v->sb, i, NULL);
        if (!p || !contains_ci(product_sku(p), page->filter))
            continue;
        ProductRow r;
        product_row(p, &r);
        if (only_backordered && r.backorder_lines == 0)
            continue;
        *(ProductRow *)rows_push(&ov) = r;
    }
    AllotStatus st = merge_page(v, &only_backordered, live_products, sku_of_product, cmp_product,
                                page, after, &ov, rows, n, err);
    free(ov.items);
    return st;
}

/* ---------- batches ---------- */

typedef struct {
    const char *sku;
    BatchOrder order;
    int32_t from, to; /* shipments_due */
} BatchQuery;

static void batch_row(const Product *p, size_t i, BatchRow *r)
{
    const Batch *b = product_batch(p, i);
    memset(r, 0, sizeof *r);
    strcpy(r->ref, b->ref);
    strcpy(r->sku, product_sku(p));
    r->qty = b->qty;
    r->allocated = b->allocated;
    r->available = b->qty - b->allocated;
    r->eta = b->eta;
    r->seq = b->seq;
    for (size_t k = 0; k < product_line_count(p); k++)
        r->nlines += product_line(p, k)->batch == (int32_t)i;
}

static int cmp_batch_pref(const void *a, const void *b)
{
    const BatchRow *x = a, *y = b;
    int c = cmp_str(x->sku, y->sku);
    if (!c)
        c = cmp_i64(x->eta, y->eta);
    return c ? c : cmp_i64((int64_t)x->seq, (int64_t)y->seq);
}

/* With one SKU the anchor holds only eta and seq. */
static int cmp_batch_pref_one(const void *a, const void *b)
{
    const BatchRow *x = a, *y = b;
    int c = cmp_i64(x->eta, y->eta);
    return c ? c : cmp_i64((int64_t)x->seq, (int64_t)y->seq);
}

static int cmp_batch_ref(const void *a, const void *b)
{
    return cmp_str(((const BatchRow *)a)->ref, ((const BatchRow *)b)->ref);
}

static int cmp_batch_eta(const void *a, const void *b)
{
    const BatchRow *x = a, *y = b;
    int c = cmp_i64(x->eta, y->eta);
    return c ? c : cmp_str(x->ref, y->ref);
}

static const char *sku_of_batch(const void *r) { return ((const BatchRow *)r)->sku; }

static AllotStatus live_batches(SandboxViews *v, const void *qq, const ViewPage *page,
                                const void *after, void *rows, size_t *n, ErrBuf *err)
{
    const BatchQuery *q = qq;
    return views_batches(v->live, q->sku, q->order, page, after, rows, n, err);
}

static AllotStatus live_shipments(SandboxViews *v, const void *qq, const ViewPage *page,
                                  const void *after, void *rows, size_t *n, ErrBuf *err)
{
    const BatchQuery *q = qq;
    return views_shipments_due(v->live, q->from, q->to, page, after, rows, n, err);
}

/* Held batches that meet `keep`, into ov (only of `sku` if given). */
static void held_batches(SandboxViews *v, const char *sku, const ViewPage *page, bool due,
                         int32_t from, int32_t to, Rows *ov)
{
    for (size_t i = 0; i < sandbox_uow_product_count(v->sb); i++) {
        const Product *p = sandbox_uow_product(v->sb, i, NULL);
        if (!p || (has_text(sku) && strcmp(product_sku(p), sku) != 0))
            continue;
        for (size_t b = 0; b < product_batch_count(p); b++) {
            const Batch *bt = product_batch(p, b);
            if (due && (bt->eta == ALLOT_NO_ETA || bt->eta < from || bt->eta > to))
                continue;
            if (has_text(page->filter) && !contains_ci(bt->ref, page->filter) &&
                !contains_ci(product_sku(p), page->filter))
                continue;
            batch_row(p, b, rows_push(ov));
        }
    }
}

static AllotStatus sbv_batches(Views *vv, const char *sku, BatchOrder order, const ViewPage *page,
                               const BatchRow *after, BatchRow *rows, size_t *n, ErrBuf *err)
{
    SandboxViews *v = from_views(vv);
    *n = 0;
    if (!page)
        return err_set(err, ALLOT_EINVALID, "read model query without a page");
    if (page->limit == 0)
        return ALLOT_OK;
    CmpFn cmp;
    switch (order) {
    case BATCH_ORDER_PREFERENCE: cmp = has_text(sku) ? cmp_batch_pref_one : cmp_batch_pref; break;
    case BATCH_ORDER_REF: cmp = cmp_batch_ref; break;
    case BATCH_ORDER_ETA: cmp = cmp_batch_eta; break;
    default: return err_set(err, ALLOT_EINVALID, "unknown batch order %d", (int)order);
    }
    if (has_text(sku) && !held(v, sku))
        return views_batches(v->live, sku, order, page, after, rows, n, err);
    Rows ov = {.size = sizeof(BatchRow)};
    held_batches(v, sku, page, false, 0, 0, &ov);
    BatchQuery q = {sku, order, 0, 0};
    AllotStatus st = merge_page(v, &q, has_text(sku) ? NULL : live_batches, sku_of_batch, cmp,
                                page, after, &ov, rows, n, err);
    free(ov.items);
    return st;
}

static AllotStatus sbv_shipments_due(Views *vv, int32_t from, int32_t to, const ViewPage *page,
                                     const BatchRow *after, BatchRow *rows, size_t *n, ErrBuf *err)
{
    SandboxViews *v = from_views(vv);
    *n = 0;
    if (!page)
        return err_set(err, ALLOT_EINVALID, "read model query without a page");
    if (page->limit == 0)
        return ALLOT_OK;
    Rows ov = {.size = sizeof(BatchRow)};
    held_batches(v, NULL, page, true, from, to, &ov);
    BatchQuery q = {NULL, BATCH_ORDER_ETA, from, to};
    AllotStatus st = merge_page(v, &q, live_shipments, sku_of_batch, cmp_batch_eta, page, after,
                                &ov, rows, n, err);
    free(ov.items);
    return st;
}

/* ---------- lines ---------- */

/* Synthetic keys of lines created in the sandbox: after every live key. */
#define NEW_LINE_KEY_BASE (INT64_C(1) << 62)

/* Loads the live keys of the lines of batch `ref` (live) of product `sku`, once. */
static AllotStatus load_batch_keys(SandboxViews *v, const char *sku, const char *ref, ErrBuf *err)
{
    char done[2 * ALLOT_ID_MAX + 4];
    keymap_pair("", ref, done, sizeof done);
    if (keymap_get(&v->keys_done, done, NULL))
        return ALLOT_OK;
    ViewPage page = {.limit = 256};
    LineRow *rows = xmalloc(page.limit * sizeof *rows);
    LineRow anchor;
    const LineRow *after = NULL;
    AllotStatus st;
    char k[2 * ALLOT_ID_MAX + 4];
    for (;;) {
        size_t n = 0;
        st = views_batch_lines(v->live, ref, &page, after, rows, &n, err);
        if (st != ALLOT_OK)
            break;
        for (size_t i = 0; i < n; i++)
            keymap_put(&v->keys, keymap_pair(sku, rows[i].orderid, k, sizeof k),
                       (uint64_t)rows[i].key);
        if (n < page.limit)
            break;
        anchor = rows[n - 1];
        after = &anchor;
    }
    free(rows);
    if (st == ALLOT_OK)
        keymap_put(&v->keys_done, done, 1);
    return st;
}

static AllotStatus load_backorder_keys(SandboxViews *v, const char *sku, ErrBuf *err);

/* The live row key of held line `l` of `p`: the live one, read with the other
 * lines of its live place (batch or backorders) and kept; a line the live store
 * does not have (or no longer has) gets a key after every live one. */
static AllotStatus line_key(SandboxViews *v, const Product *p, const OrderLine *l, int64_t *key,
                            ErrBuf *err)
{
    char k[2 * ALLOT_ID_MAX + 4];
    keymap_pair(product_sku(p), l->orderid, k, sizeof k);
    uint64_t val;
    if (keymap_get(&v->keys, k, &val)) {
        *key = (int64_t)val;
        return ALLOT_OK;
    }
    const Product *base;
    sandbox_uow_find(v->sb, product_sku(p), &base);
    const OrderLine *lb = base ? product_find_line(base, l->orderid) : NULL;
    if (lb && lb->seq == l->seq) {
        AllotStatus st = lb->batch >= 0
                             ? load_batch_keys(v, product_sku(p), product_line_batchref(base, lb), err)
                             : load_backorder_keys(v, product_sku(p), err);
        if (st != ALLOT_OK)
            return st;
        if (keymap_get(&v->keys, k, &val)) {
            *key = (int64_t)val;
            return ALLOT_OK;
        }
    }
    *key = NEW_LINE_KEY_BASE + (int64_t)((uint64_t)sandbox_uow_index(v->sb, product_sku(p)) << 32) +
           (int64_t)(l->seq & 0xffffffffu);
    keymap_put(&v->keys, k, (uint64_t)*key);
    return ALLOT_OK;
}

/* The key if known, else 0: for lists that do not page on it. */
static int64_t line_key_known(SandboxViews *v, const Product *p, const OrderLine *l)
{
    char k[2 * ALLOT_ID_MAX + 4];
    uint64_t val;
    return keymap_get(&v->keys, keymap_pair(product_sku(p), l->orderid, k, sizeof k), &val)
               ? (int64_t)val
               : 0;
}

/* Loads the live keys of product `sku`'s live backorders into v->keys, once. */
static AllotStatus load_backorder_keys(SandboxViews *v, const char *sku, ErrBuf *err)
{
    if (keymap_get(&v->keys_done, sku, NULL))
        return ALLOT_OK;
    ViewPage page = {.limit = 256};
    LineRow *rows = xmalloc(page.limit * sizeof *rows);
    LineRow anchor;
    const LineRow *after = NULL;
    AllotStatus st;
    char k[2 * ALLOT_ID_MAX + 4];
    for (;;) {
        size_t n = 0;
        st = views_backorders(v->live, sku, &page, after, rows, &n, err);
        if (st != ALLOT_OK)
            break;
        for (size_t i = 0; i < n; i++)
            keymap_put(&v->keys, keymap_pair(sku, rows[i].orderid, k, sizeof k),
                       (uint64_t)rows[i].key);
        if (n < page.limit)
            break;
        anchor = rows[n - 1];
        after = &anchor;
    }
    free(rows);
    if (st == ALLOT_OK)
        keymap_put(&v->keys_done, sku, 1);
    return st;
}

static void line_row(const Product *p, const OrderLine *l, LineRow *r)
{
    memset(r, 0, sizeof *r);
    strcpy(r->orderid, l->orderid);
    strcpy(r->sku, product_sku(p));
    r->qty = l->qty;
    strcpy(r->batchref, product_line_batchref(p, l));
    r->eta = l->batch >= 0 ? product_batch(p, (size_t)l->batch)->eta : ALLOT_NO_ETA;
    r->seq = l->seq;
    r->key = 0;
}

static int cmp_line_seq(const void *a, const void *b)
{
    return cmp_i64((int64_t)((const LineRow *)a)->seq, (int64_t)((const LineRow *)b)->seq);
}

static int cmp_line_key(const void *a, const void *b)
{
    return cmp_i64(((const LineRow *)a)->key, ((const LineRow *)b)->key);
}

static int cmp_line_sku(const void *a, const void *b)
{
    return cmp_str(((const LineRow *)a)->sku, ((const LineRow *)b)->sku);
}

static const char *sku_of_line(const void *r) { return ((const LineRow *)r)->sku; }

static AllotStatus sbv_batch_lines(Views *vv, const char *ref, const ViewPage *page,
                                   const LineRow *after, LineRow *rows, size_t *n, ErrBuf *err)
{
    SandboxViews *v = from_views(vv);
    *n = 0;
    if (!page)
        return err_set(err, ALLOT_EINVALID, "read model query without a page");
    if (page->limit == 0)
        return ALLOT_OK;
    const Product *p = sandbox_uow_find_ref(v->sb, ref ? ref : "", NULL);
    if (!p)
        return views_batch_lines(v->live, ref, page, after, rows, n, err);
    int32_t bi = (int32_t)(product_find_batch(p, ref) - product_batch(p, 0));
    Rows ov = {.size = sizeof(LineRow)};
    for (size_t i = 0; i < product_line_count(p); i++) {
        const OrderLine *l = product_line(p, i);
        if (l->batch == bi && contains_ci(l->orderid, page->filter))
            line_row(p, l, rows_push(&ov));
    }
    for (size_t i = 0; i < ov.len; i++) {
        LineRow *r = rows_at(&ov, i);
        r->key = line_key_known(v, p, product_find_line(p, r->orderid));
    }
    AllotStatus st =
        merge_page(v, NULL, NULL, sku_of_line, cmp_line_seq, page, after, &ov, rows, n, err);
    free(ov.items);
    return st;
}

static AllotStatus live_order_lines(SandboxViews *v, const void *q, const ViewPage *page,
                                    const void *after, void *rows, size_t *n, ErrBuf *err)
{
    return views_order_lines(v->live, q, page, after, rows, n, err);
}

static AllotStatus sbv_order_lines(Views *vv, const char *orderid, const ViewPage *page,
                                   const LineRow *after, LineRow *rows, size_t *n, ErrBuf *err)
{
    SandboxViews *v = from_views(vv);
    *n = 0;
    if (!page)
        return err_set(err, ALLOT_EINVALID, "read model query without a page");
    if (page->limit == 0)
        return ALLOT_OK;
    const char *oid = orderid ? orderid : "";
    Rows ov = {.size = sizeof(LineRow)};
    AllotStatus st = ALLOT_OK;
    for (size_t i = 0; st == ALLOT_OK && i < sandbox_uow_product_count(v->sb); i++) {
        const Product *p = sandbox_uow_product(v->sb, i, NULL);
        const OrderLine *l = p ? product_find_line(p, oid) : NULL;
        if (!l)
            continue;
        LineRow r;
        line_row(p, l, &r);
        if (has_text(page->filter) && !contains_ci(r.sku, page->filter) &&
            !contains_ci(r.batchref, page->filter))
            continue;
        r.key = line_key_known(v, p, l);
        *(LineRow *)rows_push(&ov) = r;
    }
    if (st == ALLOT_OK)
        st = merge_page(v, oid, live_order_lines, sku_of_line, cmp_line_sku, page, after, &ov,
                        rows, n, err);
    free(ov.items);
    return st;
}

static AllotStatus live_backorders(SandboxViews *v, const void *q, const ViewPage *page,
                                   const void *after, void *rows, size_t *n, ErrBuf *err)
{
    (void)q;
    return views_backorders(v->live, NULL, page, after, rows, n, err);
}

static AllotStatus sbv_backorders(Views *vv, const char *sku, const ViewPage *page,
                                  const LineRow *after, LineRow *rows, size_t *n, ErrBuf *err)
{
    SandboxViews *v = from_views(vv);
    *n = 0;
    if (!page)
        return err_set(err, ALLOT_EINVALID, "read model query without a page");
    if (page->limit == 0)
        return ALLOT_OK;
    bool one = has_text(sku);
    if (one && !held(v, sku))
        return views_backorders(v->live, sku, page, after, rows, n, err);
    Rows ov = {.size = sizeof(LineRow)};
    AllotStatus st = ALLOT_OK;
    for (size_t i = 0; st == ALLOT_OK && i < sandbox_uow_product_count(v->sb); i++) {
        const Product *p = sandbox_uow_product(v->sb, i, NULL);
        if (!p || (one && strcmp(product_sku(p), sku) != 0))
            continue;
        for (size_t k = 0; st == ALLOT_OK && k < product_line_count(p); k++) {
            const OrderLine *l = product_line(p, k);
            if (l->batch >= 0)
                continue;
            if (has_text(page->filter) && !contains_ci(l->orderid, page->filter) &&
                !contains_ci(product_sku(p), page->filter))
                continue;
            LineRow *r = rows_push(&ov);
            line_row(p, l, r);
            st = line_key(v, p, l, &r->key, err);
        }
    }
    if (st == ALLOT_OK)
        st = merge_page(v, NULL, one ? NULL : live_backorders, sku_of_line,
                        one ? cmp_line_seq : cmp_line_key, page, after, &ov, rows, n, err);
    free(ov.items);
    return st;
}

static int cmp_line_order_sku(const void *a, const void *b)
{
    const LineRow *x = a, *y = b;
    int c = cmp_str(x->orderid, y->orderid);
    return c ? c : cmp_str(x->sku, y->sku);
}

static AllotStatus live_lines(SandboxViews *v, const void *q, const ViewPage *page,
                              const void *after, void *rows, size_t *n, ErrBuf *err)
{
    return views_lines(v->live, *(const LineState *)q, page, after, rows, n, err);
}

static AllotStatus sbv_lines(Views *vv, LineState state, const ViewPage *page,
                             const LineRow *after, LineRow *rows, size_t *n, ErrBuf *err)
{
    SandboxViews *v = from_views(vv);
    *n = 0;
    if (!page)
        return err_set(err, ALLOT_EINVALID, "read model query without a page");
    if (page->limit == 0)
        return ALLOT_OK;
    Rows ov = {.size = sizeof(LineRow)};
    for (size_t i = 0; i < sandbox_uow_product_count(v->sb); i++) {
        const Product *p = sandbox_uow_product(v->sb, i, NULL);
        for (size_t k = 0; p && k < product_line_count(p); k++) {
            const OrderLine *l = product_line(p, k);
            if ((state == LINES_ALLOCATED && l->batch < 0) ||
                (state == LINES_BACKORDERED && l->batch >= 0))
                continue;
            if (has_text(page->filter) && !contains_ci(l->orderid, page->filter) &&
                !contains_ci(product_sku(p), page->filter))
                continue;
            LineRow *r = rows_push(&ov);
            line_row(p, l, r);
            r->key = line_key_known(v, p, l);
        }
    }
    AllotStatus st = merge_page(v, &state, live_lines, sku_of_line, cmp_line_order_sku, page,
                                after, &ov, rows, n, err);
    free(ov.items);
    return st;
}

/* ---------- events ---------- */

static bool event_matches(const Event *e, const char *filter)
{
    if (!has_text(filter))
        return true;
    return contains_ci(event_type_name(e->type), filter) || contains_ci(e->sku, filter) ||
           contains_ci(e->orderid, filter) || contains_ci(e->batchref, filter) ||
           contains_ci(e->to, filter);
}

static AllotStatus sbv_events(Views *vv, int64_t anchor_id, const ViewPage *page, EventRow *rows,
                              size_t *n, ErrBuf *err)
{
    SandboxViews *v = from_views(vv);
    *n = 0;
    if (!page)
        return err_set(err, ALLOT_EINVALID, "read model query without a page");
    if (page->limit == 0)
        return ALLOT_OK;
    const EventVec *log = sandbox_uow_event_log(v->sb);
    int64_t base = v->base_event_id;
    size_t limit = page->limit;
    if (!page->backward) {
        /* live part: ids in (anchor, base] */
        if (anchor_id < base) {
            size_t m = 0;
            AllotStatus st = views_events(v->live, anchor_id, page, rows, &m, err);
            if (st != ALLOT_OK)
                return st;
            while (m > 0 && rows[m - 1].id > base)
                m--;
            *n = m;
            if (m == limit)
                return ALLOT_OK;
        }
        for (size_t i = 0; i < log->len && *n < limit; i++) {
            int64_t id = base + 1 + (int64_t)i;
            if (id <= anchor_id || !event_matches(&log->items[i], page->filter))
                continue;
            rows[*n] = (EventRow){id, sandbox_uow_event_at(v->sb, i), log->items[i]};
            (*n)++;
        }
        return ALLOT_OK;
    }
    /* backward: ids < anchor (0 / INT64_MAX = newest), returned ascending */
    int64_t upper = anchor_id <= 0 || anchor_id == INT64_MAX ? INT64_MAX : anchor_id;
    size_t got = 0;
    EventRow *tmp = xmalloc(limit * sizeof *tmp); /* newest first */
    for (size_t i = log->len; i-- > 0 && got < limit;) {
        int64_t id = base + 1 + (int64_t)i;
        if (id >= upper || !event_matches(&log->items[i], page->filter))
            continue;
        tmp[got++] = (EventRow){id, sandbox_uow_event_at(v->sb, i), log->items[i]};
    }
    AllotStatus st = ALLOT_OK;
    if (got < limit) {
        ViewPage lp = *page;
        lp.limit = limit - got;
        int64_t live_anchor = upper > base ? base + 1 : upper;
        size_t m = 0;
        EventRow *lr = xmalloc(lp.limit * sizeof *lr);
        st = views_events(v->live, live_anchor, &lp, lr, &m, err);
        for (size_t i = m; st == ALLOT_OK && i-- > 0;)
            tmp[got++] = lr[i];
        free(lr);
    }
    if (st == ALLOT_OK) {
        for (size_t i = 0; i < got; i++)
            rows[i] = tmp[got - 1 - i];
        *n = got;
    }
    free(tmp);
    return st;
}

static AllotStatus sbv_latest_event_id(Views *vv, int64_t *id, ErrBuf *err)
{
    (void)err;
    SandboxViews *v = from_views(vv);
    *id = v->base_event_id + (int64_t)sandbox_uow_event_log(v->sb)->len;
    return ALLOT_OK;
}

/* ---------- completion ---------- */

static int cmp_id(const void *a, const void *b) { return strcmp(a, b); }

static AllotStatus sbv_complete(Views *vv, CompleteKind kind, const char *prefix, size_t limit,
                                AllotId *out, size_t *n, ErrBuf *err)
{
    SandboxViews *v = from_views(vv);
    *n = 0;
    if (limit == 0)
        return ALLOT_OK;
    const char *pre = prefix ? prefix : "";
    size_t plen = strlen(pre);
    Rows all = {.size = sizeof(AllotId)};
    AllotId *lv = xmalloc(limit * sizeof *lv);
    size_t m = 0;
    AllotStatus st = views_complete(v->live, kind, pre, limit, lv, &m, err);
    for (size_t i = 0; st == ALLOT_OK && i < m; i++)
        memcpy(rows_push(&all), lv[i], sizeof(AllotId));
    free(lv);
    for (size_t i = 0; st == ALLOT_OK && i < sandbox_uow_product_count(v->sb); i++) {
        const Product *p = sandbox_uow_product(v->sb, i, NULL);
        if (!p)
            continue;
        if (kind == COMPLETE_SKU && strncmp(product_sku(p), pre, plen) == 0)
            strcpy(rows_push(&all), product_sku(p));
        for (size_t b = 0; kind == COMPLETE_REF && b < product_batch_count(p); b++)
            if (strncmp(product_batch(p, b)->ref, pre, plen) == 0)
                strcpy(rows_push(&all), product_batch(p, b)->ref);
        for (size_t l = 0; kind == COMPLETE_ORDERID && l < product_line_count(p); l++)
            if (strncmp(product_line(p, l)->orderid, pre, plen) == 0)
                strcpy(rows_push(&all), product_line(p, l)->orderid);
    }
    if (st == ALLOT_OK) {
        if (all.len > 1)
            qsort(all.items, all.len, sizeof(AllotId), cmp_id);
        for (size_t i = 0; i < all.len && *n < limit; i++)
            if (*n == 0 || strcmp(out[*n - 1], rows_at(&all, i)) != 0)
                memcpy(out[(*n)++], rows_at(&all, i), sizeof(AllotId));
    }
    free(all.items);
    return st;
}

static void sbv_destroy(Views *vv)
{
    SandboxViews *v = from_views(vv);
    keymap_fini(&v->keys);
    keymap_fini(&v->keys_done);
    free(v);
}

static const ViewsOps sandbox_views_ops = {
    sbv_products,   sbv_batches,         sbv_batch_lines,   sbv_order_lines, sbv_backorders,
    sbv_events,     sbv_latest_event_id, sbv_shipments_due, sbv_complete,    sbv_destroy,
    sbv_lines,
    NULL, /* complete_span: views_complete_span works it out from sbv_complete */
};

Views *sandbox_views_new(UnitOfWork *sandbox, Views *live, int64_t base_event_id)
{
    SandboxViews *v = xcalloc(1, sizeof *v);
    v->base.ops = &sandbox_views_ops;
    v->sb = sandbox;
    v->live = live;
    v->base_event_id = base_event_id;
    keymap_init(&v->keys);
    keymap_init(&v->keys_done);
    return &v->base;
}
