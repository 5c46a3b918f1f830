/* The TUI app over the real store, without a terminal: the SQLite unit of work for
 * commands, the read model on its own connection, and a second unit of work on the
 * same file playing "another process" (fixture.h; SPEC.md §2 "Other processes'
 * events appear in a running TUI within 1 s"; §5). */
#include <criterion/criterion.h>
#include <string.h>

#include "fixture.h"
#include "persistence/sqlite_uow.h"

#define app fx.app
#define main_has fixture_main_has
#define screen_has fixture_screen_has
#define tick fixture_tick

static void setup(void)
{
    fixture_open(NULL);
    fixture_run(command_create_batch("W1", "LAMP", 10, ALLOT_NO_ETA));
    fixture_run(command_create_batch("S1", "LAMP", 20, 20500));
    fixture_run(command_create_batch("T1", "TABLE", 2, ALLOT_NO_ETA));
    fixture_run(command_allocate("o1", "LAMP", 4));
    fixture_run(command_allocate("o2", "LAMP", 4));
    fixture_run(command_allocate("o3", "TABLE", 5));
    fixture_start();
}

TestSuite(tui_app_sqlite, .init = setup, .fini = fixture_close);

static int64_t qty_of(const char *ref)
{
    BatchRow b;
    cr_assert(fixture_batch(ref, &b));
    return b.qty;
}

Test(tui_app_sqlite, another_connections_commit_shows_on_the_next_tick_with_the_selection_kept)
{
    tui_app_type(app, "\t\tj"); /* Batches, on S1 (after W1) */
    cr_assert(main_has("▶ S1"));
    fixture_run_other(command_create_batch("A0", "AAA", 3, ALLOT_NO_ETA)); /* sorts first */
    cr_assert_not(main_has("A0"), "not before the tick");
    tick();
    cr_assert(main_has("A0"));
    cr_assert(main_has("▶ S1"), "the selection stayed on S1");
    cr_assert(screen_has("BatchCreated"), "the feed shows the other process's event");
}

Test(tui_app_sqlite, a_quantity_change_through_the_tui_is_stored_with_its_events)
{
    tui_app_type(app, "\t\t"); /* W1 selected */
    tui_app_type(app, "c2\n");
    cr_assert(tui_app_confirming(app));
    cr_assert(screen_has("→ S1"), "o2 (newest) moves to S1");
    tui_app_type(app, "y");
    cr_assert(screen_has("Reallocated"));
    /* what another reader sees */
    BatchRow b;
    cr_assert(fixture_batch("W1", &b));
    cr_assert_eq(b.qty, 2);
    cr_assert_eq(b.allocated, 0);
}

Test(tui_app_sqlite, a_cancel_from_the_backorders_screen_frees_the_line)
{
    tui_app_type(app, "\t\t\t"); /* Backorders: o3 TABLE */
    cr_assert(main_has("o3"));
    tui_app_type(app, "xy");
    cr_assert(screen_has("OrderLineCancelled"));
    cr_assert_not(main_has("o3"));
}

/* The reported case: the question is open on W1 → 0 while another process cancels
 * o1 and allocates o4 on LAMP; the list follows, and `y` applies what is shown. */
Test(tui_app_sqlite, an_open_confirmation_follows_another_processs_commit)
{
    tui_app_type(app, "\t\t"); /* W1 selected */
    tui_app_type(app, "c0\n");
    cr_assert(tui_app_confirming(app));
    cr_assert(main_has("o1"));
    cr_assert_not(main_has("o4"));
    fixture_run_other(command_cancel_line("o1", "LAMP"));
    fixture_run_other(command_allocate("o4", "LAMP", 5)); /* W1's room: lands there */
    tick();
    cr_assert(tui_app_confirming(app), "still asking");
    cr_assert(main_has("UPDATED (data changed)"));
    cr_assert(main_has("o4"), "the other process's line is listed");
    cr_assert_not(main_has("o1 "), "the cancelled line is not");
    tui_app_type(app, "y");
    cr_assert_not(tui_app_confirming(app));
    cr_assert_eq(qty_of("W1"), 0);
}

static bool give_up(void *ctx, int64_t waited_ms)
{
    (void)ctx;
    (void)waited_ms;
    return false; /* Esc at once (term.c wait_for_lock) */
}

/* docs/tui.md "A write that waits for another process": giving up on the lock says
 * "…(…: gave up waiting); nothing changed".  The preview before the question only
 * reads (a read transaction, no write lock), so it opens while the other process
 * holds the lock; the write after "y" is the one that waits. */
Test(tui_app_sqlite, giving_up_on_another_processs_lock_says_nothing_changed)
{
    ErrBuf err = {{0}};
    SqliteBusyWait w = {give_up, NULL};
    sqlite_uow_set_busy_wait(fx.uow, &w);
    tui_app_type(app, "\t\t"); /* W1 selected */
    cr_assert_eq(uow_begin(fx.other_uow, &err), ALLOT_OK, "%s", err.msg);
    tui_app_type(app, "c0\n");
    cr_assert(tui_app_confirming(app), "the preview is read while the other process writes");
    tui_app_type(app, "y");
    uow_rollback(fx.other_uow);
    sqlite_uow_set_busy_wait(fx.uow, NULL);
    cr_assert_not(tui_app_confirming(app));
    const char *s = tui_app_status(app);
    cr_assert(strstr(s, "gave up waiting); nothing changed"), "status: %s", s);
    cr_assert_eq(qty_of("W1"), 10);
}
