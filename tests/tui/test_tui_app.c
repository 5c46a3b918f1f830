/* The TUI driven without a terminal: keys in, a memory canvas out, commands through
 * the real bus on the SQLite store, the screens on the production read model
 * (fixture.h; SPEC.md §5, issue 5). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "tui/source.h"

#define TODAY_UNIX INT64_C(1796000000) /* 2026-11-30 */

static int64_t fixed_now(Clock *c)
{
    (void)c;
    return TODAY_UNIX;
}

static Clock clk = {fixed_now};
static int32_t today;

#define app fx.app
#define cv fx.cv
#define run fixture_run
#define key fixture_key
#define tick fixture_tick
#define draw fixture_draw
#define dump fixture_dump
#define screen_has fixture_screen_has
#define main_has fixture_main_has

static int64_t qty_of(const char *ref)
{
    BatchRow b;
    cr_assert(fixture_batch(ref, &b), "batch %s", ref);
    return b.qty;
}

static int32_t eta_of(const char *ref)
{
    BatchRow b;
    cr_assert(fixture_batch(ref, &b), "batch %s", ref);
    return b.eta;
}

/* The batch holding line (orderid, sku), "" for a backorder, NULL if none. */
static char place_buf[64];
static const char *place(const char *orderid, const char *sku)
{
    return fixture_line_place(orderid, sku, place_buf, sizeof place_buf);
}

static void setup(void)
{
    fixture_open(&clk);
    today = date_from_unix(TODAY_UNIX);
    run(command_create_batch("W1", "LAMP", 10, ALLOT_NO_ETA));
    run(command_create_batch("S1", "LAMP", 20, today + 5));
    run(command_create_batch("T1", "TABLE", 2, today + 2));
    run(command_allocate("o1", "LAMP", 3));
    run(command_allocate("o2", "LAMP", 3));
    run(command_allocate("o3", "LAMP", 3));
    run(command_allocate("o4", "LAMP", 3));
    run(command_allocate("o5", "TABLE", 5));
    fixture_start();
}

TestSuite(tui_app, .init = setup, .fini = fixture_close);

/* Tab Tab: the Batches screen, selection on LAMP's W1 (preference order). */
static void go_to_batch_w1(void)
{
    tui_app_type(app, "\t\t");
    cr_assert_str_eq(tui_app_screen(app), "batches");
    draw();
    cr_assert(screen_has("▶ W1"), "W1 selected");
}

Test(tui_app, it_opens_on_triage_with_backorders_short_skus_shipments_and_events)
{
    cr_assert_str_eq(tui_app_screen(app), "triage");
    cr_assert(screen_has("Backorders"));
    cr_assert(screen_has("o5"), "the backorder of TABLE is listed");
    cr_assert(screen_has("SKUs short of stock"));
    cr_assert(screen_has("Shipments due in 14 days"));
    cr_assert(screen_has("T1"));
    cr_assert(screen_has("Live events"));
    cr_assert(screen_has("OutOfStock"), "the feed shows the last events");
}

Test(tui_app, tab_cycles_the_screens_and_the_top_bar_names_the_current_one)
{
    const char *names[] = {"products", "batches", "backorders", "events", "triage"};
    for (int i = 0; i < 5; i++) {
        key(TK_TAB);
        cr_assert_str_eq(tui_app_screen(app), names[i]);
    }
    cr_assert(screen_has("[Triage]"), "current screen marked by brackets, not colour alone");
}

Test(tui_app, enter_drills_down_and_q_goes_back)
{
    go_to_batch_w1();
    key(TK_ENTER);
    cr_assert_str_eq(tui_app_screen(app), "batch");
    cr_assert(screen_has("Batch W1  SKU LAMP  qty 10  allocated 9"));
    cr_assert(screen_has("o1"));
    key(TK_ENTER);
    cr_assert_str_eq(tui_app_screen(app), "order");
    key('q');
    key(TK_ESC);
    cr_assert_str_eq(tui_app_screen(app), "batches");
}

Test(tui_app, changing_a_quantity_shows_exactly_the_lines_that_move_and_asks)
{
    go_to_batch_w1();
    key('c');
    cr_assert(tui_app_prompting(app));
    cr_assert(screen_has("New quantity of W1 (now 10, 9 allocated)"));
    tui_app_type(app, "4\n");
    cr_assert(tui_app_confirming(app));
    cr_assert(screen_has("Change quantity of W1: 10 → 4"));
    cr_assert(screen_has("2 order lines affected, 2 change place"));
    int y2 = tui_mem_canvas_find(cv, "o2"), y3 = tui_mem_canvas_find(cv, "o3");
    cr_assert(y2 > 0 && y3 > 0);
    char line[512];
    cr_assert(strstr(tui_mem_canvas_line(cv, y2, line, sizeof line), "W1") &&
              strstr(line, "→ S1"), "%s", line);
    cr_assert_str_eq(place("o2", "LAMP"), "W1", "nothing changed before the answer");
    key('y');
    cr_assert_not(tui_app_confirming(app));
    cr_assert_eq(qty_of("W1"), 4);
    cr_assert_str_eq(place("o2", "LAMP"), "S1");
    cr_assert_str_eq(place("o3", "LAMP"), "S1");
    cr_assert(screen_has("Reallocated"), "the feed shows the reallocations");
    if (!screen_has("W1"))
        dump();
}

Test(tui_app, answering_no_changes_nothing)
{
    go_to_batch_w1();
    tui_app_type(app, "c0\n");
    cr_assert(tui_app_confirming(app));
    cr_assert(screen_has("3 order lines affected, 3 change place"));
    key('n');
    cr_assert_eq(qty_of("W1"), 10);
    cr_assert_str_eq(place("o1", "LAMP"), "W1");
}

Test(tui_app, a_change_that_moves_no_line_runs_without_asking)
{
    go_to_batch_w1();
    key('+');
    cr_assert_not(tui_app_confirming(app));
    cr_assert_eq(qty_of("W1"), 11);
}

Test(tui_app, a_count_prefix_nudges_by_that_many)
{
    go_to_batch_w1();
    tui_app_type(app, "10+");
    cr_assert_eq(qty_of("W1"), 20);
    tui_app_type(app, "10-");
    cr_assert_eq(qty_of("W1"), 10);
    tui_app_type(app, "2-");
    cr_assert(tui_app_confirming(app), "8 < 9 allocated: a line would move");
    cr_assert(screen_has("1 order line affected, 1 changes place"), "singular");
    key('y');
    cr_assert_eq(qty_of("W1"), 8);
}

Test(tui_app, d_with_a_count_delays_the_eta_by_that_many_days_and_e_sets_it)
{
    tui_app_type(app, "\t\t");
    key('j'); /* S1 */
    tui_app_type(app, "3d");
    /* issue 6: a delay shows the lines it affects and each one's slip, then asks */
    cr_assert(tui_app_confirming(app), "o4 is on S1");
    cr_assert(screen_has("o4"));
    cr_assert(screen_has("+3d"));
    key('y');
    cr_assert_eq(eta_of("S1"), today + 8);
    key('d');
    tui_app_type(app, "2\n");
    key('y');
    cr_assert_eq(eta_of("S1"), today + 10);
    key('e');
    tui_app_type(app, "2027-01-15\n");
    int32_t want;
    ErrBuf err;
    validate_eta("2027-01-15", &want, &err);
    cr_assert_eq(eta_of("S1"), want);
}

Test(tui_app, delaying_a_batch_in_the_warehouse_gives_it_today_plus_n_and_shows_the_slips)
{
    go_to_batch_w1();
    tui_app_type(app, "14d");
    cr_assert(tui_app_confirming(app));
    /* W1 now sorts after S1 (today + 5, room 17): o1..o3 move there */
    cr_assert(screen_has("ETA in warehouse (today)"));
    cr_assert(screen_has("3 order lines affected, 3 change place"));
    cr_assert(screen_has("+5d"), "lines moving to S1 slip by 5 days");
    key('y');
    cr_assert_eq(eta_of("W1"), today + 14);
}

Test(tui_app, forms_say_what_is_wrong_in_place_and_stay_open)
{
    go_to_batch_w1();
    tui_app_type(app, "c12x\n");
    cr_assert(tui_app_prompting(app));
    cr_assert(screen_has("qty \"12x\" is not a whole number"));
    key(TK_CTRL_U);
    tui_app_type(app, "5\n");
    cr_assert(tui_app_confirming(app));
    key(TK_ESC);
    key('e');
    tui_app_type(app, "2026-02-30\n");
    cr_assert(screen_has("2026-02-30"));
    cr_assert(tui_app_prompting(app));
    key(TK_ESC);
    cr_assert_not(tui_app_prompting(app));
    cr_assert_eq(qty_of("W1"), 10);
}

Test(tui_app, the_command_prompt_runs_the_cli_grammar)
{
    tui_app_type(app, ":allocate o9 LAMP 2\n");
    cr_assert_not(tui_app_prompting(app));
    cr_assert_str_eq(place("o9", "LAMP"), "S1");
    tui_app_type(app, ":change-qty W1 nope\n");
    cr_assert(tui_app_prompting(app));
    cr_assert(screen_has("nope"), "the error names the bad value");
}

Test(tui_app, tab_in_the_prompt_completes_commands_skus_and_references)
{
    tui_app_type(app, ":alloc\t");
    cr_assert(screen_has(":allocate"));
    tui_app_type(app, "o9 LA\t2");
    if (!screen_has(":allocate o9 LAMP 2"))
        dump();
    cr_assert(screen_has(":allocate o9 LAMP 2"), "completed with the space after it");
    key(TK_ESC);
    tui_app_type(app, ":change-qty \t");
    cr_assert(screen_has("3 candidates: S1, T1, W1"), "candidates listed");
    tui_app_type(app, "T\t3\n");
    cr_assert_eq(qty_of("T1"), 3);
}

Test(tui_app, allocate_and_cancel_from_the_screens)
{
    go_to_batch_w1();
    tui_app_type(app, "a");
    cr_assert(screen_has("Allocate LAMP — ORDERID QTY"));
    tui_app_type(app, "o20 1\n");
    cr_assert_str_eq(place("o20", "LAMP"), "W1");
    key(TK_ENTER); /* the batch's lines */
    cr_assert(screen_has("o1"));
    key('x');
    cr_assert(tui_app_confirming(app), "cancelling asks first");
    cr_assert(screen_has("Cancel order line o1 LAMP"));
    key('y');
    cr_assert_null(place("o1", "LAMP"));
}

Test(tui_app, events_written_elsewhere_appear_on_the_next_tick)
{
    fixture_run_other(command_change_batch_qty("T1", 9)); /* another process */
    cr_assert_not(screen_has("BatchQuantityChanged"));
    tick();
    cr_assert(screen_has("BatchQuantityChanged"));
    cr_assert(screen_has("Allocated"), "o5 left the backorders");
}

Test(tui_app, the_selection_stays_on_the_same_row_when_data_changes)
{
    tui_app_type(app, "\t\tjj"); /* T1, the third batch */
    cr_assert(screen_has("▶ T1"));
    run(command_create_batch("A0", "AAA", 1, ALLOT_NO_ETA)); /* sorts first */
    tick();
    cr_assert(screen_has("▶ T1"), "still on T1 although a row appeared above");
    cr_assert(screen_has("A0"));
}

Test(tui_app, a_paused_feed_shows_how_many_events_are_new)
{
    key('p');
    run(command_change_batch_qty("T1", 3));
    run(command_change_batch_qty("T1", 4));
    tick();
    cr_assert(screen_has("PAUSED: 2 new"));
    key('p');
    cr_assert(screen_has("BatchQuantityChanged"));
    cr_assert_not(screen_has("PAUSED"));
}

Test(tui_app, the_events_screen_pauses_when_the_selection_leaves_the_newest)
{
    tui_app_type(app, "\t\t\t\t");
    cr_assert_str_eq(tui_app_screen(app), "events");
    key('j');
    run(command_change_batch_qty("T1", 3));
    tick();
    cr_assert(screen_has("PAUSED: 1 new"));
    key('g');
    cr_assert_not(screen_has("PAUSED"));
}

Test(tui_app, a_small_terminal_gets_a_polite_message_and_survives_resizes)
{
    TuiInput r = {.type = TI_RESIZE, .rows = 20, .cols = 60};
    tui_app_input(app, &r);
    tui_mem_canvas_resize(cv, 20, 60);
    cr_assert(screen_has("allot needs at least 80×24; this terminal is 60×20."));
    r = (TuiInput){.type = TI_RESIZE, .rows = 5, .cols = 20};
    tui_app_input(app, &r);
    tui_mem_canvas_resize(cv, 5, 20);
    draw();
    cr_assert(screen_has("allot needs at"));
    r = (TuiInput){.type = TI_RESIZE, .rows = 30, .cols = 100};
    tui_app_input(app, &r);
    tui_mem_canvas_resize(cv, 30, 100);
    cr_assert(screen_has("Backorders"));
}

Test(tui_app, state_is_written_in_words_not_only_in_colour)
{
    key(TK_TAB);
    cr_assert(screen_has("SHORT"), "TABLE is short of stock");
    tui_app_type(app, "\t\t");
    cr_assert(screen_has("BACKORDER"));
}

Test(tui_app, the_footer_is_generated_from_the_key_tables)
{
    tui_app_type(app, "\t\t");
    cr_assert(screen_has("c qty  +/- nudge  e ETA  d delay"));
}

Test(tui_app, filter_narrows_the_list_and_says_so)
{
    tui_app_type(app, "\t\t/tab\n");
    cr_assert(screen_has("filter: \"tab\""));
    cr_assert(main_has("T1"));
    cr_assert_not(main_has("W1"));
}

Test(tui_app, question_mark_opens_the_help_page_of_the_current_screen)
{
    tui_app_type(app, "\t\t\n?"); /* the Batch screen's page is the Batches page */
    cr_assert_str_eq(tui_app_screen(app), "help");
    cr_assert(main_has("Batches"));
    cr_assert(main_has("The batches of one SKU"));
    cr_assert(screen_has("Live events"), "the feed stays on screen under the help");
    key('q');
    cr_assert_str_eq(tui_app_screen(app), "batch");
}

Test(tui_app, the_help_page_scrolls_and_searches_and_the_feed_goes_on)
{
    tui_app_type(app, "?");
    cr_assert(main_has("The screen allot opens on"));
    key('G');
    cr_assert_not(main_has("The screen allot opens on"), "G scrolled to the bottom");
    key('g');
    cr_assert(main_has("The screen allot opens on"));
    tui_app_type(app, "/");
    cr_assert(tui_app_prompting(app), "/ asks what to search");
    tui_app_type(app, "zzqq\n");
    cr_assert(tui_app_prompting(app), "not found: the search stays open");
    cr_assert(screen_has("not found: zzqq"));
    key(TK_ESC);
    fixture_run_other(command_change_batch_qty("T1", 7));
    tick();
    cr_assert(screen_has("T1 TABLE 2 → 7"), "polling goes on while help is open");
    cr_assert_str_eq(tui_app_screen(app), "help");
}

Test(tui_app, Q_quits)
{
    key('Q');
    cr_assert(tui_app_done(app));
}

static int demo_calls;
static AllotStatus fake_demo(void *ctx, ErrBuf *err)
{
    (void)ctx;
    demo_calls++;
    Command c = command_create_batch("D1", "DEMO", 5, ALLOT_NO_ETA);
    return bus_handle(fx.other, &c, NULL, err);
}

static void start_empty(void)
{
    fixture_open(&clk);
    today = date_from_unix(TODAY_UNIX);
}

TestSuite(tui_app_empty, .init = start_empty, .fini = fixture_close);

Test(tui_app_empty, an_empty_database_offers_the_demo)
{
    TuiAppConfig cfg = {.views = fx.views, .uow = fx.uow, .bus = fx.bus, .clock = &clk,
                        .load_demo = fake_demo};
    app = tui_app_new(&cfg, 24, 80);
    cr_assert(tui_app_confirming(app));
    cr_assert(screen_has("The database is empty. Load the demo dataset?"));
    char *d = tui_mem_canvas_dump(cv);
    const char *first = strstr(d, "The database is empty");
    cr_assert(first && !strstr(first + 1, "The database is empty"), "said once:\n%s", d);
    free(d);
    key('y');
    cr_assert_eq(demo_calls, 1);
    cr_assert(screen_has("demo dataset loaded"));
    cr_assert(main_has("DEMO"), "and the screens show it");
    tui_app_free(app);
    cfg.load_demo = NULL;
    app = tui_app_new(&cfg, 24, 80);
    cr_assert_not(tui_app_confirming(app), "not empty any more");
}

Test(tui_app_empty, an_empty_database_without_a_loader_says_how_to_load_the_demo)
{
    fixture_start();
    cr_assert_not(tui_app_confirming(app));
    cr_assert(screen_has("run `allot demo`"));
}

Test(tui_app, a_long_list_of_moves_scrolls_in_the_confirmation)
{
    char o[16];
    for (int i = 0; i < 30; i++) {
        snprintf(o, sizeof o, "m%02d", i);
        run(command_allocate(o, "LAMP", 1));
    }
    /* W1 holds o1..o3 (9) + m00 (1); S1 holds o4 and m01..m17; the rest backordered */
    tui_app_type(app, "\t\tj");
    cr_assert(screen_has("▶ S1"));
    tui_app_type(app, "c0\n");
    cr_assert(tui_app_confirming(app));
    cr_assert(screen_has("and"), "the list is cut with a count");
    cr_assert_not(main_has("m17"));
    for (int i = 0; i < 20; i++)
        key('j');
    cr_assert(main_has("m17"), "scrolled to the last moves");
    key('n');
}

Test(tui_app, todays_events_panel_follows_the_newest_event)
{
    tui_app_type(app, "llll"); /* focus: today's events (the bottom panel) */
    run(command_change_batch_qty("T1", 3));
    tick();
    tui_app_draw(app, tui_mem_canvas(cv));
    char line[1024];
    int sel = -1;
    for (int y = 3; y < 17 && sel < 0; y++)
        if (strstr(tui_mem_canvas_line(cv, y, line, sizeof line), "BatchQ"))
            sel = y;
    cr_assert(sel > 0, "the new event is in the panel");
    cr_assert(strstr(line, "▶") && strstr(line, "BatchQ") > strstr(line, "▶"),
              "the newest event is selected: %s", line);
}

Test(tui_app, colon_help_opens_a_commands_section_or_the_screens_page)
{
    tui_app_type(app, ":help allocate\n");
    cr_assert_str_eq(tui_app_screen(app), "help");
    cr_assert(main_has("allot allocate ORDERID SKU QTY"), "the command's section");
    key('q');
    tui_app_type(app, ":help\n");
    cr_assert_str_eq(tui_app_screen(app), "help");
    cr_assert(main_has("The screen allot opens on"), "the current screen's page");
}

Test(tui_app, file_commands_in_the_prompt_point_to_the_command_line)
{
    tui_app_type(app, ":import batches b.csv\n");
    cr_assert(tui_app_prompting(app));
    cr_assert(screen_has("runs from the command line"));
    key(27);
    /* the TUI's export writes the list shown; the CLI's export of a kind is refused */
    tui_app_type(app, ":export orders out.csv\n");
    cr_assert(tui_app_prompting(app));
    cr_assert(screen_has("allot export writes"), "says where the CLI's export is");
}

Test(tui_app, allocating_from_an_order_asks_only_for_sku_and_qty)
{
    tui_app_type(app, "\t\t\n\n"); /* Batches › W1 › Order o1 */
    cr_assert_str_eq(tui_app_screen(app), "order");
    key('a');
    cr_assert(screen_has("Allocate order o1 — SKU QTY"));
    tui_app_type(app, "TABLE\n");
    cr_assert(screen_has("expected SKU QTY, got 1 value"));
    tui_app_type(app, " 0\n");
    cr_assert(screen_has("qty"), "a zero line qty is refused: %s", tui_app_status(app));
    cr_assert(tui_app_prompting(app));
    key(TK_BACKSPACE);
    tui_app_type(app, "1\n");
    cr_assert_not(tui_app_prompting(app));
    cr_assert_str_eq(place("o1", "TABLE"), "T1", "T1 has 2 free (o5 waits for 5)");
}

Test(tui_app, opening_an_order_from_a_line_selects_that_line)
{
    run(command_allocate("o1", "TABLE", 1)); /* o1 has LAMP and TABLE lines */
    tui_app_type(app, "\t\t\n"); /* Batches › W1: o1 LAMP first */
    tui_app_type(app, "jjk");    /* back on o1 */
    key(TK_ENTER);
    cr_assert_str_eq(tui_app_screen(app), "order");
    cr_assert(main_has("▶ LAMP"), "the LAMP line we came from is selected");
    key('q');
    tui_app_type(app, "T\t[j\n"); /* Products by SKU (the column cursor's) › TABLE batches */
    tui_app_type(app, "\n");     /* T1's lines: o1 */
    key(TK_ENTER);
    cr_assert(main_has("▶ TABLE"));
}

static int64_t later_now(Clock *c)
{
    (void)c;
    return TODAY_UNIX + 86400 * 4;
}

Test(tui_app, after_midnight_the_shipments_due_move_on)
{
    char line[512];
    draw();
    fixture_line_with("T1 ", line, sizeof line);
    const char *t1 = strstr(line, "T1 ");
    cr_assert(t1 && t1 - line > 40 && strstr(line, "2 days"), "T1 is due in 2 days: %s", line);
    clk.now = later_now;
    tick();
    clk.now = fixed_now;
    draw();
    fixture_line_with("T1 ", line, sizeof line);
    t1 = strstr(line, "T1 ");
    cr_assert(t1 && t1 - line < 40 && strstr(line, "2 days"),
              "T1's ETA has passed: overdue by 2 days, in the left panel: %s", line);
    cr_assert(main_has("1 day"), "S1 (today + 5) is due tomorrow");
}

/* Another process changes the product while the question is open: the list is
 * worked out again and says so; `y` never applies an outcome that was not shown. */
Test(tui_app, an_open_confirmation_follows_changes_made_elsewhere)
{
    go_to_batch_w1();
    tui_app_type(app, "c0\n");
    cr_assert(tui_app_confirming(app));
    cr_assert(main_has("o1"));
    run(command_cancel_line("o1", "LAMP"));
    run(command_allocate("o6", "LAMP", 4)); /* fits W1's room: lands there */
    cr_assert_str_eq(place("o6", "LAMP"), "W1");
    tick();
    cr_assert(tui_app_confirming(app), "still asking");
    cr_assert(main_has("UPDATED (data changed)"));
    cr_assert(main_has("o6"), "the new line is in the list");
    cr_assert_not(main_has("o1 "), "the cancelled line is gone from it");
    key('y');
    cr_assert_not(tui_app_confirming(app));
    cr_assert_eq(qty_of("W1"), 0);
    cr_assert_str_eq(place("o6", "LAMP"), "S1");
}

Test(tui_app, y_on_an_outdated_confirmation_shows_the_new_outcome_and_asks_again)
{
    go_to_batch_w1();
    tui_app_type(app, "c0\n");
    cr_assert(tui_app_confirming(app));
    run(command_allocate("o6", "LAMP", 1)); /* no tick: the screen has not seen it */
    key('y');
    cr_assert(tui_app_confirming(app), "asks again instead of applying");
    cr_assert_eq(qty_of("W1"), 10, "nothing applied");
    cr_assert(main_has("o6"));
    cr_assert(main_has("4 order lines"));
    key('y');
    cr_assert_not(tui_app_confirming(app));
    cr_assert_eq(qty_of("W1"), 0);
}

Test(tui_app, an_open_delay_confirmation_follows_changes_made_elsewhere)
{
    tui_app_type(app, "\t\t");
    key('j'); /* S1 */
    tui_app_type(app, "3d");
    cr_assert(tui_app_confirming(app));
    cr_assert_not(main_has("o7"));
    run(command_allocate("o7", "LAMP", 12)); /* room only on S1 */
    cr_assert_str_eq(place("o7", "LAMP"), "S1");
    tick();
    cr_assert(tui_app_confirming(app));
    cr_assert(main_has("UPDATED (data changed)"));
    cr_assert(main_has("o7"));
    key('y');
    cr_assert_eq(eta_of("S1"), today + 8);
}

static bool status_has(const char *s)
{
    draw();
    char line[1024];
    return strstr(tui_mem_canvas_line(cv, 22, line, sizeof line), s) != NULL;
}

Test(tui_app, a_count_beyond_the_limit_is_refused_with_the_clis_message_not_clamped)
{
    go_to_batch_w1();
    tui_app_type(app, "99999999999c");
    cr_assert_not(tui_app_confirming(app));
    cr_assert(status_has("qty \"99999999999\" must be between 0 and 1000000000"));
    cr_assert_eq(qty_of("W1"), 10);
    tui_app_type(app, "999999999999+");
    cr_assert(status_has("must be between 0 and 1000000000"));
    cr_assert(status_has("refused"));
    cr_assert_eq(qty_of("W1"), 10);
    tui_app_type(app, "1000000000c");
    cr_assert_not(tui_app_confirming(app), "no line moves: runs at once");
    cr_assert_eq(qty_of("W1"), 1000000000, "the limit itself is valid");
}

Test(tui_app, a_nudge_below_zero_is_refused_and_says_why)
{
    go_to_batch_w1();
    tui_app_type(app, "100-");
    cr_assert_not(tui_app_confirming(app));
    cr_assert(status_has("would go below 0"), "not clamped to 0");
    cr_assert_eq(qty_of("W1"), 10);
    tui_app_type(app, "10-");
    cr_assert(tui_app_confirming(app), "to 0, moving o1..o3: asks");
    key('n');
    cr_assert_eq(qty_of("W1"), 10);
}

Test(tui_app, tab_quotes_a_completion_with_spaces_and_completes_inside_an_open_quote)
{
    run(command_create_batch("AM1", "Alice Mutton", 10, ALLOT_NO_ETA));
    tick();
    tui_app_type(app, ":allocate o2 Ali\t");
    cr_assert(screen_has(":allocate o2 \"Alice Mutton\""), "quoted");
    tui_app_type(app, "5\n");
    cr_assert_not(tui_app_prompting(app), "the completed line runs");
    cr_assert_str_eq(place("o2", "Alice Mutton"), "AM1");
    run(command_create_batch("AS1", "Alice Smith", 10, ALLOT_NO_ETA));
    tick();
    tui_app_type(app, ":allocate o3 Ali\t");
    cr_assert(screen_has(":allocate o3 \"Alice"), "common part");
    cr_assert_not(screen_has(":allocate o3 \"Alice\""), "the quote left open");
    cr_assert(screen_has("2 candidates: \"Alice Mutton\", \"Alice Smith\""));
    tui_app_type(app, "S\t");
    cr_assert(screen_has(":allocate o3 \"Alice Smith\""), "completed inside the open quote");
    tui_app_type(app, "4\n");
    cr_assert_str_eq(place("o3", "Alice Smith"), "AS1");
    tui_app_type(app, ":allocate o4 \"Alice M\t");
    cr_assert(screen_has(":allocate o4 \"Alice Mutton\""), "an opened quote is closed");
}

Test(tui_app, a_question_shows_its_own_keys_and_says_so_when_another_key_is_pressed)
{
    go_to_batch_w1();
    tui_app_type(app, "c0\n");
    cr_assert(tui_app_confirming(app));
    char line[1024];
    draw();
    tui_mem_canvas_line(cv, 23, line, sizeof line);
    cr_assert(strstr(line, "y confirm") && strstr(line, "n/Esc cancel"), "%s", line);
    cr_assert_not(strstr(line, "change qty"), "not the list keys: %s", line);
    key('x');
    cr_assert(tui_app_confirming(app));
    cr_assert(screen_has("answer the question first"));
    key(TK_ESC);
    cr_assert_not(tui_app_confirming(app));
}

Test(tui_app, a_cell_cut_to_fit_ends_with_an_ellipsis)
{
    TuiFeedItem it = {.id = 7, .at = TODAY_UNIX};
    it.ev.type = EV_ALLOCATED;
    memset(it.ev.orderid, 'o', 60);
    memset(it.ev.sku, 's', 60);
    snprintf(it.ev.batchref, sizeof it.ev.batchref, "B1");
    it.ev.qty = 2;
    TuiRow r;
    memset(&r, 0, sizeof r);
    tui_row_event(&r, &it, today);
    size_t n = strlen(r.cells[3]);
    cr_assert(n > 3 && strcmp(r.cells[3] + n - 3, "…") == 0, "%s", r.cells[3]);
}

Test(tui_app, long_prompt_input_scrolls_so_the_cursor_stays_visible)
{
    key(':');
    for (int i = 0; i < 120; i++)
        key('a' + i % 26);
    key('Z');
    char line[1024];
    draw();
    tui_mem_canvas_line(cv, 22, line, sizeof line);
    cr_assert(strncmp(line, "…", 3) == 0, "the cut start is marked: %s", line);
    cr_assert(strstr(line, "mnopZ"), "the end (at the cursor) is visible: %s", line);
    key(TK_HOME);
    draw();
    tui_mem_canvas_line(cv, 22, line, sizeof line);
    cr_assert(strncmp(line, ":abc", 4) == 0, "back to the start: %s", line);
}
