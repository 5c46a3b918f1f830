#include "domain/events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/xalloc.h"

static const char *const event_names[] = {
#define ALLOT_EVENT_NAME(name, text) text,
    ALLOT_EVENT_TYPE_MAP(ALLOT_EVENT_NAME)
#undef ALLOT_EVENT_NAME
};

const char *event_type_name(EventType t)
{
    return (unsigned)t < EV_TYPE_COUNT ? event_names[t] : "Unknown";
}

int event_type_from_name(const char *name)
{
    for (int i = 0; i < EV_TYPE_COUNT; i++)
        if (strcmp(event_names[i], name) == 0)
            return i;
    return -1;
}

void event_vec_init(EventVec *v) { memset(v, 0, sizeof *v); }

void event_vec_fini(EventVec *v)
{
    free(v->items);
    memset(v, 0, sizeof *v);
}

void event_vec_push(EventVec *v, const Event *e)
{
    if (v->len == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 8;
        v->items = xreallocarray(v->items, v->cap, sizeof *v->items);
    }
    v->items[v->len++] = *e;
}

void event_vec_append(EventVec *dst, EventVec *src)
{
    for (size_t i = 0; i < src->len; i++)
        event_vec_push(dst, &src->items[i]);
    src->len = 0;
}

void event_vec_clear(EventVec *v) { v->len = 0; }

void event_vec_remove(EventVec *v, size_t i)
{
    if (i >= v->len)
        return;
    memmove(&v->items[i], &v->items[i + 1], (v->len - i - 1) * sizeof *v->items);
    v->len--;
}

char *event_describe(const Event *e, char *buf, size_t size)
{
    char a[ALLOT_DATE_TEXT], b[ALLOT_DATE_TEXT];
    switch (e->type) {
    case EV_ALLOCATED:
    case EV_DEALLOCATED:
        snprintf(buf, size, "%s %s %s ×%lld %s", event_type_name(e->type), e->orderid, e->sku,
                 (long long)e->qty, e->batchref);
        break;
    case EV_REALLOCATED:
        snprintf(buf, size, "Reallocated %s %s ×%lld %s → %s", e->orderid, e->sku,
                 (long long)e->qty, e->batchref, e->to);
        break;
    case EV_OUT_OF_STOCK:
        snprintf(buf, size, "OutOfStock %s %s ×%lld", e->orderid, e->sku, (long long)e->qty);
        break;
    case EV_ORDER_LINE_CANCELLED:
        snprintf(buf, size, "OrderLineCancelled %s %s ×%lld %s", e->orderid, e->sku,
                 (long long)e->qty, e->batchref[0] ? e->batchref : "(backorder)");
        break;
    case EV_BATCH_CREATED:
        snprintf(buf, size, "BatchCreated %s %s ×%lld eta %s", e->batchref, e->sku,
                 (long long)e->qty, date_format(e->eta, a));
        break;
    case EV_BATCH_QTY_CHANGED:
        snprintf(buf, size, "BatchQuantityChanged %s %s %lld → %lld", e->batchref, e->sku,
                 (long long)e->old_qty, (long long)e->new_qty);
        break;
    case EV_BATCH_ETA_CHANGED:
        snprintf(buf, size, "BatchEtaChanged %s %s %s → %s", e->batchref, e->sku,
                 date_format(e->old_eta, a), date_format(e->new_eta, b));
        break;
    case EV_BATCH_REMOVED:
        snprintf(buf, size, "BatchRemoved %s %s ×%lld eta %s", e->batchref, e->sku,
                 (long long)e->qty, date_format(e->eta, a));
        break;
    case EV_LINE_REMOVED:
    case EV_LINE_RESTORED:
        snprintf(buf, size, "%s %s %s ×%lld %s", event_type_name(e->type), e->orderid, e->sku,
                 (long long)e->qty, e->batchref[0] ? e->batchref : "(backorder)");
        break;
    default:
        snprintf(buf, size, "Unknown event");
    }
    return buf;
}
