/* The feed (issue 13 point 7) on the production read model (fixture.h) and the
 * memory canvas: a command's events grouped under it in the panel, a run of one
 * kind of command by one actor (a bulk change) as one group, "+N new since you
 * looked" counting another process's events and starting again when the full feed
 * (`F`) has been looked at, and `F` drawing the event log full height, filterable. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fixture.h"
#include "tui/feed.h"

static int32_t today;

/* LAMP: W1 (10, warehouse), S1 (20, today + 5); TABLE: T1 (5).  o1, o2 LAMP 4
 * on W1; o3 TABLE 1 on T1. */
static void seed(void)
{
    fixture_open(NULL);
    today = date_from_unix(time(NULL));
    fixture_run(command_create_batch("W1", "LAMP", 10, ALLOT_NO_ETA));
    fixture_run(command_create_batch("S1", "LAMP", 20, today + 5));
    fixture_run(command_create_batch("T1", "TABLE", 5, ALLOT_NO_ETA));
    fixture_run(command_allocate("o1", "LAMP", 4));
    fixture_run(command_allocate("o2", "LAMP", 4));
    fixture_run(command_allocate("o3", "TABLE", 1));
    fixture_start();
}

TestSuite(feed, .init = seed, .fini = fixture_close);

/* The row of the panel (the rows under its title) that has `needle`, or -1. */
static int panel_row(const char *needle)
{
    fixture_draw();
    int top = tui_mem_canvas_find(fx.cv, "── Live events");
    if (top < 0)
        return -1;
    for (int y = top + 1; y < top + 5; y++)
        if (fixture_row_has(y, needle))
            return y - top - 1;
    return -1;
}

typedef struct Bulk {
    int n;
} Bulk;

/* n allocations of TABLE (o100, o101, …) as one bulk unit of work. */
static AllotStatus bulk_body(MessageBus *bus, void *ctx, ErrBuf *err)
{
    const Bulk *b = ctx;
    for (int i = 0; i < b->n; i++) {
        char id[16];
        snprintf(id, sizeof id, "o%d", 100 + i);
        Command c = command_allocate(id, "TABLE", 1);
        AllotStatus st = bus_handle(bus, &c, NULL, err);
        if (st != ALLOT_OK)
            return st;
    }
    return ALLOT_OK;
}

static void bulk_other(int n)
{
    Bulk b = {n};
    ErrBuf err;
    cr_assert_eq(bus_bulk(fx.other, bulk_body, &b, &err), ALLOT_OK, "%s", err.msg);
}

Test(feed, one_command_s_events_are_grouped_under_it_with_the_newest_beneath)
{
    /* W1 10 → 0: o1 and o2 move to S1 (BatchQuantityChanged, Reallocated ×2) */
    fixture_run_other(command_change_batch_qty("W1", 0));
    fixture_tick();
    int head = panel_row("change-qty W1 0: 3 events");
    cr_assert_eq(head, 0, "the newest group first, named as the command was typed");
    cr_assert_eq(panel_row("└ Reallocated"), 1, "its newest events under it");
    char line[256];
    fixture_line_with("└ Reallocated", line, sizeof line);
    cr_assert(strstr(line, "o2 LAMP ×4 W1 → S1"), "%s", line);
    cr_assert_eq(panel_row("allocate ×3: 3 events"), 3,
                 "the run of allocations before it, one row: %d", panel_row("allocate ×3"));
}

Test(feed, a_bulk_change_is_one_group_counting_its_commands_and_events)
{
    bulk_other(3); /* T1 has 4 left: o100..o102 allocated */
    fixture_run_other(command_create_batch("C1", "CHAIR", 2, ALLOT_NO_ETA));
    fixture_tick();
    cr_assert_eq(panel_row("BatchCreated"), 0, "a group of one event is the event's row");
    char line[256];
    fixture_line_with("BatchCreated", line, sizeof line);
    cr_assert(strstr(line, "C1 CHAIR"), "%s", line);
    /* the allocations before it: the bulk's three after the seed's three (one actor) */
    cr_assert_eq(panel_row("allocate ×6: 6 events"), 1, "one row for the run");
}

Test(feed, another_actor_or_another_kind_starts_a_new_group)
{
    bus_set_actor(fx.other, "bob@elsewhere");
    bulk_other(2);
    fixture_tick();
    cr_assert_eq(panel_row("allocate ×2: 2 events (bob@elsewhere)"), 0);
    cr_assert_gt(panel_row("allocate ×3: 3 events"), 0, "the seed's run is a group apart");
    fixture_run_other(command_cancel_line("o100", "TABLE"));
    fixture_tick();
    cr_assert_eq(panel_row("OrderLineCancelled"), 0, "a cancel is not an allocation");
    cr_assert_eq(panel_row("allocate ×2: 2 events (bob@elsewhere)"), 1);
}

Test(feed, plus_n_new_counts_another_process_s_events_until_the_feed_is_looked_at)
{
    cr_assert_not(fixture_screen_has("new since you looked"), "nothing is new at the start");
    fixture_run_other(command_change_batch_qty("W1", 0)); /* 3 events */
    fixture_tick();
    cr_assert(fixture_screen_has("+3 new since you looked (F)"));
    fixture_key('F');
    cr_assert_str_eq(tui_app_screen(fx.app), "feed");
    fixture_run_other(command_change_batch_qty("S1", 30)); /* 1 event, seen as it comes */
    fixture_tick();
    cr_assert(fixture_screen_has("BatchQuantityChanged"), "the full feed shows it");
    fixture_key('F');
    cr_assert_str_eq(tui_app_screen(fx.app), "triage", "F again closes the feed");
    cr_assert(fixture_screen_has("── Live events"));
    cr_assert_not(fixture_screen_has("new since you looked"), "looked: nothing new");
    fixture_run_other(command_cancel_line("o3", "TABLE"));
    fixture_tick();
    cr_assert(fixture_screen_has("+1 new since you looked (F)"));
}

Test(feed, f_shows_the_log_full_height_and_filters_by_type_sku_and_order)
{
    for (int i = 0; i < 12; i++) { /* 24 more events: more than the main area holds */
        fixture_run_other(command_change_batch_qty("S1", 21 + i));
        fixture_run_other(command_change_batch_qty("T1", 6 + i));
    }
    fixture_tick();
    fixture_key('F');
    fixture_draw();
    cr_assert_lt(tui_mem_canvas_find(fx.cv, "── Live events"), 0, "no panel under the feed");
    /* rows 3 (the heading) .. 21 (above the status line and the footer) */
    cr_assert(fixture_row_has(4, "BatchQuantityChanged"), "the newest first");
    cr_assert(fixture_row_has(21, "BatchQuantityChanged"),
              "the feed's own rows hold events too (full height)");
    fixture_type("/sku:TABLE type:batchq\n");
    cr_assert(fixture_main_has("T1 TABLE 16 → 17"), "the newest of TABLE's quantity changes");
    cr_assert_not(fixture_main_has("S1 LAMP"), "sku:TABLE keeps TABLE's events only");
    cr_assert_not(fixture_main_has("Allocated"), "type: keeps BatchQuantityChanged only");
    fixture_type("/order:o3\n");
    cr_assert(fixture_main_has("o3 TABLE"));
    cr_assert_not(fixture_main_has("o1 LAMP"));
    cr_assert_not(fixture_main_has("T1 TABLE"), "order:o3 keeps the events of o3");
    fixture_key('q');
    cr_assert_str_eq(tui_app_screen(fx.app), "triage");
}

Test(feed, a_what_if_step_is_a_group_of_its_own_and_leaves_with_the_session)
{
    fixture_type("w");
    cr_assert(tui_app_in_whatif(fx.app));
    fixture_type(":change-qty W1 0\n"); /* o1, o2 move to S1 in the sandbox */
    cr_assert(tui_app_confirming(fx.app), "%s", tui_app_status(fx.app));
    fixture_type("y");
    cr_assert_eq(panel_row("what-if: change-qty W1 0: 3 events"), 0, "the step, named, first");
    char line[256];
    cr_assert(strstr(fixture_line_with("what-if: change-qty", line, sizeof line), "Δ"), "%s",
              line);
    cr_assert_eq(panel_row("allocate ×3: 3 events"), 3, "the live groups apart, under its events");
    fixture_type("D");
    fixture_type("y");
    cr_assert_not(tui_app_in_whatif(fx.app));
    cr_assert_not(fixture_screen_has("what-if:"), "the session's events left the feed");
    cr_assert_eq(panel_row("allocate ×3: 3 events"), 0, "the live groups stay");
}

/* "allocate ×N: M events" for counts n, m (with the thousands separated). */
static const char *run_text(int64_t n, int64_t m, const char *more, char *buf, size_t size)
{
    char a[32], b[32];
    snprintf(buf, size, "allocate ×%s%s: %s%s events", tui_thousands(n, a, sizeof a), more,
             tui_thousands(m, b, sizeof b), more);
    return buf;
}

Test(feed, a_long_run_is_read_a_bounded_slice_per_poll_and_counted_whole)
{
    int n = TUI_FEED_READ_MAX + 1000;
    bulk_other(n);
    fixture_tick();
    char want[96], fresh[64], k[32];
    snprintf(fresh, sizeof fresh, "+%s new since you looked", tui_thousands(n, k, sizeof k));
    cr_assert(fixture_screen_has(fresh), "every new event is counted, read or not yet");
    cr_assert_eq(panel_row(run_text(3 + TUI_FEED_READ_MAX, 3 + TUI_FEED_READ_MAX, "", want,
                                    sizeof want)),
                 0, "one poll read %d of them: %s", TUI_FEED_READ_MAX, want);
    fixture_tick();
    cr_assert_eq(panel_row(run_text(3 + n, 3 + n, "", want, sizeof want)), 0,
                 "the next poll read the rest: %s", want);
    cr_assert(fixture_screen_has(fresh));
}

Test(feed, a_group_begun_before_the_events_read_at_the_start_says_so)
{
    bulk_other(TUI_FEED_BACK + 100);
    tui_app_free(fx.app);
    fixture_start(); /* allot opened on the longer log */
    char want[96];
    cr_assert_eq(panel_row(run_text(TUI_FEED_BACK + 1, TUI_FEED_BACK + 1, "+", want,
                                    sizeof want)),
                 0, "read back %d events and the one before: %s", TUI_FEED_BACK, want);
    cr_assert_not(fixture_screen_has("new since you looked"), "nothing is new at the start");
}

/* SPEC.md §6 "a filter over a million rows answers within 50 ms" (issue 13 point 2):
 * a key typed into a filter of the event log reads a bounded slice of it (25,000
 * ids, bench_tui: 7 ms), and a page it cannot fill within that says how far it got
 * and goes on from there. */
Test(feed, a_filter_on_the_event_log_reads_a_bounded_slice_of_ids_per_key)
{
    bulk_other(30000);
    fixture_tick();
    fixture_type("E/sku:NONE");
    char line[256];
    fixture_line_with("searching…", line, sizeof line);
    cr_assert(strstr(line, "(25,000 read)"), "the first page read 25,000 ids: '%s'", line);
    cr_assert(strstr(line, "events to go"), "%s", line);
}
