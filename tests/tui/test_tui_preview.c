/* The preview of a change: computed by running the command on a copy of the one
 * product, never guessed, and never touching the live data (SPEC.md §5). */
#include <criterion/criterion.h>
#include <string.h>

#include "app/bootstrap.h"
#include "persistence/memory_uow.h"
#include "tui/preview.h"

static void quiet(Logger *l, const char *line) { (void)l, (void)line; }
static Logger lg = {quiet};
static UnitOfWork *uow;
static MessageBus *bus;
static TuiPreview pv;

static void run(Command c)
{
    ErrBuf err;
    cr_assert_eq(bus_handle(bus, &c, NULL, &err), ALLOT_OK, "%s", err.msg);
}

static void setup(void)
{
    uow = memory_uow_new();
    bus = bootstrap(uow, NULL, NULL, &lg);
    run(command_create_batch("W1", "LAMP", 10, ALLOT_NO_ETA));
    run(command_create_batch("S1", "LAMP", 4, 20500));
    run(command_create_batch("S2", "LAMP", 50, 20400));
    run(command_allocate("o1", "LAMP", 4));
    run(command_allocate("o2", "LAMP", 4));
    run(command_allocate("o3", "LAMP", 2));
    run(command_create_batch("X1", "OTHER", 1, ALLOT_NO_ETA));
    tui_preview_init(&pv);
}

static void teardown(void)
{
    tui_preview_fini(&pv);
    bus_free(bus);
    uow_free(uow);
}

TestSuite(tui_preview, .init = setup, .fini = teardown);

static size_t events_in_log(void) { return memory_uow_event_log(uow)->len; }

Test(tui_preview, a_quantity_cut_lists_the_newest_lines_and_where_they_go)
{
    size_t before = events_in_log();
    Command c = command_change_batch_qty("W1", 4);
    ErrBuf err;
    cr_assert_eq(tui_preview_command(uow, &c, NULL, &pv, &err), ALLOT_OK, "%s", err.msg);
    cr_assert_eq(pv.len, 2);
    cr_assert_str_eq(pv.moves[0].orderid, "o2");
    cr_assert_str_eq(pv.moves[0].from, "W1");
    cr_assert_str_eq(pv.moves[0].to, "S2", "S2 (earlier ETA) has room");
    cr_assert_str_eq(pv.moves[1].orderid, "o3");
    cr_assert_str_eq(pv.moves[1].to, "S2");
    cr_assert_eq(pv.backordered, 0);
    cr_assert_gt(pv.events.len, 0);
    cr_assert_eq(events_in_log(), before, "the live store is untouched");
    const Product *p = memory_uow_product(uow, 0);
    cr_assert_eq(product_find_batch(p, "W1")->qty, 10);
}

Test(tui_preview, lines_with_nowhere_to_go_are_shown_as_backordered)
{
    run(command_change_batch_qty("S2", 0));
    Command c = command_change_batch_qty("W1", 0);
    ErrBuf err;
    cr_assert_eq(tui_preview_command(uow, &c, NULL, &pv, &err), ALLOT_OK);
    /* o1 (4) fits S1 (4); o2 and o3 have nowhere to go */
    cr_assert_eq(pv.len, 3);
    cr_assert_eq(pv.backordered, 2);
    cr_assert_str_eq(pv.moves[0].to, "S1");
    cr_assert_str_eq(pv.moves[1].to, "");
    cr_assert_str_eq(pv.moves[2].to, "");
}

Test(tui_preview, an_eta_change_lists_the_reallocations)
{
    /* W1 gets an ETA after S2: its lines move to S2 which now sorts first */
    Command c = command_change_batch_eta("W1", 20600);
    ErrBuf err;
    cr_assert_eq(tui_preview_command(uow, &c, NULL, &pv, &err), ALLOT_OK);
    cr_assert_eq(pv.len, 3);
    for (size_t i = 0; i < pv.len; i++)
        cr_assert_str_eq(pv.moves[i].to, "S2");
}

Test(tui_preview, a_refused_command_gives_the_same_error_as_the_bus)
{
    Command c = command_change_batch_qty("NOPE", 1);
    ErrBuf err = {{0}};
    cr_assert_eq(tui_preview_command(uow, &c, NULL, &pv, &err), ALLOT_EUNKNOWN_BATCH);
    cr_assert(strstr(err.msg, "NOPE"));
    Command a = command_allocate("o9", "NOSUCH", 1);
    cr_assert_eq(tui_preview_command(uow, &a, NULL, &pv, &err), ALLOT_EINVALID_SKU);
}

Test(tui_preview, a_change_that_moves_nothing_has_no_moves)
{
    Command c = command_change_batch_qty("W1", 100);
    ErrBuf err;
    cr_assert_eq(tui_preview_command(uow, &c, NULL, &pv, &err), ALLOT_OK);
    cr_assert_eq(pv.len, 0);
}
