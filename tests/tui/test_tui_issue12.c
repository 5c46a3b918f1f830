/* The defects of issue 12, each as a planner hit it, on the production read model. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fixture.h"

static int32_t today;

static void seed(void)
{
    fixture_open(NULL);
    today = date_from_unix(time(NULL));
    fixture_run(command_create_batch("W1", "LAMP", 10, ALLOT_NO_ETA));
    fixture_run(command_create_batch("S1", "LAMP", 20, today + 5));
    fixture_run(command_create_batch("T1", "TABLE", 2, ALLOT_NO_ETA));
    fixture_run(command_allocate("o1", "LAMP", 4));
    fixture_run(command_allocate("o2", "LAMP", 4));
    fixture_run(command_allocate("o3", "TABLE", 5));
    fixture_start();
}

TestSuite(issue12, .init = seed, .fini = fixture_close);

static bool in_whatif(void) { return tui_app_in_whatif(fx.app); }

/* --- the live feed stays live in a session; sandbox events are apart and marked --- */

Test(issue12, in_a_session_the_feed_shows_live_events_and_marks_the_sandboxs)
{
    fixture_type("wB");
    cr_assert(in_whatif());
    fixture_key('+'); /* W1 10 → 11 in the sandbox: no line moves */
    cr_assert_not(tui_app_confirming(fx.app));
    fixture_run_other(command_change_batch_qty("S1", 33)); /* another process, live */
    fixture_tick();
    char line[1024];
    fixture_line_with("S1 LAMP 20 → 33", line, sizeof line);
    cr_assert(line[0], "the other process's live event is in the feed");
    cr_assert_null(strstr(line, "what-if"), "a live event is not marked: %s", line);
    fixture_line_with("W1 LAMP 10 → 11", line, sizeof line);
    cr_assert(line[0], "the sandbox's event is in the feed");
    cr_assert(strstr(line, "what-if"), "and marked as the sandbox's: %s", line);
}

Test(issue12, in_a_session_the_events_screen_gives_no_two_events_the_same_id)
{
    int64_t live_before;
    ErrBuf err;
    cr_assert_eq(views_latest_event_id(fx.views, &live_before, &err), ALLOT_OK);
    fixture_type("wB+");
    fixture_run_other(command_change_batch_qty("S1", 33));
    fixture_tick();
    fixture_type("E");
    cr_assert_str_eq(tui_app_screen(fx.app), "events");
    char id[32], line[1024];
    snprintf(id, sizeof id, " %lld ", (long long)(live_before + 1));
    int found = 0;
    fixture_draw();
    for (int y = 2; y < 16; y++) {
        tui_mem_canvas_line(fx.cv, y, line, sizeof line);
        if (strstr(line, id))
            found++;
    }
    cr_assert_eq(found, 1, "id %lld names one event (the live one)", (long long)(live_before + 1));
    cr_assert(fixture_main_has("S1 LAMP 20 → 33"), "the live event is listed");
    fixture_line_with("W1 LAMP 10 → 11", line, sizeof line);
    cr_assert(strstr(line, "what-if"), "the sandbox's event is listed and marked: %s", line);
}

Test(issue12, todays_events_on_triage_mark_which_are_the_sandboxs)
{
    fixture_type("wB+T");
    fixture_run_other(command_change_batch_qty("S1", 33));
    fixture_tick();
    fixture_resize(30, 140); /* room for the details in the panel */
    char line[1024];
    int live = -1, mine = -1;
    fixture_draw();
    for (int y = 3; y < 23; y++) {
        tui_mem_canvas_line(fx.cv, y, line, sizeof line);
        if (strstr(line, "S1 LAMP 20 → 33"))
            live = y;
        if (strstr(line, "W1 LAMP 10 → 11"))
            mine = y;
    }
    cr_assert(live > 0, "the live event is in Today's events");
    cr_assert(mine > 0, "so is the sandbox's");
    tui_mem_canvas_line(fx.cv, mine, line, sizeof line);
    cr_assert(strstr(line, "w1") && strstr(line, "what-if"), "the sandbox's is marked: %s", line);
    tui_mem_canvas_line(fx.cv, live, line, sizeof line);
    cr_assert_null(strstr(line, "what-if"), "the live one is not: %s", line);
}

/* --- leaving or discarding a session always asks --- */

Test(issue12, D_asks_before_discarding_a_session)
{
    fixture_type("wB+");
    fixture_key('D');
    cr_assert(in_whatif(), "not discarded yet");
    cr_assert(tui_app_confirming(fx.app));
    cr_assert(fixture_screen_has("Discard"));
    fixture_key('n');
    cr_assert(in_whatif());
    fixture_type("Dy");
    cr_assert_not(in_whatif());
}

Test(issue12, Q_and_q_on_a_too_small_terminal_ask_when_a_session_is_open)
{
    fixture_type("wB+");
    fixture_resize(20, 60);
    fixture_key('Q');
    cr_assert_not(tui_app_done(fx.app), "Q asked first");
    cr_assert(fixture_screen_has("Quit and discard"), "the question is on the small screen");
    fixture_key('n');
    cr_assert_not(tui_app_done(fx.app));
    fixture_key('q');
    cr_assert_not(tui_app_done(fx.app), "q asked first");
    fixture_key('y');
    cr_assert(tui_app_done(fx.app));
}

/* --- nothing hidden takes keys on a too-small terminal --- */

Test(issue12, a_hidden_confirmation_takes_no_keys_on_a_too_small_terminal)
{
    fixture_type("B"); /* W1 selected */
    fixture_type("c0\n");
    cr_assert(tui_app_confirming(fx.app));
    fixture_resize(20, 60);
    fixture_key('y');
    BatchRow b;
    cr_assert(fixture_batch("W1", &b));
    cr_assert_eq(b.qty, 10, "y on the hidden question applied nothing");
    fixture_resize(24, 80);
    cr_assert(tui_app_confirming(fx.app), "the question is back when the terminal grows");
    fixture_key('n');
    cr_assert(fixture_batch("W1", &b));
    cr_assert_eq(b.qty, 10);
}

Test(issue12, a_hidden_prompt_takes_no_keys_on_a_too_small_terminal)
{
    fixture_key(':');
    cr_assert(tui_app_prompting(fx.app));
    fixture_resize(20, 60);
    fixture_type("allocate o9 LAMP 1\n");
    char place[64];
    cr_assert_null(fixture_line_place("o9", "LAMP", place, sizeof place), "nothing ran");
    fixture_resize(24, 80);
    cr_assert(tui_app_prompting(fx.app), "the prompt is back");
    cr_assert_not(fixture_screen_has("allocate o9"), "and got none of the keys");
}

/* --- Apply works the outcome out again right before y --- */

static void delay_w1(void)
{
    fixture_type("wB14d");
    cr_assert(tui_app_confirming(fx.app));
    fixture_key('y');
    cr_assert(fixture_screen_has("1 change"));
}

Test(issue12, apply_shows_the_new_outcome_and_asks_again_when_live_changed_before_y)
{
    delay_w1();
    fixture_key('A');
    cr_assert(tui_app_confirming(fx.app));
    cr_assert(fixture_main_has("o1") && fixture_main_has("o2"), "both lines move to S1");
    fixture_run_other(command_change_batch_qty("S1", 4)); /* room for o1 only */
    fixture_key('y');
    BatchRow b;
    cr_assert(fixture_batch("W1", &b));
    cr_assert_eq(b.eta, ALLOT_NO_ETA, "nothing applied: the outcome shown is no longer true");
    cr_assert(tui_app_confirming(fx.app), "asked again");
    cr_assert(in_whatif());
    fixture_key('y');
    cr_assert_not(in_whatif());
    cr_assert(fixture_batch("W1", &b));
    cr_assert_eq(b.eta, today + 14);
    cr_assert(strstr(tui_app_status(fx.app), "as predicted"), "%s", tui_app_status(fx.app));
}

Test(issue12, apply_never_reports_a_difference_of_zero_lines)
{
    delay_w1();
    fixture_run_other(command_change_batch_qty("S1", 30)); /* no line moves, more room */
    fixture_tick();
    fixture_key('A');
    cr_assert(tui_app_confirming(fx.app));
    fixture_key('y');
    if (tui_app_confirming(fx.app)) /* re-worked: the same lines move */
        fixture_key('y');
    cr_assert_not(in_whatif());
    const char *st = tui_app_status(fx.app);
    cr_assert_null(strstr(st, "for 0 lines"), "%s", st);
    cr_assert(strstr(st, "as predicted"), "%s", st);
}

/* --- the banner keeps the breadcrumb; Apply and Discard keep navigation --- */

Test(issue12, the_banner_keeps_breadcrumb_sort_and_filter_and_discard_keeps_them)
{
    fixture_type("B[/S1\n"); /* [: by REF, the column under the column cursor */
    cr_assert(fixture_row_has(2, "sort: REF▲") || (fixture_draw(), fixture_row_has(2, "sort: REF▲")));
    fixture_key('w');
    fixture_draw();
    cr_assert(fixture_row_has(2, "WHAT-IF"), "the banner");
    cr_assert(fixture_row_has(2, "Batches"), "the breadcrumb");
    cr_assert(fixture_row_has(2, "sort: REF▲"), "the sort");
    cr_assert(fixture_row_has(2, "filter: \"S1\""), "the filter");
    fixture_key('D');
    if (tui_app_confirming(fx.app))
        fixture_key('y');
    cr_assert_not(in_whatif());
    cr_assert_str_eq(tui_app_screen(fx.app), "batches");
    fixture_draw();
    cr_assert(fixture_row_has(2, "sort: REF▲"), "discard kept the sort");
    cr_assert(fixture_row_has(2, "filter: \"S1\""), "discard kept the filter");
}

Test(issue12, apply_keeps_the_screen_and_its_selection)
{
    fixture_type("B");
    fixture_key('j'); /* S1 */
    cr_assert(fixture_main_has("▶ S1"));
    fixture_key('w');
    fixture_key('+');
    fixture_type("Ay");
    cr_assert_not(in_whatif());
    cr_assert_str_eq(tui_app_screen(fx.app), "batches");
    cr_assert(fixture_main_has("▶ S1"), "still on S1");
}

/* --- the selection follows its row by identity --- */

Test(issue12, the_selection_follows_its_row_after_another_processs_bulk_change)
{
    fixture_type("P[");
    cr_assert_str_eq(tui_app_screen(fx.app), "products");
    fixture_key('j');
    cr_assert(fixture_main_has("▶ TABLE"));
    char ref[32], sku[32];
    for (int i = 0; i < 60; i++) { /* 60 SKUs that sort before TABLE */
        snprintf(ref, sizeof ref, "A%02d", i);
        snprintf(sku, sizeof sku, "A%02d", i);
        fixture_run_other(command_create_batch(ref, sku, 1, ALLOT_NO_ETA));
    }
    fixture_tick();
    cr_assert(fixture_main_has("▶ TABLE"), "still on TABLE, wherever it moved");
}

Test(issue12, the_selection_says_so_when_its_row_is_gone)
{
    fixture_type("O"); /* Backorders: o3 TABLE */
    cr_assert(fixture_main_has("▶ o3"));
    fixture_run_other(command_cancel_line("o3", "TABLE"));
    fixture_tick();
    cr_assert(strstr(tui_app_status(fx.app), "o3") && strstr(tui_app_status(fx.app), "gone"),
              "%s", tui_app_status(fx.app));
}

/* --- Tab completes over every candidate, with the real count, in context --- */

Test(issue12, tab_counts_every_candidate)
{
    char ref[32], sku[32];
    for (int i = 0; i < 40; i++) {
        snprintf(ref, sizeof ref, "R%02d", i);
        snprintf(sku, sizeof sku, "S%02d", i);
        fixture_run(command_create_batch(ref, sku, 1, ALLOT_NO_ETA));
    }
    fixture_type(":allocate o1 S\t");
    cr_assert(fixture_screen_has("40 candidates"), "the real count");
}

Test(issue12, tab_completes_the_prefix_common_to_every_candidate)
{
    char ref[32], sku[32];
    for (int i = 0; i < 32; i++) {
        snprintf(ref, sizeof ref, "R%02d", i);
        snprintf(sku, sizeof sku, "AB%02d", i);
        fixture_run(command_create_batch(ref, sku, 1, ALLOT_NO_ETA));
    }
    fixture_run(command_create_batch("RC", "AC1", 1, ALLOT_NO_ETA));
    fixture_type(":allocate o1 A\t");
    cr_assert_not(fixture_screen_has(":allocate o1 AB"), "AC1 starts with A but not AB");
    cr_assert(fixture_screen_has("33 candidates"));
}

Test(issue12, tab_after_an_order_id_offers_that_orders_skus)
{
    fixture_type(":cancel o3 \t");
    cr_assert(fixture_screen_has(":cancel o3 TABLE"), "o3 has one line: TABLE");
}

/* --- numbers are never cut --- */

Test(issue12, a_big_quantity_is_shown_whole_in_the_batches_list_and_on_triage)
{
    fixture_run(command_change_batch_qty("S1", 1000000000));
    fixture_tick();
    cr_assert(fixture_main_has("1000000000"), "Triage's shipments due");
    fixture_type("B");
    char line[1024];
    fixture_line_with("S1 ", line, sizeof line);
    const char *q = strstr(line, "1000000000");
    cr_assert(q && strstr(q + 10, "1000000000"), "Batches: its qty and available, whole: %s",
              line);
}
