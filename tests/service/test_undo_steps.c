/* Which command a planner's undo and redo name (app/undo_steps.h), on the memory
 * store's read model: stepping back through changes, redoing what was undone, a new
 * change ending the redos, and each step run through the bus as Undo. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "app/bootstrap.h"
#include "app/undo_steps.h"
#include "persistence/memory_uow.h"

static UnitOfWork *uow;
static MessageBus *bus;
static Views *v;

static void setup(void)
{
    uow = memory_uow_new();
    bus = bootstrap(uow, NULL, NULL, NULL);
    v = memory_views_new(uow);
}

static void teardown(void)
{
    views_free(v);
    bus_free(bus);
    uow_free(uow);
}

TestSuite(undo_steps, .init = setup, .fini = teardown);

/* Runs c; returns its command id. */
static int64_t run(Command c)
{
    CommandResult res;
    command_result_init(&res);
    ErrBuf err = {{0}};
    cr_assert_eq(bus_handle(bus, &c, &res, &err), ALLOT_OK, "%s", err.msg);
    int64_t id = res.command_id;
    command_result_fini(&res);
    return id;
}

static UndoStep find(bool redo)
{
    UndoStep s;
    ErrBuf err = {{0}};
    cr_assert_eq(undo_step_find(v, redo, &s, &err), ALLOT_OK, "%s", err.msg);
    return s;
}

/* Runs the step found (u or U) and returns the undo's id. */
static int64_t step(bool redo, int64_t want)
{
    UndoStep s = find(redo);
    cr_assert_eq(s.target, want, "%s targets %lld, not %lld (%s)", redo ? "redo" : "undo",
                 (long long)s.target, (long long)want, s.why);
    cr_assert_eq(s.redo, redo);
    return run(command_undo(s.target));
}

static int64_t qty_of(const char *ref)
{
    BatchRow b;
    size_t n = 0;
    ViewPage pg = {.limit = 1};
    ErrBuf err;
    BatchRow a;
    memset(&a, 0, sizeof a);
    snprintf(a.ref, sizeof a.ref, "%s\x01", ref);
    pg.backward = true;
    cr_assert_eq(views_batches(v, NULL, BATCH_ORDER_REF, &pg, &a, &b, &n, &err), ALLOT_OK);
    cr_assert_eq(n, 1);
    return b.qty;
}

Test(undo_steps, an_empty_log_has_nothing_to_undo_or_redo)
{
    UndoStep s = find(false);
    cr_assert_eq(s.target, 0);
    cr_assert(strstr(s.why, "empty"), "%s", s.why);
    s = find(true);
    cr_assert_eq(s.target, 0);
}

Test(undo_steps, undo_steps_back_through_the_changes_and_redo_forward_again)
{
    run(command_create_batch("A1", "LAMP", 10, ALLOT_NO_ETA));
    int64_t b = run(command_create_batch("B1", "DESK", 5, ALLOT_NO_ETA));
    int64_t c = run(command_change_batch_qty("A1", 7));
    cr_assert(!find(true).target, "nothing undone yet: nothing to redo");
    /* u: the latest change; u again: the one before (the undo is not undone) */
    int64_t u1 = step(false, c);
    cr_assert_eq(qty_of("A1"), 10);
    int64_t u2 = step(false, b);
    /* U: the latest undo first, then the one before it */
    step(true, u2);
    cr_assert_eq(qty_of("B1"), 5, "B1 is back");
    step(true, u1);
    cr_assert_eq(qty_of("A1"), 7, "and A1 changed to 7 again");
    UndoStep s = find(true);
    cr_assert_eq(s.target, 0, "everything is redone: %s", s.why);
    /* u after the redos: the latest redo, a change again */
    UndoStep back = find(false);
    cr_assert_gt(back.target, c);
    cr_assert(!back.redo);
    run(command_undo(back.target));
    cr_assert_eq(qty_of("A1"), 10, "undoing the redo undoes the change again");
}

Test(undo_steps, a_new_change_after_an_undo_ends_what_can_be_redone)
{
    run(command_create_batch("A1", "LAMP", 10, ALLOT_NO_ETA));
    int64_t c = run(command_change_batch_qty("A1", 7));
    step(false, c);
    int64_t n = run(command_create_batch("B1", "DESK", 5, ALLOT_NO_ETA));
    UndoStep s = find(true);
    cr_assert_eq(s.target, 0);
    char want[64];
    snprintf(want, sizeof want, "command %lld", (long long)n);
    cr_assert(strstr(s.why, want), "names the change that came after: %s", s.why);
    cr_assert_eq(find(false).target, n, "and u undoes that new change");
}

Test(undo_steps, the_step_is_found_even_when_the_domain_will_refuse_it)
{
    run(command_create_batch("A1", "LAMP", 10, ALLOT_NO_ETA));
    int64_t c1 = run(command_change_batch_qty("A1", 7));
    int64_t c2 = run(command_change_batch_qty("A1", 3));
    step(false, c2);
    /* u again names c1, which the undo of c2 touched since: the bus refuses it */
    UndoStep s = find(false);
    cr_assert_eq(s.target, c1);
    Command undo = command_undo(s.target);
    ErrBuf err = {{0}};
    cr_assert_eq(bus_handle(bus, &undo, NULL, &err), ALLOT_EUNDO_REFUSED);
    cr_assert(strstr(err.msg, "changed LAMP since"), "%s", err.msg);
}
