/* The cockpit's prompt commands and bulk allocate (issue 13) on the production read
 * model (fixture.h): `:order`, `:batch`, `:sku` jumps with completion of the id,
 * `:export FILE` of the list shown (its filter and sort, every row) through the
 * CSV writer of `allot export`, and `a` on marked lines. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fixture.h"
#include "help/help_pages.h"

static int32_t today;
static char dir[64];

/* LAMP: W1 (10, warehouse), S1 (20, today + 5), and P01..P30 (1 each, today + 30);
 * TABLE: T1 (2).  o1 LAMP 4, o2 LAMP 4 on W1; o3 TABLE 5 waits. */
static void seed(void)
{
    fixture_open(NULL);
    today = date_from_unix(time(NULL));
    fixture_run(command_create_batch("W1", "LAMP", 10, ALLOT_NO_ETA));
    fixture_run(command_create_batch("S1", "LAMP", 20, today + 5));
    for (int i = 1; i <= 30; i++) {
        char ref[16];
        snprintf(ref, sizeof ref, "P%02d", i);
        fixture_run(command_create_batch(ref, "LAMP", 1, today + 30));
    }
    fixture_run(command_create_batch("T1", "TABLE", 2, ALLOT_NO_ETA));
    fixture_run(command_allocate("o1", "LAMP", 4));
    fixture_run(command_allocate("o2", "LAMP", 4));
    fixture_run(command_allocate("o3", "TABLE", 5));
    snprintf(dir, sizeof dir, "/tmp/allot-cockpit-%d", (int)getpid());
    mkdir(dir, 0700);
    fixture_start();
}

static void unseed(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    (void)system(cmd);
    fixture_close();
}

TestSuite(cockpit, .init = seed, .fini = unseed);

static const char *status(void) { return tui_app_status(fx.app); }
static const char *screen(void) { return tui_app_screen(fx.app); }

/* ---- jumps ---- */

Test(cockpit, order_batch_and_sku_open_their_screen)
{
    fixture_type(":order o2\n");
    cr_assert_str_eq(screen(), "order", "%s", status());
    cr_assert(fixture_main_has("o2"));
    fixture_type(":batch S1\n");
    cr_assert_str_eq(screen(), "batch", "%s", status());
    cr_assert(fixture_screen_has("Batch S1"));
    fixture_type(":sku TABLE\n");
    cr_assert_str_eq(screen(), "batches", "%s", status());
    cr_assert(fixture_main_has("T1"));
    cr_assert_not(fixture_main_has("W1"), "the batches of that SKU only");
    fixture_key('q');
    cr_assert_str_eq(screen(), "batch", "q goes back to where the jump was made");
}

Test(cockpit, a_missing_id_says_so_and_stays)
{
    fixture_type(":order o99\n");
    cr_assert_str_eq(screen(), "triage");
    cr_assert_str_eq(status(), "no order o99 (no line of it, allocated or waiting)");
    fixture_type(":batch NOPE\n");
    cr_assert_str_eq(status(), "no batch NOPE");
    fixture_type(":sku CHAIR\n");
    cr_assert_str_eq(status(), "no SKU CHAIR");
    cr_assert_str_eq(screen(), "triage");
    fixture_type(":order\n");
    cr_assert(tui_app_prompting(fx.app), "no id: the prompt stays open");
    cr_assert(fixture_screen_has("order takes one ORDERID"));
}

Test(cockpit, tab_completes_the_id_of_a_jump_from_the_read_model)
{
    fixture_type(":batch S\t");
    cr_assert(fixture_screen_has(":batch S1"), "the one candidate is completed");
    fixture_type("\n");
    cr_assert_str_eq(screen(), "batch");
    fixture_type(":order o\t");
    cr_assert(fixture_screen_has("3 candidates: o1, o2, o3"));
    fixture_type("3\n");
    cr_assert_str_eq(screen(), "order");
    cr_assert(fixture_main_has("TABLE"));
    fixture_type(":sku T\t");
    cr_assert(fixture_screen_has(":sku TABLE"));
    fixture_type("\n");
    cr_assert_str_eq(screen(), "batches", "completed with its blank: it runs as is");
}

/* ---- export ---- */

/* The lines of file `path` (at most 64), each without its line end; -1 if none. */
static int read_lines(const char *path, char lines[][256])
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    int n = 0;
    while (n < 64 && fgets(lines[n], 256, f)) {
        lines[n][strcspn(lines[n], "\n")] = 0;
        n++;
    }
    fclose(f);
    return n;
}

Test(cockpit, export_writes_every_row_of_the_list_as_filtered_and_sorted)
{
    char path[128], lines[64][256];
    snprintf(path, sizeof path, "%s/lamps.csv", dir);
    /* Batches of LAMP (32 rows: more than the window of 15), by QTY, largest first */
    fixture_type("B/sku:LAMP\n");
    fixture_type(">>]");
    char cmd[200];
    snprintf(cmd, sizeof cmd, ":export %s\n", path);
    fixture_type(cmd);
    int n = read_lines(path, lines);
    cr_assert_eq(n, 33, "a header and the 32 batches of LAMP: %d (%s)", n, status());
    cr_assert_str_eq(lines[0], "REF,SKU,QTY,ALLOC,AVAIL,ETA,STATE");
    for (int i = 1; i < n; i++)
        cr_assert(strstr(lines[i], ",LAMP,"), "filtered: %s", lines[i]);
    /* the list's own order: QTY, largest first */
    cr_assert(strncmp(lines[1], "S1,LAMP,20,", 11) == 0, "%s", lines[1]);
    cr_assert(strncmp(lines[2], "W1,LAMP,10,8,2,", 15) == 0, "%s", lines[2]);
    for (int i = 3; i < n; i++)
        cr_assert(strncmp(lines[i], "P", 1) == 0 && strstr(lines[i], ",LAMP,1,"), "%s", lines[i]);
    char want[256];
    snprintf(want, sizeof want, "32 rows of Batches");
    cr_assert(strstr(status(), want), "%s", status());
    cr_assert(strstr(status(), path), "the status says where: %s", status());
    cr_assert(strstr(status(), "sku:LAMP"), "and with which filter: %s", status());
}

Test(cockpit, export_never_writes_over_the_database_and_follows_a_link)
{
    struct stat before, after;
    cr_assert_eq(stat(fx.path, &before), 0);
    char cmd[300];
    snprintf(cmd, sizeof cmd, ":export %s\n", fx.path);
    fixture_type("B");
    fixture_type(cmd);
    const char *said = strstr(status(), "nothing was written");
    cr_assert(said, "%s", status());
    cr_assert_not(strstr(said + 1, "nothing was written"), "said once: %s", status());
    cr_assert_not(strstr(status(), "--force"), "the TUI has no --force: %s", status());
    char want[300];
    snprintf(want, sizeof want, "%s is the database %s; nothing was written", fx.path, fx.path);
    cr_assert_str_eq(status(), want);
    cr_assert_eq(stat(fx.path, &after), 0);
    cr_assert_eq(before.st_ino, after.st_ino, "the database is the same file");
    BatchRow b;
    cr_assert(fixture_batch("W1", &b), "and still a database");

    char target[128], link[128], lines[64][256];
    snprintf(target, sizeof target, "%s/target.csv", dir);
    snprintf(link, sizeof link, "%s/link.csv", dir);
    FILE *f = fopen(target, "w");
    fputs("old\n", f);
    fclose(f);
    cr_assert_eq(symlink(target, link), 0);
    fixture_type("/sku=TABLE\n");
    snprintf(cmd, sizeof cmd, ":export %s\n", link);
    fixture_type(cmd);
    cr_assert_eq(read_lines(target, lines), 2, "%s", status());
    cr_assert(strncmp(lines[1], "T1,TABLE,", 9) == 0, "%s", lines[1]);
    struct stat ls;
    cr_assert_eq(lstat(link, &ls), 0);
    cr_assert(S_ISLNK(ls.st_mode), "the link stays a link");
    cr_assert(strstr(status(), "1 row of Batches"), "%s", status());
}

/* The -journal of another database, not there yet (writing it would leave that
 * database unopenable), is refused as the CLI's export refuses it. */
Test(cockpit, export_never_writes_the_journal_of_another_database)
{
    char db[128], journal[160], cmd[300], want[400];
    snprintf(db, sizeof db, "%s/s.db", dir);
    snprintf(journal, sizeof journal, "%s-journal", db);
    snprintf(cmd, sizeof cmd, "cp %s %s", fx.path, db);
    cr_assert_eq(system(cmd), 0);
    fixture_type("B");
    snprintf(cmd, sizeof cmd, ":export %s\n", journal);
    fixture_type(cmd);
    snprintf(want, sizeof want, "%s is the rollback journal of the database %s; nothing was written",
             journal, db);
    cr_assert_str_eq(status(), want);
    struct stat sb;
    cr_assert_neq(stat(journal, &sb), 0, "no journal was written");
}

Test(cockpit, export_needs_a_list_and_a_file)
{
    fixture_type(":export\n");
    cr_assert(fixture_screen_has("export takes one FILE"));
    fixture_key(27);
    char cmd[200];
    snprintf(cmd, sizeof cmd, ":export %s/no/such/folder/x.csv\n", dir);
    fixture_type("B");
    fixture_type(cmd);
    cr_assert(strstr(status(), "nothing was written"), "%s", status());
}

/* A FIFO (with a reader: it would not block) and a device are refused before they
 * are opened: nothing goes into the pipe or onto the terminal. */
Test(cockpit, export_refuses_what_is_not_a_regular_file)
{
    char fifo[128], cmd[200];
    snprintf(fifo, sizeof fifo, "%s/pipe", dir);
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    int rd = open(fifo, O_RDONLY | O_NONBLOCK);
    cr_assert_geq(rd, 0);
    fixture_type("B");
    snprintf(cmd, sizeof cmd, ":export %s\n", fifo);
    fixture_type(cmd);
    char want[300];
    snprintf(want, sizeof want,
             "%s is not a regular file: the TUI writes exports to files (allot export writes to "
             "devices and pipes); nothing was written",
             fifo);
    cr_assert_str_eq(status(), want);
    char buf[16];
    cr_assert_leq(read(rd, buf, sizeof buf), 0, "nothing went into the pipe");
    close(rd);
    fixture_type(":export /dev/null\n");
    cr_assert(strstr(status(), "/dev/null is not a regular file"), "%s", status());
}

/* `[` on a column without an order names a help page and section that exist. */
Test(cockpit, a_column_that_does_not_sort_points_to_help_that_exists)
{
    fixture_type("B>>>["); /* REF SKU QTY [ALLOC] */
    const char *s = strstr(status(), "ALLOC does not sort (help ");
    cr_assert(s, "%s", status());
    char topic[32] = "", section[64] = "";
    cr_assert_eq(sscanf(s, "ALLOC does not sort (help %31[^,], \"%63[^\"]\")", topic, section), 2,
                 "%s", status());
    const HelpPage *page = help_page_find(topic);
    cr_assert(page, "no help topic \"%s\"", topic);
    char heading[80];
    snprintf(heading, sizeof heading, "\n## %s\n", section);
    char *md = strndup(page->markdown, page->len);
    cr_expect(strstr(md, heading), "no section \"%s\" on the %s page", section, topic);
    free(md);
}

/* ---- a on marked lines ---- */

/* o4 LAMP 5 and o5 LAMP 6 wait on S1 (due in 5 days) while W1 is full; W1 grows
 * to 30: nothing moves by itself (SPEC.md §1.2 rule 3 retries backorders only). */
static void lines_on_s1(void)
{
    fixture_run(command_allocate("o4", "LAMP", 5));
    fixture_run(command_with_need(command_allocate("o5", "LAMP", 6), today + 9, 0));
    fixture_run(command_change_batch_qty("W1", 30));
    char b[32];
    cr_assert_str_eq(fixture_line_place("o4", "LAMP", b, sizeof b), "S1");
    cr_assert_str_eq(fixture_line_place("o5", "LAMP", b, sizeof b), "S1");
    fixture_tick();
}

/* The moment of first request and the need date of line (orderid, sku). */
static void line_facts(const char *orderid, const char *sku, int64_t *requested, int32_t *need)
{
    LineRow rows[8];
    size_t n = 0;
    ViewPage pg = {.limit = 8};
    ErrBuf err;
    cr_assert_eq(views_order_lines(fx.views, orderid, &pg, NULL, rows, &n, &err), ALLOT_OK, "%s",
                 err.msg);
    *requested = -1;
    for (size_t i = 0; i < n; i++)
        if (strcmp(rows[i].sku, sku) == 0) {
            *requested = rows[i].key;
            *need = rows[i].need;
        }
}

Test(cockpit, a_on_marked_lines_allocates_them_again_with_one_preview_and_one_transaction)
{
    lines_on_s1();
    int64_t req4, req5;
    int32_t need4, need5;
    line_facts("o4", "LAMP", &req4, &need4);
    line_facts("o5", "LAMP", &req5, &need5);
    fixture_type(":batch S1\n");
    cr_assert_str_eq(screen(), "batch");
    fixture_type("  "); /* o4, o5: the batch's lines, oldest first */
    fixture_type("a");
    cr_assert(tui_app_confirming(fx.app), "one question: %s", status());
    cr_assert(fixture_main_has("Allocate 2 marked order lines again"));
    char line[1024];
    fixture_line_with("×5  S1", line, sizeof line); /* the question's, not the feed's */
    cr_assert(strstr(line, "o4") && strstr(line, "→ W1  -5d"), "o4 to the warehouse: %s", line);
    fixture_line_with("×6  S1", line, sizeof line);
    cr_assert(strstr(line, "o5") && strstr(line, "→ W1  -5d"), "o5 too: %s", line);
    char b[32];
    cr_assert_str_eq(fixture_line_place("o4", "LAMP", b, sizeof b), "S1", "nothing ran yet");
    fixture_type("y");
    cr_assert_str_eq(fixture_line_place("o4", "LAMP", b, sizeof b), "W1");
    cr_assert_str_eq(fixture_line_place("o5", "LAMP", b, sizeof b), "W1");
    cr_assert(strstr(status(), "4 commands done in one transaction"), "%s", status());
    int64_t r4, r5;
    int32_t n4, n5;
    line_facts("o4", "LAMP", &r4, &n4);
    line_facts("o5", "LAMP", &r5, &n5);
    cr_assert_eq(r4, req4, "o4 keeps its moment of first request");
    cr_assert_eq(r5, req5, "o5 too");
    cr_assert_eq(n5, today + 9, "and its need date");
    cr_assert_eq(n4, need4);
    (void)need5;
}

Test(cockpit, a_on_marked_lines_answered_no_changes_nothing)
{
    lines_on_s1();
    fixture_type(":batch S1\n  a");
    cr_assert(tui_app_confirming(fx.app));
    fixture_type("n");
    char b[32];
    cr_assert_str_eq(fixture_line_place("o4", "LAMP", b, sizeof b), "S1");
    cr_assert_str_eq(fixture_line_place("o5", "LAMP", b, sizeof b), "S1");
    fixture_type("\\a"); /* marks cleared: a asks for a new line again */
    cr_assert(tui_app_prompting(fx.app));
    cr_assert(fixture_screen_has("Allocate LAMP"), "the allocate form of one new line");
}

/* ---- a half-typed term ---- */

Test(cockpit, a_half_typed_term_lists_what_the_words_before_it_list)
{
    fixture_key('B');
    fixture_type("/eta<banana");
    cr_assert(fixture_screen_has("eta<banana"), "the text stays in the prompt");
    cr_assert(fixture_screen_has("\"banana\" is not a date"), "the prompt says what is wrong");
    cr_assert(fixture_main_has("W1") && fixture_main_has("S1"),
              "no complete term before it: every batch, not the rows the word \"eta\" matched");
    fixture_key(TK_ESC);
    fixture_type("/sku:TABLE eta<ban");
    cr_assert(fixture_main_has("T1"));
    cr_assert_not(fixture_main_has("W1"), "the complete term before it still filters");
    fixture_key(TK_ESC);
    fixture_type("/sku:LAMP eta<+1");
    fixture_type("0");
    cr_assert(fixture_main_has("S1") && !fixture_main_has("P01"), "eta<+10 applies as typed");
    fixture_type("x");
    cr_assert(fixture_main_has("P01") && !fixture_main_has("T1"),
              "eta<+10x is not a date yet: what sku:LAMP lists");
}

/* ---- a long paste ---- */

Test(cockpit, a_paste_longer_than_a_filter_stops_at_its_limit_and_says_so_once)
{
    fixture_key('B');
    static char paste[3002];
    paste[0] = '/';
    memset(paste + 1, 'x', 3000);
    paste[3001] = 0;
    fixture_type(paste);
    cr_assert(fixture_screen_has("at most 199 bytes here: the rest was not typed"));
    /* 199 bytes were typed: 199 Backspaces empty the line, the next one closes it */
    for (int i = 0; i < 199; i++)
        fixture_key(TK_BACKSPACE);
    cr_assert(fixture_screen_has("Filter ("), "the prompt is still open");
    fixture_key(TK_BACKSPACE);
    cr_assert_not(fixture_screen_has("Filter ("), "an empty line: Backspace closes it");
}

Test(cockpit, a_paste_cut_at_the_limit_keeps_a_prefix_of_it)
{
    fixture_key('B');
    static char paste[8000];
    strcpy(paste, "/sku:");
    for (int i = 0; i < 300; i++)
        strcat(paste, "Ö"); /* 2 bytes each: 97 fit after sku: (198 bytes) */
    for (int i = 0; i < 3000; i++)
        strcat(paste, "x"); /* one more byte would fit, but it is not what came next */
    fixture_type(paste);
    cr_assert(fixture_screen_has("at most 199 bytes here"));
    for (int i = 0; i < 4 + 97; i++)
        fixture_key(TK_BACKSPACE);
    cr_assert(fixture_screen_has("Filter ("), "the prompt is still open");
    fixture_key(TK_BACKSPACE);
    cr_assert_not(fixture_screen_has("Filter ("), "sku: and 97 Ö were typed, no x after them");
}
