/* product_cache.c — the products a SQL unit of work holds (product_cache.h). */
#include "persistence/product_cache.h"

#include <stdlib.h>
#include <string.h>

#include "domain/xalloc.h"

void product_cache_init(ProductCache *c)
{
    memset(c, 0, sizeof *c);
    strmap_init(&c->products);
    strmap_init(&c->pending_refs);
}

void product_cache_fini(ProductCache *c)
{
    product_cache_clear(c);
    strmap_fini(&c->products);
    strmap_fini(&c->pending_refs);
    free(c->dirtyv);
    memset(c, 0, sizeof *c);
}

void product_cache_clear(ProductCache *c)
{
    void *e;
    for (size_t i = 0; strmap_next(&c->products, &i, NULL, NULL, &e);)
        cache_entry_free(e);
    strmap_clear(&c->products);
    strmap_clear(&c->pending_refs);
    c->ndirtyv = 0;
    c->dirty_keys = 0;
    c->lines_est = 0;
}

void product_cache_drop(ProductCache *c, const char *sku)
{
    CacheEntry *e = strmap_get_ptr(&c->products, sku);
    if (!e)
        return;
    strmap_del(&c->products, sku);
    for (size_t i = 0; i < c->ndirtyv; i++) {
        if (c->dirtyv[i] == e) {
            c->dirtyv[i] = c->dirtyv[--c->ndirtyv];
            break;
        }
    }
    c->dirty_keys -= e->ndirty;
    size_t nl = product_line_count(e->p);
    c->lines_est -= nl < c->lines_est ? nl : c->lines_est;
    /* batches it created that are not written yet */
    for (size_t k = 0; c->pending_refs.len && k < product_batch_count(e->p); k++)
        if (strmap_get_ptr(&c->pending_refs, product_batch(e->p, k)->ref) == e)
            strmap_del(&c->pending_refs, product_batch(e->p, k)->ref);
    cache_entry_free(e);
}

void product_cache_mark_dirty(ProductCache *c, CacheEntry *e)
{
    if (e->dirty)
        return;
    if (c->ndirtyv == c->capdirtyv) {
        c->capdirtyv = c->capdirtyv ? c->capdirtyv * 2 : 16;
        c->dirtyv = xreallocarray(c->dirtyv, c->capdirtyv, sizeof *c->dirtyv);
    }
    c->dirtyv[c->ndirtyv++] = e;
    e->dirty = true;
}

void product_cache_mark_line(ProductCache *c, CacheEntry *e, const char *orderid,
                             bool cancelled)
{
    if (e->ndirty == e->cap_dirty) {
        e->cap_dirty = e->cap_dirty ? e->cap_dirty * 2 : 8;
        e->dirty_lines = xreallocarray(e->dirty_lines, e->cap_dirty, sizeof *e->dirty_lines);
    }
    DirtyLine *d = &e->dirty_lines[e->ndirty++];
    memcpy(d->orderid, orderid, sizeof d->orderid);
    d->cancelled = cancelled;
    c->dirty_keys++;
}

CacheEntry *cache_entry_new(const char *sku, int64_t id, int64_t version, uint64_t tx)
{
    CacheEntry *e = xcalloc(1, sizeof *e);
    e->p = product_new(sku);
    e->id = id;
    e->db_version = version;
    e->verified_tx = tx;
    return e;
}

void cache_entry_free(CacheEntry *e)
{
    if (!e)
        return;
    product_free(e->p);
    free(e->batch_ids);
    free(e->bdirty);
    free(e->dirty_lines);
    free(e->removed);
    free(e);
}

void cache_entry_push_id(CacheEntry *e, int64_t id)
{
    if (e->nstored == e->cap_ids) {
        e->cap_ids = e->cap_ids ? e->cap_ids * 2 : 4;
        e->batch_ids = xreallocarray(e->batch_ids, e->cap_ids, sizeof *e->batch_ids);
    }
    e->batch_ids[e->nstored++] = id;
}

void cache_entry_mark_batch(CacheEntry *e, const char *ref)
{
    const Batch *b = ref && *ref ? product_find_batch(e->p, ref) : NULL;
    if (!b)
        return;
    size_t i = (size_t)(b - product_batch(e->p, 0)), nb = product_batch_count(e->p);
    if (nb > e->cap_bdirty) {
        size_t cap = e->cap_bdirty ? e->cap_bdirty : 4;
        while (cap < nb)
            cap *= 2;
        e->bdirty = xrealloc(e->bdirty, cap);
        memset(e->bdirty + e->cap_bdirty, 0, cap - e->cap_bdirty);
        e->cap_bdirty = cap;
    }
    e->bdirty[i] = 1;
}

void cache_entry_clean(CacheEntry *e)
{
    e->ndirty = 0;
    if (e->cap_bdirty)
        memset(e->bdirty, 0, e->cap_bdirty);
    e->dirty = false;
}

Aggregates product_aggregates(const Product *p)
{
    Aggregates a = {.nbatches = (int64_t)product_batch_count(p), .next_eta = ALLOT_NO_ETA};
    size_t nl = product_line_count(p);
    for (size_t i = 0; i < nl; i++) {
        const OrderLine *l = product_line(p, i);
        if (l->batch < 0)
            a.bo_lines++, a.bo_qty += l->qty;
    }
    for (size_t i = 0; i < (size_t)a.nbatches; i++) {
        const Batch *b = product_batch(p, i);
        a.qty += b->qty;
        a.allocated += b->allocated;
        if (b->eta != ALLOT_NO_ETA && (a.next_eta == ALLOT_NO_ETA || b->eta < a.next_eta))
            a.next_eta = b->eta;
    }
    return a;
}

void product_drop_pending_events(Product *p)
{
    EventVec drop;
    event_vec_init(&drop);
    product_take_events(p, &drop);
    event_vec_fini(&drop);
}
