/* The what-if summary (`W`, issue 13 point 8) in the TUI app over the real store,
 * without a terminal (tests/e2e/tui_summary_e2e.sh does it in tmux): the orders
 * whose complete date changes, worst first, with before/after dates and slips;
 * the session's steps; dropping one works the rest out again, and a step that is
 * refused without it is named, never skipped in silence. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fixture.h"

#define app fx.app

static int32_t today;
static char d0[ALLOT_DATE_TEXT], d5[ALLOT_DATE_TEXT], d20[ALLOT_DATE_TEXT];

/* LAMP: W1 (10, warehouse) holds o1 ×4, o2 ×4, o5 ×2; S1 (10, today + 5) holds
 * o3 ×6; S2 (10, today + 20) is empty.  TABLE: T1 (5, warehouse) holds o4 ×2 and
 * o5 ×1; o8 TABLE ×10 waits.  Every order but o8 is complete today. */
static void setup(void)
{
    fixture_open(NULL);
    today = date_from_unix(time(NULL));
    date_format(today, d0);
    date_format(today + 5, d5);
    date_format(today + 20, d20);
    fixture_run(command_create_batch("W1", "LAMP", 10, ALLOT_NO_ETA));
    fixture_run(command_create_batch("S1", "LAMP", 10, today + 5));
    fixture_run(command_create_batch("S2", "LAMP", 10, today + 20));
    fixture_run(command_create_batch("T1", "TABLE", 5, ALLOT_NO_ETA));
    fixture_run(command_allocate("o1", "LAMP", 4));
    fixture_run(command_allocate("o2", "LAMP", 4));
    fixture_run(command_allocate("o3", "LAMP", 6));
    fixture_run(command_allocate("o4", "TABLE", 2));
    fixture_run(command_allocate("o5", "LAMP", 2));
    fixture_run(command_allocate("o5", "TABLE", 1));
    fixture_run(command_allocate("o8", "TABLE", 10));
    fixture_start();
}

TestSuite(whatif_summary, .init = setup, .fini = fixture_close);

static const char *status(void) { return tui_app_status(app); }

/* Runs a line of the grammar in the session through the `:` prompt, saying yes
 * to its preview if it asks. */
static void step(const char *line)
{
    char keys[200];
    snprintf(keys, sizeof keys, ":%s\n", line);
    fixture_type(keys);
    if (tui_app_confirming(app))
        fixture_key('y');
    cr_assert_not(tui_app_confirming(app), "%s", status());
    cr_assert(strstr(status(), "done"), "%s: %s", line, status());
}

/* The screen row holding `needle`, or -1. */
static int row_of(const char *needle)
{
    fixture_draw();
    for (int y = 0; y < 24; y++)
        if (fixture_row_has(y, needle))
            return y;
    return -1;
}

/* Asserts the row with `order` shows `before`, `after` and `slip`; returns it. */
static int order_row(const char *order, const char *before, const char *after, const char *slip)
{
    char needle[64], line[256];
    snprintf(needle, sizeof needle, " %s ", order); /* "  o7 ", or "▶ o7 " selected */
    int y = row_of(needle);
    cr_assert_geq(y, 0, "no row of %s", order);
    fixture_line_with(needle, line, sizeof line);
    char want[160];
    snprintf(want, sizeof want, "%-10s  %-10s  %s", before, after, slip);
    cr_assert(strstr(line, want), "%s: want \"%s\" in \"%s\"", order, want, line);
    return y;
}

/* w, then: W1 down to 4 (o5 → S2 +20 days, o2 → S1 +5 days); o7 ×50 waits (a new
 * backorder); B9 TABLE 20 in the warehouse (o8's backorder filled). */
static void three_steps(void)
{
    fixture_key('w');
    cr_assert(tui_app_in_whatif(app));
    step("change-qty W1 4");
    step("allocate o7 LAMP 50");
    step("add-batch B9 TABLE 20");
    cr_assert(fixture_screen_has("3 changes"));
}

Test(whatif_summary, lists_the_orders_that_change_worst_first_and_the_steps)
{
    three_steps();
    fixture_key('W');
    cr_assert_str_eq(tui_app_screen(app), "summary", "%s", status());
    cr_assert(fixture_screen_has("What-if summary: 4 orders change, worst slip first · 3 steps"));
    int o7 = order_row("o7", "-", "waits", "BACKORDER");
    int o5 = order_row("o5", d0, d20, "+20 days");
    int o2 = order_row("o2", d0, d5, "+5 days");
    int o8 = order_row("o8", "waits", d0, "filled");
    cr_assert(o7 < o5 && o5 < o2 && o2 < o8,
              "newly waiting first, then the largest slip, then filled: %d %d %d %d", o7, o5, o2,
              o8);
    cr_assert_not(fixture_main_has(" o1 "), "o1 stays on W1: its complete date does not change");
    cr_assert_not(fixture_main_has(" o3 "), "o3 does not change");
    int s1 = row_of(" 1  change-qty W1 4");
    int s2 = row_of(" 2  allocate o7 LAMP 50");
    int s3 = row_of(" 3  add-batch B9 TABLE 20");
    cr_assert(s1 > o8 && s2 == s1 + 1 && s3 == s2 + 1, "the steps in order, under the orders");
    cr_assert(fixture_screen_has("d/Delete drop step"), "the footer names the drop key");
    char line[256];
    fixture_line_with(" 2  allocate o7 LAMP 50", line, sizeof line);
    cr_assert(strstr(line, "· 1 event"), "its OutOfStock: %s", line);
}

Test(whatif_summary, dropping_a_step_works_the_rest_out_again)
{
    three_steps();
    fixture_key('W');
    fixture_key('l'); /* the steps */
    fixture_key('g');
    fixture_key('d');
    cr_assert_not(tui_app_confirming(app), "no later step depends on it: %s", status());
    cr_assert(strstr(status(), "dropped step 1 of 3 (change-qty W1 4)"), "%s", status());
    cr_assert(fixture_screen_has("2 changes"), "the banner counts the steps left");
    cr_assert(fixture_screen_has("What-if summary: 2 orders change, worst slip first · 2 steps"));
    order_row("o7", "-", "waits", "BACKORDER");
    order_row("o8", "waits", d0, "filled");
    cr_assert_not(fixture_main_has(" o5 "), "o5 stays on W1 without the change of W1");
    cr_assert_not(fixture_main_has(" o2 "), "o2 stays on W1 without the change of W1");
    cr_assert_geq(row_of(" 1  allocate o7 LAMP 50"), 0);
    cr_assert_geq(row_of(" 2  add-batch B9 TABLE 20"), 0);
    cr_assert_not(fixture_main_has("change-qty W1 4"));
    /* the screens read the re-worked sandbox: W1 keeps its 10 */
    fixture_key('q');
    fixture_type(":batch W1\n");
    cr_assert(fixture_screen_has("Batch W1"), "%s", status());
    cr_assert_not(fixture_screen_has("qty10→4"), "W1 is as live now");
    /* nothing reached the live data */
    BatchRow w1;
    cr_assert(fixture_batch("W1", &w1));
    cr_assert_eq(w1.qty, 10);
    char place[64];
    cr_assert_null(fixture_line_place("o7", "LAMP", place, sizeof place));
    cr_assert_str_eq(fixture_line_place("o5", "LAMP", place, sizeof place), "W1");
}

Test(whatif_summary, a_step_refused_without_the_dropped_one_is_named_and_asked_about)
{
    fixture_key('w');
    step("add-batch B9 TABLE 3");
    step("change-qty B9 1");
    step("allocate o7 LAMP 1");
    fixture_key('W');
    fixture_key('l');
    fixture_key('g');
    fixture_key(TK_DELETE);
    cr_assert(tui_app_confirming(app), "step 2 needs B9: %s", status());
    cr_assert(fixture_screen_has("Drop step 1 (add-batch B9 TABLE 3) and 1 later step refused "
                                 "without it?"));
    cr_assert(fixture_screen_has("step 2 (change-qty B9 1): unknown batch reference B9"));
    fixture_key('n');
    cr_assert_not(tui_app_confirming(app));
    cr_assert(fixture_screen_has("3 changes"), "n changes nothing");
    cr_assert_geq(row_of(" 1  add-batch B9 TABLE 3"), 0);
    fixture_key('d');
    cr_assert(tui_app_confirming(app));
    fixture_key('y');
    cr_assert(strstr(status(), "dropped step 1 of 3 (add-batch B9 TABLE 3), and, refused without "
                               "it, step 2 (change-qty B9 1): unknown batch reference B9"),
              "%s", status());
    cr_assert(fixture_screen_has("1 change"), "%s", status());
    cr_assert_geq(row_of(" 1  allocate o7 LAMP 1"), 0, "the step that did not depend on it stays");
    cr_assert_not(fixture_main_has("B9"), "the steps of B9 are gone");
}

Test(whatif_summary, an_undo_of_the_dropped_step_is_refused_with_the_reason)
{
    fixture_key('w');
    step("change-qty W1 4");
    fixture_key('u');
    cr_assert(tui_app_confirming(app), "u asks: %s", status());
    fixture_key('y');
    cr_assert(fixture_screen_has("2 changes"), "%s", status());
    fixture_key('W');
    fixture_key('l');
    fixture_key('g');
    fixture_key('d');
    cr_assert(tui_app_confirming(app), "%s", status());
    cr_assert(fixture_screen_has("it undoes step 1, which is dropped"));
    fixture_key('y');
    cr_assert(fixture_screen_has("0 changes"), "%s", status());
    cr_assert(fixture_screen_has("(no steps yet)"));
}

Test(whatif_summary, outside_a_session_W_says_there_is_none_and_the_summary_goes_with_the_session)
{
    fixture_key('W');
    cr_assert_str_eq(tui_app_screen(app), "triage");
    cr_assert(strstr(status(), "no what-if session is open"), "%s", status());
    three_steps();
    fixture_key('W');
    cr_assert_str_eq(tui_app_screen(app), "summary");
    fixture_key('D');
    fixture_key('y');
    cr_assert_not(tui_app_in_whatif(app));
    cr_assert_str_neq(tui_app_screen(app), "summary", "no summary of a session that is gone");
}

Test(whatif_summary, d_on_the_orders_panel_says_where_the_steps_are)
{
    three_steps();
    fixture_key('W');
    fixture_key('d');
    cr_assert(strstr(status(), "d drops a step: l or Right moves to the steps"), "%s", status());
    cr_assert(fixture_screen_has("3 changes"));
    fixture_key(TK_ENTER);
    cr_assert_str_eq(tui_app_screen(app), "order", "Enter opens the worst order");
    cr_assert(fixture_screen_has("Order o7"), "%s", status());
}

Test(whatif_summary, every_step_refused_without_the_dropped_one_has_a_line_of_its_own)
{
    fixture_key('w');
    step("add-batch B9 TABLE 3");
    step("change-qty B9 1");
    step("change-qty B9 2");
    fixture_key('W');
    fixture_key('l');
    fixture_key('g');
    fixture_key('d');
    cr_assert(tui_app_confirming(app), "%s", status());
    cr_assert(fixture_screen_has("and 2 later steps refused without it?"));
    int a = row_of("step 2 (change-qty B9 1): unknown batch reference B9");
    int b = row_of("step 3 (change-qty B9 2): unknown batch reference B9");
    cr_assert(a > 0 && b == a + 1, "one line each, in order: %d %d", a, b);
    fixture_key('y');
    cr_assert(fixture_screen_has("0 changes"), "%s", status());
    cr_assert(strstr(status(), "B9; step 3 (change-qty B9 2): unknown batch reference B9"), "%s",
              status());
}
