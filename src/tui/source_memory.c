/* source_memory.c — TuiSource over memory_uow (see source_memory.h). */
#include "tui/source_memory.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "domain/xalloc.h"
#include "persistence/memory_uow.h"

typedef struct MemSource {
    TuiSource base;
    UnitOfWork *uow;
} MemSource;

#define OFF INT64_C(1000000000000000000)

static void key_num(char *buf, size_t size, int64_t v, bool desc)
{
    size_t n = strlen(buf);
    snprintf(buf + n, size - n, "%020lld\x1f", (long long)(desc ? OFF - v : OFF + v));
}

static void key_str(char *buf, size_t size, const char *s)
{
    size_t n = strlen(buf);
    snprintf(buf + n, size - n, "%s\x1f", s);
}

static bool icontains(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    if (!n)
        return true;
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return true;
    return false;
}

static bool row_matches(const TuiRow *r, const char *filter)
{
    return !filter[0] || icontains(r->sku, filter) || icontains(r->ref, filter) ||
           icontains(r->orderid, filter);
}

static int cmp_rows(const void *a, const void *b)
{
    return strcmp(((const TuiRow *)a)->cursor, ((const TuiRow *)b)->cursor);
}

static void product_totals(const Product *p, int64_t *qty, int64_t *alloc, int64_t *blines,
                           int64_t *bqty)
{
    *qty = *alloc = *blines = *bqty = 0;
    for (size_t i = 0; i < product_batch_count(p); i++) {
        *qty += product_batch(p, i)->qty;
        *alloc += product_batch(p, i)->allocated;
    }
    for (size_t i = 0; i < product_line_count(p); i++)
        if (product_line(p, i)->batch < 0) {
            (*blines)++;
            *bqty += product_line(p, i)->qty;
        }
}

/* Every row of the query, sorted by cursor. */
static void build_all(MemSource *m, const TuiQuery *q, TuiRowVec *all)
{
    size_t np = memory_uow_product_count(m->uow);
    if (q->kind == TL_EVENTS || q->kind == TL_TODAY) {
        const EventVec *log = memory_uow_event_log(m->uow);
        for (size_t i = 0; i < log->len; i++) {
            TuiFeedItem it = {.id = (int64_t)i + 1, .at = 0, .ev = log->items[i]};
            TuiRow *r = tui_rows_push(all);
            tui_row_event(r, &it, q->today);
            key_num(r->cursor, sizeof r->cursor, it.id, true);
            if (!row_matches(r, q->filter))
                all->len--;
        }
        if (all->len)
            qsort(all->items, all->len, sizeof *all->items, cmp_rows);
        return;
    }
    for (size_t pi = 0; pi < np; pi++) {
        const Product *p = memory_uow_product(m->uow, pi);
        const char *sku = product_sku(p);
        if (q->kind == TL_PRODUCTS || q->kind == TL_SHORT) {
            int64_t qty, alloc, bl, bq;
            product_totals(p, &qty, &alloc, &bl, &bq);
            if (q->kind == TL_SHORT && bl == 0)
                continue;
            TuiRow *r = tui_rows_push(all);
            tui_row_product(r, q->kind, sku, (int64_t)product_batch_count(p), qty, alloc, bl, bq);
            const char *sort = tui_kind_info(q->kind)->sorts[q->sort];
            if (strcmp(sort, "shortage") == 0)
                key_num(r->cursor, sizeof r->cursor, bq, true);
            else if (strcmp(sort, "available") == 0)
                key_num(r->cursor, sizeof r->cursor, qty - alloc, false);
            key_str(r->cursor, sizeof r->cursor, sku);
            if (!row_matches(r, q->filter))
                all->len--;
            continue;
        }
        if (q->kind == TL_BATCHES || q->kind == TL_DUE) {
            if (q->kind == TL_BATCHES && q->arg[0] && strcmp(q->arg, sku) != 0)
                continue;
            for (size_t i = 0; i < product_batch_count(p); i++) {
                const Batch *b = product_batch(p, i);
                if (q->kind == TL_DUE &&
                    (b->eta == ALLOT_NO_ETA || b->eta < q->today || b->eta > q->today + 14))
                    continue;
                TuiRow *r = tui_rows_push(all);
                tui_row_batch(r, q->kind, b->ref, sku, b->qty, b->allocated, b->eta, q->today);
                const char *sort = tui_kind_info(q->kind)->sorts[q->sort];
                if (strcmp(sort, "preference") == 0) {
                    key_str(r->cursor, sizeof r->cursor, sku);
                    key_num(r->cursor, sizeof r->cursor, b->eta, false);
                    key_num(r->cursor, sizeof r->cursor, (int64_t)b->seq, false);
                } else if (strcmp(sort, "eta") == 0)
                    key_num(r->cursor, sizeof r->cursor, b->eta, false);
                else if (strcmp(sort, "available") == 0)
                    key_num(r->cursor, sizeof r->cursor, b->qty - b->allocated, false);
                key_str(r->cursor, sizeof r->cursor, b->ref);
                if (!row_matches(r, q->filter))
                    all->len--;
            }
            continue;
        }
        /* lines */
        if (q->kind == TL_BACKORDERS && q->arg[0] && strcmp(q->arg, sku) != 0)
            continue;
        for (size_t i = 0; i < product_line_count(p); i++) {
            const OrderLine *l = product_line(p, i);
            const char *bref = product_line_batchref(p, l);
            if (q->kind == TL_BATCH_LINES && strcmp(bref, q->arg) != 0)
                continue;
            if (q->kind == TL_ORDER && strcmp(l->orderid, q->arg) != 0)
                continue;
            if (q->kind == TL_BACKORDERS && l->batch >= 0)
                continue;
            TuiRow *r = tui_rows_push(all);
            tui_row_line(r, q->kind, l->orderid, sku, l->qty, bref);
            const char *sort = tui_kind_info(q->kind)->sorts[q->sort];
            if (strcmp(sort, "oldest") == 0)
                key_num(r->cursor, sizeof r->cursor, (int64_t)l->seq, false);
            else if (strcmp(sort, "qty") == 0)
                key_num(r->cursor, sizeof r->cursor, l->qty, true);
            else if (strcmp(sort, "sku") == 0)
                key_str(r->cursor, sizeof r->cursor, sku);
            key_str(r->cursor, sizeof r->cursor, l->orderid);
            key_str(r->cursor, sizeof r->cursor, sku);
            if (!row_matches(r, q->filter))
                all->len--;
        }
    }
    if (all->len)
        qsort(all->items, all->len, sizeof *all->items, cmp_rows);
}

static AllotStatus mem_fetch(TuiSource *s, const TuiQuery *q, TuiFetch how, const char *cursor,
                             size_t limit, TuiRowVec *out, ErrBuf *err)
{
    (void)err;
    MemSource *m = (MemSource *)s;
    TuiRowVec all = {0};
    build_all(m, q, &all);
    size_t from = 0, to = all.len; /* [from, to) candidates */
    if (how == TF_FROM || how == TF_AFTER || how == TF_BEFORE) {
        size_t i = 0;
        while (i < all.len && strcmp(all.items[i].cursor, cursor) < 0)
            i++;
        if (how == TF_AFTER && i < all.len && strcmp(all.items[i].cursor, cursor) == 0)
            i++;
        if (how == TF_BEFORE) {
            to = i;
            from = to > limit ? to - limit : 0;
        } else {
            from = i;
        }
    } else if (how == TF_LAST) {
        from = all.len > limit ? all.len - limit : 0;
    }
    for (size_t i = from; i < to && i - from < limit; i++)
        *tui_rows_push(out) = all.items[i];
    tui_rows_fini(&all);
    return ALLOT_OK;
}

static AllotStatus mem_version(TuiSource *s, uint64_t *out, ErrBuf *err)
{
    (void)err;
    MemSource *m = (MemSource *)s;
    uint64_t v = memory_uow_event_log(m->uow)->len;
    for (size_t i = 0; i < memory_uow_product_count(m->uow); i++)
        v += (uint64_t)product_version(memory_uow_product(m->uow, i)) << 20;
    *out = v;
    return ALLOT_OK;
}

static AllotStatus mem_max_event_id(TuiSource *s, int64_t *out, ErrBuf *err)
{
    (void)err;
    *out = (int64_t)memory_uow_event_log(((MemSource *)s)->uow)->len;
    return ALLOT_OK;
}

static AllotStatus mem_events_since(TuiSource *s, int64_t after_id, size_t limit,
                                    TuiFeedVec *out, ErrBuf *err)
{
    (void)err;
    const EventVec *log = memory_uow_event_log(((MemSource *)s)->uow);
    for (size_t i = after_id > 0 ? (size_t)after_id : 0; i < log->len && limit; i++, limit--) {
        TuiFeedItem it = {.id = (int64_t)i + 1, .at = 0, .ev = log->items[i]};
        tui_feed_push(out, &it);
    }
    return ALLOT_OK;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_unique(char ***v, size_t *n, size_t *cap, const char *s)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*v)[i], s) == 0)
            return;
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        *v = xreallocarray(*v, *cap, sizeof **v);
    }
    (*v)[(*n)++] = xstrdup(s);
}

static AllotStatus mem_complete(TuiSource *s, TuiCompleteKind kind, const char *prefix,
                                size_t limit, char ***out, size_t *nout, ErrBuf *err)
{
    (void)err;
    MemSource *m = (MemSource *)s;
    size_t plen = strlen(prefix), cap = 0;
    *out = NULL;
    *nout = 0;
    for (size_t pi = 0; pi < memory_uow_product_count(m->uow); pi++) {
        const Product *p = memory_uow_product(m->uow, pi);
        if (kind == TC_SKU && strncmp(product_sku(p), prefix, plen) == 0)
            add_unique(out, nout, &cap, product_sku(p));
        for (size_t i = 0; kind == TC_REF && i < product_batch_count(p); i++)
            if (strncmp(product_batch(p, i)->ref, prefix, plen) == 0)
                add_unique(out, nout, &cap, product_batch(p, i)->ref);
        for (size_t i = 0; kind == TC_ORDERID && i < product_line_count(p); i++)
            if (strncmp(product_line(p, i)->orderid, prefix, plen) == 0)
                add_unique(out, nout, &cap, product_line(p, i)->orderid);
    }
    if (*nout)
        qsort(*out, *nout, sizeof **out, cmp_str);
    while (*nout > limit)
        free((*out)[--*nout]);
    return ALLOT_OK;
}

static AllotStatus mem_batch_info(TuiSource *s, const char *ref, TuiBatchInfo *out, bool *found,
                                  ErrBuf *err)
{
    (void)err;
    MemSource *m = (MemSource *)s;
    *found = false;
    for (size_t pi = 0; pi < memory_uow_product_count(m->uow); pi++) {
        const Product *p = memory_uow_product(m->uow, pi);
        const Batch *b = product_find_batch(p, ref);
        if (!b)
            continue;
        memset(out, 0, sizeof *out);
        snprintf(out->ref, sizeof out->ref, "%s", b->ref);
        snprintf(out->sku, sizeof out->sku, "%s", product_sku(p));
        out->qty = b->qty;
        out->allocated = b->allocated;
        out->eta = b->eta;
        for (size_t i = 0; i < product_line_count(p); i++)
            if (strcmp(product_line_batchref(p, product_line(p, i)), ref) == 0)
                out->lines++;
        *found = true;
        return ALLOT_OK;
    }
    return ALLOT_OK;
}

static AllotStatus mem_is_empty(TuiSource *s, bool *empty, ErrBuf *err)
{
    (void)err;
    *empty = memory_uow_product_count(((MemSource *)s)->uow) == 0;
    return ALLOT_OK;
}

static void mem_destroy(TuiSource *s) { free(s); }

static const TuiSourceOps mem_ops = {
    .fetch = mem_fetch,
    .version = mem_version,
    .max_event_id = mem_max_event_id,
    .events_since = mem_events_since,
    .complete = mem_complete,
    .batch_info = mem_batch_info,
    .is_empty = mem_is_empty,
    .destroy = mem_destroy,
};

TuiSource *source_memory_new(UnitOfWork *uow)
{
    MemSource *m = xcalloc(1, sizeof *m);
    m->base.ops = &mem_ops;
    m->uow = uow;
    return &m->base;
}
