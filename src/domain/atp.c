#include "domain/atp.h"

#include <stdlib.h>
#include <string.h>

#include "domain/lateness.h"
#include "domain/xalloc.h"

static void copy_ref(AllotId dst, const char *src)
{
    size_t n = strnlen(src, ALLOT_ID_MAX);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* The date a batch counts on: its ETA, or today for stock on hand. */
static int32_t batch_date(const Batch *b, int32_t today)
{
    return lateness_promised(true, b->eta, today);
}

typedef struct {
    int32_t date;
    const Batch *b;
} Dated;

static int cmp_dated(const void *a, const void *b)
{
    const Dated *x = a, *y = b;
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    return batch_is_preferred(x->b, y->b) ? -1 : batch_is_preferred(y->b, x->b);
}

void atp_timeline(const Product *p, int32_t today, AtpTimeline *out)
{
    memset(out, 0, sizeof *out);
    size_t nb = product_batch_count(p);
    Dated *d = xreallocarray(NULL, nb ? nb : 1, sizeof *d);
    for (size_t i = 0; i < nb; i++)
        d[i] = (Dated){batch_date(product_batch(p, i), today), product_batch(p, i)};
    if (nb > 1)
        qsort(d, nb, sizeof *d, cmp_dated);
    out->rows = xreallocarray(NULL, nb ? nb : 1, sizeof *out->rows);
    int64_t running = 0;
    for (size_t i = 0; i < nb; i++) {
        AtpRow *r = out->nrows ? &out->rows[out->nrows - 1] : NULL;
        if (!r || r->date != d[i].date) {
            r = &out->rows[out->nrows++];
            memset(r, 0, sizeof *r);
            r->date = d[i].date;
            copy_ref(r->first_ref, d[i].b->ref);
        }
        r->nbatches++;
        r->arriving += d[i].b->qty;
        r->allocated += d[i].b->allocated;
        r->free = r->arriving - r->allocated;
        running += d[i].b->qty - d[i].b->allocated;
        r->projected = running;
    }
    free(d);
    for (size_t i = 0; i < product_line_count(p); i++) {
        const OrderLine *l = product_line(p, i);
        if (l->batch < 0) {
            out->backorder_lines++;
            out->backorder_qty += l->qty;
        }
    }
}

void atp_fini(AtpTimeline *t)
{
    free(t->rows);
    memset(t, 0, sizeof *t);
}

Promise atp_promise(const Product *p, int64_t qty, int32_t today)
{
    Promise pr = {.promised = ALLOT_NO_DATE, .could_date = ALLOT_NO_DATE};
    const Batch *best = NULL, *could = NULL;
    for (size_t i = 0; i < product_batch_count(p); i++) {
        const Batch *b = product_batch(p, i);
        if (b->qty - b->allocated >= qty && (!best || batch_is_preferred(b, best)))
            best = b; /* rule 1: the most preferred batch with room */
        if (b->qty >= qty && (!could || batch_is_preferred(b, could)))
            could = b;
    }
    if (best) {
        copy_ref(pr.batchref, best->ref);
        pr.promised = batch_date(best, today);
    } else if (could) {
        copy_ref(pr.could_ref, could->ref);
        pr.could_date = batch_date(could, today);
        pr.could_free = could->qty - could->allocated;
    }
    return pr;
}
