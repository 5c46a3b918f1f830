/* Issue 14's TUI parts on the production read model (fixture.h: the SQLite store,
 * the read model on its own connection, keys in and a memory canvas out), today
 * pinned: the late lines on Triage, lateness on the line lists and the Order
 * screen, the availability timeline and promise of a SKU, the history of a line,
 * and u / U (undo and redo with their preview), live and in a what-if session. */
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
#define screen_has fixture_screen_has
#define type(keys) tui_app_type(app, keys)

static void need(const char *orderid, const char *sku, int64_t qty, int32_t need_day)
{
    fixture_run(command_with_need(command_allocate(orderid, sku, qty), need_day, 0));
}

/* LAMP: W1 in the warehouse (4), S1 due today + 10 (10).  TABLE: T1 due today + 2 (2).
 *   o5 TABLE 5, needed today + 5    → waits: at risk
 *   o1 LAMP 4, needed today - 5     → W1, promised today: 5 days late
 *   o1 TABLE 1, needed today + 1    → T1, promised today + 2: 1 day late
 *   o2 LAMP 3, needed today + 2     → S1, promised today + 10: 8 days late
 *   o3 LAMP 20, needed today - 3    → waits: 3 days late
 *   o4 LAMP 1, needed today + 20    → S1: on time */
static void setup(void)
{
    fixture_open(&clk);
    today = date_from_unix(TODAY_UNIX);
    fixture_run(command_create_batch("W1", "LAMP", 4, ALLOT_NO_ETA));
    fixture_run(command_create_batch("S1", "LAMP", 10, today + 10));
    fixture_run(command_create_batch("T1", "TABLE", 2, today + 2));
    need("o5", "TABLE", 5, today + 5);
    need("o1", "LAMP", 4, today - 5);
    need("o1", "TABLE", 1, today + 1);
    need("o2", "LAMP", 3, today + 2);
    need("o3", "LAMP", 20, today - 3);
    need("o4", "LAMP", 1, today + 20);
    fixture_start();
}

TestSuite(tui_issue14, .init = setup, .fini = fixture_close);

/* The canvas row holding `needle`, or -1. */
static int row_of(const char *needle)
{
    fixture_draw();
    return tui_mem_canvas_find(fx.cv, needle);
}

static char line_buf[2048];
static const char *line_with(const char *needle)
{
    return fixture_line_with(needle, line_buf, sizeof line_buf);
}

static char place_buf[64];
static const char *place(const char *orderid, const char *sku)
{
    return fixture_line_place(orderid, sku, place_buf, sizeof place_buf);
}

static int64_t qty_of(const char *ref)
{
    BatchRow b;
    cr_assert(fixture_batch(ref, &b), "batch %s", ref);
    return b.qty;
}

static int64_t latest_event(void)
{
    int64_t id = 0;
    ErrBuf err;
    cr_assert_eq(views_latest_event_id(fx.views, &id, &err), ALLOT_OK);
    return id;
}

/* Every order line and its place, in export order: the state undo must restore. */
static void lines_text(char *buf, size_t size)
{
    LineRow rows[64];
    size_t n = 0, o = 0;
    ErrBuf err;
    ViewPage pg = {.limit = 64};
    cr_assert_eq(views_lines(fx.views, LINES_ALL, &pg, NULL, rows, &n, &err), ALLOT_OK);
    buf[0] = 0;
    for (size_t i = 0; i < n && o < size; i++)
        o += (size_t)snprintf(buf + o, size - o, "%s %s %lld %s %lld\n", rows[i].orderid,
                              rows[i].sku, (long long)rows[i].qty,
                              rows[i].batchref[0] ? rows[i].batchref : "-",
                              (long long)rows[i].key);
}

/* ---- late lines, lateness on the lists, the Order screen ---- */

Test(tui_issue14, triage_lands_with_the_late_lines_worst_first_and_their_promised_dates)
{
    cr_assert_str_eq(tui_app_screen(app), "triage");
    cr_assert(screen_has("Late lines, worst first"));
    fixture_resize(40, 120); /* room for every late line in the panel */
    type("lllll"); /* the late lines panel (after the overdue shipments) */
    char d[ALLOT_DATE_TEXT];
    /* worst first: o2 (8), o1 LAMP (5), o3 (3, a backorder: it waits), o1 TABLE (1) */
    const char *o2 = line_with("▶ o2 ");
    cr_assert(strstr(o2, "8d"), "o2 first, 8 days late: %s", o2);
    cr_assert(strstr(o2, date_format(today + 2, d) + 5), "need date: %s", o2);
    cr_assert(strstr(o2, date_format(today + 10, d) + 5), "promised with S1: %s", o2);
    type("j");
    const char *o1 = line_with("▶ o1 ");
    cr_assert(strstr(o1, "LAMP") && strstr(o1, "5d"), "%s", o1);
    cr_assert(strstr(o1, date_format(today, d) + 5), "W1 promises today: %s", o1);
    type("j");
    const char *o3 = line_with("▶ o3 ");
    cr_assert(strstr(o3, "3d") && strstr(o3, "waits"), "a backorder has no promise: %s", o3);
    type("j");
    const char *t = line_with("▶ o1 ");
    cr_assert(strstr(t, "TABLE") && strstr(t, "1d"), "%s", t);
    type("j");
    cr_assert(strstr(line_with("▶ o1 "), "TABLE"), "the last: o4 (on time), o5 (at risk) are not late");
    fixture_key(TK_ENTER);
    cr_assert_str_eq(tui_app_screen(app), "order", "Enter opens the line's order");
}

Test(tui_issue14, the_line_lists_show_need_dates_and_lateness)
{
    type("O"); /* Backorders */
    cr_assert_str_eq(tui_app_screen(app), "backorders");
    char d[ALLOT_DATE_TEXT];
    const char *o3 = line_with("o3 ");
    cr_assert(strstr(o3, "3d") && strstr(o3, date_format(today - 3, d)), "%s", o3);
    const char *o5 = line_with("o5 ");
    cr_assert(strstr(o5, "at risk"), "a backorder needed in 5 days is at risk: %s", o5);
    /* the lines of batch S1: o2 late by 8, o4 on time */
    type("B"); /* Batches, in preference order: W1, S1, T1 */
    type("j");
    fixture_key(TK_ENTER);
    cr_assert_str_eq(tui_app_screen(app), "batch");
    cr_assert(screen_has("Batch S1"));
    cr_assert(strstr(line_with("o2 "), "8d"), "%s", line_with("o2 "));
    cr_assert(!strstr(line_with("o4 "), "d "), "o4 is on time: %s", line_with("o4 "));
}

Test(tui_issue14, the_order_screen_gives_each_line_its_promise_and_the_order_its_complete_date)
{
    type("lllll"); /* Triage: to the late lines */
    fixture_key(TK_ENTER); /* o2, the worst */
    cr_assert_str_eq(tui_app_screen(app), "order");
    char d[ALLOT_DATE_TEXT], want[96];
    snprintf(want, sizeof want, "complete %s", date_format(today + 10, d));
    cr_assert(screen_has("Order o2 · 1 line"));
    cr_assert(screen_has(want), "o2 is complete when S1 comes");
    cr_assert(screen_has("8 days late (1 late line)"));
    type("q");
    type("O");
    type("j"); /* the backorders: o5, o3 */
    fixture_key(TK_ENTER);
    cr_assert(screen_has("Order o3 · 1 line · complete none: a line waits for stock"));
    cr_assert(screen_has("3 days late"));
    type("q");
    type("k");
    fixture_key(TK_ENTER);
    cr_assert(screen_has("Order o5"));
    cr_assert(screen_has("on time · AT RISK"), "o5 waits, needed in 5 days");
    /* an order across SKUs */
    type("q");
    type("T");
    type("lllll");
    type("j"); /* o1 LAMP */
    fixture_key(TK_ENTER);
    cr_assert(screen_has("Order o1 · 2 lines"));
    snprintf(want, sizeof want, "complete %s", date_format(today + 2, d));
    cr_assert(screen_has(want), "the latest promised date of its lines");
    cr_assert(screen_has("5 days late (2 late lines)"), "as late as its latest line");
    const char *lamp = line_with("LAMP ");
    cr_assert(strstr(lamp, date_format(today, d)) && strstr(lamp, "5d"),
              "W1 promises today: %s", lamp);
}

Test(tui_issue14, lateness_in_a_what_if_session_is_the_sandboxs)
{
    type("w");
    cr_assert(tui_app_in_whatif(app));
    type("B"); /* Batches: W1, S1, T1 */
    type("j");
    type("5d");
    cr_assert(tui_app_confirming(app), "the delay of S1 moves o2's and o4's promise");
    type("y");
    type("T");
    cr_assert(strstr(line_with("o2   "), "13d"), "S1 5 days later: o2 13 days late: %s",
              line_with("o2   "));
    type("D");
    type("y");
    cr_assert_not(tui_app_in_whatif(app));
    cr_assert(strstr(line_with("o2   "), "8d"), "live: still 8 days late");
}

/* ---- the availability timeline and promise ---- */

Test(tui_issue14, t_opens_the_availability_timeline_of_a_sku_and_n_promises_without_a_change)
{
    type("P"); /* Products: LAMP, TABLE */
    type("t");
    cr_assert_str_eq(tui_app_screen(app), "atp");
    cr_assert(screen_has("Availability of LAMP"));
    cr_assert(screen_has("waiting: 1 line, 20 units"), "o3 waits");
    char d[ALLOT_DATE_TEXT];
    /* today: W1 4, all allocated; S1's date: 10 arriving, 4 allocated, 6 free */
    const char *t0 = line_with("▶ today");
    cr_assert(t0[0], "a row for today");
    cr_assert(strstr(t0, "W1"), "%s", t0);
    const char *t1 = line_with(date_format(today + 10, d));
    long arriving, alloc, free_qty, projected;
    char date[16];
    cr_assert_eq(sscanf(t1 + 2 + (t1[0] == '>' || strncmp(t1, "▶", 3) == 0 ? 2 : 0),
                        "%15s %ld %ld %ld %ld", date, &arriving, &alloc, &free_qty, &projected),
                 5, "%s", t1);
    cr_assert_eq(arriving, 10);
    cr_assert_eq(alloc, 4);
    cr_assert_eq(free_qty, 6);
    cr_assert_eq(projected, 6);
    int64_t before = latest_event();
    type("5n");
    snprintf(date, sizeof date, "%s", date_format(today + 10, d));
    cr_assert(strstr(tui_app_status(app), "Promise 5: batch S1, promised"), "%s",
              tui_app_status(app));
    cr_assert(screen_has(date), "and when");
    cr_assert(strstr(tui_app_status(app), "nothing changed"));
    /* the form: 0 is refused as the CLI refuses it; 7 would wait */
    type("n");
    cr_assert(tui_app_prompting(app));
    type("0");
    fixture_key(TK_ENTER);
    cr_assert(tui_app_prompting(app), "a bad quantity keeps the form open");
    fixture_key(TK_BACKSPACE);
    type("7");
    fixture_key(TK_ENTER);
    cr_assert_not(tui_app_prompting(app));
    cr_assert(screen_has("Promise 7: backordered now"), "no batch has 7 free");
    cr_assert(screen_has("S1 ("), "S1 is large enough: room would have to be made on it");
    cr_assert_eq(latest_event(), before, "promise changed nothing");
    cr_assert_eq(qty_of("S1"), 10);
    fixture_key(TK_ENTER);
    cr_assert_str_eq(tui_app_screen(app), "batches", "Enter: the SKU's batches");
}

/* ---- the history of a line ---- */

Test(tui_issue14, h_shows_every_event_of_a_line_oldest_first_with_command_and_actor)
{
    fixture_run(command_change_batch_qty("W1", 24)); /* o3 gets W1 */
    fixture_run(command_change_batch_qty("W1", 4));  /* o3 (newest) waits again */
    fixture_tick();
    type("O");
    type("j"); /* o5, o3 */
    cr_assert(strstr(line_with("▶"), "o3"), "%s", line_with("▶"));
    type("H");
    cr_assert_str_eq(tui_app_screen(app), "history");
    cr_assert(screen_has("History of o3 LAMP"));
    int oos = row_of("OutOfStock"), alloc = row_of("Allocated"), dealloc = row_of("Deallocated");
    cr_assert(oos > 0 && alloc > oos && dealloc > alloc, "oldest first: %d %d %d", oos, alloc,
              dealloc);
    /* each with its command and actor: three commands, three ids */
    ErrBuf err;
    EventRow ev[8];
    size_t n = 0;
    ViewPage pg = {.limit = 8};
    cr_assert_eq(views_line_history(fx.views, "o3", "LAMP", 0, &pg, ev, &n, &err), ALLOT_OK);
    cr_assert_eq(n, 3);
    for (size_t i = 0; i < n; i++) {
        char id[32];
        snprintf(id, sizeof id, "%lld", (long long)ev[i].id);
        const char *row = line_with(event_type_name(ev[i].ev.type));
        snprintf(id, sizeof id, " %lld ", (long long)ev[i].ev.command_id);
        cr_assert(strstr(row, id), "command %s in %s", id, row);
        cr_assert(strstr(row, ev[i].ev.actor) && ev[i].ev.actor[0], "actor in %s", row);
    }
    type("j"); /* Allocated on W1 */
    fixture_key(TK_ENTER);
    cr_assert_str_eq(tui_app_screen(app), "batch", "Enter: the event's batch");
    cr_assert(screen_has("Batch W1"));
}

/* ---- undo and redo ---- */

/* `:change-qty W1 0`, answered yes: o1 LAMP leaves W1 for S1 (6 free). */
static void empty_w1(void)
{
    type(":change-qty W1 0");
    fixture_key(TK_ENTER);
    cr_assert(tui_app_confirming(app), "o1 would leave W1: it asks");
    cr_assert(strstr(line_with("  o1 LAMP ×"), "W1") && strstr(line_with("  o1 LAMP ×"), "→ S1"), "%s",
              line_with("  o1 LAMP ×"));
    type("y");
}

Test(tui_issue14, u_previews_the_undo_of_the_latest_change_and_puts_everything_back)
{
    char before[4096], after[4096];
    lines_text(before, sizeof before);
    empty_w1();
    cr_assert_str_eq(place("o1", "LAMP"), "S1");
    type("u");
    cr_assert(tui_app_confirming(app), "u shows what it would do and asks");
    cr_assert(screen_has("Undo command"));
    cr_assert(screen_has("It did: BatchQuantityChanged W1 LAMP 4 → 0"));
    const char *l = line_with("  o1 LAMP ×");
    cr_assert(strstr(l, "S1") && strstr(l, "→ W1"), "the line moving back: %s", l);
    type("n");
    cr_assert_str_eq(place("o1", "LAMP"), "S1", "n: nothing changed");
    type("u");
    type("y");
    cr_assert_not(tui_app_confirming(app));
    cr_assert(strstr(tui_app_status(app), "Undo of command ") &&
                  strstr(tui_app_status(app), " done: "),
              "%s", tui_app_status(app));
    cr_assert_eq(qty_of("W1"), 4);
    lines_text(after, sizeof after);
    cr_assert_str_eq(after, before, "every line back where it was, first-request moments too");
    /* U redoes it, after the same kind of preview */
    type("U");
    cr_assert(tui_app_confirming(app));
    cr_assert(screen_has("Redo: undo command"));
    cr_assert(strstr(line_with("  o1 LAMP ×"), "W1") && strstr(line_with("  o1 LAMP ×"), "→ S1"), "%s",
              line_with("  o1 LAMP ×"));
    type("y");
    cr_assert_eq(qty_of("W1"), 0);
    cr_assert_str_eq(place("o1", "LAMP"), "S1");
    /* the status line says what U did: a redo of the change-qty, not an "Undo" */
    cr_assert(strncmp(tui_app_status(app), "Redo of command ", 16) == 0, "%s",
              tui_app_status(app));
    type("U");
    cr_assert_not(tui_app_confirming(app));
    cr_assert(strstr(tui_app_status(app), "nothing to redo"), "%s", tui_app_status(app));
}

Test(tui_issue14, u_again_steps_back_and_says_why_when_the_domain_refuses)
{
    fixture_run(command_change_batch_qty("T1", 3));
    empty_w1();
    type("uy"); /* W1 back to 4 */
    cr_assert_eq(qty_of("W1"), 4);
    type("u"); /* the change before: T1 3 → 2, another SKU */
    cr_assert(screen_has("It did: BatchQuantityChanged T1 TABLE 2 → 3"));
    type("y");
    cr_assert_eq(qty_of("T1"), 2);
    /* the one before that is an allocation of LAMP, which the undo of W1 touched since */
    type("u");
    cr_assert_not(tui_app_confirming(app));
    cr_assert(strstr(tui_app_status(app), "changed LAMP since"), "%s", tui_app_status(app));
}

Test(tui_issue14, u_in_a_what_if_session_undoes_the_sessions_change_in_the_sandbox)
{
    type("w");
    empty_w1();
    cr_assert_eq(qty_of("W1"), 4, "live is untouched");
    type("B");
    cr_assert(strstr(line_with("W1 "), "Δ"), "W1 differs in the sandbox: %s", line_with("W1 "));
    type("u");
    cr_assert(screen_has("[what-if] Undo command"));
    type("y");
    cr_assert(screen_has("2 changes"), "the undo is a step of the session");
    cr_assert(!strstr(line_with("W1 "), "Δ"), "W1 is as live again in the sandbox: %s",
              line_with("W1 "));
    /* applied: the change and its undo, so live ends as it was */
    char before[4096], after[4096];
    lines_text(before, sizeof before);
    int64_t id = latest_event();
    type("A");
    cr_assert(tui_app_confirming(app));
    type("y");
    cr_assert_not(tui_app_in_whatif(app));
    cr_assert_gt(latest_event(), id, "the two commands ran live");
    lines_text(after, sizeof after);
    cr_assert_str_eq(after, before);
    cr_assert_eq(qty_of("W1"), 4);
}
