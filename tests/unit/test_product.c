/* Domain rules of SPEC.md §1.1–§1.2 on the Product aggregate (no bus, no storage). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "domain/product.h"
#include "event_text.h"

static Product *p;
static ErrBuf err;
static char buf[8192];

static void setup(void)
{
    p = product_new("LAMP");
    memset(&err, 0, sizeof err);
}

static void teardown(void)
{
    if (p) {
        ErrBuf e2;
        cr_expect_eq(product_check_invariants(p, &e2), ALLOT_OK, "%s", e2.msg);
    }
    product_free(p);
}

TestSuite(product, .init = setup, .fini = teardown);

static int32_t day(const char *text)
{
    int32_t d;
    cr_assert_eq(validate_eta(text, &d, &err), ALLOT_OK, "%s", err.msg);
    return d;
}

static void batch(const char *ref, int64_t qty, const char *eta)
{
    cr_assert_eq(product_add_batch(p, ref, qty, day(eta), &err), ALLOT_OK, "%s", err.msg);
}

static const char *alloc(const char *orderid, int64_t qty)
{
    static AllotId ref;
    cr_assert_eq(product_allocate(p, orderid, qty, ALLOT_NO_DATE, 0, ref, &err), ALLOT_OK, "%s", err.msg);
    return ref;
}

static const char *place(const char *orderid)
{
    const OrderLine *l = product_find_line(p, orderid);
    cr_assert_not_null(l, "line %s is missing", orderid);
    return product_line_batchref(p, l);
}

/* The pending events as text, then cleared. */
static const char *events(void)
{
    EventVec v;
    event_vec_init(&v);
    product_take_events(p, &v);
    events_text(&v, 0, buf, sizeof buf);
    event_vec_fini(&v);
    return buf;
}

static const char *state(void) { return product_text(p, buf, sizeof buf); }

/* ---- §1.1 preference ---- */

Test(product, prefers_in_warehouse_batches_to_shipments)
{
    batch("SHIP", 10, "2027-01-01");
    batch("WH", 10, "-");
    cr_assert_str_eq(alloc("o1", 3), "WH");
}

Test(product, prefers_earlier_etas)
{
    batch("LATE", 10, "2027-03-01");
    batch("SOON", 10, "2027-01-01");
    batch("MID", 10, "2027-02-01");
    cr_assert_str_eq(alloc("o1", 3), "SOON");
}

Test(product, equal_etas_go_to_the_batch_created_first)
{
    batch("FIRST", 10, "2027-01-01");
    batch("SECOND", 10, "2027-01-01");
    cr_assert_str_eq(alloc("o1", 3), "FIRST");
    product_free(p);
    p = product_new("LAMP");
    batch("W1", 10, "-");
    batch("W2", 10, "-");
    cr_assert_str_eq(alloc("o1", 3), "W1");
}

Test(product, batch_is_preferred_orders_warehouse_then_eta_then_creation)
{
    Batch wh = {.eta = ALLOT_NO_ETA, .seq = 9};
    Batch early = {.eta = 100, .seq = 1};
    Batch late = {.eta = 200, .seq = 2};
    Batch late_newer = {.eta = 200, .seq = 3};
    cr_assert(batch_is_preferred(&wh, &early));
    cr_assert_not(batch_is_preferred(&early, &wh));
    cr_assert(batch_is_preferred(&early, &late));
    cr_assert(batch_is_preferred(&late, &late_newer));
    cr_assert_not(batch_is_preferred(&late_newer, &late));
    cr_assert_not(batch_is_preferred(&late, &late));
}

Test(product, a_line_goes_to_the_most_preferred_batch_that_has_room)
{
    batch("WH", 5, "-");
    batch("SHIP", 10, "2027-01-01");
    cr_assert_str_eq(alloc("o1", 4), "WH");
    cr_assert_str_eq(alloc("o2", 4), "SHIP");
    cr_assert_str_eq(alloc("o3", 1), "WH");
}

/* ---- rule 1: Allocate ---- */

Test(product, allocate_returns_the_batch_reference)
{
    batch("B1", 10, "-");
    cr_assert_str_eq(alloc("o1", 3), "B1");
    cr_assert_str_eq(place("o1"), "B1");
    cr_assert_eq(product_find_batch(p, "B1")->allocated, 3);
}

Test(product, allocating_raises_an_allocated_event)
{
    batch("B1", 10, "-");
    events();
    alloc("o1", 3);
    cr_assert_str_eq(events(), "Allocated o1 3 B1");
    const EventVec *v = product_events(p);
    cr_assert_eq(v->len, 0);
}

Test(product, allocated_events_carry_the_sku)
{
    batch("B1", 10, "-");
    alloc("o1", 3);
    const EventVec *v = product_events(p);
    cr_assert_str_eq(v->items[v->len - 1].sku, "LAMP");
    cr_assert_str_eq(v->items[v->len - 1].orderid, "o1");
}

Test(product, a_line_that_fits_nowhere_raises_out_of_stock_and_becomes_a_backorder)
{
    batch("B1", 2, "-");
    events();
    cr_assert_str_eq(alloc("o1", 3), "");
    cr_assert_str_eq(events(), "OutOfStock o1 3");
    cr_assert_str_eq(place("o1"), "");
    cr_assert_eq(product_find_line(p, "o1")->batch, -1);
    cr_assert_eq(product_find_batch(p, "B1")->allocated, 0);
}

Test(product, a_product_without_batches_backorders_every_line)
{
    cr_assert_str_eq(alloc("o1", 1), "");
    cr_assert_str_eq(events(), "OutOfStock o1 1");
}

Test(product, allocating_the_same_line_twice_is_a_no_op)
{
    batch("B1", 10, "-");
    alloc("o1", 3);
    events();
    int64_t v = product_version(p);
    cr_assert_str_eq(alloc("o1", 3), "B1", "the no-op still reports where the line is");
    cr_assert_str_eq(events(), "");
    cr_assert_eq(product_version(p), v);
    cr_assert_eq(product_find_batch(p, "B1")->allocated, 3);
    cr_assert_eq(product_line_count(p), 1);
}

Test(product, allocating_a_backordered_line_again_is_a_no_op)
{
    alloc("o1", 3);
    events();
    int64_t v = product_version(p);
    cr_assert_str_eq(alloc("o1", 3), "");
    cr_assert_str_eq(events(), "", "no second OutOfStock");
    cr_assert_eq(product_version(p), v);
}

Test(product, the_same_line_with_another_qty_is_refused_and_nothing_changes)
{
    batch("B1", 10, "-");
    alloc("o1", 3);
    events();
    char before[8192];
    strcpy(before, state());
    AllotId ref;
    cr_assert_eq(product_allocate(p, "o1", 4, ALLOT_NO_DATE, 0, ref, &err), ALLOT_ELINE_QTY_MISMATCH);
    cr_assert(strstr(err.msg, "o1") && strstr(err.msg, "LAMP"), "%s", err.msg);
    cr_assert_str_eq(state(), before);
    cr_assert_str_eq(events(), "");
}

/* ---- rule 7: version ---- */

Test(product, the_version_increments_once_on_every_change)
{
    cr_assert_eq(product_version(p), 0);
    batch("B1", 10, "-");
    cr_assert_eq(product_version(p), 1);
    batch("B2", 10, "2027-01-01");
    cr_assert_eq(product_version(p), 2);
    alloc("o1", 3);
    cr_assert_eq(product_version(p), 3);
    alloc("o2", 30); /* backordered */
    cr_assert_eq(product_version(p), 4);
    cr_assert_eq(product_change_batch_qty(p, "B1", 2, &err), ALLOT_OK);
    cr_assert_eq(product_version(p), 5, "one bump however many lines move");
    cr_assert_eq(product_change_batch_eta(p, "B2", day("2027-02-01"), &err), ALLOT_OK);
    cr_assert_eq(product_version(p), 6);
    cr_assert_eq(product_cancel_line(p, "o2", &err), ALLOT_OK);
    cr_assert_eq(product_version(p), 7);
    cr_assert_eq(product_allocate_to(p, "o3", 1, ALLOT_NO_DATE, 0, "B1", &err), ALLOT_OK);
    cr_assert_eq(product_version(p), 8);
}

Test(product, no_ops_and_refusals_leave_the_version_and_raise_nothing)
{
    batch("B1", 10, "2027-01-01");
    alloc("o1", 3);
    events();
    int64_t v = product_version(p);
    cr_assert_eq(product_change_batch_qty(p, "B1", 10, &err), ALLOT_OK);
    cr_assert_eq(product_change_batch_eta(p, "B1", day("2027-01-01"), &err), ALLOT_OK);
    cr_assert_eq(product_allocate_to(p, "o1", 3, ALLOT_NO_DATE, 0, "B1", &err), ALLOT_OK);
    alloc("o1", 3);
    cr_assert_neq(product_change_batch_qty(p, "NOPE", 1, &err), ALLOT_OK);
    cr_assert_neq(product_change_batch_eta(p, "NOPE", 1, &err), ALLOT_OK);
    cr_assert_neq(product_cancel_line(p, "nobody", &err), ALLOT_OK);
    cr_assert_neq(product_add_batch(p, "B1", 5, ALLOT_NO_ETA, &err), ALLOT_OK);
    cr_assert_eq(product_version(p), v);
    cr_assert_str_eq(events(), "");
}

/* ---- rule 2: CreateBatch ---- */

Test(product, creating_a_batch_raises_batch_created_with_its_qty_and_eta)
{
    batch("B1", 10, "2027-01-01");
    batch("B2", 0, "-");
    cr_assert_str_eq(events(), "BatchCreated B1 10 2027-01-01; BatchCreated B2 0 -");
}

Test(product, a_duplicate_batch_reference_is_refused)
{
    batch("B1", 10, "-");
    cr_assert_eq(product_add_batch(p, "B1", 3, ALLOT_NO_ETA, &err), ALLOT_EDUPLICATE_BATCH);
    cr_assert(strstr(err.msg, "B1"), "%s", err.msg);
    cr_assert_eq(product_batch_count(p), 1);
    cr_assert_eq(product_find_batch(p, "B1")->qty, 10);
}

Test(product, a_new_batch_fills_backorders_oldest_first)
{
    alloc("o1", 4);
    alloc("o2", 4);
    alloc("o3", 4);
    events();
    batch("B1", 8, "2027-01-01");
    cr_assert_str_eq(events(), "BatchCreated B1 8 2027-01-01; Allocated o1 4 B1; Allocated o2 4 B1");
    cr_assert_str_eq(place("o3"), "");
}

Test(product, a_retry_lets_a_younger_smaller_backorder_through_when_the_oldest_does_not_fit)
{
    alloc("big", 9);
    alloc("small", 2);
    events();
    batch("B1", 5, "-");
    cr_assert_str_eq(events(), "BatchCreated B1 5 -; Allocated small 2 B1");
    cr_assert_str_eq(place("big"), "");
}

Test(product, a_retry_that_still_does_not_fit_raises_no_new_out_of_stock)
{
    alloc("o1", 10);
    events();
    batch("B1", 3, "-");
    cr_assert_eq(product_change_batch_qty(p, "B1", 5, &err), ALLOT_OK);
    cr_assert_eq(product_cancel_line(p, "o1", &err), ALLOT_OK);
    cr_assert_str_eq(events(),
                     "BatchCreated B1 3 -; BatchQuantityChanged B1 3>5; OrderLineCancelled o1 10 -");
}

/* ---- rule 3: ChangeBatchQuantity ---- */

Test(product, changing_the_qty_of_an_unknown_batch_is_refused)
{
    cr_assert_eq(product_change_batch_qty(p, "B9", 1, &err), ALLOT_EUNKNOWN_BATCH);
    cr_assert(strstr(err.msg, "B9"), "%s", err.msg);
}

Test(product, reducing_a_batch_deallocates_its_newest_lines_until_available_is_not_negative)
{
    batch("B1", 10, "-");
    alloc("o1", 3);
    alloc("o2", 3);
    alloc("o3", 3);
    events();
    cr_assert_eq(product_change_batch_qty(p, "B1", 5, &err), ALLOT_OK);
    cr_assert_str_eq(place("o1"), "B1");
    cr_assert_str_eq(place("o2"), "");
    cr_assert_str_eq(place("o3"), "");
    cr_assert_eq(product_find_batch(p, "B1")->allocated, 3);
    cr_assert_str_eq(events(),
                     "BatchQuantityChanged B1 10>5; Deallocated o2 3 B1; Deallocated o3 3 B1");
}

Test(product, deallocated_lines_that_find_another_batch_raise_reallocated_from_to)
{
    batch("B1", 10, "-");
    batch("B2", 4, "2027-01-01");
    alloc("o1", 3);
    alloc("o2", 3);
    alloc("o3", 3);
    events();
    cr_assert_eq(product_change_batch_qty(p, "B1", 4, &err), ALLOT_OK);
    /* o3 then o2 removed; retry oldest first: o2 → B2 (room 4), o3 has no room. */
    cr_assert_str_eq(events(), "BatchQuantityChanged B1 10>4; Reallocated o2 3 B1>B2; "
                               "Deallocated o3 3 B1");
    cr_assert_str_eq(place("o2"), "B2");
    cr_assert_str_eq(place("o3"), "");
}

Test(product, a_removed_line_that_fits_back_on_its_own_batch_stays_without_an_event)
{
    batch("B1", 10, "-");
    alloc("o1", 2);
    alloc("o2", 5);
    alloc("o3", 3);
    events();
    /* 10 → 6: o3 (3) then o2 (5) are removed, leaving 2/6; the retry puts o2 (5)
     * nowhere but o3 (3) back on B1. */
    cr_assert_eq(product_change_batch_qty(p, "B1", 6, &err), ALLOT_OK);
    cr_assert_str_eq(events(), "BatchQuantityChanged B1 10>6; Deallocated o2 5 B1");
    cr_assert_str_eq(place("o3"), "B1");
    cr_assert_str_eq(place("o2"), "");
}

Test(product, an_older_backorder_takes_room_freed_by_a_reduction_before_the_removed_line)
{
    /* a stored state: "old" (2) waits, B1 has room 1; "b" (3) is newer, on B1 */
    cr_assert_eq(product_load_batch(p, "B1", 4, ALLOT_NO_ETA, 1, &err), ALLOT_OK);
    cr_assert_eq(product_load_line(p, "old", 2, 2, ALLOT_NO_DATE, 0, NULL, &err), ALLOT_OK);
    cr_assert_eq(product_load_line(p, "b", 3, 3, ALLOT_NO_DATE, 0, "B1", &err), ALLOT_OK);
    /* B1 4 → 2: b is removed; the retry serves old (older, fits) before b, and
     * b's Deallocated comes after the retry's events */
    cr_assert_eq(product_change_batch_qty(p, "B1", 2, &err), ALLOT_OK);
    cr_assert_str_eq(events(), "BatchQuantityChanged B1 4>2; Allocated old 2 B1; Deallocated b 3 B1");
    cr_assert_str_eq(place("old"), "B1");
    cr_assert_str_eq(place("b"), "");
}

Test(product, increasing_a_batch_fills_backorders_oldest_first)
{
    batch("B1", 2, "-");
    alloc("o1", 3);
    alloc("o2", 3);
    alloc("o3", 3);
    events();
    cr_assert_eq(product_change_batch_qty(p, "B1", 8, &err), ALLOT_OK);
    cr_assert_str_eq(events(),
                     "BatchQuantityChanged B1 2>8; Allocated o1 3 B1; Allocated o2 3 B1");
    cr_assert_str_eq(place("o3"), "");
}

Test(product, reducing_a_batch_to_zero_empties_it)
{
    batch("B1", 5, "-");
    alloc("o1", 2);
    alloc("o2", 3);
    events();
    cr_assert_eq(product_change_batch_qty(p, "B1", 0, &err), ALLOT_OK);
    cr_assert_eq(product_find_batch(p, "B1")->allocated, 0);
    cr_assert_str_eq(events(),
                     "BatchQuantityChanged B1 5>0; Deallocated o1 2 B1; Deallocated o2 3 B1");
}

Test(product, a_line_keeps_its_first_request_moment_through_moves)
{
    batch("B1", 6, "-");
    batch("B2", 3, "2027-01-01");
    alloc("o1", 3); /* B1 */
    alloc("o2", 3); /* B1 */
    cr_assert_eq(product_change_batch_qty(p, "B1", 3, &err), ALLOT_OK); /* o2 → B2 */
    cr_assert_str_eq(place("o2"), "B2");
    cr_assert_eq(product_change_batch_qty(p, "B1", 6, &err), ALLOT_OK);
    alloc("o3", 3); /* B1, newer than o2 */
    events();
    cr_assert_eq(product_change_batch_qty(p, "B2", 0, &err), ALLOT_OK);
    cr_assert_eq(product_change_batch_qty(p, "B1", 3, &err), ALLOT_OK);
    /* B1 had o1, o3; o3 is newest and goes, although o2 moved later. */
    cr_assert_str_eq(place("o1"), "B1");
    cr_assert_str_eq(place("o3"), "");
    cr_assert_str_eq(place("o2"), "");
    cr_assert_lt(product_find_line(p, "o2")->seq, product_find_line(p, "o3")->seq);
    cr_assert_eq(product_change_batch_qty(p, "B1", 6, &err), ALLOT_OK);
    cr_assert_str_eq(place("o2"), "B1", "o2 is older than o3, it is served first");
    cr_assert_str_eq(place("o3"), "");
}

/* ---- rule 4: ChangeBatchEta ---- */

Test(product, changing_the_eta_raises_batch_eta_changed_with_old_and_new)
{
    batch("B1", 5, "2027-01-01");
    events();
    cr_assert_eq(product_change_batch_eta(p, "B1", day("2027-02-01"), &err), ALLOT_OK);
    cr_assert_eq(product_change_batch_eta(p, "B1", ALLOT_NO_ETA, &err), ALLOT_OK);
    cr_assert_eq(product_change_batch_eta(p, "B1", day("2027-03-01"), &err), ALLOT_OK);
    cr_assert_str_eq(events(), "BatchEtaChanged B1 2027-01-01>2027-02-01; "
                               "BatchEtaChanged B1 2027-02-01>-; BatchEtaChanged B1 ->2027-03-01");
    cr_assert_eq(product_find_batch(p, "B1")->eta, day("2027-03-01"));
}

Test(product, changing_the_eta_of_an_unknown_batch_is_refused)
{
    cr_assert_eq(product_change_batch_eta(p, "B9", 1, &err), ALLOT_EUNKNOWN_BATCH);
    cr_assert(strstr(err.msg, "B9"), "%s", err.msg);
}

Test(product, a_delayed_batchs_lines_move_oldest_first_to_preferred_batches_with_room)
{
    batch("SHIP", 10, "2027-01-01");
    batch("LATER", 4, "2027-03-01");
    alloc("o1", 3);
    alloc("o2", 3);
    alloc("o3", 3);
    events();
    /* SHIP slips past LATER: LATER (room 4) takes o1, then o2 does not fit. */
    cr_assert_eq(product_change_batch_eta(p, "SHIP", day("2027-04-01"), &err), ALLOT_OK);
    cr_assert_str_eq(events(), "BatchEtaChanged SHIP 2027-01-01>2027-04-01; "
                               "Reallocated o1 3 SHIP>LATER");
    cr_assert_str_eq(place("o1"), "LATER");
    cr_assert_str_eq(place("o2"), "SHIP");
    cr_assert_str_eq(place("o3"), "SHIP");
}

Test(product, a_delayed_batchs_lines_go_to_the_most_preferred_of_several_batches)
{
    batch("SHIP", 10, "2027-01-01");
    batch("FEB", 10, "2027-02-01");
    batch("MAR", 10, "2027-03-01");
    cr_assert_eq(product_change_batch_eta(p, "FEB", day("2027-02-15"), &err), ALLOT_OK);
    alloc("o1", 10); /* SHIP */
    alloc("o2", 2);  /* FEB */
    events();
    cr_assert_eq(product_change_batch_eta(p, "SHIP", day("2027-12-01"), &err), ALLOT_OK);
    cr_assert_str_eq(events(), "BatchEtaChanged SHIP 2027-01-01>2027-12-01; "
                               "Reallocated o1 10 SHIP>MAR");
}

Test(product, a_delayed_batchs_lines_do_not_move_to_batches_that_still_sort_after_it)
{
    batch("SHIP", 10, "2027-01-01");
    batch("LATER", 10, "2027-06-01");
    alloc("o1", 3);
    events();
    cr_assert_eq(product_change_batch_eta(p, "SHIP", day("2027-02-01"), &err), ALLOT_OK);
    cr_assert_str_eq(events(), "BatchEtaChanged SHIP 2027-01-01>2027-02-01");
    cr_assert_str_eq(place("o1"), "SHIP");
}

Test(product, room_left_by_lines_moving_off_a_delayed_batch_fills_a_waiting_backorder)
{
    batch("A", 6, "2027-01-01");
    batch("B", 4, "2027-03-01");
    alloc("o1", 4); /* A, which keeps room 2 */
    alloc("o2", 5); /* fits nowhere: backorder */
    events();
    cr_assert_eq(product_change_batch_eta(p, "A", day("2027-06-01"), &err), ALLOT_OK);
    cr_assert_str_eq(events(), "BatchEtaChanged A 2027-01-01>2027-06-01; Reallocated o1 4 A>B; "
                               "Allocated o2 5 A");
    cr_assert_str_eq(place("o2"), "A");
}

Test(product, bringing_a_batch_forward_moves_no_line)
{
    batch("WH", 3, "-");
    batch("SHIP", 10, "2027-01-01");
    alloc("o1", 3); /* WH */
    alloc("o2", 3); /* SHIP */
    events();
    cr_assert_eq(product_change_batch_eta(p, "SHIP", ALLOT_NO_ETA, &err), ALLOT_OK);
    cr_assert_str_eq(events(), "BatchEtaChanged SHIP 2027-01-01>-");
    cr_assert_str_eq(place("o1"), "WH");
    cr_assert_str_eq(place("o2"), "SHIP");
}

/* ---- rule 5: CancelOrderLine ---- */

Test(product, cancelling_an_allocated_line_frees_its_room_and_names_its_batch)
{
    batch("B1", 10, "-");
    alloc("o1", 3);
    events();
    cr_assert_eq(product_cancel_line(p, "o1", &err), ALLOT_OK);
    cr_assert_str_eq(events(), "OrderLineCancelled o1 3 B1");
    cr_assert_null(product_find_line(p, "o1"));
    cr_assert_eq(product_find_batch(p, "B1")->allocated, 0);
    cr_assert_eq(product_line_count(p), 0);
}

Test(product, cancelling_a_backorder_raises_order_line_cancelled_without_a_batch)
{
    alloc("o1", 3);
    events();
    cr_assert_eq(product_cancel_line(p, "o1", &err), ALLOT_OK);
    cr_assert_str_eq(events(), "OrderLineCancelled o1 3 -");
    cr_assert_null(product_find_line(p, "o1"));
}

Test(product, cancelling_a_line_fills_backorders_oldest_first)
{
    batch("B1", 6, "-");
    alloc("o1", 6);
    alloc("o2", 3);
    alloc("o3", 3);
    alloc("o4", 3);
    events();
    cr_assert_eq(product_cancel_line(p, "o1", &err), ALLOT_OK);
    cr_assert_str_eq(events(),
                     "OrderLineCancelled o1 6 B1; Allocated o2 3 B1; Allocated o3 3 B1");
    cr_assert_str_eq(place("o4"), "");
}

Test(product, cancelling_an_unknown_line_is_refused)
{
    cr_assert_eq(product_cancel_line(p, "ghost", &err), ALLOT_EUNKNOWN_LINE);
    cr_assert(strstr(err.msg, "ghost") && strstr(err.msg, "LAMP"), "%s", err.msg);
}

Test(product, a_cancelled_line_can_be_allocated_again_as_a_new_request)
{
    batch("B1", 3, "-");
    alloc("o1", 3);
    cr_assert_eq(product_cancel_line(p, "o1", &err), ALLOT_OK);
    alloc("o2", 1);
    events();
    cr_assert_str_eq(alloc("o1", 2), "B1");
    cr_assert_gt(product_find_line(p, "o1")->seq, product_find_line(p, "o2")->seq);
}

/* ---- allocate_to (restoring an allocations export, SPEC §4) ---- */

Test(product, allocate_to_puts_a_new_line_on_the_named_batch_even_if_another_is_preferred)
{
    batch("WH", 10, "-");
    batch("SHIP", 10, "2027-01-01");
    events();
    cr_assert_eq(product_allocate_to(p, "o1", 4, ALLOT_NO_DATE, 0, "SHIP", &err), ALLOT_OK);
    cr_assert_str_eq(events(), "Allocated o1 4 SHIP");
    cr_assert_str_eq(place("o1"), "SHIP");
}

Test(product, allocate_to_moves_a_backorder_onto_the_named_batch)
{
    batch("B1", 2, "-");
    alloc("o1", 3); /* backorder: does not fit */
    cr_assert_eq(product_load_batch(p, "B2", 5, day("2027-01-01"), 100, &err), ALLOT_OK);
    events();
    int64_t v = product_version(p);
    cr_assert_eq(product_allocate_to(p, "o1", 3, ALLOT_NO_DATE, 0, "B2", &err), ALLOT_OK);
    cr_assert_str_eq(events(), "Allocated o1 3 B2");
    cr_assert_str_eq(place("o1"), "B2");
    cr_assert_eq(product_version(p), v + 1);
}

Test(product, allocate_to_moves_a_line_from_another_batch_with_reallocated)
{
    batch("WH", 10, "-");
    batch("SHIP", 10, "2027-01-01");
    alloc("o1", 4); /* WH */
    events();
    cr_assert_eq(product_allocate_to(p, "o1", 4, ALLOT_NO_DATE, 0, "SHIP", &err), ALLOT_OK);
    cr_assert_str_eq(events(), "Reallocated o1 4 WH>SHIP");
    cr_assert_eq(product_find_batch(p, "WH")->allocated, 0);
    cr_assert_eq(product_find_batch(p, "SHIP")->allocated, 4);
}

Test(product, allocate_to_the_batch_a_line_already_holds_is_a_no_op)
{
    batch("B1", 10, "-");
    alloc("o1", 4);
    events();
    int64_t v = product_version(p);
    cr_assert_eq(product_allocate_to(p, "o1", 4, ALLOT_NO_DATE, 0, "B1", &err), ALLOT_OK);
    cr_assert_str_eq(events(), "");
    cr_assert_eq(product_version(p), v);
}

Test(product, allocate_to_is_refused_without_room_unknown_batch_or_another_qty)
{
    batch("B1", 5, "-");
    alloc("o1", 4);
    events();
    char before[8192];
    strcpy(before, state());
    cr_assert_eq(product_allocate_to(p, "o2", 2, ALLOT_NO_DATE, 0, "B1", &err), ALLOT_ENO_ROOM);
    cr_assert(strstr(err.msg, "B1") && strstr(err.msg, "o2"), "%s", err.msg);
    cr_assert_eq(product_allocate_to(p, "o2", 2, ALLOT_NO_DATE, 0, "B9", &err), ALLOT_EUNKNOWN_BATCH);
    cr_assert(strstr(err.msg, "B9"), "%s", err.msg);
    cr_assert_eq(product_allocate_to(p, "o1", 3, ALLOT_NO_DATE, 0, "B1", &err), ALLOT_ELINE_QTY_MISMATCH);
    cr_assert_str_eq(state(), before);
    cr_assert_str_eq(events(), "");
}

Test(product, allocate_to_refuses_to_move_a_line_onto_a_batch_without_room)
{
    batch("WH", 10, "-");
    batch("SHIP", 5, "2027-01-01");
    alloc("o1", 4); /* WH */
    cr_assert_eq(product_allocate_to(p, "o2", 3, ALLOT_NO_DATE, 0, "SHIP", &err), ALLOT_OK);
    events();
    cr_assert_eq(product_allocate_to(p, "o1", 4, ALLOT_NO_DATE, 0, "SHIP", &err), ALLOT_ENO_ROOM);
    cr_assert_str_eq(place("o1"), "WH");
    cr_assert_str_eq(events(), "");
}

Test(product, quantities_outside_their_range_are_refused_without_harm)
{
    batch("B1", 5, "-");
    alloc("o1", 5);
    events();
    char before[8192];
    strcpy(before, state());
    cr_assert_eq(product_change_batch_qty(p, "B1", -1, &err), ALLOT_EINVALID);
    cr_assert(strstr(err.msg, "-1"), "%s", err.msg);
    cr_assert_eq(product_add_batch(p, "B2", -5, ALLOT_NO_ETA, &err), ALLOT_EINVALID);
    cr_assert_eq(product_add_batch(p, "B2", ALLOT_QTY_MAX + 1, ALLOT_NO_ETA, &err), ALLOT_EINVALID);
    cr_assert_eq(product_allocate(p, "o2", 0, ALLOT_NO_DATE, 0, NULL, &err), ALLOT_EINVALID);
    cr_assert_eq(product_allocate(p, "o2", -3, ALLOT_NO_DATE, 0, NULL, &err), ALLOT_EINVALID);
    cr_assert_eq(product_allocate_to(p, "o2", 0, ALLOT_NO_DATE, 0, "B1", &err), ALLOT_EINVALID);
    cr_assert_str_eq(state(), before);
    cr_assert_str_eq(events(), "");
}

/* ---- clone, load, invariants ---- */

Test(product, a_clone_is_independent_of_its_original)
{
    batch("B1", 10, "-");
    alloc("o1", 3);
    Product *c = product_clone(p);
    char before[8192];
    strcpy(before, product_text(c, buf, sizeof buf));
    cr_assert_str_eq(state(), before);
    cr_assert_eq(product_events(c)->len, product_events(p)->len);
    /* change the original: the clone does not move */
    alloc("o2", 4);
    cr_assert_eq(product_change_batch_qty(p, "B1", 5, &err), ALLOT_OK);
    cr_assert_eq(product_cancel_line(p, "o1", &err), ALLOT_OK);
    cr_assert_str_eq(product_text(c, buf, sizeof buf), before);
    /* and the other way round, including the order-id index */
    cr_assert_eq(product_allocate(c, "o9", 1, ALLOT_NO_DATE, 0, NULL, &err), ALLOT_OK);
    cr_assert_null(product_find_line(p, "o9"));
    cr_assert_not_null(product_find_line(c, "o1"));
    cr_assert_eq(product_check_invariants(c, &err), ALLOT_OK, "%s", err.msg);
    product_free(c);
}

Test(product, a_clone_of_the_state_has_no_pending_events_and_the_same_state)
{
    batch("B1", 10, "-");
    alloc("o1", 3);
    cr_assert_gt(product_events(p)->len, 0);
    Product *c = product_clone_state(p);
    cr_assert_eq(product_events(c)->len, 0, "what a store keeps holds no events");
    cr_assert_str_eq(product_text(c, buf, sizeof buf), state());
    cr_assert_eq(product_version(c), product_version(p));
    cr_assert_gt(product_events(p)->len, 0, "the original keeps its own");
    cr_assert_eq(product_allocate(c, "o2", 2, ALLOT_NO_DATE, 0, NULL, &err), ALLOT_OK);
    cr_assert_eq(product_events(c)->len, 1, "new events are its own");
    cr_assert_null(product_find_line(p, "o2"));
    product_free(c);
}

Test(product, a_clone_of_an_empty_product_works)
{
    Product *c = product_clone(p);
    cr_assert_str_eq(product_sku(c), "LAMP");
    cr_assert_eq(product_allocate(c, "o1", 1, ALLOT_NO_DATE, 0, NULL, &err), ALLOT_OK);
    cr_assert_eq(product_line_count(p), 0);
    product_free(c);
}

Test(product, loading_restores_state_without_events_or_version_change)
{
    cr_assert_eq(product_load_batch(p, "B1", 10, ALLOT_NO_ETA, 3, &err), ALLOT_OK);
    cr_assert_eq(product_load_line(p, "o1", 4, 7, ALLOT_NO_DATE, 0, "B1", &err), ALLOT_OK);
    cr_assert_eq(product_load_line(p, "o2", 40, 5, ALLOT_NO_DATE, 0, NULL, &err), ALLOT_OK);
    cr_assert_eq(product_load_line(p, "o3", 1, 6, ALLOT_NO_DATE, 0, "", &err), ALLOT_OK);
    cr_assert_eq(product_version(p), 0);
    cr_assert_eq(product_events(p)->len, 0);
    cr_assert_eq(product_next_seq(p), 8);
    cr_assert_str_eq(state(), "LAMP v0 | B1 10/4 - | o1 4 B1, o2 40 -, o3 1 -");
    cr_assert_eq(product_check_invariants(p, &err), ALLOT_OK, "%s", err.msg);
    alloc("o4", 1);
    cr_assert_eq(product_find_line(p, "o4")->seq, 8);
}

Test(product, loading_refuses_duplicates_and_unknown_batches)
{
    cr_assert_eq(product_load_batch(p, "B1", 10, ALLOT_NO_ETA, 1, &err), ALLOT_OK);
    cr_assert_eq(product_load_batch(p, "B1", 5, ALLOT_NO_ETA, 2, &err), ALLOT_EDUPLICATE_BATCH);
    cr_assert_eq(product_load_line(p, "o1", 4, 3, ALLOT_NO_DATE, 0, "B9", &err), ALLOT_EUNKNOWN_BATCH);
    cr_assert(strstr(err.msg, "B9"), "%s", err.msg);
    cr_assert_eq(product_load_line(p, "o1", 4, 3, ALLOT_NO_DATE, 0, "B1", &err), ALLOT_OK);
    cr_assert_eq(product_load_line(p, "o1", 4, 4, ALLOT_NO_DATE, 0, NULL, &err), ALLOT_ELINE_QTY_MISMATCH);
    cr_assert_eq(product_line_count(p), 1);
}

Test(product, check_invariants_detects_an_over_allocated_batch)
{
    cr_assert_eq(product_load_batch(p, "B1", 5, ALLOT_NO_ETA, 1, &err), ALLOT_OK);
    cr_assert_eq(product_load_line(p, "o1", 4, 2, ALLOT_NO_DATE, 0, "B1", &err), ALLOT_OK);
    cr_assert_eq(product_check_invariants(p, &err), ALLOT_OK, "%s", err.msg);
    cr_assert_eq(product_load_line(p, "o2", 2, 3, ALLOT_NO_DATE, 0, "B1", &err), ALLOT_OK);
    cr_assert_eq(product_check_invariants(p, &err), ALLOT_EINVALID);
    cr_assert(strstr(err.msg, "B1") && strstr(err.msg, "over-allocated"), "%s", err.msg);
    product_free(p);
    p = NULL;
}

Test(product, check_invariants_detects_a_line_without_a_positive_qty)
{
    cr_assert_eq(product_load_line(p, "o1", 0, 2, ALLOT_NO_DATE, 0, NULL, &err), ALLOT_OK);
    cr_assert_eq(product_check_invariants(p, &err), ALLOT_EINVALID);
    cr_assert(strstr(err.msg, "o1"), "%s", err.msg);
    product_free(p);
    p = NULL;
}

Test(product, check_invariants_detects_a_negative_batch_qty_and_a_seq_counter_set_back)
{
    cr_assert_eq(product_load_batch(p, "B1", -1, ALLOT_NO_ETA, 1, &err), ALLOT_OK);
    cr_assert_eq(product_check_invariants(p, &err), ALLOT_EINVALID);
    cr_assert_str_eq(err.msg, "batch B1 has qty -1");
    product_free(p);
    p = product_new("LAMP");
    cr_assert_eq(product_load_batch(p, "B1", 5, ALLOT_NO_ETA, 1, &err), ALLOT_OK);
    cr_assert_eq(product_load_line(p, "o1", 2, 7, ALLOT_NO_DATE, 0, "B1", &err), ALLOT_OK);
    cr_assert_eq(product_check_invariants(p, &err), ALLOT_OK, "%s", err.msg);
    product_set_next_seq(p, 7);
    cr_assert_eq(product_check_invariants(p, &err), ALLOT_EINVALID);
    cr_assert_str_eq(err.msg, "line o1 has seq 7, not below next_seq 7");
    product_set_next_seq(p, 1);
    cr_assert_eq(product_check_invariants(p, &err), ALLOT_EINVALID);
    product_free(p);
    p = NULL;
}

Test(product, check_invariants_detects_a_batch_whose_allocated_disagrees_with_its_lines)
{
    cr_assert_eq(product_load_batch(p, "B1", 5, ALLOT_NO_ETA, 1, &err), ALLOT_OK);
    cr_assert_eq(product_load_line(p, "o1", 2, 2, ALLOT_NO_DATE, 0, "B1", &err), ALLOT_OK);
    Product *c = product_clone(p);
    /* corrupt the copy's bookkeeping through the public struct */
    ((Batch *)product_batch(c, 0))->allocated = 1;
    cr_assert_eq(product_check_invariants(c, &err), ALLOT_EINVALID);
    cr_assert(strstr(err.msg, "B1"), "%s", err.msg);
    product_free(c);
    c = product_clone(p);
    ((OrderLine *)product_line(c, 0))->batch = 7;
    cr_assert_eq(product_check_invariants(c, &err), ALLOT_EINVALID);
    cr_assert(strstr(err.msg, "o1"), "%s", err.msg);
    product_free(c);
    c = product_clone(p);
    ((OrderLine *)product_line(c, 0))->moved_from = 0;
    cr_assert_eq(product_check_invariants(c, &err), ALLOT_EINVALID);
    cr_assert(strstr(err.msg, "mid-move"), "%s", err.msg);
    product_free(c);
}

Test(product, many_lines_stay_findable_through_growth_and_removal)
{
    batch("B1", 100000, "-");
    char id[32];
    for (int i = 0; i < 2000; i++) {
        snprintf(id, sizeof id, "o%d", i);
        alloc(id, 1);
    }
    for (int i = 0; i < 2000; i += 3) {
        snprintf(id, sizeof id, "o%d", i);
        cr_assert_eq(product_cancel_line(p, id, &err), ALLOT_OK);
    }
    for (int i = 0; i < 2000; i++) {
        snprintf(id, sizeof id, "o%d", i);
        if (i % 3 == 0)
            cr_assert_null(product_find_line(p, id), "%s", id);
        else
            cr_assert_str_eq(place(id), "B1");
    }
    cr_assert_eq(product_line_count(p), 2000 - 667);
    cr_assert_eq(product_find_batch(p, "B1")->allocated, 2000 - 667);
}

/* The same product held with its lines in another array order (as a store may
 * load it) raises the same events in the same order. */
static void deallocated_order(const char *const *order, AllotId out[3])
{
    Product *q = product_new("LAMP");
    cr_assert_eq(product_load_batch(q, "B1", 9, ALLOT_NO_ETA, 1, &err), ALLOT_OK);
    static const uint64_t seq_of[] = {2, 3, 4}; /* o2 oldest, o4 newest */
    for (int i = 0; i < 3; i++)
        cr_assert_eq(product_load_line(q, order[i], 3, seq_of[order[i][1] - '2'], ALLOT_NO_DATE, 0, "B1", &err),
                     ALLOT_OK);
    cr_assert_eq(product_change_batch_qty(q, "B1", 0, &err), ALLOT_OK);
    const EventVec *ev = product_events(q);
    cr_assert_eq(ev->len, 4);
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(ev->items[i + 1].type, EV_DEALLOCATED);
        memcpy(out[i], ev->items[i + 1].orderid, sizeof(AllotId));
    }
    product_free(q);
}

Test(product, deallocated_events_come_oldest_first_whatever_the_line_order)
{
    static const char *const a[] = {"o2", "o3", "o4"}, *const b[] = {"o3", "o4", "o2"};
    AllotId x[3], y[3];
    deallocated_order(a, x);
    deallocated_order(b, y);
    for (int i = 0; i < 3; i++)
        cr_assert_str_eq(x[i], y[i]);
    cr_assert_str_eq(x[0], "o2");
    cr_assert_str_eq(x[2], "o4");
}

/* ---- §1.4 need dates, §4 "requested", §1.2 rule 7 after a restore ---- */

Test(product, a_need_date_travels_with_the_line_and_does_not_reorder_service)
{
    batch("B1", 5, "-");
    cr_assert_eq(product_allocate(p, "late", 3, day("2027-01-01"), 0, NULL, &err), ALLOT_OK);
    cr_assert_eq(product_allocate(p, "urgent", 3, day("2026-01-01"), 0, NULL, &err), ALLOT_OK);
    /* the urgent line asked later: it waits, need dates inform, they do not reorder */
    cr_assert_str_eq(place("late"), "B1");
    cr_assert_str_eq(place("urgent"), "");
    cr_assert_eq(product_find_line(p, "urgent")->need, day("2026-01-01"));
    EventVec v;
    event_vec_init(&v);
    product_take_events(p, &v);
    cr_assert_eq(v.len, 3);
    cr_assert_eq(v.items[1].need, day("2027-01-01"));
    cr_assert(v.items[1].new_line);
    cr_assert_eq(v.items[2].type, EV_OUT_OF_STOCK);
    cr_assert_eq(v.items[2].need, day("2026-01-01"));
    event_vec_fini(&v);
    /* the same line again with another need date is a no-op: the first stands */
    cr_assert_eq(product_allocate(p, "late", 3, day("2028-01-01"), 0, NULL, &err), ALLOT_OK);
    cr_assert_eq(product_find_line(p, "late")->need, day("2027-01-01"));
    cr_assert_str_eq(events(), "");
}

Test(product, the_moment_of_first_request_orders_service_before_the_product_counter)
{
    /* a restore puts "zz" (requested 5) after "aa" (requested 9) in the product, yet
     * zz was asked first: it is the older one and keeps its place when stock shrinks */
    batch("B1", 6, "-");
    cr_assert_eq(product_allocate(p, "aa", 3, ALLOT_NO_DATE, 9, NULL, &err), ALLOT_OK);
    cr_assert_eq(product_allocate(p, "zz", 3, ALLOT_NO_DATE, 5, NULL, &err), ALLOT_OK);
    cr_assert(line_is_older(product_find_line(p, "zz"), product_find_line(p, "aa")));
    events();
    cr_assert_eq(product_change_batch_qty(p, "B1", 3, &err), ALLOT_OK);
    cr_assert_str_eq(place("zz"), "B1");
    cr_assert_str_eq(place("aa"), "");
    cr_assert_str_eq(events(), "BatchQuantityChanged B1 6>3; Deallocated aa 3 B1");
    /* and when stock comes back, the older backorder is served first */
    cr_assert_eq(product_allocate(p, "mm", 3, ALLOT_NO_DATE, 7, NULL, &err), ALLOT_OK);
    events();
    batch("B2", 3, "-");
    cr_assert_str_eq(place("mm"), "B2");
    cr_assert_str_eq(place("aa"), "");
}

Test(product, retrying_backorders_fills_room_that_a_restore_left)
{
    batch("B1", 4, "-");
    batch("B2", 2, "-");
    alloc("o1", 2);  /* B1, 2 left */
    alloc("o2", 3);  /* fits neither: waits */
    events();
    int64_t v = product_version(p);
    product_retry_backorders(p); /* nothing fits: a no-op */
    cr_assert_str_eq(events(), "");
    cr_assert_eq(product_version(p), v);
    /* a restore moves o1 to B2 and does not retry (docs/domain.md): B1 has 4 free */
    cr_assert_eq(product_allocate_to(p, "o1", 2, ALLOT_NO_DATE, 0, "B2", &err), ALLOT_OK);
    cr_assert_str_eq(events(), "Reallocated o1 2 B1>B2");
    cr_assert_str_eq(place("o2"), "");
    product_retry_backorders(p);
    cr_assert_str_eq(events(), "Allocated o2 3 B1");
    cr_assert_eq(product_version(p), v + 2);
}

Test(product, stamping_records_the_command_on_events_that_have_none)
{
    batch("B1", 4, "-");
    product_stamp_events(p, 7, "ann@host");
    alloc("o1", 1);
    product_stamp_events(p, 8, "bob@host");
    EventVec v;
    event_vec_init(&v);
    product_take_events(p, &v);
    cr_assert_eq(v.len, 2);
    cr_assert_eq(v.items[0].command_id, 7);
    cr_assert_str_eq(v.items[0].actor, "ann@host");
    cr_assert_eq(v.items[1].command_id, 8);
    cr_assert_str_eq(v.items[1].actor, "bob@host");
    event_vec_fini(&v);
}

/* ---- §1.6 undo ---- */

/* Runs `change` on p (it raises events), then undoes them: p must be exactly as
 * before (state text), with a newer version; then undoing the undo (redo) must give
 * the state after the change again.  Returns the undo's events as text. */
static char undo_text[8192];
static const char *change_then_undo(AllotStatus (*change)(void))
{
    events();
    char before[8192], after[8192];
    product_state_text(p, before, sizeof before);
    int64_t v0 = product_version(p);
    cr_assert_eq(change(), ALLOT_OK, "%s", err.msg);
    product_state_text(p, after, sizeof after);
    EventVec fwd, back;
    event_vec_init(&fwd);
    event_vec_init(&back);
    product_take_events(p, &fwd);
    cr_assert_gt(fwd.len, 0);
    cr_assert_eq(product_undo(p, fwd.items, fwd.len, 7, &err), ALLOT_OK, "%s", err.msg);
    cr_assert_str_eq(product_state_text(p, buf, sizeof buf), before);
    cr_assert_eq(product_version(p), v0 + 2, "versions move forward");
    product_take_events(p, &back);
    for (size_t i = 0; i < back.len; i++)
        cr_assert_eq(back.items[i].undoes, 7);
    events_text(&back, 0, undo_text, sizeof undo_text);
    /* redo */
    cr_assert_eq(product_undo(p, back.items, back.len, 8, &err), ALLOT_OK, "%s", err.msg);
    cr_assert_str_eq(product_state_text(p, buf, sizeof buf), after);
    events();
    event_vec_fini(&fwd);
    event_vec_fini(&back);
    return undo_text;
}

static AllotStatus shrink_b1(void) { return product_change_batch_qty(p, "B1", 3, &err); }
static AllotStatus delay_b1(void) { return product_change_batch_eta(p, "B1", day("2027-06-01"), &err); }
static AllotStatus cancel_o1(void) { return product_cancel_line(p, "o1", &err); }
static AllotStatus add_b3(void) { return product_add_batch(p, "B3", 5, day("2027-02-01"), &err); }
static AllotStatus allocate_o9(void)
{
    return product_allocate(p, "o9", 1, day("2027-01-09"), 42, NULL, &err);
}
static AllotStatus restore_o3(void)
{
    return product_allocate_to(p, "o3", 2, ALLOT_NO_DATE, 0, "B9", &err);
}

/* B1 (warehouse) 6: o1 3, o2 3; B2 (2027-03-01) 4: o3 2; o4 4 and o5 2 wait */
static void undo_setup(void)
{
    batch("B1", 6, "-");
    batch("B2", 4, "2027-03-01");
    cr_assert_eq(product_allocate(p, "o1", 3, day("2027-01-01"), 10, NULL, &err), ALLOT_OK);
    cr_assert_eq(product_allocate(p, "o2", 3, ALLOT_NO_DATE, 11, NULL, &err), ALLOT_OK);
    cr_assert_eq(product_allocate(p, "o3", 2, ALLOT_NO_DATE, 12, NULL, &err), ALLOT_OK);
    cr_assert_eq(product_allocate(p, "o4", 4, ALLOT_NO_DATE, 13, NULL, &err), ALLOT_OK);
    cr_assert_eq(product_allocate(p, "o5", 2, ALLOT_NO_DATE, 14, NULL, &err), ALLOT_OK);
    cr_assert_str_eq(place("o5"), "B2");
    cr_assert_str_eq(place("o4"), "");
}

Test(product, undoing_a_quantity_change_puts_every_moved_line_back)
{
    undo_setup();
    cr_assert_str_eq(change_then_undo(shrink_b1),
                     "Allocated o2 3 B1; BatchQuantityChanged B1 3>6");
}

Test(product, undoing_a_delay_moves_lines_back_and_sets_the_eta_back)
{
    undo_setup();
    batch("B0", 5, "2027-04-01"); /* its retry fills o4 */
    cr_assert_str_eq(place("o4"), "B0");
    change_then_undo(delay_b1);
}

Test(product, undoing_a_cancel_restores_the_line_with_its_moment_and_need_date)
{
    undo_setup();
    cr_assert_str_eq(change_then_undo(cancel_o1),
                     "LineRestored o1 3 B1");
    /* (the state text compared holds the need date, requested and seq of o1) */
}

Test(product, undoing_a_new_batch_removes_it_and_undoing_that_puts_it_back_in_order)
{
    undo_setup();
    cr_assert_str_eq(change_then_undo(add_b3), "Deallocated o4 4 B3; BatchRemoved B3 5 2027-02-01");
}

Test(product, undoing_an_allocate_removes_the_new_line)
{
    undo_setup();
    cr_assert_str_eq(change_then_undo(allocate_o9), "LineRemoved o9 1 -");
}

Test(product, undoing_a_restore_moves_the_line_back)
{
    undo_setup();
    batch("B9", 10, "2027-05-01"); /* its retry fills o4 */
    cr_assert_str_eq(place("o4"), "B9");
    cr_assert_str_eq(change_then_undo(restore_o3), "Reallocated o3 2 B9>B2");
}

Test(product, an_undo_that_does_not_fit_the_state_changes_nothing)
{
    undo_setup();
    events();
    cr_assert_eq(shrink_b1(), ALLOT_OK);
    EventVec fwd;
    event_vec_init(&fwd);
    product_take_events(p, &fwd);
    cr_assert_eq(product_change_batch_qty(p, "B1", 4, &err), ALLOT_OK); /* a later change */
    events();
    char before[8192];
    product_state_text(p, before, sizeof before);
    int64_t v = product_version(p);
    cr_assert_eq(product_undo(p, fwd.items, fwd.len, 7, &err), ALLOT_EINVALID);
    cr_assert(strstr(err.msg, "cannot undo BatchQuantityChanged B1 LAMP 6 → 3"), "%s", err.msg);
    cr_assert_str_eq(product_state_text(p, buf, sizeof buf), before);
    cr_assert_eq(product_version(p), v);
    cr_assert_str_eq(events(), "");
    event_vec_fini(&fwd);
}

Test(product, undoing_the_first_batch_leaves_an_empty_product)
{
    cr_assert(product_is_empty(p));
    batch("B1", 6, "-");
    EventVec fwd;
    event_vec_init(&fwd);
    product_take_events(p, &fwd);
    cr_assert_not(product_is_empty(p));
    cr_assert_eq(product_undo(p, fwd.items, fwd.len, 1, &err), ALLOT_OK, "%s", err.msg);
    cr_assert(product_is_empty(p));
    events();
    event_vec_fini(&fwd);
}
