/* Widths, sideways scrolling and the display defects of issue 13 on the production
 * read model (fixture.h), on a memory canvas at 80, 120 and 200 columns: columns
 * share the width (names, SKUs and order ids grow; numbers are never cut; a cut
 * text ends in "…"), a table wider than its panel scrolls with the column cursor
 * (« and » say columns are off screen), the column cursor is drawn in the headings
 * ("[QTY]", TS_COLUMN), History's breadcrumb names its real order, a Triage panel's
 * title follows its sort, and Order, Availability and History show position/total. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

#define TODAY_UNIX INT64_C(1796000000) /* 2026-11-30 */

static int32_t today;

/* The demo's longest names (31 display columns, one with ß and ü). */
#define PEARS "Uncle Bob's Organic Dried Pears"
#define SOSSE "Original Frankfurter grüne Soße"
#define KRAUT "Rössle Sauerkraut"

/* PEARS: WH-60 (10, warehouse); SOSSE: PO-77 (20, due today + 5); KRAUT: WH-28 (6).
 * 11077 PEARS 4 → WH-60, 11077 SOSSE 2 → PO-77; 11008 KRAUT 70 and 11090 KRAUT 30
 * wait (backorders), needed in two weeks. */
static void seed(void)
{
    fixture_open(fixture_fixed_clock(TODAY_UNIX));
    today = date_from_unix(TODAY_UNIX);
    fixture_run(command_create_batch("WH-60", PEARS, 10, ALLOT_NO_ETA));
    fixture_run(command_create_batch("PO-77", SOSSE, 20, today + 5));
    fixture_run(command_create_batch("WH-28", KRAUT, 6, ALLOT_NO_ETA));
    fixture_run(command_allocate("11077", PEARS, 4));
    fixture_run(command_allocate("11077", SOSSE, 2));
    /* needed in two weeks: LATE reads "at risk", as on the demo's Triage */
    fixture_run(command_with_need(command_allocate("11008", KRAUT, 70), today + 14, 0));
    fixture_run(command_with_need(command_allocate("11090", KRAUT, 30), today + 14, 0));
    fixture_start();
}

TestSuite(width, .init = seed, .fini = fixture_close);

static const char *screen(void) { return tui_app_screen(fx.app); }

static char buf[2048];
/* The first canvas row holding `needle` ("" if none). */
static const char *line_with(const char *needle) { return fixture_line_with(needle, buf, sizeof buf); }

/* The canvas row holding `needle`, or -1. */
static int row_of(const char *needle)
{
    fixture_draw();
    return tui_mem_canvas_find(fx.cv, needle);
}

/* Lets the lists finish their background work (counts, positions). */
static void settle(void)
{
    for (int i = 0; i < 100 && tui_app_busy(fx.app); i++) {
        TuiInput in = {.type = TI_IDLE};
        tui_app_input(fx.app, &in);
    }
}

/* The display column of `needle` in canvas row y (counting display columns, not
 * bytes), or -1. */
static int column_of(int y, const char *needle)
{
    char line[2048];
    tui_mem_canvas_line(fx.cv, y, line, sizeof line);
    const char *p = strstr(line, needle);
    if (!p)
        return -1;
    char head[2048];
    snprintf(head, sizeof head, "%.*s", (int)(p - line), line);
    return tui_text_width(head);
}

/* ---- widths ---- */

Test(width, at_120_columns_names_skus_and_order_ids_are_whole_on_every_screen)
{
    fixture_resize(40, 120);
    /* Triage: the panels of a row share the width by what they need */
    cr_assert(strstr(line_with("PO-77"), SOSSE), "due soon: %s", buf);
    cr_assert(strstr(line_with("11090"), KRAUT), "backorders: %s", buf);
    cr_assert(strstr(line_with("11090"), "at risk"), "its lateness: %s", buf);
    cr_assert(strstr(line_with("11090"), "BACKORDER"), "and its state: %s", buf);
    cr_assert(row_of("»") < 0, "no panel scrolls sideways at 120 columns");
    fixture_key('P');
    cr_assert(strstr(line_with("Uncle Bob"), PEARS), "Products: %s", buf);
    cr_assert_not(fixture_main_has("…"), "nothing cut on Products");
    fixture_key('B');
    cr_assert(strstr(line_with("PO-77"), SOSSE), "Batches: %s", buf);
    cr_assert_not(fixture_main_has("…"), "nothing cut on Batches");
    fixture_key('O');
    cr_assert(strstr(line_with("11008"), KRAUT), "Backorders: %s", buf);
    fixture_type(":order 11077\n");
    cr_assert_str_eq(screen(), "order");
    cr_assert(strstr(line_with("WH-60"), PEARS), "Order: %s", buf);
    cr_assert(strstr(line_with("PO-77"), SOSSE), "Order: %s", buf);
    cr_assert_not(fixture_main_has("…"), "nothing cut on the Order screen");
    fixture_key('E');
    cr_assert(strstr(line_with("WH-60"), "11077 " PEARS " ×4 WH-60"), "Events: %s", buf);
}

Test(width, at_80_columns_numbers_stay_whole_and_a_cut_name_ends_in_an_ellipsis)
{
    fixture_key('P');
    const char *row = line_with("Uncle Bob");
    cr_assert(row[0], "the pears are on Products");
    cr_assert_null(strstr(row, PEARS), "80 columns: the name gives up room: %s", row);
    cr_assert(strstr(row, "Uncle Bob's Organic D"), "but keeps what fits: %s", row);
    cr_assert(strstr(row, "…"), "and says it is cut: %s", row);
    /* QTY 10, ALLOC 4, AVAIL 6, then the next ETA and the state, all whole */
    cr_assert(strstr(row, " 10 ") && strstr(row, " 4 ") && strstr(row, " 6 "), "%s", row);
    cr_assert(strstr(row, "ok"), "the state word is never cut: %s", row);
    cr_assert(tui_text_width(row) <= 80, "%s", row);
}

Test(width, at_200_columns_the_text_columns_grow_and_nothing_is_cut)
{
    fixture_resize(50, 200);
    fixture_draw();
    int y = row_of("×4 WH-60");
    cr_assert(y >= 0, "today's events on Triage");
    cr_assert(strstr(line_with("×4 WH-60"), "11077 " PEARS " ×4 WH-60"), "whole: %s", buf);
    cr_assert(strstr(line_with("PO-77"), SOSSE), "%s", buf);
    cr_assert_not(fixture_main_has("…"), "nothing cut at 200 columns: %s", line_with("…"));
    /* the Products table is narrower than the screen: the last column takes the rest,
     * the others are as wide as their values */
    fixture_key('P');
    const char *h = line_with("[SKU]");
    int qty = column_of(row_of("[SKU]"), "QTY");
    /* "  [SKU]" then the 31 columns of the pears, a gap, and QTY right-aligned */
    cr_assert(qty > 2 + 31 && qty <= 2 + 31 + 1 + 3, "SKU as wide as its longest name: %s", h);
}

/* ---- sideways ---- */

Test(width, a_table_wider_than_its_panel_scrolls_sideways_with_the_column_cursor)
{
    /* 80 columns: the backorders panel (ORDER SKU QTY LATE NEED STATE) needs more
     * than its half */
    int y = row_of("[ORDER]");
    cr_assert(y >= 0, "the column cursor on the first column of the focused panel");
    cr_assert(strstr(line_with("[ORDER]"), "»"), "» : columns off screen on the right: %s", buf);
    cr_assert(row_of("STATE") < 0 || column_of(row_of("STATE"), "STATE") > 40,
              "the panel's STATE is off screen");
    for (int i = 0; i < 5; i++)
        fixture_key('>');
    const char *h = line_with("[STATE]");
    cr_assert(h[0], "the cursor went to STATE and the table scrolled to it");
    cr_assert(strstr(h, "«"), "« : columns off screen on the left: %s", h);
    cr_assert(strstr(h, "ORDER"), "the first column stays: %s", h);
    cr_assert(strstr(line_with("11008"), "BACKORDER"), "the rows scroll too: %s", buf);
    cr_assert_lt(column_of(row_of("[STATE]"), "[STATE]"), 40, "inside the left panel");
    for (int i = 0; i < 5; i++)
        fixture_key('<');
    cr_assert(row_of("[ORDER]") >= 0);
    cr_assert_null(strstr(line_with("[ORDER]"), "«"), "back at the start: %s", buf);
    cr_assert(strstr(buf, "»"));
}

Test(width, the_footer_and_the_status_say_which_keys_move_the_columns)
{
    fixture_resize(40, 200);
    cr_assert(row_of("</> columns") >= 0, "the footer names < and >");
    fixture_key('>');
    cr_assert(strstr(tui_app_status(fx.app), "column SKU"), "%s", tui_app_status(fx.app));
}

/* ---- the display defects ---- */

Test(width, the_column_cursor_is_drawn_in_the_headings)
{
    fixture_key('P');
    int y = row_of("[SKU]");
    cr_assert(y >= 0, "the cursor starts on the first column");
    int x = column_of(y, "[SKU]");
    cr_assert_eq(tui_mem_canvas_style(fx.cv, y, x + 1), TS_COLUMN);
    fixture_key('>');
    y = row_of("[QTY]");
    cr_assert(y >= 0, "> moves it to QTY: %s", line_with("SKU"));
    x = column_of(y, "[QTY]");
    cr_assert_eq(tui_mem_canvas_style(fx.cv, y, x + 1), TS_COLUMN, "drawn apart from the others");
    cr_assert_eq(tui_mem_canvas_style(fx.cv, y, column_of(y, "SKU")), TS_HEADER);
    cr_assert(row_of("[SKU]") < 0, "one cursor");
    fixture_key('<');
    cr_assert(row_of("[SKU]") >= 0 && row_of("[QTY]") < 0, "< moves it back");
    fixture_key('>');
    fixture_key(']');
    cr_assert(row_of("[QTY▼]") >= 0, "] sorts by it, the arrow inside: %s", line_with("QTY"));
}

Test(width, history_says_the_order_it_shows_and_S_turns_it)
{
    /* 11077 PEARS: Allocated, then Reallocated to WH-61 when WH-60 goes to 0 */
    fixture_run(command_create_batch("WH-61", PEARS, 10, ALLOT_NO_ETA));
    fixture_run(command_change_batch_qty("WH-60", 0));
    fixture_tick();
    fixture_resize(40, 200); /* room for the breadcrumb */
    fixture_type(":order 11077\n");
    cr_assert_str_eq(screen(), "order");
    int y = row_of(PEARS);
    cr_assert(y >= 0);
    while (!strstr(line_with("▶"), PEARS))
        fixture_key('j');
    fixture_key('H');
    cr_assert_str_eq(screen(), "history");
    settle();
    cr_assert(row_of("sort: ID▲") >= 0, "oldest first, as the rows are: %s", line_with("sort:"));
    cr_assert(row_of("oldest first") >= 0);
    int first = row_of(" Allocated "), moved = row_of("Reallocated");
    cr_assert(first >= 0 && moved > first, "oldest first: Allocated, then Reallocated");
    fixture_key('S');
    cr_assert(row_of("sort: ID▼") >= 0, "%s", line_with("sort:"));
    cr_assert(row_of("newest first") >= 0);
    fixture_draw();
    cr_assert(strstr(line_with("▶"), "Reallocated"), "the newest first: %s", buf);
    cr_assert_gt(row_of(" Allocated "), row_of("Reallocated"));
}

Test(width, a_triage_panel_title_follows_its_sort)
{
    cr_assert(row_of("Backorders, oldest first") >= 0);
    fixture_key('s');
    const char *t = line_with("▶ Backorders");
    cr_assert(t[0], "the focused panel's title");
    cr_assert_null(strstr(t, "oldest first"), "no longer oldest first: %s", t);
    cr_assert(strstr(t, "▲") || strstr(t, "▼"), "it names the sort instead: %s", t);
    /* the late lines panel likewise */
    cr_assert(row_of("Late lines, worst first") >= 0);
    fixture_type("lllll");
    fixture_key('S');
    cr_assert(row_of("▶ Late lines") >= 0, "%s", line_with("Late lines"));
    cr_assert(row_of("worst first") < 0, "turned around: %s", line_with("Late lines"));
}

/* How many rows the list on screen shows (those after its heading `head`). */
static int rows_after(const char *head)
{
    int y = row_of(head), n = 0;
    char line[2048];
    while (y >= 0 && strlen(tui_mem_canvas_line(fx.cv, y + 1 + n, line, sizeof line)) > 2 &&
           !strstr(line, "Live events"))
        n++;
    return n;
}

Test(width, order_availability_and_history_show_position_and_total)
{
    fixture_resize(40, 200); /* room for the breadcrumb */
    fixture_type(":order 11077\n");
    settle();
    cr_assert(row_of("Order 11077   1/2   sort:") >= 0, "%s", line_with("sort:"));
    fixture_key('j');
    cr_assert(row_of("Order 11077   2/2   sort:") >= 0, "%s", line_with("sort:"));
    fixture_key('k');
    fixture_key('t'); /* SOSSE's timeline */
    cr_assert_str_eq(screen(), "atp");
    settle();
    char want[160];
    int dates = rows_after("ARRIVING");
    cr_assert_gt(dates, 0);
    snprintf(want, sizeof want, "of " SOSSE "   1/%d   sort: date▲", dates);
    cr_assert(row_of(want) >= 0, "%s in %s", want, line_with("sort:"));
    fixture_key('q');
    fixture_key('H');
    cr_assert_str_eq(screen(), "history");
    settle();
    snprintf(want, sizeof want, "   1/%d   sort: ID▲", rows_after("ACTOR"));
    cr_assert(row_of(want) >= 0, "%s in %s", want, line_with("sort:"));
}

Test(width, S_and_s_on_the_availability_timeline_say_it_has_one_order)
{
    fixture_key('P');
    fixture_key('t');
    cr_assert_str_eq(screen(), "atp");
    fixture_key('S');
    cr_assert_str_eq(tui_app_status(fx.app), "this list has one order: date▲");
    fixture_key('s');
    cr_assert_str_eq(tui_app_status(fx.app), "this list has one order: date▲");
    cr_assert(row_of("sort: date▲") >= 0);
}

/* The question of a change lists the lines that move in columns that share the
 * width as the lists' do: at 120 columns a 31-column SKU is whole; at 80 it still
 * is (the line fits), and the quantity is never cut. */
Test(width, a_changes_question_gives_the_sku_and_order_id_the_room_there_is)
{
    fixture_resize(40, 120);
    fixture_type(":change-qty WH-60 0\n");
    cr_assert(tui_app_confirming(fx.app), "%s", tui_app_status(fx.app));
    cr_assert(strstr(line_with("11077"), "11077 " PEARS " ×4  WH-60 → BACKORDER"), "%s", buf);
    cr_assert_not(fixture_main_has("…"), "nothing cut at 120 columns");
    fixture_resize(24, 80);
    cr_assert(strstr(line_with("11077"), PEARS " ×4  WH-60 → BACKORDER"), "%s", buf);
}

/* Too wide for 80 columns: the order id and the SKU give up room, cut with "…",
 * the quantity and the places stay whole. */
Test(width, a_changes_question_too_wide_cuts_names_and_keeps_numbers)
{
    fixture_run(command_allocate("order-with-a-very-long-identifier-01", PEARS, 1));
    fixture_tick();
    fixture_type(":change-qty WH-60 0\n");
    cr_assert(tui_app_confirming(fx.app), "%s", tui_app_status(fx.app));
    const char *l = line_with("order-with");
    cr_assert(strstr(l, "…"), "cut: %s", l);
    cr_assert(strstr(l, " ×1  WH-60 → BACKORDER"), "%s", l);
    cr_assert_leq(tui_text_width(l), 80);
    fixture_resize(40, 120);
    l = line_with("order-with");
    cr_assert(strstr(l, "order-with-a-very-long-identifier-01 " PEARS " ×1  WH-60 → BACKORDER"),
              "whole at 120: %s", l);
}
