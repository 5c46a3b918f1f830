/* The read model of the in-memory store (memory_uow.h): every list computed from
 * the committed products by its spec (view_rows.h). */
#include <stdlib.h>
#include <string.h>

#include "app/view_rows.h"
#include "app/view_specs.h"
#include "domain/xalloc.h"
#include "persistence/memory_uow.h"

typedef struct MemoryViews {
    Views base;
    UnitOfWork *mem;
} MemoryViews;

static MemoryViews *from_views(Views *v) { return (MemoryViews *)v; }

/* The row key of a line: its product's place in the store, then its seq. */
static AllotStatus line_key(void *ctx, const Product *p, const OrderLine *l, int64_t *key,
                            ErrBuf *err)
{
    (void)err;
    *key = (int64_t)(*(const size_t *)ctx << 32) + (int64_t)(l->seq & 0xffffffffu);
    (void)p;
    return ALLOT_OK;
}

/* Every row of q (conditions and filter; no anchor) into `all` (initialised). */
static AllotStatus all_rows(Views *vv, const ViewQuery *q, ViewRows *all, ErrBuf *err)
{
    UnitOfWork *mem = from_views(vv)->mem;
    AllotStatus st = ALLOT_OK;
    if (q->spec->kind == VIEW_ROW_EVENT) {
        const EventVec *log = memory_uow_event_log(mem);
        for (size_t i = 0; i < log->len; i++) {
            EventRow *r = view_rows_push(all);
            *r = (EventRow){(int64_t)i + 1, 0, log->items[i], 0};
            if (!view_row_matches(q, r))
                all->len--;
        }
    } else {
        for (size_t i = 0; st == ALLOT_OK && i < memory_uow_product_count(mem); i++)
            st = view_rows_of_product(q, memory_uow_product(mem, i), line_key, &i, all, err);
    }
    return st;
}

static AllotStatus mv_count(Views *vv, const ViewQuery *q, const void *after, int64_t *n,
                            ErrBuf *err)
{
    ViewRows all;
    view_rows_init(&all, q->spec->row_size);
    AllotStatus st = all_rows(vv, q, &all, err);
    *n = st == ALLOT_OK ? (int64_t)view_rows_count_past(q, &all, after) : 0;
    view_rows_fini(&all);
    return st;
}

static AllotStatus mv_counts(Views *vv, int32_t today, ReadCounts *out, ErrBuf *err)
{
    (void)err;
    UnitOfWork *mem = from_views(vv)->mem;
    for (size_t i = 0; i < memory_uow_product_count(mem); i++)
        view_rows_add_counts(memory_uow_product(mem, i), today, 1, out);
    return ALLOT_OK;
}

static AllotStatus mv_list(Views *vv, const ViewQuery *q, const void *after, void *rows,
                           size_t *n, ErrBuf *err)
{
    ViewRows all;
    view_rows_init(&all, q->spec->row_size);
    AllotStatus st = all_rows(vv, q, &all, err);
    if (st == ALLOT_OK) {
        view_rows_sort_past(q, &all, after);
        *n = view_rows_page(q, &all, rows);
    }
    view_rows_fini(&all);
    return st;
}

static AllotStatus mv_latest_event_id(Views *vv, int64_t *id, ErrBuf *err)
{
    (void)err;
    *id = (int64_t)memory_uow_event_log(from_views(vv)->mem)->len;
    return ALLOT_OK;
}

static AllotStatus mv_complete(Views *vv, CompleteKind kind, const char *prefix, size_t limit,
                               AllotId *out, size_t *n, ErrBuf *err)
{
    (void)err;
    UnitOfWork *mem = from_views(vv)->mem;
    ViewRows ids;
    view_rows_init(&ids, sizeof(AllotId));
    for (size_t i = 0; i < memory_uow_product_count(mem); i++)
        view_rows_complete(kind, memory_uow_product(mem, i), prefix, &ids);
    *n = view_rows_complete_page(&ids, limit, out);
    view_rows_fini(&ids);
    return ALLOT_OK;
}

static void mv_destroy(Views *vv) { free(vv); }

static const ViewsOps memory_views_ops = {
    .list = mv_list,
    .latest_event_id = mv_latest_event_id,
    .complete = mv_complete,
    .destroy = mv_destroy,
    .complete_span = NULL, /* from complete */
    .count = mv_count,
    .counts = mv_counts,
};

Views *memory_views_new(UnitOfWork *mem)
{
    MemoryViews *v = xcalloc(1, sizeof *v);
    v->base.ops = &memory_views_ops;
    v->mem = mem;
    return &v->base;
}
