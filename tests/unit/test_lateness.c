/* SPEC.md §1.4: promised dates, lateness and at-risk lines, and orders, with a
 * pinned today (dates are day numbers; no clock is read here). */
#include <criterion/criterion.h>

#include "domain/lateness.h"

static int32_t day(const char *text)
{
    int32_t d;
    ErrBuf err;
    cr_assert_eq(validate_eta(text, &d, &err), ALLOT_OK, "%s", err.msg);
    return d;
}

#define TODAY day("2026-11-29")

Test(lateness, a_line_in_the_warehouse_is_promised_today_and_late_past_its_need_date)
{
    LineLateness l = lateness_of_line(true, ALLOT_NO_ETA, day("2026-11-25"), TODAY);
    cr_assert_eq(l.promised, TODAY);
    cr_assert_eq(l.late, 4);
    cr_assert_not(l.at_risk);
    l = lateness_of_line(true, ALLOT_NO_ETA, TODAY, TODAY);
    cr_assert_eq(l.late, 0);
}

Test(lateness, a_line_on_a_shipment_is_promised_its_eta_and_late_by_eta_minus_need)
{
    LineLateness l = lateness_of_line(true, day("2026-12-10"), day("2026-12-03"), TODAY);
    cr_assert_eq(l.promised, day("2026-12-10"));
    cr_assert_eq(l.late, 7);
    l = lateness_of_line(true, day("2026-12-10"), day("2026-12-10"), TODAY);
    cr_assert_eq(l.late, 0, "promised on the day it is needed: on time");
    l = lateness_of_line(true, day("2026-12-10"), day("2026-12-31"), TODAY);
    cr_assert_eq(l.late, 0, "early is not late");
}

Test(lateness, an_overdue_shipment_promises_today_not_a_date_in_the_past)
{
    LineLateness l = lateness_of_line(true, day("2026-11-20"), day("2026-11-22"), TODAY);
    cr_assert_eq(l.promised, TODAY);
    cr_assert_eq(l.late, 7);
}

Test(lateness, a_backorder_is_late_once_its_need_date_passed_and_at_risk_before)
{
    LineLateness l = lateness_of_line(false, ALLOT_NO_ETA, day("2026-11-19"), TODAY);
    cr_assert_eq(l.promised, ALLOT_NO_DATE);
    cr_assert_eq(l.late, 10);
    cr_assert_not(l.at_risk);
    l = lateness_of_line(false, ALLOT_NO_ETA, TODAY, TODAY);
    cr_assert_eq(l.late, 0);
    cr_assert(l.at_risk, "needed today and still waiting: at risk");
    l = lateness_of_line(false, ALLOT_NO_ETA, day("2027-01-01"), TODAY);
    cr_assert(l.at_risk);
}

Test(lateness, a_line_without_need_date_is_never_late_nor_at_risk)
{
    LineLateness l = lateness_of_line(false, ALLOT_NO_ETA, ALLOT_NO_DATE, TODAY);
    cr_assert_eq(l.late, 0);
    cr_assert_not(l.at_risk);
    l = lateness_of_line(true, day("2030-01-01"), ALLOT_NO_DATE, TODAY);
    cr_assert_eq(l.late, 0);
    cr_assert_eq(l.promised, day("2030-01-01"));
}

Test(lateness, an_order_is_as_late_as_its_latest_line_and_complete_on_its_last_promise)
{
    OrderLateness o = lateness_order_init();
    cr_assert_eq(o.complete, ALLOT_NO_DATE, "no line: no complete date");
    LineLateness a = lateness_of_line(true, day("2026-12-10"), day("2026-12-08"), TODAY);
    LineLateness b = lateness_of_line(true, ALLOT_NO_ETA, day("2026-11-24"), TODAY);
    lateness_order_add(&o, &a);
    lateness_order_add(&o, &b);
    cr_assert_eq(o.late, 5);
    cr_assert_eq(o.late_lines, 2);
    cr_assert_eq(o.complete, day("2026-12-10"));
    cr_assert_not(o.waiting);
    LineLateness c = lateness_of_line(false, ALLOT_NO_ETA, day("2027-01-01"), TODAY);
    lateness_order_add(&o, &c);
    cr_assert_eq(o.complete, ALLOT_NO_DATE, "a waiting line: no complete date");
    cr_assert(o.at_risk);
    lateness_order_add(&o, &a);
    cr_assert_eq(o.complete, ALLOT_NO_DATE, "stays none after a later promise");
    cr_assert_eq(o.lines, 4);
}
