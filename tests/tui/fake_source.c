#include "fake_source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fill(TuiRow *r, int i)
{
    snprintf(r->key, sizeof r->key, "r%06d", i);
    snprintf(r->cursor, sizeof r->cursor, "r%06d", i);
    snprintf(r->cells[0], sizeof r->cells[0], "row %d", i);
    snprintf(r->sku, sizeof r->sku, "SKU%d", i);
}

static AllotStatus f_fetch(TuiSource *s, const TuiQuery *q, TuiFetch how, const char *cursor,
                           size_t limit, TuiRowVec *out, ErrBuf *err)
{
    (void)err;
    FakeSource *f = (FakeSource *)s;
    f->fetches++;
    if (limit > f->max_limit)
        f->max_limit = limit;
    if (how == TF_FIRST)
        f->first_fetches++;
    int pos = 0;
    if (cursor)
        pos = atoi(cursor + 1);
    bool (*match)(int) = NULL;
    (void)match;
    size_t got = 0;
    if (how == TF_BEFORE || how == TF_LAST) {
        int start = how == TF_LAST ? f->n - 1 : pos - 1;
        int idx[4096];
        size_t k = 0;
        for (int i = start; i >= 0 && k < limit && k < 4096; i--)
            if (f->present[i] && (!q->filter[0] || strstr(q->filter, "odd") == NULL || i % 2))
                idx[k++] = i;
        while (k > 0) {
            fill(tui_rows_push(out), idx[--k]);
            got++;
        }
        return ALLOT_OK;
    }
    int start = how == TF_FIRST ? 0 : how == TF_FROM ? pos : pos + 1;
    for (int i = start; i < f->n && got < limit; i++)
        if (f->present[i] && (!q->filter[0] || strstr(q->filter, "odd") == NULL || i % 2)) {
            fill(tui_rows_push(out), i);
            got++;
        }
    return ALLOT_OK;
}

static AllotStatus f_version(TuiSource *s, uint64_t *out, ErrBuf *err)
{
    (void)s, (void)err;
    *out = 0;
    return ALLOT_OK;
}
static AllotStatus f_max(TuiSource *s, int64_t *out, ErrBuf *err)
{
    (void)s, (void)err;
    *out = 0;
    return ALLOT_OK;
}
static AllotStatus f_since(TuiSource *s, int64_t a, size_t l, TuiFeedVec *o, ErrBuf *e)
{
    (void)s, (void)a, (void)l, (void)o, (void)e;
    return ALLOT_OK;
}
static AllotStatus f_complete(TuiSource *s, CompleteKind k, const char *p, size_t l,
                              char ***o, size_t *n, ErrBuf *e)
{
    (void)s, (void)k, (void)p, (void)l, (void)e;
    *o = NULL;
    *n = 0;
    return ALLOT_OK;
}
static AllotStatus f_info(TuiSource *s, const char *r, TuiBatchInfo *o, bool *found, ErrBuf *e)
{
    (void)s, (void)r, (void)o, (void)e;
    *found = false;
    return ALLOT_OK;
}
static AllotStatus f_empty(TuiSource *s, bool *empty, ErrBuf *e)
{
    (void)e;
    *empty = ((FakeSource *)s)->n == 0;
    return ALLOT_OK;
}
static void f_destroy(TuiSource *s) { (void)s; }

/* The identity is the cursor: found if that row is there. */
static AllotStatus f_locate(TuiSource *s, const TuiQuery *q, const char *key, char *cursor,
                            size_t size, bool *found, ErrBuf *e)
{
    (void)q, (void)e;
    FakeSource *f = (FakeSource *)s;
    int i = atoi(key + 1);
    *found = key[0] == 'r' && i >= 0 && i < f->n && f->present[i];
    if (*found)
        snprintf(cursor, size, "%s", key);
    return ALLOT_OK;
}

static const TuiSourceOps ops = {
    .fetch = f_fetch,      .version = f_version,    .max_event_id = f_max,
    .events_since = f_since, .complete = f_complete, .batch_info = f_info,
    .is_empty = f_empty,   .destroy = f_destroy,    .locate = f_locate,
};

FakeSource *fake_source_new(int n, bool all_present)
{
    FakeSource *f = calloc(1, sizeof *f);
    f->base.ops = &ops;
    f->n = n;
    f->present = calloc((size_t)n, sizeof *f->present);
    for (int i = 0; i < n; i++)
        f->present[i] = all_present;
    return f;
}

void fake_source_free(FakeSource *f)
{
    free(f->present);
    free(f);
}
