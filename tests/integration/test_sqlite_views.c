/* The read model over SQLite (views.h): every screen's query, paging, filters,
 * and a random walk that checks the views always agree with the aggregates. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "app/bootstrap.h"
#include "app/views.h"
#include "persistence/memory_uow.h"
#include "persistence/sqlite_schema.h"
#include "persistence/sqlite_uow.h"
#include "tmpdb.h"

static TmpDb db;
static FixedClock fclock = {{fixed_clock_now}, 1796000000};
static UnitOfWork *uow;
static MessageBus *bus;
static Views *v;

static void setup(void)
{
    tmpdb_init(&db);
    ErrBuf err = {{0}};
    cr_assert_eq(sqlite_uow_open(db.path, &fclock.base, &uow, &err), ALLOT_OK, "%s", err.msg);
    bus = bootstrap(uow, NULL, &fclock.base, NULL);
    v = sqlite_uow_views(uow);
}

static void teardown(void)
{
    bus_free(bus);
    uow_free(uow);
    tmpdb_fini(&db);
}

TestSuite(sqlite_views, .init = setup, .fini = teardown);

static int32_t day(const char *ymd)
{
    int32_t d;
    ErrBuf err;
    cr_assert_eq(validate_eta(ymd, &d, &err), ALLOT_OK);
    return d;
}

static void must(Command c)
{
    ErrBuf err = {{0}};
    AllotStatus st = bus_handle(bus, &c, NULL, &err);
    cr_assert_eq(st, ALLOT_OK, "%s: %s", command_type_name(c.type), err.msg);
}

/* LAMP: B1 (warehouse, 10), B2 (2027-02-01, 5), B3 (2027-01-10, 5)
 * DESK: D1 (2027-01-20, 2)
 * lines: o1 LAMP 4 → B1; o2 LAMP 6 → B1; o3 LAMP 3 → B3; o1 DESK 2 → D1;
 *        o4 DESK 1 → backorder; o5 LAMP 9 → backorder */
static void scenario(void)
{
    must(command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA));
    must(command_create_batch("B2", "LAMP", 5, day("2027-02-01")));
    must(command_create_batch("B3", "LAMP", 5, day("2027-01-10")));
    must(command_create_batch("D1", "DESK", 2, day("2027-01-20")));
    must(command_allocate("o1", "LAMP", 4));
    must(command_allocate("o2", "LAMP", 6));
    must(command_allocate("o3", "LAMP", 3));
    must(command_allocate("o1", "DESK", 2));
    must(command_allocate("o4", "DESK", 1));
    must(command_allocate("o5", "LAMP", 9));
}

Test(sqlite_views, products_summary_adds_up_each_sku)
{
    scenario();
    ProductRow r[4];
    size_t n;
    ErrBuf err;
    ViewPage pg = {.limit = 4};
    cr_assert_eq(views_products(v, false, &pg, NULL, r, &n, &err), ALLOT_OK);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(r[0].sku, "DESK");
    cr_assert_eq(r[0].nbatches, 1);
    cr_assert_eq(r[0].qty, 2);
    cr_assert_eq(r[0].allocated, 2);
    cr_assert_eq(r[0].available, 0);
    cr_assert_eq(r[0].backorder_lines, 1);
    cr_assert_eq(r[0].backorder_qty, 1);
    cr_assert_eq(r[0].next_eta, day("2027-01-20"));
    cr_assert_str_eq(r[1].sku, "LAMP");
    cr_assert_eq(r[1].nbatches, 3);
    cr_assert_eq(r[1].qty, 20);
    cr_assert_eq(r[1].allocated, 13);
    cr_assert_eq(r[1].available, 7);
    cr_assert_eq(r[1].backorder_lines, 1);
    cr_assert_eq(r[1].backorder_qty, 9);
    cr_assert_eq(r[1].next_eta, day("2027-01-10"));

    must(command_cancel_line("o4", "DESK"));
    cr_assert_eq(views_products(v, true, &pg, NULL, r, &n, &err), ALLOT_OK);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(r[0].sku, "LAMP");
    pg.filter = "es";
    cr_assert_eq(views_products(v, false, &pg, NULL, r, &n, &err), ALLOT_OK);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(r[0].sku, "DESK");
}

Test(sqlite_views, batches_of_a_sku_come_in_preference_order)
{
    scenario();
    BatchRow r[8];
    size_t n;
    ErrBuf err;
    ViewPage pg = {.limit = 8};
    cr_assert_eq(views_batches(v, "LAMP", BATCH_ORDER_PREFERENCE, &pg, NULL, r, &n, &err),
                 ALLOT_OK);
    cr_assert_eq(n, 3);
    cr_assert_str_eq(r[0].ref, "B1");
    cr_assert_str_eq(r[1].ref, "B3");
    cr_assert_str_eq(r[2].ref, "B2");
    cr_assert_eq(r[0].allocated, 10);
    cr_assert_eq(r[0].available, 0);
    cr_assert_eq(r[0].nlines, 2);
    cr_assert_eq(r[0].eta, ALLOT_NO_ETA);
    cr_assert_eq(r[1].allocated, 3);
    cr_assert_eq(r[1].nlines, 1);
    cr_assert_eq(r[1].eta, day("2027-01-10"));
    cr_assert_str_eq(r[1].sku, "LAMP");

    cr_assert_eq(views_batches(v, NULL, BATCH_ORDER_REF, &pg, NULL, r, &n, &err), ALLOT_OK);
    cr_assert_eq(n, 4);
    cr_assert_str_eq(r[0].ref, "B1");
    cr_assert_str_eq(r[3].ref, "D1");
    cr_assert_eq(views_batches(v, NULL, BATCH_ORDER_ETA, &pg, NULL, r, &n, &err), ALLOT_OK);
    cr_assert_str_eq(r[0].ref, "B1");
    cr_assert_str_eq(r[1].ref, "B3");
    cr_assert_str_eq(r[2].ref, "D1");
    cr_assert_str_eq(r[3].ref, "B2");
    cr_assert_eq(views_batches(v, NULL, BATCH_ORDER_PREFERENCE, &pg, NULL, r, &n, &err), ALLOT_OK);
    cr_assert_str_eq(r[0].ref, "D1");
    cr_assert_str_eq(r[1].ref, "B1");
    cr_assert_eq(views_batches(v, "NOPE", BATCH_ORDER_PREFERENCE, &pg, NULL, r, &n, &err),
                 ALLOT_OK);
    cr_assert_eq(n, 0);
}

Test(sqlite_views, lines_of_a_batch_come_oldest_first)
{
    scenario();
    LineRow r[4];
    size_t n;
    ErrBuf err;
    ViewPage pg = {.limit = 4};
    cr_assert_eq(views_batch_lines(v, "B1", &pg, NULL, r, &n, &err), ALLOT_OK);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(r[0].orderid, "o1");
    cr_assert_str_eq(r[1].orderid, "o2");
    cr_assert_str_eq(r[0].batchref, "B1");
    cr_assert_str_eq(r[0].sku, "LAMP");
    cr_assert_eq(r[0].qty, 4);
    cr_assert(r[0].seq < r[1].seq);
    pg.filter = "2";
    cr_assert_eq(views_batch_lines(v, "B1", &pg, NULL, r, &n, &err), ALLOT_OK);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(r[0].orderid, "o2");
}

Test(sqlite_views, allocations_of_an_order_span_its_skus)
{
    scenario();
    LineRow r[4];
    size_t n;
    ErrBuf err;
    ViewPage pg = {.limit = 4};
    cr_assert_eq(views_order_lines(v, "o1", &pg, NULL, r, &n, &err), ALLOT_OK);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(r[0].sku, "DESK");
    cr_assert_str_eq(r[0].batchref, "D1");
    cr_assert_eq(r[0].eta, day("2027-01-20"));
    cr_assert_str_eq(r[1].sku, "LAMP");
    cr_assert_str_eq(r[1].batchref, "B1");
    cr_assert_eq(views_order_lines(v, "o5", &pg, NULL, r, &n, &err), ALLOT_OK);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(r[0].batchref, "");
    cr_assert_eq(r[0].eta, ALLOT_NO_ETA);
}

Test(sqlite_views, backorders_come_oldest_first)
{
    scenario();
    must(command_allocate("o6", "LAMP", 50));
    LineRow r[4];
    size_t n;
    ErrBuf err;
    ViewPage pg = {.limit = 4};
    cr_assert_eq(views_backorders(v, NULL, &pg, NULL, r, &n, &err), ALLOT_OK);
    cr_assert_eq(n, 3);
    cr_assert_str_eq(r[0].orderid, "o4");
    cr_assert_str_eq(r[1].orderid, "o5");
    cr_assert_str_eq(r[2].orderid, "o6");
    cr_assert_eq(views_backorders(v, "LAMP", &pg, NULL, r, &n, &err), ALLOT_OK);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(r[0].orderid, "o5");
    cr_assert_str_eq(r[1].orderid, "o6");
    /* stock arrives: the oldest backorder is served first */
    must(command_change_batch_qty("B2", 14));
    cr_assert_eq(views_backorders(v, "LAMP", &pg, NULL, r, &n, &err), ALLOT_OK);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(r[0].orderid, "o6");
}

Test(sqlite_views, events_page_from_an_id_and_the_latest_id_moves)
{
    scenario();
    ErrBuf err;
    int64_t latest;
    cr_assert_eq(views_latest_event_id(v, &latest, &err), ALLOT_OK);
    cr_assert_eq(latest, 10);
    EventRow r[16];
    size_t n;
    ViewPage pg = {.limit = 3};
    cr_assert_eq(views_events(v, 4, &pg, r, &n, &err), ALLOT_OK);
    cr_assert_eq(n, 3);
    cr_assert_eq(r[0].id, 5);
    cr_assert_eq(r[0].ev.type, EV_ALLOCATED);
    cr_assert_str_eq(r[0].ev.orderid, "o1");
    cr_assert_str_eq(r[0].ev.batchref, "B1");
    cr_assert_eq(r[0].at, 1796000000);
    pg.backward = true;
    cr_assert_eq(views_events(v, 0, &pg, r, &n, &err), ALLOT_OK);
    cr_assert_eq(n, 3);
    cr_assert_eq(r[0].id, 8);
    cr_assert_eq(r[2].id, 10);
    cr_assert_eq(r[2].ev.type, EV_OUT_OF_STOCK);
    pg = (ViewPage){.limit = 16, .filter = "outofstock"};
    cr_assert_eq(views_events(v, 0, &pg, r, &n, &err), ALLOT_OK);
    cr_assert_eq(n, 2);
    must(command_change_batch_eta("B2", ALLOT_NO_ETA));
    cr_assert_eq(views_latest_event_id(v, &latest, &err), ALLOT_OK);
    pg = (ViewPage){.limit = 16};
    cr_assert_eq(views_events(v, 10, &pg, r, &n, &err), ALLOT_OK);
    cr_assert_eq(r[0].ev.type, EV_BATCH_ETA_CHANGED);
    cr_assert_eq(r[0].ev.old_eta, day("2027-02-01"));
    cr_assert_eq(r[0].ev.new_eta, ALLOT_NO_ETA);
    cr_assert_eq(r[n - 1].id, latest);
}

Test(sqlite_views, shipments_due_between_two_dates)
{
    scenario();
    BatchRow r[4];
    size_t n;
    ErrBuf err;
    ViewPage pg = {.limit = 4};
    cr_assert_eq(views_shipments_due(v, day("2027-01-01"), day("2027-01-31"), &pg, NULL, r, &n,
                                     &err),
                 ALLOT_OK);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(r[0].ref, "B3");
    cr_assert_str_eq(r[1].ref, "D1");
    cr_assert_eq(views_shipments_due(v, ALLOT_NO_ETA, day("2027-01-15"), &pg, NULL, r, &n, &err),
                 ALLOT_OK);
    cr_assert_eq(n, 1, "a batch in the warehouse is not a shipment");
}

Test(sqlite_views, completes_prefixes_of_skus_refs_and_orderids)
{
    scenario();
    must(command_create_batch("B10", "LAMPSHADE", 1, ALLOT_NO_ETA));
    AllotId out[8];
    size_t n;
    ErrBuf err;
    cr_assert_eq(views_complete(v, COMPLETE_SKU, "LA", 8, out, &n, &err), ALLOT_OK);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(out[0], "LAMP");
    cr_assert_str_eq(out[1], "LAMPSHADE");
    cr_assert_eq(views_complete(v, COMPLETE_REF, "B1", 8, out, &n, &err), ALLOT_OK);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(out[1], "B10");
    cr_assert_eq(views_complete(v, COMPLETE_ORDERID, "o", 8, out, &n, &err), ALLOT_OK);
    cr_assert_eq(n, 5, "o1 is on two SKUs but completes once");
    cr_assert_eq(views_complete(v, COMPLETE_REF, "", 2, out, &n, &err), ALLOT_OK);
    cr_assert_eq(n, 2);
    cr_assert_eq(views_complete(v, COMPLETE_SKU, "Z", 8, out, &n, &err), ALLOT_OK);
    cr_assert_eq(n, 0);
}

Test(sqlite_views, keyset_pages_forward_and_backward_cover_the_list_once)
{
    char ref[16], sku[16];
    for (int i = 0; i < 23; i++) {
        snprintf(ref, sizeof ref, "R%02d", i);
        snprintf(sku, sizeof sku, "S%d", i % 4);
        must(command_create_batch(ref, sku, i, i % 3 ? day("2027-01-01") + i % 5 : ALLOT_NO_ETA));
    }
    for (int order = BATCH_ORDER_PREFERENCE; order <= BATCH_ORDER_ETA; order++) {
        BatchRow all[32], page[5];
        size_t nall, n;
        ErrBuf err;
        ViewPage big = {.limit = 32};
        cr_assert_eq(views_batches(v, NULL, order, &big, NULL, all, &nall, &err), ALLOT_OK);
        cr_assert_eq(nall, 23);
        ViewPage pg = {.limit = 5};
        size_t at = 0;
        const BatchRow *after = NULL;
        BatchRow last;
        do {
            cr_assert_eq(views_batches(v, NULL, order, &pg, after, page, &n, &err), ALLOT_OK);
            for (size_t i = 0; i < n; i++)
                cr_assert_str_eq(page[i].ref, all[at + i].ref, "order %d row %zu", order, at + i);
            at += n;
            if (n) {
                last = page[n - 1];
                after = &last;
            }
        } while (n == pg.limit);
        cr_assert_eq(at, 23);
        /* backward from the end */
        pg.backward = true;
        after = NULL;
        size_t end = nall;
        BatchRow first;
        do {
            cr_assert_eq(views_batches(v, NULL, order, &pg, after, page, &n, &err), ALLOT_OK);
            for (size_t i = 0; i < n; i++)
                cr_assert_str_eq(page[i].ref, all[end - n + i].ref, "backward order %d", order);
            end -= n;
            if (n) {
                first = page[0];
                after = &first;
            }
        } while (n == pg.limit);
        cr_assert_eq(end, 0);
    }
}

/* ---------- the random walk ---------- */

static int cmp_pref(const void *a, const void *b)
{
    const Batch *x = *(const Batch *const *)a, *y = *(const Batch *const *)b;
    return batch_is_preferred(x, y) ? -1 : batch_is_preferred(y, x) ? 1 : 0;
}

static int cmp_line_seq(const void *a, const void *b)
{
    uint64_t x = (*(const OrderLine *const *)a)->seq, y = (*(const OrderLine *const *)b)->seq;
    return (x > y) - (x < y);
}

/* The views of `sv` against the products committed in the reference store `mem`. */
static void check_views_agree(UnitOfWork *mem)
{
    ErrBuf err = {{0}};
    size_t np = memory_uow_product_count(mem);
    ProductRow prow[16];
    size_t n;
    ViewPage pg = {.limit = 16};
    size_t nprow;
    cr_assert_eq(views_products(v, false, &pg, NULL, prow, &nprow, &err), ALLOT_OK);
    cr_assert_eq(nprow, np);
    size_t total_backorders = 0;
    for (size_t i = 0; i < nprow; i++) {
        const Product *p = NULL;
        for (size_t k = 0; k < np; k++)
            if (strcmp(product_sku(memory_uow_product(mem, k)), prow[i].sku) == 0)
                p = memory_uow_product(mem, k);
        cr_assert_not_null(p, "%s", prow[i].sku);
        size_t nb = product_batch_count(p), nl = product_line_count(p);
        int64_t qty = 0, alloc = 0, bol = 0, boq = 0;
        int32_t next = ALLOT_NO_ETA;
        const Batch *sorted[32];
        for (size_t b = 0; b < nb; b++) {
            const Batch *bt = product_batch(p, b);
            sorted[b] = bt;
            qty += bt->qty;
            alloc += bt->allocated;
            if (bt->eta != ALLOT_NO_ETA && (next == ALLOT_NO_ETA || bt->eta < next))
                next = bt->eta;
        }
        const OrderLine *bo[64];
        for (size_t l = 0; l < nl; l++) {
            const OrderLine *ol = product_line(p, l);
            if (ol->batch < 0) {
                bo[bol++] = ol;
                boq += ol->qty;
            }
        }
        cr_assert_eq(prow[i].nbatches, (int64_t)nb, "%s", prow[i].sku);
        cr_assert_eq(prow[i].qty, qty);
        cr_assert_eq(prow[i].allocated, alloc, "%s", prow[i].sku);
        cr_assert_eq(prow[i].backorder_lines, bol, "%s", prow[i].sku);
        cr_assert_eq(prow[i].backorder_qty, boq);
        cr_assert_eq(prow[i].next_eta, next);
        total_backorders += (size_t)bol;

        /* batches in preference order, each with its lines oldest first */
        qsort(sorted, nb, sizeof *sorted, cmp_pref);
        BatchRow brow[32];
        ViewPage bp = {.limit = 32};
        cr_assert_eq(views_batches(v, prow[i].sku, BATCH_ORDER_PREFERENCE, &bp, NULL, brow, &n,
                                   &err),
                     ALLOT_OK);
        cr_assert_eq(n, nb);
        for (size_t b = 0; b < nb; b++) {
            cr_assert_str_eq(brow[b].ref, sorted[b]->ref);
            cr_assert_eq(brow[b].qty, sorted[b]->qty);
            cr_assert_eq(brow[b].eta, sorted[b]->eta);
            cr_assert_eq(brow[b].allocated, sorted[b]->allocated, "%s", brow[b].ref);
            const OrderLine *on[64];
            size_t non = 0;
            int32_t bi = (int32_t)(sorted[b] - product_batch(p, 0));
            for (size_t l = 0; l < nl; l++)
                if (product_line(p, l)->batch == bi)
                    on[non++] = product_line(p, l);
            qsort(on, non, sizeof *on, cmp_line_seq);
            cr_assert_eq(brow[b].nlines, (int64_t)non, "%s", brow[b].ref);
            LineRow lrow[64];
            ViewPage lp = {.limit = 64};
            cr_assert_eq(views_batch_lines(v, brow[b].ref, &lp, NULL, lrow, &n, &err), ALLOT_OK);
            cr_assert_eq(n, non);
            for (size_t l = 0; l < non; l++) {
                cr_assert_str_eq(lrow[l].orderid, on[l]->orderid);
                cr_assert_eq(lrow[l].qty, on[l]->qty);
                cr_assert_eq(lrow[l].seq, on[l]->seq);
            }
        }
        /* backorders of the SKU, oldest first */
        qsort(bo, (size_t)bol, sizeof *bo, cmp_line_seq);
        LineRow lrow[64];
        ViewPage lp = {.limit = 64};
        cr_assert_eq(views_backorders(v, prow[i].sku, &lp, NULL, lrow, &n, &err), ALLOT_OK);
        cr_assert_eq(n, (size_t)bol);
        for (size_t l = 0; l < n; l++) {
            cr_assert_str_eq(lrow[l].orderid, bo[l]->orderid);
            cr_assert_str_eq(lrow[l].batchref, "");
        }
        /* every line's order view shows the same place */
        for (size_t l = 0; l < nl; l++) {
            const OrderLine *ol = product_line(p, l);
            LineRow orow[8];
            ViewPage op = {.limit = 8};
            cr_assert_eq(views_order_lines(v, ol->orderid, &op, NULL, orow, &n, &err), ALLOT_OK);
            bool found = false;
            for (size_t k = 0; k < n; k++)
                if (strcmp(orow[k].sku, product_sku(p)) == 0) {
                    found = true;
                    cr_assert_str_eq(orow[k].batchref, product_line_batchref(p, ol));
                }
            cr_assert(found, "%s/%s missing from its order", ol->orderid, product_sku(p));
        }
    }
    LineRow all[256];
    ViewPage ap = {.limit = 256};
    cr_assert_eq(views_backorders(v, NULL, &ap, NULL, all, &n, &err), ALLOT_OK);
    cr_assert_eq(n, total_backorders);

    /* the event log equals the reference store's */
    const EventVec *log = memory_uow_event_log(mem);
    static EventRow ev[4096];
    ViewPage ep = {.limit = 4096};
    cr_assert_eq(views_events(v, 0, &ep, ev, &n, &err), ALLOT_OK);
    cr_assert_eq(n, log->len);
    for (size_t i = 0; i < n; i++) {
        const Event *a = &ev[i].ev, *b = &log->items[i];
        cr_assert_eq(a->type, b->type, "event %zu", i);
        cr_assert_str_eq(a->orderid, b->orderid);
        cr_assert_str_eq(a->sku, b->sku);
        cr_assert_str_eq(a->batchref, b->batchref);
        cr_assert_str_eq(a->to, b->to);
        if (a->type != EV_BATCH_QTY_CHANGED && a->type != EV_BATCH_ETA_CHANGED)
            cr_assert_eq(a->qty, b->qty);
    }
}

static Command random_command(unsigned *rng)
{
    static const char *const skus[] = {"RED", "GREEN", "BLUE"};
    char ref[16], oid[16];
    snprintf(ref, sizeof ref, "b%u", (unsigned)rand_r(rng) % 9);
    snprintf(oid, sizeof oid, "o%u", (unsigned)rand_r(rng) % 30);
    const char *sku = skus[rand_r(rng) % 3];
    int32_t eta = rand_r(rng) % 3 ? 20000 + rand_r(rng) % 6 : ALLOT_NO_ETA;
    switch (rand_r(rng) % 10) {
    case 0: return command_create_batch(ref, sku, rand_r(rng) % 12, eta);
    case 1: return command_change_batch_qty(ref, rand_r(rng) % 14);
    case 2: return command_change_batch_eta(ref, eta);
    case 3: return command_cancel_line(oid, sku);
    case 4: return command_allocate_to(oid, sku, 1 + rand_r(rng) % 4, ref);
    default: return command_allocate(oid, sku, 1 + rand_r(rng) % 4);
    }
}

static void random_walk(void)
{
    UnitOfWork *mem = memory_uow_new();
    MessageBus *mbus = bootstrap(mem, NULL, &fclock.base, NULL);
    unsigned rng = 12345;
    for (int step = 0; step < 600; step++) {
        bool bulk = step % 100 >= 60 && step % 100 < 80; /* some steps inside bulk work */
        ErrBuf err = {{0}}, merr = {{0}};
        if (step % 100 == 60) {
            cr_assert_eq(uow_bulk_begin(uow, &err), ALLOT_OK);
            cr_assert_eq(uow_bulk_begin(mem, &merr), ALLOT_OK);
        }
        Command c = random_command(&rng);
        AllotStatus a = bus_handle(bus, &c, NULL, &err);
        AllotStatus b = bus_handle(mbus, &c, NULL, &merr);
        cr_assert_eq(a, b, "step %d %s: sqlite %s (%s), memory %s (%s)", step,
                     command_type_name(c.type), allot_status_name(a), err.msg,
                     allot_status_name(b), merr.msg);
        if (bulk && a != ALLOT_OK) {
            /* a refused step poisons bulk work in both stores; start it again */
            cr_assert_eq(uow_bulk_end(uow, false, &err), ALLOT_OK);
            cr_assert_eq(uow_bulk_end(mem, false, &merr), ALLOT_OK);
            cr_assert_eq(uow_bulk_begin(uow, &err), ALLOT_OK);
            cr_assert_eq(uow_bulk_begin(mem, &merr), ALLOT_OK);
        }
        if (step % 100 == 79) {
            cr_assert_eq(uow_bulk_end(uow, true, &err), ALLOT_OK, "%s", err.msg);
            cr_assert_eq(uow_bulk_end(mem, true, &merr), ALLOT_OK);
        }
        if (!bulk || step % 100 == 79)
            check_views_agree(mem);
    }
    bus_free(mbus);
    uow_free(mem);
}

Test(sqlite_views, random_command_sequences_keep_the_views_equal_to_the_aggregates)
{
    random_walk();
}

Test(sqlite_views, the_views_stay_equal_when_the_cache_is_emptied_and_bulk_work_written_early)
{
    sqlite_uow_set_cache_limits(uow, 1, 4, 3);
    random_walk();
}

Test(sqlite_views, a_reader_on_its_own_connection_sees_each_commit_at_its_next_query)
{
    Views *reader = NULL;
    ErrBuf err = {{0}};
    cr_assert_eq(sqlite_views_open(db.path, &reader, &err), ALLOT_OK, "%s", err.msg);
    int64_t id;
    cr_assert_eq(views_latest_event_id(reader, &id, &err), ALLOT_OK);
    cr_assert_eq(id, 0);
    must(command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA));
    cr_assert_eq(views_latest_event_id(reader, &id, &err), ALLOT_OK);
    cr_assert_eq(id, 1);
    must(command_allocate("o1", "LAMP", 2));
    EventRow r[4];
    size_t n;
    ViewPage pg = {.limit = 4};
    cr_assert_eq(views_events(reader, id, &pg, r, &n, &err), ALLOT_OK);
    cr_assert_eq(n, 1);
    cr_assert_eq(r[0].ev.type, EV_ALLOCATED);
    views_free(reader);
}

Test(sqlite_views, a_filter_matches_percent_and_underscore_literally)
{
    must(command_create_batch("B_1", "A%B", 1, ALLOT_NO_ETA));
    must(command_create_batch("BX1", "AXB", 1, ALLOT_NO_ETA));
    ProductRow p[4];
    BatchRow b[4];
    size_t n;
    ErrBuf err;
    ViewPage pg = {.limit = 4, .filter = "%"};
    cr_assert_eq(views_products(v, false, &pg, NULL, p, &n, &err), ALLOT_OK);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(p[0].sku, "A%B");
    pg.filter = "b_";
    cr_assert_eq(views_batches(v, NULL, BATCH_ORDER_REF, &pg, NULL, b, &n, &err), ALLOT_OK);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(b[0].ref, "B_1");
}

Test(sqlite_views, a_missing_database_is_a_storage_error_for_a_reader)
{
    char path[400];
    snprintf(path, sizeof path, "%s/none/such.db", db.dir);
    Views *reader = NULL;
    ErrBuf err = {{0}};
    cr_assert_eq(sqlite_views_open(path, &reader, &err), ALLOT_ESTORAGE);
    cr_assert_null(reader);
    cr_assert(strstr(err.msg, path), "%s", err.msg);
}

Test(sqlite_views, all_lines_come_by_orderid_then_sku_in_pages)
{
    scenario();
    LineRow all[8], page[2];
    size_t nall, n;
    ErrBuf err;
    ViewPage big = {.limit = 8};
    cr_assert_eq(views_lines(v, LINES_ALL, &big, NULL, all, &nall, &err), ALLOT_OK);
    cr_assert_eq(nall, 6);
    static const char *const want[][2] = {{"o1", "DESK"}, {"o1", "LAMP"}, {"o2", "LAMP"},
                                          {"o3", "LAMP"}, {"o4", "DESK"}, {"o5", "LAMP"}};
    for (size_t i = 0; i < nall; i++) {
        cr_assert_str_eq(all[i].orderid, want[i][0]);
        cr_assert_str_eq(all[i].sku, want[i][1]);
    }
    ViewPage pg = {.limit = 2};
    const LineRow *after = NULL;
    LineRow last;
    size_t at = 0;
    do {
        cr_assert_eq(views_lines(v, LINES_ALL, &pg, after, page, &n, &err), ALLOT_OK);
        for (size_t i = 0; i < n; i++) {
            cr_assert_str_eq(page[i].orderid, all[at + i].orderid);
            cr_assert_str_eq(page[i].sku, all[at + i].sku);
        }
        at += n;
        if (n)
            last = page[n - 1], after = &last;
    } while (n == pg.limit);
    cr_assert_eq(at, nall);
    pg.backward = true;
    cr_assert_eq(views_lines(v, LINES_ALL, &pg, &all[2], page, &n, &err), ALLOT_OK);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(page[0].sku, "DESK");
    cr_assert_str_eq(page[1].sku, "LAMP");
    cr_assert_str_eq(page[1].orderid, "o1");
    cr_assert_eq(views_lines(v, LINES_BACKORDERED, &big, NULL, all, &n, &err), ALLOT_OK);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(all[0].orderid, "o4");
    cr_assert_eq(views_lines(v, LINES_ALLOCATED, &big, NULL, all, &n, &err), ALLOT_OK);
    cr_assert_eq(n, 4);
}

static void must_need(const char *orderid, const char *sku, int64_t qty, const char *need)
{
    must(command_with_need(command_allocate(orderid, sku, qty), need ? day(need) : ALLOT_NO_DATE,
                           0));
}

/* LAMP: B1 (warehouse, 2), B3 (2027-01-10, 5), B2 (2027-02-01, 5); DESK: D1
 * (2027-01-20, 2).  Lines with need dates: o1 LAMP → B1, o2 LAMP → B3, o3 LAMP → B2,
 * o4, o5, o6 LAMP wait, o1 DESK → D1. */
static void late_scenario(void)
{
    must(command_create_batch("B1", "LAMP", 2, ALLOT_NO_ETA));
    must(command_create_batch("B3", "LAMP", 5, day("2027-01-10")));
    must(command_create_batch("B2", "LAMP", 5, day("2027-02-01")));
    must(command_create_batch("D1", "DESK", 2, day("2027-01-20")));
    must_need("o1", "LAMP", 2, "2027-01-05");
    must_need("o2", "LAMP", 5, "2027-01-12");
    must_need("o3", "LAMP", 5, "2027-01-20");
    must_need("o4", "LAMP", 1, "2027-01-01");
    must_need("o5", "LAMP", 1, "2027-01-30");
    must_need("o6", "LAMP", 1, NULL);
    must_need("o1", "DESK", 2, "2027-01-20");
}

Test(sqlite_views, late_lines_come_worst_first_with_their_promised_dates_on_the_day_asked)
{
    late_scenario();
    ErrBuf err = {{0}};
    LineRow r[8];
    size_t n = 0;
    ViewPage pg = {.limit = 8};
    int32_t today = day("2027-01-15");
    cr_assert_eq(views_late_lines(v, today, &pg, NULL, r, &n, &err), ALLOT_OK, "%s", err.msg);
    /* o4 waits since 01-01: 14 days; o3 on B2 (02-01) needed 01-20: 12; o1 in the
     * warehouse, promised today, needed 01-05: 10; o2 on the overdue B3, promised
     * today, needed 01-12: 3.  o5 is at risk, o6 has no need date, o1 DESK is on
     * time: none of them is late. */
    const char *const order[] = {"o4", "o3", "o1", "o2"};
    const int64_t late[] = {14, 12, 10, 3};
    const int32_t promised[] = {ALLOT_NO_DATE, day("2027-02-01"), today, today};
    cr_assert_eq(n, 4);
    for (size_t i = 0; i < 4; i++) {
        cr_assert_str_eq(r[i].orderid, order[i], "row %zu", i);
        cr_assert_eq(r[i].late, late[i], "%s", order[i]);
        cr_assert_eq(r[i].promised, promised[i], "%s", order[i]);
        cr_assert_eq(r[i].at_risk, 0, "%s", order[i]);
        LineLateness l = line_row_lateness(&r[i], today);
        cr_assert_eq(l.late, r[i].late, "%s: the row agrees with lateness.h", order[i]);
    }
    /* keyset pages of one */
    pg.limit = 1;
    LineRow one;
    for (size_t i = 0; i < 4; i++) {
        cr_assert_eq(views_late_lines(v, today, &pg, i ? &r[i - 1] : NULL, &one, &n, &err),
                     ALLOT_OK);
        cr_assert_eq(n, 1);
        cr_assert_str_eq(one.orderid, order[i]);
    }
    cr_assert_eq(views_late_lines(v, today, &pg, &r[3], &one, &n, &err), ALLOT_OK);
    cr_assert_eq(n, 0);
    /* another day, other answers: on 2027-01-10 B3 is due today, so o2 is on time */
    pg.limit = 8;
    cr_assert_eq(views_late_lines(v, day("2027-01-10"), &pg, NULL, r, &n, &err), ALLOT_OK);
    cr_assert_eq(n, 3);
    cr_assert_str_eq(r[0].orderid, "o3");
    cr_assert_eq(r[0].late, 12);
    cr_assert_str_eq(r[1].orderid, "o4");
    cr_assert_eq(r[1].late, 9);
    cr_assert_str_eq(r[2].orderid, "o1");
    cr_assert_eq(r[2].late, 5);
}

Test(sqlite_views, every_line_list_carries_lateness_for_the_page_s_day)
{
    late_scenario();
    ErrBuf err = {{0}};
    LineRow r[8];
    size_t n = 0;
    ViewPage pg = {.limit = 8, .today = day("2027-01-15")};
    cr_assert_eq(views_backorders(v, "LAMP", &pg, NULL, r, &n, &err), ALLOT_OK);
    cr_assert_eq(n, 3);
    cr_assert_str_eq(r[0].orderid, "o4");
    cr_assert_eq(r[0].late, 14);
    cr_assert_str_eq(r[1].orderid, "o5");
    cr_assert_eq(r[1].late, 0);
    cr_assert_eq(r[1].at_risk, 1, "a backorder needed after today is at risk");
    cr_assert_eq(r[1].promised, ALLOT_NO_DATE);
    cr_assert_str_eq(r[2].orderid, "o6");
    cr_assert_eq(r[2].at_risk, 0, "no need date: never at risk");
    cr_assert_eq(r[2].need, ALLOT_NO_DATE);
    cr_assert_eq(views_order_lines(v, "o1", &pg, NULL, r, &n, &err), ALLOT_OK);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(r[0].sku, "DESK");
    cr_assert_eq(r[0].promised, day("2027-01-20"));
    cr_assert_eq(r[0].late, 0);
    cr_assert_str_eq(r[1].sku, "LAMP");
    cr_assert_eq(r[1].promised, day("2027-01-15"));
    cr_assert_eq(r[1].late, 10);
}
