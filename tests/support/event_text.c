#include "event_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *or_dash(const char *s) { return s[0] ? s : "-"; }

char *event_text(const Event *e, char *buf, size_t size)
{
    char a[ALLOT_DATE_TEXT], b[ALLOT_DATE_TEXT];
    const char *name = event_type_name(e->type);
    switch (e->type) {
    case EV_ALLOCATED:
    case EV_DEALLOCATED:
    case EV_ORDER_LINE_CANCELLED:
        snprintf(buf, size, "%s %s %lld %s", name, e->orderid, (long long)e->qty,
                 or_dash(e->batchref));
        break;
    case EV_OUT_OF_STOCK:
        snprintf(buf, size, "%s %s %lld", name, e->orderid, (long long)e->qty);
        break;
    case EV_REALLOCATED:
        snprintf(buf, size, "%s %s %lld %s>%s", name, e->orderid, (long long)e->qty, e->batchref,
                 e->to);
        break;
    case EV_BATCH_CREATED:
        snprintf(buf, size, "%s %s %lld %s", name, e->batchref, (long long)e->qty,
                 date_format(e->eta, a));
        break;
    case EV_BATCH_QTY_CHANGED:
        snprintf(buf, size, "%s %s %lld>%lld", name, e->batchref, (long long)e->old_qty,
                 (long long)e->new_qty);
        break;
    case EV_BATCH_ETA_CHANGED:
        snprintf(buf, size, "%s %s %s>%s", name, e->batchref, date_format(e->old_eta, a),
                 date_format(e->new_eta, b));
        break;
    case EV_BATCH_REMOVED:
        snprintf(buf, size, "%s %s %lld %s", name, e->batchref, (long long)e->qty,
                 date_format(e->eta, a));
        break;
    case EV_LINE_REMOVED:
    case EV_LINE_RESTORED:
        snprintf(buf, size, "%s %s %lld %s", name, e->orderid, (long long)e->qty,
                 or_dash(e->batchref));
        break;
    default:
        snprintf(buf, size, "?%d", (int)e->type);
    }
    return buf;
}

char *events_text(const EventVec *v, size_t from, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = from; i < v->len && used < size; i++) {
        char one[512];
        event_text(&v->items[i], one, sizeof one);
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i > from ? "; " : "", one);
    }
    return buf;
}

static int cmp_line(const void *a, const void *b)
{
    const OrderLine *x = *(const OrderLine *const *)a, *y = *(const OrderLine *const *)b;
    return strcmp(x->orderid, y->orderid);
}

char *product_text(const Product *p, char *buf, size_t size)
{
    size_t used = (size_t)snprintf(buf, size, "%s v%lld |", product_sku(p),
                                   (long long)product_version(p));
    for (size_t i = 0; i < product_batch_count(p) && used < size; i++) {
        const Batch *b = product_batch(p, i);
        char d[ALLOT_DATE_TEXT];
        used += (size_t)snprintf(buf + used, size - used, "%s %s %lld/%lld %s", i ? "," : "",
                                 b->ref, (long long)b->qty, (long long)b->allocated,
                                 date_format(b->eta, d));
    }
    size_t n = product_line_count(p);
    const OrderLine **lines = calloc(n ? n : 1, sizeof *lines);
    for (size_t i = 0; i < n; i++)
        lines[i] = product_line(p, i);
    qsort(lines, n, sizeof *lines, cmp_line);
    if (used < size)
        used += (size_t)snprintf(buf + used, size - used, " |");
    for (size_t i = 0; i < n && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s %s %lld %s", i ? "," : "",
                                 lines[i]->orderid, (long long)lines[i]->qty,
                                 or_dash(product_line_batchref(p, lines[i])));
    free(lines);
    return buf;
}

char *product_state_text(const Product *p, char *buf, size_t size)
{
    size_t used = (size_t)snprintf(buf, size, "%s |", product_sku(p));
    for (size_t i = 0; i < product_batch_count(p) && used < size; i++) {
        const Batch *b = product_batch(p, i);
        char d[ALLOT_DATE_TEXT];
        used += (size_t)snprintf(buf + used, size - used, "%s %s %lld/%lld %s #%llu", i ? "," : "",
                                 b->ref, (long long)b->qty, (long long)b->allocated,
                                 date_format(b->eta, d), (unsigned long long)b->seq);
    }
    size_t n = product_line_count(p);
    const OrderLine **lines = calloc(n ? n : 1, sizeof *lines);
    for (size_t i = 0; i < n; i++)
        lines[i] = product_line(p, i);
    qsort(lines, n, sizeof *lines, cmp_line);
    if (used < size)
        used += (size_t)snprintf(buf + used, size - used, " |");
    for (size_t i = 0; i < n && used < size; i++) {
        char d[ALLOT_DATE_TEXT];
        used += (size_t)snprintf(buf + used, size - used, "%s %s %lld %s need %s req %lld #%llu",
                                 i ? "," : "", lines[i]->orderid, (long long)lines[i]->qty,
                                 or_dash(product_line_batchref(p, lines[i])),
                                 date_format(lines[i]->need, d), (long long)lines[i]->requested,
                                 (unsigned long long)lines[i]->seq);
    }
    free(lines);
    return buf;
}
