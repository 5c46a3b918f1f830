/* What-if sessions over an in-memory live store (whatif/whatif.h): the sandbox never
 * touches the live store, the differences (moves, slips, backorders), marks,
 * delay previews, and Apply. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "app/bootstrap.h"
#include "whatif/sandbox_uow.h"
#include "whatif/whatif.h"
#include "persistence/memory_uow.h"
#include "event_text.h"

typedef struct FixedClock {
    Clock base;
    int64_t now;
} FixedClock;

static int64_t fixed_now(Clock *c) { return ((FixedClock *)c)->now; }

/* 2026-11-29 12:00 UTC */
static FixedClock fclock = {{fixed_now}, 1795953600};
static UnitOfWork *live;
static MessageBus *live_bus;
static WhatIfSession *s;

static int32_t day(const char *ymd)
{
    int32_t d;
    ErrBuf err;
    cr_assert_eq(validate_eta(ymd, &d, &err), ALLOT_OK);
    return d;
}

static void live_must(Command c)
{
    ErrBuf err = {{0}};
    cr_assert_eq(bus_handle(live_bus, &c, NULL, &err), ALLOT_OK, "%s", err.msg);
}

static void sandbox_must(Command c)
{
    ErrBuf err = {{0}};
    cr_assert_eq(whatif_run(s, &c, NULL, &err), ALLOT_OK, "%s", err.msg);
}

/* LAMP: B1 in warehouse 10, B2 2026-12-10 10, B3 2026-12-20 10
 * o1 4 → B1, o2 4 → B1, o3 4 → B2, o4 30 → backorder.  SOFA: S1 2026-12-01 2. */
static void setup(void)
{
    live = memory_uow_new();
    live_bus = bootstrap(live, NULL, &fclock.base, NULL);
    live_must(command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA));
    live_must(command_create_batch("B2", "LAMP", 10, day("2026-12-10")));
    live_must(command_create_batch("B3", "LAMP", 10, day("2026-12-20")));
    live_must(command_allocate("o1", "LAMP", 4));
    live_must(command_allocate("o2", "LAMP", 4));
    live_must(command_allocate("o3", "LAMP", 4));
    live_must(command_allocate("o4", "LAMP", 30));
    live_must(command_create_batch("S1", "SOFA", 2, day("2026-12-01")));
    ErrBuf err = {{0}};
    cr_assert_eq(whatif_new(live, NULL, &fclock.base, NULL, &s, &err), ALLOT_OK, "%s", err.msg);
}

static void teardown(void)
{
    whatif_discard(s);
    bus_free(live_bus);
    uow_free(live);
}

TestSuite(whatif, .init = setup, .fini = teardown);

static const Product *live_product(const char *sku)
{
    for (size_t i = 0; i < memory_uow_product_count(live); i++)
        if (strcmp(product_sku(memory_uow_product(live, i)), sku) == 0)
            return memory_uow_product(live, i);
    return NULL;
}

static const LineDiff *find_line(const WhatIfDiff *d, const char *orderid, const char *sku)
{
    for (size_t i = 0; i < d->nlines; i++)
        if (strcmp(d->lines[i].orderid, orderid) == 0 && strcmp(d->lines[i].sku, sku) == 0)
            return &d->lines[i];
    return NULL;
}

Test(whatif, commands_in_a_session_never_change_the_live_store)
{
    size_t log_before = memory_uow_event_log(live)->len;
    int64_t version = product_version(live_product("LAMP"));
    sandbox_must(command_change_batch_eta("B1", day("2027-01-01")));
    sandbox_must(command_change_batch_qty("B2", 0));
    sandbox_must(command_create_batch("N1", "NEW", 5, ALLOT_NO_ETA));
    sandbox_must(command_allocate("o9", "NEW", 2));
    cr_assert_eq(memory_uow_event_log(live)->len, log_before);
    cr_assert_eq(product_version(live_product("LAMP")), version);
    cr_assert_null(live_product("NEW"));
    cr_assert_eq(product_find_batch(live_product("LAMP"), "B1")->eta, ALLOT_NO_ETA);
    cr_assert_str_eq(product_line_batchref(live_product("LAMP"),
                                           product_find_line(live_product("LAMP"), "o3")),
                     "B2");
    cr_assert_eq(whatif_command_count(s), 4);
}

Test(whatif, a_refused_command_is_not_kept_for_apply)
{
    ErrBuf err = {{0}};
    Command c = command_change_batch_eta("NOPE", ALLOT_NO_ETA);
    cr_assert_eq(whatif_run(s, &c, NULL, &err), ALLOT_EUNKNOWN_BATCH);
    c = command_allocate("o1", "LAMP", 5);
    cr_assert_eq(whatif_run(s, &c, NULL, &err), ALLOT_ELINE_QTY_MISMATCH);
    cr_assert_eq(whatif_command_count(s), 0);
    WhatIfDiff d;
    whatif_diff_init(&d);
    whatif_diff(s, &d);
    cr_assert_eq(d.nlines, 0);
    cr_assert_eq(d.events.len, 0);
    whatif_diff_fini(&d);
}

Test(whatif, delaying_a_batch_in_the_warehouse_moves_its_lines_with_slips_from_today)
{
    /* B1 (in warehouse = today 2026-11-29) to 2027-01-10: o1 and o2 move to B2
     * (2026-12-10, room 6: o1 fits, then o2 fits? 6-4 = 2 < 4: o2 goes to B3). */
    sandbox_must(command_change_batch_eta("B1", day("2027-01-10")));
    WhatIfDiff d;
    whatif_diff_init(&d);
    whatif_diff(s, &d);
    const LineDiff *o1 = find_line(&d, "o1", "LAMP");
    const LineDiff *o2 = find_line(&d, "o2", "LAMP");
    cr_assert_not_null(o1);
    cr_assert_not_null(o2);
    cr_assert_str_eq(o1->before_batch, "B1");
    cr_assert_str_eq(o1->after_batch, "B2");
    cr_assert(o1->flags & LINE_MOVED);
    cr_assert(o1->has_slip);
    cr_assert_eq(o1->slip_days, day("2026-12-10") - day("2026-11-29"));
    cr_assert_str_eq(o2->after_batch, "B3");
    cr_assert_eq(o2->slip_days, day("2026-12-20") - day("2026-11-29"));
    cr_assert_null(find_line(&d, "o3", "LAMP"), "o3 stays on B2, whose ETA did not move");
    cr_assert_eq(d.moved, 2);
    cr_assert_eq(d.nbatches, 3);
    cr_assert_str_eq(d.batches[0].ref, "B1");
    cr_assert_eq(d.batches[0].slip_days, day("2027-01-10") - day("2026-11-29"));
    cr_assert_eq(d.batches[0].lines_moved_out, 2);
    cr_assert_eq(d.events.len, 3); /* BatchEtaChanged, 2 × Reallocated */
    cr_assert_eq(d.events.items[0].type, EV_BATCH_ETA_CHANGED);
    cr_assert_eq(d.events.items[1].type, EV_REALLOCATED);
    whatif_diff_fini(&d);
}

Test(whatif, lines_that_stay_on_a_delayed_batch_slip_by_the_delay)
{
    sandbox_must(command_change_batch_eta("B2", day("2026-12-24")));
    WhatIfDiff d;
    whatif_diff_init(&d);
    whatif_diff(s, &d);
    /* o3 could only move to a batch that now sorts before B2 with room: B1 has
     * room 2 < 4 and B3 (12-20) has room 10: it moves to B3. */
    const LineDiff *o3 = find_line(&d, "o3", "LAMP");
    cr_assert_not_null(o3);
    cr_assert_str_eq(o3->after_batch, "B3");
    cr_assert_eq(o3->slip_days, 10);
    whatif_diff_fini(&d);

    sandbox_must(command_change_batch_eta("B3", day("2027-01-03")));
    sandbox_must(command_change_batch_eta("B2", day("2027-01-01")));
    whatif_diff_init(&d);
    whatif_diff(s, &d);
    o3 = find_line(&d, "o3", "LAMP");
    cr_assert_str_eq(o3->after_batch, "B2", "B2 sorts before B3 again, o3 stays where it is");
    cr_assert(o3->flags & LINE_ETA_CHANGED);
    cr_assert_eq(o3->slip_days, day("2027-01-01") - day("2026-12-10"));
    whatif_diff_fini(&d);
}

Test(whatif, new_and_filled_backorders_are_counted)
{
    sandbox_must(command_change_batch_qty("B1", 4)); /* o2 (newest) leaves B1: → B2 */
    sandbox_must(command_change_batch_qty("B2", 4)); /* o2 newest on B2 → B3 */
    sandbox_must(command_create_batch("B4", "LAMP", 30, ALLOT_NO_ETA)); /* fills o4 */
    sandbox_must(command_allocate("o5", "LAMP", 100)); /* a new line, out of stock */
    WhatIfDiff d;
    whatif_diff_init(&d);
    whatif_diff(s, &d);
    const LineDiff *o4 = find_line(&d, "o4", "LAMP");
    cr_assert(o4->flags & LINE_FILLED_BACKORDER);
    cr_assert_str_eq(o4->before_batch, "");
    cr_assert_str_eq(o4->after_batch, "B4");
    cr_assert_not(o4->has_slip);
    const LineDiff *o5 = find_line(&d, "o5", "LAMP");
    cr_assert(o5->flags & LINE_CREATED);
    cr_assert(o5->flags & LINE_NEW_BACKORDER);
    cr_assert_not(o5->before_exists);
    cr_assert_eq(d.new_backorders, 1);
    cr_assert_eq(d.filled_backorders, 1);
    cr_assert(line_diff_place_changed(o5));
    whatif_diff_fini(&d);
}

Test(whatif, marks_tell_a_row_how_it_differs_from_live)
{
    sandbox_must(command_change_batch_eta("B1", day("2027-01-10")));
    LineDiff l;
    cr_assert(whatif_mark_line(s, "LAMP", "o1", &l));
    cr_assert(l.flags & LINE_MOVED);
    cr_assert_gt(l.slip_days, 0);
    cr_assert_not(whatif_mark_line(s, "LAMP", "o3", &l));
    cr_assert_not(whatif_mark_line(s, "SOFA", "o1", &l), "an untouched product");
    BatchDiff b;
    cr_assert(whatif_mark_batch(s, "B1", &b));
    cr_assert_eq(b.after_eta, day("2027-01-10"));
    cr_assert_eq(b.before_eta, ALLOT_NO_ETA);
    cr_assert_not(whatif_mark_batch(s, "S1", &b));
    ProductMark pm;
    cr_assert(whatif_mark_product(s, "LAMP", &pm));
    cr_assert_eq(pm.moved, 2);
    cr_assert_not(whatif_mark_product(s, "SOFA", &pm));
}

Test(whatif, a_delay_preview_changes_nothing_and_gives_the_new_eta)
{
    DelayPreview p;
    delay_preview_init(&p);
    ErrBuf err = {{0}};
    cr_assert_eq(delay_preview(live, &fclock.base, "B1", 14, &p, &err), ALLOT_OK, "%s",
                 err.msg);
    cr_assert_eq(p.old_eta, ALLOT_NO_ETA);
    cr_assert_eq(p.new_eta, day("2026-12-13"), "in the warehouse: today + 14");
    cr_assert_eq(p.cmd.type, CMD_CHANGE_BATCH_ETA);
    cr_assert_eq(p.cmd.eta, p.new_eta);
    const LineDiff *o1 = find_line(&p.diff, "o1", "LAMP");
    cr_assert_not_null(o1);
    cr_assert_str_eq(o1->after_batch, "B2");
    cr_assert_eq(o1->slip_days, 11);
    cr_assert_eq(product_find_batch(live_product("LAMP"), "B1")->eta, ALLOT_NO_ETA);
    cr_assert_eq(sandbox_uow_product_count(whatif_uow(s)), 0);

    /* inside a session: against the sandbox's state, and still nothing changes */
    sandbox_must(command_change_batch_eta("B2", day("2026-12-30")));
    cr_assert_eq(delay_preview(whatif_uow(s), whatif_clock(s), "B2", 7, &p, &err), ALLOT_OK, "%s", err.msg);
    cr_assert_eq(p.old_eta, day("2026-12-30"));
    cr_assert_eq(p.new_eta, day("2027-01-06"));
    cr_assert_eq(whatif_command_count(s), 1);
    LineDiff l;
    cr_assert(whatif_mark_line(s, "LAMP", "o3", &l), "the session's own change shows");
    cr_assert_str_eq(l.after_batch, "B3");

    cr_assert_eq(delay_preview(live, NULL, "NOPE", 3, &p, &err), ALLOT_EUNKNOWN_BATCH);
    cr_assert_eq(delay_preview(live, NULL, "B1", -3, &p, &err), ALLOT_EINVALID);
    cr_assert_eq(delay_preview(live, NULL, "B1", 0, &p, &err), ALLOT_EINVALID);
    delay_preview_fini(&p);
}

/* True if products a and b hold the same batches and lines in the same places. */
static bool same_state(const Product *a, const Product *b)
{
    WhatIfDiff d;
    whatif_diff_init(&d);
    whatif_diff_products(a, b, 0, &d);
    bool same = d.nlines == 0 && d.nbatches == 0;
    whatif_diff_fini(&d);
    return same;
}

Test(whatif, apply_replays_the_session_and_live_then_equals_the_prediction)
{
    sandbox_must(command_change_batch_eta("B1", day("2027-01-10")));
    sandbox_must(command_allocate("o6", "SOFA", 1));
    sandbox_must(command_create_batch("N1", "NEW", 3, ALLOT_NO_ETA));
    const Product *predicted = sandbox_uow_find(whatif_uow(s), "LAMP", NULL);
    Product *lamp = product_clone(predicted);
    size_t log_before = memory_uow_event_log(live)->len;
    WhatIfApplyReport r;
    whatif_apply_report_init(&r);
    ErrBuf err = {{0}};
    cr_assert_eq(whatif_apply(s, live_bus, &r, &err), ALLOT_OK, "%s", err.msg);
    cr_assert(r.applied);
    cr_assert(r.as_predicted);
    cr_assert_eq(r.mismatch.nlines, 0);
    cr_assert_eq(r.real.moved, 2);
    cr_assert_eq(r.real.events.len, 5);
    cr_assert_eq(memory_uow_event_log(live)->len, log_before + 5);
    cr_assert(same_state(lamp, live_product("LAMP")));
    cr_assert_not_null(live_product("NEW"));
    product_free(lamp);
    whatif_apply_report_fini(&r);
}

Test(whatif, apply_after_a_live_change_reports_where_the_outcome_differs)
{
    sandbox_must(command_change_batch_eta("B1", day("2027-01-10")));
    /* meanwhile on live: B2 shrinks, so o1/o2 cannot both go where predicted */
    live_must(command_change_batch_qty("B2", 4));
    WhatIfApplyReport r;
    whatif_apply_report_init(&r);
    ErrBuf err = {{0}};
    cr_assert_eq(whatif_apply(s, live_bus, &r, &err), ALLOT_OK, "%s", err.msg);
    cr_assert(r.applied);
    cr_assert_not(r.as_predicted);
    cr_assert_gt(r.mismatch.nlines + r.mismatch.nbatches, 0);
    whatif_apply_report_fini(&r);
}

Test(whatif, apply_refused_on_live_applies_nothing)
{
    sandbox_must(command_change_batch_eta("B1", day("2027-01-10")));
    sandbox_must(command_allocate("o7", "SOFA", 1));
    live_must(command_allocate("o7", "SOFA", 2)); /* the same line, another qty */
    size_t log_before = memory_uow_event_log(live)->len;
    WhatIfApplyReport r;
    whatif_apply_report_init(&r);
    ErrBuf err = {{0}};
    cr_assert_eq(whatif_apply(s, live_bus, &r, &err), ALLOT_ELINE_QTY_MISMATCH);
    cr_assert_not(r.applied);
    cr_assert_eq(r.refused_index, 1);
    cr_assert(strstr(err.msg, "nothing was applied"), "%s", err.msg);
    cr_assert_eq(memory_uow_event_log(live)->len, log_before);
    cr_assert_eq(product_find_batch(live_product("LAMP"), "B1")->eta, ALLOT_NO_ETA);
    cr_assert_eq(whatif_command_count(s), 2, "the session stays");
    whatif_apply_report_fini(&r);
}

Test(whatif, a_sandbox_bulk_rollback_restores_the_overlay)
{
    UnitOfWork *sb = whatif_uow(s);
    ErrBuf err = {{0}};
    sandbox_must(command_change_batch_qty("B3", 7));
    cr_assert_eq(uow_bulk_begin(sb, &err), ALLOT_OK);
    Command c = command_change_batch_qty("B3", 1);
    cr_assert_eq(bus_handle(whatif_bus(s), &c, NULL, &err), ALLOT_OK);
    c = command_change_batch_qty("S1", 0);
    cr_assert_eq(bus_handle(whatif_bus(s), &c, NULL, &err), ALLOT_OK);
    cr_assert_eq(uow_bulk_end(sb, false, &err), ALLOT_OK);
    cr_assert_eq(product_find_batch(sandbox_uow_find(sb, "LAMP", NULL), "B3")->qty, 7);
    cr_assert_eq(product_find_batch(sandbox_uow_find(sb, "SOFA", NULL), "S1")->qty, 2);
    cr_assert_eq(sandbox_uow_event_log(sb)->len, 1);
}

Test(whatif, working_the_outcome_out_again_before_apply_shows_a_live_change)
{
    sandbox_must(command_change_batch_eta("B1", day("2027-01-10")));
    WhatIfDiff shown, again;
    whatif_diff_init(&shown);
    whatif_diff_init(&again);
    whatif_diff(s, &shown);
    long refused = 0;
    ErrBuf err = {{0}};
    cr_assert_eq(whatif_rework(s, &again, &refused, &err), ALLOT_OK, "%s", err.msg);
    cr_assert_eq(refused, -1);
    cr_assert(whatif_diff_same(&shown, &again), "live did not change: the same outcome");
    /* meanwhile on live: B2 shrinks, so o1/o2 cannot both go where shown */
    live_must(command_change_batch_qty("B2", 4));
    cr_assert_eq(whatif_rework(s, &again, &refused, &err), ALLOT_OK, "%s", err.msg);
    cr_assert_not(whatif_diff_same(&shown, &again), "the outcome changed: ask again");
    bool o2_elsewhere = false;
    for (size_t i = 0; i < again.nlines; i++)
        if (strcmp(again.lines[i].orderid, "o2") == 0)
            o2_elsewhere = strcmp(again.lines[i].after_batch, "B2") != 0;
    cr_assert(o2_elsewhere, "B2 has room for one line only now");
    cr_assert_eq(whatif_command_count(s), 1, "the session is as it was");
    /* a command live now refuses is named */
    sandbox_must(command_cancel_line("o3", "LAMP"));
    live_must(command_cancel_line("o3", "LAMP"));
    cr_assert_neq(whatif_rework(s, &again, &refused, &err), ALLOT_OK);
    cr_assert_eq(refused, 1);
    cr_assert(strstr(err.msg, "command 2 of 2"), "%s", err.msg);
    whatif_diff_fini(&shown);
    whatif_diff_fini(&again);
}

Test(whatif, a_preview_in_a_session_reads_the_sandbox_and_changes_nothing)
{
    sandbox_must(command_change_batch_eta("B1", day("2027-01-10")));
    WhatIfDiff d;
    whatif_diff_init(&d);
    ErrBuf err = {{0}};
    Command c = command_cancel_line("o1", "LAMP");
    cr_assert_eq(whatif_preview(whatif_uow(s), whatif_clock(s), &c, &d, &err), ALLOT_OK, "%s",
                 err.msg);
    cr_assert_eq(d.cancelled, 1);
    bool o1 = false;
    for (size_t i = 0; i < d.nlines; i++)
        if (strcmp(d.lines[i].orderid, "o1") == 0) {
            o1 = true;
            cr_assert(d.lines[i].before_exists && !d.lines[i].after_exists);
            cr_assert_neq(strcmp(d.lines[i].before_batch, "B1"), 0,
                          "the session already moved o1 off B1");
        }
    cr_assert(o1, "the cancelled line is in the preview");
    cr_assert_eq(whatif_command_count(s), 1, "a preview runs nothing in the session");
    cr_assert_not_null(product_find_line(sandbox_uow_find(whatif_uow(s), "LAMP", NULL), "o1"));
    whatif_diff_fini(&d);
}

/* ---- SPEC.md §1.4 lateness and §1.6 undo in a session, today pinned ---- */

Test(whatif, a_delay_reports_the_lateness_change_of_the_line_and_of_its_order)
{
    whatif_discard(s);
    Views *lv = memory_views_new(live);
    ErrBuf err = {{0}};
    cr_assert_eq(whatif_new(live, lv, &fclock.base, NULL, &s, &err), ALLOT_OK, "%s", err.msg);
    /* o9 needs 7 LAMP by 2026-12-12: B4 (2026-12-10) serves it on time (B2 has 6 free) */
    live_must(command_create_batch("B4", "LAMP", 10, day("2026-12-10")));
    live_must(command_with_need(command_allocate("o9", "LAMP", 7), day("2026-12-12"), 0));
    live_must(command_with_need(command_allocate("o9", "SOFA", 1), day("2026-12-12"), 0));
    whatif_discard(s);
    cr_assert_eq(whatif_new(live, lv, &fclock.base, NULL, &s, &err), ALLOT_OK, "%s", err.msg);
    sandbox_must(command_change_batch_eta("B4", day("2026-12-19")));
    WhatIfDiff d;
    whatif_diff_init(&d);
    whatif_diff(s, &d);
    const LineDiff *l = NULL;
    for (size_t i = 0; i < d.nlines; i++)
        if (strcmp(d.lines[i].orderid, "o9") == 0 && strcmp(d.lines[i].sku, "LAMP") == 0)
            l = &d.lines[i];
    cr_assert_not_null(l);
    cr_assert(line_diff_lateness_changed(l));
    cr_assert_eq(l->need, day("2026-12-12"));
    cr_assert_eq(l->before_late.late, 0);
    cr_assert_eq(l->after_late.late, 7);
    OrderLateness before, after;
    cr_assert_eq(whatif_order_lateness(s, "o9", &before, &after, &err), ALLOT_OK, "%s", err.msg);
    cr_assert_eq(before.late, 0);
    cr_assert_eq(before.complete, day("2026-12-10"));
    cr_assert_eq(after.late, 7);
    cr_assert_eq(after.complete, day("2026-12-19"));
    cr_assert_eq(after.lines, 2);
    whatif_diff_fini(&d);
    whatif_discard(s);
    s = NULL;
    views_free(lv);
    cr_assert_eq(whatif_new(live, NULL, &fclock.base, NULL, &s, &err), ALLOT_OK);
}

Test(whatif, an_undo_in_a_session_shows_what_would_move_back_and_changes_nothing_live)
{
    live_must(command_change_batch_qty("B1", 4)); /* o2 moves to B2 */
    const EventVec *log = memory_uow_event_log(live);
    size_t n = log->len;
    whatif_discard(s);
    ErrBuf err = {{0}};
    cr_assert_eq(whatif_new(live, NULL, &fclock.base, NULL, &s, &err), ALLOT_OK, "%s", err.msg);
    CommandResult res;
    command_result_init(&res);
    Command undo = command_undo(0);
    cr_assert_eq(whatif_run(s, &undo, &res, &err), ALLOT_OK, "%s", err.msg);
    cr_assert_eq(res.undone, log->items[n - 1].command_id);
    WhatIfDiff d;
    whatif_diff_init(&d);
    whatif_diff(s, &d);
    cr_assert_eq(d.nlines, 1);
    cr_assert_str_eq(d.lines[0].orderid, "o2");
    cr_assert_str_eq(d.lines[0].after_batch, "B1");
    cr_assert_eq(memory_uow_event_log(live)->len, n, "the live log is untouched");
    /* in the session, the undone change cannot be undone again */
    cr_assert_eq(whatif_run(s, &undo, &res, &err), ALLOT_OK, "undo of the undo (redo): %s",
                 err.msg);
    Command again = command_undo(log->items[n - 1].command_id);
    cr_assert_eq(whatif_run(s, &again, &res, &err), ALLOT_EUNDO_REFUSED);
    whatif_diff_fini(&d);
    command_result_fini(&res);
}

/* The live products as text (event_text.h), for comparing states. */
static void live_state(char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = 0;
    for (size_t i = 0; i < memory_uow_product_count(live) && o < size; i++) {
        char p[4096];
        product_state_text(memory_uow_product(live, i), p, sizeof p);
        o += (size_t)snprintf(buf + o, size - o, "%s\n", p);
    }
}

Test(whatif, applying_a_session_that_undid_one_of_its_own_changes_undoes_that_change_live)
{
    char before[16384], after[16384];
    live_state(before, sizeof before);
    size_t n = memory_uow_event_log(live)->len;
    CommandResult res;
    command_result_init(&res);
    ErrBuf err = {{0}};
    /* step 1: B1 to 4 moves o2 to B2; step 2: allocate o5 on SOFA; step 3: undo step 1
     * by its id in the sandbox (as the TUI's `u` names it) */
    Command change = command_change_batch_qty("B1", 4);
    cr_assert_eq(whatif_run(s, &change, &res, &err), ALLOT_OK, "%s", err.msg);
    int64_t sandbox_id = res.command_id;
    cr_assert_gt(sandbox_id, 0);
    sandbox_must(command_allocate("o5", "SOFA", 1));
    Command undo = command_undo(sandbox_id);
    cr_assert_eq(whatif_run(s, &undo, &res, &err), ALLOT_OK, "%s", err.msg);
    cr_assert_eq(res.undone, sandbox_id);
    /* another planner commits meanwhile: live's ids move on, so the replay gives the
     * session's commands other ids than the sandbox did */
    live_must(command_allocate("o9", "SOFA", 1));
    /* worked out again on live, then applied: the same outcome, as predicted */
    WhatIfDiff d;
    whatif_diff_init(&d);
    long refused = 0;
    cr_assert_eq(whatif_rework(s, &d, &refused, &err), ALLOT_OK, "%s", err.msg);
    cr_assert_eq(d.nlines, 1, "only o5 is new once the change is undone");
    cr_assert_str_eq(d.lines[0].orderid, "o5");
    WhatIfApplyReport r;
    whatif_apply_report_init(&r);
    cr_assert_eq(whatif_apply(s, live_bus, &r, &err), ALLOT_OK, "%s", err.msg);
    cr_assert(whatif_diff_same(&d, &r.real), "the live outcome is the one worked out");
    /* live: B1 back to 10 with o2 on it, o5 allocated; the log has the three commands */
    live_must(command_cancel_line("o5", "SOFA"));
    live_must(command_cancel_line("o9", "SOFA"));
    live_state(after, sizeof after);
    cr_assert_str_eq(after, before, "every line back where it was");
    const EventVec *log = memory_uow_event_log(live);
    bool undid_the_change = false;
    for (size_t i = n; i < log->len; i++)
        undid_the_change |= log->items[i].undoes > 0 &&
                            log->items[i].type == EV_BATCH_QTY_CHANGED &&
                            log->items[i].new_qty == 10;
    cr_assert(undid_the_change, "the live undo is the undo of the replayed change");
    whatif_apply_report_fini(&r);
    whatif_diff_fini(&d);
    command_result_fini(&res);
}

/* ---- dropping a step (issue 13 point 8) ---- */

static bool diff_has_batch(WhatIfSession *ws, const char *ref)
{
    BatchDiff b;
    return whatif_mark_batch(ws, ref, &b);
}

Test(whatif, dropping_a_step_replays_the_others_and_an_undo_still_undoes_its_step)
{
    CommandResult res;
    command_result_init(&res);
    ErrBuf err = {{0}};
    Command change = command_change_batch_qty("B1", 4);
    cr_assert_eq(whatif_run(s, &change, &res, &err), ALLOT_OK, "%s", err.msg);
    sandbox_must(command_allocate("o5", "SOFA", 1));
    sandbox_must(command_undo(res.command_id));
    live_must(command_allocate("o9", "SOFA", 1)); /* live ids move on meanwhile */
    WhatIfDrop d;
    whatif_drop_init(&d);
    cr_assert_eq(whatif_drop_step(s, 1, false, &d, &err), ALLOT_OK, "%s", err.msg);
    cr_assert(d.done);
    cr_assert_eq(d.nrefused, 0);
    cr_assert_eq(whatif_command_count(s), 2);
    cr_assert_eq(whatif_command(s, 0)->type, CMD_CHANGE_BATCH_QTY);
    cr_assert_eq(whatif_command(s, 1)->type, CMD_UNDO);
    cr_assert_eq(whatif_command(s, 1)->target, whatif_command_id(s, 0),
                 "the undo names the change by the id the replay gave it");
    WhatIfDiff now;
    whatif_diff_init(&now);
    whatif_diff(s, &now);
    cr_assert_eq(now.nlines, 0, "the change and its undo: nothing moved, o5 never allocated");
    LineDiff l;
    cr_assert_not(whatif_mark_line(s, "SOFA", "o5", &l));
    /* applied, live ends as it was (plus o9) */
    WhatIfApplyReport r;
    whatif_apply_report_init(&r);
    cr_assert_eq(whatif_apply(s, live_bus, &r, &err), ALLOT_OK, "%s", err.msg);
    cr_assert(r.as_predicted);
    cr_assert_eq(r.real.nlines, 0);
    whatif_apply_report_fini(&r);
    whatif_diff_fini(&now);
    whatif_drop_fini(&d);
    command_result_fini(&res);
}

Test(whatif, a_step_refused_without_the_dropped_one_is_listed_and_nothing_changes_unless_asked)
{
    size_t live_events = memory_uow_event_log(live)->len;
    sandbox_must(command_create_batch("B9", "LAMP", 5, ALLOT_NO_ETA));
    sandbox_must(command_change_batch_qty("B9", 1));
    sandbox_must(command_allocate("o5", "SOFA", 1));
    WhatIfDrop d;
    whatif_drop_init(&d);
    ErrBuf err = {{0}};
    cr_assert_eq(whatif_drop_step(s, 0, false, &d, &err), ALLOT_OK, "%s", err.msg);
    cr_assert_not(d.done, "a later step would be refused: ask first");
    cr_assert_eq(d.nrefused, 1);
    cr_assert_eq(d.refused[0].step, 1);
    cr_assert_eq(d.refused[0].status, ALLOT_EUNKNOWN_BATCH);
    cr_assert(strstr(d.refused[0].msg, "B9"), "%s", d.refused[0].msg);
    cr_assert_eq(whatif_command_count(s), 3, "nothing changed");
    cr_assert(diff_has_batch(s, "B9"));
    cr_assert_eq(whatif_drop_step(s, 0, true, &d, &err), ALLOT_OK, "%s", err.msg);
    cr_assert(d.done);
    cr_assert_eq(d.nrefused, 1, "the refused step went too, and is named");
    cr_assert_eq(whatif_command_count(s), 1);
    cr_assert_eq(whatif_command(s, 0)->type, CMD_ALLOCATE);
    cr_assert_not(diff_has_batch(s, "B9"));
    LineDiff l;
    cr_assert(whatif_mark_line(s, "SOFA", "o5", &l), "the step that did not depend on it stays");
    cr_assert_eq(memory_uow_event_log(live)->len, live_events, "live never saw any of it");
    cr_assert_eq(whatif_drop_step(s, 1, true, &d, &err), ALLOT_EINVALID);
    cr_assert_str_eq(err.msg, "no step 2: the session has 1 step");
    whatif_drop_fini(&d);
}

Test(whatif, an_undo_of_the_dropped_step_is_refused_saying_so)
{
    CommandResult res;
    command_result_init(&res);
    ErrBuf err = {{0}};
    Command change = command_change_batch_qty("B1", 4);
    cr_assert_eq(whatif_run(s, &change, &res, &err), ALLOT_OK, "%s", err.msg);
    sandbox_must(command_undo(res.command_id));
    WhatIfDrop d;
    whatif_drop_init(&d);
    cr_assert_eq(whatif_drop_step(s, 0, false, &d, &err), ALLOT_OK, "%s", err.msg);
    cr_assert_not(d.done);
    cr_assert_eq(d.nrefused, 1);
    cr_assert_eq(d.refused[0].status, ALLOT_EUNKNOWN_COMMAND);
    cr_assert_str_eq(d.refused[0].msg, "it undoes step 1, which is dropped");
    whatif_drop_fini(&d);
    command_result_fini(&res);
}
