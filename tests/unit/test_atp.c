/* SPEC.md §1.5: the availability timeline and Promise on a Product, today pinned. */
#include <criterion/criterion.h>
#include <string.h>

#include "domain/atp.h"

static Product *p;
static ErrBuf err;

static int32_t day(const char *text)
{
    int32_t d;
    cr_assert_eq(validate_eta(text, &d, &err), ALLOT_OK, "%s", err.msg);
    return d;
}

#define TODAY day("2026-12-01")

static void batch(const char *ref, int64_t qty, const char *eta)
{
    cr_assert_eq(product_add_batch(p, ref, qty, day(eta), &err), ALLOT_OK, "%s", err.msg);
}

static void alloc(const char *orderid, int64_t qty)
{
    cr_assert_eq(product_allocate(p, orderid, qty, ALLOT_NO_DATE, 0, NULL, &err), ALLOT_OK);
}

static void setup(void) { p = product_new("LAMP"); }
static void teardown(void) { product_free(p); }
TestSuite(atp, .init = setup, .fini = teardown);

Test(atp, the_timeline_counts_stock_on_hand_today_then_each_arrival_date_cumulatively)
{
    batch("WH", 10, "-");
    batch("LATE", 5, "2026-11-20"); /* overdue: on hand today */
    batch("S1", 20, "2026-12-10");
    batch("S2", 7, "2026-12-10");
    batch("S3", 30, "2027-01-05");
    alloc("o1", 12); /* WH 10? no: 12 > 10, LATE 5 no, S1 */
    alloc("o2", 9);  /* WH */
    alloc("o3", 40); /* waits */
    AtpTimeline t;
    atp_timeline(p, TODAY, &t);
    cr_assert_eq(t.nrows, 3);
    cr_assert_eq(t.rows[0].date, TODAY);
    cr_assert_eq(t.rows[0].nbatches, 2);
    cr_assert_str_eq(t.rows[0].first_ref, "WH");
    cr_assert_eq(t.rows[0].arriving, 15);
    cr_assert_eq(t.rows[0].allocated, 9);
    cr_assert_eq(t.rows[0].free, 6);
    cr_assert_eq(t.rows[0].projected, 6);
    cr_assert_eq(t.rows[1].date, day("2026-12-10"));
    cr_assert_eq(t.rows[1].nbatches, 2);
    cr_assert_eq(t.rows[1].arriving, 27);
    cr_assert_eq(t.rows[1].allocated, 12);
    cr_assert_eq(t.rows[1].projected, 6 + 15);
    cr_assert_eq(t.rows[2].date, day("2027-01-05"));
    cr_assert_eq(t.rows[2].projected, 21 + 30);
    cr_assert_eq(t.backorder_lines, 1);
    cr_assert_eq(t.backorder_qty, 40);
    atp_fini(&t);
}

Test(atp, a_product_without_batches_has_an_empty_timeline)
{
    AtpTimeline t;
    atp_timeline(p, TODAY, &t);
    cr_assert_eq(t.nrows, 0);
    cr_assert_eq(t.backorder_qty, 0);
    atp_fini(&t);
}

Test(atp, promise_answers_rule_1_without_changing_anything)
{
    batch("WH", 10, "-");
    batch("S1", 20, "2026-12-10");
    alloc("o1", 8);
    int64_t v = product_version(p);
    size_t lines = product_line_count(p);
    Promise pr = atp_promise(p, 2, TODAY);
    cr_assert_str_eq(pr.batchref, "WH");
    cr_assert_eq(pr.promised, TODAY);
    pr = atp_promise(p, 3, TODAY);
    cr_assert_str_eq(pr.batchref, "S1");
    cr_assert_eq(pr.promised, day("2026-12-10"));
    cr_assert_eq(product_version(p), v);
    cr_assert_eq(product_line_count(p), lines);
}

Test(atp, a_promise_that_must_wait_names_the_earliest_batch_large_enough)
{
    batch("WH", 10, "-");
    batch("S1", 20, "2026-12-10");
    batch("S2", 50, "2027-02-01");
    alloc("o1", 10);
    alloc("o2", 20);
    alloc("o3", 45);
    Promise pr = atp_promise(p, 15, TODAY);
    cr_assert_str_eq(pr.batchref, "");
    cr_assert_eq(pr.promised, ALLOT_NO_DATE);
    cr_assert_str_eq(pr.could_ref, "S1");
    cr_assert_eq(pr.could_date, day("2026-12-10"));
    cr_assert_eq(pr.could_free, 0);
    pr = atp_promise(p, 60, TODAY);
    cr_assert_str_eq(pr.could_ref, "", "no batch is that large");
    cr_assert_eq(pr.could_date, ALLOT_NO_DATE);
}
