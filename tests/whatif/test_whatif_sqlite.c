/* What-if sessions over the SQLite store: the read model over the sandbox
 * (sandbox_views.h) shows what a real run would show, page by page in both
 * directions; Apply replays in one transaction and notices concurrent changes. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "app/bootstrap.h"
#include "whatif/sandbox_uow.h"
#include "whatif/whatif.h"
#include "persistence/sqlite_uow.h"
#include "../integration/tmpdb.h"
#include "../support/random_command.h"

static FixedClock fclock = {{fixed_clock_now}, 1795953600}; /* 2026-11-29 12:00 UTC */
static TmpDb tmp;

static void setup(void) { tmpdb_init(&tmp); }
static void teardown(void) { tmpdb_fini(&tmp); }
TestSuite(whatif_sqlite, .init = setup, .fini = teardown);

typedef struct Store {
    UnitOfWork *uow;
    MessageBus *bus;
} Store;

static void store_open(Store *s, const char *path)
{
    ErrBuf err = {{0}};
    cr_assert_eq(sqlite_uow_open(path, &fclock.base, &s->uow, &err), ALLOT_OK, "%s", err.msg);
    s->bus = bootstrap(s->uow, NULL, &fclock.base, NULL);
}

static void store_close(Store *s)
{
    bus_free(s->bus);
    uow_free(s->uow);
}

static void copy_file(const char *from, const char *to)
{
    char cmd[800];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", from, to);
    cr_assert_eq(system(cmd), 0);
}

/* ---- comparing rows (field by field: AllotIds hold junk past their NUL) ---- */

static void same_product(const ProductRow *a, const ProductRow *b, const char *what)
{
    cr_assert_str_eq(a->sku, b->sku, "%s", what);
    cr_assert(a->nbatches == b->nbatches && a->qty == b->qty && a->allocated == b->allocated &&
                  a->available == b->available && a->backorder_lines == b->backorder_lines &&
                  a->backorder_qty == b->backorder_qty && a->next_eta == b->next_eta,
              "%s: product %s differs", what, a->sku);
}

static void same_batch(const BatchRow *a, const BatchRow *b, const char *what)
{
    cr_assert_str_eq(a->ref, b->ref, "%s", what);
    cr_assert_str_eq(a->sku, b->sku, "%s", what);
    cr_assert(a->qty == b->qty && a->allocated == b->allocated && a->available == b->available &&
                  a->eta == b->eta && a->nlines == b->nlines && a->seq == b->seq,
              "%s: batch %s differs", what, a->ref);
}

static void same_line(const LineRow *a, const LineRow *b, const char *what)
{
    cr_assert_str_eq(a->orderid, b->orderid, "%s", what);
    cr_assert_str_eq(a->sku, b->sku, "%s", what);
    cr_assert_str_eq(a->batchref, b->batchref, "%s: %s %s", what, a->orderid, a->sku);
    cr_assert(a->qty == b->qty && a->eta == b->eta && a->seq == b->seq, "%s: line %s %s differs",
              what, a->orderid, a->sku);
}

/* One list query, generic: rows of `size` bytes after `after` (NULL = start). */
typedef AllotStatus (*ListFn)(Views *v, const void *q, const ViewPage *page, const void *after,
                              void *rows, size_t *n, ErrBuf *err);

/* Every row of a list through pages of 3, forward; backward from the end must give
 * the same rows in the same order (checked with `same`).  Caller frees *out. */
static size_t collect(Views *v, ListFn fn, const void *q, const char *filter, size_t size,
                      void (*same)(const void *, const void *, const char *), void **out)
{
    size_t len = 0, cap = 16;
    char *rows = malloc(cap * size);
    ViewPage page = {.limit = 3, .filter = filter};
    ErrBuf err = {{0}};
    for (;;) {
        if (cap - len < page.limit) {
            cap *= 2;
            rows = realloc(rows, cap * size);
        }
        size_t n = 0;
        cr_assert_eq(fn(v, q, &page, len ? rows + (len - 1) * size : NULL, rows + len * size, &n,
                        &err),
                     ALLOT_OK, "%s", err.msg);
        len += n;
        if (n < page.limit)
            break;
    }
    page.backward = true;
    size_t left = len;
    char *anchor = malloc(size), chunk[3 * sizeof(EventRow) + 3 * sizeof(LineRow)];
    bool anchored = false;
    for (;;) {
        size_t n = 0;
        cr_assert_eq(fn(v, q, &page, anchored ? anchor : NULL, chunk, &n, &err), ALLOT_OK, "%s",
                     err.msg);
        cr_assert_leq(n, left, "backward paging gives more rows than forward");
        for (size_t i = 0; i < n; i++)
            same(chunk + i * size, rows + (left - n + i) * size, "backward page");
        left -= n;
        if (n < page.limit)
            break;
        memcpy(anchor, chunk, size);
        anchored = true;
    }
    cr_assert_eq(left, 0, "backward paging stops %zu rows early", left);
    free(anchor);
    *out = rows;
    return len;
}

static void same_product_v(const void *a, const void *b, const char *w) { same_product(a, b, w); }
static void same_batch_v(const void *a, const void *b, const char *w) { same_batch(a, b, w); }
static void same_line_v(const void *a, const void *b, const char *w) { same_line(a, b, w); }

typedef struct Q {
    const char *text;
    bool flag;
    BatchOrder order;
    int32_t from, to;
} Q;

static AllotStatus l_products(Views *v, const void *q, const ViewPage *p, const void *a, void *r,
                              size_t *n, ErrBuf *e)
{
    return views_products(v, ((const Q *)q)->flag, p, a, r, n, e);
}
static AllotStatus l_batches(Views *v, const void *q, const ViewPage *p, const void *a, void *r,
                             size_t *n, ErrBuf *e)
{
    return views_batches(v, ((const Q *)q)->text, ((const Q *)q)->order, p, a, r, n, e);
}
static AllotStatus l_due(Views *v, const void *q, const ViewPage *p, const void *a, void *r,
                         size_t *n, ErrBuf *e)
{
    return views_shipments_due(v, ((const Q *)q)->from, ((const Q *)q)->to, p, a, r, n, e);
}
static AllotStatus l_batch_lines(Views *v, const void *q, const ViewPage *p, const void *a,
                                 void *r, size_t *n, ErrBuf *e)
{
    return views_batch_lines(v, ((const Q *)q)->text, p, a, r, n, e);
}
static AllotStatus l_order_lines(Views *v, const void *q, const ViewPage *p, const void *a,
                                 void *r, size_t *n, ErrBuf *e)
{
    return views_order_lines(v, ((const Q *)q)->text, p, a, r, n, e);
}
static AllotStatus l_backorders(Views *v, const void *q, const ViewPage *p, const void *a,
                                void *r, size_t *n, ErrBuf *e)
{
    return views_backorders(v, ((const Q *)q)->text, p, a, r, n, e);
}

static AllotStatus l_lines(Views *v, const void *q, const ViewPage *p, const void *a, void *r,
                           size_t *n, ErrBuf *e)
{
    return views_lines(v, (LineState)((const Q *)q)->order, p, a, r, n, e);
}

/* The same list on the sandbox views and on the real run's views. */
static void same_list(Views *sb, Views *real, ListFn fn, const Q *q, const char *filter,
                      size_t size, void (*same)(const void *, const void *, const char *),
                      const char *what, bool as_set)
{
    void *a, *b;
    size_t na = collect(sb, fn, q, filter, size, same, &a);
    size_t nb = collect(real, fn, q, filter, size, same, &b);
    cr_assert_eq(na, nb, "%s (%s, filter %s): sandbox %zu rows, real %zu", what,
                 q->text ? q->text : "-", filter ? filter : "-", na, nb);
    if (as_set) { /* every sandbox row is in the real list, once */
        for (size_t i = 0; i < na; i++) {
            const LineRow *x = (const LineRow *)((char *)a + i * size);
            size_t hits = 0;
            for (size_t j = 0; j < nb; j++) {
                const LineRow *y = (const LineRow *)((char *)b + j * size);
                if (strcmp(x->orderid, y->orderid) == 0 && strcmp(x->sku, y->sku) == 0) {
                    same(x, y, what);
                    hits++;
                }
            }
            cr_assert_eq(hits, 1, "%s: %s %s", what, x->orderid, x->sku);
        }
    } else {
        for (size_t i = 0; i < na; i++)
            same((char *)a + i * size, (char *)b + i * size, what);
    }
    free(a);
    free(b);
}

/* A new database at tmp.path with w's batches (up to 4 per SKU) and `allocations`
 * random Allocates of w, and its byte copy at `copy`. */
static void random_store(unsigned *st, RandomWorld *w, int allocations, const char *copy)
{
    remove(tmp.path);
    remove(copy);
    Store a;
    store_open(&a, tmp.path);
    Command batches[4 * 8];
    cr_assert_leq(w->skus, 8);
    for (size_t i = 0, n = test_random_batches(st, w, 4, 4, batches); i < n; i++)
        cr_assert_eq(bus_handle(a.bus, &batches[i], NULL, NULL), ALLOT_OK);
    for (int i = 0; i < allocations; i++) {
        Command c = test_random_command(st, w);
        if (c.type == CMD_ALLOCATE)
            bus_handle(a.bus, &c, NULL, NULL);
    }
    store_close(&a);
    copy_file(tmp.path, copy);
}

Test(whatif_sqlite, the_sandbox_views_show_what_a_real_run_would_show)
{
    char copy[400];
    snprintf(copy, sizeof copy, "%s/copy.db", tmp.dir);
    for (unsigned seed = 1; seed <= 12; seed++) {
        unsigned st = seed * 7919u;
        RandomWorld w = {.skus = 2 + test_rnd(&st, 3), .orders = 14, .new_refs = 4,
                         .unknown = true};
        random_store(&st, &w, 30, copy);

        Store live, real;
        store_open(&live, tmp.path);
        store_open(&real, copy);
        WhatIfSession *s;
        ErrBuf err = {{0}};
        cr_assert_eq(whatif_new(live.uow, sqlite_uow_views(live.uow), &fclock.base, NULL, &s, &err),
                     ALLOT_OK, "%s", err.msg);
        int accepted = 0;
        for (int i = 0; i < 12; i++) {
            Command c = test_random_command(&st, &w);
            AllotStatus a1 = whatif_run(s, &c, NULL, &err);
            AllotStatus a2 = bus_handle(real.bus, &c, NULL, &err);
            cr_assert_eq(a1, a2, "seed %u: sandbox and real disagree on %s", seed,
                         command_type_name(c.type));
            accepted += a1 == ALLOT_OK;
        }
        Views *sv = whatif_views(s), *rv = sqlite_uow_views(real.uow);
        const char *filters[] = {NULL, "1"};
        for (int f = 0; f < 2; f++) {
            Q q = {0};
            same_list(sv, rv, l_products, &q, filters[f], sizeof(ProductRow), same_product_v,
                      "products", false);
            q.flag = true;
            same_list(sv, rv, l_products, &q, filters[f], sizeof(ProductRow), same_product_v,
                      "backordered products", false);
            for (int o = 0; o < 3; o++) {
                Q b = {.order = (BatchOrder)o};
                same_list(sv, rv, l_batches, &b, filters[f], sizeof(BatchRow), same_batch_v,
                          "batches", false);
            }
            Q due = {.from = 20850, .to = 20950};
            same_list(sv, rv, l_due, &due, filters[f], sizeof(BatchRow), same_batch_v,
                      "shipments due", false);
            for (int ls = 0; ls < 3; ls++) {
                Q lq = {.order = (BatchOrder)ls};
                same_list(sv, rv, l_lines, &lq, filters[f], sizeof(LineRow), same_line_v,
                          "lines (exports)", false);
            }
            Q all = {0};
            same_list(sv, rv, l_backorders, &all, filters[f], sizeof(LineRow), same_line_v,
                      "all backorders", true);
        }
        for (unsigned k = 0; k <= w.skus; k++) {
            char sku[16];
            snprintf(sku, sizeof sku, "SKU%u", k);
            Q q = {.text = sku, .order = BATCH_ORDER_PREFERENCE};
            same_list(sv, rv, l_batches, &q, NULL, sizeof(BatchRow), same_batch_v,
                      "batches of a sku", false);
            same_list(sv, rv, l_backorders, &q, NULL, sizeof(LineRow), same_line_v,
                      "backorders of a sku", false);
        }
        for (unsigned r = 0; r < w.refs + w.new_refs; r++) {
            char ref[16];
            snprintf(ref, sizeof ref, r < w.refs ? "R%u" : "N%u", r < w.refs ? r : r - w.refs);
            Q q = {.text = ref};
            same_list(sv, rv, l_batch_lines, &q, NULL, sizeof(LineRow), same_line_v,
                      "lines of a batch", false);
        }
        for (unsigned o = 0; o < w.orders; o++) {
            char oid[16];
            snprintf(oid, sizeof oid, "o%u", o);
            Q q = {.text = oid};
            same_list(sv, rv, l_order_lines, &q, NULL, sizeof(LineRow), same_line_v,
                      "lines of an order", false);
        }
        /* the event feed: live up to the session, then the sandbox's */
        int64_t la, lb;
        cr_assert_eq(views_latest_event_id(sv, &la, &err), ALLOT_OK);
        cr_assert_eq(views_latest_event_id(rv, &lb, &err), ALLOT_OK);
        cr_assert_eq(la, lb, "seed %u", seed);
        EventRow ea[4], eb[4];
        for (int64_t anchor = 0; anchor < la; anchor += 4) {
            size_t na, nb;
            ViewPage page = {.limit = 4};
            cr_assert_eq(views_events(sv, anchor, &page, ea, &na, &err), ALLOT_OK);
            cr_assert_eq(views_events(rv, anchor, &page, eb, &nb, &err), ALLOT_OK);
            cr_assert_eq(na, nb);
            for (size_t i = 0; i < na; i++) {
                cr_assert_eq(ea[i].id, eb[i].id);
                cr_assert_eq(ea[i].ev.type, eb[i].ev.type);
                cr_assert_str_eq(ea[i].ev.sku, eb[i].ev.sku);
                cr_assert_str_eq(ea[i].ev.orderid, eb[i].ev.orderid);
            }
        }
        ViewPage back = {.limit = 4, .backward = true};
        size_t na, nb;
        cr_assert_eq(views_events(sv, 0, &back, ea, &na, &err), ALLOT_OK);
        cr_assert_eq(views_events(rv, 0, &back, eb, &nb, &err), ALLOT_OK);
        cr_assert_eq(na, nb);
        for (size_t i = 0; i < na; i++)
            cr_assert_eq(ea[i].id, eb[i].id);
        cr_assert_gt(accepted + seed, 0);
        whatif_discard(s);
        store_close(&live);
        store_close(&real);
    }
}

static int32_t day(const char *ymd)
{
    int32_t d;
    ErrBuf err;
    cr_assert_eq(validate_eta(ymd, &d, &err), ALLOT_OK);
    return d;
}

static void must(MessageBus *bus, Command c)
{
    ErrBuf err = {{0}};
    cr_assert_eq(bus_handle(bus, &c, NULL, &err), ALLOT_OK, "%s", err.msg);
}

static void scenario(MessageBus *bus)
{
    must(bus, command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA));
    must(bus, command_create_batch("B2", "LAMP", 10, day("2026-12-10")));
    must(bus, command_create_batch("B3", "LAMP", 10, day("2026-12-20")));
    must(bus, command_allocate("o1", "LAMP", 4));
    must(bus, command_allocate("o2", "LAMP", 4));
    must(bus, command_allocate("o3", "LAMP", 4));
}

static const char *batch_of(Store *st, const char *orderid)
{
    static LineRow row;
    ViewPage page = {.limit = 1};
    size_t n = 0;
    ErrBuf err;
    cr_assert_eq(views_order_lines(sqlite_uow_views(st->uow), orderid, &page, NULL, &row, &n, &err),
                 ALLOT_OK);
    cr_assert_eq(n, 1);
    return row.batchref;
}

Test(whatif_sqlite, apply_replays_in_one_transaction_and_live_then_equals_the_sandbox)
{
    Store live;
    store_open(&live, tmp.path);
    scenario(live.bus);
    WhatIfSession *s;
    ErrBuf err = {{0}};
    cr_assert_eq(whatif_new(live.uow, sqlite_uow_views(live.uow), &fclock.base, NULL, &s, &err),
                 ALLOT_OK);
    DelayPreview p;
    delay_preview_init(&p);
    cr_assert_eq(delay_preview(whatif_uow(s), whatif_clock(s), "B1", 14, &p, &err), ALLOT_OK, "%s", err.msg);
    cr_assert_eq(whatif_run(s, &p.cmd, NULL, &err), ALLOT_OK, "%s", err.msg);
    delay_preview_fini(&p);
    Command c = command_allocate("o4", "LAMP", 3);
    cr_assert_eq(whatif_run(s, &c, NULL, &err), ALLOT_OK);
    cr_assert_str_eq(batch_of(&live, "o1"), "B1", "live untouched before apply");
    int64_t before_id;
    cr_assert_eq(views_latest_event_id(sqlite_uow_views(live.uow), &before_id, &err), ALLOT_OK);
    WhatIfApplyReport r;
    whatif_apply_report_init(&r);
    cr_assert_eq(whatif_apply(s, live.bus, &r, &err), ALLOT_OK, "%s", err.msg);
    cr_assert(r.applied);
    cr_assert(r.as_predicted);
    cr_assert_str_eq(batch_of(&live, "o1"), "B2");
    cr_assert_str_eq(batch_of(&live, "o2"), "B1", "B3 sorts after B1's new ETA: o2 stays");
    int64_t after_id;
    cr_assert_eq(views_latest_event_id(sqlite_uow_views(live.uow), &after_id, &err), ALLOT_OK);
    cr_assert_eq((size_t)(after_id - before_id), r.real.events.len);
    cr_assert_eq(r.real.events.len, sandbox_uow_event_log(whatif_uow(s))->len);
    whatif_apply_report_fini(&r);
    whatif_discard(s);
    store_close(&live);
}

Test(whatif_sqlite, apply_after_another_process_changed_the_data_says_what_differs)
{
    Store live, other;
    store_open(&live, tmp.path);
    scenario(live.bus);
    store_open(&other, tmp.path);
    WhatIfSession *s;
    ErrBuf err = {{0}};
    cr_assert_eq(whatif_new(live.uow, sqlite_uow_views(live.uow), &fclock.base, NULL, &s, &err),
                 ALLOT_OK);
    Command c = command_change_batch_eta("B1", day("2027-01-10"));
    cr_assert_eq(whatif_run(s, &c, NULL, &err), ALLOT_OK);
    must(other.bus, command_change_batch_qty("B2", 4)); /* another planner, meanwhile */
    WhatIfApplyReport r;
    whatif_apply_report_init(&r);
    cr_assert_eq(whatif_apply(s, live.bus, &r, &err), ALLOT_OK, "%s", err.msg);
    cr_assert(r.applied);
    cr_assert_not(r.as_predicted);
    /* predicted: o1 → B2 (room 6), o2 → B3; real: B2 is full, o1 → B3 too */
    bool o1_differs = false;
    for (size_t i = 0; i < r.mismatch.nlines; i++)
        if (strcmp(r.mismatch.lines[i].orderid, "o1") == 0) {
            o1_differs = true;
            cr_assert_str_eq(r.mismatch.lines[i].before_batch, "B2", "predicted");
            cr_assert_str_eq(r.mismatch.lines[i].after_batch, "B3", "real");
        }
    cr_assert(o1_differs);
    cr_assert_str_eq(batch_of(&live, "o1"), "B3");
    whatif_apply_report_fini(&r);
    whatif_discard(s);
    store_close(&other);
    store_close(&live);
}

/* ---- an order's lines and lateness while a session goes on (the sandbox's order
 *      index, sandbox_uow_order_products, is brought up to date lazily) ---- */

static void same_lateness(const OrderLateness *a, const OrderLateness *b, const char *what,
                          const char *orderid)
{
    cr_assert(a->late == b->late && a->late_lines == b->late_lines && a->at_risk == b->at_risk &&
                  a->lines == b->lines && a->waiting == b->waiting && a->complete == b->complete,
              "%s: order %s: %d lines, late %d, complete %d against %d lines, late %d, "
              "complete %d",
              what, orderid, (int)a->lines, (int)a->late, (int)a->complete, (int)b->lines,
              (int)b->late, (int)b->complete);
}

/* Every order of w, asked of the session and of the real run (and of live for the
 * before side): the same lines, page by page, and the same lateness. */
static void same_orders(WhatIfSession *s, Views *live, Views *real, const RandomWorld *w,
                        unsigned seed, int step)
{
    ErrBuf err = {{0}};
    int32_t today = whatif_today(s);
    for (unsigned o = 0; o < w->orders; o++) {
        char oid[16], what[64];
        snprintf(oid, sizeof oid, "o%u", o);
        snprintf(what, sizeof what, "seed %u step %d", seed, step);
        Q q = {.text = oid};
        same_list(whatif_views(s), real, l_order_lines, &q, NULL, sizeof(LineRow), same_line_v,
                  what, false);
        OrderLateness before, after, want_before, want_after;
        cr_assert_eq(whatif_order_lateness(s, oid, &before, &after, &err), ALLOT_OK, "%s",
                     err.msg);
        cr_assert_eq(views_order_lateness(live, oid, today, &want_before, &err), ALLOT_OK);
        cr_assert_eq(views_order_lateness(real, oid, today, &want_after, &err), ALLOT_OK);
        same_lateness(&before, &want_before, what, oid);
        same_lateness(&after, &want_after, what, oid);
    }
}

typedef struct Steps {
    unsigned *st;
    const RandomWorld *w;
    bool keep;
} Steps;

/* A bulk of random commands (a refused one may spoil the bulk: the same on both
 * sides), kept or rolled back at the end. */
static AllotStatus some_steps(MessageBus *bus, void *ctx, ErrBuf *err)
{
    Steps *sp = ctx;
    for (int i = 0; i < 6; i++) {
        Command c = test_random_command(sp->st, sp->w);
        if (c.type == CMD_ALLOCATE || c.type == CMD_CANCEL_LINE)
            bus_handle(bus, &c, NULL, NULL);
    }
    return sp->keep ? ALLOT_OK : err_set(err, ALLOT_EINVALID, "the file was refused");
}

Test(whatif_sqlite, an_orders_lines_and_lateness_follow_each_step_of_the_session)
{
    char copy[400];
    snprintf(copy, sizeof copy, "%s/copy.db", tmp.dir);
    for (unsigned seed = 1; seed <= 6; seed++) {
        unsigned st = seed * 104729u;
        RandomWorld w = {.skus = 3 + test_rnd(&st, 3), .orders = 8, .new_refs = 3,
                         .needs = true};
        random_store(&st, &w, 20, copy);

        Store live, real;
        store_open(&live, tmp.path);
        store_open(&real, copy);
        Views *lv = sqlite_uow_views(live.uow), *rv = sqlite_uow_views(real.uow);
        WhatIfSession *s;
        ErrBuf err = {{0}};
        cr_assert_eq(whatif_new(live.uow, lv, &fclock.base, NULL, &s, &err), ALLOT_OK, "%s",
                     err.msg);
        same_orders(s, lv, rv, &w, seed, -1);
        for (int i = 0; i < 16; i++) {
            Command c = test_random_command(&st, &w);
            AllotStatus a1 = whatif_run(s, &c, NULL, &err);
            cr_assert_eq(a1, bus_handle(real.bus, &c, NULL, &err), "seed %u step %d", seed, i);
            if (i % 5 == 4) {
                /* a bulk that is rolled back in the sandbox (nothing on the real run),
                 * then the same one kept on both */
                unsigned copy_st = st;
                Steps refused = {&copy_st, &w, false}, kept = {&st, &w, true};
                cr_assert_neq(bus_bulk(whatif_bus(s), some_steps, &refused, &err), ALLOT_OK);
                same_orders(s, lv, rv, &w, seed, i);
                copy_st = st;
                Steps twin = {&copy_st, &w, true};
                AllotStatus b1 = bus_bulk(whatif_bus(s), some_steps, &kept, &err);
                cr_assert_eq(b1, bus_bulk(real.bus, some_steps, &twin, &err), "seed %u step %d",
                             seed, i);
            }
            same_orders(s, lv, rv, &w, seed, i);
        }
        whatif_discard(s);
        store_close(&live);
        store_close(&real);
    }
}

typedef struct LookInside {
    Views *views;
    size_t seen; /* o1's lines, asked inside the bulk */
} LookInside;

/* Cancels o1's line, asks for o1's lines inside the bulk, then refuses the bulk. */
static AllotStatus cancel_look_refuse(MessageBus *bus, void *ctx, ErrBuf *err)
{
    LookInside *look = ctx;
    Command c = command_cancel_line("o1", "LAMP");
    cr_assert_eq(bus_handle(bus, &c, NULL, err), ALLOT_OK, "%s", err->msg);
    LineRow rows[4];
    ViewPage page = {.limit = 4};
    cr_assert_eq(views_order_lines(look->views, "o1", &page, NULL, rows, &look->seen, err),
                 ALLOT_OK);
    return err_set(err, ALLOT_EINVALID, "the file was refused");
}

Test(whatif_sqlite, a_refused_bulk_gives_an_order_back_the_lines_it_had_before)
{
    Store live;
    store_open(&live, tmp.path);
    must(live.bus, command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA));
    WhatIfSession *s;
    ErrBuf err = {{0}};
    cr_assert_eq(whatif_new(live.uow, sqlite_uow_views(live.uow), &fclock.base, NULL, &s, &err),
                 ALLOT_OK);
    Command c = command_allocate("o1", "LAMP", 2);
    cr_assert_eq(whatif_run(s, &c, NULL, &err), ALLOT_OK, "%s", err.msg);
    LookInside look = {whatif_views(s), 99};
    cr_assert_eq(bus_bulk(whatif_bus(s), cancel_look_refuse, &look, &err), ALLOT_EINVALID);
    cr_assert_eq(look.seen, 0, "inside the bulk o1's line is cancelled");
    LineRow rows[4];
    ViewPage page = {.limit = 4};
    size_t n = 0;
    cr_assert_eq(views_order_lines(whatif_views(s), "o1", &page, NULL, rows, &n, &err), ALLOT_OK);
    cr_assert_eq(n, 1, "the bulk was rolled back: o1's line is there again");
    cr_assert_str_eq(rows[0].batchref, "B1");
    OrderLateness before, after;
    cr_assert_eq(whatif_order_lateness(s, "o1", &before, &after, &err), ALLOT_OK);
    cr_assert_eq(before.lines, 0);
    cr_assert_eq(after.lines, 1);
    whatif_discard(s);
    store_close(&live);
}
